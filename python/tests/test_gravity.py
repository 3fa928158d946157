"""Gravity and the trade elasticity (entrepot_studies.gravity): PPML recovers a known
distance coefficient and a known trade elasticity from flows generated with known fixed
effects; the country distance is the weighted mean of region distances; a small real
ensemble goes through the command, and the tariffs it reads from the flows are the
scenario's."""
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import BASELINE, ROOT, entrepot_program
from entrepot_studies.gravity import (distance_fit, effective_distance, main, ppml,
                                      tariff_fit)

TARIFFS = os.path.join(ROOT, "configs", "us_china_tariffs.yaml")


def gravity_world(rng, n: int = 12):
    """Exporter and importer effects and distances of n countries on a plane."""
    where = rng.uniform(0, 10000, size=(n, 2))
    km = np.hypot(*(where[:, None, :] - where[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(km, 300.0)
    return rng.normal(0, 1, n), rng.normal(0, 1, n), km


def test_ppml_recovers_the_distance_coefficient_exactly():
    # Flows equal to their expectation: the fit is exact, whatever the fixed effects.
    rng = np.random.default_rng(1)
    a, b, km = gravity_world(rng)
    trade = np.exp(5 + a[:, None] + b[None, :] - 1.1 * np.log(km) - 2.0 * (1 - np.eye(12)))
    elasticity, se, with_domestic, border = distance_fit(trade, km)
    assert elasticity == pytest.approx(-1.1, abs=1e-6)
    assert with_domestic == pytest.approx(-1.1, abs=1e-6)
    assert border == pytest.approx(-2.0, abs=1e-6)
    assert se < 1e-6


def test_ppml_recovers_the_coefficient_from_noisy_flows_with_zeros():
    # Poisson-gamma noise and small flows that round to zero: PPML stays consistent, and its
    # robust standard error covers the truth.
    rng = np.random.default_rng(2)
    estimates = []
    for _ in range(20):
        a, b, km = gravity_world(rng, 30)
        mean = np.exp(3 + a[:, None] + b[None, :] - 0.8 * np.log(km / 1000))
        trade = rng.poisson(mean * rng.gamma(4.0, 0.25, mean.shape)).astype(float)
        assert (trade == 0).any()
        estimates.append(distance_fit(trade, km)[:2])
    coef = np.array([e[0] for e in estimates])
    assert abs(coef.mean() + 0.8) < 0.05
    covered = np.mean([abs(c + 0.8) < 1.96 * s for c, s in estimates])
    assert covered >= 0.8


def test_ppml_matches_a_poisson_glm_with_dummies():
    # The fixed effects partialled out give the same slopes as the dummies written out.
    rng = np.random.default_rng(3)
    n = 60
    g1, g2 = rng.integers(0, 5, n), rng.integers(0, 4, n)
    x = rng.normal(size=(n, 2))
    y = rng.poisson(np.exp(1 + 0.5 * x[:, 0] - 0.3 * x[:, 1] + 0.2 * g1 - 0.1 * g2))
    fit = ppml(y, x, [g1, g2])
    dummies = np.column_stack([x, np.eye(5)[g1], np.eye(4)[g2][:, 1:]])
    beta = np.zeros(dummies.shape[1])
    for _ in range(100):                    # Newton on the full Poisson likelihood
        mu = np.exp(dummies @ beta)
        beta += np.linalg.solve(dummies.T @ (mu[:, None] * dummies), dummies.T @ (y - mu))
    assert fit.coef == pytest.approx(beta[:2], abs=1e-7)


def test_groups_of_zero_flows_are_left_out():
    rng = np.random.default_rng(4)
    a, b, km = gravity_world(rng)
    trade = np.exp(4 + a[:, None] + b[None, :] - 1.0 * np.log(km))
    trade[3, :] = 0                          # an exporter that sells nothing
    trade[:, 7] = 0                          # an importer that buys nothing
    assert distance_fit(trade, km)[0] == pytest.approx(-1.0, abs=1e-6)


def synthetic_tariff_experiment(rng, epsilon: float, n: int = 12, sectors: int = 4):
    """Flows of a baseline and a scenario in which two countries tax each other: CES
    demand, X = exp(exporter-sector-run + importer-sector-run + pair) (1 + t)^-epsilon,
    with multiplicative noise."""
    pair = rng.normal(0, 1.5, (n, n, sectors))
    t_base = np.where(np.eye(n, dtype=bool)[:, :, None], 0.0,
                      rng.uniform(0, 0.1, (n, n, sectors)))
    t_scen = t_base.copy()
    t_scen[0, 1, :] += [0.25, 0.10, 0.05, 0.0]           # importer 1 taxes exporter 0
    t_scen[1, 0, :3] += 0.15                              # and 0 retaliates
    flows = []
    for tariff in (t_base, t_scen):
        exporter = rng.normal(0, 1, (n, 1, sectors))
        importer = rng.normal(0, 1, (1, n, sectors))
        mean = np.exp(6 + exporter + importer + pair) * (1 + tariff) ** -epsilon
        flows.append(mean * rng.lognormal(0, 0.005, mean.shape))
    return flows[0], flows[1], t_base, t_scen


def test_difference_in_differences_recovers_the_elasticity():
    rng = np.random.default_rng(5)
    base, scen, t_base, t_scen = synthetic_tariff_experiment(rng, 4.0)
    taxed = np.abs(t_scen - t_base) > 0
    eps, se = tariff_fit(base, scen, t_base, t_scen, [taxed])
    assert eps[0] == pytest.approx(4.0, abs=0.15) and se[0] < 0.5
    # One slope per taxing importer: both are the same CES elasticity.
    by = [taxed & (np.arange(12)[None, :, None] == i) for i in (1, 0)]
    eps, _ = tariff_fit(base, scen, t_base, t_scen, by)
    assert eps == pytest.approx([4.0, 4.0], abs=0.3)
    # A larger elasticity is told apart from it.
    base, scen, t_base, t_scen = synthetic_tariff_experiment(rng, 7.0)
    assert tariff_fit(base, scen, t_base, t_scen, [taxed])[0][0] == pytest.approx(7.0,
                                                                                    abs=0.2)


def test_effective_distance_weights_regions_by_their_share():
    # Two countries: A with regions a1 (weight 3) and a2 (weight 1), B with one region b.
    km = np.array([[0.0, 400.0, 1000.0], [400.0, 0.0, 2000.0], [1000.0, 2000.0, 0.0]])
    d = effective_distance(km, np.array([0, 0, 1]), np.array([3.0, 1.0, 5.0]), 2)
    assert d[0, 1] == pytest.approx(0.75 * 1000 + 0.25 * 2000)
    assert d[1, 0] == d[0, 1]
    # Inside A: 100 km inside each region, 400 km between them.
    assert d[0, 0] == pytest.approx(0.75 ** 2 * 100 + 0.25 ** 2 * 100 + 2 * 0.75 * 0.25 * 400)
    assert d[1, 1] == 100.0


# --- A small real ensemble through the command --------------------------------------------

SMALL = [arg for text in ("agents.consumers=45000", "agents.firms=5000", "steps=78",
                          "burn_in=24", "output.snapshots=[]") for arg in ("--set", text)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The baseline and the US-China tariffs (whose events start at step 60), seeds 7 and 8."""
    program = entrepot_program()
    folder = str(tmp_path_factory.mktemp("gravity") / "ens")
    done = subprocess.run([sys.executable, "-m", "entrepot_studies.ensemble", "run",
                           "--baseline", BASELINE, "--scenario", TARIFFS, "--seeds", "2",
                           "--first-seed", "7", "--dir", folder, *SMALL, "--jobs", "1",
                           "--threads", "2", "--entrepot", program],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return folder


def test_distance_table_of_a_real_run(runs, capsys, tmp_path):
    result = os.path.join(runs, "runs", "baseline-seed7.h5")
    assert main(["distance", result, "--years", "1"]) == 0
    out = capsys.readouterr().out
    assert "all sectors" in out and "business_services" in out
    line = next(l for l in out.splitlines() if l.startswith("all sectors"))
    elasticity = float(line.split()[3])
    assert -3.0 < elasticity < 0.0            # trade falls with distance
    assert "target range [-1.5, -0.5]" in out
    # Two runs: the interval is over runs; markdown to a file.
    other = os.path.join(runs, "runs", "baseline-seed8.h5")
    table = tmp_path / "distance.md"
    assert main(["distance", result, other, "--markdown", "--out", str(table)]) == 0
    text = table.read_text()
    assert "| flows | share of cross-border trade |" in text and "2 runs" in text


def test_tariffs_read_from_the_flows_are_the_scenarios(runs):
    # The US tariffs on China after the last event (step 74): MFN plus every addition, e.g.
    # components 0.03 + 0.10 + 0.05 + 0.04 + 0.06. Over steps 75-78 the duty charged over
    # the value shipped is that tariff, in every cell that traded.
    final = {"components": 0.28, "semiconductors": 0.25, "electronics": 0.16,
             "vehicles": 0.23, "consumer_goods": 0.215}
    value, duty = 0, 0
    for seed in (7, 8):
        with h5py.File(os.path.join(runs, "runs", f"us_china_tariffs-seed{seed}.h5")) as f:
            s = f["series"]
            country = list(s["exporter"].asstr()[:])
            sector = list(s["sector"].asstr()[:])
            cells = (country.index("CHN"), country.index("USA"),
                     [sector.index(name) for name in final])
            value = value + s["trade_value"][-4:][(slice(None),) + cells].sum(axis=0)
            duty = duty + s["trade_duty"][-4:][(slice(None),) + cells].sum(axis=0)
    # A small world: some of these flows may not trade in the window.
    assert (value > 0).sum() >= 2
    traded = value > 0
    assert (duty[traded] / value[traded]) == pytest.approx(
        np.array(list(final.values()))[traded], abs=1e-3)


def test_elasticity_table_over_seed_pairs(runs, capsys):
    assert main(["tariff", "--dir", runs, "--years", "1"]) == 0
    out = capsys.readouterr().out
    assert "2 seed pair(s)" in out and "steps 67–78" in out
    rows = {l.split("  ")[0]: l.split() for l in out.splitlines()
            if l.startswith(("all taxed cells", "taxed by"))}
    assert set(rows) == {"all taxed cells", "taxed by CHN", "taxed by USA"}
    assert float(rows["all taxed cells"][6]) > 0      # the taxed flows fall
    # The same pairs given as files.
    files = [os.path.join(runs, "runs", f"{c}-seed{s}.h5") for c in ("baseline",
             "us_china_tariffs") for s in (7, 8)]
    assert main(["tariff", "--baseline", *files[:2], "--scenario", *files[2:],
                 "--years", "1", "--markdown"]) == 0
    assert "| all taxed cells |" in capsys.readouterr().out
    # Unpaired files and a baseline against itself are refused with a reason.
    assert main(["tariff", "--baseline", *files[:2], "--scenario", files[2]]) == 2
    assert "paired by seed" in capsys.readouterr().err
    assert main(["tariff", "--baseline", files[0], "--scenario", files[0]]) == 2
    assert "no tariff experiment" in capsys.readouterr().err


def test_bad_input_is_one_line(tmp_path, capsys):
    assert main(["distance", str(tmp_path / "missing.h5")]) == 2
    assert "no such file" in capsys.readouterr().err
