"""Scenario discovery with the EMA Workbench's PRIM over an LHS design."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import runner
from experiments.discovery import discover
from experiments.spec import SpecError, load, loads

ROOT = Path(__file__).resolve().parent.parent
TINY = "[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\nburn_in = 26\n"
LHS = ('[design]\ntype = "lhs"\nsamples = {n}\n[design.ranges]\n'
       'initial_participation = [0.05, 0.6]\ninitial_trust_government = [0.2, 0.8]\n')


def test_prim_finds_the_box_that_holds_the_cases():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.random(300), "b": rng.random(300), "c": rng.random(300)})
    y = ((x["a"] > 0.6) & (x["b"] < 0.4)).to_numpy()
    res = discover(x, y)
    box = res["boxes"][0]
    assert box["coverage"] > 0.8 and box["density"] > 0.8
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
    with pytest.raises(SpecError, match="threshold got 'x'"):
        loads(base + '[analysis]\ndiscovery = { measure = "participation_rate", '
              'threshold = "x" }\n')


def test_discovery_report_has_boxes_and_a_trajectory(tmp_path):
    text = ('name = "d"\nscenarios = ["administrative"]\nreplicates = 1\nsteps = 8\n'
            'measures = ["participation_rate"]\n' + LHS.format(n=40) +
            '[analysis]\ndiscovery = { measure = "participation_rate", threshold = 0.3 }\n'
            + TINY)
    runner.run_experiment(loads(text, "d.toml"), tmp_path, executor="serial",
                          progress=io.StringIO())
    report = (tmp_path / "report.md").read_text()
    assert "## Scenario discovery (PRIM)" in report and "of 40 points of interest" in report
    if (tmp_path / "discovery.csv").exists():
        boxes = pd.read_csv(tmp_path / "discovery.csv")
        assert boxes["coverage"].between(0, 1).all() and boxes["density"].between(0, 1).all()
        assert (tmp_path / "figures" / "prim_administrative.png").exists()


def test_shipped_discovery_config_is_small():
    spec = load(ROOT / "experiments" / "configs" / "discovery_participation.toml")
    assert spec.analysis.discovery is not None and spec.design.type == "lhs"
    runs = spec.design.samples * spec.replicates * len(spec.scenarios)
    cells = spec.overrides["width"] * spec.overrides["height"]
    assert runs * cells * spec.steps <= 600 * 900 * 60  # about 3 minutes on 2 shared cores
