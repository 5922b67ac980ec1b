"""The crowding-out contrast of claim A2b, shared by its test and its generated ODD table.

Burden 0.9 against 0.3 with the same mechanisms on, paired over seeds, 40 x 40, the mean of
the second year: `tests/test_pathways_model.py` asserts on it and
`scripts/crowding_table.py` tabulates it, so both read the same numbers.
"""

from __future__ import annotations

import numpy as np

from model import GovernanceModel
from model.scenarios import scenario_params

SIZE = {"width": 40, "height": 40, "grid_block": 20, "building_block": 5}
SEEDS, STEPS, WINDOW = 6, 104, 52
LIGHT, HEAVY = 0.3, 0.9


def _outcomes(scenario: str, seed: int, burden: float) -> tuple[float, float]:
    """(all participation, organised participation), mean of the last WINDOW weeks."""
    m = GovernanceModel.from_scenario(scenario, rng=seed, rc_admin_burden=burden, **SIZE)
    m.run(STEPS)
    df = m.datacollector.get_model_vars_dataframe().iloc[-WINDOW:]
    return (float(df["participation_rate"].mean()),
            float((df["share_guided"] + df["share_self_governing"]).mean()))


def crowding_effects(scenario: str) -> np.ndarray:
    """Light minus heavy burden per seed: column 0 all participation (rung >= 1), column 1
    organised participation (rung >= 2)."""
    return np.array([np.subtract(_outcomes(scenario, seed, LIGHT),
                                 _outcomes(scenario, seed, HEAVY)) for seed in range(SEEDS)])


def relieved(scenario: str) -> bool:
    """Whether the scenario has de-administration on (the burden is then mostly lifted)."""
    return bool(scenario_params(scenario)["rc_deadministration"])
