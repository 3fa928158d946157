"""Does the economy survive every behaviour parameter at each end of its plausible range?
(docs/studies.md, "Behaviour at the ends of its ranges")

    python -m entrepot_studies.robustness [--scenario configs/baseline.yaml] [--set K=V ...]
        [--jobs 2] [--dir results/robustness] [--years 2] [--only KEY,...] [--json FILE]

The parameters and their ranges are read from the program (`entrepot validate --behaviour`),
so a new parameter is tested as soon as the program knows it. The baseline runs once, each end
once, all on a small world; an end *collapses* when world unemployment over the last years
reaches `--max-unemployment` (30%), when real output (value added over the spending-weighted
CPI) falls to `--min-output` (half) of the baseline's, or when the run's health checks stop it
(exit status 3). Exit status 0 when no end collapses, 1 when one does, 2 when the baseline or a
run cannot be made at all.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from dataclasses import asdict, dataclass

import h5py
import numpy as np

from .outputs import by_country, in_local_currency, read_labels, scaled
from .runner import (ECONOMY_BROKE, SweepError, failed_result_path, find_entrepot, run_command,
                     run_pool)

# The smallest world whose big countries still have a few thousand households (about 10 s a
# run for ten simulated years on one core).
# 10^5 agents: at 10^4 a country such as India has a few hundred households, and whether a run
# at the edge of a range survives is a matter of its seed (trade_elasticity 10 collapsed in two
# seeds of three there, and holds at 10^5).
SMALL_WORLD = ["agents.consumers=90000", "agents.firms=10000", "steps=120",
               "output.snapshots=[]"]


class RobustnessError(SweepError):
    """A study that cannot be made; the message says why."""


@dataclass
class Parameter:
    key: str
    value: float          # the scenario's value
    low: float
    high: float
    low_open: bool
    high_open: bool
    whole: bool

    def ends(self) -> list[tuple[str, float]]:
        """Both ends of the plausible range; an open end is approached to 1% of the range."""
        inset = (self.high - self.low) / 100
        low = self.low + inset if self.low_open else self.low
        high = self.high - inset if self.high_open else self.high
        return [("low", low), ("high", high)]


def written(value: float, whole: bool) -> str:
    return str(int(value)) if whole else repr(float(value))


def read_parameters(entrepot: str, scenario: str, sets: list[str]) -> list[Parameter]:
    command = [entrepot, "validate", scenario, "--behaviour"]
    for s in sets:
        command += ["--set", s]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RobustnessError(f"{' '.join(command)}: exit status {done.returncode}: "
                              f"{done.stderr.strip() or done.stdout.strip()}")
    lines = done.stdout.strip().splitlines()
    header = lines[0].split("\t") if lines else []
    if header[:1] != ["key"]:
        raise RobustnessError(f"{entrepot} does not list its behaviour parameters "
                              f"(validate --behaviour); is it an older build?")
    params = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        params.append(Parameter(row["key"], float(row["value"]), float(row["plausible_low"]),
                                float(row["plausible_high"]), row["low_open"] == "1",
                                row["high_open"] == "1", row["whole"] == "1"))
    return params


@dataclass
class Figures:
    """A run's last years: world unemployment, real output and the worst country."""
    unemployment: float
    real_output: float
    worst_country: str
    worst_unemployment: float
    status: str           # completed, or failed with the reason
    last_step: int


def read_figures(path: str, years: int, min_households: int) -> Figures:
    with h5py.File(path, "r") as f:
        s = f["series"]
        labels = read_labels(s)
        rows = slice(None)
        # Real output at the starting exchange rates (stationarity.py does the same).
        value_added = in_local_currency(s, labels, scaled(s, "value_added", rows), rows)
        spending = in_local_currency(s, labels, scaled(s, "consumption", rows), rows)
        cpi = s["cpi"][:]
        unemployed = scaled(s, "unemployment", rows)
        employed = scaled(s, "employment", rows)
        status = str(f.attrs.get("status", "completed"))
        if status != "completed":
            status = f"{status}: {f.attrs.get('status_reason', '')}"
    last = int(labels.steps[-1])
    keep = labels.steps > last - years * labels.steps_per_year
    world_cpi = (cpi * spending).sum(axis=1) / np.maximum(spending.sum(axis=1), 1e-300)
    real_output = float((value_added.sum(axis=1) / world_cpi)[keep].mean())
    labour = unemployed + employed
    world_u = float(unemployed[keep].sum() / max(labour[keep].sum(), 1))
    # Countries with few households swing by whole points: the worst of the others.
    country_u = by_country(unemployed[keep], labels).sum(axis=0)
    country_l = by_country(labour[keep], labels).sum(axis=0)
    big = country_l / keep.sum() >= min_households
    rates = np.where(big, country_u / np.maximum(country_l, 1), -1.0)
    worst = int(np.argmax(rates))
    return Figures(world_u, real_output, labels.country[worst], float(rates[worst]), status, last)


@dataclass
class Row:
    key: str
    end: str
    value: str
    unemployment: float | None
    output: float | None          # real output relative to the baseline's
    worst: str
    verdict: str
    collapsed: bool


def judge(key: str, end: str, value: str, figures: Figures | None, reason: str | None,
          stopped: bool, baseline_output: float, max_u: float, min_output: float) -> Row:
    if figures is None:
        return Row(key, end, value, None, None, "", f"no run: {reason}", True)
    relative = figures.real_output / baseline_output
    worst = f"{figures.worst_country} {figures.worst_unemployment:.1%}"
    why = []
    if stopped:
        # "failed: the economy broke: country X: ... (health.unemployment_limit)"
        what = figures.status.split("broke: ", 1)[-1].split(" (health.", 1)[0]
        why.append(f"stopped at step {figures.last_step} ({what})")
    if figures.unemployment >= max_u:
        why.append(f"unemployment {figures.unemployment:.1%} >= {max_u:.0%}")
    if not relative > min_output:
        why.append(f"output {relative:.2f} <= {min_output:g} of the baseline's")
    verdict = "collapse: " + "; ".join(why) if why else "holds"
    return Row(key, end, value, figures.unemployment, relative, worst, verdict, bool(why))


def render(rows: list[Row], baseline: Figures) -> str:
    lines = [f"baseline: world unemployment {baseline.unemployment:.1%}, worst country "
             f"{baseline.worst_country} {baseline.worst_unemployment:.1%}",
             f"{'parameter':<24} {'end':<4} {'value':>9} {'unempl.':>8} {'output':>7} "
             f"{'worst country':<14} verdict"]
    for r in rows:
        u = f"{r.unemployment:.1%}" if r.unemployment is not None else "-"
        o = f"{r.output:.3f}" if r.output is not None else "-"
        lines.append(f"{r.key:<24} {r.end:<4} {r.value:>9} {u:>8} {o:>7} {r.worst:<14} "
                     f"{r.verdict}")
    collapsed = sum(r.collapsed for r in rows)
    lines.append(f"{len(rows) - collapsed} of {len(rows)} ends hold; {collapsed} collapse")
    return "\n".join(lines)


def study(entrepot: str, scenario: str, sets: list[str], directory: str, jobs: int,
          threads: int, years: int, min_households: int, max_u: float, min_output: float,
          only: list[str] | None = None) -> tuple[list[Row], Figures]:
    params = read_parameters(entrepot, scenario, sets)
    known = [p.key for p in params]
    for key in only or []:
        if key not in known:
            raise RobustnessError(f"--only {key}: no such behaviour parameter; "
                                  f"known: {', '.join(known)}")
    chosen = [p for p in params if not only or p.key in only]
    # The baseline, then each end that differs from it (an end at the scenario's value is
    # the baseline's run itself: runs are deterministic).
    runs = [("baseline", [])]
    ends = []
    for p in chosen:
        for end, value in p.ends():
            text = written(value, p.whole)
            name = f"{p.key}-{end}"
            ends.append((p, end, text, "baseline" if value == p.value else name))
            if value != p.value:
                runs.append((name, [f"behaviour.{p.key}={text}"]))
    os.makedirs(os.path.join(directory, "runs"), exist_ok=True)
    paths = {name: os.path.join(directory, "runs", name + ".h5") for name, _ in runs}
    logs = {name: os.path.join(directory, "runs", name + ".log") for name, _ in runs}
    outcomes: dict[str, tuple[str | None, bool]] = {}

    def one(index: int):
        name, extra = runs[index]
        command = [entrepot, "run", scenario]
        for s in [*sets, *extra]:
            command += ["--set", s]
        command += ["--quiet", "--threads", str(threads), "--overwrite"]
        reason = run_command(command, paths[name], logs[name])
        stopped = reason is not None and os.path.exists(failed_result_path(paths[name]))
        if reason is None and os.path.exists(failed_result_path(paths[name])):
            os.remove(failed_result_path(paths[name]))
        outcomes[name] = (reason, stopped)
        return None

    print(f"robustness: {len(chosen)} parameters, {len(runs)} runs ({jobs} at a time) in "
          f"{directory}", file=sys.stderr, flush=True)
    run_pool(list(range(len(runs))), one, jobs, "robustness")
    reason, _ = outcomes["baseline"]
    if reason is not None:
        raise RobustnessError(f"the baseline run failed: {reason} (log: {logs['baseline']})")
    baseline = read_figures(paths["baseline"], years, min_households)
    rows = []
    for p, end, text, name in ends:
        reason, stopped = outcomes[name]
        figures = None
        if reason is None:
            figures = read_figures(paths[name], years, min_households)
        elif stopped:
            figures = read_figures(failed_result_path(paths[name]), years, min_households)
        rows.append(judge(p.key, end, text, figures, reason, stopped, baseline.real_output,
                          max_u, min_output))
    return rows, baseline


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="robustness", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="configs/baseline.yaml")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="after the small world's settings (" + " ".join(SMALL_WORLD) + ")")
    ap.add_argument("--dir", default="results/robustness")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="threads per run")
    ap.add_argument("--years", type=int, default=2, help="last years compared")
    ap.add_argument("--min-households", type=int, default=100,
                    help="smallest labour force of a country named as the worst")
    ap.add_argument("--max-unemployment", type=float, default=0.30)
    ap.add_argument("--min-output", type=float, default=0.5)
    ap.add_argument("--only", help="comma-separated parameter keys")
    ap.add_argument("--json", help="also write the table to this file")
    ap.add_argument("--entrepot")
    args = ap.parse_args(argv)
    try:
        entrepot = find_entrepot(args.entrepot)
        only = args.only.split(",") if args.only else None
        rows, baseline = study(entrepot, args.scenario, SMALL_WORLD + args.set, args.dir,
                               args.jobs, args.threads, args.years, args.min_households,
                               args.max_unemployment, args.min_output, only)
    except SweepError as err:
        print(f"robustness: {err}", file=sys.stderr)
        return 2
    print(render(rows, baseline))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"baseline": asdict(baseline), "ends": [asdict(r) for r in rows]}, f,
                      indent=1, default=lambda x: None if isinstance(x, float)
                      and math.isnan(x) else x)
    if any(r.verdict.startswith("no run") for r in rows):
        return 2
    return 1 if any(r.collapsed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
