"""Scenario presets: named overrides of the parameter schema, with teaching notes.

Each preset says what it is, what to notice and what to try (after NetLogo's Info tab); the
CLI's `scenarios` command and the demo both show these texts.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from model.errors import InputError
from model.params import validate


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str  # one line: what it is
    overrides: dict[str, Any] = field(default_factory=dict)
    notice: str = ""  # what to watch for
    try_: str = ""  # what to change next
    # "mechanism" (the article's actors and programme), "growth" (communities that differ,
    # same programme) or "single" (the baseline plus one mechanism).
    kind: str = "mechanism"


class ScenarioError(InputError):
    def __init__(self, name: str) -> None:
        close = difflib.get_close_matches(name, SCENARIOS, n=3, cutoff=0.5)
        hint = (" Did you mean " + " or ".join(repr(c) for c in close) + "?") if close else ""
        super().__init__(f"scenario {name!r} does not exist; it must be one of "
                         f"{', '.join(SCENARIOS)}.{hint}")
        self.field, self.value = "scenario", name


_ADMIN = {"rc_admin_burden": 0.7}

_LIST = [
    Scenario(
        "administrative",
        "Baseline: government rows, the committee drowns in paperwork, every mechanism off.",
        dict(_ADMIN),
        notice="Issues climb to the street office, waits are long, trust and participation "
               "erode.",
        try_="Switch on grid_management or rc_deadministration and compare.",
    ),
    Scenario(
        "grid_management",
        "Grid management (A2c): one grid worker per management grid patrols and handles "
        "issues locally.",
        {**_ADMIN, "grid_management": True},
        notice="More unvoiced issues are found; more are settled at grid level, fewer reach "
               "government.",
        try_="Raise rc_admin_burden: grid workers lose patrol time first.",
    ),
]

SCENARIOS: dict[str, Scenario] = {s.name: s for s in _LIST}


def register(scenario: Scenario) -> None:
    """Add a preset (used by the modules of later actors)."""
    if scenario.name in SCENARIOS:
        raise ValueError(f"scenario {scenario.name!r} registered twice")
    validate(scenario.overrides)
    SCENARIOS[scenario.name] = scenario


def get(name: str) -> Scenario:
    if name not in SCENARIOS:
        raise ScenarioError(name)
    return SCENARIOS[name]


def scenario_params(name: str, **overrides: Any) -> dict[str, Any]:
    """Full, validated parameters of a preset with the user's overrides on top."""
    return validate({**get(name).overrides, **overrides})
