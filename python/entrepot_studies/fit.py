"""The calibration fit table of one run: the model's value of each 2020 target next to the
data's, the error and whether it is within the tolerance (docs/calibration.md, "Fit to the
data").

    python -m entrepot_studies.fit RESULT.h5 [--years N] [--markdown|--csv] [--out FILE]
        [--targets CSV]

The model side is a mean over the last N years of the run (ratios of sums over the window's
steps). The data side, with sources, is `targets2020.csv` next to this file. The table is a
report: the command exits 0 whether or not the targets are met, and 2 on input it cannot
read (no such file, a missing series, a world without a country or region a target needs).
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from dataclasses import dataclass, field

import numpy as np
import yaml

from .outputs import by_country, scaled
from .plot import PlotError, Run, open_run

TARGETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets2020.csv")
FINAL = "trade_value_final"
REGION_EXPORTS = "region_exports"
REGION_TRADE = "region_trade_value"
OFFSHORE = "offshore_trade_value"
SECTOR_VA = "sector_value_added"


class FitError(Exception):
    """Input the fit cannot use: the message names the file and the reason."""


# --- The data side -------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    target: str          # kind of target: va_share, exports_gdp, ...
    key: str             # country code, or "A:B", "A+B:C" for pairs and region groups
    value: float | None  # the data value (fraction or ratio); None where there is none
    tolerance: str       # "rel X", "abs X", "range LOW HIGH" or empty
    source: str
    note: str

    def met(self, model: float) -> bool:
        kind, *numbers = self.tolerance.split()
        x = [float(n) for n in numbers]
        if kind == "rel":
            return abs(model - self.value) <= x[0] * abs(self.value)
        if kind == "abs":
            return abs(model - self.value) <= x[0]
        return x[0] <= model <= x[1]


def load_targets(path: str = TARGETS) -> list[Target]:
    """The rows of a targets file (comment lines start with #)."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            lines = [line for line in f if not line.startswith("#")]
    except OSError as error:
        raise FitError(f"{path}: cannot read the targets ({error.strerror})")
    targets = []
    for number, row in enumerate(csv.DictReader(lines), start=2):
        try:
            value = float(row["value"]) if row["value"].strip() else None
            tolerance = row["tolerance"].strip()
            kind = tolerance.split()[0] if tolerance else ""
            sizes = {"rel": 1, "abs": 1, "range": 2}
            if value is not None and (kind not in sizes
                                      or len(tolerance.split()) != sizes[kind] + 1):
                raise ValueError(f"tolerance '{tolerance}' is not rel X, abs X or range LOW HIGH")
            if row["target"] not in MODEL:
                raise ValueError(f"unknown target '{row['target']}'")
            targets.append(Target(row["target"], row["key"].strip(), value, tolerance,
                                  row["source"].strip(), (row.get("note") or "").strip()))
        except (KeyError, ValueError, AttributeError, IndexError) as error:
            raise FitError(f"{path}: row {number}: {error}")
    return targets


# --- The model side ------------------------------------------------------------------------

def config_sections(text: str) -> list[dict]:
    """The scenario text of a result file, split into the scenario and the base files it
    names (the program appends each base file after a `# ---- base file` line); the first
    section that has a key is the one in force."""
    parts, current = [], []
    for line in text.splitlines():
        if line.startswith("# ---- base file"):
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return [d for d in (yaml.safe_load(p) for p in parts) if isinstance(d, dict)]


def config_key(sections: list[dict], key: str, path: str):
    for section in sections:
        if key in section:
            return section[key]
    raise FitError(f"{path}: the scenario text in the root attribute `config` has no "
                   f"'{key}'")


def region_populations(sections: list[dict]) -> dict[str, float]:
    """Each region's population. A scenario's regions list overrides its base's region by
    region (by name), so a population comes from the first section that gives one."""
    population: dict[str, float] = {}
    for section in sections:
        for r in section.get("regions") or []:
            if isinstance(r, dict) and "population" in r and "name" in r:
                population.setdefault(r["name"], float(r["population"]))
    return population


def sector_kinds(sections: list[dict], path: str) -> dict[str, str]:
    """Each sector's kind. A scenario's sectors list overrides its base's sector by sector
    (by name), so a kind comes from the first section that gives one for the sector."""
    config_key(sections, "sectors", path)  # an error when no section lists sectors
    kinds: dict[str, str] = {}
    for section in sections:
        for s in section.get("sectors") or []:
            if isinstance(s, dict) and "name" in s and "kind" in s:
                kinds.setdefault(s["name"], s["kind"])
    return kinds


@dataclass
class Window:
    """The last years of one run: sums over their steps of the series the targets read."""
    run: Run
    rows: slice
    sector_kind: dict[str, str]
    population: dict[str, float]
    sums: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.run.path

    @property
    def labels(self):
        return self.run.labels

    def has(self, name: str) -> bool:
        return name in self.run.series

    def total(self, name: str) -> np.ndarray:
        """A series summed over the window's steps, in model units."""
        if name not in self.sums:
            if not self.has(name):
                raise FitError(f"{self.path}: /series has no {name}")
            self.sums[name] = scaled(self.run.series, name, self.rows).sum(axis=0)
        return self.sums[name]

    def _index(self, kind: str, name: str, target: str) -> int:
        names = getattr(self.labels, kind)
        if name not in names:
            raise FitError(f"{self.path}: the world has no {kind} {name}, which the target "
                           f"{target} needs")
        return names.index(name)

    def country(self, code: str, target: str) -> int:
        return self._index("country", code, target)

    def region(self, name: str, target: str) -> int:
        return self._index("region", name, target)

    def sector(self, name: str, target: str) -> int:
        return self._index("sector", name, target)

    def hubs(self) -> list[str]:
        """The regions on the `hub` axis (those flagged hub, where the scenario has traders;
        none otherwise)."""
        if "hub" not in self.run.series:
            raise FitError(f"{self.path}: /series has no coordinate hub")
        return list(self.run.series["hub"].asstr()[:])

    def goods(self) -> np.ndarray:
        """Mask over sectors: goods (every kind but service)."""
        return np.array([self.sector_kind[s] != "service" for s in self.labels.sector])

    def country_va(self) -> np.ndarray:
        return by_country(self.total("value_added")[None], self.labels)[0]

    def cross_border(self, name: str = "trade_value") -> np.ndarray:
        """(exporter, importer, sector) window sums with the domestic diagonal set to 0."""
        trade = self.total(name).copy()
        n = trade.shape[0]
        trade[np.arange(n), np.arange(n)] = 0
        return trade


def open_window(path: str, years: int, allow_incomplete: bool = False) -> Window:
    try:
        run = open_run(path, allow_incomplete)
    except PlotError as error:
        raise FitError(str(error))
    try:
        labels = run.labels
        steps = labels.steps_per_year * years
        if years < 1 or labels.steps.size < steps:
            raise FitError(f"{path}: the run has {labels.steps.size} steps, fewer than the "
                           f"{steps} of {years} year(s) of {labels.steps_per_year} steps")
        text = run.file.attrs.get("config")
        if text is None:
            raise FitError(f"{path}: no root attribute `config` (the scenario text)")
        text = text.decode() if isinstance(text, bytes) else str(text)
        try:
            sections = config_sections(text)
        except yaml.YAMLError as error:
            raise FitError(f"{path}: the scenario text in `config` is not YAML ({error})")
        kinds = sector_kinds(sections, path)
        population = region_populations(sections)
        missing = [s for s in labels.sector if s not in kinds]
        if missing:
            raise FitError(f"{path}: the scenario text gives no kind for sector(s) "
                           f"{', '.join(missing)}")
        rows = slice(labels.steps.size - steps, labels.steps.size)
        return Window(run, rows, kinds, population)
    except Exception:
        run.file.close()
        raise


def _ratio(top: float, bottom: float) -> float:
    return float(top / bottom) if bottom > 0 else float("nan")


def va_share(w: Window, t: Target) -> float:
    va = w.country_va()
    return _ratio(va[w.country(t.key, t.target)], va.sum())


def sector_va_share(w: Window, t: Target) -> float | str:
    if not w.has(SECTOR_VA):
        return f"not measured: the result has no /series/{SECTOR_VA}"
    added = w.total(SECTOR_VA).sum(axis=0)
    sectors = [w.sector(s, t.target) for s in t.key.split("=")[-1].split("+")]
    return _ratio(added[sectors].sum(), added.sum())


def exports_gdp(w: Window, t: Target) -> float:
    c = w.country(t.key, t.target)
    return _ratio(w.cross_border()[c].sum(), w.country_va()[c])


def services_share(w: Window, t: Target) -> float:
    trade = w.cross_border().sum(axis=(0, 1))
    return _ratio(trade[~w.goods()].sum(), trade.sum())


def intermediate_share(w: Window, t: Target) -> float | str:
    if not w.has(FINAL):
        return f"not measured: the result has no /series/{FINAL}"
    goods = w.goods()
    total = w.cross_border().sum(axis=(0, 1))[goods].sum()
    final = w.cross_border(FINAL).sum(axis=(0, 1))[goods].sum()
    return 1.0 - _ratio(final, total)


def chn_usa_trade(w: Window, t: Target) -> float:
    a, b = (w.country(c, t.target) for c in t.key.split(":"))
    trade = w.total("trade_value").sum(axis=2)
    va = w.country_va()
    return _ratio(trade[a, b] + trade[b, a], va[a] + va[b])


def shanghai_exports(w: Window, t: Target) -> float | str:
    part, whole = t.key.split(":")
    region = w.region(part, t.target)
    country = w.country(whole, t.target)
    if not w.has(REGION_EXPORTS):
        return f"not measured: the result has no /series/{REGION_EXPORTS}"
    exports = w.total(REGION_EXPORTS)[:, w.goods()].sum(axis=1)
    mine = w.labels.region_country == country
    return _ratio(exports[region], exports[mine].sum())


def region_trade_share(w: Window, t: Target) -> float | str:
    """The region's goods trade across its country's border (shipped from it to other
    countries plus shipped from other countries into it) over the country's."""
    part, whole = t.key.split(":")
    region = w.region(part, t.target)
    country = w.country(whole, t.target)
    if not w.has(REGION_TRADE):
        return f"not measured: the result has no /series/{REGION_TRADE}"
    trade = w.total(REGION_TRADE)[:, :, w.goods()].sum(axis=2)    # (origin, destination)
    mine = w.labels.region_country == country
    country_trade = trade[np.ix_(mine, ~mine)].sum() + trade[np.ix_(~mine, mine)].sum()
    return _ratio(_border_trade(w, region, country), country_trade)


def _border_trade(w: Window, region: int, country: int) -> float:
    """The region's goods trade across the country's border: what it shipped to other
    countries plus what it received from them (region_trade_value, goods sectors)."""
    trade = w.total(REGION_TRADE)[:, :, w.goods()].sum(axis=2)    # (origin, destination)
    abroad = w.labels.region_country != country
    return float(trade[region, abroad].sum() + trade[abroad, region].sum())


def offshore_share(w: Window, t: Target) -> float | str:
    """The hub's offshore (merchanting) trade, what buyers paid its traders for goods
    shipped straight from their origin to the buyers, never through the hub, over the
    hub's goods trade across its country's border."""
    region = w.region(t.key, t.target)
    for name in (OFFSHORE, REGION_TRADE):
        if not w.has(name):
            return f"not measured: the result has no /series/{name}"
    hubs = w.hubs()
    if t.key not in hubs:
        return f"not measured: {t.key} is no hub with traders in this scenario"
    offshore = w.total(OFFSHORE)[hubs.index(t.key)][..., w.goods()].sum()
    if offshore <= 0:
        return ("not measured: the scenario has no offshore traders "
                "(`traders.offshore_share`, docs/scenario.md)")
    return _ratio(offshore, _border_trade(w, region, int(w.labels.region_country[region])))


def transshipment_share(w: Window, t: Target) -> float | str:
    """The hub's re-exports (its traders' sales abroad of goods they bought abroad: goods
    that came in and went out again) over its goods trade across its country's border."""
    region = w.region(t.key, t.target)
    for name in ("reexports", "trader_sales", REGION_TRADE):
        if not w.has(name):
            return f"not measured: the result has no /series/{name}"
    if w.total("trader_sales").sum() <= 0:
        return "not measured: the scenario has no traders (`traders:`, docs/scenario.md)"
    return _ratio(w.total("reexports")[region],
                  _border_trade(w, region, int(w.labels.region_country[region])))


def _traded_share(w: Window, t: Target, series: str) -> float | str:
    """The country's traders' `series` (trader_exports, reexports) over its goods exports."""
    country = w.country(t.key, t.target)
    for name in (series, "trader_sales", REGION_EXPORTS):
        if not w.has(name):
            return f"not measured: the result has no /series/{name}"
    if w.total("trader_sales").sum() <= 0:
        return "not measured: the scenario has no traders (`traders:`, docs/scenario.md)"
    mine = w.labels.region_country == country
    exports = w.total(REGION_EXPORTS)[:, w.goods()].sum(axis=1)
    return _ratio(w.total(series)[mine].sum(), exports[mine].sum())


def intermediated_share(w: Window, t: Target) -> float | str:
    """What the country's traders sold abroad over its goods exports."""
    return _traded_share(w, t, "trader_exports")


def reexport_share(w: Window, t: Target) -> float | str:
    """The country's re-exports (traders' sales abroad of goods they bought abroad) over its
    goods exports."""
    return _traded_share(w, t, "reexports")


def gdp_per_head_ratio(w: Window, t: Target) -> float:
    va = w.total("value_added")
    per_head = []
    for side in t.key.split(":"):
        regions = [w.region(r, t.target) for r in side.split("+")]
        missing = [r for r in side.split("+") if r not in w.population]
        if missing:
            raise FitError(f"{w.path}: the scenario text gives no population for region(s) "
                           f"{', '.join(missing)}, which the target {t.target} needs")
        people = sum(w.population[r] for r in side.split("+"))
        per_head.append(va[regions].sum() / people)
    return _ratio(per_head[0], per_head[1])


def emissions_share(w: Window, t: Target) -> float | str:
    if not w.has("emissions"):
        return "not measured: the result has no /series/emissions"
    by_region = w.total("emissions").sum(axis=1)
    if by_region.sum() <= 0:
        return "not measured: the scenario's firms emit nothing (no `emissions` section)"
    emitted = by_country(by_region[None], w.labels)[0]
    return _ratio(emitted[w.country(t.key, t.target)], emitted.sum())


def carbon_price(w: Window, t: Target) -> float | str:
    """The market's allowance price in US$ per tonne (key "MARKET:COUNTRY", the country whose
    currency it is quoted in): each step's price at that step's exchange rate, averaged over
    the window's steps."""
    market, _, code = t.key.partition(":")
    if not code:
        raise FitError(f"{w.path}: the target {t.target} needs a key MARKET:COUNTRY, not "
                       f"'{t.key}'")
    country = w.country(code, t.target)
    if not w.has("carbon_price"):
        return "not measured: the result has no /series/carbon_price"
    markets = (list(w.run.series["carbon_market"].asstr()[:])
               if w.has("carbon_market") else [])
    if market not in markets:
        return f"not measured: the scenario has no carbon market {market}"
    if not w.has("exchange_rate"):
        raise FitError(f"{w.path}: /series has no exchange_rate")
    price = scaled(w.run.series, "carbon_price", w.rows)[:, markets.index(market)]
    rate = scaled(w.run.series, "exchange_rate", w.rows)[:, country]
    return float((price * rate).mean())


def unemployment(w: Window, t: Target) -> float:
    c = w.country(t.key, t.target)
    unemployed = by_country(w.total("unemployment")[None], w.labels)[0][c]
    employed = by_country(w.total("employment")[None], w.labels)[0][c]
    return _ratio(unemployed, unemployed + employed)


# target -> (model value: float, or a "not measured" sentence; label; percent or ratio)
MODEL = {
    "va_share": (va_share, "share of world value added", "%"),
    "sector_va_share": (sector_va_share, "sectors' share of world value added", "%"),
    "exports_gdp": (exports_gdp, "exports / GDP", "%"),
    "services_share": (services_share, "services share of cross-border trade", "%"),
    "intermediate_share": (intermediate_share, "intermediate share of goods trade", "%"),
    "chn_usa_trade": (chn_usa_trade, "bilateral trade / both GDPs", "%"),
    "shanghai_exports": (shanghai_exports, "share of the country's goods exports", "%"),
    "region_trade_share": (region_trade_share, "share of the country's goods trade", "%"),
    "offshore_share": (offshore_share, "offshore trade's share of its goods trade", "%"),
    "intermediated_share": (intermediated_share, "traders' share of goods exports", "%"),
    "reexport_share": (reexport_share, "re-exports' share of goods exports", "%"),
    "transshipment_share": (transshipment_share, "re-exports' share of its goods trade", "%"),
    "gdp_per_head_ratio": (gdp_per_head_ratio, "GDP per head, ratio", "x"),
    "unemployment": (unemployment, "unemployment rate", "%"),
    "emissions_share": (emissions_share, "share of world CO2 emissions", "%"),
    "carbon_price": (carbon_price, "carbon price, US$ per tonne", "x"),
}


# --- The table -----------------------------------------------------------------------------

COLUMNS = ("target", "data", "source", "model", "error", "tolerance", "met")


def _number(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{100 * value:.2f}%" if unit == "%" else f"{value:.3f}"


def _tolerance(t: Target, unit: str) -> str:
    if not t.tolerance:
        return ""
    kind, *numbers = t.tolerance.split()
    x = [float(n) for n in numbers]
    if kind == "rel":
        return f"±{100 * x[0]:g}%"
    if kind == "abs":
        return f"±{100 * x[0]:g} pts" if unit == "%" else f"±{x[0]:g}"
    scale = 100 if unit == "%" else 1
    return f"{scale * x[0]:g}–{scale * x[1]:g}{'%' if unit == '%' else ''}"


def _error(t: Target, model: float, unit: str) -> str:
    """Relative to the data value for `rel`, in points (or units) otherwise; for a range,
    the distance to its nearest bound."""
    kind, *numbers = t.tolerance.split()
    if kind == "rel":
        return f"{100 * (model - t.value) / t.value:+.1f}%"
    if kind == "abs":
        diff = model - t.value
    else:
        low, high = (float(n) for n in numbers)
        diff = model - low if model < low else model - high if model > high else 0.0
    return f"{100 * diff:+.1f} pts" if unit == "%" else f"{diff:+.3f}"


def fit_rows(w: Window, targets: list[Target]) -> list[dict]:
    rows = []
    for t in targets:
        compute, label, unit = MODEL[t.target]
        model = compute(w, t)
        # "name=a+b": a group of sectors shown by its name.
        key = t.key.split("=")[0].replace(":", " / ")
        row = {"target": f"{label}, {key}" if t.key != "world" else label,
               "data": "" if t.value is None else _number(t.value, unit),
               "source": t.source, "model": "", "error": "",
               "tolerance": _tolerance(t, unit), "met": "–", "note": t.note}
        if t.value is not None and t.tolerance.startswith("range"):
            row["data"] = _tolerance(t, unit)
        if isinstance(model, str):
            row["model"] = model
        else:
            row["model"] = _number(model, unit)
            if t.value is not None and np.isfinite(model):
                row["error"] = _error(t, model, unit)
                row["met"] = "yes" if t.met(model) else "no"
        rows.append(row)
    return rows


def fit_table(path: str, years: int = 2, targets: str = TARGETS,
              allow_incomplete: bool = False) -> tuple[list[dict], str]:
    """The rows of the fit table and a line that says what the window is."""
    chosen = load_targets(targets)
    w = open_window(path, years, allow_incomplete)
    try:
        rows = fit_rows(w, chosen)
        steps = w.labels.steps[w.rows]
        what = (f"{w.run.describe()}: mean of steps {steps[0]}–{steps[-1]} (the last {years} "
                f"year(s), {w.labels.steps_per_year} steps a year)")
    finally:
        w.run.file.close()
    return rows, what


def render(rows: list[dict], what: str, style: str) -> str:
    if style == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS + ("note",), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    notes = [f"{r['target']}: {r['note']}" for r in rows if r["note"]]
    met = sum(r["met"] == "yes" for r in rows)
    judged = sum(r["met"] in ("yes", "no") for r in rows)
    summary = f"{met} of {judged} targets met"
    if style == "markdown":
        lines = [f"Fit to the data — {what}", "",
                 "| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
        lines += ["| " + " | ".join(r[c] for c in COLUMNS) + " |" for r in rows]
        lines += ["", summary + "."]
        lines += ([""] + [f"- {n}" for n in notes]) if notes else []
        return "\n".join(lines) + "\n"
    shown = [c for c in COLUMNS if c != "source"]      # sources: listed below the table
    width = {c: max(len(c), *(len(r[c]) for r in rows)) for c in shown}
    lines = [f"Fit to the data — {what}", "",
             "  ".join(c.ljust(width[c]) for c in shown).rstrip(),
             "  ".join("-" * width[c] for c in shown)]
    lines += ["  ".join(r[c].ljust(width[c]) for c in shown).rstrip() for r in rows]
    lines += ["", summary + ".", "", "Sources:"]
    sources = list(dict.fromkeys(r["source"] for r in rows))
    lines += [f"  {s}" for s in sources]
    lines += (["", "Notes:"] + [f"  {n}" for n in notes]) if notes else []
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fit", description="The calibration fit table of an Entrepot result file: each "
        "2020 target's data value and source, the model's value over the last years of the "
        "run, the error and whether it is within the tolerance. See docs/calibration.md.")
    parser.add_argument("result", help="result file (HDF5) of the run")
    parser.add_argument("--years", type=int, default=2,
                        help="years at the end of the run to average over (default 2)")
    style = parser.add_mutually_exclusive_group()
    style.add_argument("--markdown", action="store_const", dest="style", const="markdown",
                       help="a Markdown table")
    style.add_argument("--csv", action="store_const", dest="style", const="csv",
                       help="CSV, with a note column")
    parser.add_argument("--out", help="write the table to this file instead of the terminal")
    parser.add_argument("--targets", default=TARGETS,
                        help="targets file (default: targets2020.csv of the package)")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="also read a run that was interrupted or failed")
    args = parser.parse_args(argv)
    try:
        rows, what = fit_table(args.result, args.years, args.targets, args.allow_incomplete)
    except FitError as error:
        print(f"fit: {error}", file=sys.stderr)
        return 2
    return write_table("fit", render(rows, what, args.style or "text"), args.out,
                       "fit table")


def write_table(program: str, text: str, out: str | None, what: str) -> int:
    """A report to the file `out`, or to the terminal; exit status 2 where it cannot write."""
    if not out:
        sys.stdout.write(text)
        return 0
    try:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as error:
        print(f"{program}: {out}: cannot write ({error.strerror})", file=sys.stderr)
        return 2
    print(f"{what} in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
