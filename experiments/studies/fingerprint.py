"""The model's fingerprint: what a stored study result is valid for.

A study is evidence about the model as it behaves, not as its source text reads, so the
fingerprint hashes behaviour: every parameter's schema entry, every preset's resolved
parameters, and the complete weekly output of a few short runs that switch on every
mechanism (and the threshold rule). A refactor that leaves results bit-identical keeps the
fingerprint, and with it every stored study; a change to any rule, default or preset
changes it, and `make test` then names the studies to run again.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

import numpy as np

from governance import PARAMS, SCENARIOS, GovernanceModel, scenario_params

TINY = {"width": 20, "height": 20, "grid_block": 10, "building_block": 5}
# Presets whose runs together switch on every mechanism, phase one in, and use both rules.
RUNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("administrative", {}),
    ("collaborative", {}),
    ("staged_rollout", {}),
    ("many_enterprises", {"resident_channels": True}),
    ("administrative", {"decision_rule": "threshold", "influence_scope": "global"}),
)
STEPS, SEED = 52, 20261204
DIGITS = 10  # outputs are rounded first, so a last-bit change of summation order is not a change


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=repr)


def _schema() -> list[Any]:
    return [[p.name, repr(p.default), repr(p.low), repr(p.high), getattr(p.type, "__name__",
             str(p.type)), list(p.choices or ()), bool(p.slow)] for p in PARAMS.values()]


def _outputs(scenario: str, extra: dict[str, Any]) -> bytes:
    m = GovernanceModel.from_scenario(scenario, rng=SEED, **TINY, **extra)
    m.run(STEPS)
    df = m.datacollector.get_model_vars_dataframe()
    values = np.round(df.to_numpy(dtype=float), DIGITS) + 0.0  # + 0.0: no negative zeros
    return ",".join(df.columns).encode() + values.tobytes()


@cache
def model_fingerprint() -> str:
    """A short hash of the schema, the presets and the outputs of `RUNS` (about 2 s)."""
    h = hashlib.sha256()
    h.update(_canonical(_schema()).encode())
    h.update(_canonical({n: scenario_params(n) for n in SCENARIOS}).encode())
    for scenario, extra in RUNS:
        h.update(_outputs(scenario, extra))
    return h.hexdigest()[:16]
