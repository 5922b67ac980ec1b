"""Scenario discovery with the EMA Workbench's PRIM over an LHS design."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from experiments.analyse.discovery import discover, pass_check
from experiments.experiment import run_experiment
from experiments.specify.check import load, loads
from experiments.specify.spec import SpecError
from tests.conftest import MODEL2_VALUES
from tests.experiment_helpers import ROOT, TINY

LHS = ('[design]\ntype = "lhs"\nsamples = {n}\n[design.ranges]\n'
       'issue_rate = [0.005, 0.04]\nrc_admin_burden = [0.1, 0.9]\n')


def test_prim_finds_the_box_that_holds_the_cases():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.random(80), "b": rng.random(80), "c": rng.random(80)})
    y = ((x["a"] > 0.6) & (x["b"] < 0.4)).to_numpy()
    res = discover(x, y)
    box = res["boxes"][0]
    assert box["coverage"] > 0.8 and box["density"] > 0.8
    assert len(res["boxes"]) == 1  # nothing of interest is left for a second box
    assert res["trajectories"][0]["chosen"].sum() == 1
    assert box["stability"]["a"][1] >= 50 and box["stability"]["c"] == (0.0, 0.0)
    assert all(q < 0.05 for _lo, _hi, q in box["limits"].values())
    assert set(box["limits"]) == {"a", "b"}
    assert box["limits"]["a"][0] == pytest.approx(0.6, abs=0.05)
    assert box["limits"]["b"][1] == pytest.approx(0.4, abs=0.05)
    assert not res["trajectories"][0].empty


def test_nothing_to_separate_is_said_plainly():
    x = pd.DataFrame({"a": np.linspace(0, 1, 20)})
    assert "no design point" in discover(x, np.zeros(20, bool))["note"]


@pytest.mark.parametrize("extra,needle", [
    ('[analysis]\ndiscovery = { measure = "participation_rate", threshold = 0.4 }\n',
     "needs an LHS design"),
])
def test_discovery_needs_an_lhs_design(extra, needle):
    text = f'name = "d"\nscenarios = ["administrative"]\n{extra}'
    with pytest.raises(SpecError, match=needle):
        loads(text, "d.toml")


def test_discovery_fields_are_checked():
    base = f'name = "d"\nscenarios = ["administrative"]\n{LHS.format(n=4)}'
    with pytest.raises(SpecError, match="not a measure"):
        loads(base + '[analysis]\ndiscovery = { measure = "nope", threshold = 0.4 }\n')
    with pytest.raises(SpecError, match=r"discovery\.threshold' got 'x'"):
        loads(base + '[analysis]\ndiscovery = { measure = "participation_rate", '
              'threshold = "x" }\n')


DISCOVERY = ('name = "d"\nscenarios = ["administrative"]\nreplicates = 1\nsteps = 8\n'
             'measures = ["participation_rate"]\n' + LHS.format(n=40) +
             '[analysis]\ndiscovery = {rule}\n' + TINY
             # Model 2's livelier community: at the calibrated point eight weeks of a 20 x 20
             # community give tied participation rates, and a median split is not 20 of 40.
             + "".join(f"{k} = {v}\n" for k, v in MODEL2_VALUES.items()))


@pytest.fixture(scope="module")
def median_split(tmp_path_factory):
    """40 LHS points, interest = above the points' median: the runs every test here reads."""
    out = tmp_path_factory.mktemp("disc")
    spec = loads(DISCOVERY.format(rule='{ measure = "participation_rate", quantile = 0.5 }'),
                 "d.toml")
    run_experiment(spec, out, executor="serial", progress=io.StringIO())
    return out


def test_discovery_at_the_median_reports_boxes_trajectories_and_stability(median_split):
    report = (median_split / "report.md").read_text()
    assert "## Scenario discovery (PRIM)" in report and "20 of 40 points of interest" in report
    assert "the 0.5-quantile of each scenario's points" in report
    assert "**Warning" not in report.split("## Scenario discovery")[1]
    traj = pd.read_csv(median_split / "prim_trajectories.csv")
    assert traj["coverage"].between(0, 1).all() and traj["density"].between(0, 1).all()
    if (median_split / "discovery.csv").exists():
        boxes = pd.read_csv(median_split / "discovery.csv")
        assert {"chosen_step", "reproduced_in_resamples", "limits"} <= set(boxes.columns)
        assert traj.groupby("box")["chosen"].sum().eq(1).all()
        assert (median_split / "figures" / "prim_administrative.png").exists()
    else:  # no box PRIM could tell from chance: the report says so instead
        assert "No box was found" in report


def test_a_threshold_nearly_every_point_passes_gets_a_warning(median_split):
    """96% of the points pass: a box can only trim an edge. The report warns and offers
    the median; changing the threshold recomputes the analysis without running again."""
    runs = pd.read_parquet(median_split / "runs.parquet")
    values = np.sort(runs["participation_rate"].to_numpy())
    cut = float((values[0] + values[1]) / 2)  # only the lowest of 40 points fails
    if not values[0] < cut < values[1]:
        pytest.skip("two points tie at the bottom")
    before = {p.name: p.stat().st_mtime_ns for p in (median_split / "runs").glob("*.json")}
    spec = loads(DISCOVERY.format(rule='{ measure = "participation_rate", threshold = '
                                       f'{cut!r} }}'), "d.toml")
    run_experiment(spec, median_split, executor="serial", progress=io.StringIO(),
                   figures=False)
    after = {p.name: p.stat().st_mtime_ns for p in (median_split / "runs").glob("*.json")}
    assert before == after
    report = (median_split / "report.md").read_text()
    assert "39 of 40 points of interest" in report
    assert "39 of 40 design points (98%) pass the threshold" in report
    assert "`quantile = 0.5` puts it at the median" in report


def test_pass_check_warns_outside_ten_to_ninety_percent():
    values = np.linspace(0, 1, 25)
    assert "24 of 25 design points (96%)" in pass_check(values, values > 0.02, 0.02, "m")
    assert pass_check(values, values > 0.5, 0.5, "m") == ""
    assert "1 of 25" in pass_check(values, values > 0.97, 0.97, "m")


def test_shipped_discovery_config_is_small():
    spec = load(ROOT / "experiments" / "configs" / "discovery_participation.toml")
    assert spec.analysis.discovery is not None and spec.design.type == "lhs"
    runs = spec.design.samples * spec.replicates * len(spec.scenarios)
    cells = spec.overrides["width"] * spec.overrides["height"]
    assert runs * cells * spec.steps <= 600 * 900 * 60  # about 3 minutes on 2 shared cores


def test_a_box_chance_would_draw_is_not_kept_but_its_trajectory_is_reported():
    """Interest independent of the parameters: PRIM still peels a box, which is not kept;
    its trajectory stays in the output (marked not kept) and the report says why."""
    from experiments.analyse.discovery import rejected_text, trajectories_frame

    rng = np.random.default_rng(3)
    x = pd.DataFrame({"a": rng.random(60), "b": rng.random(60)})
    res = discover(x, rng.random(60) < 0.5)
    assert res["boxes"] == [] and res["rejected"]["box"] == 1
    traj = trajectories_frame(res, "s")
    assert not traj.empty and not traj["kept"].any() and traj["chosen"].sum() == 1
    assert all(q >= 0.05 for _lo, _hi, q in res["rejected"]["limits"].values())
    assert "not kept" in rejected_text(res) and "quasi-p below 0.05" in rejected_text(res)
