"""Warm-up (MSER-5) and the steady-state check."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from experiments import runner
from experiments.spec import loads
from experiments.warmup import mser5, steady_state


def test_mser5_cuts_a_transient_and_leaves_a_flat_series():
    rng = np.random.default_rng(3)
    flat = rng.normal(0.5, 0.01, 200)
    assert mser5(flat) <= 20
    transient = flat + np.where(np.arange(200) < 60, 0.4 * np.exp(-np.arange(200) / 15), 0)
    cut = mser5(transient)
    assert 30 <= cut <= 100 and cut % 5 == 0


def _ts(drift: float) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for r in range(5):
        for step in range(41):
            rows.append({"run": f"s{r}", "scenario": "s", "step": step,
                         "m": 0.5 + drift * step + rng.normal(0, 0.002)})
    return pd.DataFrame(rows)


def test_steady_state_check_flags_a_drift_and_passes_a_plateau(monkeypatch):
    monkeypatch.setattr("experiments.warmup.is_share", lambda m: True)
    assert steady_state(_ts(0.0), ["m"], ["s"], 0)["verdict"].iloc[0] == "steady"
    assert steady_state(_ts(0.005), ["m"], ["s"], 0)["verdict"].iloc[0] == "drifting"


def test_auto_warmup_is_used_and_reported(tmp_path):
    text = ('name = "w"\nscenarios = ["administrative", "grid_management"]\nreplicates = 2\n'
            'steps = 40\noutcome = "mean"\nwarmup = "auto"\n'
            'measures = ["participation_rate", "trust_government"]\n'
            '[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\n'
            'burn_in = 26\n')
    man = runner.run_experiment(loads(text, "w.toml"), tmp_path, executor="serial",
                                progress=io.StringIO())
    w = man["warmup_used"]
    assert 0 <= w < 40 and w % 5 == 0
    report = (tmp_path / "report.md").read_text()
    assert f"{w} warm-up weeks left out (warm-up chosen by MSER-5)" in report
    assert "## Warm-up and steady state" in report
    steady = pd.read_csv(tmp_path / "steady_state.csv")
    assert set(steady["scenario"]) == {"administrative", "grid_management"}
    assert set(steady["verdict"]) <= {"steady", "drifting"}
