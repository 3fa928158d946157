#!/usr/bin/python3
"""cli-health: a run says when its economy broke.

With a health limit the small world is sure to pass (a country's unemployment above 1%),
`entrepot run` stops after the first step past it: exit status 3, one line on stderr with
the step and the reason, and a result file flushed, readable and marked `failed` with
`status_reason` and `status_step`; `entrepot info` shows it. With a warning only, the run
completes and `/series/health` flags the steps. The default thresholds leave a short
baseline run alone (every step's flags 0).
"""
import re

import h5py
import numpy as np

import clitest

SMALL = clitest.SMALL + ["--quiet"]


def body(t):
    # Default thresholds: nothing raised on a short run of the baseline.
    out = t.path("plain.h5")
    rc, _, stderr, _ = t.run(["run", t.baseline, *SMALL, "--steps", "6", "--out", out])
    t.check(rc == 0, f"a plain run exits {rc}: {stderr.strip()}")
    with h5py.File(out, "r") as f:
        flags = f["series/health"][:]
        t.check(flags.shape == (6,) and not flags.any(), f"/series/health is {flags.tolist()}")
        t.check(clitest.read_status(f) == "completed", "the plain run is not completed")

    # A limit past which the run must stop.
    out = t.path("broke.h5")
    limit = ["--set", "health.unemployment_limit=0.01", "--set",
             "health.unemployment_min_households=0"]
    rc, stdout, stderr, _ = t.run(["run", t.baseline, *SMALL, "--steps", "12", *limit,
                                   "--out", out])
    t.check(rc == 3, f"a broken economy exits {rc}, expected 3: {stderr.strip()}")
    lines = stderr.strip().splitlines()
    match = re.match(r"entrepot: the economy broke at step (\d+) of 12: country \S+: "
                     r"unemployment is [\d.]+%, above the limit of 1\.0%", lines[-1] if lines else "")
    if t.check(match is not None, f"no one-line reason on stderr: {stderr.strip()!r}"):
        step = int(match.group(1))
        t.check(out in lines[-1] and "marked failed" in lines[-1],
                f"the reason does not name the file: {lines[-1]!r}")
        with h5py.File(out, "r") as f:
            t.check(clitest.read_status(f) == "failed", "the file is not marked failed")
            reason = f.attrs.get("status_reason", "")
            t.check("the economy broke: country" in reason, f"status_reason is {reason!r}")
            t.check(int(f.attrs.get("status_step", -1)) == step,
                    f"status_step is {f.attrs.get('status_step')}, expected {step}")
            k = clitest.check_series(t, f, step)
            t.check(k == step, f"the file holds {k} steps, the run broke at {step}")
            flags = f["series/health"][:]
            t.check(flags[-1] & 1 == 1, f"/series/health of the last step is {flags[-1]}")
        rc, stdout, stderr, _ = t.run(["info", out])
        t.check(rc == 0 and f"failed after step {step}: the economy broke" in stdout
                and "incomplete" in stdout, f"`entrepot info` does not say so:\n{stdout}")

    # A warning only: the run completes, the steps are flagged, stderr names it once.
    out = t.path("warned.h5")
    rc, _, stderr, _ = t.run(["run", t.baseline, *clitest.SMALL, "--steps", "4",
                              "--set", "health.unemployment_warning=0.01", "--set",
                              "health.unemployment_min_households=0", "--out", out])
    t.check(rc == 0, f"a warned run exits {rc}: {stderr.strip()}")
    warnings = [line for line in stderr.splitlines() if "warning at step" in line]
    t.check(len(warnings) == 1 and "unemployment" in warnings[0],
            f"expected one unemployment warning on stderr, got {warnings}")
    with h5py.File(out, "r") as f:
        flags = f["series/health"][:]
        t.check(np.all(flags & 1 == 1), f"/series/health is {flags.tolist()}")
        t.check(clitest.read_status(f) == "completed", "the warned run is not completed")


if __name__ == "__main__":
    clitest.Test("cli-health").run_main(body)
