"""Shared pieces of the sweep tools' tests: the entrepot program and plan files."""
import os
import shutil
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


@pytest.fixture
def write_plan(tmp_path):
    """Writes a plan file (dedented text) into the test's folder and returns its path."""
    def write(text: str, name: str = "plan.yaml") -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return str(path)
    return write
