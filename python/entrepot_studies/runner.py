"""Running a sweep's runs as `entrepot run` subprocesses, several at a time.

A run writes `runs/<name>.partial.h5` and renames it to `runs/<name>.h5` when `entrepot`
exits 0: a finished run is exactly a present `<name>.h5`, and finished runs are skipped. A
failed run leaves its output in `runs/<name>.log` and no result file.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from .design import Run, expand, run_name, runs_csv
from .plan import Plan

STATE = "sweep.json"


class SweepError(Exception):
    """A sweep that cannot go on; the message says why."""


@dataclass
class Failure:
    run: int
    reason: str     # the first line of what `entrepot` wrote, or how it ended


def find_entrepot(given: str | None) -> str:
    """--entrepot, else $ENTREPOT, else build/entrepot under the working folder, else PATH."""
    for source, candidate in (("--entrepot", given), ("ENTREPOT", os.environ.get("ENTREPOT"))):
        if candidate:
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return os.path.abspath(candidate)
            raise SweepError(f"{source} {candidate}: no such executable program")
    local = os.path.join("build", "entrepot")
    if os.path.isfile(local) and os.access(local, os.X_OK):
        return os.path.abspath(local)
    found = shutil.which("entrepot")
    if not found:
        raise SweepError("no entrepot program: give --entrepot PATH or set ENTREPOT "
                         "(scripts/run builds build/entrepot)")
    return found


def prepare(plan: Plan, directory: str) -> list[Run]:
    """Expands the plan and records it in the sweep folder (sweep.json, runs.csv); refuses a
    folder that holds another plan's runs."""
    runs = expand(plan)
    state = {"plan": os.path.abspath(plan.path), "plan_text": plan.text,
             "scenario": plan.scenario, "fixed": plan.fixed,
             "design": plan.design, "samples": plan.samples, "second_order": plan.second_order,
             "levels": plan.levels, "sample_seed": plan.sample_seed,
             "seeds": plan.seeds, "outputs": plan.outputs,
             "series_outputs": [asdict(o) for o in plan.series_outputs],
             "parameters": [asdict(p) for p in plan.parameters],
             "runs": [asdict(r) for r in runs]}
    os.makedirs(os.path.join(directory, "runs"), exist_ok=True)
    path = os.path.join(directory, STATE)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = json.load(f)
        same = all(json.loads(json.dumps(state[k])) == old.get(k)
                   for k in ("scenario", "fixed", "runs"))
        if not same:
            raise SweepError(f"{directory} holds a sweep of another plan (its scenario, set or "
                             f"runs differ; {old.get('plan')}); use a new --dir")
    write_atomic(path, json.dumps(state, indent=1, default=str) + "\n")
    write_atomic(os.path.join(directory, "runs.csv"), runs_csv(plan, runs))
    return runs


def load_state(directory: str) -> dict:
    path = os.path.join(directory, STATE)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError:
        raise SweepError(f"{directory} is not a sweep folder (no {STATE}); run "
                         f"`sweep run PLAN --dir {directory}` first") from None


def write_atomic(path: str, text: str) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def result_path(directory: str, run: int, count: int) -> str:
    return os.path.join(directory, "runs", run_name(run, count) + ".h5")


def log_path(directory: str, run: int, count: int) -> str:
    return os.path.join(directory, "runs", run_name(run, count) + ".log")


def status(directory: str, count: int) -> dict[int, str]:
    """`finished`, `failed` (a log and no result) or `pending` for each run."""
    result = {}
    for run in range(count):
        if os.path.exists(result_path(directory, run, count)):
            result[run] = "finished"
        elif os.path.exists(log_path(directory, run, count)):
            result[run] = "failed"
        else:
            result[run] = "pending"
    return result


def failure_reasons(directory: str, count: int) -> dict[int, str]:
    """The reason (the first line of its log) of each failed run: a log and no result."""
    return {run: first_line(log_path(directory, run, count)) for run, state in
            status(directory, count).items() if state == "failed"}


def failed_result_path(final: str) -> str:
    """Where a run whose economy broke keeps its result file, marked failed."""
    return final[:-len(".h5")] + ".failed.h5"


# The exit status of a run stopped by its health checks (docs/output.md, Health).
ECONOMY_BROKE = 3


def first_line(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip():
                    return line.strip()
    except OSError:
        pass
    return "(no output)"


def partial_path(final: str) -> str:
    """Where a run writes until it succeeds."""
    return final[:-len(".h5")] + ".partial.h5"


def clear_stale(final: str) -> None:
    """Removes what an earlier attempt at `final` left: its partial and failed files."""
    for stale in (partial_path(final), failed_result_path(final)):
        if os.path.exists(stale):
            os.remove(stale)


def settle(final: str, status: int | None) -> bool:
    """After a run that wrote `final` through its partial file ended with `status`: on
    success the partial file becomes `final` (True); else a run whose economy broke keeps its
    steps, marked failed, and any other partial file goes (False)."""
    partial = partial_path(final)
    if status == 0 and os.path.exists(partial):
        os.replace(partial, final)
        return True
    if os.path.exists(partial):
        if status == ECONOMY_BROKE:
            os.replace(partial, failed_result_path(final))
        else:
            os.remove(partial)
    return False


def run_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return env


def run_command(command: list[str], final: str, log: str) -> str | None:
    """Runs `command` (an `entrepot run` without `--out`) writing `final` through a partial
    file: on success the partial file becomes `final` and no log is left; else the log keeps
    what `entrepot` wrote, the command and its exit status. Returns the reason of a failure
    (its first line), or None."""
    command = [*command, "--out", partial_path(final)]
    clear_stale(final)
    with open(log, "w", encoding="utf-8") as out:
        out.flush()
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=out, env=run_environment())
    if settle(final, done.returncode):
        os.remove(log)
        return None
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\ncommand: {' '.join(command)}\nexit status: {done.returncode}\n")
    reason = first_line(log)
    if reason.startswith("command: "):
        reason = f"exit status {done.returncode}, no message"
    return reason


def run_one(plan: Plan, run: Run, directory: str, count: int, entrepot: str,
            threads: int) -> Failure | None:
    command = [entrepot, "run", plan.scenario]
    for override in run.overrides(plan):
        command += ["--set", override]
    command += ["--seed", str(run.seed), "--quiet", "--threads", str(threads)]
    reason = run_command(command, result_path(directory, run.index, count),
                         log_path(directory, run.index, count))
    return Failure(run.index, reason) if reason else None


def run_batch(plan: Plan, runs: list[Run], todo: list[int], directory: str, entrepot: str,
              jobs: int) -> list[Failure]:
    """The runs of `todo` in one `entrepot batch` process, `jobs` side by side with one thread
    each (docs/studies.md, "Many small runs in one process"): each writes its partial file
    and ends finished or failed as `run_command` leaves it; `runs/batch.log` keeps what the
    batch wrote."""
    count = len(runs)
    folder = os.path.join(directory, "runs")
    lines = []
    for i in todo:
        final = result_path(directory, i, count)
        words = [plan.scenario]
        for override in runs[i].overrides(plan):
            words += ["--set", override]
        words += ["--seed", str(runs[i].seed), "--out", partial_path(final)]
        if any(not w or any(c.isspace() for c in w) or w.startswith("#") for w in words):
            raise SweepError(f"run {i}: a path or --set value with blanks cannot go in a batch "
                             f"list ({' '.join(words)}); run it without --batch")
        clear_stale(final)
        lines.append(" ".join(words))
    listed = os.path.join(folder, "batch.txt")
    write_atomic(listed, "\n".join(lines) + "\n")
    command = [entrepot, "batch", listed, "--jobs", str(jobs), "--overwrite"]
    with open(os.path.join(folder, "batch.log"), "w", encoding="utf-8") as log:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=log, env=run_environment(), text=True)
        log.write(done.stdout)
    # "batch: run K of N (PATH): exit RC, S s[: REASON]", K counting from 1 in todo's order.
    reported = {}
    for line in done.stdout.splitlines():
        found = re.match(r"batch: run (\d+) of \d+ \(.*\): exit (-?\d+), [^:]*(?:: (.*))?$", line)
        if found:
            reported[todo[int(found.group(1)) - 1]] = (int(found.group(2)), found.group(3))
    failures = []
    for i in todo:
        final, log = result_path(directory, i, count), log_path(directory, i, count)
        rc, reason = reported.get(i, (None, None))
        if settle(final, rc):
            if os.path.exists(log):
                os.remove(log)
            print(f"sweep: run {i} done", flush=True)
            continue
        if reason is None:
            reason = (f"exit status {rc} (what the batch wrote: runs/batch.log)" if rc is not None
                      else f"not reported by the batch (exit status {done.returncode}; "
                           f"runs/batch.log)")
        with open(log, "w", encoding="utf-8") as out:
            out.write(f"{reason}\ncommand: {' '.join(command)} (line {todo.index(i) + 1})\n")
        print(f"sweep: run {i} failed", flush=True)
        failures.append(Failure(i, reason))
    return failures


def run_pool(todo: list[int], work, jobs: int, prog: str) -> list[Failure]:
    """Calls `work(index)` (a Failure or None) for each index, `jobs` at a time, printing
    `prog: run I done|failed (n/N)` as they end; returns the failures in index order."""
    failures: list[Failure] = []
    lock = threading.Lock()
    done_count = [0]

    def one(index: int) -> None:
        failure = work(index)
        with lock:
            done_count[0] += 1
            state = "failed" if failure else "done"
            print(f"{prog}: run {index} {state} ({done_count[0]}/{len(todo)})", flush=True)
            if failure:
                failures.append(failure)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for _ in pool.map(one, todo):
            pass
    failures.sort(key=lambda f: f.run)
    return failures


def run_many(plan: Plan, runs: list[Run], chosen: list[int], directory: str, entrepot: str,
             jobs: int, threads: int, force: bool = False,
             batch: bool = False) -> tuple[int, int, list[Failure]]:
    """Runs the chosen runs not yet finished (all chosen ones with force), `jobs` at a time
    (with `batch`, in one `entrepot batch` process). Returns (already finished, started,
    failures)."""
    count = len(runs)
    todo = [i for i in chosen if force or not os.path.exists(result_path(directory, i, count))]
    finished = len(chosen) - len(todo)
    if force:
        for i in todo:
            if os.path.exists(result_path(directory, i, count)):
                os.remove(result_path(directory, i, count))
    print(f"sweep: {len(chosen)} runs: {finished} finished, starting {len(todo)} "
          f"({jobs} at a time{', in one batch' if batch else ''})", flush=True)
    if batch:
        return finished, len(todo), run_batch(plan, runs, todo, directory, entrepot, jobs) \
            if todo else []
    failures = run_pool(todo, lambda i: run_one(plan, runs[i], directory, count, entrepot,
                                                threads), jobs, "sweep")
    return finished, len(todo), failures


def report_failures(failures: list[Failure], directory: str, count: int,
                    logs=None, prog: str = "sweep") -> None:
    """Lists failed runs with their reason and log (`logs(run)`: its path) on stderr."""
    if not failures:
        return
    logs = logs or (lambda run: log_path(directory, run, count))
    print(f"{prog}: {len(failures)} runs failed:", file=sys.stderr)
    for failure in failures:
        print(f"  run {failure.run}: {failure.reason} (log: {logs(failure.run)})",
              file=sys.stderr)
    ids = ",".join(str(f.run) for f in failures)
    print(f"{prog}: rerun them with --only {ids}", file=sys.stderr)
