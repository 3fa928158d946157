"""Value-chain measures (python/entrepot_studies/value_chains.py): a two-country table
worked by hand, and the tables of a real run."""
import subprocess
import sys

import numpy as np
import pytest

from conftest import BASELINE, PACKAGE
from entrepot_studies.value_chains import (Bloc, IOTable, blocs, main, measures, regionalization,
                                           tables, theil, value_added_trade)


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


def test_a_real_run(entrepot, tmp_path):
    out = tmp_path / "run.h5"
    subprocess.run([entrepot, "run", str(BASELINE), "--quiet", "--out", str(out),
                    "--set", "agents.consumers=18000", "--set", "agents.firms=2000",
                    "--set", "steps=24", "--set", "burn_in=12", "--set", "events=[]",
                    "--set", "output.snapshots=[]"], check=True)
    years = tables(str(out))
    assert len(years) == 2
    t = years[-1]
    assert (t.Z >= 0).all() and (t.Y >= 0).all() and t.Z.sum() > 0
    # Value added balances each block's sales and inputs bought (so a block that stocked
    # inputs may show a little below zero); every country's is positive.
    home = t.country_of_row()
    assert all(t.value_added[home == c].sum() > 0 for c in range(len(t.countries)))
    m = measures(t)
    for values in m.values():
        assert ((values >= 0) & (values < 1)).all(), m
    text = tmp_path / "chains.md"
    assert main([str(out), "--years", "1", "--markdown", "--out", str(text)]) == 0
    report = text.read_text()
    assert report.startswith("| country |")
    assert "| RCEP | CHN JPN KOR VNM SGP AUS |" in report and "Theil index" in report
    names = {b.name: b.members for b in blocs(str(out), t.countries)}
    assert [t.countries[c] for c in names["USMCA"]] == ["USA", "MEX"]
    assert main([str(out), "--years", "3"]) == 2


def test_no_input_use(tmp_path, capsys):
    import h5py
    path = tmp_path / "old.h5"
    with h5py.File(path, "w") as f:
        f.attrs["status"] = "completed"
        f.create_group("series")
    assert main([str(path)]) == 2
    assert "no /series/input_use" in capsys.readouterr().err
