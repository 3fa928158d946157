"""Value-chain measures (python/entrepot_studies/value_chains.py): a two-country table
worked by hand, and the tables of a real run."""
import shutil

import h5py
import numpy as np
import pytest
import yaml

from conftest import BASELINE
from entrepot_studies.value_chains import (Bloc, IOTable, Regions, aggregate, blocs,
                                           coast_inland, main, measures, regionalization,
                                           regions, tables, theil, value_added_trade)


def two_countries() -> IOTable:
    # A makes 100 with 20 of B's inputs: 70 for A's final users, 30 for B's. B makes 100 with
    # no inputs: 20 of inputs for A, 10 for A's final users, 70 for its own.
    Z = np.array([[0.0, 0.0], [20.0, 0.0]])
    Y = np.array([[70.0, 30.0], [10.0, 70.0]])
    return IOTable(["A", "B"], ["goods"], Z, Y)


def test_two_countries_by_hand():
    t = two_countries()
    assert t.output == pytest.approx([100, 100]) and t.value_added == pytest.approx([80, 100])
    m = measures(t)
    # A fifth of A's output, its exports too, is B's value added.
    assert m["fva_share"] == pytest.approx([0.2, 0.0])
    # A's value added in B's final use: 0.8 × 30 of 80; B's in A's: 10 + 0.2 × 70 of 100.
    assert m["dva_ffd"] == pytest.approx([24 / 80, 24 / 100])
    # B's value added in A's exports (0.2 × 30) over B's gross exports (30).
    assert m["forward"] == pytest.approx([0.0, 0.2])


def test_value_added_trade_and_blocs_by_hand():
    t = two_countries()
    # A's value added in B's final use 24, B's in A's 24 (above); at home the rest of each.
    assert value_added_trade(t) == pytest.approx(np.array([[56.0, 24.0], [24.0, 76.0]]))
    assert regionalization(t, Bloc("AB", [0, 1])) == pytest.approx(1.0)
    assert regionalization(t, Bloc("A", [0])) == pytest.approx(0.0)


def test_theil_index():
    assert theil(np.array([2.0, 4.0]), np.array([1.0, 2.0])) == pytest.approx(0.0)
    assert theil(np.array([3.0, 1.0]), np.array([1.0, 1.0])) == pytest.approx(
        0.75 * np.log(1.5) + 0.25 * np.log(0.5))


def test_a_real_run(value_chain_run, tmp_path):
    out = value_chain_run
    years = tables(str(out))
    assert len(years) == 2
    t = years[-1]
    assert (t.Z >= 0).all() and (t.Y >= 0).all() and t.Z.sum() > 0
    # Value added balances each block's sales and inputs bought (so a block that stocked
    # inputs may show a little below zero); every country's is positive.
    home = t.place_of_row()
    assert all(t.value_added[home == c].sum() > 0 for c in range(len(t.places)))
    m = measures(t)
    for values in m.values():
        assert ((values >= 0) & (values < 1)).all(), m
    text = tmp_path / "chains.md"
    assert main([str(out), "--years", "1", "--markdown", "--out", str(text)]) == 0
    report = text.read_text()
    assert report.startswith("| country |")
    assert "| RCEP | CHN JPN KOR VNM SGP AUS |" in report and "Theil index" in report
    assert "(backward participation) |" in report and "(forward participation) |" in report
    names = {b.name: b.members for b in blocs(str(out), t.places)}
    assert [t.places[c] for c in names["USMCA"]] == ["USA", "MEX"]
    assert main([str(out), "--years", "3"]) == 2


def test_no_input_use(tmp_path, capsys):
    path = tmp_path / "old.h5"
    with h5py.File(path, "w") as f:
        f.attrs["status"] = "completed"
        f.create_group("series")
    assert main([str(path)]) == 2
    assert "no /series/input_use" in capsys.readouterr().err


def test_aggregate_sums_places():
    # Three places, the first two one group: their trade with each other becomes domestic.
    t = IOTable(["a1", "a2", "b"], ["goods"], np.arange(9.0).reshape(3, 3),
                np.arange(1.0, 10.0).reshape(3, 3), year=4)
    g = aggregate(t, ["A", "B"], [0, 0, 1])
    assert g.places == ["A", "B"] and g.year == 4
    assert g.Z == pytest.approx(np.array([[0 + 1 + 3 + 4, 2 + 5], [6 + 7, 8]]))
    assert g.Y == pytest.approx(np.array([[1 + 2 + 4 + 5, 3 + 6], [7 + 8, 9]]))
    assert g.output.sum() == pytest.approx(t.output.sum())


def test_coast_inland_by_hand(value_chain_run, tmp_path):
    # The run's second year: value added per head of CHN-Shanghai and CHN-Coast (the
    # regions flagged port) over CHN-Inland's, and USA-Coast's over USA-Inland's, from
    # /series/value_added and the baseline's populations (millions).
    with open(BASELINE, encoding="utf-8") as f:
        people = {r["name"]: r["population"] for r in yaml.safe_load(f)["regions"]}
    with h5py.File(value_chain_run, "r") as f:
        names = list(f["series/region"].asstr()[:])
        va = f["series/value_added"][12:24].astype(float).sum(axis=0)
    head = lambda *rs: sum(va[names.index(r)] for r in rs) / sum(people[r] for r in rs)
    china = head("CHN-Shanghai", "CHN-Coast") / head("CHN-Inland")
    usa = head("USA-Coast") / head("USA-Inland")
    found = regions(value_chain_run)
    got = coast_inland(found, "CHN", 1)
    assert (got.coast, got.inland) == (["CHN-Shanghai", "CHN-Coast"], ["CHN-Inland"])
    assert got.ratio == pytest.approx(china, rel=1e-9) and china > 1
    assert coast_inland(found, "USA", 1).ratio == pytest.approx(usa, rel=1e-9)
    text = tmp_path / "chains.md"
    assert main([value_chain_run, "--years", "1", "--markdown", "--out", str(text)]) == 0
    report = text.read_text()
    assert f"| CHN | CHN-Shanghai CHN-Coast | CHN-Inland | {china:.3f} |" in report
    assert f"| USA | USA-Coast | USA-Inland | {usa:.3f} |" in report
    # A run whose overrides flag USA-Inland a port has no inland USA: no ratio for it.
    copy = tmp_path / "flagged.h5"
    shutil.copy(value_chain_run, copy)
    with h5py.File(copy, "r+") as f:
        f.attrs["overrides"] = f.attrs["overrides"] + "\nregions.USA-Inland.flags=[port]"
    got = coast_inland(regions(str(copy)), "USA", 1)
    assert got.ratio is None and got.inland == [] and "every region of USA" in got.why
    assert coast_inland(regions(str(copy)), "CHN", 1).ratio == pytest.approx(china, rel=1e-9)


def test_coast_inland_not_defined_for_one_region():
    one = Regions(["USA", "CHN-Coast", "CHN-Inland"], ["USA", "CHN", "CHN"],
                  np.array([330.0, 600.0, 800.0]), [{"port"}, {"port"}, set()],
                  np.array([[3300.0, 1200.0, 800.0]]))
    usa = coast_inland(one, "USA", 1)
    assert usa.ratio is None and usa.why == "not defined: USA is one region (USA)"
    assert coast_inland(one, "CHN", 1).ratio == pytest.approx((1200 / 600) / (800 / 800))
    assert "no country JPN" in coast_inland(one, "JPN", 1).why
