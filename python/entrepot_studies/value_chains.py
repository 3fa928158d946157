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
backward and forward participation in global value chains.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np

from .fit import write_table
from .gravity import _lay_out
from .outputs import IncompleteResult, open_result, scaled


class ValueChainError(Exception):
    """Input the measures cannot use: the message names the file and the reason."""


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
    # Each row's gross exports: sales to other countries' firms and final users.
    buyer = home  # columns of Z are laid out like its rows
    abroad_inputs = np.array([t.Z[i, buyer != home[i]].sum() for i in range(len(x))])
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
    head = ["country"] + list(names.values())
    rows = [[country] + [f"{100 * np.mean([m[k][c] for m in found]):.1f}%" for k in names]
            for c, country in enumerate(years[0].countries)]
    if args.csv:
        text = "\n".join(",".join(f'"{v}"' if "," in v else v for v in r)
                          for r in [head] + rows) + "\n"
    else:
        text = "\n".join(_lay_out(head, rows, "markdown" if args.markdown else "text")) + "\n"
    return write_table("value-chains", text, args.out, "value-chain measures")


if __name__ == "__main__":
    sys.exit(main())
