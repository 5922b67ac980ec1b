"""The threshold rule (the docking rule) reproduces Granovetter's (1978) model exactly.

Granovetter's model has no burn-in and no households moving: the docking settings switch
both off (`DOCK`).
"""

from __future__ import annotations

import numpy as np
import pytest

from governance import GovernanceModel
from model.community import moore_sum
from tests.conftest import SMALL

DOCK = {"burn_in": 0, "move_out_rate": 0.0}


def _granovetter(thresholds: np.ndarray, r0: float, steps: int) -> list[float]:
    """Direct iteration r(t+1) = F(r(t)), F = empirical CDF of the thresholds."""
    out, r = [r0], r0
    for _ in range(steps):
        r = float(np.mean(thresholds <= r))
        out.append(r)
    return out


def test_global_threshold_rule_is_granovetter():
    for seed in range(4):
        model = GovernanceModel(rng=seed, decision_rule="threshold", influence_scope="global",
                                **DOCK, threshold_mean=0.25, threshold_sd=0.12, **SMALL)
        thresholds = model.population.threshold.copy()
        r0 = float((model.population.level >= 1).mean())
        model.run(30)
        got = model.datacollector.get_model_vars_dataframe()["participation_rate"].tolist()
        assert got == _granovetter(thresholds, r0, 30)


def test_threshold_equilibrium_is_the_fixed_point():
    model = GovernanceModel(rng=11, decision_rule="threshold", influence_scope="global",
                            **DOCK,
                            threshold_mean=0.35, threshold_sd=0.2, **SMALL)
    thr = model.population.threshold.copy()
    r = float((model.population.level >= 1).mean())
    while True:  # iterate F to its fixed point directly from the drawn thresholds
        nxt = float(np.mean(thr <= r))
        if nxt == r:
            break
        r = nxt
    model.run(60)
    assert model.current["participation_rate"] == r


def test_moore_share_matches_brute_force():
    """A resident sees the residents of the 8 dwellings around their own."""
    model = GovernanceModel(rng=2, width=20, height=20, grid_block=10, building_block=5)
    pop, c = model.population, model.community
    got = pop.scope_share_at_least(1)
    on = pop.level >= 1
    for r in range(0, pop.n, 37):
        h = pop.home[r]
        x, y = c.x[h], c.y[h]
        near = [a * c.height + b for a in range(x - 1, x + 2) for b in range(y - 1, y + 2)
                if (a, b) != (x, y) and 0 <= a < c.width and 0 <= b < c.height]
        people = np.isin(pop.home, near)
        assert got[r] == pytest.approx(on[people].mean())
    assert moore_sum(np.ones((3, 3)))[1, 1] == 8


def test_building_scope_counts_the_building():
    model = GovernanceModel(rng=2, influence_scope="building", width=20, height=20,
                            grid_block=10, building_block=5)
    pop = model.population
    got = pop.scope_share_at_least(1)
    b = pop.building_of[0]
    assert got[0] == pytest.approx(np.mean(pop.level[pop.building_of == b] >= 1))
