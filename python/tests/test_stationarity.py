"""The stationarity checks (entrepot_studies.stationarity): a result file written here with
known yearly paths passes or fails the checks it should; bad input is refused with one clear
error; a real small run goes through the command."""
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import BASELINE, PACKAGE
from entrepot_studies.stationarity import StationarityError, check, main

COUNTRIES = ["AAA", "BBB"]
REGIONS = ["AAA-1", "AAA-2", "BBB"]
REGION_COUNTRY = ["AAA", "AAA", "BBB"]
SECTORS = ["ore", "services"]
STEPS_PER_YEAR = 4
YEARS = 5


def write(path, *, output_drift=0.0, unemployed=(5, 5, 5), idle_block=False, idle_years=1,
          with_output=True, years=YEARS, last_year_unemployed=None, bbb_cpi_drift=0.0,
          bbb_rate_drift=None, trader_drift=None):
    """A result file whose every step of year y has world value added 1000·(1 + drift·y),
    CPI 1 (BBB's 1 + bbb_cpi_drift·y), the given unemployed per region (of 100 people) and
    constant money shares; with bbb_rate_drift, exchange rates 1 (BBB's 1 − drift·y); with
    trader_drift, traders in AAA-1 selling 100·(1 + drift·y) and none elsewhere."""
    steps = years * STEPS_PER_YEAR
    year = np.arange(steps) // STEPS_PER_YEAR + 1
    with h5py.File(path, "w") as f:
        f.attrs["status"] = "completed"
        s = f.create_group("series")
        step = s.create_dataset("step", data=np.arange(1, steps + 1, dtype=np.int32))
        step.attrs["steps_per_year"] = STEPS_PER_YEAR
        for name, labels in (("exporter", COUNTRIES), ("importer", COUNTRIES),
                             ("region", REGIONS), ("sector", SECTORS),
                             ("region_country_code", REGION_COUNTRY),
                             ("holder", ["firms", "consumers", "governments", "owners"])):
            s.create_dataset(name, data=np.array(labels, dtype=object),
                             dtype=h5py.string_dtype())
        va = np.outer(1000.0 * (1 + output_drift * year), [0.3, 0.3, 0.4])
        s.create_dataset("value_added", data=va.astype(np.int64))
        s.create_dataset("consumption", data=va.astype(np.int64))
        cpi = np.ones((steps, 3))
        cpi[:, 2] = 1 + bbb_cpi_drift * year
        s.create_dataset("cpi", data=cpi)
        if bbb_rate_drift is not None:
            rate = np.ones((steps, 2))
            rate[:, 1] = 1 - bbb_rate_drift * year
            s.create_dataset("exchange_rate", data=rate)
        if trader_drift is not None:
            sales = np.zeros((steps, 3))
            sales[:, 0] = 100.0 * (1 + trader_drift * year)
            s.create_dataset("trader_sales", data=sales.astype(np.int64))
        u = np.tile(np.array(unemployed, dtype=np.int64), (steps, 1))
        if last_year_unemployed is not None:
            u[-STEPS_PER_YEAR:] = np.array(last_year_unemployed, dtype=np.int64)
        s.create_dataset("unemployment", data=u)
        s.create_dataset("employment", data=100 - u)
        s.create_dataset("money", data=np.tile(np.array([400, 600, 0, 0], dtype=np.int64),
                                               (steps, 1)))
        if with_output:
            output = np.full((steps, 3, 2), 10, dtype=np.int64)
            if idle_block:
                output[-idle_years * STEPS_PER_YEAR:, 2, 0] = 0
            s.create_dataset("output", data=output)


def results(checks):
    return {c.name: c.passed for c in checks}


def test_a_steady_file_passes_every_check(tmp_path):
    path = str(tmp_path / "steady.h5")
    write(path)
    checks, context = check(path)
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]
    assert context["from_year"] == 2 and context["to_year"] == YEARS
    assert main([path]) == 0


def test_drift_unemployment_and_idle_blocks_fail_their_checks(tmp_path):
    drifting = str(tmp_path / "drift.h5")
    write(drifting, output_drift=0.05)       # year 2: 1.10, year 5: 1.25 → +13.6%
    got = results(check(drifting)[0])
    assert not got["world real output (value added / CPI)"]
    assert got["world CPI"] and got["world unemployment rate"]
    assert main([drifting]) == 1
    assert results(check(drifting, tolerance=0.2)[0])["world real output (value added / CPI)"]

    slack = str(tmp_path / "slack.h5")
    write(slack, unemployed=(30, 30, 5))
    got = results(check(slack)[0])
    assert not got["unemployment of AAA, yearly"] and got["unemployment of BBB, yearly"]
    assert results(check(slack, band=(0.02, 0.35))[0])["unemployment of AAA, yearly"]
    # Countries below min_households are left out of the band: AAA has 200, BBB 100.
    got = results(check(slack, min_households=150)[0])
    assert not got["unemployment of AAA, yearly"] and "unemployment of BBB, yearly" not in got

    idle = str(tmp_path / "idle.h5")
    write(idle, idle_block=True)
    (block,) = [c for c in check(idle)[0] if c.name == "every region × sector produces"]
    assert not block.passed and "BBB/ore" in block.note
    # One idle year is allowed with idle_years=1; two in a row are not.
    (block,) = [c for c in check(idle, idle_years=1)[0]
                if c.name == "every region × sector produces"]
    assert block.passed
    write(idle, idle_block=True, idle_years=2)
    (block,) = [c for c in check(idle, idle_years=1)[0]
                if c.name == "every region × sector produces"]
    assert not block.passed and "BBB/ore" in block.note


def test_one_countrys_prices_and_currency_are_checked_apart(tmp_path):
    # BBB's CPI 1.1 in year 2, 1.25 in year 5: +13.6%, while the world CPI (weighted by
    # spending, BBB 40%) moves +5%; its currency 0.96 → 0.9: −6.3%.
    drifting = str(tmp_path / "bbb.h5")
    write(drifting, bbb_cpi_drift=0.05, bbb_rate_drift=0.02)
    checks = check(drifting, tolerance=0.1)[0]
    got = results(checks)
    assert not got["CPI of BBB"] and got["CPI of AAA"] and got["world CPI"]
    assert got["exchange rate of BBB"] and got["exchange rate of AAA"]
    (rate,) = [c for c in checks if c.name == "exchange rate of BBB"]
    assert abs(rate.measure - 0.06 / 0.96) < 1e-9
    assert not results(check(drifting, country_tolerance=0.05)[0])["exchange rate of BBB"]
    assert results(check(drifting, country_tolerance=0.15)[0])["CPI of BBB"]
    assert main([drifting, "--tolerance", "0.1", "--country-tolerance", "0.15"]) == 0


def test_traders_that_shrink_fail_their_region_check(tmp_path):
    # AAA-1's traders sell 110 in year 2 and 125 in year 5 (+13.6%); no other region has any.
    path = str(tmp_path / "traders.h5")
    write(path, trader_drift=0.05)
    got = results(check(path)[0])
    assert not got["traders' real sales in AAA-1"]
    assert "traders' real sales in AAA-2" not in got and "traders' real sales in BBB" not in got
    assert results(check(path, country_tolerance=0.15)[0])["traders' real sales in AAA-1"]
    write(path, trader_drift=0.0)
    assert results(check(path)[0])["traders' real sales in AAA-1"]


def test_rates_and_shares_are_compared_in_points(tmp_path):
    # World unemployment 5% → 6.33%: 1.33 points (27% relative) is within two points.
    near = str(tmp_path / "near.h5")
    write(near, last_year_unemployed=(6, 6, 7))
    (rate,) = [c for c in check(near)[0] if c.name == "world unemployment rate"]
    assert rate.passed and abs(rate.measure - 4 / 300) < 1e-12 and "points" in rate.limit
    # 5% → 8%: three points fail, and pass with --points 0.04.
    far = str(tmp_path / "far.h5")
    write(far, last_year_unemployed=(8, 8, 8))
    assert not results(check(far)[0])["world unemployment rate"]
    assert results(check(far, points=0.04)[0])["world unemployment rate"]
    assert main([far, "--points", "0.04"]) == 0


def test_a_file_without_output_says_so(tmp_path):
    path = str(tmp_path / "old.h5")
    write(path, with_output=False)
    (block,) = [c for c in check(path)[0] if c.name == "every region × sector produces"]
    assert not block.passed and "not measured" in block.note


def test_bad_input_is_refused(tmp_path, capsys):
    with pytest.raises(StationarityError, match="cannot open"):
        check(str(tmp_path / "missing.h5"))
    short = str(tmp_path / "short.h5")
    write(short, years=2)
    with pytest.raises(StationarityError, match="compares year 2"):
        check(short)
    assert main([short]) == 2
    assert "stationarity:" in capsys.readouterr().err
    assert main([short, "--unemployment", "low"]) == 2


def test_a_real_small_run_goes_through_the_command(tmp_path, entrepot):
    out = str(tmp_path / "small.h5")
    subprocess.run([entrepot, "run", BASELINE, "--set", "agents.consumers=9000",
                    "--set", "agents.firms=1000", "--set", "steps=36",
                    "--set", "output.snapshots=[]", "--out", out, "--quiet"], check=True)
    env = dict(os.environ, PYTHONPATH=PACKAGE)
    done = subprocess.run([sys.executable, "-m", "entrepot_studies.stationarity", out],
                          capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1), done.stderr
    assert "year 2 against year 3" in done.stdout
    assert "every region × sector produces" in done.stdout


def test_an_incomplete_run_is_refused_unless_allowed(tmp_path, capsys):
    path = str(tmp_path / "stopped.h5")
    write(path)
    with h5py.File(path, "a") as f:
        f.attrs["status"] = "interrupted"
        f.attrs["status_reason"] = "stopped by signal 15"
        f.attrs["status_step"] = np.int64(12)
    with pytest.raises(StationarityError, match="the run is interrupted after step 12: "
                                                "stopped by signal 15"):
        check(path)
    checks, _ = check(path, allow_incomplete=True)
    assert all(c.passed for c in checks)
    assert main([path]) == 2 and "allow-incomplete" in capsys.readouterr().err
    assert main([path, "--allow-incomplete"]) == 0

    killed = str(tmp_path / "killed.h5")  # no end record at all
    write(killed)
    with h5py.File(killed, "a") as f:
        del f.attrs["status"]
    with pytest.raises(StationarityError, match="the run is unfinished after step 20"):
        check(killed)
