#!/usr/bin/python3
"""cli-memory: a run estimates its memory before allocating agents.

`entrepot validate` prints the estimate. A world that cannot fit (10^12 households) is
refused at once with the estimate and what is available: exit status 1, no allocation
error, no file, little memory used. And the estimate is of the right size: between two
runs whose worlds differ by a factor of five, the growth of the process's peak memory
(getrusage) and the growth of the estimate agree within a factor of three (omp build, where
the agents live in host memory).
"""
import os
import re
import resource
import subprocess

import clitest

UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50}
ESTIMATE = re.compile(r"memory: about ([\d.]+) (\w+) of host memory")


def estimate(t, sets):
    rc, stdout, stderr, _ = t.run(["validate", t.baseline, *sets])
    t.check(rc == 0, f"validate {' '.join(sets)} exits {rc}: {stderr.strip()}")
    match = ESTIMATE.search(stdout)
    if not t.check(match is not None, f"validate prints no estimate: {stdout!r}"):
        return None
    return float(match.group(1)) * UNITS[match.group(2)]


def peak_mib(t, args):
    """Peak resident memory (MiB) of `entrepot ARGS`, run alone."""
    command = [t.binary, *args]
    t.info("$ " + " ".join(command))
    child = subprocess.Popen(command, cwd=t.tmp, env=clitest.child_env(),
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read()
    t.check(child.returncode == 0, f"`{' '.join(args)}` exits {child.returncode}: {stderr}")
    return usage.ru_maxrss / 1024


def body(t):
    # An impossible world: refused before set-up, with the estimate.
    huge = ["--set", "allow_implausible=[agents]", "--set", "agents.consumers=1000000000000"]
    out = t.path("huge.h5")
    rc, stdout, stderr, _ = t.run(["run", t.baseline, *huge, "--out", out], timeout=60)
    t.check(rc == 1, f"an impossible world exits {rc}, expected 1: {stderr.strip()}")
    t.check("not enough memory" in stderr and "TiB" in stderr and "available" in stderr,
            f"the refusal does not give the estimate and what is available: {stderr.strip()!r}")
    t.check("bad_alloc" not in stderr, f"an allocation error reached the user: {stderr!r}")
    t.check(not os.path.exists(out), "the refused run left a result file")
    t.check(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 < 100,
            "the refused run used more than 100 MB: it allocated before it refused")
    huge_estimate = estimate(t, huge)
    t.check(huge_estimate is not None and huge_estimate > 2**40,
            f"validate estimates {huge_estimate} bytes for 10^12 households")

    # The estimate against what runs take, where the agents live in host memory (omp).
    rc, stdout, _, _ = t.run(["device"])
    if stdout.startswith("cuda"):
        t.info("cuda build: the agents live on the GPU; the host's peak memory is not compared")
        return
    sizes = [(100000, 10000), (500000, 50000)]
    estimates, peaks = [], []
    for consumers, firms in sizes:
        sets = ["--set", f"agents.consumers={consumers}", "--set", f"agents.firms={firms}"]
        estimates.append(estimate(t, sets))
        peaks.append(peak_mib(t, ["run", t.baseline, *sets, "--steps", "2", "--quiet",
                                  "--set", "output.snapshots=[]",
                                  "--out", t.path(f"run{consumers}.h5")]))
    if None in estimates:
        return
    grown_estimate = (estimates[1] - estimates[0]) / 2**20
    grown_peak = peaks[1] - peaks[0]
    t.info(f"estimates {[round(e / 2**20) for e in estimates]} MiB, peaks "
           f"{[round(p) for p in peaks]} MiB: growth {grown_estimate:.0f} MiB estimated, "
           f"{grown_peak:.0f} MiB measured")
    t.check(grown_estimate / 3 <= grown_peak <= grown_estimate * 3,
            f"the estimate grows by {grown_estimate:.0f} MiB, the peak memory by "
            f"{grown_peak:.0f} MiB: not within a factor of 3")


if __name__ == "__main__":
    clitest.Test("cli-memory").run_main(body)
