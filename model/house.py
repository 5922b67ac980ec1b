"""A house: the frozen registries of one composition of actors, and how to check input.

`assemble` builds it from the actors' declarations and the core's own: the parameter
schema and its typed `Parameters` class, the mechanisms, the measures, the pathways and the
scenario presets. Nothing registers itself on import; every registry is read-only, and the
same actors always give the same house.

Order. Parameters: the core's sections (an actor's section that belongs to a core group,
such as government's administrative burden, right after it), the programme's switches in
its order, then each actor's own sections. Measures: the core's, each actor's, then the
capacities, which sum up all of them. Pathways: each actor's, then the groups. Actors are
listed by name in these registries (as `run.py params` and the ODD show them); their hooks
run in the order of the house's actors (installation order).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from model.actor import Actor
from model.capacities import CAPACITIES
from model.measures import CORE, Measure
from model.measures_people import PEOPLE
from model.params import CORE_SECTIONS, CoreParams
from model.pathways import Pathway, group
from model.scenarios import Scenario, ScenarioError
from model.schema import Param, ParamError, specs_of

# Documented choices whose value a comparison's sign may rest on (docs/ODD.md section 9):
# every preset states which it assumes.
ASSUMPTIONS = ("grid_staffing", "trust_rule")


@dataclass(frozen=True)
class House:
    """The registries every entry point reads, and the checks they share."""

    actors: tuple[Actor, ...]  # in installation order
    params: Mapping[str, Param]
    groups: tuple[str, ...]
    mechanisms: Mapping[str, str]  # switch -> article claim, in the programme's order
    measures: Mapping[str, Measure]
    pathways: Mapping[str, Pathway]
    scenarios: Mapping[str, Scenario]
    parameters: type  # frozen dataclass with every parameter as a typed field

    # --- parameters ---------------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default."""
        return {name: p.default for name, p in self.params.items()}

    def unknown_name_error(self, name: str) -> ParamError:
        """Error for a parameter name that does not exist, with a did-you-mean."""
        close = difflib.get_close_matches(name, self.params, n=3, cutoff=0.6)
        hint = (" Did you mean " + " or ".join(repr(c) for c in close) + "?") if close else ""
        err = ParamError(name, name, "a known parameter name")
        err.args = (f"unknown parameter {name!r}: it is not in the model's parameter schema."
                    f"{hint} Run `python run.py params` for the list.",)
        return err

    def validate(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Complete and check a parameter set; raise ParamError on the first bad field.

        Cross-field rules live here too, so every entry point (CLI, spec files, demo) gets
        the same checks.
        """
        values = self.defaults()
        for name, value in (overrides or {}).items():
            if name not in self.params:
                raise self.unknown_name_error(name)
            values[name] = self.params[name].check(value)
        for side in ("width", "height"):
            if values[side] % values["grid_block"]:
                raise ParamError(side, values[side], f"a multiple of grid_block "
                                 f"({values['grid_block']})",
                                 extra="The community is cut into whole management grids.")
        if values["grid_block"] % values["building_block"]:
            raise ParamError("building_block", values["building_block"],
                             f"a divisor of grid_block ({values['grid_block']})",
                             extra="Each management grid is cut into whole buildings.")
        for spec in self.params.values():
            if spec.at_most is not None and values[spec.name] > values[spec.at_most]:
                raise ParamError(spec.name, values[spec.name],
                                 f"at most {spec.at_most} ({values[spec.at_most]:g})",
                                 extra="The two are the ends of one range.")
        return values

    def parse_assignments(self, items: list[str] | None) -> dict[str, Any]:
        """Parse `name=value` strings from the command line into checked values."""
        out: dict[str, Any] = {}
        for item in items or []:
            if "=" not in item:
                raise ParamError("--set", item,
                                 "of the form name=value (e.g. grid_management=true)")
            name, text = item.split("=", 1)
            name = name.strip()
            if name not in self.params:
                raise self.unknown_name_error(name)
            out[name] = self.params[name].parse(text)
        return out

    # --- scenarios ----------------------------------------------------------------------
    def scenario(self, name: str) -> Scenario:
        if name not in self.scenarios:
            raise ScenarioError(name, self.scenarios)
        return self.scenarios[name]

    def scenario_params(self, name: str, **overrides: Any) -> dict[str, Any]:
        """Full, validated parameters of a preset with the user's overrides on top."""
        return self.validate({**self.scenario(name).overrides, **overrides})

    def changes(self, name: str) -> dict[str, Any]:
        """What a preset changes against the baseline (the schema's defaults)."""
        base = self.validate({})
        return {k: v for k, v in self.scenario_params(name).items() if base[k] != v}

    def assumes(self, name: str) -> dict[str, Any]:
        """The documented choices a preset's comparisons rest on (docs/ODD.md section 9)."""
        params = self.scenario_params(name)
        return {k: params[k] for k in ASSUMPTIONS if k in params}


def assemble(actors: Sequence[Actor], programme: Sequence[str],
             presets: Callable[[House], Iterable[Scenario]] | None = None,
             pathway_groups: Iterable[tuple[str, str, Sequence[str]]] = (),
             module: str = __name__) -> House:
    """The house of these actors (in installation order) and the article's programme.

    `programme` orders the mechanisms the actors declare (every one exactly once);
    `pathway_groups` are (name, meaning, member pathways); `presets(house)` gives the named
    scenarios, each checked against the schema; `module` is where the composed
    `Parameters` class is published (for pickling).
    """
    actors = tuple(actors)
    _check_actors(actors)
    by_name = sorted(actors, key=lambda a: a.name)
    mechanisms = _mechanisms(actors, programme)
    sections = [s for a in by_name for s in a.params]
    specs = _schema(sections, mechanisms)
    params = MappingProxyType({p.name: p for p in specs})
    if len(params) != len(specs):
        twice = sorted({p.name for p in specs if sum(q.name == p.name for q in specs) > 1})
        raise ValueError(f"parameters declared twice: {twice}")
    measures = _named([*CORE, *PEOPLE, *(dataclasses.replace(m, actor=a.name)
                                for a in by_name for m in a.measures), *CAPACITIES])
    pathways = [pw for a in by_name for pw in a.pathways]
    known = {pw.name: pw for pw in pathways}
    pathways += [group(name, meaning, [known[m] for m in members])
                 for name, meaning, members in pathway_groups]
    house = House(
        actors=actors, params=params,
        groups=tuple(dict.fromkeys(p.group for p in specs)),
        mechanisms=MappingProxyType({m.name: m.article for m in mechanisms}),
        measures=measures, pathways=_named(pathways), scenarios=MappingProxyType({}),
        parameters=_parameters_class(sections, mechanisms, params, module))
    for pw in pathways:
        house.validate(pw.closed)
    if presets is None:
        return house
    scenarios = list(presets(house))
    seen: dict[str, str] = {}
    for scenario in scenarios:
        resolved = repr(sorted(house.validate(scenario.overrides).items()))
        if resolved in seen:  # two names for one setting would count a comparison twice
            raise ValueError(f"scenario {scenario.name!r} resolves to the same parameters as "
                             f"{seen[resolved]!r}; a preset must change something")
        seen[resolved] = scenario.name
    return dataclasses.replace(house, scenarios=_named(scenarios))


def _check_actors(actors: tuple[Actor, ...]) -> None:
    seen: set[str] = set()
    for actor in actors:
        if actor.name in seen:
            raise ValueError(f"actor {actor.name!r} listed twice")
        missing = [n for n in actor.needs if n not in seen]
        if missing:
            raise ValueError(f"actor {actor.name!r} needs {missing}, which must be "
                             "installed before it")
        seen.add(actor.name)


def _mechanisms(actors: tuple[Actor, ...], programme: Sequence[str]) -> list:
    declared = {m.name: m for a in actors for m in a.mechanisms}
    if sorted(declared) != sorted(programme) or len(set(programme)) != len(programme):
        raise ValueError(f"the programme {list(programme)} must list each mechanism the "
                         f"actors declare exactly once: {sorted(declared)}")
    return [declared[name] for name in programme]


def _schema(sections: list[type], mechanisms: list) -> list[Param]:
    core_groups = {s.__group__ for s in CORE_SECTIONS}
    joining = [s for s in sections if s.__group__ in core_groups]
    specs: list[Param] = []
    for core in CORE_SECTIONS:
        for s in (core, *(j for j in joining if j.__group__ == core.__group__)):
            specs += specs_of(s)
    for m in mechanisms:
        specs += m.params()
    for s in sections:
        if s not in joining:
            specs += specs_of(s)
    return specs


def _parameters_class(sections: list[type], mechanisms: list, params: Mapping[str, Param],
                      module: str) -> type:
    """One frozen dataclass over every section (its bases) plus the switches."""
    every = [CoreParams, *sections]
    leaves = [s for s in every if not any(o is not s and issubclass(o, s) for o in every)]
    switches = [(spec.name, spec.type, dataclasses.field(default=spec.default))
                for m in mechanisms for spec in m.params()]
    cls = dataclasses.make_dataclass("Parameters", switches, bases=tuple(leaves),
                                     frozen=True, module=module)
    names = {f.name for f in dataclasses.fields(cls)}
    if names != set(params):
        raise ValueError(f"sections and schema disagree: {sorted(names ^ set(params))}")
    return cls


def _named(items: Iterable[Any]) -> Mapping[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.name in out:
            raise ValueError(f"{item.name!r} declared twice")
        out[item.name] = item
    return MappingProxyType(out)
