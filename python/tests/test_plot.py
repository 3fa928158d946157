"""The figures of a real run, and of a tariff scenario against it, from the entrepot
program's result files; and the one-line errors for files that cannot be plotted."""
import os
import subprocess
import sys

import h5py
import pytest

from conftest import BASELINE

FIGURES = ["dashboard.png", "gdp.png", "prices.png", "tariffs.png", "trade.png",
           "unemployment.png", "value_chains.png"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# The baseline world, small, over two years; the scenario adds tariffs on every good and
# service between the USA and China from step 6 on (in a world this small, with the
# baseline's trade costs, a few sectors' trade between them is too thin to move an average).
SMALL = ["--set", "agents.consumers=9000", "--set", "agents.firms=1000", "--set", "steps=24",
         "--set", "output.snapshots=[]"]
SCENARIO = f"""\
base: {BASELINE}
name: plot_test_tariffs
burn_in: 6
events:
  - {{step: 6, type: tariff, importer: USA, exporter: CHN, rate: 0.4, mode: add}}
  - {{step: 6, type: tariff, importer: CHN, exporter: USA, rate: 0.4, mode: add}}
"""


def plot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "entrepot_studies.plot", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, request):
    """(baseline, scenario) result files: one run each, seed 5."""
    entrepot = os.environ.get("ENTREPOT_BINARY") or os.path.join(
        os.path.dirname(BASELINE), "..", "build", "entrepot")
    if not (os.path.isfile(entrepot) and os.access(entrepot, os.X_OK)):
        pytest.skip(f"no entrepot program at {entrepot}: set ENTREPOT_BINARY")
    folder = tmp_path_factory.mktemp("plot")
    scenario = folder / "tariffs.yaml"
    scenario.write_text(SCENARIO)
    paths = []
    for config, name in ((BASELINE, "base.h5"), (str(scenario), "tariffs.h5")):
        path = str(folder / name)
        done = subprocess.run([entrepot, "run", config, *SMALL, "--seed", "5", "--out", path,
                               "--quiet", "--threads", "2"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        paths.append(path)
    return tuple(paths)


def check_pngs(folder) -> None:
    assert sorted(os.listdir(folder)) == FIGURES
    for name in FIGURES:
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        assert data[:8] == PNG_MAGIC, name
        assert len(data) > 20_000, (name, len(data))


def test_levels_of_one_run(runs):
    base, _ = runs
    done = plot(base)                                   # default folder: next to the file
    assert done.returncode == 0, done.stderr
    folder = base[:-len(".h5")] + "-plots"
    assert f"7 figures in {folder}" in done.stdout
    check_pngs(folder)


def test_effects_of_a_pair_of_runs(runs, tmp_path):
    base, scenario = runs
    out = tmp_path / "effects"
    done = plot(scenario, base, "--out", str(out))
    assert done.returncode == 0, done.stderr
    check_pngs(out)


def test_the_tariffs_show(runs):
    """The scenario's duty on US-China trade shows in the effective tariff rate."""
    from entrepot_studies.plot import PANELS, open_run
    base, scenario = (open_run(p) for p in runs)
    try:
        rates = {}
        for name, run in (("base", base), ("scenario", scenario)):
            values, countries = PANELS["tariff"].values(run)
            rates[name] = values[-1, countries.index("USA")]
        # Percentage points: the taxed imports from China shrink, so the US average rate
        # rises by much less than the tariff itself.
        assert rates["scenario"] > rates["base"] + 0.3
    finally:
        base.file.close()
        scenario.file.close()


def test_moves_show_where_firms_moved(runs, tmp_path):
    """A run whose firms move gets the relocation figure, and its counts are the series'."""
    from entrepot_studies.plot import PANELS, open_run
    base, _ = runs
    entrepot = os.environ.get("ENTREPOT_BINARY") or os.path.join(
        os.path.dirname(BASELINE), "..", "build", "entrepot")
    moving = str(tmp_path / "moving.h5")
    # Free sites, a quarter of the firms weighing a move each step, and moves that cost
    # nothing: firms move wherever profit rose more than at home.
    done = subprocess.run([entrepot, "run", BASELINE, *SMALL, "--set", "burn_in=6",
                           "--set", "relocation.reserve=0.3", "--set", "relocation.review=0.25",
                           "--set", "relocation.cost=0", "--seed", "5", "--out", moving,
                           "--quiet", "--threads", "2"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "moving-plots"
    done = plot(moving, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(out)) == sorted(FIGURES + ["relocation.png"])
    run = open_run(moving)
    try:
        values, countries = PANELS["moved_out"].values(run)
        moves = run.series["relocations"][:]
        country = run.labels.region_country
        abroad = sum(int(moves[:, o, d].sum()) for o in range(moves.shape[1])
                     for d in range(moves.shape[2]) if country[o] != country[d])
        # Yearly means of firms per step, times the steps of a year: the moves, where every
        # year is whole.
        assert abroad > 0
        assert abs(values.sum() - abroad) < 1e-6 * max(abroad, 1)
    finally:
        run.file.close()
    # The baseline run moved no firm: no relocation figure for it (test_levels_of_one_run).


def test_errors(runs, tmp_path):
    base, _ = runs
    missing = str(tmp_path / "missing.h5")
    done = plot(missing)
    assert done.returncode == 2
    assert done.stderr.strip() == f"plot: {missing}: no such file"

    bare = str(tmp_path / "bare.h5")
    with h5py.File(bare, "w") as f:
        f.create_group("world")
    done = plot(bare)
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"plot: {bare}: no /series group")

    text = tmp_path / "text.h5"
    text.write_text("not hdf5\n")
    done = plot(str(text))
    assert done.returncode == 2 and f"plot: {text}: not a readable HDF5 file" in done.stderr

    # Another world: the same run with its last country renamed.
    other = str(tmp_path / "other.h5")
    with open(base, "rb") as src, open(other, "wb") as dst:
        dst.write(src.read())
    with h5py.File(other, "r+") as f:
        last = f["series/exporter"].asstr()[-1]
        for name in ("exporter", "importer", "region_country_code"):
            codes = f["series"][name]
            codes[:] = ["XXX" if c == last else c for c in codes.asstr()[:]]
    done = plot(other, base, "--out", str(tmp_path / "none"))
    assert done.returncode == 2
    line = done.stderr.strip()
    assert line.startswith(f"plot: {other}: not the same world as {base}: the country lists "
                           "differ") and "\n" not in line
    assert not os.path.exists(tmp_path / "none")
