"""The burn-in's accelerated spin-up: slow attitudes reach the baseline's level by week 0.

The burn-in runs its first weeks with every slow rate (schema `slow=True`) multiplied by
`spinup_speedup`, then `spinup_settle` weeks at the normal rates (docs/ODD.md 5).
"""

from __future__ import annotations

import numpy as np

from model import GovernanceModel
from model.params import PARAMS, validate
from tests.conftest import TINY

# The size of the long_run experiment, where issue 10 found the drift. (At 40 x 40 the
# participation drift is about as large as its noise over 3 seeds: a first version of this
# test there measured 0.025 without and 0.015 with the spin-up.)
LONG_RUN_SIZE = {"width": 60, "height": 60, "grid_block": 20, "building_block": 5}


def test_the_rates_are_restored_after_the_burn_in():
    overrides = {**TINY, "burn_in": 30, "spinup_settle": 10, "spinup_speedup": 5.0}
    m = GovernanceModel(rng=1, **overrides)
    assert m.params == validate(overrides)


def test_only_rates_are_marked_slow():
    """A rate is a share per event or per week: every slow parameter is a float in [0, x]."""
    slow = [s for s in PARAMS.values() if s.slow]
    assert len(slow) >= 5
    for s in slow:
        assert s.type is float and s.low == 0 and s.high is not None, s.name


def test_without_speed_up_the_burn_in_is_the_plain_one():
    a = GovernanceModel(rng=2, burn_in=20, spinup_speedup=1.0, spinup_settle=0, **TINY)
    b = GovernanceModel(rng=2, burn_in=20, spinup_speedup=1.0, spinup_settle=20, **TINY)
    assert np.array_equal(a.population.trust_gov, b.population.trust_gov)
    assert np.array_equal(a.population.level, b.population.level)


def _drift(seed: int, speedup: float) -> tuple[float, float]:
    """Change of trust in government and of participation from week 0 to year 2."""
    m = GovernanceModel.from_scenario("administrative", rng=seed, spinup_speedup=speedup,
                                      **LONG_RUN_SIZE)
    m.run(104)
    df = m.datacollector.get_model_vars_dataframe()
    return tuple(float(df[c].iloc[53:].mean() - df[c].iloc[0])
                 for c in ("trust_government", "participation_rate"))


def test_the_spin_up_at_least_halves_the_drift_after_week_0():
    """Mean over 3 seeds of the drift in year 2 against week 0, with the default speed-up and
    with none: the default at least halves it for trust in government and for participation
    (margin fixed before looking; the drift without speed-up is issue 10's finding)."""
    plain = np.mean([_drift(s, 1.0) for s in range(3)], axis=0)
    sped = np.mean([_drift(s, PARAMS["spinup_speedup"].default) for s in range(3)], axis=0)
    assert (plain > 0).all(), plain
    assert (np.abs(sped) <= 0.5 * plain).all(), (plain, sped)
