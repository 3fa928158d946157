#!/usr/bin/python3
"""cli-bad-configs: every class of scenario error is reported at the right place.

Each case copies configs/baseline.yaml and corrupts one thing. `entrepot validate` and
`entrepot run` must both exit 2 with an error line `FILE:LINE:COL: ...` pointing at the
corrupted line (and column, where the position is unambiguous), and `run` must write no file.
The shipped scenarios must validate.
"""
import os

import clitest

EVENT = "  - {step: %s, type: tariff, importer: %s, exporter: CHN, sectors: [%s], rate: 0.1}"


def event(step=70, importer="USA", sector="vehicles"):
    return "events:\n" + EVENT % (step, importer, sector)


# (name, text to replace (must occur once), replacement, the part of the replacement the
#  error must point at, whether the column is checked too, text the message must contain)
CASES = [
    # unknown keys, with a suggestion
    ("unknown-top-key", "\nsteps: 120", "\nstepz: 120", "stepz", True, "did you mean 'steps'"),
    ("unknown-region-key", "population: 24.9", "popluation: 24.9", "popluation", True,
     "did you mean 'population'"),
    ("unknown-behaviour-key", "\nbehaviour:\n", "\nbehaviour:\n  search_probabilty: 0.2\n",
     "search_probabilty", True, "did you mean 'search_probability'"),
    ("repeated-key", "\nsteps: 120", "\nsteps: 120\nsteps: 50", "steps: 50", True, "steps"),
    # wrong types
    ("text-for-number", "\nsteps: 120", '\nsteps: "120"', '"120"', True, "steps"),
    ("fraction-for-whole", "\nsteps: 120", "\nsteps: 12.5", "12.5", True, "steps"),
    ("list-for-number", "lat: 31.23,", "lat: [31, 23],", "[31", True, "lat"),
    ("word-for-number", "consumers: 900000", "consumers: many", "many", True, "consumers"),
    # missing required keys: reported at the enclosing map
    ("missing-region-country", "{name: CHN-Shanghai, country: CHN, lat:",
     "{name: CHN-Shanghai, lat:", "{", True, "country"),
    ("missing-sector-kind", "{name: lithium, kind: commodity, ", "{name: lithium, ", "{", True,
     "kind"),
    # values out of range, non-finite values
    ("negative-population", "population: 24.9", "population: -5", "-5", True, "population"),
    ("zero-gdp", "gdp: 562780", "gdp: 0", "0", True, "gdp"),
    ("nan-gdp", "gdp: 562780", "gdp: .nan", ".nan", True, "gdp"),
    ("inf-productivity", "productivity: 2.069", "productivity: .inf", ".inf", True,
     "productivity"),
    ("minus-inf-behaviour", "\nbehaviour:\n", "\nbehaviour:\n  data_flow_cost: -.inf\n", "-.inf",
     True, "data_flow_cost"),
    ("zero-flush-every", "flush_every: 12", "flush_every: 0", "0", True, "flush_every"),
    ("probability-above-one", "\nbehaviour:\n", "\nbehaviour:\n  search_probability: 1.5\n",
     "1.5", True, "search_probability"),
    # unknown names
    ("unknown-region-country", "country: CHN, lat: 31.23", "country: CNH, lat: 31.23", "CNH",
     True, "did you mean 'CHN'"),
    ("unknown-tariff-importer", "{importer: USA, sectors: [agriculture], rate: 0.05}",
     "{importer: USX, sectors: [agriculture], rate: 0.05}", "USX", True, "USX"),
    ("unknown-recipe-sector", "\n  lithium: {components: 0.0035}", "\n  lithium: {componentz: 0.0035}",
     "componentz", True, "componentz"),
    ("unknown-bloc", "{code: USA, name: United States, blocs: [USMCA],",
     "{code: USA, name: United States, blocs: [USMCAA],", "USMCAA", True, "USMCAA"),
    # events
    ("event-unknown-sector", "events: []", event(sector="vehiclez"), "vehiclez", True,
     "vehiclez"),
    ("event-unknown-country", "events: []", event(importer="USX"), "USX", True, "USX"),
    ("event-after-run", "events: []", event(step=130), "130", True, "outside the run"),
    ("event-at-last-step", "events: []", event(step=120), "120", True, "outside the run"),
    ("event-in-burn-in", "events: []", event(step=30), "30", True, "outside the run"),
    ("snapshot-after-run", "snapshots: [60, 120]", "snapshots: [60, 130]", "130", True,
     "snapshot"),
    # YAML syntax
    ("yaml-two-colons", "\nname: baseline", "\nname: base: line", "name", False, "YAML"),
    ("yaml-stray-bracket", "{code: USA, name: United States, blocs: [USMCA],",
     "{code: USA, name: United States, blocs: [USMCA]],", "{code", False, "YAML"),
]


def position(text, offset):
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def check_error(t, what, stderr, path, line, col, hint):
    lines = stderr.strip().splitlines()
    t.check(len(lines) == 1, f"{what}: expected one error line, got {lines}")
    first = lines[0] if lines else ""
    m = clitest.ERROR_LINE.match(first)
    if not t.check(m is not None and m["where"] == path,
                   f"{what}: the error does not start with '{path}:LINE:COL: ': {first!r}"):
        return
    t.check(int(m["line"]) == line, f"{what}: error at line {m['line']}, expected line {line}: "
                                    f"{first!r}")
    if col is not None:
        t.check(int(m["col"]) == col, f"{what}: error at column {m['col']}, expected column "
                                      f"{col}: {first!r}")
    if hint:
        t.check(hint in m["what"], f"{what}: the message does not mention {hint!r}: {first!r}")


def refused(t, name, path, line, col, hint, small=True):
    """validate and run both refuse `path` (relative to the temporary folder). `run` gets
    the small-world overrides unless they would replace the corrupted value."""
    before = t.files_under()
    rc, _, stderr, _ = t.run(["validate", path])
    t.check(rc == 2, f"{name}: `validate` exits {rc}, expected 2; stderr: {stderr.strip()}")
    check_error(t, f"{name}: validate", stderr, path, line, col, hint)

    out = f"out-{name}.h5"
    overrides = clitest.SMALL if small else []
    rc, _, stderr, _ = t.run(["run", path, *overrides, "--out", out, "--quiet"], timeout=60)
    t.check(rc == 2, f"{name}: `run` exits {rc}, expected 2; stderr: {stderr.strip()}")
    check_error(t, f"{name}: run", stderr, path, line, col, hint)
    t.check(not os.path.exists(t.path(out)), f"{name}: `run` wrote {out}")
    after = t.files_under()
    t.check(after == before, f"{name}: `run` created {sorted(after - before)}")


def body(t):
    # The shipped scenarios are valid.
    for config in (t.baseline, t.tariffs):
        rc, stdout, stderr, _ = t.run(["validate", config])
        t.check(rc == 0, f"`validate {config}` exits {rc}: {stderr.strip()}")
        t.check("valid scenario" in stdout, f"`validate {config}` prints: {stdout.strip()}")

    with open(t.baseline) as f:
        original = f.read()
    for name, old, new, locate, check_col, hint in CASES:
        if not t.check(original.count(old) == 1,
                       f"{name}: {old!r} does not occur exactly once in {t.baseline}; "
                       f"the test needs updating"):
            continue
        text = original.replace(old, new)
        line, col = position(text, text.index(new) + new.index(locate))
        path = f"bad-{name}.yaml"
        with open(t.path(path), "w") as f:
            f.write(text)
        t.info(f"--- {name}: expect line {line}" + (f", column {col}" if check_col else ""))
        refused(t, name, path, line, col if check_col else None, hint,
                small="agents" not in new and "consumers" not in new and "firms" not in new)

    # A file built on another: errors point into the file that wrote the bad value.
    with open(t.path("base.yaml"), "w") as f:
        f.write(original)
    derived = ("# built on base.yaml\n"
               "base: base.yaml\n"
               "name: derived\n"
               "events:\n"
               "  - {step: 70, type: tariff, importer: USA, exporter: CHN,\n"
               "     sectors: [vehicles, vehiclez], rate: 0.1}\n")
    with open(t.path("derived.yaml"), "w") as f:
        f.write(derived)
    t.info("--- derived file")
    line, col = position(derived, derived.index("vehiclez"))
    refused(t, "derived", "derived.yaml", line, col, "vehiclez")

    # A file that does not exist.
    rc, _, stderr, _ = t.run(["validate", "missing.yaml"])
    t.check(rc == 2, f"`validate missing.yaml` exits {rc}, expected 2")
    t.check(stderr.startswith("missing.yaml: "),
            f"`validate missing.yaml` does not name the file: {stderr.strip()!r}")
    before = t.files_under()
    rc, _, stderr, _ = t.run(["run", "missing.yaml", "--quiet"])
    t.check(rc == 2, f"`run missing.yaml` exits {rc}, expected 2")
    t.check(t.files_under() == before, "`run missing.yaml` created files")


if __name__ == "__main__":
    clitest.Test("cli-bad-configs").run_main(body)
