#!/usr/bin/python3
"""cli-progress: progress lines in a batch log.

With stderr going to a file (not a terminal), `--steps 6 --set output.progress_every=2` prints
exactly three plain lines `step 2/6 ...`, `step 4/6 ...`, `step 6/6 ...` (no carriage returns
or terminal escapes); `--quiet` prints no progress at all.
"""
import re
import subprocess

import clitest

PROGRESS = re.compile(r"^step\s+(\d+)/(\d+)\b")


def run_logged(t, extra, name):
    """Run 6 small steps with stdout and stderr going to files; returns (rc, stderr text)."""
    out = t.path(f"{name}.h5")
    stdout_path, stderr_path = t.path(f"{name}.out"), t.path(f"{name}.err")
    command = ["run", t.baseline, *clitest.SMALL, "--steps", "6",
               "--set", "output.progress_every=2", "--out", out, *extra]
    t.info("$ entrepot " + " ".join(command) + f" 2> {stderr_path}")
    with open(stdout_path, "w") as so, open(stderr_path, "w") as se:
        rc = subprocess.run([t.binary, *command], cwd=t.tmp, env=clitest.child_env(),
                            stdin=subprocess.DEVNULL, stdout=so, stderr=se,
                            timeout=120).returncode
    with open(stderr_path, "rb") as se:
        raw = se.read()
    return rc, raw


def body(t):
    rc, raw = run_logged(t, [], "plain")
    t.check(rc == 0, f"the run exits {rc}: {raw.decode(errors='replace')}")
    t.check(b"\r" not in raw and b"\x1b" not in raw,
            f"stderr is a file, yet the progress output has carriage returns or escapes: {raw!r}")
    text = raw.decode(errors="replace")
    t.info(text)
    progress = [line for line in text.splitlines() if PROGRESS.match(line)]
    steps = [(int(PROGRESS.match(line)[1]), int(PROGRESS.match(line)[2])) for line in progress]
    t.check(steps == [(2, 6), (4, 6), (6, 6)],
            f"expected the lines 'step 2/6', 'step 4/6', 'step 6/6', got {progress}")
    others = [line for line in text.splitlines() if line.strip() and not PROGRESS.match(line)]
    t.check(not others, f"stderr has other lines besides progress: {others}")

    rc, raw = run_logged(t, ["--quiet"], "quiet")
    t.check(rc == 0, f"the --quiet run exits {rc}: {raw.decode(errors='replace')}")
    text = raw.decode(errors="replace")
    progress = [line for line in text.splitlines() if "step" in line]
    t.check(not progress and b"\r" not in raw, f"--quiet printed progress: {text!r}")


if __name__ == "__main__":
    clitest.Test("cli-progress").run_main(body)
