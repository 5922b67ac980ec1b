"""Calibration inputs and outputs that need no simulation: configs, targets, statistics,
the identifiability flag, the posterior file format and `run --params`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cli.main import main
from experiments.calibration import config, outputs, summary, targets
from model.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "experiments" / "targets" / "china_urban_2010s.toml"
GOOD = f"""
name = "t"
targets = "{TARGETS}"
width = 20
height = 20
steps = 20
warmup = 10
[overrides]
grid_block = 10
burn_in = 26
[params.rc_admin_burden]
[params.issue_rate]
low = 0.005
high = 0.05
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "cal.toml"
    p.write_text(text)
    return p


def test_good_config_loads(tmp_path):
    cfg = config.load(write(tmp_path, GOOD))
    assert [p.name for p in cfg.priors] == ["rc_admin_burden", "issue_rate"]
    assert cfg.priors[0].low == 0 and cfg.priors[0].high == 1  # the schema range
    assert cfg.window == 10 and cfg.window_start() == 10


def test_shipped_config_and_targets_load():
    cfg = config.load(ROOT / "experiments" / "configs" / "calibrate_baseline.toml")
    assert cfg.scenario == "administrative"
    ts = targets.load(cfg.targets_path)
    assert ts.fitted() and any(t.held_out for t in ts.targets)
    for t in ts.targets:
        assert t.source.get("author") and t.source.get("year")
        assert (t.sigma > 0 and t.mapping) if t.expressible else (t.why_not and t.held_out)


@pytest.mark.parametrize("change, words", [
    (("[params.issue_rate]", "[params.issue_rat]"), ["issue_rat", "issue_rate"]),
    (("width = 20", "width = 20\nsize = 3"), ["size", "not a known field"]),
    (("[params.rc_admin_burden]", "[params.grid_management]"), ["grid_management", "bool"]),
    (("low = 0.005", "low = 0.06"), ["issue_rate", "low", "below high"]),
    (("high = 0.05", "high = 7"), ["issue_rate", "7"]),
    (("grid_block = 10", "grid_block = 10\nissue_rate = 0.01"), ["issue_rate", "fixed"]),
    ((f'targets = "{TARGETS}"', 'targets = "nowhere.toml"'), ["targets", "nowhere.toml"]),
    (("steps = 20", "steps = 5"), ["warmup", "10"]),
    (("grid_block = 10", "grid_block = 7"), ["grid_block", "multiple"]),
    (("[params.rc_admin_burden]", "[abc]\npopulation_size = 3\n[params.rc_admin_burden]"),
     ["population_size", "3"]),
])
def test_bad_configs_say_what_is_wrong(tmp_path, change, words):
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(InputError) as err:
        config.load(write(tmp_path, text))
    msg = str(err.value)
    assert "\n" not in msg.strip() and "cal.toml" in msg
    for w in words:
        assert w in msg, msg


def test_bad_config_exits_2_without_traceback(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("[params.issue_rate]", "[params.nonsense]"))
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "nonsense" in err
    assert not (tmp_path / "out").exists()


TARGET = """
[meta]
steps_per_year = 52
[[target]]
name = "a"
measure = "participation_rate"
value = 0.5
se = 0.01
[target.source]
author = "X"
year = 2020
"""


@pytest.mark.parametrize("change, words", [
    (("se = 0.01", ""), ["uncertainty"]),
    (('measure = "participation_rate"', 'measure = "x"\nreduce = "median"'), ["reduce"]),
    (('author = "X"', ""), ["source", "author"]),
    (("se = 0.01", "interval = [0.6, 0.7]"), ["interval", "around"]),
    (('measure = "participation_rate"', ""), ["measure"]),
    # found by a review: these got through and failed later (a TypeError in the statistic,
    # every per-year figure NaN, a typo silently meaning 52)
    (('measure = "participation_rate"', "measures = []"), ["measures", "empty"]),
    (("steps_per_year = 52", "steps_per_year = nan"), ["steps_per_year"]),
    (("steps_per_year = 52", "steps_per_year = inf"), ["steps_per_year"]),
    (("steps_per_year = 52", "step_per_year = 52"), ["meta.step_per_year", "not a known"]),
    (("se = 0.01", "se = 0.01\nunit = 3"), ["unit", "text"]),
])
def test_bad_targets_say_what_is_wrong(tmp_path, change, words):
    p = tmp_path / "t.toml"
    p.write_text(TARGET.replace(*change))
    with pytest.raises(InputError) as err:
        targets.load(p)
    for w in words:
        assert w in str(err.value), str(err.value)


def test_statistics_from_a_series():
    ts = targets.from_dict({
        "meta": {"steps_per_year": 52},
        "target": [
            {"name": "m", "measures": ["share_guided", "share_self_governing"], "value": 0.1,
             "se": 0.1, "source": {"author": "a", "year": 1}},
            {"name": "r", "measures": ["issues_resolved"], "reduce": "ratio",
             "denominator": ["issues_resolved", "issues_abandoned"], "value": 0.5, "se": 0.1,
             "source": {"author": "a", "year": 1}},
            {"name": "y", "measure": "issues_raised", "reduce": "per_year", "value": 1,
             "se": 0.1, "source": {"author": "a", "year": 1}},
            {"name": "f", "measure": "issues_raised", "reduce": "final", "value": 1,
             "se": 0.1, "source": {"author": "a", "year": 1}},
            {"name": "later", "measure": "election_turnout", "value": 0.05, "se": 0.01,
             "held_out": True, "source": {"author": "a", "year": 1}},
        ]})
    series = {"share_guided": [9, 0.1, 0.2], "share_self_governing": [9, 0.0, 0.1],
              "issues_resolved": [9, 1, 3], "issues_abandoned": [9, 1, 3],
              "issues_raised": [9, 2, 4]}
    stats = ts.statistics(series, start=1)
    assert stats["m"] == pytest.approx(0.2)
    assert stats["r"] == pytest.approx(0.5)
    assert stats["y"] == pytest.approx(3 * 52)
    assert stats["f"] == 4
    assert "later" not in stats and [t.name for t in ts.skipped()] == ["later"]
    assert "election_turnout" in ts.skipped_lines()[0]


def test_identifiability_flag_marks_a_prior_wide_posterior():
    rng = np.random.default_rng(1)
    priors = (config.Prior("issue_rate", 0.0, 1.0), config.Prior("rc_admin_burden", 0.0, 1.0))
    particles = np.column_stack([rng.uniform(0, 1, 2000), rng.normal(0.5, 0.05, 2000)])
    w = np.ones(2000) / 2000
    ess = summary.effective_sample_size(w)
    assert ess == pytest.approx(2000)
    rows = {r["name"]: r for r in summary.parameter_table(priors, particles, w, ess)}
    assert rows["issue_rate"]["identified"] is False and rows["issue_rate"]["width_ratio"] > 0.9
    assert rows["rc_admin_burden"]["identified"] is True
    assert rows["rc_admin_burden"]["ci"][0] < 0.5 < rows["rc_admin_burden"]["ci"][1]
    # the same narrow posterior from 60 effective particles: identification not assessed
    few = summary.parameter_table(priors, particles[:60], w[:60], 60.0)
    assert [r["identified"] for r in few] == [None, None]


def test_small_calibrations_are_warned_about(tmp_path):
    """The issue's case: population 10 and 2 predictive draws said "identified: yes" for 7
    of 8 parameters with no warning."""
    small = GOOD + "[abc]\npopulation_size = 10\npredictive_draws = 2\n"
    cfg = config.load(write(tmp_path, small))
    warnings = summary.size_warnings(cfg, ess=8.7, draws=2)
    text = " ".join(warnings)
    assert len(warnings) == 3
    assert "population_size 10 is below 100" in text
    assert "predictive_draws 2 is below 30" in text
    assert "effective sample size is 9 (of 10 particles), below 100" in text
    big = config.load(write(tmp_path, GOOD + "[abc]\npopulation_size = 400\n"))
    assert summary.size_warnings(big, ess=250.0, draws=40) == []


def test_posterior_file_format(tmp_path):
    priors = (config.Prior("issue_rate", 0.0, 1.0), config.Prior("enterprise_count", 0, 10))
    particles = np.array([[0.1, 2.4], [0.2, 7.6]])
    path = tmp_path / "posterior.parquet"
    outputs.write_posterior(path, priors, particles, np.array([1.0, 3.0]), "cal-x",
                          "administrative")
    df, cid = outputs.read_posterior(path)
    assert cid == "cal-x" and list(df.columns) == ["issue_rate", "enterprise_count", "weight"]
    assert df["enterprise_count"].tolist() == [2, 8]
    assert df["weight"].sum() == pytest.approx(1.0)


def test_run_params_file(tmp_path, capsys):
    good = tmp_path / "calibrated.toml"
    good.write_text('calibration_id = "cal-abc"\n[params]\nrc_admin_burden = 0.25\n')
    out = tmp_path / "run"
    assert main(["run", "--steps", "3", "--params", str(good), "--set", "width=20",
                 "--set", "height=20", "--set", "grid_block=10", "--set", "burn_in=2",
                 "--out", str(out)]) == 0
    final = json.loads((out / "final.json").read_text())
    assert final["meta"]["calibration_id"] == "cal-abc"
    assert final["params"]["rc_admin_burden"] == 0.25
    for text, word in (("[params]\nrc_admin_burden = 2\n", "rc_admin_burden"),
                       ("x = 1\n", "no [params] table"), ("[params\n", "TOML"),
                       ("[params]\nwidth = inf\n", "finite")):
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        capsys.readouterr()
        assert main(["run", "--params", str(bad)]) == 2
        err = capsys.readouterr().err
        assert word in err and "Traceback" not in err


def test_every_config_and_target_field_is_documented():
    text = (ROOT / "docs" / "CALIBRATION.md").read_text()
    for table in (config._TOP, config._PARAM, config._ABC, targets._FIELDS):
        for key in table:
            assert f"`{key}`" in text, key
