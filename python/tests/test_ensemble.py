"""Seed ensembles (scripts/ensemble): the interval arithmetic on numbers with a known answer,
then one small real ensemble - the baseline, the US-China tariffs and a copy of the baseline,
two seeds - that runs, resumes, selects series by labels and reports effects."""
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
from scipy import stats

from entrepot_studies.effects import paired_effect
from entrepot_studies.ensemble import main

from conftest import BASELINE, ROOT, entrepot_program

TARIFFS = os.path.join(ROOT, "configs", "us_china_tariffs.yaml")
# A small world, four simulated years past a short burn-in: the tariffs' last event is at 74.
# (At 2·10^4 agents a country's specialised sector is a firm or two, and half the seeds break
# down within the 78 steps, docs/model.md §8; at 5·10^4 twelve seeds of twelve run 120 steps.)
def small(steps: int = 78) -> list[str]:
    return [arg for text in ("agents.consumers=45000", "agents.firms=5000", f"steps={steps}",
                             "burn_in=24", "output.snapshots=[]") for arg in ("--set", text)]


SMALL = small()


def ensemble(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "entrepot_studies.ensemble", *args],
                          capture_output=True, text=True, timeout=300)


def mtimes(folder: str) -> dict[str, int]:
    return {n: os.stat(os.path.join(folder, n)).st_mtime_ns for n in os.listdir(folder)}


# --- The statistics ----------------------------------------------------------------------

def test_interval_of_known_differences():
    base = np.array([10.0, 12.0, 11.0, 13.0, 9.0])
    r = paired_effect(base, base + [1, 2, 3, 4, 5])
    # d = 1..5: mean 3, sd sqrt(2.5), se sqrt(0.5), t(0.975, 4) = 2.7764451
    assert r["k"] == 5 and r["effect"] == pytest.approx(3.0)
    assert r["se"] == pytest.approx(np.sqrt(0.5))
    assert r["low"] == pytest.approx(3 - 2.7764451 * np.sqrt(0.5))
    assert r["high"] == pytest.approx(3 + 2.7764451 * np.sqrt(0.5))
    low, high = stats.t.interval(0.95, 4, loc=3.0, scale=stats.sem([1, 2, 3, 4, 5]))
    assert (r["low"], r["high"]) == pytest.approx((low, high))
    assert r["excludes_zero"]
    assert r["baseline_mean"] == pytest.approx(11.0)
    assert r["baseline_sd"] == pytest.approx(np.std(base, ddof=1))
    # The paired t-test agrees: its p-value is below 0.05 exactly when 0 is outside.
    assert stats.ttest_rel(base + [1, 2, 3, 4, 5], base).pvalue < 0.05

    rel = paired_effect([2.0, 4.0], [3.0, 2.0], relative=True)      # d = +0.5, -0.5
    assert rel["effect"] == pytest.approx(0.0) and rel["se"] == pytest.approx(0.5)
    assert rel["high"] == pytest.approx(stats.t.ppf(0.975, 1) * 0.5)   # 12.706 * 0.5
    assert not rel["excludes_zero"]


def test_constant_differences_give_zero_width_intervals():
    zero = paired_effect([5.0, 6.0, 7.0], [5.0, 6.0, 7.0])
    assert (zero["effect"], zero["se"], zero["low"], zero["high"]) == (0.0, 0.0, 0.0, 0.0)
    assert not zero["excludes_zero"]
    two = paired_effect([5.0, 6.0, 7.0], [7.0, 8.0, 9.0])
    assert two["low"] == two["high"] == 2.0 and two["excludes_zero"]
    one = paired_effect([5.0], [6.0])
    assert one["effect"] == 1.0 and np.isnan(one["se"]) and not one["excludes_zero"]


# --- A real ensemble ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The baseline, the tariffs and `same` (the baseline again), seeds 7 and 8."""
    program = entrepot_program()
    tmp = tmp_path_factory.mktemp("ensemble")
    same = tmp / "same.yaml"
    same.write_text(f"base: {BASELINE}\nname: same\n")
    folder = str(tmp / "ens")
    done = ensemble("run", "--baseline", BASELINE, "--scenario", TARIFFS, "--scenario",
                    str(same), "--seeds", "2", "--first-seed", "7", "--dir", folder, *SMALL,
                    "--jobs", "3", "--threads", "1", "--entrepot", program)
    assert done.returncode == 0, done.stderr
    assert "6 runs: 0 finished, starting 6" in done.stdout
    return folder


def effect(folder: str, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["effect", "--dir", folder, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_runs_are_recorded_and_resumed(folder):
    runs = os.path.join(folder, "runs")
    names = [f"{c}-seed{s}.h5" for s in (7, 8) for c in ("baseline", "us_china_tariffs",
                                                          "same")]
    assert sorted(os.listdir(runs)) == sorted(names)
    with open(os.path.join(folder, "runs.csv")) as f:
        assert f.read().splitlines()[:3] == ["run,config,seed,file",
                                             "0,baseline,7,runs/baseline-seed7.h5",
                                             "1,us_china_tariffs,7,runs/us_china_tariffs-seed7.h5"]
    with open(os.path.join(folder, "ensemble.json")) as f:
        state = json.load(f)
    assert state["seeds"] == [7, 8] and "steps=78" in state["overrides"]
    with h5py.File(os.path.join(runs, "us_china_tariffs-seed8.h5"), "r") as f:
        assert int(f.attrs["seed"]) == 8 and "steps=78" in f.attrs["overrides"].splitlines()

    before = mtimes(runs)
    again = ensemble("run", "--dir", folder, "--entrepot", entrepot_program())
    assert again.returncode == 0 and "6 runs: 6 finished, starting 0" in again.stdout
    chunk = ensemble("tasks", "--dir", folder, "--task", "1", "--of", "2",
                     "--entrepot", entrepot_program())
    assert chunk.returncode == 0 and "3 runs: 3 finished, starting 0" in chunk.stdout
    assert mtimes(runs) == before
    assert "finished: 6" in ensemble("status", "--dir", folder).stdout

    # Other settings in the same folder are refused.
    same = os.path.join(os.path.dirname(folder), "same.yaml")
    other = ensemble("run", "--baseline", BASELINE, "--scenario", TARIFFS, "--scenario", same,
                     "--seeds", "3", "--first-seed", "7", "--dir", folder, *SMALL)
    assert other.returncode == 2, other.stderr
    assert "other settings: --seeds/--first-seed differs ([7, 8] there, [7, 8, 9] here)" \
        in other.stderr


def test_identical_configs_have_exactly_zero_effect(folder, capsys, tmp_path):
    out = str(tmp_path / "same.json")
    for args in (["trade_value", "exporter=CHN", "importer=USA"], ["cpi", "--relative"],
                 ["value_added", "country=USA", "--yearly"], ["produced"]):
        code, text, err = effect(folder, capsys, *args, "--scenario", "same", "--json", out)
        assert code == 0, err
        assert "every scenario run is identical to its baseline run" in text
        with open(out) as f:
            rows = json.load(f)["results"]
        for row in rows:
            assert row["effect"] == row["se"] == row["low"] == row["high"] == 0.0
            assert row["effects"] == [0.0, 0.0] and not row["excludes_zero"]


def test_tariff_effect_over_seed_pairs(folder, capsys, tmp_path):
    out = str(tmp_path / "effect.json")
    code, text, err = effect(folder, capsys, "trade_value", "exporter=CHN", "importer=USA",
                             "--scenario", "us_china_tariffs", "--yearly", "--json", out)
    assert code == 0, err
    print(text)
    lines = text.splitlines()
    assert lines[0] == "effect on trade_value exporter=CHN importer=USA (summed over sector; " \
                       "US$)"
    assert "window: steps 60-78 (the first step where a scenario run differs" in lines[1]
    assert lines[3].split()[:4] == ["scenario", "year", "steps", "K"]
    assert [line.split()[:3] for line in lines[4:]] == [
        ["us_china_tariffs", "all", "60-78"], ["us_china_tariffs", "5", "60-60"],
        ["us_china_tariffs", "6", "61-72"], ["us_china_tariffs", "7", "73-78"]]
    with open(out) as f:
        record = json.load(f)
    whole = record["results"][0]
    assert whole["k"] == 2 and whole["seeds"] == [7, 8] and record["combine"] == "sum"
    assert whole["low"] <= whole["effect"] <= whole["high"]

    # Each seed's effect, from the run files: the window mean of CHN->USA over all sectors.
    def mean(name: str, seed: int) -> float:
        with h5py.File(os.path.join(folder, "runs", f"{name}-seed{seed}.h5"), "r") as f:
            s = f["series"]
            raw = s["trade_value"][59:78, 0, 1, :]        # steps 60-78; CHN, USA first
            assert list(s["exporter"].asstr()[:2]) == ["CHN", "USA"]
            return raw.sum(axis=1).mean() / s["trade_value"].attrs["scale"]
    want = [mean("us_china_tariffs", s) - mean("baseline", s) for s in (7, 8)]
    assert whole["effects"] == pytest.approx(want)
    assert whole["baseline_mean"] == pytest.approx((mean("baseline", 7) +
                                                    mean("baseline", 8)) / 2)
    assert whole["effect"] < 0        # the tariffs cut China's exports to the US

    # Rates are averaged: the CPI of the USA's two regions, relative to the baseline's.
    code, text, err = effect(folder, capsys, "cpi", "country=USA", "--relative",
                             "--from", "61", "--to", "72", "--json", out)
    assert code == 0, err
    assert "(averaged over region; 1)" in text and "steps 61-72 (--from)" in text
    with open(out) as f:
        rows = json.load(f)["results"]
    with h5py.File(os.path.join(folder, "runs", "baseline-seed7.h5"), "r") as f:
        codes = f["series/region_country_code"].asstr()[:]
        base = f["series/cpi"][60:72][:, codes == "USA"].mean()
    assert [r["scenario"] for r in rows] == ["us_china_tariffs", "same"]
    with h5py.File(os.path.join(folder, "runs", "baseline-seed8.h5"), "r") as f:
        base8 = f["series/cpi"][60:72][:, codes == "USA"].mean()
    assert rows[0]["baseline_mean"] == pytest.approx((base + base8) / 2)


@pytest.mark.parametrize("args, words", [
    (["tariffs"], "no series 'tariffs' in /series; allowed: money, exchange_rate"),
    (["trade_value", "region=SGP"], "trade_value has no dimension 'region'; allowed: "
                                    "exporter, importer, sector"),
    (["produced", "sector=metals"], "produced has no dimension 'sector'; allowed: none"),
    (["unemployment", "region=Singapore"], "no region 'Singapore' in unemployment; allowed: "
                                           "CHN-Shanghai, CHN-Coast"),
    (["wage", "country=XXX,USA"], "no country 'XXX' in wage; allowed: CHN, USA, EU27"),
    (["trade_value", "exporter=CHN", "exporter=USA"], "exporter is selected twice"),
    (["cpi", "USA"], "'USA': a selector is DIM=LABEL"),
    (["cpi", "--scenario", "rcep"], "--scenario rcep: not in this ensemble; allowed: "
                                    "us_china_tariffs, same"),
    (["cpi", "--from", "10", "--to", "200"], "allowed: steps with 1 <= from <= to <= 78"),
])
def test_selection_errors_say_what_is_allowed(folder, capsys, args, words):
    code, _, err = effect(folder, capsys, *args)
    assert code == 2 and words in err, err


def test_another_world_is_refused(tmp_path):
    other = tmp_path / "bigger.yaml"
    other.write_text(f"base: {BASELINE}\nname: bigger\nregions:\n"
                     "  - {name: CHL-North, country: CHL, lat: -23.6, lon: -70.4, "
                     "population: 1.0, gdp: 30000, productivity: 1.0}\n")
    done = ensemble("run", "--baseline", BASELINE, "--scenario", str(other), "--seeds", "2",
                    "--dir", str(tmp_path / "ens"))
    assert done.returncode == 2
    assert f"{other}: its world differs from the baseline's" in done.stderr
    assert 'regions: adds ["CHL-North", "CHL"]' in done.stderr
    assert not os.path.exists(tmp_path / "ens")
    same = ensemble("run", "--baseline", BASELINE, "--scenario", BASELINE, "--seeds", "2",
                    "--dir", str(tmp_path / "ens"))
    assert same.returncode == 2 and "two configs named 'baseline'" in same.stderr

    # A config that changed since its runs were recorded.
    tariffs = tmp_path / "tariffs.yaml"
    tariffs.write_text(f"base: {TARIFFS}\nname: tariffs\n")
    args = ["prepare", "--baseline", BASELINE, "--scenario", str(tariffs), "--seeds", "2",
            "--dir", str(tmp_path / "changed")]
    assert ensemble(*args).returncode == 0
    tariffs.write_text(f"base: {TARIFFS}\nname: tariffs\nsteps: 100\n")
    done = ensemble(*args)
    assert done.returncode == 2 and f"{tariffs} (or a base file of it) has changed" in done.stderr


def test_failed_runs_are_reported_and_rerun(tmp_path):
    program = entrepot_program()
    failing = tmp_path / "entrepot"       # fails the runs of seed 2
    failing.write_text("#!/bin/bash\nfor a in \"$@\"; do [[ $prev == --seed && $a == 2 ]] "
                       "&& { echo 'broken on purpose' >&2; exit 3; }; prev=$a; done\n"
                       f"exec {program} \"$@\"\n")
    failing.chmod(0o755)
    same = tmp_path / "same.yaml"
    same.write_text(f"base: {BASELINE}\nname: same\n")
    folder = str(tmp_path / "ens")
    common = ["--dir", folder, "--jobs", "2", "--threads", "1"]
    done = ensemble("run", "--baseline", BASELINE, "--scenario", str(same), "--seeds", "2",
                    *small(30), *common, "--entrepot", str(failing))
    assert done.returncode == 1
    assert "run 2: broken on purpose (log: " in done.stderr and "--only 2,3" in done.stderr
    assert os.path.exists(os.path.join(folder, "runs", "same-seed2.log"))
    partial = ensemble("effect", "--dir", folder, "produced")
    assert partial.returncode == 0 and "seeds 2 left out" in partial.stderr
    row = partial.stdout.splitlines()[-1].split()
    assert row[3] == "1" and row[5:] == ["nan", "0", "nan", "[nan,", "nan]", "n/a"], row
    again = ensemble("run", *common, "--only", "2,3", "--entrepot", program)
    assert again.returncode == 0 and "2 runs: 0 finished, starting 2" in again.stdout
    assert sorted(os.listdir(os.path.join(folder, "runs"))) == [
        "baseline-seed1.h5", "baseline-seed2.h5", "same-seed1.h5", "same-seed2.h5"]
