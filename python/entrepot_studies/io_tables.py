"""A result file's yearly input-output tables, written in pymrio's text format.

The tables are value_chains.py's (`tables`): for each whole year, firms' inputs
(`/series/input_use`) and final use (`/series/region_trade_value_final`) summed over the
year's steps, between the model's regions or between countries (the regions summed into
them), with gross output each row's sales and value added the balancing entry.

    scripts/io-tables RESULT.h5 OUTDIR [--year Y ...] [--level region|country] [--overwrite]

writes, for each chosen year (default: every whole year the run holds), a folder
OUTDIR/year_Y that `pymrio.load_all` reads as an IOSystem (docs/metrics.md):

    file_parameters.json, metadata.json  what pymrio.load needs, and where the table is from
    Z.txt   intermediate use (region, sector) × (region, sector)
    Y.txt   final use (region, sector) × (region, category "households")
    x.txt   gross output, column "indout"
    unit.txt, population.txt             the unit of each row; the people of each region
    factor_inputs/  the extension "Factor Inputs": F.txt (the row "value added", the
                    balancing entry) and its unit.txt

All money is US$ per year of the model's economy (level "region" or "country" names the
places; pymrio calls either a region). Population is persons, from the scenario.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys

import numpy as np
import pandas as pd

from .value_chains import IOTable, LEVELS, ValueChainError, regions, tables

UNIT = "US$ per year"
FINAL = "households"  # Y's category: households' purchases, and retailers' for households
FACTOR_INPUTS = "factor_inputs"
VALUE_ADDED = "value added"
FLOAT = "%.12g"  # pymrio's own float format for text files
PLURAL = {"region": "regions", "country": "countries"}


def frames(t: IOTable) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """pymrio's data frames of one table: the system's (Z, Y, x, unit) and the factor
    inputs' (F, unit)."""
    rows = pd.MultiIndex.from_product([t.places, t.sectors], names=["region", "sector"])
    categories = pd.MultiIndex.from_product([t.places, [FINAL]], names=["region", "category"])
    system = {"Z": pd.DataFrame(t.Z, index=rows, columns=rows),
              "Y": pd.DataFrame(t.Y, index=rows, columns=categories),
              "x": pd.DataFrame({"indout": t.output}, index=rows),
              "unit": pd.DataFrame({"unit": [UNIT] * len(rows)}, index=rows)}
    inputs = pd.Index([VALUE_ADDED], name="inputtype")
    factor = {"F": pd.DataFrame(t.value_added[None, :], index=inputs, columns=rows),
              "unit": pd.DataFrame({"unit": [UNIT]}, index=inputs)}
    return system, factor


def populations(path: str, places: list[str], level: str) -> pd.DataFrame | None:
    """pymrio's population row (persons per place), from the scenario's `population` of each
    region (millions); None where the scenario gives none for a region."""
    r = regions(path)
    if (r.population <= 0).any():
        return None
    owner = r.names if level == "region" else r.country
    persons = [1e6 * sum(p for p, o in zip(r.population, owner) if o == place)
               for place in places]
    return pd.DataFrame([persons], index=["Population"], columns=places)


def _write(folder: str, data: dict[str, pd.DataFrame], para: dict) -> None:
    """The frames as tab-separated text, and the file parameters pymrio.load reads: each
    file's name and how many index columns and header rows it has."""
    os.makedirs(folder)
    para["files"] = {}
    for name, df in data.items():
        df.to_csv(os.path.join(folder, name + ".txt"), sep="\t", float_format=FLOAT)
        para["files"][name] = {
            "name": name + ".txt",
            "nr_index_col": str(df.index.nlevels),
            "nr_header": str(df.columns.nlevels)}
    with open(os.path.join(folder, "file_parameters.json"), "w", encoding="utf-8") as f:
        json.dump(para, f, indent=4)


def describe(path: str) -> dict[str, str]:
    """The scenario, seed and program version of a result file, from its root attributes."""
    import h5py
    with h5py.File(path, "r") as f:
        attrs = {k: f.attrs.get(k, "") for k in ("scenario", "seed", "entrepot_version",
                                                   "git_commit")}
    return {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in attrs.items()}


def write_year(t: IOTable, folder: str, path: str, level: str,
               population: pd.DataFrame | None, about: dict[str, str]) -> None:
    """One year's table as a pymrio IOSystem in `folder` (which must not exist)."""
    system, factor = frames(t)
    if population is not None:
        system["population"] = population
    _write(folder, system, {"systemtype": "IOSystem"})
    _write(os.path.join(folder, FACTOR_INPUTS), factor,
           {"systemtype": "Extension", "name": "Factor Inputs"})
    run = f"{about['scenario']} (seed {about['seed']})" if about["scenario"] else "a run"
    meta = {
        "description": (
            f"Entrepot {run}, year {t.year} of the run: the inter-"
            f"{'regional' if level == 'region' else 'country'} input-output table between "
            f"{len(t.places)} {PLURAL[level]} and {len(t.sectors)} sectors, in {UNIT} of the "
            f"model's economy. Z: firms' inputs (/series/input_use); Y: final use "
            f"(/series/region_trade_value_final, by the {level} whose households or retailers "
            f"bought); x: each row's sales; factor_inputs: value added, the balancing entry "
            f"x less the inputs bought. Population: persons, from the scenario."),
        "name": f"entrepot-{about['scenario'] or 'run'}-year{t.year}-{level}",
        "system": "ixi",
        "version": about["entrepot_version"] or "unknown",
        "unit": UNIT,
        "history": [f"{datetime.datetime.now():%Y%m%d %H:%M:%S} - FILEIO -  Written by "
                    f"scripts/io-tables from {os.path.abspath(path)} (Entrepot "
                    f"{about['entrepot_version']}, commit {about['git_commit'] or 'unknown'})"]}
    with open(os.path.join(folder, "metadata.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=4)


def folder_of(outdir: str, year: int) -> str:
    return os.path.join(outdir, f"year_{year}")


def export(path: str, outdir: str, years: list[int] | None = None, level: str = "region",
           overwrite: bool = False, allow_incomplete: bool = False) -> list[IOTable]:
    """Writes OUTDIR/year_Y for each of `years` (default every whole year) and returns the
    tables written. Everything is checked before the first file is written: a refusal
    (ValueChainError) writes nothing."""
    twice = sorted({y for y in years or [] if years.count(y) > 1})
    if twice:
        raise ValueChainError(f"--year {', '.join(map(str, twice))} given twice; allowed: "
                              f"each year once")
    found = tables(path, allow_incomplete, years, level)
    if os.path.exists(outdir) and not os.path.isdir(outdir):
        raise ValueChainError(f"{outdir}: not a folder; allowed: a folder, or a path that "
                              f"does not exist yet")
    taken = [folder_of(outdir, t.year) for t in found]
    taken = [folder for folder in taken if os.path.exists(folder)]
    if taken and not overwrite:
        raise ValueChainError(f"{', '.join(taken)}: already there; allowed: years not yet "
                              f"in {outdir}, or --overwrite to replace them (nothing was "
                              f"written)")
    population = populations(path, found[0].places, level)
    about = describe(path)
    os.makedirs(outdir, exist_ok=True)
    for t in found:
        final = folder_of(outdir, t.year)
        partial = os.path.join(outdir, f".year_{t.year}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        try:
            write_year(t, partial, path, level, population, about)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        if os.path.exists(final):
            shutil.rmtree(final)
        os.replace(partial, final)
    return found


def summary(t: IOTable, folder: str, level: str) -> str:
    """One line of what was written: the table's size and totals."""
    x, va = t.output, t.value_added
    inputs = t.Z.sum()
    home = t.place_of_row()
    abroad = (t.Z[home[:, None] != home[None, :]].sum()
              + t.Y[home[:, None] != np.arange(len(t.places))[None, :]].sum())
    return (f"year {t.year}: {folder} ({len(t.places)} {PLURAL[level]} × {len(t.sectors)} "
            f"sectors): gross output {x.sum():,.0f} {UNIT}, value added {va.sum():,.0f}, "
            f"intermediate use {inputs:,.0f} ({100 * inputs / x.sum():.1f}% of output), "
            f"sales to other {PLURAL[level]} {abroad:,.0f} ({100 * abroad / x.sum():.1f}%)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/io-tables", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("result")
    parser.add_argument("outdir")
    parser.add_argument("--year", type=int, action="append", dest="years", metavar="Y",
                        help="a whole year of the run (1: its first steps_per_year steps); "
                             "repeat for several; default: every whole year")
    parser.add_argument("--level", choices=LEVELS, default="region",
                        help="the places of the table: the model's regions (default) or "
                             "countries")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace year folders already in OUTDIR")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="read a run that was interrupted or failed (its whole years)")
    args = parser.parse_args(argv)
    try:
        written = export(args.result, args.outdir, args.years, args.level, args.overwrite,
                         args.allow_incomplete)
    except (ValueChainError, OSError, KeyError) as error:
        print(f"io-tables: {error}", file=sys.stderr)
        return 2
    for t in written:
        print(summary(t, folder_of(args.outdir, t.year), args.level))
    return 0


if __name__ == "__main__":
    sys.exit(main())
