"""Warm-up (MSER-5) and the steady-state check."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from experiments.analyse.warmup import mser5, mser_limit, steady_state
from experiments.experiment import run_experiment
from experiments.specify.check import loads
from tests.experiment_helpers import spec_text


def test_mser5_cuts_a_transient_and_leaves_a_flat_series():
    rng = np.random.default_rng(3)
    flat = rng.normal(0.5, 0.01, 200)
    assert mser5(flat) <= 20
    transient = flat + np.where(np.arange(200) < 60, 0.4 * np.exp(-np.arange(200) / 15), 0)
    cut = mser5(transient)
    assert 30 <= cut <= 100 and cut % 5 == 0


def _ts(drift: float, spread: float = 0.0, noise: float = 0.002) -> pd.DataFrame:
    """Five runs of 41 weeks: a level that differs by run (sd `spread`), a common drift per
    week, weekly noise."""
    rng = np.random.default_rng(0)
    rows = []
    for r in range(5):
        level = 0.5 + rng.normal(0, spread)
        for step in range(41):
            rows.append({"run": f"s{r}", "scenario": "s", "step": step,
                         "m": level + drift * step + rng.normal(0, noise)})
    return pd.DataFrame(rows)


def _verdict(ts: pd.DataFrame, mser_point: int | None = None) -> str:
    mser = None if mser_point is None else pd.DataFrame(
        [{"scenario": "s", "measure": "m", "mser5_warmup": mser_point}])
    return steady_state(ts, ["m"], ["s"], 0, mser)["verdict"].iloc[0]


def test_steady_state_check_flags_a_drift_and_passes_a_plateau():
    assert _verdict(_ts(0.0)) == "steady"
    assert _verdict(_ts(0.005)) == "drifting"


def test_drift_tolerance_is_relative_to_how_runs_differ():
    """Between the window's halves, a drift of 0.02 where runs differ by 0.1 moves no run
    far (steady; a fixed 0.01 tolerance called it drifting); a drift of 0.009 where runs
    differ by 0.001 is most of their spread (drifting; the fixed tolerance let it pass)."""
    assert _verdict(_ts(0.001, spread=0.1, noise=0.0005)) == "steady"
    assert _verdict(_ts(0.00045, spread=0.001, noise=0.0005)) == "drifting"


def test_steady_needs_mser5_to_agree():
    """A flat window whose MSER-5 point sits at its limit (half the run) is not settled."""
    limit = mser_limit(41)
    assert limit == 20
    assert _verdict(_ts(0.0), mser_point=5) == "steady"
    assert _verdict(_ts(0.0), mser_point=limit) == "not settled"
    assert _verdict(_ts(0.005), mser_point=limit) == "drifting"


def test_auto_warmup_is_used_and_reported(tmp_path):
    text = spec_text(2, 40, 'outcome = "mean"\nwarmup = "auto"\n', name="w")
    man = run_experiment(loads(text, "w.toml"), tmp_path, executor="serial", figures=False,
                                progress=io.StringIO())
    w = man["warmup_used"]
    assert 0 <= w < 40 and w % 5 == 0
    report = (tmp_path / "report.md").read_text()
    assert f"{w} warm-up weeks left out (warm-up chosen by MSER-5)" in report
    assert "## Warm-up and steady state" in report
    steady = pd.read_csv(tmp_path / "steady_state.csv")
    assert set(steady["scenario"]) == {"administrative", "grid_management"}
    assert set(steady["verdict"]) <= {"steady", "drifting", "not settled"}
    assert "**Steady** only where both agree" in report
