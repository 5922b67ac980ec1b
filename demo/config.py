"""What the teacher has chosen, and the parameters it turns into.

The controls are derived from the parameter schema: every mechanism in `MECHANISMS` gets a
switch, every `main=True` numeric parameter a slider; nothing here lists parameters by hand.
Picking a scenario sets every control to that scenario's value, so the switches always show
what is really on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import model.governance  # noqa: F401  (importing the model registers every actor's scenarios)
from model.errors import InputError
from model.params import MECHANISMS, PARAMS, Param
from model.scenarios import SCENARIOS, scenario_params

DEFAULT_SEED = 42


def switch_params() -> list[Param]:
    """Mechanism switches, then any other main on/off parameter."""
    mech = [PARAMS[name] for name in MECHANISMS]
    other = [p for p in PARAMS.values() if p.main and p.type is bool and p.name not in MECHANISMS]
    return mech + other


def slider_params() -> list[Param]:
    """Main numeric parameters, in schema order."""
    return [p for p in PARAMS.values() if p.main and p.type in (int, float)
            and p.low is not None and p.high is not None]


def choice_params() -> list[Param]:
    """Main parameters with a fixed set of text values (drop-down)."""
    return [p for p in PARAMS.values() if p.main and p.type is str and p.choices]


def controlled() -> list[Param]:
    return switch_params() + slider_params() + choice_params()


def slider_step(p: Param) -> float:
    """A step that gives about a hundred positions over the allowed range."""
    if p.type is int:
        return 1
    span = float(p.high) - float(p.low)
    return span / 100 if span > 0 else 0.01


def default_scenario() -> str:
    return next(iter(SCENARIOS))


def controls_of(scenario: str, **overrides: Any) -> dict[str, Any]:
    """Every control's value under a scenario (with optional overrides on top)."""
    values = scenario_params(scenario, **overrides)
    return {p.name: values[p.name] for p in controlled()}


@dataclass(frozen=True)
class DemoConfig:
    """Everything needed to rebuild the run(s): the Reset button uses it as it is."""

    scenario: str = field(default_factory=default_scenario)
    seed: int = DEFAULT_SEED
    settings: dict[str, Any] = field(default_factory=dict)  # control values (left run)
    compare: bool = False
    scenario_b: str = ""

    @classmethod
    def for_scenario(cls, scenario: str, **kw: Any) -> DemoConfig:
        return cls(scenario=scenario, settings=controls_of(scenario), **kw)

    def with_scenario(self, scenario: str) -> DemoConfig:
        return replace(self, scenario=scenario, settings=controls_of(scenario))

    def with_setting(self, name: str, value: Any) -> DemoConfig:
        return replace(self, settings={**self.settings, name: value})

    def right_scenario(self) -> str:
        if self.scenario_b in SCENARIOS:
            return self.scenario_b
        others = [s for s in SCENARIOS if s != self.scenario]
        return others[0] if others else self.scenario

    def edits(self) -> dict[str, Any]:
        """Controls the teacher moved away from the chosen scenario's preset."""
        preset = controls_of(self.scenario)
        return {k: v for k, v in self.settings.items() if preset.get(k) != v}

    def left_params(self) -> dict[str, Any]:
        return scenario_params(self.scenario, **self.settings)

    def right_params(self) -> dict[str, Any]:
        """The other scenario's preset with the teacher's slider edits (not the switches).

        Switches define a scenario, so they stay as the preset has them; slider edits
        (e.g. a higher administrative burden) describe the community and apply to both.
        """
        edits = {k: v for k, v in self.edits().items() if PARAMS[k].type is not bool}
        return scenario_params(self.right_scenario(), **edits)


def check_seed(value: Any) -> int:
    """Seeds are non-negative integers (what numpy's SeedSequence accepts)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"field 'seed' got {value!r}, but it must be a whole number >= 0; "
                         "the same seed builds the same community and the same run.")
    return value
