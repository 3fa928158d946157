"""Inter-country input-output tables from a result file, and the value-chain measures of
docs/metrics.md computed from them.

A year's table sums the year's steps of `/series/input_use` (firms' inputs, origin region ×
sector to destination region × buying sector) and `/series/region_trade_value_final` (final
use: households' purchases from producers and retailers' purchases), in US$, between the
model's regions, which the measures sum into countries. Gross output is each row's sales,
value added the balancing column (output less the inputs bought), the Leontief inverse
L = (I - A)^-1 with A = Z diag(x)^-1. scripts/io-tables writes the same tables for pymrio
(io_tables.py).

    scripts/value-chains RESULT.h5 [--years N] [--markdown|--csv] [--out FILE]

prints, per country, the mean over the last N years (default 2) of: the foreign value added
share of gross exports (backward participation in global value chains), domestic value
added in foreign final demand as a share of GDP, and forward participation; per bloc of two
or more of the scenario's countries, the share of its members' value-added exports bought
within it; value added per head of China's and the United States' coastal regions (flagged
`port`) over their inland ones, summed over those years; and the Theil index of value added
per head over regions.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

import numpy as np

from .fit import config_sections, write_table
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
    """One year's table between places (countries, or the model's regions): n = places ×
    sectors rows, place-major."""
    places: list[str]
    sectors: list[str]
    Z: np.ndarray  # (n, n) intermediate use: row (place, sector) sold to column's buyers
    Y: np.ndarray  # (n, places) final use, by the place that uses it
    year: int = 0  # the run's year (1: its first steps_per_year steps); 0 for a made-up table

    @property
    def output(self) -> np.ndarray:
        return self.Z.sum(axis=1) + self.Y.sum(axis=1)

    @property
    def value_added(self) -> np.ndarray:
        return self.output - self.Z.sum(axis=0)

    def place_of_row(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.places)), len(self.sectors))


def aggregate(t: IOTable, groups: list[str], member) -> IOTable:
    """The table with its places summed into groups (member[p]: the index into groups of
    place p), as regions into their countries."""
    n, m, ns = len(t.places), len(groups), len(t.sectors)
    P = np.zeros((m, n))
    P[np.asarray(member, dtype=int), np.arange(n)] = 1.0
    Z = np.einsum("gp,psqt,hq->gsht", P, t.Z.reshape(n, ns, n, ns), P, optimize=True)
    Y = np.einsum("gp,psq,hq->gsh", P, t.Y.reshape(n, ns, n), P, optimize=True)
    return IOTable(list(groups), list(t.sectors), Z.reshape(m * ns, m * ns),
                   Y.reshape(m * ns, m), t.year)


@dataclass
class Layout:
    """The places, sectors and whole years of a result file's /series."""
    regions: list[str]
    region_country: list[int]  # index into countries of each region
    countries: list[str]
    sectors: list[str]
    steps_per_year: int
    steps: int
    first_step: int

    @property
    def years(self) -> list[int]:
        """The run's whole years, numbered as the steps count them (year 1: steps 1 to
        steps_per_year)."""
        first = (self.first_step - 1) // self.steps_per_year + 1
        return list(range(first, first + self.steps // self.steps_per_year))

    def rows(self, year: int) -> slice:
        start = (year - self.years[0]) * self.steps_per_year
        return slice(start, start + self.steps_per_year)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def layout(f, path: str) -> Layout:
    """The layout of an open result file; refuses one without /series/input_use."""
    if "series" not in f or "input_use" not in f["series"]:
        raise ValueChainError(f"{path}: the result has no /series/input_use (written from "
                              f"the version that records firms' inputs by sector on)")
    s = f["series"]
    countries = [_text(c) for c in s["country"][:]]
    return Layout(regions=[_text(r) for r in s["region"][:]],
                  region_country=[countries.index(_text(c))
                                  for c in s["region_country_code"][:]],
                  countries=countries, sectors=[_text(c) for c in s["sector"][:]],
                  steps_per_year=int(s["step"].attrs["steps_per_year"]),
                  steps=int(s["step"].shape[0]),
                  first_step=int(s["step"][0]) if s["step"].shape[0] else 1)


LEVELS = ("country", "region")


def tables(path: str, allow_incomplete: bool = False, years: list[int] | None = None,
           level: str = "country") -> list[IOTable]:
    """The run's yearly tables, one per whole year it holds (or per year of `years`), between
    countries (the regions summed into them) or between the model's regions."""
    if level not in LEVELS:
        raise ValueChainError(f"level '{level}'; allowed: {', '.join(LEVELS)}")
    if not os.path.isfile(path):
        raise ValueChainError(f"{path}: no such file (a result file of `entrepot run` is "
                              f"needed)")
    try:
        f = open_result(path, allow_incomplete)
    except IncompleteResult as error:
        raise ValueChainError(str(error))
    except OSError as error:
        raise ValueChainError(f"{path}: not readable as an HDF5 result file ({error})")
    with f:
        lay = layout(f, path)
        if not lay.years:
            raise ValueChainError(f"{path}: the run has {lay.steps} steps, less than a year "
                                  f"of {lay.steps_per_year}")
        wanted = lay.years if years is None else list(years)
        missing = [y for y in wanted if y not in lay.years]
        if missing:
            raise ValueChainError(
                f"{path}: no whole year {', '.join(map(str, missing))} in the run; allowed: "
                f"{lay.years[0]} to {lay.years[-1]} (its {lay.steps} steps of "
                f"{lay.steps_per_year} a year)")
        s = f["series"]
        nr, ns = len(lay.regions), len(lay.sectors)
        out = []
        for year in wanted:
            rows = lay.rows(year)
            use = scaled(s, "input_use", rows).sum(axis=0)                   # o, s, d, b
            final = scaled(s, "region_trade_value_final", rows).sum(axis=0)  # o, d, s
            t = IOTable(list(lay.regions), list(lay.sectors), use.reshape(nr * ns, nr * ns),
                        final.transpose(0, 2, 1).reshape(nr * ns, nr), year)
            out.append(t if level == "region" else
                       aggregate(t, lay.countries, lay.region_country))
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
    home = t.place_of_row()
    absorbed = (v[:, None] * leontief(t)) @ t.Y  # row j's value added in each country's use
    nc = len(t.places)
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


@dataclass
class Regions:
    """The model's regions as the run's scenario sets them, and their yearly value added."""
    names: list[str]
    country: list[str]        # each region's country code
    population: np.ndarray    # millions, from the scenario; 0 where it gives none
    flags: list[set[str]]     # the scenario's `flags` of each region
    income: np.ndarray        # (whole years × regions): value added, US$

    def of(self, country: str) -> list[int]:
        return [i for i, c in enumerate(self.country) if c == country]


def region_settings(path: str) -> dict[str, dict]:
    """Each region's settings in the run's scenario, from the scenario text in the file: a
    key from the first section that gives it (the scenario, then its bases), then the run's
    `--set regions.NAME.KEY=VALUE` overrides (the root attribute `overrides`) in order."""
    import h5py
    import yaml
    with h5py.File(path, "r") as f:
        text = _text(f.attrs.get("config", b""))
        overrides = _text(f.attrs.get("overrides", b""))
    settings: dict[str, dict] = {}
    for section in config_sections(text):
        for r in section.get("regions") or []:
            if isinstance(r, dict) and "name" in r:
                mine = settings.setdefault(r["name"], {})
                for key, value in r.items():
                    mine.setdefault(key, value)
    for line in overrides.splitlines():
        key, _, value = line.partition("=")
        parts = key.strip().split(".")
        if len(parts) == 3 and parts[0] == "regions":
            settings.setdefault(parts[1], {})[parts[2]] = yaml.safe_load(value)
    return settings


def regions(path: str) -> Regions:
    """Each region's country, population and flags, and each whole year's value added."""
    import h5py
    with h5py.File(path, "r") as f:
        s = f["series"]
        per_year = int(s["step"].attrs["steps_per_year"])
        years = s["step"].shape[0] // per_year
        added = scaled(s, "value_added", slice(0, years * per_year))
        names = [_text(r) for r in s["region"][:]]
        country = [_text(c) for c in s["region_country_code"][:]]
    settings = region_settings(path)
    given = [settings.get(r, {}) for r in names]
    return Regions(names, country,
                   np.array([float(g.get("population") or 0.0) for g in given]),
                   [set(g.get("flags") or []) for g in given],
                   added.reshape(years, per_year, len(names)).sum(axis=1))


# The countries whose coast/inland ratio value-chains always reports (others where the
# scenario splits them into coastal and inland regions).
COAST_INLAND = ("CHN", "USA")


@dataclass
class CoastInland:
    country: str
    coast: list[str]     # the country's regions flagged `port`
    inland: list[str]    # its regions without a port
    ratio: float | None  # value added per head, coast over inland; None where not defined
    why: str = ""        # why it is not defined


def coast_inland(r: Regions, country: str, years: int) -> CoastInland:
    """Value added per head of the country's coastal regions (those the scenario flags
    `port`) over that of its inland regions, from the sums over the last `years` whole
    years; not defined where the country is one region, or has no region of one side."""
    mine = r.of(country)
    coast = [r.names[i] for i in mine if "port" in r.flags[i]]
    inland = [r.names[i] for i in mine if "port" not in r.flags[i]]
    out = CoastInland(country, coast, inland, None)
    if not mine:
        out.why = f"not defined: the scenario has no country {country}"
    elif len(mine) == 1:
        out.why = f"not defined: {country} is one region ({r.names[mine[0]]})"
    elif not coast or not inland:
        out.why = (f"not defined: every region of {country} is flagged port" if coast else
                   f"not defined: no region of {country} is flagged port")
    elif (r.population[mine] <= 0).any():
        out.why = (f"not defined: the scenario gives no population for "
                   f"{', '.join(r.names[i] for i in mine if r.population[i] <= 0)}")
    else:
        income = r.income[-years:].sum(axis=0)
        side = lambda names: [r.names.index(n) for n in names]
        per_head = [income[side(s)].sum() / r.population[side(s)].sum() for s in (coast, inland)]
        out.ratio = float(per_head[0] / per_head[1]) if per_head[1] > 0 else float("nan")
    return out


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
    home = t.place_of_row()
    nc = len(t.places)
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
    names = {"fva_share": "foreign value added / gross exports (backward participation)",
             "dva_ffd": "domestic value added in foreign final demand / GDP",
             "forward": "value added in other countries' exports / gross exports "
                        "(forward participation)"}
    countries = years[0].places
    head = ["country"] + list(names.values())
    rows = [[country] + [f"{100 * np.mean([m[k][c] for m in found]):.1f}%" for k in names]
            for c, country in enumerate(countries)]
    bloc_head = ["bloc", "members", "value-added exports bought within the bloc"]
    bloc_rows = [[b.name, " ".join(countries[c] for c in b.members),
                  f"{100 * np.mean([regionalization(t, b) for t in years[-args.years:]]):.1f}%"]
                 for b in blocs(args.result, countries) if len(b.members) > 1]
    places = regions(args.result)
    inequality = np.mean([theil(y, places.population) for y in places.income[-args.years:]])
    split = list(COAST_INLAND) + [c for c in countries if c not in COAST_INLAND
                                  and len(places.of(c)) > 1]
    coast_head = ["country", "coastal regions (flagged port)", "inland regions",
                  "value added per head, coast / inland"]
    coast_rows = [[c.country, " ".join(c.coast) or "-", " ".join(c.inland) or "-",
                   f"{c.ratio:.3f}" if c.ratio is not None else c.why]
                  for c in (coast_inland(places, country, args.years) for country in split)]
    if args.csv:
        text = "\n".join(",".join(f'"{v}"' if "," in v else v for v in r)
                          for r in [head] + rows + [bloc_head] + bloc_rows
                          + [coast_head] + coast_rows) + "\n"
    else:
        style = "markdown" if args.markdown else "text"
        text = "\n".join(_lay_out(head, rows, style)) + "\n\n"
        if bloc_rows:
            text += "\n".join(_lay_out(bloc_head, bloc_rows, style)) + "\n\n"
        text += "\n".join(_lay_out(coast_head, coast_rows, style)) + "\n\n"
    text += (f"Theil index of value added per head over regions: {inequality:.4f}\n"
             if places.population.sum() > 0 else "")
    return write_table("value-chains", text, args.out, "value-chain measures")


if __name__ == "__main__":
    sys.exit(main())
