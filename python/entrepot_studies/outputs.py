"""What a sweep's summary holds of each run: yearly means of `/series` variables
(docs/output.md), reduced to countries where the model records regions (the built-in
outputs), or summed over the dimensions a plan names (series outputs).

Each output reads one run file's `/series` a year at a time (a year's rows, never the whole
run's trade matrices) and gives an array over (year, ...) plus one headline number, the
last year's value for the whole world, which the sensitivity indices are computed of.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import re

import h5py
import numpy as np


class IncompleteResult(ValueError):
    """A result file that does not hold a whole run: interrupted, failed, or cut short."""


def completeness(f: h5py.File) -> tuple[str, str, int | None]:
    """(status, reason, last step) of an open result file: status is `completed`,
    `interrupted`, `failed`, or `unfinished` for a file with no end record (a killed run,
    or one still going)."""
    def text(value):
        return value.decode() if isinstance(value, bytes) else str(value)
    status = text(f.attrs["status"]) if "status" in f.attrs else "unfinished"
    reason = text(f.attrs["status_reason"]) if "status_reason" in f.attrs else ""
    step = int(f.attrs["status_step"]) if "status_step" in f.attrs else None
    if step is None and "series" in f and "step" in f["series"] and len(f["series/step"]):
        step = int(f["series/step"][-1])
    return status, reason, step


def require_complete(f: h5py.File, path: str, allow_incomplete: bool = False) -> None:
    """Raises IncompleteResult unless the file holds a completed run (or allow_incomplete)."""
    if allow_incomplete:
        return
    status, reason, step = completeness(f)
    if status == "completed":
        return
    at = f" after step {step}" if step is not None else ""
    why = f": {reason}" if reason else ""
    raise IncompleteResult(f"{path}: the run is {status}{at}{why}; it holds part of a run "
                           f"(pass allow_incomplete=True, or --allow-incomplete, to read it "
                           f"anyway)")


def open_result(path: str, allow_incomplete: bool = False) -> h5py.File:
    """Opens a result file for reading; refuses one that does not hold a whole run."""
    f = h5py.File(path, "r")
    try:
        require_complete(f, path, allow_incomplete)
    except IncompleteResult:
        f.close()
        raise
    return f


@dataclass
class Labels:
    """The coordinates of one run file's /series."""
    steps: np.ndarray              # the model step of each row
    steps_per_year: int
    country: list[str]             # country codes (the `exporter` coordinate's order)
    region: list[str]
    sector: list[str]
    region_country: np.ndarray     # index into `country` of each region

    @property
    def years(self) -> np.ndarray:
        """Year number (1, 2, ...) of each row: steps 1..steps_per_year are year 1."""
        return (self.steps - 1) // self.steps_per_year + 1


def read_labels(series: h5py.Group) -> Labels:
    country = list(series["exporter"].asstr()[:])
    codes = list(series["region_country_code"].asstr()[:])
    return Labels(steps=series["step"][:].astype(np.int64),
                  steps_per_year=int(series["step"].attrs["steps_per_year"]),
                  country=country,
                  region=list(series["region"].asstr()[:]),
                  sector=list(series["sector"].asstr()[:]),
                  region_country=np.array([country.index(c) for c in codes], dtype=np.int64))


def scaled(series: h5py.Group, name: str, rows: slice) -> np.ndarray:
    data = series[name]
    values = data[rows].astype(np.float64)
    scale = data.attrs.get("scale")
    return values / float(scale) if scale is not None else values


def by_country(values: np.ndarray, labels: Labels) -> np.ndarray:
    """Sums the region axis (axis 1) into countries."""
    out = np.zeros((values.shape[0], len(labels.country)) + values.shape[2:])
    np.add.at(out, (slice(None), labels.region_country), values)
    return out


def in_local_currency(series: h5py.Group, labels: Labels, values: np.ndarray,
                      rows: slice) -> np.ndarray:
    """Region values in US$ (axis 1 the region) in each region's own currency: divided by its
    country's exchange rate of the step, so that real quantities are at the starting rates."""
    if "exchange_rate" not in series:
        return values
    rate = series["exchange_rate"][rows][:, labels.region_country]
    return values / rate.reshape(rate.shape + (1,) * (values.ndim - 2))


def _exchange_rate(series, labels, rows):
    return scaled(series, "exchange_rate", rows)


def country_gdp(series, labels, rows):
    return by_country(scaled(series, "value_added", rows), labels)


def _consumption(series, labels, rows):
    return by_country(scaled(series, "consumption", rows), labels)


def country_unemployment_rate(series, labels, rows):
    unemployed = by_country(scaled(series, "unemployment", rows), labels)
    labour = unemployed + by_country(scaled(series, "employment", rows), labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(labour > 0, unemployed / labour, np.nan)


def bilateral_trade(series, labels, rows):
    return scaled(series, "trade_value", rows).sum(axis=3)


def _price(series, labels, rows):
    return scaled(series, "price", rows)


def _cpi(series, labels, rows):
    return scaled(series, "cpi", rows)


def _world_unemployment(series, labels, rows):
    unemployed = scaled(series, "unemployment", rows).sum(axis=1)
    labour = unemployed + scaled(series, "employment", rows).sum(axis=1)
    return unemployed / np.maximum(labour, 1)


def _cross_border(series, labels, rows):
    trade = scaled(series, "trade_value", rows).sum(axis=3)
    return trade.sum(axis=(1, 2)) - np.trace(trade, axis1=1, axis2=2)


@dataclass(frozen=True)
class Output:
    long_name: str
    units: str
    dims: tuple[str, ...]                       # after `year`
    rows: Callable                              # (series, labels, rows) -> (steps, *dims)
    headline: Callable                          # (series, labels, rows) -> (steps,)
    headline_name: str


OUTPUTS: dict[str, Output] = {
    "gdp": Output("yearly mean of value added (GDP) per step", "US$ per step",
                  ("country",), country_gdp,
                  lambda s, lab, r: scaled(s, "value_added", r).sum(axis=1),
                  "world GDP per step, mean of the last year"),
    "unemployment_rate": Output("yearly mean of the unemployment rate", "1", ("country",),
                                country_unemployment_rate, _world_unemployment,
                                "world unemployment rate, mean of the last year"),
    "trade": Output("yearly mean of the value shipped per step, all sectors",
                    "US$ per step", ("exporter", "importer"), bilateral_trade, _cross_border,
                    "cross-border trade per step, mean of the last year"),
    "price": Output("yearly mean of the output-weighted mean producer price",
                    "US$ per goods unit", ("region", "sector"), _price,
                    lambda s, lab, r: scaled(s, "price", r).mean(axis=(1, 2)),
                    "mean producer price over regions and sectors, mean of the last year"),
    "cpi": Output("yearly mean of the consumer price index", "1", ("region",), _cpi,
                  lambda s, lab, r: scaled(s, "cpi", r).mean(axis=1),
                  "mean consumer price index over regions, mean of the last year"),
    "consumption": Output("yearly mean of household spending per step, duty included",
                          "US$ per step", ("country",), _consumption,
                          lambda s, lab, r: scaled(s, "consumption", r).sum(axis=1),
                          "world household spending per step, mean of the last year"),
    "exchange_rate": Output("yearly mean of the exchange rate", "US$ per unit of the currency",
                            ("country",), _exchange_rate,
                            lambda s, lab, r: scaled(s, "exchange_rate", r).mean(axis=1),
                            "unweighted mean rate over countries, mean of the last year"),
}

DEFAULT_OUTPUTS = ("gdp", "unemployment_rate", "trade", "price")


def dim_labels(labels: Labels, dim: str) -> list[str]:
    return {"country": labels.country, "exporter": labels.country,
            "importer": labels.country, "region": labels.region,
            "sector": labels.sector}[dim]


def yearly(series: h5py.Group, labels: Labels, name: str) -> tuple[np.ndarray, float]:
    """One output of one run: (year, *dims) yearly means, and the headline number."""
    output = OUTPUTS[name]
    years = labels.years
    result = []
    headline = np.nan
    for year in np.unique(years):
        where = np.flatnonzero(years == year)
        rows = slice(int(where[0]), int(where[-1]) + 1)    # a year's rows are contiguous
        result.append(output.rows(series, labels, rows).mean(axis=0))
        if year == years[-1]:
            headline = float(output.headline(series, labels, rows).mean())
    return np.stack(result), headline


class OutputError(ValueError):
    """A series output that a run file cannot give (no such series or dimension)."""


@dataclass(frozen=True)
class SeriesOutput:
    """An output the plan names: a `/series` variable's yearly means, summed over `sum`."""
    name: str
    series: str
    sum: tuple[str, ...] = ()
    headline: str = "sum"          # the last year's values combined by sum or mean


def _dim_name(scales, series: str, axis: int) -> str:
    return scales[0].name.rsplit("/", 1)[-1] if len(scales) else f"{series}_dim{axis}"


def series_variables(series: h5py.Group) -> list[str]:
    """The variables of /series: its datasets along the `step` dimension."""
    return [k for k, d in series.items() if k != "step" and isinstance(d, h5py.Dataset)
            and d.ndim >= 1 and _dim_name(d.dims[0], k, 0) == "step"]


def series_dims(series: h5py.Group, output: SeriesOutput, where: str) -> tuple[str, ...]:
    """The dimension names of the output's variable (step first); raises OutputError."""
    variables = series_variables(series)
    if output.series not in variables:
        raise OutputError(f"{where}: output '{output.name}': no series '{output.series}' in "
                          f"/series; there are: {', '.join(variables)}")
    data = series[output.series]
    dims = tuple(_dim_name(data.dims[axis], output.series, axis) for axis in range(data.ndim))
    missing = [d for d in output.sum if d not in dims[1:]]
    if missing:
        raise OutputError(f"{where}: output '{output.name}': series '{output.series}' has no "
                          f"dimension {', '.join(repr(d) for d in missing)} to sum over; its "
                          f"dimensions: {', '.join(dims[1:]) or 'step only'}")
    return dims


def series_labels(series: h5py.Group, output: SeriesOutput, dim: str) -> list:
    """The coordinate values of one of the output's dimensions (its dimension scale)."""
    data = series[output.series]
    for axis in range(1, data.ndim):
        scales = data.dims[axis]
        if _dim_name(scales, output.series, axis) == dim:
            if not len(scales):
                return list(range(data.shape[axis]))
            scale = scales[0]
            return list(scale.asstr()[:]) if scale.dtype.kind == "O" else list(scale[:])
    raise KeyError(dim)


def model_units(attrs: h5py.AttributeManager) -> str:
    """A variable's `units` in model units: raw fixed point (it has a `scale`, which readers
    divide out) loses its `1e-6 ` prefix."""
    units = attrs.get("units", "")
    units = units.decode() if isinstance(units, bytes) else str(units)
    if attrs.get("scale") is not None:
        units = re.sub(r"^1e-?\d+\s+", "", units)
    return units


def series_attrs(series: h5py.Group, output: SeriesOutput) -> tuple[dict, str]:
    """(long_name and units of the output, long name of its headline)."""
    attrs = series[output.series].attrs
    text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
    units = model_units(attrs)
    what = text(attrs.get("long_name", output.series))
    summed = f", summed over {', '.join(output.sum)}" if output.sum else ""
    long_name = f"yearly mean of {output.series} ({what}){summed}"
    headline = f"{output.headline} of {output.series} over its other dimensions, mean of " \
               f"the last year"
    return {"long_name": long_name, "units": units}, headline


def yearly_series(series: h5py.Group, labels: Labels, output: SeriesOutput,
                  where: str) -> tuple[np.ndarray, float, tuple[str, ...]]:
    """A series output of one run: (year, *kept dims) yearly means, the headline number and
    the kept dimensions' names. `where` (the run file) goes into the errors."""
    dims = series_dims(series, output, where)
    axes = tuple(dims.index(d) for d in output.sum)
    kept = tuple(d for d in dims[1:] if d not in output.sum)
    years = labels.years
    result = []
    headline = np.nan
    for year in np.unique(years):
        where_rows = np.flatnonzero(years == year)
        rows = slice(int(where_rows[0]), int(where_rows[-1]) + 1)
        values = scaled(series, output.series, rows).sum(axis=axes).mean(axis=0)
        result.append(values)
        if year == years[-1]:
            headline = float(values.sum() if output.headline == "sum" else values.mean())
    return np.stack(result), headline, kept
