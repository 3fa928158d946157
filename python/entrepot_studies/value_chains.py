"""Inter-country input-output tables from a result file, and the value-chain measures of
docs/metrics.md computed from them.

A year's table sums the year's steps of `/series/input_use` (firms' inputs, origin region ×
sector to destination region × buying sector) and `/series/region_trade_value_final` (final
use: households' purchases from producers and retailers' purchases), in US$. Regions are
summed into countries. Gross output is each row's sales, value added the balancing column
(output less the inputs bought), the Leontief inverse L = (I - A)^-1 with A = Z diag(x)^-1.

    scripts/value-chains RESULT.h5 [--years N] [--markdown|--csv] [--out FILE]

prints, per country, the mean over the last N years (default 2) of: the foreign value added
share of gross exports, domestic value added in foreign final demand as a share of GDP, and
forward participation in global value chains; per bloc of two or more of the scenario's
countries, the share of its members' value-added exports bought within it; and the Theil
index of value added per head over regions.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np

from .fit import config_sections, region_populations, write_table
from .gravity import _lay_out
from .outputs import IncompleteResult, open_result, scaled


class ValueChainError(Exception):
    """Input the measures cannot use: the message names the file and the reason."""


@dataclass
class Bloc:
    name: str
    members: list[int]  # indices into the table's countries


@dataclass
class IOTable:
    """One year's inter-country table: n = countries × sectors rows, country-major."""
    countries: list[str]
    sectors: list[str]
    Z: np.ndarray  # (n, n) intermediate use: row (country, sector) sold to column's buyers
    Y: np.ndarray  # (n, countries) final use, by the country that uses it

    @property
    def output(self) -> np.ndarray:
        return self.Z.sum(axis=1) + self.Y.sum(axis=1)

    @property
    def value_added(self) -> np.ndarray:
        return self.output - self.Z.sum(axis=0)

    def country_of_row(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.countries)), len(self.sectors))


def tables(path: str, allow_incomplete: bool = False) -> list[IOTable]:
    """The run's yearly tables, one per whole year it holds."""
    try:
        f = open_result(path, allow_incomplete)
    except IncompleteResult as error:
        raise ValueChainError(str(error))
    with f:
        if "series" not in f or "input_use" not in f["series"]:
            raise ValueChainError(f"{path}: the result has no /series/input_use (written from "
                                  f"the version that records firms' inputs by sector on)")
        s = f["series"]
        per_year = int(s["step"].attrs["steps_per_year"])
        steps = s["step"].shape[0]
        text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
        countries = [text(c) for c in s["country"][:]]
        sectors = [text(c) for c in s["sector"][:]]
        region_country = [countries.index(text(c)) for c in s["region_country_code"][:]]
        nc, ns = len(countries), len(sectors)
        out = []
        for year in range(steps // per_year):
            rows = slice(year * per_year, (year + 1) * per_year)
            use = scaled(s, "input_use", rows).sum(axis=0)        # o, s, d, b
            final = scaled(s, "region_trade_value_final", rows).sum(axis=0)  # o, d, s
            Z = np.zeros((nc, ns, nc, ns))
            Y = np.zeros((nc, ns, nc))
            for o, co in enumerate(region_country):
                for d, cd in enumerate(region_country):
                    Z[co, :, cd, :] += use[o, :, d, :]
                    Y[co, :, cd] += final[o, d, :]
            out.append(IOTable(countries, sectors, Z.reshape(nc * ns, nc * ns),
                               Y.reshape(nc * ns, nc)))
        if not out:
            raise ValueChainError(f"{path}: the run has {steps} steps, less than a year of "
                                  f"{per_year}")
        return out


def blocs(path: str, countries: list[str]) -> list[Bloc]:
    """The scenario's blocs and their member countries, from the scenario text in the file
    (a country's `blocs` from the first section that lists the country)."""
    import h5py
    with h5py.File(path, "r") as f:
        text = f.attrs.get("config", b"")
    text = text.decode() if isinstance(text, bytes) else str(text)
    member: dict[str, list[str]] = {}
    for section in config_sections(text):
        for country in section.get("countries") or []:
            if isinstance(country, dict) and "code" in country:
                member.setdefault(country["code"], list(country.get("blocs") or []))
    names = sorted({b for listed in member.values() for b in listed})
    return [Bloc(b, [countries.index(c) for c, listed in member.items()
                     if b in listed and c in countries]) for b in names]


def value_added_trade(t: IOTable) -> np.ndarray:
    """(countries × countries): the value added of the row country that final users of the
    column country buy, through any chain (Johnson & Noguera 2012)."""
    x = t.output
    v = np.divide(t.value_added, x, out=np.zeros_like(x), where=x > 0)
    home = t.country_of_row()
    absorbed = (v[:, None] * leontief(t)) @ t.Y  # row j's value added in each country's use
    nc = len(t.countries)
    out = np.zeros((nc, nc))
    np.add.at(out, home, absorbed)
    return out


def regionalization(t: IOTable, bloc: Bloc) -> float:
    """The share of the bloc's members' value-added exports that final users in other
    members buy (the regionalization index of docs/metrics.md)."""
    trade = value_added_trade(t)
    np.fill_diagonal(trade, 0.0)
    members = np.array(bloc.members, dtype=int)
    exports = trade[members, :].sum()
    return trade[np.ix_(members, members)].sum() / exports if exports > 0 else float("nan")


def theil(income: np.ndarray, population: np.ndarray) -> float:
    """Theil's T index of income per head over regions, each weighted by its population:
    sum of s_r ln(s_r / p_r), with s and p the income and population shares (0: equal)."""
    keep = (income > 0) & (population > 0)
    s = income[keep] / income[keep].sum()
    p = population[keep] / population[keep].sum()
    return float(np.sum(s * np.log(s / p)))


def regional_income(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Each whole year's value added per region (years × regions, US$) and each region's
    population from the scenario text (0 where it gives none)."""
    import h5py
    with h5py.File(path, "r") as f:
        s = f["series"]
        per_year = int(s["step"].attrs["steps_per_year"])
        years = s["step"].shape[0] // per_year
        added = scaled(s, "value_added", slice(0, years * per_year))
        regions = [r.decode() if isinstance(r, bytes) else str(r) for r in s["region"][:]]
        text = f.attrs.get("config", b"")
    text = text.decode() if isinstance(text, bytes) else str(text)
    population = region_populations(config_sections(text))
    income = added.reshape(years, per_year, len(regions)).sum(axis=1)
    return income, np.array([population.get(r, 0.0) for r in regions])


def leontief(t: IOTable) -> np.ndarray:
    x = t.output
    A = np.divide(t.Z, x[None, :], out=np.zeros_like(t.Z), where=x[None, :] > 0)
    return np.linalg.inv(np.eye(len(x)) - A)


def measures(t: IOTable) -> dict[str, np.ndarray]:
    """Per country (Koopman, Wang & Wei 2014; OECD TiVA):
    fva_share  foreign value added in gross exports over gross exports (backward
               participation);
    dva_ffd    domestic value added in foreign final demand over the country's value added;
    forward    the country's value added in other countries' gross exports over its own
               gross exports (forward participation)."""
    x, va = t.output, t.value_added
    v = np.divide(va, x, out=np.zeros_like(x), where=x > 0)
    L = leontief(t)
    home = t.country_of_row()
    nc = len(t.countries)
    # Each row's gross exports: sales to other countries' firms (Z's columns are laid out as
    # its rows) and final users.
    abroad_inputs = np.array([t.Z[i, home != home[i]].sum() for i in range(len(x))])
    abroad_final = np.array([t.Y[i, np.arange(nc) != home[i]].sum() for i in range(len(x))])
    exports = abroad_inputs + abroad_final
    content = v[:, None] * L * exports[None, :]  # value added of row j in exports of column i
    out = {k: np.zeros(nc) for k in ("fva_share", "dva_ffd", "forward")}
    for c in range(nc):
        mine = home == c
        gross = exports[mine].sum()
        foreign_in_mine = content[np.ix_(~mine, mine)].sum()
        mine_in_foreign = content[np.ix_(mine, ~mine)].sum()
        # The country's value added in what other countries' final users buy, from any row.
        absorbed = v[mine] @ L[mine, :] @ t.Y[:, np.arange(nc) != c].sum(axis=1)
        gdp = va[mine].sum()
        out["fva_share"][c] = foreign_in_mine / gross if gross > 0 else np.nan
        out["forward"][c] = mine_in_foreign / gross if gross > 0 else np.nan
        out["dva_ffd"][c] = absorbed / gdp if gdp > 0 else np.nan
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/value-chains", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("result")
    parser.add_argument("--years", type=int, default=2)
    style = parser.add_mutually_exclusive_group()
    style.add_argument("--markdown", action="store_true")
    style.add_argument("--csv", action="store_true")
    parser.add_argument("--out")
    parser.add_argument("--allow-incomplete", action="store_true")
    args = parser.parse_args(argv)
    try:
        years = tables(args.result, args.allow_incomplete)
        if args.years < 1 or args.years > len(years):
            raise ValueChainError(f"{args.result}: --years {args.years}; allowed: 1 to "
                                  f"{len(years)}, the whole years the run holds")
        found = [measures(t) for t in years[-args.years:]]
    except (ValueChainError, OSError, KeyError) as error:
        print(f"value-chains: {error}", file=sys.stderr)
        return 2
    names = {"fva_share": "foreign value added / gross exports",
             "dva_ffd": "domestic value added in foreign final demand / GDP",
             "forward": "value added in other countries' exports / gross exports"}
    countries = years[0].countries
    head = ["country"] + list(names.values())
    rows = [[country] + [f"{100 * np.mean([m[k][c] for m in found]):.1f}%" for k in names]
            for c, country in enumerate(countries)]
    bloc_head = ["bloc", "members", "value-added exports bought within the bloc"]
    bloc_rows = [[b.name, " ".join(countries[c] for c in b.members),
                  f"{100 * np.mean([regionalization(t, b) for t in years[-args.years:]]):.1f}%"]
                 for b in blocs(args.result, countries) if len(b.members) > 1]
    income, population = regional_income(args.result)
    inequality = np.mean([theil(y, population) for y in income[-args.years:]])
    if args.csv:
        text = "\n".join(",".join(f'"{v}"' if "," in v else v for v in r)
                          for r in [head] + rows + [bloc_head] + bloc_rows) + "\n"
    else:
        style = "markdown" if args.markdown else "text"
        text = "\n".join(_lay_out(head, rows, style)) + "\n\n"
        if bloc_rows:
            text += "\n".join(_lay_out(bloc_head, bloc_rows, style)) + "\n\n"
    text += (f"Theil index of value added per head over regions: {inequality:.4f}\n"
             if population.sum() > 0 else "")
    return write_table("value-chains", text, args.out, "value-chain measures")


if __name__ == "__main__":
    sys.exit(main())
