"""`entrepot run` under mpirun. One rank gives the same /series bytes as a plain run; more
ranks are refused (the partition is reported, nothing is written, exit status 3) until a
run can be stepped over several ranks; a bad config is reported once, by rank 0.

Called as `python3 mpirun.py ENTREPOT SOURCE_DIR MPIEXEC`."""
import os
import subprocess

import h5py
import numpy as np

from clitest import SMALL, SERIES_VARIABLES, Test, child_env


def mpirun(t, ranks, args, timeout=120):
    command = [t.args[0], "-np", str(ranks), "--oversubscribe", t.binary] + list(args)
    t.info("$ " + " ".join(command))
    env = child_env()
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    done = subprocess.run(command, cwd=t.tmp, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def body(t):
    args = ["run", t.baseline, "--steps", "4", "--quiet"] + SMALL
    plain = t.path("plain.h5")
    rc, _, err, _ = t.run(args + ["--out", plain])
    t.check(rc == 0, f"plain run exits 0 (got {rc}): {err}")

    one = t.path("one.h5")
    rc, _, err = mpirun(t, 1, args + ["--out", one])
    t.check(rc == 0, f"mpirun -np 1 exits 0 (got {rc}): {err}")
    if os.path.exists(plain) and os.path.exists(one):
        with h5py.File(plain, "r") as a, h5py.File(one, "r") as b:
            for name in SERIES_VARIABLES:
                t.check(np.array_equal(a["series"][name][()], b["series"][name][()]),
                        f"/series/{name} is the same under mpirun -np 1")

    two = t.path("two.h5")
    rc, _, err = mpirun(t, 2, args + ["--out", two])
    t.check(rc == 3, f"mpirun -np 2 is refused with exit status 3 (got {rc})")
    t.check("partition: 2 ranks" in err and "imbalance" in err,
            f"the refusal reports the partition: {err}")
    t.check("not available yet" in err, f"the refusal says why: {err}")
    t.check(not os.path.exists(two), "nothing is written when the run is refused")

    rc, _, err = mpirun(t, 3, ["run", t.baseline, "--set", "steps=-1", "--out", t.path("bad.h5")])
    t.check(rc == 2, f"a bad config under mpirun exits 2 (got {rc})")
    t.check(err.count("steps is -1") == 1, f"the config error is printed once, by rank 0: {err}")


Test("mpirun").run_main(body)
