#!/usr/bin/python3
"""cli-unwritable: an output path that cannot be written is refused before any work.

For each unusable path `entrepot run` must exit non-zero with a message naming the path,
before the world is built, and without creating anything. "Before" is checked by memory,
not by time (which depends on the machine's load): the full-size baseline world takes over
100 MB to set up, a refusal before it well under half of that. A missing results folder,
on the other hand, is created and the run goes ahead. An existing result file is not
replaced unless `--overwrite` is given: the refusal writes nothing and names the path.
"""
import os
import resource

import clitest

# Peak resident memory of a refused run; building the 1M-agent world takes over 100 MB.
REFUSED_WITHIN_MB = 60


def peak_child_mb():
    """The largest peak resident set of any child process so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def body(t):
    afile = t.path("afile")
    with open(afile, "w") as f:
        f.write("not a folder\n")
    adir = t.path("adir")
    os.mkdir(adir)

    cases = [
        ("parent is a file", ["--out", os.path.join(afile, "x.h5")]),
        ("parent is a file, via --set", ["--set", f"output.path={afile}/x.h5"]),
        ("deeper under a file", ["--out", os.path.join(afile, "sub", "x.h5")]),
        ("path is a folder", ["--out", adir]),
        ("path ends in /", ["--out", t.path("new", "x.h5") + "/"]),
        ("folder without file creation", ["--out", "/proc/x.h5"]),
    ]
    for label, args in cases:
        target = args[-1].split("=", 1)[-1]
        before = t.files_under()
        rc, stdout, stderr, seconds = t.run(["run", t.baseline, *args], timeout=60)
        what = f"{label} (`run {' '.join(args)}`)"
        t.info(f"{what}: exit {rc} after {seconds:.2f} s: {stderr.strip()}")
        t.check(rc not in (None, 0), f"{what}: exits {rc}, expected an error")
        t.check(target in stderr, f"{what}: the message does not name {target!r}: "
                                  f"{stderr.strip()!r}")
        peak = peak_child_mb()
        t.check(peak <= REFUSED_WITHIN_MB,
                f"{what}: refused after using {peak:.0f} MB, so the world was built first "
                f"(a refusal before set-up stays under {REFUSED_WITHIN_MB} MB)")
        t.check("step" not in stderr.replace(target, ""),
                f"{what}: progress was printed: {stderr.strip()!r}")
        after = t.files_under()
        t.check(after == before, f"{what}: created {sorted(after - before)}")
        with open(afile) as f:
            t.check(f.read() == "not a folder\n", f"{what}: {afile} was changed")

    # A results folder that does not exist yet is made.
    out = t.path("results", "deeper", "x.h5")
    rc, _, stderr, _ = t.run(["run", t.baseline, *clitest.SMALL, "--steps", "1", "--out", out,
                              "--quiet"])
    t.check(rc == 0, f"a run into a missing folder exits {rc}: {stderr.strip()}")
    t.check(os.path.isfile(out), f"{out} was not written")

    # A second run onto the same file is refused before set-up and leaves it as it was.
    with open(out, "rb") as f:
        first = f.read()
    before = t.files_under()
    for command in (["run", t.baseline, "--out", out],
                    ["run", t.baseline, "--set", f"output.path={out}"]):
        rc, stdout, stderr, _ = t.run(command, timeout=60)
        what = f"`{' '.join(command[2:])}` onto an existing result"
        t.check(rc not in (None, 0), f"{what}: exits {rc}, expected a refusal")
        t.check(out in stderr and "--overwrite" in stderr,
                f"{what}: the message names neither the path nor --overwrite: {stderr.strip()!r}")
        with open(out, "rb") as f:
            t.check(f.read() == first, f"{what}: the existing file was changed")
        t.check(t.files_under() == before, f"{what}: created {sorted(t.files_under() - before)}")
    rc, _, stderr, _ = t.run(["run", t.baseline, *clitest.SMALL, "--steps", "2", "--out", out,
                              "--quiet", "--overwrite"])
    t.check(rc == 0, f"--overwrite exits {rc}: {stderr.strip()}")
    with open(out, "rb") as f:
        t.check(f.read() != first, "--overwrite left the earlier result in place")


if __name__ == "__main__":
    clitest.Test("cli-unwritable").run_main(body)
