#!/usr/bin/python3
"""cli-set: `--set path=value` overrides.

A good override applies and is recorded in the file (root attributes `overrides` and
`steps`, the rows of /series/step). A bad one (out of range, unknown key, wrong type, unknown
item) makes `run` and `validate` exit 2 with one error line that starts with
`--set path=value: ` and leaves no file behind.
"""
import os

import clitest
import h5py
import numpy as np


def body(t):
    # --- an override that applies -------------------------------------------------------
    # The baseline's snapshot steps (60, 120) lie beyond a 3-step run, so `--set steps=3`
    # alone is refused (docs/scenario.md); snapshots are set along with it.
    good = ["--set", "behaviour.search_probability=0.3", "--set", "steps=3",
            "--set", "output.snapshots=[3]"]
    out = t.path("good.h5")
    rc, stdout, stderr, _ = t.run(["run", t.baseline, *clitest.SMALL, *good, "--out", out,
                                   "--quiet"])
    t.check(rc == 0, f"run with {good} exits {rc}: {stderr.strip()}")
    if t.check(os.path.exists(out), f"{out} was not written"):
        with h5py.File(out, "r") as f:
            overrides = f.attrs.get("overrides", "")
            lines = overrides.splitlines()
            given = ["agents.consumers=20000", "agents.firms=2000",
                     "behaviour.search_probability=0.3", "steps=3", "output.snapshots=[3]"]
            t.check(lines[:len(given)] == given,
                    f"root attribute overrides does not start with {given} in the order given: "
                    f"{lines}")
            t.check(int(f.attrs["steps"]) == 3, f"root attribute steps = {f.attrs['steps']}")
            steps = f["series/step"][:]
            t.check(np.array_equal(steps, [1, 2, 3]), f"/series/step = {steps.tolist()}, "
                                                      f"expected [1, 2, 3]")
            status = clitest.read_status(f)
            t.check(status == "completed", f"status = {status!r}")
            with open(t.baseline) as scenario:
                t.check(scenario.read() in f.attrs["config"],
                        "root attribute config does not hold the scenario text as read")

    rc, stdout, stderr, _ = t.run(["validate", t.baseline, *good])
    t.check(rc == 0, f"validate with {good} exits {rc}: {stderr.strip()}")
    t.check(" 3 steps" in stdout, f"validate with steps=3 does not report 3 steps: {stdout}")

    # `--set steps=3` alone: the file's snapshot at step 60 falls outside the run, an error
    # that points into the file (unlike `--steps 3`, which also sets the snapshots).
    rc, _, stderr, _ = t.run(["validate", t.baseline, "--set", "steps=3"])
    t.check(rc == 2 and "snapshot" in stderr,
            f"`validate --set steps=3` (snapshots at 60, 120) exits {rc}: {stderr.strip()}")
    rc, stdout, stderr, _ = t.run(["validate", t.baseline, "--set", "steps=3",
                                   "--set", "output.snapshots=[]"])
    t.check(rc == 0, f"`validate --set steps=3 --set output.snapshots=[]` exits {rc}: "
                     f"{stderr.strip()}")

    # --- overrides that must be refused -------------------------------------------------
    bad = [
        ("steps=-1", None),
        ("stepz=3", "did you mean 'steps'"),
        ("regions.CHN-Shanghai.productivity=abc", None),
        ("regions.CHN-Shanghaj.productivity=2", "CHN-Shanghaj"),   # unknown region
        ("behaviour.search_probability=1.5", None),                # outside [0, 1]
        ("agents.firms=.nan", None),                               # not a whole number
    ]
    for number, (override, hint) in enumerate(bad):
        before = t.files_under()
        out = t.path(f"bad{number}.h5")
        for command in (["validate", t.baseline], ["run", t.baseline, *clitest.SMALL,
                                                      "--out", out, "--quiet"]):
            rc, stdout, stderr, _ = t.run([*command, "--set", override])
            what = f"`{command[0]} --set {override}`"
            t.check(rc == 2, f"{what} exits {rc}, expected 2; stderr: {stderr.strip()}")
            lines = stderr.strip().splitlines()
            t.check(len(lines) == 1, f"{what}: expected one error line, got {lines}")
            first = lines[0] if lines else ""
            t.check(first.startswith(f"--set {override}: "),
                    f"{what}: the error does not start with '--set {override}: ': {first!r}")
            if hint:
                t.check(hint in first, f"{what}: the error does not mention {hint!r}: {first!r}")
            t.check(not os.path.exists(out), f"{what} left {out} behind")
            after = t.files_under()
            t.check(after == before, f"{what} created {sorted(after - before)}")
        # Without --out the file would go to the scenario's output.path, relative to the
        # working folder: nothing may appear there either.
        rc, _, stderr, _ = t.run(["run", t.baseline, *clitest.SMALL, "--quiet",
                                  "--set", override])
        t.check(rc == 2, f"`run --set {override}` (no --out) exits {rc}")
        t.check(t.files_under() == before,
                f"`run --set {override}` created {sorted(t.files_under() - before)}")


if __name__ == "__main__":
    clitest.Test("cli-set").run_main(body)
