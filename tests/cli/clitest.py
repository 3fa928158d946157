"""Shared pieces of the whole-program tests in tests/cli: run `entrepot`, collect failures,
read result files.

Every script is called as `python3 SCRIPT ENTREPOT_BINARY SOURCE_DIR [ARGS...]`, works in its
own temporary folder (removed at the end) and exits 1 after listing every failed check.
"""
import os

# The reader must be able to open a file that a running `entrepot` holds locked. HDF5 reads
# this variable when the library starts, so it is set before h5py is imported; the programs
# started from here run without it (see `child_env`).
os.environ["HDF5_USE_FILE_LOCKING"] = "FALSE"

import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

# The exit status by which a script tells ctest it was skipped (SKIP_RETURN_CODE).
SKIP = 77

# A world small enough for a step to take a fraction of a second on two cores.
SMALL = ["--set", "agents.consumers=20000", "--set", "agents.firms=2000"]

# The health stops switched off, for tests of how a long run is stopped from outside: a small
# world may collapse within 100 steps, and a health stop that came first would end the run
# before the signal the test is about.
NO_HEALTH_STOP = ["--set", "health.unemployment_limit=1", "--set", "health.output_limit=0",
                  "--set", "health.price_limit=0"]

# Every per-step variable of /series (docs/output.md).
SERIES_VARIABLES = [
    "money", "trade_value", "trade_duty", "trade_quantity", "trade_value_final",
    "region_trade_value", "region_trade_duty", "region_trade_value_final", "input_use",
    "handled_trade_value",
    "tariff",
    "tariff_outside",
    "region_exports", "output", "sector_value_added", "emissions", "value_added", "consumption", "retail_sales",
    "retail_margin", "trader_sales", "trader_margin", "trader_exports", "reexports", "employment", "unemployment", "wage", "cpi",
    "price", "produced", "used", "consumed", "melted", "inventory", "supplier_switches",
    "firm_exits", "relocations", "stockist_exits", "health",
]


class Test:
    """Arguments, a temporary folder and a list of failed checks."""

    def __init__(self, name):
        if len(sys.argv) < 3:
            sys.exit(f"usage: {sys.argv[0]} ENTREPOT_BINARY SOURCE_DIR [ARGS...]")
        self.name = name
        self.binary = os.path.abspath(sys.argv[1])
        self.source = os.path.abspath(sys.argv[2])
        self.args = sys.argv[3:]
        self.skip_without_device()
        self.baseline = os.path.join(self.source, "configs", "baseline.yaml")
        self.tariffs = os.path.join(self.source, "configs", "us_china_tariffs.yaml")
        self.tmp = tempfile.mkdtemp(prefix=f"entrepot-{name}-")
        self.failures = []
        self.children = []

    def skip_without_device(self):
        """Exit as skipped when the program has no device for its kernels (a CUDA build on
        a machine without a GPU): every script runs the model, so none can pass there."""
        done = subprocess.run([self.binary, "device"], env=child_env(), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0 and "no CUDA device" in done.stderr:
            print(f"{self.name}: skipped: {done.stderr.strip()}", flush=True)
            sys.exit(SKIP)

    # --- checks -------------------------------------------------------------------------

    def check(self, condition, what):
        if not condition:
            self.failures.append(what)
            print(f"FAIL: {what}", flush=True)
        return bool(condition)

    def info(self, text):
        print(text, flush=True)

    def finish(self):
        for child in self.children:
            if child.poll() is None:
                child.kill()
                child.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.failures:
            print(f"{self.name}: {len(self.failures)} check(s) failed:")
            for f in self.failures:
                print(f"  - {f}")
            sys.exit(1)
        print(f"{self.name}: all checks passed")
        sys.exit(0)

    def run_main(self, body):
        """Run body(self); an exception counts as a failure; always clean up."""
        try:
            body(self)
        except Exception as error:  # report, clean up, fail
            import traceback
            traceback.print_exc()
            self.failures.append(f"unexpected {type(error).__name__}: {error}")
        finally:
            self.finish()

    # --- running the program ------------------------------------------------------------

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def run(self, args, timeout=120, cwd=None):
        """Run `entrepot ARGS` to the end; returns (rc, stdout, stderr, seconds)."""
        command = [self.binary] + list(args)
        self.info("$ " + " ".join(command))
        started = time.monotonic()
        try:
            done = subprocess.run(command, cwd=cwd or self.tmp, env=child_env(),
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            self.check(False, f"`{' '.join(args)}` did not finish within {timeout} s")
            out = expired.stdout or ""
            err = expired.stderr or ""
            return None, out if isinstance(out, str) else out.decode(), \
                err if isinstance(err, str) else err.decode(), timeout
        seconds = time.monotonic() - started
        return done.returncode, done.stdout, done.stderr, seconds

    def start(self, args, stdout_path, stderr_path):
        """Start `entrepot ARGS` in the background, its output going to files."""
        command = [self.binary] + list(args)
        self.info("$ " + " ".join(command) + " &")
        with open(stdout_path, "w") as out, open(stderr_path, "w") as err:
            child = subprocess.Popen(command, cwd=self.tmp, env=child_env(),
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                     start_new_session=True)
        self.children.append(child)
        return child

    def files_under(self, folder=None):
        """Every file and folder under `folder` (default: the temporary folder)."""
        root = folder or self.tmp
        found = set()
        for parent, dirs, files in os.walk(root):
            for name in dirs + files:
                found.add(os.path.relpath(os.path.join(parent, name), root))
        return found


def child_env():
    env = dict(os.environ)
    env.pop("HDF5_USE_FILE_LOCKING", None)
    return env


def flushed_steps(path):
    """The steps a (possibly running) result file holds, or None when it cannot be read yet.

    Only a view in which /series/step is 1..n and every series variable has n rows counts,
    so that a read overlapping a flush is not mistaken for flushed steps."""
    if not os.path.exists(path):
        return None
    try:
        with h5py.File(path, "r") as f:
            if "series" not in f or "step" not in f["series"]:
                return None
            series = f["series"]
            steps = series["step"][:]
            n = len(steps)
            if not np.array_equal(steps, np.arange(1, n + 1)):
                return None
            for name in SERIES_VARIABLES:
                if name not in series or series[name].shape[0] != n:
                    return None
            return n
    except Exception:
        return None


def wait_for_steps(test, child, path, at_least, timeout=120.0):
    """Poll a running job's file until it holds `at_least` flushed steps; returns the count
    seen (None if the job ended or the time ran out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            test.check(False, f"the run ended (exit {child.returncode}) before {at_least} "
                              f"steps were flushed")
            return None
        n = flushed_steps(path)
        if n is not None and n >= at_least:
            return n
        time.sleep(0.05)
    test.check(False, f"{path} did not hold {at_least} flushed steps within {timeout} s")
    return None


def wait_for_exit(test, child, timeout, after):
    """Wait for a job stopped by `after` (e.g. "SIGTERM"); returns its exit status, or None
    (a failed check) if it was still going `timeout` s later."""
    try:
        return child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        test.check(False, f"the run was still going {timeout} s after {after}")
        return None


def check_series(test, f, at_least):
    """/series/step is 1..k with k >= at_least, every series variable has k rows along step
    and the money rows all sum to the same total. Returns k."""
    series = f["series"]
    steps = series["step"][:]
    k = len(steps)
    test.check(k >= at_least, f"/series/step has {k} rows; at least {at_least} were flushed "
                              f"before the run was stopped")
    test.check(np.array_equal(steps, np.arange(1, k + 1)),
               f"/series/step is not 1..{k}: {steps.tolist()}")
    for name in SERIES_VARIABLES:
        if not test.check(name in series, f"/series/{name} is missing"):
            continue
        ds = series[name]
        test.check(ds.shape[0] == k, f"/series/{name} has {ds.shape[0]} rows along step, "
                                     f"/series/step has {k}")
        labels = [scale.name for scale in ds.dims[0].values()]
        test.check(labels == ["/series/step"],
                   f"/series/{name}: first dimension scale is {labels}, not /series/step")
    # Any other dataset that runs along step must have k rows as well.
    for name, ds in series.items():
        if isinstance(ds, h5py.Dataset) and ds.ndim > 0 and name not in SERIES_VARIABLES:
            if [scale.name for scale in ds.dims[0].values()] == ["/series/step"]:
                test.check(ds.shape[0] == k, f"/series/{name} has {ds.shape[0]} rows, not {k}")
    if "money" in series and k > 0:
        money = series["money"][:k].astype(np.int64)
        totals = money.sum(axis=1)
        test.check(totals[0] > 0, f"money held in step 1 sums to {totals[0]}")
        test.check(bool(np.all(totals == totals[0])),
                   f"money is not conserved in the file: totals per step {totals.tolist()}")
    return k


def read_status(f):
    status = f.attrs.get("status")
    if isinstance(status, bytes):
        status = status.decode()
    return status


ERROR_LINE = re.compile(r"^(?P<where>.*?):(?P<line>\d+):(?P<col>\d+): (?P<what>.+)$")
