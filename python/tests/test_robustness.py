"""The robustness study's pieces: the parameter list read from the program, the ends of a
range and the verdicts."""
from conftest import BASELINE
from entrepot_studies.robustness import Figures, Parameter, judge, read_parameters


def test_the_program_lists_every_behaviour_parameter(entrepot):
    params = {p.key: p for p in read_parameters(entrepot, BASELINE, [])}
    assert {"search_probability", "price_adjust", "productivity_shape", "candidates",
            "exit_patience"} <= set(params)
    assert params["border_cost"].value == 0.3          # the scenario's value, not the default
    assert params["candidates"].whole and params["candidates"].low == 1
    for p in params.values():
        assert p.low <= p.value <= p.high, p


def test_an_open_end_is_approached_from_inside():
    p = Parameter("x", 2, 1, 11, low_open=True, high_open=False, whole=False)
    assert p.ends() == [("low", 1.1), ("high", 11)]


def test_verdicts():
    fine = Figures(0.06, 0.98, "USA", 0.09, "completed", 120)
    assert judge("k", "low", "0", fine, None, False, 1.0, 0.3, 0.5).verdict == "holds"
    idle = Figures(0.31, 0.98, "USA", 0.4, "completed", 120)
    assert judge("k", "low", "0", idle, None, False, 1.0, 0.3, 0.5).verdict.startswith(
        "collapse: unemployment 31.0%")
    poor = Figures(0.06, 0.49, "USA", 0.09, "completed", 120)
    assert "output 0.49" in judge("k", "low", "0", poor, None, False, 1.0, 0.3, 0.5).verdict
    stopped = Figures(0.2, 0.9, "ROW", 0.7, "failed: the economy broke: country ROW: "
                      "unemployment is 72.0%, above the limit of 70.0% "
                      "(health.unemployment_limit)", 40)
    row = judge("k", "high", "9", stopped, "exit 3", True, 1.0, 0.3, 0.5)
    assert row.collapsed and row.verdict == ("collapse: stopped at step 40 (country ROW: "
                                             "unemployment is 72.0%, above the limit of 70.0%)")
    assert judge("k", "high", "9", None, "bad value", False, 1.0, 0.3, 0.5).collapsed
