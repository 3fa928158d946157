"""Shared pieces of the sweep tools' tests: the entrepot program, plan files and a small run."""
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASELINE = os.path.join(ROOT, "configs", "baseline.yaml")
# The tests, and the commands they start, use this checkout's package, even where .venv/ has
# another checkout's installed (an editable install points at one checkout only).
PACKAGE = os.path.join(ROOT, "python")
sys.path.insert(0, PACKAGE)
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE,
                                                         os.environ.get("PYTHONPATH")]))

# A world small enough for a run of two simulated years to take about a second.
SMALL_SET = """\
set:
  agents.consumers: 9000
  agents.firms: 1000
  steps: 24
  output.snapshots: []
"""


def entrepot_program() -> str:
    """ENTREPOT_BINARY (ctest passes the build's), else build/entrepot of this checkout; skips
    the test where there is none."""
    path = os.environ.get("ENTREPOT_BINARY") or os.path.join(ROOT, "build", "entrepot")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.skip(f"no entrepot program at {path}: set ENTREPOT_BINARY")
    return path


@pytest.fixture
def entrepot() -> str:
    return entrepot_program()


@pytest.fixture(scope="session")
def value_chain_run(tmp_path_factory) -> str:
    """A result file with /series/input_use, made once per test session: the baseline
    world at 2×10^4 agents over two simulated years, no events (a few seconds)."""
    program = entrepot_program()
    out = tmp_path_factory.mktemp("value_chains") / "run.h5"
    done = subprocess.run([program, "run", BASELINE, "--quiet", "--threads", "2",
                           "--out", str(out), "--set", "agents.consumers=18000",
                           "--set", "agents.firms=2000", "--set", "steps=24",
                           "--set", "burn_in=12", "--set", "events=[]",
                           "--set", "output.snapshots=[]"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return str(out)


@pytest.fixture
def write_plan(tmp_path):
    """Writes a plan file (dedented text) into the test's folder and returns its path."""
    def write(text: str, name: str = "plan.yaml") -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return str(path)
    return write
