"""The openness fit: the secant step on border factors, and a real two-iteration fit on a
small world."""
import json
import math

import yaml

from conftest import BASELINE
from entrepot_studies.openness import main, next_factor


def test_a_country_that_trades_too_much_gets_a_thicker_border():
    # First step: elasticity −1, so twice the data value doubles the factor.
    assert math.isclose(next_factor(1.0, 0.4, 0.2, None), 2.0)
    assert math.isclose(next_factor(1.0, 0.1, 0.2, None), 0.5)
    # A secant through (1, 0.4) and (2, 0.3): slope log(0.75)/log(2); the step reaches 0.2.
    slope = math.log(0.3 / 0.4) / math.log(2.0)
    expected = 2.0 * math.exp(math.log(0.2 / 0.3) / slope)
    assert math.isclose(next_factor(2.0, 0.3, 0.2, (1.0, 0.4), 0.01, 100.0), expected)
    # At most a factor e a step, and never outside the bounds.
    assert math.isclose(next_factor(1.0, 10.0, 0.2, None, 0.01, 100.0), math.e)
    assert next_factor(3.5, 0.9, 0.2, None) == 4.0
    assert next_factor(0.3, 0.1, 0.2, None) == 0.25
    # A slope of the wrong sign (noise) falls back to −1.
    assert math.isclose(next_factor(2.0, 0.5, 0.25, (1.0, 0.4)), 4.0)


def test_a_fit_on_a_small_world_moves_each_factor_towards_its_data(entrepot, tmp_path, capsys):
    history = tmp_path / "fit.json"
    code = main(["--scenario", BASELINE, "--steps", "24", "--iterations", "2", "--start", "one",
                 "--set", "agents.consumers=9000", "--set", "agents.firms=1000",
                 "--dir", str(tmp_path), "--entrepot", entrepot, "--json", str(history)])
    assert code == 0
    rows = json.loads(history.read_text())
    assert len(rows) == 2
    first, second = ({r["country"]: r for r in it} for it in rows)
    assert "ROW" not in first  # no data value: its factor stays
    for country, r in first.items():
        assert r["border_factor"] == 1.0
        if abs(r["error"]) > 0.05:
            moved = second[country]["border_factor"]
            assert (moved > 1.0) == (r["error"] > 0), (country, r, moved)
    out = capsys.readouterr().out
    assert "iteration 2:" in out and "countries.JPN.border_factor=" in out


def test_a_fit_starts_from_the_scenarios_own_factors(entrepot, tmp_path):
    history = tmp_path / "fit.json"
    code = main(["--scenario", BASELINE, "--steps", "24", "--iterations", "1",
                 "--set", "agents.consumers=9000", "--set", "agents.firms=1000",
                 "--set", "countries.KOR.border_factor=3",
                 "--dir", str(tmp_path), "--entrepot", entrepot, "--json", str(history)])
    assert code == 0
    first = {r["country"]: r["border_factor"] for r in json.loads(history.read_text())[0]}
    with open(BASELINE, encoding="utf-8") as f:
        given = {c["code"]: c.get("border_factor", 1.0) for c in yaml.safe_load(f)["countries"]}
    given["KOR"] = 3.0  # a --set of a factor is the one in force
    for country, factor in first.items():
        assert math.isclose(factor, given[country]), (country, factor, given[country])
