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
    # the default grids of 400 households: a rule that scales with grid size (the committee's
    # staff did, per grid, until 2026-12-06) shows only when grids are not of 100
    ("collaborative", {"width": 40, "height": 40, "grid_block": 20}),
)
STEPS, SEED = 52, 20261204
DIGITS = 10  # outputs are rounded first, so a last-bit change of summation order is not a change


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=repr)


def _schema(leave_out: frozenset[str] = frozenset()) -> list[Any]:
    return [[p.name, repr(p.default), repr(p.low), repr(p.high), getattr(p.type, "__name__",
             str(p.type)), list(p.choices or ()), bool(p.slow)] for p in PARAMS.values()
            if p.name not in leave_out]


def _frame(scenario: str, params: dict[str, Any]) -> tuple[list[str], np.ndarray]:
    m = GovernanceModel.from_scenario(scenario, rng=SEED, **{**TINY, **params})
    m.run(STEPS)
    df = m.datacollector.get_model_vars_dataframe()
    values = np.round(df.to_numpy(dtype=float), DIGITS) + 0.0  # + 0.0: no negative zeros
    return list(df.columns), values


@cache
def _frames() -> tuple[tuple[list[str], np.ndarray], ...]:
    return tuple(_frame(scenario, extra) for scenario, extra in RUNS)


@cache
def model_fingerprint() -> str:
    """A short hash of the schema, the presets and the outputs of `RUNS` (about 2 s)."""
    h = hashlib.sha256()
    h.update(_canonical(_schema()).encode())
    h.update(_canonical({n: scenario_params(n) for n in SCENARIOS}).encode())
    for columns, values in _frames():
        h.update(",".join(columns).encode() + values.tobytes())
    return h.hexdigest()[:16]


@cache
def _pinned_frame(scenario: str, pins: tuple[tuple[str, Any], ...]
                  ) -> tuple[list[str], np.ndarray]:
    return _frame(scenario, dict(pins))


@cache
def _pinned(scenario: str, pins: tuple[tuple[str, Any], ...],
            measures: tuple[str, ...] | None) -> str:
    leave_out = frozenset(k for k, _ in pins)
    h = hashlib.sha256()
    h.update(_canonical(_schema(leave_out)).encode())
    h.update(_canonical({k: v for k, v in scenario_params(scenario).items()
                         if k not in leave_out}).encode())
    columns, values = _pinned_frame(scenario, pins)
    if measures is not None:
        missing = [m for m in measures if m not in columns]
        if missing:  # a measure the result relied on is gone: not the same rules
            h.update(("missing:" + ",".join(missing)).encode())
        names = [m for m in measures if m in columns]
        values = values[:, [columns.index(m) for m in names]]
        columns = names
    h.update(",".join(columns).encode() + np.ascontiguousarray(values).tobytes())
    return h.hexdigest()[:16]


def pinned_fingerprint(scenario: str, pins: dict[str, Any],
                       measures: list[str] | tuple[str, ...] | None = None) -> str:
    """What a calibration's result is valid for: the schema and `scenario`'s preset without
    the fitted parameters `pins`, and a short run of `scenario` with them set to the given
    values. Setting a fitted parameter's default to its fitted value keeps it; a change to
    a rule, another default or the scenario's preset does not (a posterior fitted to other
    rules is not a fit). Mechanisms the scenario switches off do not count.

    `measures` are the columns of the short run that count: those the model had when the
    result was made (`pinned_measures`, recorded beside it). A measure added since is a new
    way of observing the same behaviour and does not make the result stale; a changed or
    removed one does. None: every current measure (results that predate the record; with
    the columns in the run's order this is the same hash as the full list)."""
    return _pinned(scenario, tuple(sorted(pins.items())),
                   None if measures is None else tuple(measures))


def pinned_measures(scenario: str, pins: dict[str, Any]) -> list[str]:
    """The measure columns `pinned_fingerprint` hashes today, in the short run's order."""
    return list(_pinned_frame(scenario, tuple(sorted(pins.items())))[0])


def _short(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@cache
def model_signature() -> dict[str, Any]:
    """The fingerprint's parts: the schema, the presets, and each measure's outputs apart.

    A change that only adds a measure (a new way of observing the same behaviour, e.g. a
    summary a calibration target needs) changes the fingerprint but leaves every old
    measure's outputs as they were; a stored study whose signature the current one extends
    is therefore still valid (`compatible`). Any changed value, default, preset or removed
    measure is not.
    """
    columns: dict[str, Any] = {}
    for names, values in _frames():
        for j, name in enumerate(names):
            columns.setdefault(name, hashlib.sha256()).update(
                np.ascontiguousarray(values[:, j]).tobytes())
    return {"schema": _short(_canonical(_schema()).encode()),
            "presets": _short(_canonical({n: scenario_params(n) for n in SCENARIOS}).encode()),
            "measures": {n: h.hexdigest()[:12] for n, h in columns.items()}}


def compatible(stored: dict[str, Any] | None, current: dict[str, Any]) -> list[str]:
    """Why a stored signature is not extended by the current one (empty: it is)."""
    if not stored:
        return ["no signature stored"]
    out = [f"the {k} changed" for k in ("schema", "presets") if stored.get(k) != current[k]]
    old, new = stored.get("measures", {}), current["measures"]
    gone = sorted(set(old) - set(new))
    changed = sorted(n for n in old if n in new and old[n] != new[n])
    if gone:
        out.append(f"measures removed: {', '.join(gone[:5])}")
    if changed:
        out.append(f"measures whose outputs changed: {', '.join(changed[:5])}"
                   + (f" and {len(changed) - 5} more" if len(changed) > 5 else ""))
    return out
