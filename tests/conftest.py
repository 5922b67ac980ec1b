"""Shared helpers: small communities keep the suite fast on two cores."""

from __future__ import annotations

import numpy as np
import pytest

from model import GovernanceModel

SMALL = {"width": 40, "height": 40, "grid_block": 20, "building_block": 5}
TINY = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}


def run_model(steps: int = 60, seed: int = 0, **params):
    """Run a small model and return its per-step frame."""
    model = GovernanceModel(rng=seed, **{**SMALL, **params})
    model.run(steps)
    return model.datacollector.get_model_vars_dataframe()


def mean_over_seeds(column: str, seeds=range(5), tail: int = 20, steps: int = 80,
                    **params) -> float:
    """Mean of a measure over the last `tail` steps, averaged over seeds."""
    vals = [run_model(steps, s, **params)[column].iloc[-tail:].mean() for s in seeds]
    return float(np.mean(vals))


@pytest.fixture
def small():
    return dict(SMALL)
