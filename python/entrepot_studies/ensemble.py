"""`python -m entrepot_studies.ensemble COMMAND ...` (scripts/ensemble): a baseline and one or
more scenarios, each run with the same K seeds (common random numbers), and the scenarios'
effects on any /series variable with 95% intervals over the seed pairs (docs/studies.md).

Exit status: 0 when everything asked for is done, 1 when runs failed, 2 for bad arguments, a
folder of other settings, a scenario of another world or a selection the run files cannot
give.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass

import yaml

from .runner import (Failure, SweepError, find_entrepot, report_failures, run_command,
                     run_pool, write_atomic)
from .sweep import chosen_runs, print_status, running_options, threads_of

STATE = "ensemble.json"


class EnsembleError(SweepError):
    """An ensemble that cannot go on; the message says why."""


@dataclass(frozen=True)
class Member:
    """One run of the ensemble: a config (by name) with one seed."""
    index: int
    config: str
    seed: int

    @property
    def stem(self) -> str:
        return f"{self.config}-seed{self.seed}"


# --- The configs: their chain of `base:` files and their world ---------------------------

def _chain(path: str) -> list[tuple[str, dict]]:
    """The scenario file and its `base:` files, base first: (path, parsed map) each."""
    chain: list[tuple[str, dict]] = []
    seen: set[str] = set()
    while path:
        path = os.path.abspath(path)
        if path in seen:
            raise EnsembleError(f"{path}: its `base:` files refer back to it")
        seen.add(path)
        try:
            with open(path, encoding="utf-8") as f:
                doc = yaml.safe_load(f) or {}
        except OSError as e:
            raise EnsembleError(f"{path}: cannot read it ({e.strerror})") from None
        except yaml.YAMLError as e:
            raise EnsembleError(f"{path}: not a YAML file ({e})") from None
        if not isinstance(doc, dict):
            raise EnsembleError(f"{path}: not a scenario file (not a map of keys)")
        chain.insert(0, (path, doc))
        base = doc.get("base")
        path = os.path.join(os.path.dirname(path), str(base)) if base else ""
    return chain


def fingerprint(path: str) -> str:
    """sha256 of the texts of the scenario file and its base files: a run is stale when one
    of them changes."""
    digest = hashlib.sha256()
    for file, _ in _chain(path):
        with open(file, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def _merge_items(base: list, over: list, key: str) -> list:
    """A list of maps laid over the base's (docs/scenario.md): an item whose `key` matches one
    of the base's is merged into it, the others are appended."""
    out = [dict(item) for item in base]
    for item in over:
        match = next((o for o in out if isinstance(item, dict) and key in item
                      and o.get(key) == item[key]), None)
        if match is not None:
            match.update(item)
        else:
            out.append(dict(item) if isinstance(item, dict) else {key: item})
    return out


def world_of(path: str) -> dict[str, list]:
    """The world a scenario file builds through its base chain: country codes, (region,
    country) pairs and sector names, in order."""
    lists = {"countries": ([], "code"), "regions": ([], "name"), "sectors": ([], "name")}
    merged = {name: [] for name in lists}
    for _, doc in _chain(path):
        for name, (_, key) in lists.items():
            if isinstance(doc.get(name), list):
                merged[name] = _merge_items(merged[name], doc[name], key)
    return {"countries": [c.get("code") for c in merged["countries"]],
            "regions": [[r.get("name"), r.get("country")] for r in merged["regions"]],
            "sectors": [s.get("name") for s in merged["sectors"]]}


def _world_difference(base: dict, other: dict) -> str:
    parts = []
    for name in ("countries", "regions", "sectors"):
        a = [json.dumps(x) if isinstance(x, list) else str(x) for x in base[name]]
        b = [json.dumps(x) if isinstance(x, list) else str(x) for x in other[name]]
        if a != b:
            added = [x for x in b if x not in a]
            dropped = [x for x in a if x not in b]
            what = "; ".join(filter(None, [f"adds {', '.join(added)}" if added else "",
                                           f"drops {', '.join(dropped)}" if dropped else ""]))
            parts.append(f"{name}: {what or 'another order'}")
    return "; ".join(parts)


def config_name(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


# --- The ensemble folder -----------------------------------------------------------------

def members(state: dict) -> list[Member]:
    """Seed by seed, the baseline then each scenario: run k*C + c is config c with seed k."""
    names = [state["baseline"]["name"]] + [s["name"] for s in state["scenarios"]]
    return [Member(k * len(names) + c, name, seed)
            for k, seed in enumerate(state["seeds"]) for c, name in enumerate(names)]


def result_file(directory: str, member: Member) -> str:
    return os.path.join(directory, "runs", member.stem + ".h5")


def log_file(directory: str, member: Member) -> str:
    return os.path.join(directory, "runs", member.stem + ".log")


def load_state(directory: str) -> dict:
    try:
        with open(os.path.join(directory, STATE), encoding="utf-8") as f:
            return json.load(f)
    except OSError:
        raise EnsembleError(f"{directory} is not an ensemble folder (no {STATE}); run "
                            f"`ensemble run --baseline CONFIG --scenario CONFIG --seeds K "
                            f"--dir {directory}` first") from None


def _entry(path: str) -> dict:
    return {"name": config_name(path), "path": os.path.abspath(path),
            "sha256": fingerprint(path)}


def new_state(baseline: str, scenarios: list[str], seeds: list[int],
              overrides: list[str]) -> dict:
    """The ensemble's settings; refuses scenarios of another world than the baseline's."""
    if not scenarios:
        raise EnsembleError("no --scenario: allowed: one or more scenario files")
    for text in overrides:
        key = text.split("=", 1)[0].strip()
        if "=" not in text or not key:
            raise EnsembleError(f"--set {text}: allowed: path=value")
        if key == "seed":
            raise EnsembleError(f"--set {text}: the seeds are the ensemble's own (--seeds, "
                                f"--first-seed); allowed: any other path")
    names = [config_name(p) for p in [baseline, *scenarios]]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise EnsembleError(f"two configs named '{name}' ({[baseline, *scenarios][i]}); "
                                f"allowed: configs whose file names differ (a run file is "
                                f"named after its config)")
    world = world_of(baseline)
    for path in scenarios:
        differs = _world_difference(world, world_of(path))
        if differs:
            raise EnsembleError(f"{path}: its world differs from the baseline's "
                                f"({baseline}): {differs}; an effect compares the same world "
                                f"with and without a policy: allowed: scenarios with the "
                                f"baseline's countries, regions and sectors")
    state = {"baseline": _entry(baseline), "scenarios": [_entry(p) for p in scenarios],
             "seeds": seeds, "overrides": overrides, "world": world}
    state["runs"] = [asdict(m) for m in members(state)]
    return state


def prepare(state: dict, directory: str) -> list[Member]:
    """Records the ensemble in its folder (ensemble.json, runs.csv); refuses a folder that
    holds another ensemble, or runs of a config file that has changed since."""
    path = os.path.join(directory, STATE)
    if os.path.exists(path):
        old = load_state(directory)
        for key, what in (("baseline", "--baseline"), ("scenarios", "--scenario"),
                          ("seeds", "--seeds/--first-seed"), ("overrides", "--set")):
            if _settings(old[key]) != _settings(state[key]):
                raise EnsembleError(f"{directory} holds an ensemble of other settings: "
                                    f"{what} differs ({_describe(old[key])} there, "
                                    f"{_describe(state[key])} here); use a new --dir")
        for entry, was in zip([state["baseline"], *state["scenarios"]],
                              [old["baseline"], *old["scenarios"]]):
            if entry["sha256"] != was["sha256"]:
                raise EnsembleError(f"{entry['path']} (or a base file of it) has changed "
                                    f"since its runs in {directory}; allowed: the same "
                                    f"files, or a new --dir")
    os.makedirs(os.path.join(directory, "runs"), exist_ok=True)
    write_atomic(path, json.dumps(state, indent=1) + "\n")
    found = members(state)
    write_atomic(os.path.join(directory, "runs.csv"),
                 "run,config,seed,file\n" + "".join(
                     f"{m.index},{m.config},{m.seed},runs/{m.stem}.h5\n" for m in found))
    return found


def _settings(value):
    """What must match between two ensembles: paths and names, not the fingerprints."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "sha256"}
    if isinstance(value, list):
        return [_settings(v) for v in value]
    return value


def _describe(value) -> str:
    if isinstance(value, dict):
        return value["path"]
    if isinstance(value, list):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    return str(value)


def _config_path(state: dict, name: str) -> str:
    for entry in [state["baseline"], *state["scenarios"]]:
        if entry["name"] == name:
            return entry["path"]
    raise KeyError(name)


def run_member(state: dict, member: Member, directory: str, entrepot: str,
               threads: int) -> Failure | None:
    command = [entrepot, "run", _config_path(state, member.config)]
    for override in state["overrides"]:
        command += ["--set", override]
    command += ["--seed", str(member.seed), "--quiet", "--threads", str(threads)]
    reason = run_command(command, result_file(directory, member), log_file(directory, member))
    return Failure(member.index, reason) if reason else None


def status(directory: str, found: list[Member]) -> dict[int, str]:
    """`finished`, `failed` (a log and no result) or `pending` for each run."""
    return {m.index: "finished" if os.path.exists(result_file(directory, m)) else
            "failed" if os.path.exists(log_file(directory, m)) else "pending" for m in found}


def run_members(state: dict, found: list[Member], chosen: list[int], directory: str,
                entrepot: str, jobs: int, threads: int, force: bool = False) -> list[Failure]:
    """Runs the chosen runs not yet finished (all chosen ones with force), `jobs` at a
    time; returns the failures."""
    todo = [i for i in chosen if force or not os.path.exists(result_file(directory, found[i]))]
    for i in todo:
        if os.path.exists(result_file(directory, found[i])):
            os.remove(result_file(directory, found[i]))
    print(f"ensemble: {len(chosen)} runs: {len(chosen) - len(todo)} finished, starting "
          f"{len(todo)} ({jobs} at a time)", flush=True)
    return run_pool(todo, lambda i: run_member(state, found[i], directory, entrepot, threads),
                    jobs, "ensemble")


# --- The command -------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ensemble", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def settings(sub: argparse.ArgumentParser, required: bool) -> None:
        sub.add_argument("--dir", required=True, help="ensemble folder")
        sub.add_argument("--baseline", required=required, help="the baseline's scenario file")
        sub.add_argument("--scenario", action="append", default=[],
                         help="a scenario file (repeatable)")
        sub.add_argument("--seeds", type=int, help="K: seeds first-seed .. first-seed+K-1")
        sub.add_argument("--first-seed", type=int, default=1, help="the first seed (1)")
        sub.add_argument("--set", action="append", default=[], dest="overrides",
                         metavar="PATH=VALUE", help="an override for every run (repeatable)")

    for name in ("prepare", "expand"):
        settings(commands.add_parser(name, help="record the runs (ensemble.json, runs.csv)"),
                 True)
    run = commands.add_parser("run", help="run the unfinished runs here (without --baseline: "
                                          "the folder's ensemble)")
    settings(run, False)
    running_options(run)
    run.add_argument("--only", help="only these runs (runs.csv), e.g. 3,5-7")
    run.add_argument("--force", action="store_true", help="rerun finished runs of --only")

    tasks = commands.add_parser("tasks", help="run the I-th of T chunks (a Slurm array task)")
    tasks.add_argument("--dir", required=True, help="ensemble folder")
    running_options(tasks)
    tasks.add_argument("--task", type=int, required=True, help="chunk number, 0 to T-1")
    tasks.add_argument("--of", type=int, required=True, help="number of chunks T")

    show = commands.add_parser("status", help="finished, failed and pending runs")
    show.add_argument("--dir", required=True)

    from .effects import add_effect_arguments
    add_effect_arguments(commands.add_parser(
        "effect", help="each scenario's effect on a series, with 95%% intervals"))
    return parser


def _state_of(args: argparse.Namespace) -> dict:
    """The settings the arguments give, or, without --baseline, the folder's."""
    if getattr(args, "baseline", None) is None:
        if getattr(args, "scenario", None) or getattr(args, "seeds", None) is not None \
                or getattr(args, "overrides", None):
            raise EnsembleError("--scenario, --seeds and --set go with --baseline")
        old = load_state(args.dir)
        return new_state(old["baseline"]["path"], [s["path"] for s in old["scenarios"]],
                         old["seeds"], old["overrides"])
    if args.seeds is None or args.seeds < 1:
        raise EnsembleError(f"--seeds {args.seeds}: allowed: a whole number K >= 1 (two or "
                            f"more for an interval)")
    if args.first_seed < 0:
        raise EnsembleError(f"--first-seed {args.first_seed}: allowed: a whole number >= 0")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    return new_state(args.baseline, args.scenario, seeds, args.overrides)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "effect":
            from .effects import effect_command
            return effect_command(args)
        if args.command == "status":
            print_status(status(args.dir, members(load_state(args.dir))))
            return 0
        state = _state_of(args)
        found = prepare(state, args.dir)
        if args.command in ("prepare", "expand"):
            print(f"ensemble: {len(found)} runs ({1 + len(state['scenarios'])} configs x "
                  f"{len(state['seeds'])} seeds): {os.path.join(args.dir, 'runs.csv')}")
            return 0
        chosen, force = chosen_runs(args, len(found))
        entrepot = find_entrepot(args.entrepot)
        failures = run_members(state, found, chosen, args.dir, entrepot, args.jobs,
                               threads_of(args), force)
        report_failures(failures, args.dir, len(found),
                        lambda i: log_file(args.dir, found[i]), "ensemble")
        return 1 if failures else 0
    except (SweepError, ValueError) as e:
        print(f"ensemble: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
