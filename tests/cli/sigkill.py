#!/usr/bin/python3
"""cli-sigkill: a run killed with SIGKILL leaves a readable file holding every flushed step.

A small baseline run flushing every 2 steps is killed (-9) once its file is seen to hold at
least 6 steps. The file must then open normally, hold steps 1..k (k >= the steps seen) in
every /series variable, show money conserved in every step, carry no `status` (the run never
ended), and `entrepot info` must read it and call it unfinished.
"""
import signal

import clitest
import h5py


def body(t):
    out = t.path("killed.h5")
    child = t.start(["run", t.baseline, *clitest.SMALL, *clitest.NO_HEALTH_STOP, "--steps",
                     "400", "--set", "output.flush_every=2", "--out", out, "--quiet"],
                    t.path("stdout.txt"), t.path("stderr.txt"))
    seen = clitest.wait_for_steps(t, child, out, 6)
    # Kill at once: the flush just seen has landed and the next is two steps away.
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    if seen is None:
        return
    t.info(f"killed after seeing {seen} flushed steps")
    t.check(child.returncode == -signal.SIGKILL,
            f"the run was expected to die of SIGKILL, exit status {child.returncode}")

    # Opened with the usual file locking: the dead writer's lock must not linger.
    with h5py.File(out, "r", locking=True) as f:
        k = clitest.check_series(t, f, seen)
        t.info(f"file holds {k} steps")
        t.check("status" not in f.attrs,
                f"a killed run's file has status = {clitest.read_status(f)!r}")
        t.check("end_time" not in f.attrs, "a killed run's file has an end_time")
        t.check(int(f.attrs["steps"]) == 400, f"root attribute steps = {f.attrs['steps']}")

    rc, stdout, stderr, _ = t.run(["info", out])
    t.check(rc == 0, f"`entrepot info` on the killed run's file exits {rc}: {stderr.strip()}")
    t.check("unfinished" in stdout, f"`entrepot info` does not call the file unfinished:\n"
                                    f"{stdout}")
    t.check(f"{k} recorded" in stdout,
            f"`entrepot info` does not report the {k} steps recorded:\n{stdout}")


if __name__ == "__main__":
    clitest.Test("cli-sigkill").run_main(body)
