"""A scenario's effect on one /series variable over an ensemble's seed pairs (`ensemble
effect`, docs/studies.md).

The selection: the variable's labels named by `DIM=LABEL[,LABEL...]` (`country=` picks the
regions of a country), the other dimensions all kept; the kept cells are combined per step by
the variable's rule: integers (money and goods in fixed point, divided by their `scale` as
outputs.py does; workers, firms, switches) are counts that add up, so they are summed; floats
(wage, cpi, price) are rates, prices and indices, so they are averaged (unweighted).

For each seed k the baseline's and the scenario's window means b_k and s_k give the effect
d_k = s_k - b_k (or s_k / b_k - 1, relative); the report is K, the mean of d, its standard
error sd(d) / sqrt(K), the 95% interval mean ± t(0.975, K-1)·se, whether it excludes zero,
and the baseline's mean and across-seed sd of b.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass

import h5py
import numpy as np

from .outputs import (SeriesOutput, open_result, model_units, scaled, series_dims, series_labels,
                      series_variables)

LEVEL = 0.95


class EffectError(ValueError):
    """A selection or window the run files cannot give; the message says what is allowed."""


def seed_interval(values) -> dict:
    """Mean over K seeds (or seed pairs) of one number, its standard error sd / sqrt(K)
    (sd with K - 1), the 95% Student-t interval (K - 1 degrees of freedom) and whether it
    excludes zero. With K = 1 the se and interval are NaN."""
    from scipy.stats import t

    d = np.asarray(values, dtype=np.float64)
    k = len(d)
    mean = float(d.mean()) if k else math.nan
    if k >= 2:
        se = float(d.std(ddof=1)) / math.sqrt(k)
        half = float(t.ppf(0.5 + LEVEL / 2, k - 1)) * se
        low, high = mean - half, mean + half
    else:
        se = low = high = math.nan
    return {"k": k, "mean": mean, "se": se, "low": low, "high": high,
            "excludes_zero": bool(low > 0 or high < 0), "values": d.tolist()}


def paired_effect(base, scenario, relative: bool = False) -> dict:
    """The effect over K seed pairs of window means (base[k], scenario[k]): K, mean, se,
    the 95% Student-t interval (K-1 degrees of freedom), whether it excludes zero, and the
    baseline's mean and across-seed sd. With K = 1 the se and interval are NaN."""
    b = np.asarray(base, dtype=np.float64)
    s = np.asarray(scenario, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = s / b - 1.0 if relative else s - b
    stats = seed_interval(d)
    k = stats["k"]
    return {"k": k, "effect": stats["mean"], "se": stats["se"], "low": stats["low"],
            "high": stats["high"], "excludes_zero": stats["excludes_zero"],
            "baseline_mean": float(b.mean()) if k else math.nan,
            "baseline_sd": float(b.std(ddof=1)) if k >= 2 else math.nan,
            "scenario_mean": float(s.mean()) if k else math.nan,
            "effects": d.tolist()}


# --- Selections --------------------------------------------------------------------------

@dataclass
class Selection:
    series: str
    dims: tuple[str, ...]              # the variable's dimensions after `step`
    chosen: dict[str, list[int]]       # the kept label positions of each selected dimension
    texts: list[str]                   # the selectors as given
    combine: str                       # `sum` or `mean`
    units: str

    def describe(self) -> str:
        """`trade_value exporter=CHN importer=USA (summed over sector; currency)`."""
        over = [d for d in self.dims if d not in self.chosen or len(self.chosen[d]) > 1]
        how = "summed" if self.combine == "sum" else "averaged"
        cells = f"{how} over {', '.join(over)}" if over else "one value a step"
        return " ".join([self.series, *self.texts]) + f" ({cells}; {self.units or 'no units'})"


def parse_selectors(texts: list[str]) -> dict[str, list[str]]:
    """`exporter=CHN importer=USA,JPN` -> {exporter: [CHN], importer: [USA, JPN]}."""
    result: dict[str, list[str]] = {}
    for text in texts:
        dim, _, values = text.partition("=")
        labels = [v.strip() for v in values.split(",") if v.strip()]
        if not dim.strip() or not labels:
            raise EffectError(f"'{text}': a selector is DIM=LABEL or DIM=LABEL,LABEL,... "
                              f"(e.g. exporter=CHN)")
        if dim.strip() in result:
            raise EffectError(f"'{text}': {dim.strip()} is selected twice; allowed: each "
                              f"dimension once, several labels with commas")
        result[dim.strip()] = labels
    return result


def combine_rule(data: h5py.Dataset) -> str:
    """Integers add up (sum), floats are rates, prices or indices (mean)."""
    return "sum" if data.dtype.kind in "iu" else "mean"


def select(series: h5py.Group, name: str, selectors: dict[str, list[str]], where: str,
           texts: list[str]) -> Selection:
    """Checks the selectors against a run file's /series; the errors name what is allowed."""
    variables = series_variables(series)
    if name not in variables:
        raise EffectError(f"{where}: no series '{name}' in /series; allowed: "
                          f"{', '.join(variables)}")
    output = SeriesOutput(name, name)
    dims = series_dims(series, output, where)[1:]
    chosen: dict[str, list[int]] = {}
    for dim, values in selectors.items():
        if dim == "country" and "region" in dims and "country" not in dims:
            codes = [str(c) for c in series["region_country_code"].asstr()[:]]
            labels, target = list(dict.fromkeys(codes)), "region"
        elif dim in dims:
            labels, target = [str(x) for x in series_labels(series, output, dim)], dim
        else:
            allowed = list(dims) + (["country (a country's regions)"] if "region" in dims
                                    else [])
            raise EffectError(f"{name} has no dimension '{dim}'; allowed: "
                              f"{', '.join(allowed) or 'none (a series over steps only)'}")
        unknown = [v for v in values if v not in labels]
        if unknown:
            raise EffectError(f"{dim}={','.join(values)}: no {dim} "
                              f"{', '.join(repr(v) for v in unknown)} in {name}; allowed: "
                              f"{', '.join(labels)}")
        if target in chosen:
            raise EffectError(f"{dim}: the regions are selected twice (region and country); "
                              f"allowed: one of them")
        if target == "region" and dim == "country":
            chosen[target] = [i for i, c in enumerate(codes) if c in values]
        else:
            chosen[target] = [labels.index(v) for v in values]
    data = series[name]
    return Selection(name, dims, chosen, texts, combine_rule(data), model_units(data.attrs))


def selected_values(series: h5py.Group, selection: Selection) -> np.ndarray:
    """The selection's value at each recorded step (model units)."""
    data = scaled(series, selection.series, slice(None))
    for axis, dim in enumerate(selection.dims, start=1):
        if dim in selection.chosen:
            data = np.take(data, selection.chosen[dim], axis=axis)
    axes = tuple(range(1, data.ndim))
    if not axes:
        return data
    return data.sum(axis=axes) if selection.combine == "sum" else data.mean(axis=axes)


@dataclass
class RunValues:
    steps: np.ndarray
    years: np.ndarray
    values: np.ndarray
    labels: dict[str, list[str]]       # the selection's dimensions' labels (same world)


def read_run(path: str, name: str, selectors: dict[str, list[str]],
             texts: list[str], allow_incomplete: bool = False) -> tuple[RunValues, Selection]:
    with open_result(path, allow_incomplete) as f:
        series = f["series"]
        selection = select(series, name, selectors, path, texts)
        steps = series["step"][:].astype(np.int64)
        spy = int(series["step"].attrs["steps_per_year"])
        output = SeriesOutput(name, name)
        labels = {d: [str(x) for x in series_labels(series, output, d)]
                  for d in selection.dims}
        if "region" in selection.dims:
            labels["country"] = [str(c) for c in series["region_country_code"].asstr()[:]]
        return RunValues(steps, (steps - 1) // spy + 1, selected_values(series, selection),
                         labels), selection


def first_difference(path_a: str, path_b: str) -> int | None:
    """The first step at which any /series variable of two runs differs (None: none)."""
    with open_result(path_a) as fa, open_result(path_b) as fb:
        a, b = fa["series"], fb["series"]
        steps = a["step"][:]
        first = None
        for name in series_variables(a):
            x, y = a[name][:], b[name][:]
            n = min(len(x), len(y))
            differs = np.flatnonzero((x[:n] != y[:n]).reshape(n, -1).any(axis=1))
            if len(differs):
                step = int(steps[differs[0]])
                first = step if first is None else min(first, step)
        return first


# --- The command -------------------------------------------------------------------------

def add_effect_arguments(sub: argparse.ArgumentParser, folder: str = "ensemble folder",
                         scenarios: bool = True) -> None:
    sub.add_argument("--dir", required=True, help=folder)
    sub.add_argument("series", help="a /series variable, e.g. trade_value")
    sub.add_argument("selectors", nargs="*", metavar="DIM=LABEL[,LABEL]",
                     help="labels to keep, e.g. exporter=CHN importer=USA; other dimensions "
                          "are combined")
    if scenarios:
        sub.add_argument("--scenario", action="append", default=[],
                         help="only this scenario, by name (repeatable; default: all)")
    sub.add_argument("--from", type=int, dest="first",
                     help="first step of the window (default: the first step where a "
                          "scenario run differs from its baseline run)")
    sub.add_argument("--to", type=int, dest="last", help="last step (default: the last)")
    sub.add_argument("--relative", action="store_true",
                     help="effect as scenario / baseline - 1 of the window means")
    sub.add_argument("--yearly", action="store_true", help="also each year of the window")
    sub.add_argument("--json", help="write the results to this JSON file")


def _pairs(state: dict, directory: str, scenario: str) -> tuple[list, list[int]]:
    from .ensemble import Member, result_file

    done, missing = [], []
    base = state["baseline"]["name"]
    for seed in state["seeds"]:
        b = result_file(directory, Member(0, base, seed))
        s = result_file(directory, Member(0, scenario, seed))
        if os.path.exists(b) and os.path.exists(s):
            done.append((seed, b, s))
        else:
            missing.append(seed)
    return done, missing


def _window(args, runs: list[RunValues], pairs: list) -> tuple[int, int, str]:
    steps = runs[0].steps
    for run in runs[1:]:
        if len(run.steps) < len(steps):
            steps = run.steps
    if not len(steps):
        raise EffectError("the runs recorded no steps")
    first, last, how = args.first, args.last, "--from"
    if first is None:
        found = [s for s in (first_difference(b, s) for _, b, s in pairs) if s is not None]
        first = min(found) if found else int(steps[0])
        how = ("the first step where a scenario run differs from its baseline run" if found
               else "all steps: every scenario run is identical to its baseline run")
    last = int(steps[-1]) if last is None else last
    lo, hi = int(steps[0]), int(steps[-1])
    if not lo <= first <= last <= hi:
        raise EffectError(f"--from {first} --to {last}: allowed: steps with {lo} <= from <= "
                          f"to <= {hi} (the steps every run recorded)")
    return first, last, how


def scenario_effects(state: dict, directory: str, scenario: str, name: str,
                     selectors: dict[str, list[str]], texts: list[str], args) -> tuple:
    """The effect rows of one scenario (the whole window, then each year with --yearly),
    the selection and the window's description."""
    pairs, missing = _pairs(state, directory, scenario)
    if missing:
        print(f"ensemble: {scenario}: seeds {', '.join(map(str, missing))} left out: their "
              f"baseline or scenario run is not finished", file=sys.stderr)
    if not pairs:
        raise EffectError(f"{scenario}: no seed has both runs finished; run `ensemble run "
                          f"--dir {directory}` first")
    return paired_effects(pairs, scenario, name, selectors, texts, args)


def paired_effects(pairs: list, label: str, name: str, selectors: dict[str, list[str]],
                   texts: list[str], args) -> tuple:
    """The effect rows over seed pairs [(seed, baseline file, scenario file)], labelled
    `label`; as scenario_effects."""
    base_runs, scen_runs = [], []
    selection = None
    for _, b, s in pairs:
        rb, selection = read_run(b, name, selectors, texts)
        rs, _ = read_run(s, name, selectors, texts)
        if rb.labels != rs.labels:
            raise EffectError(f"{s}: its labels of {name} differ from the baseline's ({b}); "
                              f"allowed: runs of the same world")
        base_runs.append(rb)
        scen_runs.append(rs)
    first, last, how = _window(args, base_runs + scen_runs, pairs)
    seeds = [seed for seed, _, _ in pairs]

    def keep(run: RunValues, year: int | None) -> np.ndarray:
        inside = (run.steps >= first) & (run.steps <= last)
        return inside if year is None else inside & (run.years == year)

    years: list[int | None] = [None]
    if args.yearly:
        years += sorted({int(y) for y in base_runs[0].years[keep(base_runs[0], None)]})
    rows = []
    for year in years:
        row = paired_effect([float(r.values[keep(r, year)].mean()) for r in base_runs],
                            [float(r.values[keep(r, year)].mean()) for r in scen_runs],
                            args.relative)
        inside = base_runs[0].steps[keep(base_runs[0], year)]
        row.update({"scenario": label, "year": year, "from": int(inside[0]),
                    "to": int(inside[-1]), "seeds": seeds})
        rows.append(row)
    return rows, selection, f"steps {first}-{last} ({how})"


def _number(x: float, relative: bool) -> str:
    if x is None or not math.isfinite(x):
        return "nan"
    return f"{100 * x:.3g}%" if relative else f"{x:.6g}"


def format_table(rows: list[dict], selection: Selection, window: str, relative: bool) -> str:
    what = "relative change (scenario / baseline - 1)" if relative else \
        "scenario - baseline"
    lines = [f"effect on {selection.describe()}",
             f"window: {window}; per seed pair: the window means' {what}; 95% interval: "
             f"Student's t, K-1 degrees of freedom",
             ""]
    head = ["scenario", "year", "steps", "K", "baseline mean", "baseline sd", "effect", "se",
            "95% interval", "excludes 0"]
    table = [head]
    for r in rows:
        interval = f"[{_number(r['low'], relative)}, {_number(r['high'], relative)}]"
        table.append([r["scenario"], "all" if r["year"] is None else str(r["year"]),
                      f"{r['from']}-{r['to']}", str(r["k"]),
                      _number(r["baseline_mean"], False), _number(r["baseline_sd"], False),
                      _number(r["effect"], relative), _number(r["se"], relative), interval,
                      "n/a" if r["k"] < 2 else "yes" if r["excludes_zero"] else "no"])
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for row in table:
        lines.append("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths))).rstrip())
    return "\n".join(lines)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def effect_command(args: argparse.Namespace) -> int:
    from .ensemble import load_state

    state = load_state(args.dir)
    names = [s["name"] for s in state["scenarios"]]
    unknown = [n for n in args.scenario if n not in names]
    if unknown:
        raise EffectError(f"--scenario {', '.join(unknown)}: not in this ensemble; allowed: "
                          f"{', '.join(names)}")
    selectors = parse_selectors(args.selectors)
    rows, window, selection = [], [], None
    for scenario in args.scenario or names:
        found, selection, text = scenario_effects(state, args.dir, scenario, args.series,
                                                  selectors, args.selectors, args)
        rows += found
        window.append(text)
    text = window[0] if len(set(window)) == 1 else "; ".join(
        f"{n}: {w}" for n, w in zip(args.scenario or names, window))
    print(format_table(rows, selection, text, args.relative))
    if args.json:
        record = {"series": args.series, "selectors": args.selectors,
                  "description": selection.describe(), "combine": selection.combine,
                  "units": selection.units, "relative": args.relative, "level": LEVEL,
                  "baseline": state["baseline"]["name"], "window": text,
                  "results": [{k: _finite(v) for k, v in r.items()} for r in rows]}
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1)
            f.write("\n")
    return 0
