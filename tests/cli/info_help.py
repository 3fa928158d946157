#!/usr/bin/python3
"""cli-info-help: help texts, --version and `entrepot info`.

`entrepot --help` and each subcommand's --help exit 0 and list their options; `entrepot info`
on a finished tiny run prints its status, seed and steps; on a missing file, a text file or an
HDF5 file that is not an Entrepot result it exits non-zero with a message naming the problem.
"""
import re

import clitest
import h5py

HELP = {
    (): ["run", "validate", "info", "compare", "bench", "device", "--version"],
    ("run",): ["config", "--steps", "--seed", "--out", "--set", "--threads", "--quiet",
               "--overwrite"],
    ("resume",): ["checkpoint", "--out", "--overwrite"],
    ("validate",): ["config", "--set"],
    ("info",): ["file"],
    ("compare",): ["first", "second", "--group"],
    ("bench",): ["--agents", "--steps", "--threads"],
}


def body(t):
    for words, options in HELP.items():
        rc, stdout, stderr, _ = t.run([*words, "--help"])
        what = "`entrepot " + " ".join([*words, "--help"]) + "`"
        t.check(rc == 0, f"{what} exits {rc}: {stderr.strip()}")
        for option in options:
            t.check(re.search(r"(^|[\s,])" + re.escape(option) + r"\b", stdout) is not None,
                    f"{what} does not mention {option}:\n{stdout}")

    rc, stdout, stderr, _ = t.run([])
    t.check(rc not in (None, 0), "`entrepot` without a subcommand exits 0")
    t.check("run" in stdout + stderr or "subcommand" in stdout + stderr,
            f"`entrepot` without a subcommand does not say what is expected: {stderr.strip()}")

    rc, version_text, stderr, _ = t.run(["--version"])
    t.check(rc == 0, f"`entrepot --version` exits {rc}")

    # A finished tiny run.
    out = t.path("tiny.h5")
    seed = 4242
    rc, _, stderr, _ = t.run(["run", t.baseline, *clitest.SMALL, "--steps", "2",
                              "--seed", str(seed), "--out", out, "--quiet"])
    t.check(rc == 0, f"the tiny run exits {rc}: {stderr.strip()}")
    rc, stdout, stderr, _ = t.run(["info", out])
    t.check(rc == 0, f"`entrepot info` exits {rc}: {stderr.strip()}")
    t.info(stdout)
    t.check(re.search(rf"\bseed {seed}\b", stdout) is not None,
            f"`entrepot info` does not print 'seed {seed}':\n{stdout}")
    t.check(re.search(r"\b2 steps configured\b", stdout) is not None,
            f"`entrepot info` does not print the 2 steps configured:\n{stdout}")
    t.check(re.search(r"\b2 recorded \(steps 1 to 2\)", stdout) is not None,
            f"`entrepot info` does not print the 2 steps recorded:\n{stdout}")
    t.check(re.search(r"\bstatus\s+completed\b", stdout) is not None,
            f"`entrepot info` does not print status completed:\n{stdout}")
    if t.check(version_text.strip() != "", "`entrepot --version` prints nothing"):
        with h5py.File(out, "r") as f:
            version = f.attrs["entrepot_version"]
            t.check(version in version_text,
                    f"--version says {version_text.strip()!r}; the file says {version!r}")
            t.check(int(f.attrs["seed"]) == seed, f"root attribute seed = {f.attrs['seed']}")

    # Files that are not result files.
    text_file = t.path("notes.txt")
    with open(text_file, "w") as f:
        f.write("just some text\n")
    foreign = t.path("foreign.h5")
    with h5py.File(foreign, "w") as f:
        f["x"] = [1, 2, 3]
    for path, expected in ((text_file, "not an HDF5 file"),
                           (t.path("missing.h5"), "no such file"),
                           (t.tmp, "folder"),
                           (foreign, "not an Entrepot result file")):
        rc, stdout, stderr, _ = t.run(["info", path])
        t.check(rc not in (None, 0), f"`entrepot info {path}` exits {rc}")
        t.check(path in stderr and expected in stderr,
                f"`entrepot info {path}`: expected a message naming the file and saying "
                f"{expected!r}, got {stderr.strip()!r}")
        t.check("Traceback" not in stderr and "HDF5-DIAG" not in stderr,
                f"`entrepot info {path}` prints library diagnostics: {stderr}")


if __name__ == "__main__":
    clitest.Test("cli-info-help").run_main(body)
