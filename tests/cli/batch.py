#!/usr/bin/python3
"""cli-batch: `entrepot batch` runs several small worlds in one process, side by side.

Three runs of a batch on two threads (two seeds of the baseline and one scenario) write the
same bytes as the same runs alone; a run that fails (an unknown --set key) is reported with
its exit status and the others still finish, the batch exiting 1; a malformed list is
refused before any run, with its file:line:col.
"""
import os

import clitest

SMALL = ["--set", "agents.consumers=9000", "--set", "agents.firms=1000",
         "--set", "output.snapshots=[]"]


def body(t):
    scenario = os.path.join(t.source, "configs", "us_china_tariffs.yaml")
    # The scenario runs its own 120 steps, past its tariffs; the baseline 62.
    runs = [(t.baseline, 1, "b1", ["--steps", "62"]), (t.baseline, 2, "b2", ["--steps", "62"]),
            (scenario, 1, "s1", [])]
    lines = [f"{config} --seed {seed} {' '.join(steps + SMALL)} --out {t.path(name + '.h5')}"
             for config, seed, name, steps in runs]
    listed = t.path("runs.txt")
    with open(listed, "w") as f:
        f.write("# two seeds of the baseline and a scenario\n" + "\n".join(lines) + "\n")
    rc, stdout, stderr, _ = t.run(["batch", listed, "--jobs", "2"], timeout=300)
    t.check(rc == 0, f"batch exits {rc}: {stderr.strip()}")
    t.check("batch: 3 of 3 runs succeeded" in stdout, f"no summary line:\n{stdout}")
    for config, seed, name, steps in runs:
        alone = t.path(name + "_alone.h5")
        rc, _, stderr, _ = t.run(["run", config, "--seed", str(seed), *steps, *SMALL,
                                  "--out", alone, "--quiet"])
        t.check(rc == 0, f"{name} alone exits {rc}: {stderr.strip()}")
        rc, stdout, _, _ = t.run(["compare", t.path(name + ".h5"), alone])
        t.check(rc == 0, f"{name}: the batch's file differs from the run alone:\n{stdout}")

    failing = t.path("failing.txt")
    with open(failing, "w") as f:
        f.write(f"{t.baseline} --steps 3 {' '.join(SMALL)} --set behaviour.no_such_key=1 "
                f"--out {t.path('bad.h5')}\n")
        f.write(f"{t.baseline} --steps 3 {' '.join(SMALL)} --out {t.path('good.h5')}\n")
    rc, stdout, stderr, _ = t.run(["batch", failing, "--jobs", "2"])
    t.check(rc == 1, f"a batch with a failing run exits {rc}, expected 1")
    t.check(f"({t.path('bad.h5')}): exit 2" in stdout and f"({t.path('good.h5')}): exit 0" in stdout,
            f"each run's exit status is not reported:\n{stdout}")
    bad = [line for line in stdout.splitlines() if t.path("bad.h5") in line]
    t.check(bad and "no_such_key" in bad[0], f"the failing run's line has no reason: {bad}")
    t.check(os.path.exists(t.path("good.h5")), "the good run of a failing batch wrote nothing")

    malformed = t.path("malformed.txt")
    with open(malformed, "w") as f:
        f.write(f"{t.baseline} --out {t.path('x.h5')}\n{t.baseline} --seeds 4 --out y.h5\n")
    rc, stdout, stderr, _ = t.run(["batch", malformed])
    t.check(rc == 2, f"a malformed list exits {rc}, expected 2")
    t.check(f"{malformed}:2:" in stderr and "unknown option '--seeds'" in stderr,
            f"the malformed line is not named: {stderr.strip()}")
    t.check(not os.path.exists(t.path("x.h5")), "a malformed list ran its first line")


if __name__ == "__main__":
    clitest.Test("cli-batch").run_main(body)
