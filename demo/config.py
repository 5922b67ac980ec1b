"""What the teacher has chosen, and the parameters it turns into.

The controls are derived from the parameter schema: every mechanism in `MECHANISMS` gets a
switch, every `main=True` numeric parameter a slider, every documented modelling choice (a
parameter with a fixed set of text values) a drop-down; nothing here lists parameters by
hand, except the one choice the page cannot explain (NOT_OFFERED).
Picking a scenario sets every control to that scenario's value, so the switches always show
what is really on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from experiments.specify.checker import MAX_SEED
from governance import MECHANISMS, PARAMS, SCENARIOS, scenario_params
from model import InputError
from model.schema import Param

DEFAULT_SEED = 42
SIZE_RANGE = (20, 200)  # community sides the demo offers (households per side)
# A student's own copy in classroom mode is at most this many households per side: forty
# copies side by side keep about 2.1 GB at 100 x 100 after ten years of replay, but about
# 6.6 GB at 200 x 200 (benchmarks/classroom.py --own-copies; README, the teaching demo).
STUDENT_MAX_SIZE = 100


def switch_params() -> list[Param]:
    """Mechanism switches, then any other main on/off parameter."""
    mech = [PARAMS[name] for name in MECHANISMS]
    other = [p for p in PARAMS.values() if p.main and p.type is bool and p.name not in MECHANISMS]
    return mech + other


def slider_params() -> list[Param]:
    """Main numeric parameters, in schema order."""
    return [p for p in PARAMS.values() if p.main and p.type in (int, float)
            and p.low is not None and p.high is not None]


# A choice the page does not offer: the docking rule (Granovetter's threshold) replaces the
# rule the "why" panel explains term by term, so the panel would then explain a rule that
# does not run.
NOT_OFFERED = ("decision_rule",)


def choice_params() -> list[Param]:
    """Parameters with a fixed set of text values (a drop-down each): the model's documented
    modelling choices, such as who staffs the grids or what lowers trust in government, on
    which some of its signs rest (docs/ODD.md section 9)."""
    return [p for p in PARAMS.values() if p.type is str and p.choices
            and p.name not in NOT_OFFERED]


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
    size: int = 0  # households per side; 0 = the scenario's own width and height

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

    def _space(self) -> dict[str, Any]:
        return {"width": self.size, "height": self.size} if self.size else {}

    def left_params(self) -> dict[str, Any]:
        return scenario_params(self.scenario, **self.settings, **self._space())

    def right_params(self) -> dict[str, Any]:
        """The other scenario's preset with the teacher's slider edits (not the switches).

        Switches define a scenario, so they stay as the preset has them; slider edits
        (e.g. a higher administrative burden) describe the community and apply to both.
        """
        edits = {k: v for k, v in self.edits().items() if PARAMS[k].type is not bool}
        return scenario_params(self.right_scenario(), **edits, **self._space())

    def restored(self) -> DemoConfig:
        """Every control back to the scenario's preset; seed, size and pairing kept."""
        return replace(self, settings=controls_of(self.scenario))


def size_choices(scenario: str, largest: int = SIZE_RANGE[1]) -> list[int]:
    """Community sides in SIZE_RANGE (up to `largest`) that the scenario's grids and
    buildings tile exactly."""
    p = scenario_params(scenario)
    block = int(p["grid_block"])
    lo, hi = SIZE_RANGE
    return [s for s in range(lo, min(hi, largest) + 1) if s % block == 0]


def student_copy(cfg: DemoConfig, opening: bool) -> DemoConfig:
    """A student's own copy at most STUDENT_MAX_SIZE households a side: a copy opened larger
    (a shared link) opens at the largest size allowed; a change to a larger size is refused
    with the field named."""
    side = cfg.size or int(cfg.left_params()["width"])
    if side <= STUDENT_MAX_SIZE:
        return cfg
    if opening:
        return replace(cfg, size=size_choices(cfg.scenario, STUDENT_MAX_SIZE)[-1])
    raise InputError(f"field 'size' got {side}, but a student's own copy in the classroom is "
                     f"at most {STUDENT_MAX_SIZE} x {STUDENT_MAX_SIZE} households, so that "
                     "the class's copies fit in the teacher's computer's memory; choose a "
                     "smaller size, or follow the teacher's screen.")


def check_size(value: Any, scenario: str) -> int:
    allowed = size_choices(scenario)
    if isinstance(value, bool) or not isinstance(value, int) or (value and value not in allowed):
        raise InputError(f"field 'size' got {value!r}, but it must be one of "
                         f"{', '.join(map(str, allowed))} households per side (the management "
                         "grids must tile the community).")
    return value


def check_seed(value: Any) -> int:
    """Seeds are non-negative integers (what numpy's SeedSequence accepts)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise InputError(f"field 'seed' got {value!r}, but it must be a whole number from 0 "
                         f"to {MAX_SEED}; the same seed builds the same community and the same "
                         "run.")
    return value


def from_state(state: dict[str, Any]) -> DemoConfig:
    """A config from the page's (or the URL's) state; bad fields raise InputError naming them.

    Settings not given take the scenario's preset, so a shared URL only needs what differs.
    """
    scenario = state.get("scenario", default_scenario())
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        raise InputError(f"field 'scenario' got {scenario!r}, but it must be one of "
                         f"{', '.join(SCENARIOS)}.")
    seed = check_seed(state.get("seed", DEFAULT_SEED))
    size = check_size(state.get("size", 0), scenario)
    compare = state.get("compare", False)
    if not isinstance(compare, bool):
        raise InputError(f"field 'compare' got {compare!r}, but it must be true or false.")
    scenario_b = state.get("scenario_b", "") or ""
    if scenario_b and (not isinstance(scenario_b, str) or scenario_b not in SCENARIOS):
        raise InputError(f"field 'scenario_b' got {scenario_b!r}, but it must be one of "
                         f"{', '.join(SCENARIOS)}.")
    names = {p.name for p in controlled()}
    settings = controls_of(scenario)
    given = state.get("settings") or {}
    if not isinstance(given, dict):
        raise InputError(f"field 'settings' got {given!r}, but it must be a table of control "
                         "names and values.")
    for name, value in given.items():
        if name not in names:
            raise InputError(f"field 'settings.{name}' is not a control of the demo; the "
                             f"controls are {', '.join(sorted(names))}.")
        settings[name] = PARAMS[name].check(value)
    cfg = DemoConfig(scenario=scenario, seed=seed, settings=settings, compare=compare,
                     scenario_b=scenario_b, size=size)
    cfg.left_params()  # the whole set must hold together (e.g. grid sizes)
    if compare:
        cfg.right_params()
    return cfg


def to_state(cfg: DemoConfig) -> dict[str, Any]:
    """The page's state for a config: only the settings that differ from the preset."""
    return {"scenario": cfg.scenario, "seed": cfg.seed, "size": cfg.size,
            "compare": cfg.compare, "scenario_b": cfg.right_scenario() if cfg.compare else "",
            "settings": cfg.edits()}
