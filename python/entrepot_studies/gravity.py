"""Gravity and the trade elasticity, measured from a run's own flows (docs/calibration.md,
"Gravity and the trade elasticity").

    python -m entrepot_studies.gravity distance RESULT.h5 [RESULT.h5 ...] [--years N]
        [--markdown] [--out FILE]
    python -m entrepot_studies.gravity tariff --dir ENSEMBLE [--scenario NAME] [--years N]
    python -m entrepot_studies.gravity tariff --baseline B.h5 [...] --scenario S.h5 [...]

`distance`: the distance elasticity of bilateral trade by PPML with exporter and importer
fixed effects, on the cross-border flows of the last N years, and again with domestic flows
and a border dummy. Country distance is the mean of the model's region distances weighted by
the regions' value added (Head & Mayer's effective distance).

`tariff`: the trade elasticity from a tariff experiment. For each seed pair (baseline and
scenario run with the same seed) a PPML difference-in-differences of the window's flows on
ln(1 + tariff), with exporter × sector × run, importer × sector × run and pair × sector fixed
effects; the tariff of a cell is the duty the model charged on it over the value shipped.
The estimates of the K seed pairs give a mean and a 95% Student-t interval.

Both tables are reports: exit status 0 whether or not the figures are in their target
ranges, 2 on input that cannot be used.
"""
from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass

import numpy as np
import yaml

from .effects import seed_interval
from .fit import FitError, config_sections, sector_kinds, write_table
from .outputs import scaled
from .plot import PlotError, open_run

INTERNAL_KM = 100.0                  # the model's distance inside a region (docs/model.md §2)
DISTANCE_TARGET = (-1.5, -0.5)       # Head & Mayer 2014: about -0.9 to -1.1
ELASTICITY_TARGET = (3.0, 7.0)
TARIFF_CHANGE = 1e-3                 # a tariff change: above the rounding of duties
OBSERVED_VALUE = 1.0                 # currency a step: enough trade to read its tariff


class GravityError(Exception):
    """Input the estimates cannot use: the message names the file and the reason."""


# --- PPML with fixed effects ---------------------------------------------------------------

@dataclass
class PoissonFit:
    coef: np.ndarray         # the slopes of the regressors
    se: np.ndarray           # their heteroskedasticity-robust (HC0) standard errors
    mu: np.ndarray           # fitted means of the observations used
    used: np.ndarray         # mask of the observations used (not in an all-zero group)
    iterations: int


def _demean(values: np.ndarray, weight: np.ndarray, groups: list[np.ndarray],
            sizes: list[int], tol: float = 1e-13) -> np.ndarray:
    """Weighted residuals of each column of `values` on the fixed effects of `groups`: the
    weighted least-squares fit on the sparse dummy matrix by LSQR (Paige & Saunders 1982), a
    Krylov method. Alternating projections, the textbook way, can take tens of thousands of
    sweeps when the design is sparse (a small world's few traded cells)."""
    from scipy.sparse import csr_matrix, hstack
    from scipy.sparse.linalg import lsqr

    out = np.array(values, dtype=np.float64, copy=True)
    if out.ndim == 1:
        out = out[:, None]
    n = len(weight)
    root = np.sqrt(weight)
    rows = np.arange(n)
    # Each dummy's column scaled to unit length (a Jacobi preconditioner): the weights of
    # flows span many orders of magnitude, and unscaled the solve converges slowly.
    dummies = hstack([csr_matrix((root / np.sqrt(np.bincount(g, weights=weight,
                                                               minlength=size))[g],
                                  (rows, g)), shape=(n, size))
                      for g, size in zip(groups, sizes)]).tocsr()
    for c in range(out.shape[1]):
        rhs = root * out[:, c]
        fit = lsqr(dummies, rhs, atol=tol, btol=tol, iter_lim=100 * dummies.shape[1])[0]
        out[:, c] = (rhs - dummies @ fit) / root
    return out if np.ndim(values) > 1 else out[:, 0]


def ppml(y, x, groups, tol: float = 1e-10, max_iter: int = 200) -> PoissonFit:
    """Poisson pseudo-maximum likelihood (Santos Silva & Tenreyro 2006) of flows y on
    regressors x (n, k) with a fixed effect for each label of each grouping in `groups`
    (integer arrays of length n). Iteratively reweighted least squares, the fixed effects
    partialled out of each step (Frisch-Waugh-Lovell), so a few thousand dummies cost
    nothing. Observations in a group whose flows are all zero are left out: that group's
    effect is minus infinity and they carry no information."""
    y = np.asarray(y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64).reshape(len(y), -1)
    if not x.shape[1]:
        raise ValueError("ppml needs at least one regressor")
    used = np.ones(len(y), dtype=bool)
    for g in groups:
        total = np.bincount(g, weights=y)
        used &= total[g] > 0
    y, x = y[used], x[used]
    active = np.abs(x).sum(axis=0) > 0     # a regressor left with no variation: NaN
    full, x = x, x[:, active]
    if not active.any():
        nan = np.full(full.shape[1], np.nan)
        return PoissonFit(nan, nan, y, used, 0)
    codes = []
    for g in groups:
        _, inverse = np.unique(np.asarray(g)[used], return_inverse=True)
        codes.append(inverse)
    sizes = [int(c.max()) + 1 if len(c) else 0 for c in codes]
    scale = y.mean()                       # flows in units of their mean: better conditioned
    y = y / scale
    mu = (y + y.mean()) / 2.0
    eta = np.log(mu)
    coef = np.zeros(x.shape[1])
    deviance = math.inf
    for iteration in range(1, max_iter + 1):
        z = eta + (y - mu) / mu
        zt = _demean(z, mu, codes, sizes)
        xt = _demean(x, mu, codes, sizes)
        coef = np.linalg.solve(xt.T @ (mu[:, None] * xt), xt.T @ (mu * zt))
        eta = z - (zt - xt @ coef)
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = 2.0 * float(np.sum(np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)))
        if abs(new - deviance) <= tol * (1.0 + abs(new)):
            break
        deviance = new
    else:
        raise ValueError(f"PPML did not converge in {max_iter} iterations (a regressor that "
                         f"separates zero flows from the others?)")
    xt = _demean(x, mu, codes, sizes)
    bread = np.linalg.inv(xt.T @ (mu[:, None] * xt))
    meat = xt.T @ (((y - mu) ** 2)[:, None] * xt)
    se = np.sqrt(np.diag(bread @ meat @ bread))
    coefs, ses = np.full(full.shape[1], np.nan), np.full(full.shape[1], np.nan)
    coefs[active], ses[active] = coef, se
    return PoissonFit(coefs, ses, mu * scale, used, iteration)


# --- Reading a run's window ----------------------------------------------------------------

@dataclass
class Flows:
    """The last years of one run: window means per step of its flows, and what goes with
    them."""
    path: str
    describe: str
    steps: tuple[int, int]
    country: list[str]
    sector: list[str]
    goods: np.ndarray        # (sector) mask: every kind but service (None: kinds unknown)
    value: np.ndarray        # (exporter, importer, sector) value shipped, duty excluded
    duty: np.ndarray         # (exporter, importer, sector) duty on it
    distance: np.ndarray     # (exporter, importer) effective distance, km
    # (exporter, importer, sector) the tariff the policy set, with the bloc preferences, over
    # the window (None: the file has no /series/tariff)
    tariff: np.ndarray | None = None


def effective_distance(region_km: np.ndarray, region_country: np.ndarray,
                       weight: np.ndarray, countries: int) -> np.ndarray:
    """Country-pair distance: the mean of the region-pair distances, each region weighted
    by its share of its country's total `weight`; a region's distance to itself (and any
    shorter one) is the model's internal 100 km."""
    km = np.maximum(region_km, INTERNAL_KM)
    share = np.zeros_like(weight, dtype=np.float64)
    for c in range(countries):
        mine = region_country == c
        total = weight[mine].sum()
        share[mine] = weight[mine] / total if total > 0 else 1.0 / mine.sum()
    member = np.zeros((countries, len(weight)))
    member[region_country, np.arange(len(weight))] = share
    return member @ km @ member.T


def goods_mask(f, sectors: list[str]) -> np.ndarray | None:
    """Which sectors are goods, from the scenario text in the file; None where it does not
    say."""
    text = f.attrs.get("config")
    try:
        text = text.decode() if isinstance(text, bytes) else str(text)
        kinds = sector_kinds(config_sections(text), f.filename)
        return np.array([kinds[s] != "service" for s in sectors])
    except (FitError, KeyError, TypeError, AttributeError, yaml.YAMLError):
        return None


def read_flows(path: str, years: int, allow_incomplete: bool = False) -> Flows:
    try:
        run = open_run(path, allow_incomplete)
    except PlotError as error:
        raise GravityError(str(error))
    try:
        labels, series, f = run.labels, run.series, run.file
        steps = labels.steps_per_year * years
        if years < 1 or labels.steps.size < steps:
            raise GravityError(f"{path}: the run has {labels.steps.size} steps, fewer than "
                               f"the {steps} of {years} year(s) of {labels.steps_per_year} "
                               f"steps")
        for name in ("trade_value", "trade_duty", "value_added"):
            if name not in series:
                raise GravityError(f"{path}: /series has no {name}")
        for name in ("distance_km", "country"):
            if "world" not in f or name not in f["world"]:
                raise GravityError(f"{path}: /world has no {name}")
        if list(f["world/country"].asstr()[:]) != labels.country:
            raise GravityError(f"{path}: /world/country and /series/exporter differ")
        rows = slice(labels.steps.size - steps, labels.steps.size)
        weight = scaled(series, "value_added", rows).sum(axis=0)
        distance = effective_distance(f["world/distance_km"][:], labels.region_country,
                                      weight, len(labels.country))
        window = labels.steps[rows]
        tariff = series["tariff"][rows].mean(axis=0) if "tariff" in series else None
        return Flows(path, run.describe(), (int(window[0]), int(window[-1])), labels.country,
                     labels.sector, goods_mask(f, labels.sector), scaled(series, "trade_value", rows).mean(axis=0),
                     scaled(series, "trade_duty", rows).mean(axis=0), distance, tariff)
    finally:
        run.file.close()


# --- (a) The distance elasticity -----------------------------------------------------------

@dataclass
class DistanceFit:
    elasticity: float        # cross-border flows, exporter and importer effects
    se: float
    with_domestic: float     # all flows, the same effects and a border dummy
    border: float            # the border dummy's coefficient
    share: float             # the flows' share of all cross-border trade


def distance_fit(trade: np.ndarray, distance: np.ndarray) -> tuple[float, float, float,
                                                                   float]:
    """PPML of an (exporter, importer) flow matrix on ln distance with exporter and importer
    effects: (elasticity, robust se) on cross-border flows, then (elasticity, border
    coefficient) with domestic flows and a border dummy."""
    n = trade.shape[0]
    exporter, importer = np.indices((n, n))
    cross = exporter != importer
    log_km = np.log(distance)
    fit = ppml(trade[cross], log_km[cross], [exporter[cross], importer[cross]])
    every = ppml(trade.ravel(), np.column_stack([log_km.ravel(), cross.ravel()]),
                 [exporter.ravel(), importer.ravel()])
    return float(fit.coef[0]), float(fit.se[0]), float(every.coef[0]), float(every.coef[1])


def distance_rows(flows: Flows) -> dict[str, DistanceFit]:
    """All sectors together, goods and services, then each sector with flows across
    borders."""
    n = len(flows.country)
    cross = ~np.eye(n, dtype=bool)
    total = flows.value[cross].sum()
    out = {}
    groups = [("all sectors", flows.value.sum(axis=2))]
    if flows.goods is not None:
        groups += [("goods", flows.value[:, :, flows.goods].sum(axis=2)),
                   ("services", flows.value[:, :, ~flows.goods].sum(axis=2))]
    for name, trade in groups + [(s, flows.value[:, :, k]) for k, s in
                                 enumerate(flows.sector)]:
        crossing = trade[cross]
        if (crossing > 0).sum() < 3:
            continue                       # nothing crosses a border: no elasticity
        out[name] = DistanceFit(*distance_fit(trade, flows.distance),
                                float(crossing.sum() / total) if total > 0 else math.nan)
    return out


def distance_table(paths: list[str], years: int, allow_incomplete: bool = False) -> dict:
    """Per flow group: each run's estimates, and their mean with a 95% interval (one run:
    its robust standard error and a normal interval; several: Student's t over runs)."""
    runs = [read_flows(p, years, allow_incomplete) for p in paths]
    fits = [distance_rows(r) for r in runs]
    rows = []
    for name in fits[0]:
        each = [f[name] for f in fits if name in f]
        row = {"flows": name, "k": len(each),
               "share": float(np.mean([e.share for e in each])),
               "with_domestic": float(np.mean([e.with_domestic for e in each])),
               "border": float(np.mean([e.border for e in each]))}
        if len(each) == 1:
            e = each[0]
            row.update(elasticity=e.elasticity, se=e.se, low=e.elasticity - 1.96 * e.se,
                       high=e.elasticity + 1.96 * e.se)
        else:
            stats = seed_interval([e.elasticity for e in each])
            row.update(elasticity=stats["mean"], se=stats["se"], low=stats["low"],
                       high=stats["high"])
        rows.append(row)
    first = runs[0]
    what = (f"{first.describe if len(runs) == 1 else f'{len(runs)} runs'}: mean flows of "
            f"steps {first.steps[0]}–{first.steps[1]} (the last {years} year(s))")
    return {"what": what, "rows": rows, "runs": len(runs)}


# --- (b) The trade elasticity from a tariff experiment -------------------------------------

def tariff_in_force(runs: list[Flows]) -> np.ndarray:
    """(exporter, importer, sector) tariff of one config over the window: the duty the model
    charged over the value shipped, pooled over the config's runs (policy is the same in
    every seed); NaN where they shipped less than OBSERVED_VALUE a step (each payment's duty
    is truncated to a micro-unit, which moves the ratio of a few micro-units' trade)."""
    value = sum(r.value for r in runs)
    duty = sum(r.duty for r in runs)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(value >= OBSERVED_VALUE, duty / value, np.nan)


def tariff_fit(base: np.ndarray, scenario: np.ndarray, tariff_base: np.ndarray,
               tariff_scenario: np.ndarray, treated: list[np.ndarray]) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    """PPML difference-in-differences of the flows of one seed pair (each (exporter,
    importer, sector), baseline and scenario) on the change of ln(1 + tariff), one slope for
    each mask of `treated` cells, with exporter × sector × run, importer × sector × run and
    pair × sector effects: the untaxed flows of the same exporters, importers and sectors are
    the comparison. Returns minus the slopes (the elasticities) and their robust standard
    errors."""
    n, _, sectors = base.shape
    e, i, s = (a.ravel() for a in np.indices(base.shape))
    change = (np.log1p(tariff_scenario) - np.log1p(tariff_base)).ravel()
    y = np.concatenate([base.ravel(), scenario.ravel()])
    x = np.zeros((2 * base.size, len(treated)))
    for c, cells in enumerate(treated):
        x[base.size:, c] = np.where(cells.ravel(), change, 0.0)
    run = np.repeat([0, 1], base.size)
    exporter = np.tile(e * sectors + s, 2) + run * n * sectors
    importer = np.tile(i * sectors + s, 2) + run * n * sectors
    pair = np.tile(np.arange(base.size), 2)
    fit = ppml(y, x, [exporter, importer, pair])
    return -fit.coef, fit.se


def pair_runs(directory: str, scenario: str | None) -> tuple[str, list[tuple[str, str]]]:
    """The (baseline, scenario) result files of an ensemble folder's finished seed pairs."""
    from .effects import _pairs
    from .ensemble import EnsembleError, load_state

    try:
        state = load_state(directory)
    except EnsembleError as error:
        raise GravityError(str(error))
    names = [s["name"] for s in state["scenarios"]]
    if scenario is None:
        if len(names) != 1:
            raise GravityError(f"{directory} holds {len(names)} scenarios; name one with "
                               f"--scenario: {', '.join(names)}")
        scenario = names[0]
    if scenario not in names:
        raise GravityError(f"--scenario {scenario}: not in {directory}; allowed: "
                           f"{', '.join(names)}")
    done, missing = _pairs(state, directory, scenario)
    if missing:
        print(f"gravity: seeds {', '.join(map(str, missing))} left out: their baseline or "
              f"scenario run is not finished", file=sys.stderr)
    return scenario, [(b, s) for _, b, s in done]


def elasticity_table(pairs: list[tuple[str, str]], years: int,
                     allow_incomplete: bool = False) -> dict:
    """The trade elasticity of each seed pair, for all taxed cells and by taxing importer,
    from flows with duty (what buyers spend) and without (value shipped); the mean over
    pairs with a 95% Student-t interval."""
    if not pairs:
        raise GravityError("no seed pair: give baseline and scenario result files")
    base = [read_flows(b, years, allow_incomplete) for b, _ in pairs]
    scen = [read_flows(s, years, allow_incomplete) for _, s in pairs]
    for run in base[1:] + scen:
        if (run.country, run.sector) != (base[0].country, base[0].sector):
            raise GravityError(f"{run.path}: not the world of {base[0].path}")
        if run.steps != base[0].steps:
            raise GravityError(f"{run.path}: its window (steps {run.steps[0]}–"
                               f"{run.steps[1]}) is not that of {base[0].path}")
    # A cell's tariff is observed in a config whose runs shipped enough in it. A cell
    # observed in one config only (e.g. trade that a tariff ended) has no observed change:
    # it is left out (and counted), neither treated nor a comparison.
    t_base, t_scen = tariff_in_force(base), tariff_in_force(scen)
    lost = np.isnan(t_base) != np.isnan(t_scen)
    t_base = np.where(np.isnan(t_base), 0.0, t_base)
    t_scen = np.where(np.isnan(t_scen), t_base, t_scen)
    shipped = sum(b.value for b in base) + sum(s.value for s in scen)
    # The cells the experiment taxes: where the policy's rates differ, when the files say;
    # else where the duty charged does. The duty charged also moves where rules of origin
    # grant a preference to a different share of the goods, or goods leave a bonded zone:
    # those cells are no tariff experiment.
    if all(r.tariff is not None for r in base + scen):
        set_base, set_scen = (np.mean([r.tariff for r in runs], axis=0) for runs in (base, scen))
        taxed = ~lost & (np.abs(set_scen - set_base) > TARIFF_CHANGE)
    else:
        taxed = ~lost & (np.abs(t_scen - t_base) > TARIFF_CHANGE)
    if not taxed.any():
        raise GravityError(f"{scen[0].path}: no cell's tariff differs from the baseline's "
                           f"over the window: no tariff experiment to measure")
    importers = sorted({int(i) for i in np.nonzero(taxed)[1]})
    splits = [(["all taxed cells"], [taxed])]
    if len(importers) > 1:
        column = np.arange(len(base[0].country))[None, :, None]
        splits.append(([f"taxed by {base[0].country[i]}" for i in importers],
                       [taxed & (column == i) for i in importers]))
    est: dict[str, dict[str, list[float]]] = {}
    for b, s in zip(base, scen):
        for kind, xb, xs in (("spending", b.value + b.duty, s.value + s.duty),
                             ("value", b.value, s.value)):
            for names, masks in splits:
                eps, _ = tariff_fit(np.where(lost, 0, xb), np.where(lost, 0, xs), t_base,
                                    t_scen, masks)
                for name, value in zip(names, eps):   # NaN: a pair without these flows
                    found = est.setdefault(name, {"spending": [], "value": []})[kind]
                    found += [float(value)] if math.isfinite(value) else []
    rows = []
    for names, masks in splits:
        for name, cells in zip(names, masks):
            change = np.log1p(t_scen[cells]) - np.log1p(t_base[cells])
            weight = shipped[cells]
            rows.append({"flows": name, "cells": int(cells.sum()),
                         "tariff_change": float(np.average(change, weights=weight))
                         if weight.sum() > 0 else float(change.mean()),
                         "spending": seed_interval(est[name]["spending"]),
                         "value": seed_interval(est[name]["value"])})
    cross = ~np.eye(len(base[0].country), dtype=bool)[:, :, None]
    lost_share = float(shipped[lost].sum() / (shipped * cross).sum())
    what = (f"{scen[0].describe.split(',')[0]} against {base[0].describe.split(',')[0]}, "
            f"{len(pairs)} seed pair(s), mean flows of steps {base[0].steps[0]}–"
            f"{base[0].steps[1]} (the last {years} year(s))")
    return {"what": what, "rows": rows, "lost": int(lost.sum()), "lost_share": lost_share,
            "pairs": len(pairs)}


# --- The tables ----------------------------------------------------------------------------

def _num(x: float, digits: int = 2) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def _interval(row: dict) -> str:
    return f"[{_num(row['low'])}, {_num(row['high'])}]"


def _verdict(value: float, target: tuple[float, float]) -> str:
    if not math.isfinite(value):
        return "not measured"
    where = "inside" if target[0] <= value <= target[1] else "outside"
    return f"{_num(value)}, {where} the target range [{target[0]:g}, {target[1]:g}]"


def _lay_out(head: list[str], body: list[list[str]], style: str) -> list[str]:
    if style == "markdown":
        return ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)] + \
            ["| " + " | ".join(r) + " |" for r in body]
    width = [max(len(r[c]) for r in [head] + body) for c in range(len(head))]

    def line(row: list[str]) -> str:
        return "  ".join(v.ljust(w) if c == 0 else v.rjust(w)
                         for c, (v, w) in enumerate(zip(row, width))).rstrip()
    return [line(head), "  ".join("-" * w for w in width)] + [line(r) for r in body]


def render_distance(table: dict, style: str) -> str:
    several = table["runs"] > 1
    head = ["flows", "share of cross-border trade", "distance elasticity",
            "se (over runs)" if several else "robust se", "95% interval",
            "with domestic flows", "border"]
    body = [[r["flows"], f"{100 * r['share']:.1f}%", _num(r["elasticity"]), _num(r["se"]),
             _interval(r), _num(r["with_domestic"]), _num(r["border"])]
            for r in table["rows"]]
    lines = [f"Distance elasticity of trade — {table['what']}", ""]
    lines += _lay_out(head, body, style)
    headline = next((r["elasticity"] for r in table["rows"] if r["flows"] == "all sectors"),
                    math.nan)
    lines += ["", f"All sectors, cross-border flows: {_verdict(headline, DISTANCE_TARGET)} "
                  f"(Head & Mayer 2014: about -0.9 to -1.1).",
              "PPML with exporter and importer effects on cross-border flows; 'with domestic "
              "flows' adds each country's trade with itself and a border dummy ('border': its "
              "coefficient). Distance: mean of region distances weighted by value added, "
              f"{INTERNAL_KM:g} km inside a region."]
    return "\n".join(lines) + "\n"


def render_elasticity(table: dict, style: str) -> str:
    head = ["flows", "cells", "Δ ln(1+t)", "K", "elasticity (with duty)", "95% interval",
            "elasticity (without duty)", "95% interval"]
    body = [[r["flows"], str(r["cells"]), _num(r["tariff_change"], 3), str(r["spending"]["k"]),
             _num(r["spending"]["mean"]), _interval(r["spending"]), _num(r["value"]["mean"]),
             _interval(r["value"])] for r in table["rows"]]
    lines = [f"Trade elasticity from the tariffs — {table['what']}", ""]
    lines += _lay_out(head, body, style)
    headline = table["rows"][0]["spending"]["mean"]
    lines += ["", f"All taxed cells, flows with duty: {_verdict(headline, ELASTICITY_TARGET)}.",
              "Per seed pair: PPML of the window's flows, baseline and scenario, on ln(1 + "
              "tariff) with exporter × sector × run, importer × sector × run and pair × "
              "sector effects; elasticity = minus the slope. Interval: Student's t over the "
              "seed pairs. 'with duty': what buyers spend (trade_value + trade_duty), whose "
              "slope is -ε under CES demand; 'without duty': value shipped, -(ε + 1)."]
    if table["lost"]:
        lines.append(f"{table['lost']} cell(s) whose tariff only one config's flows show "
                     f"left out (no observed tariff change): {100 * table['lost_share']:.3f}% of "
                     f"cross-border trade.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gravity", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    distance = commands.add_parser("distance", help="distance elasticity by PPML")
    distance.add_argument("results", nargs="+", help="result files (HDF5)")
    tariff = commands.add_parser("tariff", help="trade elasticity from a tariff experiment")
    tariff.add_argument("--dir", help="an ensemble folder (scripts/ensemble)")
    tariff.add_argument("--baseline", nargs="+", default=[], help="baseline result files")
    tariff.add_argument("--scenario", nargs="+", default=[],
                        help="scenario result files, in the baselines' seed order (with "
                             "--dir: the scenario's name)")
    for sub in (distance, tariff):
        sub.add_argument("--years", type=int, default=2,
                         help="years at the end of the runs to average over (default 2)")
        sub.add_argument("--markdown", action="store_true", help="a Markdown table")
        sub.add_argument("--out", help="write the table to this file")
        sub.add_argument("--allow-incomplete", action="store_true",
                         help="also read runs that were interrupted or failed")
    args = parser.parse_args(argv)
    style = "markdown" if args.markdown else "text"
    try:
        if args.command == "distance":
            text = render_distance(distance_table(args.results, args.years,
                                                  args.allow_incomplete), style)
        else:
            if args.dir:
                if args.baseline or len(args.scenario) > 1:
                    raise GravityError("--dir takes at most one --scenario name and no "
                                       "--baseline")
                _, pairs = pair_runs(args.dir, args.scenario[0] if args.scenario else None)
            else:
                if not args.baseline or len(args.baseline) != len(args.scenario):
                    raise GravityError(f"{len(args.baseline)} baseline and "
                                       f"{len(args.scenario)} scenario files: allowed: "
                                       f"--dir, or as many of each, paired by seed")
                pairs = list(zip(args.baseline, args.scenario))
            text = render_elasticity(elasticity_table(pairs, args.years,
                                                      args.allow_incomplete), style)
    except (GravityError, ValueError) as error:
        print(f"gravity: {error}", file=sys.stderr)
        return 2
    return write_table("gravity", text, args.out, "table")

if __name__ == "__main__":
    sys.exit(main())
