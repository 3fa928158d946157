"""Whether a shock-free run stays near its steady state (docs/studies.md, "Is the baseline
stationary?"): yearly means of world real output, world unemployment, the consumer price
index and each holder's share of money, compared between an early year (default 2) and the
last (levels by their relative change, rates and shares by their change in points); each
country's consumer prices and exchange rate, and each region's traders' real sales, by their
relative change within a wider tolerance (a country's drift the world means hide); every country's yearly unemployment
rate within a band; and no region × sector that stops producing.

    python -m entrepot_studies.stationarity RESULT.h5 [--from-year 2] [--tolerance 0.02]
        [--points 0.02] [--country-tolerance 0.10] [--unemployment 0.02,0.15] [--json FILE]

Exit 0 when every check holds, 1 when one fails, 2 on bad input.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass

import h5py
import numpy as np

from .outputs import (IncompleteResult, by_country, in_local_currency, read_labels,
                      require_complete, scaled)


class StationarityError(Exception):
    """A result file the checks cannot read."""


@dataclass
class Check:
    name: str
    early: float | None     # the early year's value (None for band checks)
    late: float | None      # the last year's value
    measure: float          # relative change, or the worst value for a band
    limit: str
    passed: bool
    note: str = ""


def _yearly(values: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Means over the rows of each year (axis 0)."""
    return np.stack([values[years == y].mean(axis=0) for y in np.unique(years)])


def _relative(name: str, series: np.ndarray, first: int, tolerance: float, unit: str = "") -> Check:
    early, late = float(series[first]), float(series[-1])
    change = abs(late - early) / abs(early) if early != 0 else float("inf")
    return Check(name, early, late, change, f"|change| < {tolerance:.0%}{unit}", change < tolerance)


def _points(name: str, series: np.ndarray, first: int, points: float) -> Check:
    """A rate or a share moves by at most `points` (0.02: two percentage points)."""
    early, late = float(series[first]), float(series[-1])
    change = abs(late - early)
    return Check(name, early, late, change, f"|change| < {points * 100:g} points",
                 change < points)


def _longest_idle(yearly: np.ndarray) -> int:
    """The longest run of consecutive years without output."""
    longest = run = 0
    for made in yearly:
        run = run + 1 if made <= 0 else 0
        longest = max(longest, run)
    return longest


def check(path: str, from_year: int = 2, tolerance: float = 0.02,
          band: tuple[float, float] = (0.02, 0.15),
          points: float = 0.02, allow_incomplete: bool = False,
          idle_years: int = 0, min_households: int = 0,
          country_tolerance: float = 0.10) -> tuple[list[Check], dict]:
    try:
        handle = h5py.File(path, "r")
    except OSError as err:
        raise StationarityError(f"{path}: cannot open as HDF5 ({err})") from err
    with handle as f:
        if "series" not in f:
            raise StationarityError(f"{path}: no /series group; is it an entrepot result file?")
        try:
            require_complete(f, path, allow_incomplete)
        except IncompleteResult as err:
            raise StationarityError(str(err)) from err
        s = f["series"]
        for name in ("value_added", "consumption", "cpi", "unemployment", "employment", "money"):
            if name not in s:
                raise StationarityError(f"{path}: /series/{name} is missing")
        labels = read_labels(s)
        years = labels.years
        complete = [y for y in np.unique(years)
                    if np.count_nonzero(years == y) == labels.steps_per_year]
        if len(complete) < 2 or from_year not in complete or from_year >= complete[-1]:
            raise StationarityError(
                f"{path}: holds complete years {complete[:1]}..{complete[-1:]}; the check "
                f"compares year {from_year} with a later complete year")
        keep = np.isin(years, complete)
        rows = slice(None)
        years = years[keep]
        # Real output at the starting exchange rates: each region's value added in its own
        # currency, deflated by its own CPI.
        value_added = in_local_currency(s, labels, scaled(s, "value_added", rows), rows)[keep]
        spending = in_local_currency(s, labels, scaled(s, "consumption", rows), rows)[keep]
        cpi = s["cpi"][:][keep]
        rate = s["exchange_rate"][:][keep] if "exchange_rate" in s else None
        traded = (in_local_currency(s, labels, scaled(s, "trader_sales", rows), rows)[keep]
                  if "trader_sales" in s else None)
        unemployed = scaled(s, "unemployment", rows)[keep]
        employed = scaled(s, "employment", rows)[keep]
        money = s["money"][:][keep].astype(np.float64)
        holders = list(s["holder"].asstr()[:])
        output = scaled(s, "output", rows)[keep] if "output" in s else None
        # Blocks without firms (a resource the country lacks) are not expected to produce;
        # every block with firms has at least one exporter.
        has_firms = (s["exporters"][:][keep].max(axis=0) > 0) if "exporters" in s else None

    first = complete.index(from_year)
    # World CPI: the regions' indices weighted by their households' spending.
    world_cpi = (cpi * spending).sum(axis=1) / np.maximum(spending.sum(axis=1), 1e-300)
    real_output = value_added.sum(axis=1) / world_cpi
    labour = unemployed + employed
    world_u = unemployed.sum(axis=1) / np.maximum(labour.sum(axis=1), 1)
    shares = money / money.sum(axis=1, keepdims=True)

    checks = [
        _relative("world real output (value added / CPI)", _yearly(real_output, years), first,
                  tolerance),
        _points("world unemployment rate", _yearly(world_u, years), first, points),
        _relative("world CPI", _yearly(world_cpi, years), first, tolerance),
    ]
    yearly_shares = _yearly(shares, years)
    for h, holder in enumerate(holders):
        early, late = yearly_shares[first, h], yearly_shares[-1, h]
        checks.append(_points(f"money share of {holder}", yearly_shares[:, h], first, points))

    # Each country's CPI (its regions' weighted by their households' spending) and its
    # exchange rate: a currency that slides year after year, or prices that keep rising in
    # one country, is a drift the world means above average away.
    country_cpi = by_country(cpi * spending, labels) / np.maximum(by_country(spending, labels),
                                                                  1e-300)
    yearly_cpi = _yearly(country_cpi, years)
    yearly_rate = _yearly(rate, years) if rate is not None else None
    for c, code in enumerate(labels.country):
        checks.append(_relative(f"CPI of {code}", yearly_cpi[:, c], first, country_tolerance))
        if yearly_rate is not None:
            checks.append(_relative(f"exchange rate of {code}", yearly_rate[:, c], first,
                                    country_tolerance))

    # The traders of each region that has any (a hub's entrepôt trade, China's wholesalers):
    # their sales in the region's currency, deflated by its CPI, may not shrink or grow away.
    if traded is not None:
        real_trade = _yearly(traded / cpi, years)
        for r, region in enumerate(labels.region):
            if real_trade[first:, r].min() > 0 or real_trade[first, r] > 0:
                checks.append(_relative(f"traders' real sales in {region}", real_trade[:, r],
                                        first, country_tolerance))

    country_labour = by_country(labour, labels)
    country_u = by_country(unemployed, labels) / np.maximum(country_labour, 1)
    yearly_u = _yearly(country_u, years)[first:]
    low, high = band
    for c, code in enumerate(labels.country):
        # A country of a few dozen households (a small world's city state) swings by whole
        # points with one household: below `min_households` its band is not checked.
        if country_labour[0, c] < min_households:
            continue
        worst_low, worst_high = float(yearly_u[:, c].min()), float(yearly_u[:, c].max())
        ok = low <= worst_low and worst_high <= high
        worst = worst_high if worst_high > high or ok else worst_low
        checks.append(Check(f"unemployment of {code}, yearly", None, None, worst,
                            f"in [{low:.0%}, {high:.0%}] from year {from_year}", ok,
                            f"lowest {worst_low:.1%}, highest {worst_high:.1%}"))

    if output is None:
        checks.append(Check("every region × sector produces", None, None, float("nan"),
                            "output > 0 every year", False,
                            "not measured: the result has no /series/output"))
    else:
        yearly_output = _yearly(output, years)[first:]
        idle = [(labels.region[r], labels.sector[k])
                for r in range(yearly_output.shape[1]) for k in range(yearly_output.shape[2])
                if (has_firms is None or has_firms[r, k])
                and _longest_idle(yearly_output[:, r, k]) > idle_years]
        limit = ("output > 0 every year" if idle_years == 0 else
                 f"no more than {idle_years} year{'s' if idle_years > 1 else ''} in a row "
                 "without output")
        checks.append(Check("every region × sector produces", None, None, float(len(idle)),
                            limit, not idle, ", ".join(f"{r}/{k}" for r, k in idle[:8])))
    context = {"file": path, "from_year": from_year, "to_year": int(complete[-1]),
               "steps_per_year": labels.steps_per_year}
    return checks, context


def render(checks: list[Check], context: dict) -> str:
    lines = [f"{context['file']}: year {context['from_year']} against year {context['to_year']}",
             f"{'check':44s} {'early':>10s} {'late':>10s} {'measure':>9s}  limit  result"]
    for c in checks:
        early = f"{c.early:10.4g}" if c.early is not None else " " * 10
        late = f"{c.late:10.4g}" if c.late is not None else " " * 10
        lines.append(f"{c.name:44s} {early} {late} {c.measure:9.3g}  {c.limit}  "
                     f"{'ok' if c.passed else 'FAILED'}{'  (' + c.note + ')' if c.note else ''}")
    failed = sum(not c.passed for c in checks)
    lines.append(f"{len(checks) - failed} of {len(checks)} checks hold")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stationarity", description=__doc__.split("\n\n")[0])
    parser.add_argument("result")
    parser.add_argument("--from-year", type=int, default=2)
    parser.add_argument("--tolerance", type=float, default=0.02,
                        help="largest relative change of a yearly mean (default 0.02)")
    parser.add_argument("--points", type=float, default=0.02,
                        help="largest change of a rate or share (unemployment, money shares) "
                             "in its own units (default 0.02: two percentage points)")
    parser.add_argument("--country-tolerance", type=float, default=0.10,
                        help="largest relative change of a country's yearly CPI and exchange "
                             "rate (default 0.10)")
    parser.add_argument("--unemployment", default="0.02,0.15",
                        help="band for every country's yearly unemployment rate")
    parser.add_argument("--idle-years", type=int, default=0,
                        help="years in a row a region × sector may go without output, selling "
                             "from stock (default 0; a small world's single-firm blocks may)")
    parser.add_argument("--min-households", type=int, default=0,
                        help="countries with fewer households are left out of the band check "
                             "(default 0: every country)")
    parser.add_argument("--json", help="also write the checks to this file")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="also check a run that was interrupted or failed")
    args = parser.parse_args(argv)
    try:
        low, high = (float(x) for x in args.unemployment.split(","))
    except ValueError:
        print(f"stationarity: --unemployment {args.unemployment!r}: expected LOW,HIGH, "
              "e.g. 0.02,0.15", file=sys.stderr)
        return 2
    try:
        checks, context = check(args.result, args.from_year, args.tolerance, (low, high),
                                args.points, args.allow_incomplete, args.idle_years,
                                args.min_households, args.country_tolerance)
    except StationarityError as err:
        print(f"stationarity: {err}", file=sys.stderr)
        return 2
    print(render(checks, context))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({**context, "checks": [asdict(c) for c in checks]}, out, indent=1)
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
