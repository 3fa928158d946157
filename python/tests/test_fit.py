"""The calibration fit table (entrepot_studies.fit): a result file written here with known
values gives known table entries; bad input gives one clear error; a real small run goes
through the command; the targets file agrees with the baseline it documents."""
import csv
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
import yaml

from conftest import BASELINE, PACKAGE
from entrepot_studies.fit import (TARGETS, FitError, Target, carbon_price, config_sections,
                                  fit_table, emissions_share, load_targets, main, offshore_share, open_window,
                                  region_trade_share, sector_kinds, transshipment_share)

COUNTRIES = ["CHN", "USA", "ROW"]
REGIONS = ["CHN-Shanghai", "CHN-Coast", "CHN-Inland", "USA-Coast", "USA-Inland", "ROW"]
REGION_COUNTRY = ["CHN", "CHN", "CHN", "USA", "USA", "ROW"]
POPULATION = [1, 9, 40, 4, 4, 100]
HUBS = ["CHN-Shanghai", "USA-Coast"]       # the regions on the hub axis
SECTORS = [("metals", "commodity"), ("components", "intermediate"), ("vehicles", "final"),
           ("business_services", "service")]
STEPS_PER_YEAR = 2
STEPS = 6          # three years; the fit's window is the last two (steps 3-6)
CARBON_MARKETS = ["EU_ETS", "CHN_ETS"]
# Allowance prices by step (currency/t, float64, no scale) and exchange rates by step (US$ per
# unit, CHN, USA, ROW): in the window (steps 3-6) CHN_ETS at 40, 60, 80, 100 yuan and the
# yuan at 0.1, 0.2, 0.1, 0.2 US$ give 4, 12, 8, 20 US$, a mean of 11 (the product of the
# means would be 10.5); the first year's 1000s are outside the window.
CARBON_PRICE = np.array([[1000, 1000], [1000, 1000], [50, 40], [50, 60], [50, 80], [50, 100.0]])
EXCHANGE_RATE = np.array([[1000, 1, 1], [1000, 1, 1], [0.1, 1, 1], [0.2, 1, 1], [0.1, 1, 1],
                          [0.2, 1, 1.0]])

CONFIG = yaml.safe_dump({
    "name": "fit_test", "steps": STEPS, "steps_per_year": STEPS_PER_YEAR,
    "regions": [{"name": r, "country": c, "population": p}
                for r, c, p in zip(REGIONS, REGION_COUNTRY, POPULATION)],
    "sectors": [{"name": s, "kind": k} for s, k in SECTORS]})

# Targets for the world above: data values chosen so that some are met and some are not.
TARGETS_CSV = """\
# test targets
target,key,value,tolerance,source,note
va_share,CHN,0.2,rel 0.15,test source,
va_share,USA,0.25,rel 0.15,test source,
sector_va_share,metals,0.1,rel 0.25,test source,
sector_va_share,parts and cars=components+vehicles,0.3,rel 0.25,test source,
exports_gdp,CHN,0.2,rel 0.25,test source,
exports_gdp,USA,0.05,rel 0.25,test source,
exports_gdp,ROW,,,no data figure,modelled partners only
services_share,world,0.21,range 0.18 0.24,test source,
intermediate_share,world,0.6,abs 0.1,test source,
chn_usa_trade,CHN:USA,0.075,rel 0.25,test source,
shanghai_exports,CHN-Shanghai:CHN,0.11,rel 0.25,test source,
region_trade_share,CHN-Shanghai:CHN,0.11,rel 0.25,test source,
offshore_share,CHN-Shanghai,0.088,rel 0.25,test source,
gdp_per_head_ratio,CHN-Coast+CHN-Shanghai:CHN-Inland,4.0,rel 0.15,test source,
gdp_per_head_ratio,USA-Coast:USA-Inland,1.2,rel 0.15,test source,
unemployment,CHN,0.065,range 0.03 0.10,test source,
unemployment,USA,0.065,range 0.03 0.10,test source,
"""


def per_step() -> dict[str, np.ndarray]:
    """One step's values in model units, the same at every step of the window."""
    c = {k: i for i, k in enumerate(COUNTRIES)}
    s = {name: i for i, (name, _) in enumerate(SECTORS)}
    trade = np.zeros((3, 3, 4))
    trade[np.arange(3), np.arange(3), :] = 1000          # domestic: not counted
    trade[c["CHN"], c["USA"], s["components"]] = 10
    trade[c["CHN"], c["USA"], s["vehicles"]] = 10
    trade[c["USA"], c["CHN"], s["metals"]] = 5
    trade[c["USA"], c["CHN"], s["business_services"]] = 5
    trade[c["CHN"], c["ROW"], s["vehicles"]] = 10
    trade[c["CHN"], c["ROW"], s["business_services"]] = 10
    trade[c["ROW"], c["USA"], s["components"]] = 20
    final = np.zeros_like(trade)
    final[np.arange(3), np.arange(3), :] = 500
    final[c["CHN"], c["USA"], s["vehicles"]] = 6
    final[c["CHN"], c["ROW"], s["vehicles"]] = 4
    final[c["CHN"], c["ROW"], s["business_services"]] = 7   # a service: not counted
    region_exports = np.zeros((6, 4))
    region_exports[0, :3] = [1, 1, 2]            # Shanghai: 4 of goods
    region_exports[0, 3] = 100                   # and services, not counted
    region_exports[1, :3] = [0, 6, 10]
    region_exports[2, :3] = [20, 0, 0]           # CHN goods exports 40 in all
    # The same trade by region pair (origin, destination), summing to `trade` by country.
    r = {name: i for i, name in enumerate(REGIONS)}
    pairs = np.zeros((6, 6, 4))
    pairs[r["CHN-Shanghai"], r["CHN-Shanghai"], :] = 500     # domestic: not counted
    pairs[r["CHN-Shanghai"], r["CHN-Coast"], :] = 500
    pairs[r["USA-Coast"], r["USA-Inland"], :] = 1000
    pairs[r["ROW"], r["ROW"], :] = 1000
    pairs[r["CHN-Shanghai"], r["USA-Coast"], s["components"]] = 4      # Shanghai exports 4
    pairs[r["CHN-Coast"], r["USA-Coast"], s["components"]] = 6
    pairs[r["CHN-Coast"], r["USA-Inland"], s["vehicles"]] = 10
    pairs[r["USA-Coast"], r["CHN-Shanghai"], s["metals"]] = 2          # and imports 2 of goods
    pairs[r["USA-Coast"], r["CHN-Inland"], s["metals"]] = 3
    pairs[r["USA-Coast"], r["CHN-Shanghai"], s["business_services"]] = 5   # a service
    pairs[r["CHN-Inland"], r["ROW"], s["vehicles"]] = 10
    pairs[r["CHN-Shanghai"], r["ROW"], s["business_services"]] = 10        # a service
    pairs[r["ROW"], r["USA-Coast"], s["components"]] = 20
    country = np.array([c[code] for code in REGION_COUNTRY])
    by_country = np.zeros_like(trade)
    np.add.at(by_country, (country[:, None], country[None, :]), pairs)
    assert (by_country == trade).all()
    # Offshore trade by hub: goods shipped straight from origin to destination, sold by the
    # hub's traders. Shanghai's: 0.6 of goods, a tenth of its 6 of goods trade abroad.
    offshore = np.zeros((len(HUBS), 6, 6, 4))
    shanghai, usa_coast = HUBS.index("CHN-Shanghai"), HUBS.index("USA-Coast")
    offshore[shanghai, r["CHN-Coast"], r["USA-Coast"], s["components"]] = 0.4
    offshore[shanghai, r["USA-Inland"], r["ROW"], s["vehicles"]] = 0.2
    offshore[shanghai, r["CHN-Inland"], r["ROW"], s["business_services"]] = 3   # a service
    offshore[usa_coast, r["CHN-Coast"], r["ROW"], s["components"]] = 50        # another hub
    # Value added by region and sector, 1000 in all: metals 100, components and vehicles 500.
    sector_value_added = np.zeros((6, 4))
    sector_value_added[2, 0] = 100
    sector_value_added[1, 1:3] = [200, 300]
    sector_value_added[5, 3] = 400
    # CO2 by region and sector, 100 a step: China's regions 30, the USA's 20, the rest 50.
    emissions = np.zeros((6, 4))
    emissions[0, 0], emissions[1, 1], emissions[2, 2] = 10, 5, 15
    emissions[3, 0], emissions[5, 3] = 20, 50
    return {"trade_value": trade, "trade_value_final": final, "region_trade_value": pairs,
            "region_exports": region_exports, "offshore_trade_value": offshore, "sector_value_added": sector_value_added,
            "emissions": emissions,
            # Shanghai's traders: sales 3, of which 0.9 re-exports, 15% of its 6 of goods trade.
            "trader_sales": np.array([3, 0, 0, 0, 0, 0.0]),
            "reexports": np.array([0.9, 0, 0, 0, 0, 0.0]),
            "value_added": np.array([10, 90, 100, 120, 80, 600.0]),
            "unemployment": np.array([5, 5, 0, 1, 1, 10.0]),
            "employment": np.array([45, 45, 100, 99, 99, 90.0])}


def write_result(path, drop=(), regions=REGIONS, region_country=REGION_COUNTRY, hubs=HUBS,
                 zero=(), markets=CARBON_MARKETS) -> str:
    """A result file as the program writes it, for the parts the fit reads; the first year's
    steps hold other values, so that a window that took them in would show. `hubs`: the hub
    axis (a part of HUBS, in any order); `zero`: series that are 0 in the window; `markets`:
    the carbon_market axis (a part of CARBON_MARKETS, in any order), or None for a file from
    before carbon markets (no carbon_market, no carbon_price)."""
    text = h5py.string_dtype()
    with h5py.File(path, "w") as f:
        f.attrs["config"] = CONFIG
        f.attrs["scenario"] = "fit_test"
        f.attrs["seed"] = np.uint64(1)
        f.attrs["status"] = "completed"
        series = f.create_group("series")
        step = series.create_dataset("step", data=np.arange(1, STEPS + 1, dtype=np.int32))
        step.attrs["steps_per_year"] = STEPS_PER_YEAR
        for name, values in (("exporter", COUNTRIES), ("importer", COUNTRIES),
                             ("region", regions), ("region_country_code", region_country),
                             ("origin", regions), ("destination", regions), ("hub", hubs),
                             ("sector", [name for name, _ in SECTORS])):
            series.create_dataset(name, data=np.array(values, dtype=object), dtype=text)
        for name, values in per_step().items():
            if name in drop:
                continue
            if name == "offshore_trade_value":
                values = values[np.array([HUBS.index(h) for h in hubs], dtype=np.int64)]
            if name in zero:
                values = np.zeros_like(values)
            rows = np.repeat(values[None], STEPS, axis=0)
            rows[:STEPS_PER_YEAR] += 7                   # the first year: outside the window
            scaled = name not in ("unemployment", "employment")
            data = series.create_dataset(
                name, data=np.rint(rows * (1e6 if scaled else 1)).astype(np.int64))
            if scaled:
                data.attrs["scale"] = 1000000
        series.create_dataset("exchange_rate", data=EXCHANGE_RATE)
        if markets is not None:
            series.create_dataset("carbon_market", data=np.array(markets, dtype=object),
                                  dtype=text)
            columns = np.array([CARBON_MARKETS.index(m) for m in markets], dtype=np.int64)
            series.create_dataset("carbon_price", data=CARBON_PRICE[:, columns])
    return str(path)


@pytest.fixture
def targets(tmp_path) -> str:
    path = tmp_path / "targets.csv"
    path.write_text(TARGETS_CSV)
    return str(path)


def table(path, targets, years=2) -> dict[str, dict]:
    rows, what = fit_table(path, years, targets)
    assert "steps 3–6" in what
    return {row["target"]: row for row in rows}


def test_known_values(tmp_path, targets):
    rows = table(write_result(tmp_path / "r.h5"), targets)
    expected = {   # target: (model, error, met)
        "share of world value added, CHN": ("20.00%", "+0.0%", "yes"),
        "share of world value added, USA": ("20.00%", "-20.0%", "no"),
        "sectors' share of world value added, metals": ("10.00%", "+0.0%", "yes"),
        "sectors' share of world value added, parts and cars": ("50.00%", "+66.7%", "no"),
        "exports / GDP, CHN": ("20.00%", "+0.0%", "yes"),      # 40 of 200
        "exports / GDP, USA": ("5.00%", "+0.0%", "yes"),       # 10 of 200
        "exports / GDP, ROW": ("3.33%", "", "–"),              # no data value
        "services share of cross-border trade": ("21.43%", "+0.0 pts", "yes"),   # 15 of 70
        "intermediate share of goods trade": ("81.82%", "+21.8 pts", "no"),      # 1 - 10/55
        "bilateral trade / both GDPs, CHN / USA": ("7.50%", "+0.0%", "yes"),     # 30 of 400
        "share of the country's goods exports, CHN-Shanghai / CHN": ("10.00%", "-9.1%", "yes"),
        # Shanghai's 4 out and 2 in over China's 30 out and 5 in; services and trade within
        # China left out.
        "share of the country's goods trade, CHN-Shanghai / CHN": ("17.14%", "+55.8%", "no"),
        # Shanghai's traders' 0.6 of goods sold offshore over its 6 of goods trade abroad.
        "offshore trade's share of its goods trade, CHN-Shanghai": ("10.00%", "+13.6%", "yes"),
        "GDP per head, ratio, CHN-Coast+CHN-Shanghai / CHN-Inland": ("4.000", "+0.0%", "yes"),
        "GDP per head, ratio, USA-Coast / USA-Inland": ("1.500", "+25.0%", "no"),
        "unemployment rate, CHN": ("5.00%", "+0.0 pts", "yes"),
        "unemployment rate, USA": ("1.00%", "-2.0 pts", "no"),
    }
    assert list(rows) == list(expected)
    for name, (model, error, met) in expected.items():
        assert (rows[name]["model"], rows[name]["error"], rows[name]["met"]) == \
            (model, error, met), name
    assert rows["services share of cross-border trade"]["data"] == "18–24%"
    assert rows["exports / GDP, ROW"]["note"] == "modelled partners only"


def test_not_measured_without_the_new_series(tmp_path, targets):
    path = write_result(tmp_path / "r.h5",
                        drop=("trade_value_final", "region_exports", "sector_value_added",
                              "region_trade_value", "offshore_trade_value"))
    rows = table(path, targets)
    row = rows["intermediate share of goods trade"]
    assert row["model"] == "not measured: the result has no /series/trade_value_final"
    assert (row["error"], row["met"]) == ("", "–")
    row = rows["share of the country's goods exports, CHN-Shanghai / CHN"]
    assert row["model"] == "not measured: the result has no /series/region_exports"
    row = rows["share of the country's goods trade, CHN-Shanghai / CHN"]
    assert row["model"] == "not measured: the result has no /series/region_trade_value"
    assert (row["error"], row["met"]) == ("", "–")
    row = rows["offshore trade's share of its goods trade, CHN-Shanghai"]
    assert row["model"] == "not measured: the result has no /series/offshore_trade_value"
    assert (row["error"], row["met"]) == ("", "–")
    row = rows["sectors' share of world value added, metals"]
    assert row["model"] == "not measured: the result has no /series/sector_value_added"
    assert rows["exports / GDP, CHN"]["model"] == "20.00%"


def test_formats(tmp_path, targets, capsys):
    path = write_result(tmp_path / "r.h5")
    out = tmp_path / "fit.csv"
    assert main([path, "--targets", targets, "--csv", "--out", str(out)]) == 0
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["target", "data", "source", "model", "error", "tolerance", "met",
                             "note"]
    assert len(rows) == 17 and rows[0]["model"] == "20.00%"
    assert main([path, "--targets", targets, "--markdown"]) == 0
    text = capsys.readouterr().out
    assert "| target | data | source | model | error | tolerance | met |" in text
    assert "10 of 16 targets met." in text


def shanghai_row(path, model, target):
    """The model value of one of Shanghai's rows (`model`, named `target`) on a result."""
    window = open_window(path, 2)
    try:
        return model(window, Target(target, "CHN-Shanghai", 0.1, "rel 0.25", "test", ""))
    finally:
        window.run.file.close()


def shanghai_transshipment(path):
    return shanghai_row(path, transshipment_share, "transshipment_share")


def test_transshipment_share(tmp_path):
    """Shanghai's traders' 0.9 of re-exports a step over its 6 of goods trade abroad."""
    assert shanghai_transshipment(write_result(tmp_path / "r.h5")) == pytest.approx(0.15,
                                                                                    rel=1e-12)
    no_series = write_result(tmp_path / "no.h5", drop=("reexports",))
    assert shanghai_transshipment(no_series) == "not measured: the result has no /series/reexports"
    no_traders = write_result(tmp_path / "none.h5", zero=("trader_sales", "reexports"))
    assert shanghai_transshipment(no_traders) == \
        "not measured: the scenario has no traders (`traders:`, docs/scenario.md)"


def shanghai_offshore(path):
    return shanghai_row(path, offshore_share, "offshore_share")


def test_offshore_share(tmp_path):
    """Shanghai's traders' offshore sales of goods, 0.4 + 0.2 a step, over its goods trade
    across China's border, 4 out and 2 in: the services they sold offshore, the other hub's
    sales and the first year left out; the hub found by its name, in any order on the axis."""
    assert shanghai_offshore(write_result(tmp_path / "r.h5")) == pytest.approx(0.1, rel=1e-12)
    path = write_result(tmp_path / "swapped.h5", hubs=HUBS[::-1])
    assert shanghai_offshore(path) == pytest.approx(0.1, rel=1e-12)


@pytest.mark.parametrize("case, message", [
    ("no_series", "not measured: the result has no /series/offshore_trade_value"),
    ("no_region_trade", "not measured: the result has no /series/region_trade_value"),
    ("not_a_hub", "not measured: CHN-Shanghai is no hub with traders in this scenario"),
    ("no_traders", "not measured: CHN-Shanghai is no hub with traders in this scenario"),
    ("no_offshore", "not measured: the scenario has no offshore traders "
                    "(`traders.offshore_share`, docs/scenario.md)"),
])
def test_offshore_share_not_measured(tmp_path, targets, case, message):
    """No offshore series; Shanghai not on the hub axis (another hub only, or no traders and
    an empty axis); traders but no offshore sales in the window."""
    path = tmp_path / "r.h5"
    if case == "no_series":
        write_result(path, drop=("offshore_trade_value",))
    elif case == "no_region_trade":
        write_result(path, drop=("region_trade_value",))
    elif case == "not_a_hub":
        write_result(path, hubs=["USA-Coast"])
    elif case == "no_traders":
        write_result(path, hubs=[])
    else:
        write_result(path, zero=("offshore_trade_value",))
    assert shanghai_offshore(path) == message
    row = table(str(path), targets)["offshore trade's share of its goods trade, CHN-Shanghai"]
    assert (row["model"], row["error"], row["met"]) == (message, "", "–")


def test_sector_kinds_follow_the_base_files():
    # A scenario that names one sector of its base's list (the program appends the base
    # after a `# ---- base file` line): every sector keeps its kind.
    text = ("retail: {households_per_market: 1000}\n"
            "sectors:\n  - {name: services, border_cost: 2.0}\n"
            "# ---- base file base.yaml\n"
            "sectors:\n  - {name: metals, kind: intermediate}\n"
            "  - {name: services, kind: service, border_cost: 5.0}\n")
    assert sector_kinds(config_sections(text), "r.h5") == {"metals": "intermediate",
                                                           "services": "service"}
    with pytest.raises(FitError, match="has no 'sectors'"):
        sector_kinds(config_sections("steps: 10\n"), "r.h5")


@pytest.mark.parametrize("case, message", [
    ("missing_file", "no such file"),
    ("missing_series", "/series has no value_added"),
    ("missing_country", "the world has no country EU27, which the target va_share needs"),
    ("missing_region", "the world has no region CHN-Shanghai, which the target "
                       "shanghai_exports needs"),
    ("too_short", "the run has 6 steps, fewer than the 8 of 4 year(s) of 2 steps"),
])
def test_bad_input(tmp_path, targets, capsys, case, message):
    path = str(tmp_path / "r.h5")
    args = [path, "--targets", targets]
    if case == "missing_series":
        write_result(path, drop=("value_added",))
    elif case == "missing_country":
        write_result(path)
        args = [path]                            # the 2020 targets: twelve countries
    elif case == "missing_region":
        write_result(path, regions=["CHN-Pudong"] + REGIONS[1:])
    elif case == "too_short":
        write_result(path)
        args += ["--years", "4"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"fit: {path}: ") and message in err, err


def test_targets_agree_with_the_baseline():
    """Shares of world value added sum to 1, and the US coast/inland ratio is the baseline's."""
    targets = load_targets(TARGETS)
    shares = [t.value for t in targets if t.target == "va_share"]
    assert len(shares) == 12 and sum(shares) == pytest.approx(1, abs=1e-4)
    with open(BASELINE) as f:
        regions = {r["name"]: r for r in yaml.safe_load(f)["regions"]}
    head = {n: regions[n]["gdp"] / regions[n]["population"] for n in ("USA-Coast", "USA-Inland")}
    usa = next(t for t in targets if t.key == "USA-Coast:USA-Inland")
    assert usa.value == pytest.approx(head["USA-Coast"] / head["USA-Inland"], abs=5e-4)
    assert all(t.source for t in targets)


def test_real_run(entrepot, tmp_path):
    result = str(tmp_path / "small.h5")
    done = subprocess.run([entrepot, "run", BASELINE, "--set", "agents.consumers=9000",
                           "--set", "agents.firms=1000", "--set", "steps=24",
                           "--set", "output.snapshots=[]", "--seed", "5", "--out", result,
                           "--quiet", "--threads", "2"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    env = dict(os.environ, PYTHONPATH=PACKAGE)
    done = subprocess.run([sys.executable, "-m", "entrepot_studies.fit", result, "--markdown"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert len(lines) == 2 + len(load_targets(TARGETS))
    assert "mean of steps 1–24" in done.stdout
    world = [line for line in lines if "share of world value added" in line]
    assert all("%" in line.split("|")[4] for line in world)


def test_region_trade_share_on_a_real_run(entrepot, tmp_path):
    """On a small baseline run the region series sum exactly to the country series, and
    CHN-Shanghai's share of China's goods trade is what region_exports and the country
    series give: its exports abroad plus its imports from abroad over China's."""
    result = str(tmp_path / "small.h5")
    done = subprocess.run([entrepot, "run", BASELINE, "--set", "agents.consumers=9000",
                           "--set", "agents.firms=1000", "--set", "steps=12",
                           "--set", "output.snapshots=[]", "--seed", "5", "--out", result,
                           "--quiet", "--threads", "2"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    with open(BASELINE) as f:
        kinds = {x["name"]: x.get("kind", "") for x in yaml.safe_load(f)["sectors"]}
    with h5py.File(result, "r") as f:
        s = f["series"]
        countries = list(s["exporter"].asstr()[:])
        regions = list(s["origin"].asstr()[:])
        assert regions == list(s["destination"].asstr()[:]) == list(s["region"].asstr()[:])
        home = np.array([countries.index(c) for c in s["origin_country_code"].asstr()[:]])
        for name in ("value", "duty", "value_final"):
            pairs = s[f"region_trade_{name}"][:]
            summed = np.zeros_like(s[f"trade_{name}"][:])
            np.add.at(summed, (slice(None), home[:, None], home[None, :]), pairs)
            assert (summed == s[f"trade_{name}"][:]).all(), name      # raw int64, exactly
        goods = np.array([kinds[x] != "service" for x in s["sector"].asstr()[:]])
        chn, shanghai = countries.index("CHN"), regions.index("CHN-Shanghai")
        trade = s["trade_value"][:][..., goods].sum(axis=(0, 3))      # (exporter, importer)
        china = trade[chn].sum() + trade[:, chn].sum() - 2 * trade[chn, chn]
        exports = s["region_exports"][:][:, shanghai][:, goods].sum()
        pairs = s["region_trade_value"][:][..., goods].sum(axis=(0, 3))   # (origin, dest.)
        imports = pairs[home != chn, shanghai].sum()
    assert exports > 0 and imports > 0 and china > exports + imports
    window = open_window(result, 1)
    try:
        share = region_trade_share(window, Target("region_trade_share", "CHN-Shanghai:CHN",
                                                  0.11, "rel 0.25", "test", ""))
    finally:
        window.run.file.close()
    assert share == pytest.approx((exports + imports) / china, rel=1e-9)


def country_row(path, model, target, key):
    window = open_window(path, 2)
    try:
        return model(window, Target(target, key, 0.1, "rel 0.15", "test", ""))
    finally:
        window.run.file.close()


def test_emissions_share(tmp_path):
    """China's regions emit 30 and the USA's 20 of the world's 100 a step."""
    path = write_result(tmp_path / "r.h5")
    assert country_row(path, emissions_share, "emissions_share", "CHN") == pytest.approx(0.3)
    assert country_row(path, emissions_share, "emissions_share", "USA") == pytest.approx(0.2)
    none = write_result(tmp_path / "none.h5", zero=("emissions",))
    assert country_row(none, emissions_share, "emissions_share", "CHN").startswith(
        "not measured: the scenario's firms emit nothing")
    old = write_result(tmp_path / "old.h5", drop=("emissions",))
    assert country_row(old, emissions_share, "emissions_share", "CHN") == \
        "not measured: the result has no /series/emissions"


def test_carbon_price(tmp_path):
    """Each window step's price at that step's exchange rate, averaged: CHN_ETS's 4, 12, 8, 20
    US$ a tonne give 11; EU_ETS's 50 at the USA's rate of 1 gives 50; the market found by its
    name, in any order on the axis."""
    path = write_result(tmp_path / "r.h5")
    assert country_row(path, carbon_price, "carbon_price", "CHN_ETS:CHN") == pytest.approx(11)
    assert country_row(path, carbon_price, "carbon_price", "EU_ETS:USA") == pytest.approx(50)
    swapped = write_result(tmp_path / "swapped.h5", markets=CARBON_MARKETS[::-1])
    assert country_row(swapped, carbon_price, "carbon_price", "CHN_ETS:CHN") == \
        pytest.approx(11)
    one = write_result(tmp_path / "one.h5", markets=["EU_ETS"])
    assert country_row(one, carbon_price, "carbon_price", "CHN_ETS:CHN") == \
        "not measured: the scenario has no carbon market CHN_ETS"
    old = write_result(tmp_path / "old.h5", markets=None)
    assert country_row(old, carbon_price, "carbon_price", "CHN_ETS:CHN") == \
        "not measured: the result has no /series/carbon_price"
    with pytest.raises(FitError, match="the world has no country EU27, which the target "
                                       "carbon_price needs"):
        country_row(path, carbon_price, "carbon_price", "EU_ETS:EU27")
    # In the table: a price in US$ a tonne, its error the distance to the range.
    targets = tmp_path / "targets.csv"
    targets.write_text("target,key,value,tolerance,source,note\n"
                       "carbon_price,CHN_ETS:CHN,10.5,range 7 14,test source,\n"
                       "carbon_price,EU_ETS:USA,81,range 54 108,test source,\n")
    rows = table(path, str(targets))
    row = rows["carbon price, US$ per tonne, CHN_ETS / CHN"]
    assert (row["data"], row["model"], row["error"], row["met"]) == \
        ("7–14", "11.000", "+0.000", "yes")
    row = rows["carbon price, US$ per tonne, EU_ETS / USA"]
    assert (row["data"], row["model"], row["error"], row["met"]) == \
        ("54–108", "50.000", "-4.000", "no")
