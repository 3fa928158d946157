"""Plan files: what they hold, and errors that point at the place in the file."""
import pytest

from entrepot_studies.design import expand, parse_ids, run_name
from entrepot_studies.plan import PlanError, load_plan

from conftest import BASELINE


def plan_text(body: str) -> str:
    return f"scenario: {BASELINE}\n{body}"


def test_full_plan(write_plan):
    plan = load_plan(write_plan(plan_text(
        "set:\n"
        "  steps: 24\n"
        "  output.snapshots: []\n"
        "parameters:\n"
        "  - {path: behaviour.search_probability, values: [0.1, 0.30]}\n"
        "  - {path: agents.firms, name: firms, range: [1000, 2000], points: 3, integer: true}\n"
        "seeds: [7, 9]\n"
        "outputs: [gdp, trade]\n")))
    assert plan.fixed == [("steps", "24"), ("output.snapshots", "[]")]
    assert plan.seeds == [7, 9] and plan.outputs == ["gdp", "trade"]
    assert plan.parameters[0].texts == ["0.1", "0.30"]
    runs = expand(plan)
    assert len(runs) == 2 * 3 * 2
    assert [r.seed for r in runs[:4]] == [7, 9, 7, 9]
    assert runs[0].values == (0.1, 1000) and runs[2].values == (0.1, 1500)
    assert runs[-1].values == (0.30, 2000) and runs[-1].point == 5
    assert runs[3].overrides(plan) == ["steps=24", "output.snapshots=[]",
                                       "behaviour.search_probability=0.1", "agents.firms=1500"]


def test_defaults(write_plan):
    plan = load_plan(write_plan(plan_text(
        "parameters:\n  - {path: behaviour.price_adjust, values: [0.05]}\nseeds: 3\n")))
    assert plan.design == "grid" and plan.seeds == [1, 2, 3]
    assert plan.outputs == ["gdp", "unemployment_rate", "trade", "price"]


@pytest.mark.parametrize("design", ["lhs", "sobol", "morris"])
def test_sampled_designs_are_deterministic(write_plan, design):
    text = plan_text(
        f"design: {design}\nsamples: 8\n"
        "parameters:\n"
        "  - {path: behaviour.search_probability, range: [0.05, 0.5]}\n"
        "  - {path: behaviour.candidates, range: [1, 6], integer: true}\n"
        "seeds: 2\n")
    first = expand(load_plan(write_plan(text, "a.yaml")))
    second = expand(load_plan(write_plan(text, "b.yaml")))
    assert first == second
    points = {"lhs": 8, "sobol": 8 * (2 + 2), "morris": 8 * (2 + 1)}[design]
    assert len(first) == points * 2
    for run in first:
        assert 0.05 <= run.values[0] <= 0.5
        assert isinstance(run.values[1], int) and 1 <= run.values[1] <= 6
    other = expand(load_plan(write_plan(text + "sample_seed: 5\n", "c.yaml")))
    assert [r.values for r in other] != [r.values for r in first]


@pytest.mark.parametrize("body, where, words", [
    ("parameters:\n  - {path: a.b, values: [1]}\nseedz: 2\n", "4:1", "did you mean 'seeds'"),
    ("parameters:\n  - {path: a.b, valuez: [1]}\n", "3:17", "unknown key 'valuez'"),
    ("parameters:\n  - {path: a.b, values: [1], range: [0, 1]}\n", "3:5", "either values or range"),
    ("parameters:\n  - {path: a.b, range: [1, 0], points: 2}\n", "3:24", "low < high"),
    ("parameters:\n  - {path: a.b, range: [0, 1]}\n", "3:5", "no points"),
    ("design: sobol\nsamples: 6\nparameters:\n  - {path: a.b, range: [0, 1]}\n", "3:10",
     "power of 2"),
    ("design: lhs\nparameters:\n  - {path: a.b, range: [0, 1]}\n", "2:9", "needs 'samples'"),
    ("design: lhs\nsamples: 4\nparameters:\n  - {path: a.b, values: [1, 2]}\n", "5:5",
     "allowed: range"),
    ("design: random\nparameters:\n  - {path: a.b, values: [1]}\n", "2:9",
     "allowed: grid, lhs, sobol, morris"),
    ("design: morris\nparameters:\n  - {path: a.b, range: [0, 1]}\n", "2:9", "needs 'samples'"),
    ("design: morris\nsamples: 1\nparameters:\n  - {path: a.b, range: [0, 1]}\n", "3:10",
     "whole number >= 2"),
    ("design: morris\nsamples: 4\nlevels: 3\nparameters:\n  - {path: a.b, range: [0, 1]}\n",
     "4:9", "even whole number >= 2"),
    ("design: lhs\nsamples: 4\nlevels: 4\nparameters:\n  - {path: a.b, range: [0, 1]}\n",
     "4:1", "goes with design morris"),
    ("levels: 4\nparameters:\n  - {path: a.b, values: [1]}\n", "2:1", "no levels with design grid"),
    ("parameters:\n  - {path: a.b, values: [1]}\noutputs: [{name: x}]\n", "4:11",
     "without 'series'"),
    ("parameters:\n  - {path: a.b, values: [1]}\noutputs: [{series: price}]\n", "4:11",
     "output name 'price' is taken"),
    ("parameters:\n  - {path: a.b, values: [1]}\noutputs: [{series: money, sum: step}]\n",
     "4:32", "allowed: a list of the series' dimensions"),
    ("parameters:\n  - {path: a.b, values: [1]}\noutputs: [{series: money, sum: [step]}]\n",
     "4:33", "steps become yearly means"),
    ("parameters:\n  - {path: a.b, values: [1]}\noutputs: [{series: wage, headline: max}]\n",
     "4:36", "allowed: sum or mean"),
    ("parameters:\n  - {path: a.b, values: [1]}\noutputs: [{series: wage, sume: [region]}]\n",
     "4:26", "did you mean 'sum'"),
    ("parameters:\n  - {path: a.b, values: [1]}\nseeds: 0\n", "4:8", "whole number >= 1"),
    ("parameters:\n  - {path: a.b, values: [1]}\nseeds: [1, 1]\n", "4:8", "repeated"),
    ("parameters:\n  - {path: a.b, values: [1]}\noutputs: [gdp, wealth]\n", "4:16",
     "allowed: gdp"),
    ("set: {a.b: 1}\nparameters:\n  - {path: a.b, values: [1]}\n", "2:7", "both fixed"),
    ("parameters: []\n", "2:13", "non-empty list"),
    ("parameters:\n  - {path: a.b, values: [1]\n", "4:1", "not valid YAML"),
])
def test_errors_point_into_the_file(write_plan, body, where, words):
    path = write_plan(plan_text(body))
    with pytest.raises(PlanError) as error:
        load_plan(path)
    message = str(error.value)
    assert message.startswith(f"{path}:{where}: "), message
    assert words in message and "allowed" in message, message


def test_morris_and_series_outputs(write_plan):
    plan = load_plan(write_plan(plan_text(
        "design: morris\nsamples: 4\nlevels: 6\nsample_seed: 3\n"
        "parameters:\n  - {path: behaviour.search_probability, range: [0.05, 0.5]}\n"
        "outputs:\n"
        "  - gdp\n"
        "  - {series: trade_duty, name: duty, sum: [sector]}\n"
        "  - {series: wage, headline: mean}\n")))
    assert plan.design == "morris" and plan.levels == 6 and plan.sample_seed == 3
    assert plan.outputs == ["gdp", "duty", "wage"]
    assert [(o.name, o.series, o.sum, o.headline) for o in plan.series_outputs] == [
        ("duty", "trade_duty", ("sector",), "sum"), ("wage", "wage", (), "mean")]
    assert len(expand(plan)) == 4 * (1 + 1)


def test_missing_scenario(write_plan):
    path = write_plan("scenario: nowhere.yaml\nparameters:\n  - {path: a.b, values: [1]}\n")
    with pytest.raises(PlanError, match=r":1:11: scenario file 'nowhere.yaml' not found"):
        load_plan(path)


def test_run_ids():
    assert parse_ids("3,5-7", 10) == [3, 5, 6, 7]
    with pytest.raises(ValueError, match="allowed: 0 to 9"):
        parse_ids("8-12", 10)
    assert run_name(7, 12) == "run0007" and run_name(7, 123456) == "run000007"
