#!/usr/bin/python3
"""cli-compare: `entrepot compare` and `entrepot device`.

`entrepot device` names the backend the kernels run on. Two tiny runs of the same scenario
and seed compare identical (exit 0) although their provenance differs; a run with another
seed differs (exit 1) and the differing /series datasets are named; `--group` narrows the
comparison; a missing file is an error that names it.
"""
import re

import clitest


def body(t):
    rc, stdout, stderr, _ = t.run(["device"])
    t.check(rc == 0, f"`entrepot device` exits {rc}: {stderr.strip()}")
    t.check(re.match(r"(omp|cuda): \S", stdout) is not None,
            f"`entrepot device` does not name the backend first: {stdout!r}")

    runs = {"a": 11, "b": 11, "reseeded": 12}
    for name, seed in runs.items():
        rc, _, stderr, _ = t.run(["run", t.baseline, *clitest.SMALL, "--steps", "3",
                                  "--seed", str(seed), "--threads", "1" if name == "a" else "2",
                                  "--out", t.path(name + ".h5"), "--quiet"])
        t.check(rc == 0, f"the run '{name}' exits {rc}: {stderr.strip()}")

    rc, stdout, stderr, _ = t.run(["compare", t.path("a.h5"), t.path("b.h5")])
    t.check(rc == 0, f"two runs of one seed: `entrepot compare` exits {rc}:\n{stdout}{stderr}")
    t.check(stdout.startswith("identical: "), f"no 'identical:' line:\n{stdout}")

    rc, stdout, stderr, _ = t.run(["compare", t.path("a.h5"), t.path("reseeded.h5")])
    t.check(rc == 1, f"two seeds: `entrepot compare` exits {rc}, expected 1:\n{stdout}{stderr}")
    for name in ("employment", "trade_value", "price"):
        t.check(re.search(rf"^/series/{name}: \d+ of \d+ values differ, the first at \(",
                          stdout, re.M) is not None,
                f"two seeds: /series/{name} is not reported as differing:\n{stdout}")
    t.check(re.search(r"^differ: \d+ datasets under / ", stdout, re.M) is not None,
            f"two seeds: no 'differ:' summary:\n{stdout}")
    t.check("/world/" not in stdout, f"two seeds: /world is reported as differing:\n{stdout}")

    rc, stdout, stderr, _ = t.run(["compare", "--group", "/world", t.path("a.h5"),
                                   t.path("reseeded.h5")])
    t.check(rc == 0, f"two seeds, --group /world: exits {rc}:\n{stdout}{stderr}")

    missing = t.path("missing.h5")
    rc, stdout, stderr, _ = t.run(["compare", t.path("a.h5"), missing])
    t.check(rc not in (None, 0), f"a missing file: `entrepot compare` exits {rc}")
    t.check(missing in stderr and "no such file" in stderr,
            f"a missing file: the message does not name it: {stderr.strip()!r}")


if __name__ == "__main__":
    clitest.Test("cli-compare").run_main(body)
