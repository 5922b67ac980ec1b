"""Policy-search specs (`run.py optimize CONFIG.toml`): checked completely before any run.

A search varies mechanism switches and budget levers of a base scenario and looks for the
Pareto front of the objectives (e.g. participation and trust up, public cost down), under
optional constraints (e.g. participation at least 0.4).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from experiments.specify.checker import Checker
from experiments.specify.reading import read_toml
from governance import MECHANISMS, PARAMS, get_scenario, validate
from model.errors import InputError

TOP = {
    "name": "search name (letters, digits, '-', '_'); names the output folder",
    "description": "free text shown in the report",
    "question": "the question the search answers, in words (shown in the report)",
    "base": "scenario whose parameters the candidates start from (default 'administrative')",
    "replicates": "runs per candidate (1-100); every candidate uses the same seeds (common "
                  "random numbers)",
    "fresh_replicates": "runs per front point on new seeds, to re-evaluate the front "
                        "(default 2 x replicates)",
    "steps": "steps (weeks) per run",
    "warmup": "weeks left out before the outcome window; the outcome is the mean of the rest",
    "seed": "root seed of the runs and of the search",
    "out": "output folder (default results/NAME)",
    "overrides": "table of parameter values set in every run",
    "search": "table: population, generations, mechanisms, levers",
    "objectives": "table: maximise = [measures], minimise = [measures]",
    "constraints": "table measure = { at_least = X } or { at_most = X }",
}
SEARCH = {
    "population": "candidates per generation (4-1000, default 16)",
    "generations": "generations of NSGA-II (1-1000, default 8)",
    "mechanisms": "mechanism switches the search may turn on or off (default: none)",
    "levers": "table name = [low, high]: numeric parameters searched within the range",
}
OBJECTIVES = {"maximise": "measures to raise", "minimise": "measures to lower"}


@dataclass(frozen=True)
class SearchSpec:
    name: str
    base: str = "administrative"
    description: str = ""
    question: str = ""
    replicates: int = 3
    fresh_replicates: int = 6
    steps: int = 60
    warmup: int = 8
    seed: int = 20240601
    out: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    population: int = 16
    generations: int = 8
    mechanisms: tuple[str, ...] = ()
    levers: dict[str, list[float]] = field(default_factory=dict)
    maximise: tuple[str, ...] = ()
    minimise: tuple[str, ...] = ()
    constraints: dict[str, tuple[str, float]] = field(default_factory=dict)
    text: str = field(default="", compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = json.loads(json.dumps(asdict(self)))
        d.pop("text")
        return d

    def runs_key_parts(self) -> dict[str, Any]:
        """What decides the runs: not the names, the size of the search or its fresh seeds
        (more generations or fresh replicates reuse every stored run)."""
        d = self.to_dict()
        for k in ("name", "description", "question", "out", "population", "generations",
                  "fresh_replicates"):
            d.pop(k)
        return d

    def runs_key(self) -> str:
        text = json.dumps(self.runs_key_parts(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def output_dir(self) -> Path:
        return Path(self.out or f"results/{self.name}")

    @property
    def measures(self) -> list[str]:
        return list(dict.fromkeys([*self.maximise, *self.minimise, *self.constraints]))


def load_search(path: str | Path) -> SearchSpec:
    text, raw = read_toml(path, "experiments/configs/search/cheapest_participation.toml")
    return search_from_dict(raw, str(path), text)


def search_from_dict(raw: dict[str, Any], source: str = "<search>",
                     text: str = "") -> SearchSpec:
    c = Checker(source, text)
    c.known(raw, TOP, "")
    name = c.folder_name(raw)
    base = c.scenario("base", raw.get("base", "administrative"))
    reps = c.integer("replicates", raw.get("replicates", 3), 1, 100)
    fresh = c.integer("fresh_replicates", raw.get("fresh_replicates", 2 * reps), 1, 1000)
    steps = c.integer("steps", raw.get("steps", 60), 1, 100_000)
    warmup = c.integer("warmup", raw.get("warmup", max(0, steps - 52)), 0, steps - 1)
    seed, out, overrides = c.seed_out_overrides(raw)
    search = c.table(raw, "search", "[search] with population, generations, ...")
    c.known(search, SEARCH, "search")
    pop = c.integer("search.population", search.get("population", 16), 4, 1000, "search")
    gens = c.integer("search.generations", search.get("generations", 8), 1, 1000, "search")
    mechs = search.get("mechanisms", [])
    if not isinstance(mechs, list):
        c.fail("search.mechanisms", f"got {mechs!r}, but it must be a list of mechanism names",
               section="search", key="mechanisms")
    for m in mechs:
        if m not in MECHANISMS:
            c.fail("search.mechanisms", f"names {m!r}, which is not a mechanism; allowed: "
                   + ", ".join(MECHANISMS), section="search", key="mechanisms")
    levers = search.get("levers", {})
    checked_levers = c.ranges(levers, "search.levers", "of numeric parameters (put "
                              "switches under `mechanisms`)") if levers else {}
    if not mechs and not checked_levers:
        c.fail("search", "varies nothing: give `mechanisms` and/or [search.levers]")
    clash = (set(mechs) | set(checked_levers)) & set(overrides)
    if clash:
        c.fail("overrides", f"fixes {sorted(clash)}, which the search varies; a parameter can "
               "be set or searched, not both", section="overrides")
    obj = c.table(raw, "objectives", "maximise = [...] and/or minimise = [...]")
    c.known(obj, OBJECTIVES, "objectives")
    maxi = c.measures("objectives.maximise", obj.get("maximise", []), "objectives") \
        if obj.get("maximise") else ()
    mini = c.measures("objectives.minimise", obj.get("minimise", []), "objectives") \
        if obj.get("minimise") else ()
    if len(maxi) + len(mini) < 2:
        c.fail("objectives", "needs at least two objectives (e.g. maximise = "
               "[\"participation_rate\"], minimise = [\"gov_admin_cost\"]) for a Pareto front")
    cons_raw = c.table(raw, "constraints", "measure = { at_least = X }")
    cons = {}
    for m, rule in cons_raw.items():
        c.measures(f"constraints.{m}", [m], "constraints")
        if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in (
                "at_least", "at_most"):
            c.fail(f"constraints.{m}", f"got {rule!r}, but it must be {{ at_least = X }} or "
                   "{ at_most = X }", section="constraints", key=m)
        kind, value = next(iter(rule.items()))
        cons[m] = (kind, c.number(f"constraints.{m}", value, "constraints",
                                  what="a finite number (the bound)"))
    spec = SearchSpec(name=name, base=base, description=str(raw.get("description", "")),
                      question=" ".join(str(raw.get("question", "")).split()),
                      replicates=reps, fresh_replicates=fresh, steps=steps, warmup=warmup,
                      seed=seed, out=out, overrides=overrides, population=pop,
                      generations=gens, mechanisms=tuple(mechs), levers=checked_levers,
                      maximise=tuple(maxi), minimise=tuple(mini), constraints=cons, text=text)
    for corner in (0.0, 1.0):  # the extreme candidates must be valid communities
        try:
            validate({**get_scenario(base).overrides, **overrides,
                      **decode_candidate(spec, [corner] * n_vars(spec))})
        except InputError as exc:
            c.fail("search", f"gives candidates that are not valid parameter sets: {exc}")
    return spec


def n_vars(spec: SearchSpec) -> int:
    return len(spec.mechanisms) + len(spec.levers)


def decode_candidate(spec: SearchSpec, x: Any) -> dict[str, Any]:
    """Search variables in [0, 1] to settings: a switch is on at >= 0.5, a lever is scaled."""
    out: dict[str, Any] = {}
    for i, m in enumerate(spec.mechanisms):
        out[m] = bool(x[i] >= 0.5)
    for j, (k, (lo, hi)) in enumerate(spec.levers.items()):
        v = lo + float(x[len(spec.mechanisms) + j]) * (hi - lo)
        out[k] = PARAMS[k].check(round(v) if PARAMS[k].type is int else round(v, 6))
    return out
