"""A real sweep with the entrepot program: runs N at a time, resumes, reports a failing run
with its reason, reruns chosen runs and writes a summary that xarray opens."""
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
import xarray as xr

from entrepot_studies.outputs import IncompleteResult, completeness, open_result
from entrepot_studies.sweep import main

from conftest import BASELINE, SMALL_SET


def sweep(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "entrepot_studies.sweep", *args],
                          capture_output=True, text=True, timeout=300)


def mtimes(folder: str) -> dict[str, int]:
    return {name: os.stat(os.path.join(folder, name)).st_mtime_ns
            for name in os.listdir(folder) if name.endswith(".h5")}


def test_sweep_runs_resumes_and_summarizes(tmp_path, write_plan, entrepot, capsys):
    plan = write_plan(f"scenario: {BASELINE}\n{SMALL_SET}"
                      "parameters:\n"
                      "  - {path: behaviour.search_probability, name: search, values: [0.1, 0.3]}\n"
                      "seeds: [5, 6]\n"
                      "outputs: [gdp, unemployment_rate, trade, price,\n"
                      "          {series: trade_duty, name: duty, sum: [sector]}, "
                      "{series: produced}]\n")
    folder = str(tmp_path / "sweep")
    runs = os.path.join(folder, "runs")
    common = ["--dir", folder, "--entrepot", entrepot, "--threads", "1"]

    done = sweep("run", plan, *common, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "4 runs: 0 finished, starting 4" in done.stdout
    assert sorted(os.listdir(runs)) == [f"run000{i}.h5" for i in range(4)]
    with open(os.path.join(folder, "runs.csv")) as f:
        assert f.read().splitlines() == ["run,point,search,seed", "0,0,0.1,5", "1,0,0.1,6",
                                         "2,1,0.3,5", "3,1,0.3,6"]
    with h5py.File(os.path.join(runs, "run0003.h5"), "r") as f:
        assert int(f.attrs["seed"]) == 6 and f.attrs["status"] == "completed"
        assert "behaviour.search_probability=0.3" in f.attrs["overrides"].splitlines()

    # Resumed: nothing to do; then only a deleted run is run again.
    before = mtimes(runs)
    again = sweep("run", plan, *common, "--jobs", "2")
    assert again.returncode == 0 and "4 finished, starting 0" in again.stdout, again.stdout
    assert mtimes(runs) == before
    os.remove(os.path.join(runs, "run0002.h5"))
    again = sweep("run", plan, *common, "--jobs", "2")
    assert again.returncode == 0 and "3 finished, starting 1" in again.stdout, again.stdout
    after = mtimes(runs)
    assert {k for k in after if after[k] != before.get(k)} == {"run0002.h5"}

    # A chunk of a job array: everything already done.
    chunk = sweep("tasks", plan, *common, "--task", "1", "--of", "2")
    assert chunk.returncode == 0 and "2 runs: 2 finished, starting 0" in chunk.stdout

    # The summary: one record per run, the parameter and seed as coordinates.
    assert main(["summarize", "--dir", folder]) == 0
    with xr.open_dataset(os.path.join(folder, "summary.nc"), engine="h5netcdf") as summary:
        assert summary.sizes["run"] == 4 and summary.sizes["year"] == 2
        assert summary["search"].dims == ("run",)
        assert summary["search"].values.tolist() == [0.1, 0.1, 0.3, 0.3]
        assert summary["seed"].values.tolist() == [5, 6, 5, 6]
        assert summary["gdp"].dims == ("run", "year", "country")
        assert summary["trade"].dims == ("run", "year", "exporter", "importer")
        assert summary["price"].dims == ("run", "year", "region", "sector")
        assert bool(summary["finished"].all())
        assert np.isfinite(summary["gdp_last"]).all() and (summary["gdp_last"] > 0).all()
        rate = summary["unemployment_rate"]
        assert float(rate.min()) >= 0 and float(rate.max()) <= 1
        # Same point and seed, other runs: the seeds make a difference.
        assert summary["gdp_last"][0] != summary["gdp_last"][1]
        # GDP per country matches the run file: value added of its regions, year 2.
        with h5py.File(os.path.join(runs, "run0001.h5"), "r") as f:
            series = f["series"]
            codes = series["region_country_code"].asstr()[:]
            va = series["value_added"][12:24] / series["value_added"].attrs["scale"]
            usa = va[:, codes == "USA"].sum(axis=1).mean()
        assert np.isclose(float(summary["gdp"].sel(year=2, country="USA")[1]), usa)
        # Outputs the plan names: a series summed over sectors, and one over steps only.
        duty = summary["duty"]
        assert duty.dims == ("run", "year", "exporter", "importer")
        assert duty.attrs["units"] == "US$"
        assert summary["produced"].dims == ("run", "year")
        with h5py.File(os.path.join(runs, "run0001.h5"), "r") as f:
            raw = f["series/trade_duty"]
            want = (raw[12:24] / raw.attrs["scale"]).sum(axis=3).mean(axis=0)
            produced = f["series/produced"][12:24].mean() / f["series/produced"].attrs["scale"]
        assert np.allclose(duty.sel(year=2)[1].values, want)
        assert want.sum() > 0 and np.isclose(float(summary["duty_last"][1]), want.sum())
        assert duty.sel(exporter="USA", importer="CHN").shape == (4, 2)
        assert np.isclose(float(summary["produced"].sel(year=2)[1]), produced)
        assert np.isclose(float(summary["produced_last"][1]), produced)

    # The effect of one design point against another, over their runs paired by seed.
    capsys.readouterr()
    out = str(tmp_path / "effect.json")
    assert main(["effect", "--dir", folder, "--point", "1", "--against", "0", "unemployment",
                 "region=USA-Coast", "--relative", "--yearly", "--json", out]) == 0
    text = capsys.readouterr().out
    assert text.startswith("against point 0 (search=0.1)\neffect on unemployment"), text
    assert "point 1 (search=0.3)" in text
    with open(out) as f:
        record = json.load(f)
    assert record["point"] == 1 and record["against"] == 0
    assert [r["k"] for r in record["results"]] == [2, 2, 2]       # the window, years 1 and 2
    assert record["results"][0]["seeds"] == [5, 6]
    assert main(["effect", "--dir", folder, "--point", "7", "--against", "0",
                 "unemployment"]) == 2
    assert "point 7: not in this sweep; allowed: 0 to 1" in capsys.readouterr().err

    # A series or a dimension that the run files do not have: an error naming the run file.
    state_path = os.path.join(folder, "sweep.json")
    with open(state_path) as f:
        state = json.load(f)
    capsys.readouterr()
    for wrong, words in (({"series": "tariffs", "sum": []}, "no series 'tariffs' in /series; "
                          "there are: money, exchange_rate"),
                         ({"series": "wage", "sum": ["sector"]}, "series 'wage' has no "
                          "dimension 'sector' to sum over; its dimensions: region")):
        state["series_outputs"][1].update(wrong)
        with open(state_path, "w") as f:
            json.dump(state, f)
        assert main(["summarize", "--dir", folder]) == 2
        err = capsys.readouterr().err
        assert f"{os.path.join(runs, 'run0000.h5')}: output 'produced': " in err, err
        assert words in err, err


def two_run_sweep(tmp_path, write_plan, entrepot, settings, parameter):
    """Runs a small sweep of two points of `parameter` (a plan line) with one seed, two at a
    time; returns the plan, the sweep folder, the common arguments and the finished command."""
    plan = write_plan(f"scenario: {BASELINE}\n{SMALL_SET}{settings}"
                      f"parameters:\n  - {parameter}\nseeds: 1\n")
    folder = str(tmp_path / "sweep")
    common = ["--dir", folder, "--entrepot", entrepot, "--threads", "1"]
    return plan, folder, common, sweep("run", plan, *common, "--jobs", "2")


def test_failed_run_is_reported_and_rerun_alone(tmp_path, write_plan, entrepot):
    plan, folder, common, done = two_run_sweep(
        tmp_path, write_plan, entrepot, "",
        "{path: behaviour.search_probability, values: [0.2, 1.5]}")
    assert done.returncode == 1
    assert "run 1: --set behaviour.search_probability=1.5: " in done.stderr, done.stderr
    assert "out of range" in done.stderr and "--only 1" in done.stderr
    runs = os.path.join(folder, "runs")
    assert sorted(os.listdir(runs)) == ["run0000.h5", "run0001.log"]
    status = sweep("status", "--dir", folder)
    assert "finished: 1" in status.stdout and "failed: 1 (1)" in status.stdout

    # Only the failed run is tried again (and fails again); the finished one stays.
    before = mtimes(runs)
    again = sweep("run", plan, *common, "--only", "1")
    assert again.returncode == 1 and "1 runs: 0 finished, starting 1" in again.stdout
    assert mtimes(runs) == before

    # A summary of a partial sweep marks the missing run.
    assert main(["summarize", "--dir", folder]) == 0
    with xr.open_dataset(os.path.join(folder, "summary.nc"), engine="h5netcdf") as summary:
        assert summary["finished"].values.tolist() == [True, False]
        assert np.isnan(summary["gdp_last"][1])


def test_a_batched_sweep_writes_the_same_runs(tmp_path, write_plan, entrepot):
    plan = write_plan(f"scenario: {BASELINE}\n{SMALL_SET}"
                      "parameters:\n"
                      "  - {path: behaviour.search_probability, values: [0.1, 1.5]}\n"
                      "seeds: [5, 6]\n")
    apart, together = str(tmp_path / "apart"), str(tmp_path / "together")
    common = ["--entrepot", entrepot, "--jobs", "2"]
    sweep("run", plan, "--dir", apart, *common, "--threads", "1")
    done = sweep("run", plan, "--dir", together, *common, "--batch")
    # Point 1 (1.5) is out of range: its two runs fail with the reason, the others finish.
    assert done.returncode == 1 and "in one batch" in done.stdout, done.stdout
    assert "run 2: --set behaviour.search_probability=1.5: " in done.stderr, done.stderr
    runs = os.path.join(together, "runs")
    assert sorted(f for f in os.listdir(runs) if f.startswith("run")) == \
        ["run0000.h5", "run0001.h5", "run0002.log", "run0003.log"]
    for name in ("run0000.h5", "run0001.h5"):
        same = subprocess.run([entrepot, "compare", os.path.join(apart, "runs", name),
                               os.path.join(runs, name)], capture_output=True, text=True)
        assert same.returncode == 0, same.stdout
    status = sweep("status", "--dir", together)
    assert "finished: 2" in status.stdout and "failed: 2 (2-3)" in status.stdout, status.stdout
    # Resumed in a batch: only the failed ones are tried again.
    again = sweep("run", plan, "--dir", together, *common, "--batch")
    assert "2 finished, starting 2" in again.stdout, again.stdout


def test_bad_plan_exits_2(tmp_path, write_plan):
    plan = write_plan(f"scenario: {BASELINE}\nparameters:\n  - {{path: a.b}}\n")
    done = sweep("run", plan, "--dir", str(tmp_path / "sweep"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"{plan}:3:5: a parameter without values")\
        or "needs either values or range" in done.stderr, done.stderr


def test_another_plan_is_refused(tmp_path, write_plan, entrepot):
    folder = str(tmp_path / "sweep")
    first = write_plan(f"scenario: {BASELINE}\nparameters:\n  - {{path: a.b, values: [1]}}\n",
                       "a.yaml")
    second = write_plan(f"scenario: {BASELINE}\nparameters:\n  - {{path: a.b, values: [2]}}\n",
                        "b.yaml")
    assert sweep("expand", first, "--dir", folder).returncode == 0
    done = sweep("expand", second, "--dir", folder)
    assert done.returncode == 2 and "another plan" in done.stderr


def test_broken_economy_is_listed_by_reason(tmp_path, write_plan, entrepot, capsys):
    _, folder, _, done = two_run_sweep(
        tmp_path, write_plan, entrepot, "  health.unemployment_min_households: 0\n",
        "{path: health.unemployment_limit, values: [0.99, 0.01]}")
    assert done.returncode == 1
    assert "run 1: entrepot: the economy broke at step " in done.stderr, done.stderr
    runs = os.path.join(folder, "runs")
    # The broken run keeps its steps, marked failed, beside its log.
    assert sorted(os.listdir(runs)) == ["run0000.h5", "run0001.failed.h5", "run0001.log"]
    failed = os.path.join(runs, "run0001.failed.h5")
    with pytest.raises(IncompleteResult, match="the run is failed after step .*: the economy "
                                               "broke: country"):
        open_result(failed)
    with open_result(failed, allow_incomplete=True) as f:
        assert completeness(f)[0] == "failed"
    with open_result(os.path.join(runs, "run0000.h5")) as f:
        assert completeness(f) == ("completed", "", 24)

    status = sweep("status", "--dir", folder)
    assert "failed: 1 (1)" in status.stdout
    assert "failed (1): entrepot: the economy broke at step N of N: country" in status.stdout

    capsys.readouterr()
    assert main(["summarize", "--dir", folder]) == 0
    out = capsys.readouterr().out
    assert "1 runs failed:" in out and "runs 1: entrepot: the economy broke" in out, out
    with xr.open_dataset(os.path.join(folder, "summary.nc"), engine="h5netcdf") as summary:
        assert summary["finished"].values.tolist() == [True, False]
        failure = summary["failure"].values.tolist()
        assert failure[0] == "" and "the economy broke" in failure[1]
        assert summary.attrs["runs_failed"] == 1
