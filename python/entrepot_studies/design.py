"""Expanding a plan into its runs: the design's points times the seeds, in a fixed order.

Runs are numbered 0, 1, ... point by point, and within a point seed by seed, so run
`point * len(seeds) + k` is point `point` with the k-th seed. The same plan always gives the
same runs (the samplers take `sample_seed`).
"""
from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .plan import Plan


@dataclass(frozen=True)
class Run:
    index: int
    point: int                 # the design point (row of the sample matrix)
    values: tuple[Any, ...]    # one per parameter, in plan order
    texts: tuple[str, ...]     # the same as `--set` text
    seed: int

    def overrides(self, plan: Plan) -> list[str]:
        """The `--set path=value` texts of this run: the fixed ones, then the parameters."""
        sets = [f"{path}={text}" for path, text in plan.fixed]
        sets += [f"{p.path}={text}" for p, text in zip(plan.parameters, self.texts)]
        return sets


def _text(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(value))


def _problem(plan: Plan) -> dict:
    return {"num_vars": len(plan.parameters),
            "names": [p.name for p in plan.parameters],
            "bounds": [[p.low, p.high] for p in plan.parameters]}


def sample_matrix(plan: Plan) -> np.ndarray:
    """The lhs, sobol or morris design's points, unrounded, (points, parameters)."""
    return sample(plan.design, _problem(plan), plan.samples, plan.second_order, plan.levels,
                  plan.sample_seed)


def sample(design: str, problem: dict, samples: int, second_order: bool, levels: int,
           seed: int) -> np.ndarray:
    """SALib's sample of a design: the same arguments always give the same points (the
    summary redoes a morris sample to find the trajectories' steps)."""
    from SALib.sample import latin, morris
    from SALib.sample import sobol as saltelli

    if design == "lhs":
        return latin.sample(problem, samples, seed=seed)
    if design == "morris":
        return morris.sample(problem, samples, num_levels=levels, seed=seed)
    return saltelli.sample(problem, samples, calc_second_order=second_order, seed=seed)


def points(plan: Plan) -> list[tuple[tuple[Any, ...], tuple[str, ...]]]:
    """The design's points: (values, --set texts), one entry per parameter."""
    if plan.design == "grid":
        axes = []
        for p in plan.parameters:
            if p.values is not None:
                axes.append(list(zip(p.values, p.texts)))
            else:
                grid = np.linspace(p.low, p.high, p.points)
                vals = [int(round(v)) for v in grid] if p.integer else [float(v) for v in grid]
                axes.append([(v, _text(v)) for v in vals])
        return [(tuple(v for v, _ in combo), tuple(t for _, t in combo))
                for combo in itertools.product(*axes)]
    result = []
    for row in sample_matrix(plan):
        vals = tuple(int(round(x)) if p.integer else float(x)
                     for p, x in zip(plan.parameters, row))
        result.append((vals, tuple(_text(v) for v in vals)))
    return result


def expand(plan: Plan) -> list[Run]:
    runs = []
    for number, (values, texts) in enumerate(points(plan)):
        for seed in plan.seeds:
            runs.append(Run(len(runs), number, values, texts, seed))
    return runs


def runs_csv(plan: Plan, runs: list[Run]) -> str:
    """The runs as CSV: run, point, one column per parameter (its name), seed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "point", *[p.name for p in plan.parameters], "seed"])
    for run in runs:
        writer.writerow([run.index, run.point, *run.texts, run.seed])
    return out.getvalue()


def run_name(run: int, count: int) -> str:
    """The file name stem of a run: its index, zero-padded to the same width for all."""
    return f"run{run:0{max(4, len(str(count - 1)))}d}"


def parse_ids(text: str, count: int) -> list[int]:
    """`3,5-7` -> [3, 5, 6, 7]; raises ValueError with what is allowed."""
    ids: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
            else:
                lo = hi = int(part)
        except ValueError:
            raise ValueError(f"--only {text}: '{part}' is not a run number; allowed: numbers "
                             f"and ranges such as 3,5-7") from None
        if lo > hi or lo < 0 or hi >= count:
            raise ValueError(f"--only {text}: '{part}' is outside the runs; allowed: 0 to "
                             f"{count - 1}")
        ids.update(range(lo, hi + 1))
    return sorted(ids)


def format_ids(ids: list[int]) -> str:
    """[3, 5, 6, 7] -> `3,5-7` (the form --only takes)."""
    parts, start = [], None
    for i, n in enumerate(ids):
        if start is None:
            start = n
        if i + 1 == len(ids) or ids[i + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}-{n}")
            start = None
    return ",".join(parts)
