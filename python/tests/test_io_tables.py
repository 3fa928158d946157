"""Input-output tables in pymrio's format (python/entrepot_studies/io_tables.py): the folders
of a real run load in pymrio, agree with value_chains.py's tables, and balance; countries are
the sums of their regions; bad input writes nothing."""
import json
import os

import h5py
import numpy as np
import pymrio  # python/requirements.txt; scripts/setup installs it
import pytest

from entrepot_studies.io_tables import main
from entrepot_studies.value_chains import leontief, tables, value_added_trade

CHINA = ["CHN-Shanghai", "CHN-Coast", "CHN-Inland"]


@pytest.fixture(scope="module")
def exported(value_chain_run, tmp_path_factory):
    """The run's tables written by scripts/io-tables: (region folder, country folder) of
    every whole year."""
    out = tmp_path_factory.mktemp("io_tables")
    assert main([value_chain_run, str(out / "regions")]) == 0
    assert main([value_chain_run, str(out / "countries"), "--level", "country",
                 "--year", "2"]) == 0
    return out / "regions", out / "countries"


def test_every_whole_year_by_default(exported):
    regions, countries = exported
    assert sorted(os.listdir(regions)) == ["year_1", "year_2"]
    assert sorted(os.listdir(countries)) == ["year_2"]


def test_loads_in_pymrio(exported, value_chain_run):
    folder = exported[0] / "year_2"
    io = pymrio.load_all(folder)
    t = tables(value_chain_run, years=[2], level="region")[0]
    assert list(io.get_regions()) == t.places and t.places[:3] == CHINA
    assert list(io.get_sectors()) == t.sectors
    assert list(io.get_extensions()) == ["factor_inputs"]
    assert io.Y.columns.names == ["region", "category"]
    assert set(io.unit["unit"]) == {"US$ per year"}
    assert list(io.factor_inputs.unit["unit"]) == ["US$ per year"]
    assert io.meta.metadata["unit"] == "US$ per year" and io.meta.metadata["system"] == "ixi"
    assert io.population.loc["Population", "CHN-Inland"] == pytest.approx(848.1e6)
    core = pymrio.load(folder)  # the core alone, as pymrio.load reads it
    assert core.Z.shape == (len(t.places) * len(t.sectors),) * 2
    with open(folder / "factor_inputs" / "file_parameters.json") as f:
        assert json.load(f)["systemtype"] == "Extension"


def test_agrees_with_the_tables_and_balances(exported, value_chain_run):
    io = pymrio.load_all(exported[0] / "year_2")
    t = tables(value_chain_run, years=[2], level="region")[0]
    Z, Y, x = io.Z.to_numpy(), io.Y.to_numpy(), io.x["indout"].to_numpy()
    # Twelve significant digits in the text files.
    assert Z == pytest.approx(t.Z, rel=1e-11, abs=1e-9)
    assert Y == pytest.approx(t.Y, rel=1e-11, abs=1e-9)
    assert x == pytest.approx(t.output, rel=1e-11)
    assert Z.sum() == pytest.approx(t.Z.sum(), rel=1e-11) and Z.sum() > 0
    assert Y.sum() == pytest.approx(t.Y.sum(), rel=1e-11) and Y.sum() > 0
    # A few cells by name: Shanghai's electronics bought by Coast's vehicle makers, and by
    # Coast's households; the cells are the year's steps of the series summed.
    with h5py.File(value_chain_run, "r") as f:
        s = f["series"]
        sectors = list(s["sector"].asstr()[:])
        e, v = sectors.index("electronics"), sectors.index("vehicles")
        use = s["input_use"][12:24, 0, e, 1, v].astype(float).sum() / 1e6
        final = s["region_trade_value_final"][12:24, 0, 1, e].astype(float).sum() / 1e6
    assert io.Z.loc[("CHN-Shanghai", "electronics"), ("CHN-Coast", "vehicles")] == \
        pytest.approx(use, rel=1e-11)
    assert io.Y.loc[("CHN-Shanghai", "electronics"), ("CHN-Coast", "households")] == \
        pytest.approx(final, rel=1e-11)
    # Gross output is each row's sales, value added what the column has left.
    assert x == pytest.approx(Z.sum(axis=1) + Y.sum(axis=1), rel=1e-10, abs=1e-9)
    F = io.factor_inputs.F.loc["value added"].to_numpy()
    assert F == pytest.approx(x - Z.sum(axis=0), rel=1e-10, abs=1e-6)
    assert F.sum() == pytest.approx(Y.sum(), rel=1e-10)


def test_pymrio_calc_all(exported, value_chain_run):
    io = pymrio.load_all(exported[0] / "year_2")
    io.calc_all()
    t = tables(value_chain_run, years=[2], level="region")[0]
    assert io.L.to_numpy() == pytest.approx(leontief(t), rel=1e-8, abs=1e-10)
    # Value added embodied in each region's final use (pymrio's consumption-based account)
    # is the column sum of value_chains' value-added trade between regions.
    embodied = io.factor_inputs.D_cba_reg.loc["value added"].to_numpy()
    assert embodied == pytest.approx(value_added_trade(t).sum(axis=0), rel=1e-8)
    # A balanced table passes each unit of final use on as one unit of value added.
    made = io.x["indout"].to_numpy() > 0
    assert io.factor_inputs.M.loc["value added"].to_numpy()[made] == pytest.approx(1.0)
    assert np.isfinite(io.factor_inputs.D_cba_cap.to_numpy()).all()


def test_countries_sum_their_regions(exported, value_chain_run):
    regions = pymrio.load_all(exported[0] / "year_2")
    countries = pymrio.load_all(exported[1] / "year_2")
    with h5py.File(value_chain_run, "r") as f:
        owner = list(f["series/region_country_code"].asstr()[:])
    names = list(countries.get_regions())
    assert names[:3] == ["CHN", "USA", "EU27"] and set(owner) == set(names)
    assert list(regions.get_regions())[:3] == CHINA and owner[:3] == ["CHN"] * 3
    nr, nc, ns = len(owner), len(names), len(regions.get_sectors())
    Zr = regions.Z.to_numpy().reshape(nr, ns, nr, ns)
    Yr = regions.Y.to_numpy().reshape(nr, ns, nr)
    Zc = countries.Z.to_numpy().reshape(nc, ns, nc, ns)
    Yc = countries.Y.to_numpy().reshape(nc, ns, nc)
    members = {c: [r for r, o in enumerate(owner) if o == c] for c in names}
    for i, c in enumerate(names):
        for j, d in enumerate(names):
            block = Zr[members[c]][:, :, members[d]].sum(axis=(0, 2))
            assert Zc[i, :, j, :] == pytest.approx(block, rel=1e-10, abs=1e-9), (c, d)
            final = Yr[members[c]][:, :, members[d]].sum(axis=(0, 2))
            assert Yc[i, :, j] == pytest.approx(final, rel=1e-10, abs=1e-9), (c, d)
    assert countries.x.to_numpy().sum() == pytest.approx(regions.x.to_numpy().sum(), rel=1e-10)
    assert countries.factor_inputs.F.to_numpy().sum() == pytest.approx(
        regions.factor_inputs.F.to_numpy().sum(), rel=1e-10)
    people = countries.population.loc["Population"]
    assert people["CHN"] == pytest.approx((24.9 + 538.1 + 848.1) * 1e6)
    assert people["USA"] == pytest.approx((158.2 + 171.3) * 1e6)
    assert people.sum() == pytest.approx(regions.population.to_numpy().sum())


def test_bad_input_writes_nothing(value_chain_run, exported, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([str(tmp_path / "missing.h5"), str(out)]) == 2
    assert "missing.h5: no such file" in capsys.readouterr().err
    assert main([value_chain_run, str(out), "--year", "3"]) == 2
    err = capsys.readouterr().err
    assert "no whole year 3 in the run; allowed: 1 to 2" in err
    assert main([value_chain_run, str(out), "--year", "2", "--year", "0"]) == 2
    assert "no whole year 0" in capsys.readouterr().err
    old = tmp_path / "old.h5"
    with h5py.File(old, "w") as f:
        f.attrs["status"] = "completed"
        f.create_group("series")
    assert main([str(old), str(out)]) == 2
    assert "no /series/input_use" in capsys.readouterr().err
    text = tmp_path / "notes.h5"
    text.write_text("not a result\n")
    assert main([str(text), str(out)]) == 2
    assert "notes.h5: not readable as an HDF5 result file" in capsys.readouterr().err
    assert main([value_chain_run, str(out), "--year", "1", "--year", "1"]) == 2
    assert "--year 1 given twice" in capsys.readouterr().err
    assert not out.exists()
    # A year folder already there is left alone unless --overwrite.
    regions = exported[0]
    before = (regions / "year_2" / "Z.txt").read_bytes()
    assert main([value_chain_run, str(regions), "--year", "1", "--year", "2"]) == 2
    assert "already there" in capsys.readouterr().err
    assert (regions / "year_2" / "Z.txt").read_bytes() == before
    assert sorted(os.listdir(regions)) == ["year_1", "year_2"]
    with pytest.raises(SystemExit):
        main([value_chain_run, str(out), "--level", "city"])
    assert "invalid choice: 'city'" in capsys.readouterr().err
    assert not out.exists()
