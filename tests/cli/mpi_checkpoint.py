"""mpi.checkpoint_N_ranks: checkpoints under a real mpirun. A run over N ranks writes the same
checkpoint bytes as one process (one file, each rank its rows); resumed over N ranks, over
another number of ranks and by one process, it gives the result file of a run that never
stopped. At 2 ranks, SIGTERM to the ranks checkpoints every rank after the same step, and the
run resumes over 3 ranks to the uninterrupted bytes.

Called as `python3 mpi_checkpoint.py ENTREPOT SOURCE_DIR MPIEXEC RANKS`."""
import os
import signal
import subprocess
import time

import clitest

# Households enough for every country to have a few dozen and a specialised sector more
# than a firm or two (at 2·10^4 agents a country's jobs can collapse within 80 steps); the
# price limit off, since a small region can see its prices run away over 80 steps.
SMALL = ["--set", "agents.consumers=45000", "--set", "agents.firms=5000",
         "--set", "health.price_limit=0"]


def mpirun(t, ranks, args, timeout=240):
    command = [t.args[0], "-np", str(ranks), "--oversubscribe", t.binary] + list(args)
    t.info("$ " + " ".join(command))
    env = clitest.child_env()
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMP_NUM_THREADS="1")
    done = subprocess.run(command, cwd=t.tmp, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def identical(t, a, b, what):
    rc, out, err, _ = t.run(["compare", a, b])
    t.check(rc == 0, f"{what}: {out.strip()} {err.strip()}")


def sigterm_to_mpirun(t, config, ranks):
    steps = ["--set", "steps=80"]
    reference = t.path("long_reference.h5")
    rc, _, err, _ = t.run(["run", config, *SMALL, *steps, "--quiet", "--out", reference],
                          timeout=300)
    t.check(rc == 0, f"long reference exits 0: {err}")
    out = t.path("long.h5")
    command = [t.args[0], "-np", str(ranks), "--oversubscribe", t.binary, "run", config, *SMALL,
               *steps, "--set", "output.flush_every=1", "--out", out]
    env = clitest.child_env()
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMP_NUM_THREADS="1")
    with open(t.path("long.err"), "w") as err_file:
        child = subprocess.Popen(command, cwd=t.tmp, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err_file)
        t.children.append(child)
        if clitest.wait_for_steps(t, child, out, 4) is None:
            return
        # To the ranks, as Slurm's --signal does: mpirun itself kills its ranks a second
        # after a signal, which a checkpoint under load may not fit in.
        ranks_of = subprocess.run(["pgrep", "-P", str(child.pid)], capture_output=True,
                                  text=True).stdout.split()
        t.check(len(ranks_of) == ranks, f"mpirun started {ranks} ranks: {ranks_of}")
        for pid in ranks_of:
            os.kill(int(pid), signal.SIGTERM)
        rc = clitest.wait_for_exit(t, child, 90, "SIGTERM to its ranks")
        if rc is None:
            return
    with open(t.path("long.err")) as f:
        err = f.read()
    t.check(rc != 0, f"SIGTERM to the ranks stops mpirun with a non-zero exit ({rc})")
    checkpoint = t.path("long.checkpoint.h5")
    t.check("continue with: entrepot resume" in err, f"the stop names the checkpoint: {err[-500:]}")
    if not os.path.exists(checkpoint):
        t.check(False, "SIGTERM to the ranks wrote no checkpoint")
        return
    rc, _, err = mpirun(t, 3, ["resume", checkpoint, "--quiet"])
    t.check(rc == 0, f"resume over 3 ranks after SIGTERM exits 0: {err}")
    identical(t, reference, out, "stopped over 2 ranks, resumed over 3: the uninterrupted run")


def body(t):
    ranks = int(t.args[1])
    config = os.path.join(t.source, "tests", "mpi", "shocks.yaml")
    started = time.monotonic()
    # One process: the reference result file, and its checkpoint of step 18.
    reference = t.path("reference.h5")
    rc, _, err, _ = t.run(["run", config, *SMALL, "--quiet", "--out", reference,
                           "--checkpoint-every", "9"])
    t.check(rc == 0, f"reference run exits 0: {err}")

    spread = t.path("spread.h5")
    rc, _, err = mpirun(t, ranks, ["run", config, *SMALL, "--quiet", "--out", spread,
                                   "--checkpoint-every", "9"])
    t.check(rc == 0, f"mpirun -np {ranks} with checkpoints exits 0: {err}")
    checkpoint = t.path("spread.checkpoint.h5")
    identical(t, t.path("reference.checkpoint.h5"), checkpoint,
              f"the checkpoint over {ranks} ranks is the one-process checkpoint")

    # Resumed over the same ranks (in place), over another count and by one process.
    others = {2: [3, 1], 3: [2, 1]}.get(ranks, [1])
    rc, _, err = mpirun(t, ranks, ["resume", checkpoint, "--quiet"])
    t.check(rc == 0, f"resume over {ranks} ranks exits 0: {err}")
    identical(t, reference, spread, f"written and resumed over {ranks} ranks")
    for other in others:
        out = t.path(f"resumed_{other}.h5")
        if other == 1:
            rc, _, err, _ = t.run(["resume", checkpoint, "--quiet", "--out", out])
        else:
            rc, _, err = mpirun(t, other, ["resume", checkpoint, "--quiet", "--out", out])
        t.check(rc == 0, f"resume over {other} rank(s) exits 0: {err}")
        identical(t, reference, out, f"written over {ranks} ranks, resumed over {other}")

    if ranks == 2:
        sigterm_to_mpirun(t, config, ranks)
    t.info(f"took {time.monotonic() - started:.1f} s")


clitest.Test("mpi-checkpoint").run_main(body)
