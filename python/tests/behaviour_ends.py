"""Every behaviour parameter at each end of its plausible range keeps the economy alive: on a
world of 10^5 agents over ten simulated years, world unemployment in the last two stays below
30% and real output above half the baseline's, and no run is stopped by its health checks
(entrepot_studies.robustness). Registered with ctest on its own (behaviour-ends, about four
minutes on two cores); `scripts/robustness` prints the same table."""
from conftest import BASELINE
from entrepot_studies.robustness import SMALL_WORLD, render, study


def test_no_end_of_a_plausible_range_collapses(tmp_path, entrepot):
    rows, baseline = study(entrepot, BASELINE, SMALL_WORLD, str(tmp_path), jobs=2, threads=1,
                           years=2, min_households=100, max_u=0.30, min_output=0.5)
    print(render(rows, baseline))
    assert len(rows) >= 2 * 20, "the program listed too few behaviour parameters"
    collapsed = [f"{r.key}={r.value}: {r.verdict}" for r in rows if r.collapsed]
    assert not collapsed, "\n".join(collapsed)
