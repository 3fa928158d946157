"""Border factors fitted to each country's exports / GDP (docs/calibration.md, "Openness").

A country's `border_factor` scales the border frictions of its trade (docs/model.md §2): the
thicker its borders, the less it trades. The fit runs the scenario with the current factors,
reads each country's exports / GDP over the last year of the run (the fit table's measure,
fit.py), and moves each factor by a secant step in logs towards the data value, until every
country is within the tolerance or the iterations run out:

    python -m entrepot_studies.openness [--scenario configs/baseline.yaml] [--steps 36]
        [--iterations 6] [--tolerance 0.05] [--lowest 0.25] [--highest 4]
        [--set KEY=VALUE ...] [--dir results/openness] [--entrepot PATH] [--threads N]
        [--json FILE] [--start scenario|one]

The first run uses the scenario's own factors (`--start one`: every factor at 1).
It prints one table per iteration and, at the end, the factors as `countries.CODE.border_factor`
lines to copy into the scenario. Countries without a data value (ROW) keep their factor.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

from . import fit, runner

# Factors between a quarter and four times the baseline's border: on goods (border_cost 0.30)
# a border barrier between about 19% and 75% ad valorem against a partner at 1, the range of
# the border effects Anderson & van Wincoop (2004) report. A country that needs more is not
# made to trade like its data by its border (docs/calibration.md, "Openness").
LOWEST, HIGHEST = 0.25, 4.0


def exports_targets() -> list:
    """The exports / GDP targets of the fit table that have a data value."""
    return [t for t in fit.load_targets() if t.target == "exports_gdp" and t.value is not None]


def measure(path: str, targets: list) -> dict[str, float]:
    """Each target country's exports / GDP over the last year of the run at `path`."""
    w = fit.open_window(path, 1)
    try:
        return {t.key: fit.exports_gdp(w, t) for t in targets}
    finally:
        w.run.file.close()


def scenario_factors(path: str, codes: list[str]) -> dict[str, float]:
    """The border factor each country had in the run at `path`: a `--set` of it (the root
    attribute `overrides`), else its scenario text (a scenario's countries override its
    base's country by country), else 1."""
    w = fit.open_window(path, 1)
    try:
        attrs = w.run.file.attrs
        text, overrides = (attrs.get(k, "") for k in ("config", "overrides"))
        text, overrides = (x.decode() if isinstance(x, bytes) else str(x)
                           for x in (text, overrides))
    finally:
        w.run.file.close()
    factors: dict[str, float] = {}
    for line in reversed(overrides.splitlines()):  # the last --set of a key wins
        key, _, value = line.partition("=")
        parts = key.strip().split(".")
        if len(parts) == 3 and parts[0] == "countries" and parts[2] == "border_factor":
            factors.setdefault(parts[1], float(value))
    for section in fit.config_sections(text):
        for c in section.get("countries") or []:
            if isinstance(c, dict) and "code" in c and "border_factor" in c:
                factors.setdefault(c["code"], float(c["border_factor"]))
    return {code: factors.get(code, 1.0) for code in codes}


def next_factor(factor: float, model: float, target: float, previous: tuple | None,
                lowest: float = LOWEST, highest: float = HIGHEST) -> float:
    """A secant step in logs on log(exports/GDP) against log(factor); the first step (or one
    whose slope has the wrong sign or is too flat) assumes an elasticity of −1."""
    slope = -1.0
    if previous is not None:
        f0, m0 = previous
        if f0 > 0 and m0 > 0 and factor != f0:
            s = (math.log(model) - math.log(m0)) / (math.log(factor) - math.log(f0))
            if -4.0 < s < -0.2:
                slope = s
    step = (math.log(target) - math.log(model)) / slope
    step = max(-1.0, min(1.0, step))  # at most a factor e a step
    return min(highest, max(lowest, factor * math.exp(step)))


def run_scenario(entrepot: str, scenario: str, steps: int, factors: dict[str, float],
                 overrides: list[str], out: str, threads: int | None) -> None:
    command = [entrepot, "run", scenario, "--quiet",
               "--set", f"steps={steps}", "--set", "output.snapshots=[]"]
    for item in overrides:
        command += ["--set", item]
    for code, value in sorted(factors.items()):
        command += ["--set", f"countries.{code}.border_factor={value:.4g}"]
    if threads:
        command += ["--threads", str(threads)]
    log = out[:-len(".h5")] + ".log"
    reason = runner.run_command(command, out, log)
    if reason:
        raise SystemExit(f"openness: {out}: {reason} (log: {log})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="openness", description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="configs/baseline.yaml")
    p.add_argument("--steps", type=int, default=36)
    p.add_argument("--iterations", type=int, default=6)
    p.add_argument("--tolerance", type=float, default=0.05,
                   help="relative error at which a country counts as fitted (0.05: 5%%)")
    p.add_argument("--lowest", type=float, default=LOWEST, help="smallest factor (0.25)")
    p.add_argument("--highest", type=float, default=HIGHEST, help="largest factor (4)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY=VALUE")
    p.add_argument("--dir", default="results/openness")
    p.add_argument("--entrepot", default=None)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--json", default=None, help="write the iterations here")
    p.add_argument("--start", choices=["scenario", "one"], default="scenario",
                   help="first factors: the scenario's own (default) or 1 for every country")
    a = p.parse_args(argv)
    if a.steps < 24:
        p.error("--steps must be at least 24: the measure is the last year after the first")
    entrepot = runner.find_entrepot(a.entrepot)
    os.makedirs(a.dir, exist_ok=True)
    targets = exports_targets()
    target = {t.key: t.value for t in targets}
    # None: the first run takes the scenario's factors, read back from its result file.
    factors: dict[str, float] | None = {code: 1.0 for code in target} if a.start == "one" \
        else None
    previous: dict[str, tuple] = {}
    history = []
    for it in range(1, a.iterations + 1):
        out = os.path.join(a.dir, f"iteration{it}.h5")
        run_scenario(entrepot, a.scenario, a.steps, factors or {}, a.overrides, out, a.threads)
        if factors is None:
            factors = scenario_factors(out, sorted(target))
        model = measure(out, targets)
        rows = []
        for code in sorted(target):
            error = model[code] / target[code] - 1.0
            rows.append({"country": code, "border_factor": factors[code],
                         "model": model[code], "data": target[code], "error": error})
        history.append(rows)
        print(f"iteration {it}: {out}")
        print(f"  {'country':8s} {'factor':>8s} {'model':>8s} {'data':>8s} {'error':>8s}")
        for r in rows:
            print(f"  {r['country']:8s} {r['border_factor']:8.3g} {r['model']:8.1%} "
                  f"{r['data']:8.1%} {r['error']:+8.1%}")
        if all(abs(r["error"]) <= a.tolerance for r in rows):
            break
        for code in target:
            if model[code] <= 0:
                continue
            new = next_factor(factors[code], model[code], target[code], previous.get(code),
                              a.lowest, a.highest)
            previous[code] = (factors[code], model[code])
            factors[code] = new
    best = {r["country"]: r["border_factor"] for r in history[-1]}
    print("factors of the last run:")
    for code, value in sorted(best.items()):
        print(f"  countries.{code}.border_factor={value:.3g}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(history, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
