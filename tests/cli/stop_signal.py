#!/usr/bin/python3
"""cli-sigterm, cli-sigint: SIGTERM or SIGINT stops a run cleanly.

Usage: stop_signal.py ENTREPOT SOURCE_DIR TERM|INT

A small baseline run flushing every 2 steps gets the signal once its file holds at least
4 steps. It must exit with 128 + the signal number (143 / 130) within a few seconds, having
written `status = "interrupted"`, an `end_time` and steps 1..k (k >= the steps seen before
the signal) in every /series variable, with money conserved; stderr says it was stopped.
"""
import signal
import subprocess
import sys
import time

import clitest
import h5py

# A step of the small world takes well under a second; the signal is acted on after the
# step in progress, then the file is flushed and closed.
EXIT_WITHIN_S = 10.0


def body(t):
    name = t.args[0] if t.args else "TERM"
    sig = {"TERM": signal.SIGTERM, "INT": signal.SIGINT}[name]
    out = t.path("stopped.h5")
    stderr_path = t.path("stderr.txt")
    child = t.start(["run", t.baseline, *clitest.SMALL, *clitest.NO_HEALTH_STOP, "--steps", "400",
                     "--set", "output.flush_every=2", "--out", out, "--quiet"],
                    t.path("stdout.txt"), stderr_path)
    seen = clitest.wait_for_steps(t, child, out, 4)
    if seen is None:
        return
    sent = time.monotonic()
    child.send_signal(sig)
    try:
        child.wait(timeout=60)
    except subprocess.TimeoutExpired:
        t.check(False, f"the run was still going 60 s after SIG{name}")
        return
    took = time.monotonic() - sent
    t.info(f"SIG{name} after {seen} flushed steps; exit {child.returncode} after {took:.2f} s")
    t.check(child.returncode == 128 + sig,
            f"after SIG{name} the exit status is {child.returncode}, expected {128 + sig}")
    t.check(took <= EXIT_WITHIN_S, f"the run took {took:.1f} s to stop after SIG{name}, "
                                   f"more than {EXIT_WITHIN_S} s")

    with open(stderr_path) as err:
        stderr = err.read()
    t.check(f"stopped by signal {int(sig)}" in stderr,
            f"stderr does not report the stop by signal {int(sig)}:\n{stderr}")

    with h5py.File(out, "r", locking=True) as f:
        status = clitest.read_status(f)
        t.check(status == "interrupted", f"root attribute status = {status!r}, "
                                         f"expected 'interrupted'")
        t.check("end_time" in f.attrs, "no end_time attribute after a clean stop")
        k = clitest.check_series(t, f, seen)
        t.check(k < 400, f"all {k} steps ran despite SIG{name}")
        t.info(f"file holds {k} steps")
    t.check(f"holds steps 1-{k}" in stderr,
            f"stderr does not say the file holds steps 1-{k}:\n{stderr}")

    rc, stdout, stderr, _ = t.run(["info", out])
    t.check(rc == 0, f"`entrepot info` exits {rc}: {stderr.strip()}")
    t.check("interrupted" in stdout, f"`entrepot info` does not report 'interrupted':\n{stdout}")


if __name__ == "__main__":
    name = sys.argv[3] if len(sys.argv) > 3 else "TERM"
    clitest.Test(f"cli-sig{name.lower()}").run_main(body)
