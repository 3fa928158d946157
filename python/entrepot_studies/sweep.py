"""`python -m entrepot_studies.sweep COMMAND ...` (scripts/sweep): expand a plan into runs,
run them here or as chunks of a Slurm job array, and summarize them (docs/studies.md).

Exit status: 0 when everything asked for is done, 1 when runs failed, 2 for a bad plan or
bad arguments.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from .design import format_ids, parse_ids
from .effects import (EffectError, _finite, add_effect_arguments, format_table, paired_effects,
                      parse_selectors)
from .plan import PlanError, load_plan
from .runner import (SweepError, failure_reasons, find_entrepot, load_state, prepare,
                     report_failures, result_path, run_many, status, write_atomic)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sweep", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    expand = commands.add_parser("expand", help="write the runs of a plan (runs.csv)")
    expand.add_argument("plan")
    expand.add_argument("--dir", required=True, help="sweep folder")

    def running(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("plan")
        sub.add_argument("--dir", required=True, help="sweep folder")
        running_options(sub)
        sub.add_argument("--batch", action="store_true",
                         help="run them in one `entrepot batch` process, --jobs side by side "
                              "with one thread each (small worlds)")

    run = commands.add_parser("run", help="run the plan's unfinished runs here")
    running(run)
    run.add_argument("--only", help="only these runs, e.g. 3,5-7 (rerun even if finished "
                                    "with --force)")
    run.add_argument("--force", action="store_true", help="rerun finished runs of --only")

    tasks = commands.add_parser("tasks", help="run the I-th of T chunks (a Slurm array task)")
    running(tasks)
    tasks.add_argument("--task", type=int, required=True, help="chunk number, 0 to T-1")
    tasks.add_argument("--of", type=int, required=True, help="number of chunks T")

    show = commands.add_parser("status", help="finished, failed and pending runs")
    show.add_argument("--dir", required=True)

    effect = commands.add_parser(
        "effect", help="effect of one design point against another over their seed pairs")
    add_effect_arguments(effect, "sweep folder", scenarios=False)
    effect.add_argument("--point", type=int, required=True, help="the design point measured")
    effect.add_argument("--against", type=int, required=True,
                        help="the design point it is measured against")

    summary = commands.add_parser("summarize", help="write DIR/summary.nc")
    summary.add_argument("--dir", required=True)
    summary.add_argument("--out", help="summary file (default DIR/summary.nc)")
    return parser


def running_options(sub: argparse.ArgumentParser) -> None:
    """--jobs, --threads and --entrepot: how runs are started (sweep and ensemble)."""
    sub.add_argument("--jobs", type=int, default=1, help="runs at a time (default 1)")
    sub.add_argument("--threads", type=int, default=0,
                     help="OpenMP threads per run (default: cores / jobs)")
    sub.add_argument("--entrepot", help="the entrepot program (default: $ENTREPOT, "
                                        "build/entrepot, PATH)")


def threads_of(args: argparse.Namespace) -> int:
    if args.threads > 0:
        return args.threads
    return max(1, (os.cpu_count() or 1) // max(1, args.jobs))


def print_status(states: dict[int, str], reasons: dict[int, str] | None = None) -> None:
    """How many runs are finished, failed and pending, and which (but the finished); the
    failed ones grouped by their reason."""
    for kind in ("finished", "failed", "pending"):
        ids = [i for i, s in states.items() if s == kind]
        print(f"{kind}: {len(ids)}" + (f" ({format_ids(ids)})" if ids and
                                          kind != "finished" else ""))
    for reason, ids in by_reason(reasons or {}).items():
        print(f"  failed ({format_ids(ids)}): {reason}")


def by_reason(reasons: dict[int, str]) -> dict[str, list[int]]:
    """Failed runs grouped by their reason, the step numbers and figures left out, so runs
    that broke the same way at different steps share a line."""
    import re
    groups: dict[str, list[int]] = {}
    for run in sorted(reasons):
        kind = re.sub(r"\d+(\.\d+)?", "N", reasons[run])
        groups.setdefault(kind, []).append(run)
    return groups


def chosen_runs(args: argparse.Namespace, count: int) -> tuple[list[int], bool]:
    """The runs that `run` (all, or --only) or `tasks` (the chunk) does, and --force."""
    if args.jobs < 1:
        raise SweepError(f"--jobs {args.jobs}: allowed: a whole number >= 1")
    if args.command == "run" and args.only:
        return parse_ids(args.only, count), args.force
    if args.command == "tasks":
        return chunk(list(range(count)), args.task, args.of), False
    return list(range(count)), False


def chunk(ids: list[int], task: int, of: int) -> list[int]:
    """The task-th of `of` equal chunks of ids (a Slurm array task's share)."""
    if of < 1 or not 0 <= task < of:
        raise SweepError(f"--task {task} --of {of}: allowed: 0 <= task < of")
    size = -(-len(ids) // of)
    return ids[task * size:(task + 1) * size]


def point_effect(args: argparse.Namespace) -> int:
    """Prints the effect of design point --point against --against: runs of the two points
    with the same seed are a pair (common random numbers), as in an ensemble."""
    state = load_state(args.dir)
    runs = state["runs"]
    points = sorted({r["point"] for r in runs})
    for p in (args.point, args.against):
        if p not in points:
            raise ValueError(f"point {p}: not in this sweep; allowed: 0 to {points[-1]}")
    names = [p.get("name") or p["path"] for p in state["parameters"]]

    def label(point: int) -> str:
        texts = next(r["texts"] for r in runs if r["point"] == point)
        return f"point {point} (" + ", ".join(f"{n}={t}" for n, t in zip(names, texts)) + ")"

    pairs, missing = [], []
    for seed in state["seeds"]:
        files = []
        for point in (args.against, args.point):
            run = next(r for r in runs if r["point"] == point and r["seed"] == seed)
            files.append(result_path(args.dir, run["index"], len(runs)))
        if all(os.path.exists(f) for f in files):
            pairs.append((seed, files[0], files[1]))
        else:
            missing.append(seed)
    if missing:
        print(f"sweep: seeds {', '.join(map(str, missing))} left out: a run of the pair is not "
              f"finished", file=sys.stderr)
    if not pairs:
        raise EffectError(f"points {args.point} and {args.against}: no seed has both runs "
                          f"finished; run `sweep run PLAN --dir {args.dir}` first")
    rows, selection, window = paired_effects(pairs, label(args.point), args.series,
                                             parse_selectors(args.selectors), args.selectors,
                                             args)
    print(f"against {label(args.against)}")
    print(format_table(rows, selection, window, args.relative))
    if args.json:
        record = {"series": args.series, "selectors": args.selectors,
                  "description": selection.describe(), "units": selection.units,
                  "relative": args.relative, "point": args.point, "against": args.against,
                  "window": window,
                  "results": [{k: _finite(v) for k, v in r.items()} for r in rows]}
        write_atomic(args.json, json.dumps(record, indent=1, default=str) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "status":
            runs = load_state(args.dir)["runs"]
            print_status(status(args.dir, len(runs)), failure_reasons(args.dir, len(runs)))
            return 0
        if args.command == "effect":
            return point_effect(args)
        if args.command == "summarize":
            from .summary import summarize
            path, finished, count = summarize(args.dir, args.out)
            print(f"sweep: {path}: {finished} of {count} runs")
            reasons = failure_reasons(args.dir, count)
            if reasons:
                print(f"sweep: {len(reasons)} runs failed:")
                for reason, ids in by_reason(reasons).items():
                    print(f"  runs {format_ids(ids)}: {reason}")
            return 0

        plan = load_plan(args.plan)
        runs = prepare(plan, args.dir)
        if args.command == "expand":
            print(f"sweep: {len(runs)} runs ({len(runs) // len(plan.seeds)} points x "
                  f"{len(plan.seeds)} seeds): {os.path.join(args.dir, 'runs.csv')}")
            return 0
        chosen, force = chosen_runs(args, len(runs))
        entrepot = find_entrepot(args.entrepot)
        _, _, failures = run_many(plan, runs, chosen, args.dir, entrepot, args.jobs,
                                  threads_of(args), force, getattr(args, "batch", False))
        report_failures(failures, args.dir, len(runs))
        return 1 if failures else 0
    except PlanError as e:
        print(e, file=sys.stderr)
        return 2
    except (SweepError, ValueError) as e:
        print(f"sweep: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
