"""Every preset runs; the staged rollout follows the article's order; capacities grow."""

from __future__ import annotations

import numpy as np
import pytest

from governance import SCENARIOS, GovernanceModel
from governance.presets import STAGES
from tests.conftest import SMALL, TINY, mean_over_seeds


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_scenario_runs(name):
    model = GovernanceModel.from_scenario(name, rng=1, **TINY)
    model.run(12)
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 13 and np.isfinite(df.to_numpy()).all()
    for key, value in SCENARIOS[name].overrides.items():
        if key not in TINY:
            assert model.params[key] == value


def test_scenarios_have_one_line_texts():
    for s in SCENARIOS.values():
        assert s.description and "\n" not in s.description
        assert s.kind in ("mechanism", "growth", "single", "pathway")
    kinds = {s.kind for s in SCENARIOS.values()}
    assert kinds == {"mechanism", "growth", "single", "pathway"}
    from governance import MECHANISMS

    singles = {s.name for s in SCENARIOS.values() if s.kind == "single"}
    assert singles == {f"only_{m}" for m in MECHANISMS}


def test_staged_rollout_switches_each_phase_at_its_step():
    model = GovernanceModel.from_scenario("staged_rollout", rng=2, **TINY)
    for start in sorted(STAGES):
        model.run(max(0, start - 1 - model.step_count))
        # Right after step start-1: this phase's mechanisms are on, later phases are not.
        for s, mechs in STAGES.items():
            for m in mechs:
                assert model.mechanisms[m] == (s <= start), (m, start)


def test_whole_programme_beats_the_baseline_on_the_capacities():
    """C1: the four capacities grow out of cooperation (they are never set)."""
    for cap in ("capacity_publicity", "capacity_negotiation", "capacity_mobilization",
                "capacity_integration"):
        base = mean_over_seeds(cap, seeds=range(3), rc_admin_burden=0.7)
        whole = mean_over_seeds(cap, seeds=range(3), **{
            k: v for k, v in SCENARIOS["collaborative"].overrides.items()})
        assert whole > base, cap


def test_civic_consciousness_grows_only_by_taking_part():
    """C4: with participation frozen at zero, no mechanism raises civic consciousness."""
    model = GovernanceModel.from_scenario("collaborative", rng=3, initial_participation=0.0,
                                          adjustment_rate=0.0, **SMALL)
    before = model.population.civic.mean()
    model.run(30)
    assert (model.population.level == 0).all()
    assert model.population.civic.mean() <= before
