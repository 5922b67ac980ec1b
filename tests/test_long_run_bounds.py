"""Plausibility as a property of the rules (issue 10, item 6), guarded against regressions.

The shipped `long_run` experiment (60 x 60, every scenario, docs/long_run.png) is the
evidence; this is its quick guard on the scenarios that climb highest, at 40 x 40. The
bounds are the issue's, fixed before any run: after eight years (416 weeks) no scenario has
more than a quarter of households on the top rung or a participation rate of 0.9, and trust
and civic consciousness do not pile up at 1 (mean of year 8 below 0.95).
"""

from __future__ import annotations

import pytest

from model import GovernanceModel
from tests.conftest import SMALL


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["collaborative", "staged_rollout"])
def test_eight_years_stay_plausible(scenario):
    for seed in range(2):
        m = GovernanceModel.from_scenario(scenario, rng=seed, **SMALL)
        m.run(416)
        year8 = m.datacollector.get_model_vars_dataframe().iloc[-52:].mean()
        assert year8["participation_rate"] < 0.9, (scenario, seed, year8["participation_rate"])
        assert year8["share_self_governing"] <= 0.25, (scenario, seed)
        assert year8["trust_government"] < 0.95, (scenario, seed)
        assert year8["civic_consciousness"] < 0.95, (scenario, seed)
