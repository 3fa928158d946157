"""The sensitivity indices of a summary, on a model whose answer is known: y = 4·x1 + 0.1·x2
(the same for every seed), fed through the code that `summarize` uses."""
import numpy as np
import pytest
import xarray as xr

from entrepot_studies.design import expand
from entrepot_studies.plan import load_plan
from entrepot_studies.summary import add_indices

from conftest import BASELINE


def synthetic_summary(write_plan, design: str, extra: str = "") -> tuple[xr.Dataset, dict]:
    """The summary's `run` records and sweep.json's state of a two-parameter plan, with the
    headline `model_last` computed from the runs' parameter values instead of by entrepot."""
    plan = load_plan(write_plan(
        f"scenario: {BASELINE}\ndesign: {design}\nsamples: 64\n{extra}"
        "parameters:\n"
        "  - {path: behaviour.search_probability, name: x1, range: [0, 1]}\n"
        "  - {path: behaviour.price_adjust, name: x2, range: [0, 1]}\n"
        "seeds: 2\n"))
    runs = expand(plan)
    x1 = np.array([r.values[0] for r in runs])
    x2 = np.array([r.values[1] for r in runs])
    dataset = xr.Dataset(
        {"model_last": ("run", 4 * x1 + 0.1 * x2)},
        coords={"run": ("run", np.arange(len(runs))),
                "point": ("run", np.array([r.point for r in runs])),
                "seed": ("run", np.array([r.seed for r in runs]))})
    state = {"design": plan.design, "samples": plan.samples,
             "second_order": plan.second_order, "levels": plan.levels,
             "sample_seed": plan.sample_seed,
             "parameters": [{"name": p.name, "low": p.low, "high": p.high}
                            for p in plan.parameters]}
    return dataset, state


def test_sobol_indices_of_a_known_model(write_plan):
    dataset, state = synthetic_summary(write_plan, "sobol")
    add_indices(dataset, state, ["model"], np.ones(dataset.sizes["run"], dtype=bool))
    assert dataset["parameter"].values.tolist() == ["x1", "x2"]
    for key in ("S1", "ST"):
        index = dataset[f"model_last_{key}"]
        assert index.dims == ("parameter",)
        assert float(index.sel(parameter="x1")) > 0.9, key
        assert float(index.sel(parameter="x2")) < 0.1, key
    assert (dataset["model_last_S1_conf"] >= 0).all()


def test_morris_indices_of_a_known_model(write_plan):
    dataset, state = synthetic_summary(write_plan, "morris", "levels: 6\n")
    assert dataset.sizes["run"] == 64 * (2 + 1) * 2
    add_indices(dataset, state, ["model"], np.ones(dataset.sizes["run"], dtype=bool))
    mu_star = dataset["model_last_mu_star"]
    # A linear model: every elementary effect is the coefficient (the ranges are [0, 1]).
    assert np.allclose(mu_star.values, [4, 0.1])
    assert np.allclose(dataset["model_last_mu"].values, [4, 0.1])
    assert np.allclose(dataset["model_last_sigma"].values, 0, atol=1e-9)
    assert float(mu_star.sel(parameter="x1")) > float(mu_star.sel(parameter="x2"))
    assert "model_last_mu_star_conf" in dataset


@pytest.mark.parametrize("design", ["sobol", "morris"])
def test_indices_wait_for_every_run(write_plan, capsys, design):
    dataset, state = synthetic_summary(write_plan, design)
    finished = np.ones(dataset.sizes["run"], dtype=bool)
    finished[3] = False
    add_indices(dataset, state, ["model"], finished)
    assert not any(name.startswith("model_last_") for name in dataset)
    assert "indices left out: 1 runs not finished" in capsys.readouterr().err
