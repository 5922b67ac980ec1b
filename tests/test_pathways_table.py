"""The pathway decomposition computes paired carried effects and shares correctly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.analyse.pathways import decompose
from model.errors import InputError


def synthetic(reps: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for r in range(reps):
        base = 0.4 + rng.normal(0, 0.01)
        whole = base + 0.2 + rng.normal(0, 0.01)
        rows += [{"scenario": "administrative", "replicate": r, "x": base},
                 {"scenario": "collaborative", "replicate": r, "x": whole},
                 {"scenario": "collaborative_without_org_activities", "replicate": r,
                  "x": whole - 0.05},  # carries exactly 0.05, a quarter of the effect
                 {"scenario": "collaborative_without_grid_patrol", "replicate": r,
                  "x": whole}]  # carries nothing
    return pd.DataFrame(rows)


def test_carried_effects_and_shares():
    t = decompose(synthetic(), "collaborative", "administrative", ["x"]).set_index("pathway")
    assert t.loc["org_activities", "carried"] == pytest.approx(0.05)
    assert t.loc["grid_patrol", "carried"] == pytest.approx(0.0)
    whole = t.loc["(whole programme)", "carried"]
    assert t.loc["(whole programme)", "share_of_effect"] == pytest.approx(1.0)
    assert t.loc["org_activities", "share_of_effect"] == pytest.approx(0.05 / whole)
    lo, hi = t.loc["(whole programme)", ["ci_low", "ci_high"]]
    assert lo < whole < hi and hi - lo < 0.05
    assert t.loc["org_activities", "mechanism"] == "social organisations"


def test_missing_arms_are_a_clear_error():
    runs = synthetic()
    with pytest.raises(InputError, match="no arm"):
        decompose(runs[runs.scenario != "administrative"], "collaborative",
                  "administrative", ["x"])
