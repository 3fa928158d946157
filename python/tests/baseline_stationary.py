"""The shock-free baseline stays near its steady state: a small world (10^5 agents) run for
twenty simulated years passes the stationarity checks of entrepot_studies.stationarity with
tolerances for its size. Registered with ctest on its own (baseline-stationary), since the run
takes about a minute; `scripts/stationarity --run` checks the default size with the tight ones.

At 10^5 agents a small country has a few dozen households, so its unemployment moves by
several points from year to year (down to none unemployed in a year): the band for countries
only guards against collapse here, and leaves out Singapore's 65 households (as the run's
health checks leave out countries below their minimum); the comparison starts at year 3,
after the first adjustment of firm sizes. A third of the blocks (region × sector) hold a single firm, which
may sit out a year selling from its stock after it overproduced; two years in a row without
output fail the test."""
import subprocess

from conftest import BASELINE
from entrepot_studies.stationarity import check


def test_the_small_baseline_is_stationary(tmp_path, entrepot):
    out = str(tmp_path / "baseline.h5")
    subprocess.run([entrepot, "run", BASELINE, "--set", "agents.consumers=90000",
                    "--set", "agents.firms=10000", "--set", "steps=240",
                    "--set", "output.snapshots=[]", "--out", out, "--quiet"], check=True)
    checks, context = check(out, from_year=3, tolerance=0.02, band=(0.0, 0.30), points=0.035,
                            idle_years=1, min_households=100)
    assert context["to_year"] == 20
    failed = [f"{c.name}: {c.measure:.4g} ({c.limit}) {c.note}" for c in checks if not c.passed]
    assert not failed, "\n".join(failed)
