"""The burn-in's accelerated spin-up: slow attitudes reach the baseline's level by week 0.

The burn-in runs its first weeks with every slow rate (schema `slow=True`) multiplied by
`spinup_speedup`, then `spinup_settle` weeks at the normal rates (docs/ODD.md 5). How far
it settles week 0 is the `settle` study (experiments/studies/settle.py).
"""

from __future__ import annotations

import numpy as np

from governance import PARAMS, GovernanceModel, validate
from tests.conftest import TINY


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
