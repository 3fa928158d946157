"""Pictures of one run, or of one scenario run against its baseline: a PNG per figure and a
dashboard of the main panels (docs/plots.md).

    python -m entrepot_studies.plot RESULT.h5 [BASELINE.h5] [--out DIR]

Every quantity is a yearly mean of `/series` (docs/output.md), read a year's rows at a time
and only for the variables a figure needs. With a baseline, each figure shows the scenario
minus the baseline (in % where a relative change means something): one pair of runs, with
no interval (ensembles come from the sweep summaries, docs/studies.md).
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import Callable

import h5py
import numpy as np

from .outputs import (IncompleteResult, Labels, require_complete, bilateral_trade, by_country, country_gdp,
                      country_unemployment_rate, model_units, read_labels, scaled)

# Country groups for the share of trade that stays within a group, by country code; a group
# counts only where at least two of its members are in the world.
GROUPS = {
    "East Asia-Pacific": ("CHN", "JPN", "KOR", "VNM", "SGP", "AUS"),
    "North America": ("USA", "MEX", "CAN"),
}


class PlotError(Exception):
    """A result file that cannot be plotted: the message names the file and the reason."""


# --- Reading -------------------------------------------------------------------------------

def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def _cross_border(trade: np.ndarray) -> np.ndarray:
    """(steps, exporter, importer) with the domestic diagonal set to 0."""
    out = trade.copy()
    n = out.shape[1]
    out[:, np.arange(n), np.arange(n)] = 0
    return out


# Quantities: (series, labels, rows) -> (steps, ...) for one year's rows; the variables each
# reads are listed so a file without them is reported rather than failing midway.
@dataclass(frozen=True)
class Quantity:
    variables: tuple[str, ...]
    rows: Callable


def _duty(s, lab, r):
    return scaled(s, "trade_duty", r).sum(axis=3)


def _cpi(s, lab, r):
    """CPI by country: the regions' CPI weighted by their household spending."""
    cpi = scaled(s, "cpi", r)
    spending = scaled(s, "consumption", r)
    weighted = by_country(cpi * spending, lab)
    return _ratio(weighted, by_country(spending, lab))


def _price(s, lab, r):
    return scaled(s, "price", r).mean(axis=1)


def _moves(s, lab, r):
    """(step, origin country, destination country): firms that moved between regions."""
    moves = s["relocations"][r].astype(float)                      # (step, origin, destination)
    one_hot = np.zeros((len(lab.region_country), len(lab.country)))
    one_hot[np.arange(len(lab.region_country)), lab.region_country] = 1.0
    return np.einsum("pc,tpq,qd->tcd", one_hot, moves, one_hot)


QUANTITIES = {
    "gdp": Quantity(("value_added",), country_gdp),
    "unemployment": Quantity(("unemployment", "employment"), country_unemployment_rate),
    "trade": Quantity(("trade_value",), bilateral_trade),
    "duty": Quantity(("trade_duty",), _duty),
    "cpi": Quantity(("cpi", "consumption"), _cpi),
    "price": Quantity(("price",), _price),
    "exchange_rate": Quantity(("exchange_rate",), lambda s, lab, r: scaled(s, "exchange_rate", r)),
    "moves": Quantity(("relocations",), _moves),
}


@dataclass
class Run:
    """One result file: its labels and, as they are asked for, yearly means of quantities."""
    path: str
    file: h5py.File
    labels: Labels
    cache: dict = field(default_factory=dict)

    @property
    def series(self) -> h5py.Group:
        return self.file["series"]

    @property
    def years(self) -> np.ndarray:
        return np.unique(self.labels.years)

    def has(self, *variables: str) -> bool:
        return all(v in self.series for v in variables)

    def units(self, variable: str) -> str:
        return model_units(self.series[variable].attrs)

    def describe(self) -> str:
        attrs = self.file.attrs
        name = str(attrs.get("scenario", os.path.basename(self.path)))
        seed = f", seed {int(attrs['seed'])}" if "seed" in attrs else ""
        return f"{name}{seed}"

    def yearly(self, name: str) -> np.ndarray:
        """(year, ...) yearly means of a quantity."""
        if name not in self.cache:
            quantity = QUANTITIES[name]
            missing = [v for v in quantity.variables if v not in self.series]
            if missing:
                raise PlotError(f"{self.path}: /series has no {', '.join(missing)}")
            years = self.labels.years
            result = []
            for year in np.unique(years):
                where = np.flatnonzero(years == year)
                rows = slice(int(where[0]), int(where[-1]) + 1)   # a year's rows are contiguous
                with warnings.catch_warnings():      # a year of undefined rates: NaN
                    warnings.simplefilter("ignore", RuntimeWarning)
                    result.append(np.nanmean(quantity.rows(self.series, self.labels, rows),
                                             axis=0))
            self.cache[name] = np.stack(result)
        return self.cache[name]


def open_run(path: str, allow_incomplete: bool = False) -> Run:
    if not os.path.exists(path):
        raise PlotError(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise PlotError(f"{path}: not a readable HDF5 file ({str(error).splitlines()[0]})")
    try:
        if "series" not in f or not isinstance(f["series"], h5py.Group):
            raise PlotError(f"{path}: no /series group (not an Entrepot result file?)")
        series = f["series"]
        for name in ("step", "exporter", "region", "region_country_code", "sector"):
            if name not in series:
                raise PlotError(f"{path}: /series has no coordinate {name}")
        labels = read_labels(series)
        if labels.steps.size == 0:
            raise PlotError(f"{path}: /series holds no steps")
        require_complete(f, path, allow_incomplete)
    except IncompleteResult as error:
        f.close()
        raise PlotError(str(error))
    except PlotError:
        f.close()
        raise
    except (KeyError, ValueError, OSError) as error:
        f.close()
        raise PlotError(f"{path}: cannot read /series ({error})")
    return Run(path, f, labels)


def check_same_world(run: Run, baseline: Run) -> None:
    a, b = run.labels, baseline.labels
    if a.country != b.country:
        raise PlotError(f"{run.path}: not the same world as {baseline.path}: the country lists "
                        f"differ ({' '.join(a.country)} / {' '.join(b.country)})")
    if a.region != b.region or a.sector != b.sector:
        raise PlotError(f"{run.path}: not the same world as {baseline.path}: the region or "
                        "sector lists differ")
    if a.steps_per_year != b.steps_per_year:
        raise PlotError(f"{run.path}: {a.steps_per_year} steps a year, {baseline.path} has "
                        f"{b.steps_per_year}")


# --- Panels --------------------------------------------------------------------------------
#
# A panel draws itself on one matplotlib Axes, from one run or from the pair (run, baseline).
# `values(run)` gives (year, line) values and the line labels; the effect is computed from
# the two runs' values over the years both hold.

@dataclass(frozen=True)
class Panel:
    title: str
    ylabel: Callable[[Run], str]                   # units of the levels
    values: Callable[[Run], tuple[np.ndarray, list[str]]]
    effect: str                                    # "percent" or "difference"
    effect_units: Callable[[Run], str]
    needs: tuple[str, ...]                         # /series variables; skipped without them
    note: str = ""
    shown: Callable[[Run], bool] = lambda run: True  # also skipped where this is False


def _countries(run):
    return run.labels.country


def _china_us(run: Run) -> tuple[int, int] | None:
    c = run.labels.country
    return (c.index("CHN"), c.index("USA")) if "CHN" in c and "USA" in c else None


def _china_share(run):
    pair = _china_us(run)
    if pair is None:
        return np.full((run.years.size, 0), np.nan), []
    chn, usa = pair
    imports = _cross_border(run.yearly("trade"))[:, :, usa]          # (year, exporter)
    return 100 * _ratio(imports[:, chn], imports.sum(axis=1))[:, None], ["CHN share of USA imports"]


def _us_china_flows(run):
    pair = _china_us(run)
    if pair is None:
        return np.full((run.years.size, 0), np.nan), []
    chn, usa = pair
    trade = run.yearly("trade")
    return np.stack([trade[:, chn, usa], trade[:, usa, chn]], axis=1), ["CHN → USA", "USA → CHN"]


def _group_shares(run):
    country = run.labels.country
    trade = _cross_border(run.yearly("trade"))
    world = trade.sum(axis=(1, 2))
    columns, names = [], []
    for name, members in GROUPS.items():
        idx = [country.index(c) for c in members if c in country]
        if len(idx) < 2:
            continue
        within = trade[:, idx][:, :, idx].sum(axis=(1, 2))
        columns.append(100 * _ratio(within, world))
        names.append(f"within {name} ({' '.join(country[i] for i in idx)})")
    if not columns:
        return np.full((run.years.size, 0), np.nan), []
    return np.stack(columns, axis=1), names


def _effective_tariff(run):
    duty = _cross_border(run.yearly("duty")).sum(axis=1)              # (year, importer)
    imports = _cross_border(run.yearly("trade")).sum(axis=1)
    return 100 * _ratio(duty, imports), run.labels.country


# Duty collected is drawn for these importers where the world has them, and for the world:
# the same lines in every run, so that a scenario and its baseline can be subtracted.
DUTY_COUNTRIES = ("USA", "CHN", "EU27", "JPN", "IND")


def _duty_collected(run):
    duty = _cross_border(run.yearly("duty")).sum(axis=1)
    country = run.labels.country
    top = [country.index(c) for c in DUTY_COUNTRIES if c in country]
    return (np.stack([duty[:, i] for i in top] + [duty.sum(axis=1)], axis=1),
            [run.labels.country[i] for i in top] + ["world"])


def _value_chains(run: Run, measure: str):
    """(year, country) of a value-chain measure (value_chains.py), or (year, bloc) of the
    blocs' regionalization."""
    from . import value_chains as vc
    key = "value_chains:" + measure
    if key not in run.cache:
        try:
            years = vc.tables(run.path, allow_incomplete=True)
        except vc.ValueChainError as error:
            raise PlotError(str(error))
        if measure == "blocs":
            groups = [b for b in vc.blocs(run.path, years[0].places) if len(b.members) > 1]
            values = np.array([[vc.regionalization(t, b) for b in groups] for t in years])
            names = [b.name for b in groups]
        else:
            values = np.array([vc.measures(t)[measure] for t in years])
            names = list(years[0].places)
        values = 100 * values.reshape(len(years), len(names))
        # A part year at the end has no table: NaN there, as the other panels' years.
        missing = len(run.years) - len(years)
        if missing > 0:
            values = np.vstack([values, np.full((missing, len(names)), np.nan)])
        run.cache[key] = (values[:len(run.years)], names)
    return run.cache[key]


def _per_step(variable):
    """Units of a flow recorded per step (the file's `units` name the money or goods)."""
    return lambda run: f"{run.units(variable)} per step (yearly mean)"


def _moved(run: Run, out: bool):
    """(year, country): firms a year that moved out of (into) each country, across borders."""
    moves = run.yearly("moves").copy()                            # (year, origin, destination)
    for c in range(moves.shape[1]):
        moves[:, c, c] = 0.0
    per_year = run.labels.steps_per_year * (moves.sum(axis=2) if out else moves.sum(axis=1))
    return per_year, _countries(run)


def _any_moves(run: Run) -> bool:
    return bool(np.any(run.series["relocations"][:] != 0))


PANELS: dict[str, Panel] = {
    "gdp": Panel("Value added (GDP) by country", _per_step("value_added"),
                 lambda run: (run.yearly("gdp"), _countries(run)), "percent",
                 lambda run: "% change", ("value_added",)),
    "unemployment": Panel("Unemployment rate by country", lambda run: "% of the labour force",
                          lambda run: (100 * run.yearly("unemployment"), _countries(run)),
                          "difference", lambda run: "percentage points",
                          ("unemployment", "employment")),
    "china_share": Panel("China's share of US imports", lambda run: "% of USA imports by value",
                         _china_share, "difference", lambda run: "percentage points",
                         ("trade_value",)),
    "us_china": Panel("US–China bilateral flows, all sectors", _per_step("trade_value"),
                      _us_china_flows, "percent", lambda run: "% change", ("trade_value",)),
    "groups": Panel("Cross-border trade that stays within a country group",
                    lambda run: "% of world cross-border trade", _group_shares, "difference",
                    lambda run: "percentage points", ("trade_value",)),
    "cpi": Panel("Consumer price index by country",
                 lambda run: "index, 1 at step-0 prices", lambda run: (run.yearly("cpi"),
                                                                       _countries(run)),
                 "percent", lambda run: "% change", ("cpi", "consumption"),
                 "regions weighted by household spending"),
    "price": Panel("Mean producer price by sector", lambda run: f"{run.units('price')}",
                   lambda run: (run.yearly("price"), run.labels.sector), "percent",
                   lambda run: "% change", ("price",), "unweighted mean over regions"),
    "exchange_rate": Panel("Exchange rates", lambda run: "US$ per unit of the currency",
                           lambda run: (run.yearly("exchange_rate"), _countries(run)), "percent",
                           lambda run: "% change", ("exchange_rate",),
                           "1 at the start; the reference currency stays 1"),
    "tariff": Panel("Effective tariff rate on imports, by importer",
                    lambda run: "% of cross-border import value", _effective_tariff,
                    "difference", lambda run: "percentage points", ("trade_duty", "trade_value"),
                    "duty collected / value imported"),
    "duty": Panel("Import duty collected", _per_step("trade_duty"), _duty_collected,
                  "difference", lambda run: f"{run.units('trade_duty')} per step (yearly mean)",
                  ("trade_duty",), "main importers and the world"),
    "foreign_content": Panel("Foreign value added in gross exports, by country",
                             lambda run: "% of gross exports (yearly)",
                             lambda run: _value_chains(run, "fva_share"), "difference",
                             lambda run: "percentage points",
                             ("input_use", "region_trade_value_final"),
                             "from the run's own input-output tables (docs/metrics.md)"),
    "blocs": Panel("Value-added exports bought within the bloc",
                   lambda run: "% of the members' value-added exports (yearly)",
                   lambda run: _value_chains(run, "blocs"), "difference",
                   lambda run: "percentage points", ("input_use", "region_trade_value_final"),
                   "the scenario's blocs, of the members the world has"),
    "moved_out": Panel("Firms moving their production abroad, by country they leave",
                       lambda run: "firms a year", lambda run: _moved(run, True), "difference",
                       lambda run: "firms a year", ("relocations",),
                       "moves between regions of one country left out (docs/model.md §4.14)",
                       _any_moves),
    "moved_in": Panel("Firms moving their production in from abroad, by country they enter",
                      lambda run: "firms a year", lambda run: _moved(run, False), "difference",
                      lambda run: "firms a year", ("relocations",),
                      "moves between regions of one country left out (docs/model.md §4.14)",
                      _any_moves),
}

# Figures: file name -> panels; the dashboard takes one panel of each main figure.
FIGURES = {
    "gdp": ("gdp",),
    "unemployment": ("unemployment",),
    "trade": ("china_share", "us_china", "groups"),
    "prices": ("cpi", "price", "exchange_rate"),
    "tariffs": ("tariff", "duty"),
    "value_chains": ("foreign_content", "blocs"),
    "relocation": ("moved_out", "moved_in"),
}
DASHBOARD = ("gdp", "unemployment", "china_share", "us_china", "cpi", "tariff",
             "foreign_content")


def _colours(names: list[str], country: list[str]):
    """A country keeps its colour in every panel; other lines take the colours after."""
    import matplotlib.pyplot as plt
    palette = list(plt.get_cmap("tab10").colors) + list(plt.get_cmap("Dark2").colors)
    if len(country) + len(names) > len(palette):
        palette += list(plt.get_cmap("tab20").colors) * (len(country) // 20 + 2)
    others = iter(range(len(country), len(palette)))
    return [palette[country.index(n)] if n in country else palette[next(others)]
            for n in names]


def draw(ax, panel: Panel, run: Run, baseline: Run | None, legend: bool = True) -> None:
    values, names = panel.values(run)
    years = run.years
    if baseline is not None:
        base, base_names = panel.values(baseline)
        n = min(values.shape[0], base.shape[0])
        years, values, base = years[:n], values[:n], base[:n]
        if panel.effect == "percent":
            values = 100 * (_ratio(values, base) - 1)
        else:
            values = values - base
        ylabel = panel.effect_units(run)
        ax.axhline(0, color="0.4", linewidth=0.8)
    else:
        ylabel = panel.ylabel(run)
    title = panel.title + (": scenario − baseline" if baseline is not None else "")
    ax.set_title(title + (f"\n({panel.note})" if panel.note else ""), fontsize=10)
    ax.set_xlabel(f"year ({run.labels.steps_per_year} steps a year)")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    if not names:
        ax.text(0.5, 0.5, "not in this world", ha="center", va="center",
                transform=ax.transAxes, color="0.4")
        return
    marker = "o" if len(years) < 12 else None
    for column, (name, colour) in enumerate(zip(names, _colours(names, run.labels.country))):
        ax.plot(years, values[:, column], label=name, color=colour, marker=marker,
                markersize=3, linewidth=1.4)
    ax.set_xticks(years if len(years) <= 12 else ax.get_xticks())
    if legend:
        ax.legend(fontsize=7, ncol=2 if len(names) > 6 else 1, loc="best", framealpha=0.7)


def heading(run: Run, baseline: Run | None) -> str:
    if baseline is None:
        return f"{run.describe()} — {os.path.basename(run.path)}, yearly means"
    return (f"Effect of {run.describe()} against {baseline.describe()} — one pair of runs "
            f"({os.path.basename(run.path)} − {os.path.basename(baseline.path)}), "
            "yearly means, no interval")


def render(run: Run, baseline: Run | None, out: str) -> list[str]:
    """Writes every figure the files allow, and the dashboard; returns the paths written."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def usable(name: str) -> bool:
        panel = PANELS[name]
        if not (run.has(*panel.needs) and (baseline is None or baseline.has(*panel.needs))):
            return False
        # Drawn where it shows something: firms moved in the run or its baseline.
        return panel.shown(run) or (baseline is not None and panel.shown(baseline))

    os.makedirs(out, exist_ok=True)
    written = []
    for figure, names in FIGURES.items():
        names = [n for n in names if usable(n)]
        if not names:
            continue
        fig, axes = plt.subplots(1, len(names), figsize=(7 * len(names), 5), squeeze=False)
        for ax, name in zip(axes[0], names):
            draw(ax, PANELS[name], run, baseline)
        fig.suptitle(heading(run, baseline), fontsize=10)
        fig.tight_layout()
        path = os.path.join(out, f"{figure}.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    names = [n for n in DASHBOARD if usable(n)]
    columns = 3
    rows = (len(names) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(6.5 * columns, 4.8 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        draw(ax, PANELS[name], run, baseline)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.suptitle(heading(run, baseline), fontsize=11)
    fig.tight_layout()
    path = os.path.join(out, "dashboard.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    written.append(path)
    return written


def default_out(result: str) -> str:
    folder, name = os.path.split(os.path.abspath(result))
    return os.path.join(folder, f"{os.path.splitext(name)[0]}-plots")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="plot", description="PNG figures of an Entrepot result file; with a baseline, "
        "the effects of the scenario (one pair of runs). See docs/plots.md.")
    parser.add_argument("result", help="result file (HDF5) of the run, or of the scenario")
    parser.add_argument("baseline", nargs="?", help="result file of the baseline run")
    parser.add_argument("--out", help="folder for the PNG files (default: <result>-plots/ "
                        "next to the result file)")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="also plot a run that was interrupted or failed")
    args = parser.parse_args(argv)
    runs = []
    try:
        runs.append(open_run(args.result, args.allow_incomplete))
        if args.baseline:
            runs.append(open_run(args.baseline, args.allow_incomplete))
            check_same_world(runs[0], runs[1])
        out = args.out or default_out(args.result)
        written = render(runs[0], runs[1] if len(runs) > 1 else None, out)
    except PlotError as error:
        print(f"plot: {error}", file=sys.stderr)
        return 2
    finally:
        for run in runs:
            run.file.close()
    print(f"{len(written)} figures in {out}: "
          + " ".join(os.path.basename(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
