"""Calibration configs: one TOML file per calibration, checked before any simulation runs.

Errors follow experiment specs (experiments/specify/checker.py is shared): the file, the
line when it can be found, the field, the value and what is allowed, in one paragraph.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from experiments.calibration import targets as targets_mod
from experiments.specify.checker import MAX_SEED, Checker
from experiments.specify.reading import read_toml
from governance import PARAMS, get_scenario, validate
from model.errors import InputError

POINTS = ("median", "map")
METHOD = "stochastic acceptor, normal kernel of the targets' sigma, temperature to 1"
_TOP = {
    "name": "calibration name (letters, digits, '-', '_'); names the output folder",
    "description": "free text shown in the report",
    "targets": "path of the targets file (relative to the working folder or to this file)",
    "scenario": "scenario standing for the observed communities (default 'administrative')",
    "seed": "root seed, a whole number >= 0",
    "out": "output folder (default results/NAME)",
    "width": "households along x in each run",
    "height": "households along y in each run",
    "steps": "steps (weeks) per run",
    "warmup": "steps left out before the outcome window (burn-in)",
    "window": "steps in the outcome window (default: steps - warmup)",
    "overrides": "table of fixed parameter values",
    "params": "tables [params.NAME] of free parameters: low, high (default: schema range)",
    "abc": "table: population_size, max_population_size, min_ess, max_generations, "
           "min_acceptance_rate, max_simulations, max_wall_minutes, predictive_draws, point",
    "surrogate": "table: design, refine, cutoff, candidates (the ABC then runs on a Gaussian-"
                 "process surrogate of the simulator; without it, on the simulator itself)",
}
_SURROGATE = {
    "design": "simulator runs over the whole prior that train the first surrogate (>= 20)",
    "refine": "simulator runs where the first surrogate cannot rule the targets out (>= 0)",
    "cutoff": "a candidate is ruled out when a fitted target lies more than this many "
              "standard deviations from the surrogate's prediction (default 3: Pukelsheim's "
              "three-sigma rule, as in history matching)",
    "candidates": "Latin-hypercube candidates screened for the refining wave (>= 1000)",
}
_PARAM = {"low": "lower bound of the uniform prior (default: the schema's low)",
          "high": "upper bound of the uniform prior (default: the schema's high)",
          "prior": "prior family; only 'uniform' for now"}
_ABC = {
    "population_size": "accepted particles per generation at the start (10-100000)",
    "max_population_size": "the most particles a generation may grow to when, at temperature "
                           "1, the effective sample size falls short of min_ess (default 4 x "
                           "population_size)",
    "min_ess": "the calibration is final when the temperature has reached 1 and the last "
               "generation's effective sample size is at least this (default 200)",
    "max_generations": "safety limit: stop early (the posterior not final) after this many "
                       "generations",
    "min_acceptance_rate": "safety limit: stop early when a generation's acceptance rate falls "
                           "below (0-1)",
    "max_simulations": "safety limit: stop early when this many simulations have run in all",
    "max_wall_minutes": "safety limit: stop early after this much wall time in all (minutes)",
    "predictive_draws": "posterior draws simulated for the posterior predictive (0-10000)",
    "point": "calibrated.toml holds the posterior 'median' or the 'map' particle",
}


@dataclass(frozen=True)
class Prior:
    name: str
    low: float
    high: float
    kind: str = "uniform"

    @property
    def is_int(self) -> bool:
        return PARAMS[self.name].type is int

    def coerce(self, value: float) -> float | int:
        """A sampled value as the model takes it (integer parameters rounded)."""
        v = min(max(float(value), self.low), self.high)
        return round(v) if self.is_int else v


@dataclass(frozen=True)
class Stopping:
    """When a calibration is final (temperature 1 and min_ess effective particles), and the
    safety limits that stop it early, with a posterior that is not final."""

    min_ess: int = 200
    max_population_size: int = 400
    max_generations: int = 30
    min_acceptance_rate: float = 0.0
    max_simulations: int = 40_000
    max_wall_minutes: float = 120.0


@dataclass(frozen=True)
class Surrogate:
    design: int = 1536
    refine: int = 512
    cutoff: float = 3.0
    candidates: int = 20_000


@dataclass(frozen=True)
class CalibrationConfig:
    name: str
    targets_path: str
    scenario: str
    priors: tuple[Prior, ...]
    seed: int = 20240601
    width: int = 40
    height: int = 40
    steps: int = 156
    warmup: int = 52
    window: int = 104
    overrides: dict[str, Any] = field(default_factory=dict)
    population_size: int = 100
    stopping: Stopping = field(default_factory=Stopping)
    predictive_draws: int = 40
    point: str = "median"
    surrogate: Surrogate | None = None
    description: str = ""
    out: str = ""
    source: str = ""

    def fixed(self) -> dict[str, Any]:
        """Parameters every run gets besides the scenario's and the free ones."""
        return {**self.overrides, "width": self.width, "height": self.height}

    def window_start(self) -> int:
        """Index (into the per-step series) of the outcome window's first step."""
        return self.steps - self.window

    def midpoints(self) -> dict[str, Any]:
        """The free parameters at their priors' middles (as the model takes them)."""
        return {p.name: p.coerce((p.low + p.high) / 2) for p in self.priors}

    def fingerprint(self, targets_digest: str, code: str) -> str:
        """What decides the simulations: stopping rules, point and out are left out, so a
        finished calibration can be continued with looser rules and folders can move."""
        d = asdict(self)
        for key in ("stopping", "predictive_draws", "point", "description", "out", "source",
                    "targets_path"):  # the targets file counts by its content (digest)
            d.pop(key)
        d["targets_digest"], d["code"], d["method"] = targets_digest, code, METHOD
        if self.surrogate is None:  # configs without one keep their old fingerprints
            d.pop("surrogate")
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]

    def design_key(self, statistics_digest: str, rules: str) -> str:
        """What decides the surrogate's training runs: the simulations' set-up, the
        statistics (not the observed values) and the model's rules; not the ABC's settings
        nor the surrogate's (a refining point is checked by its values)."""
        d = asdict(self)
        keep = ("scenario", "priors", "seed", "width", "height", "steps", "warmup", "window",
                "overrides")
        d = {k: d[k] for k in keep}
        d["statistics_digest"], d["rules"] = statistics_digest, rules
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]

    def output_dir(self) -> Path:
        return Path(self.out or f"results/{self.name}")


def load(path: str | Path) -> CalibrationConfig:
    """Read and check a calibration config (the same reading as experiment specs)."""
    text, raw = read_toml(path, "experiments/configs/calibrate_baseline.toml")
    return from_dict(raw, str(path), text, base=Path(path).parent)


_ROOT = Path(__file__).resolve().parents[2]


def resolve_targets(value: str, base: Path | None) -> Path:
    """The targets file: as given (relative to the working folder), else relative to the
    config's folder, else to the project's root (so shipped configs work from anywhere)."""
    p = Path(value)
    if p.is_absolute() or p.exists():
        return p
    for folder in (base, _ROOT):
        if folder is not None and (folder / p).exists():
            return folder / p
    return p


def from_dict(raw: dict[str, Any], source: str = "<config>", text: str = "",
              base: Path | None = None) -> CalibrationConfig:
    c = Checker(source, text)
    c.known(raw, _TOP, "")
    name = c.folder_name(raw)
    tpath = raw.get("targets")
    if not isinstance(tpath, str) or not tpath:
        c.fail("targets", f"got {tpath!r}, but it must be the path of a targets file, e.g. "
               "'experiments/targets/china_urban_2010s.toml'")
    resolved = resolve_targets(tpath, base)
    if not resolved.is_file():
        c.fail("targets", f"names {tpath!r}, which is not a file (looked in the working "
               f"folder{', in ' + str(base) if base else ''} and in {_ROOT})")
    scenario = c.scenario("scenario", raw.get("scenario", "administrative"))
    seed = c.integer("seed", raw.get("seed", 20240601), 0, MAX_SEED)
    width = c.integer("width", raw.get("width", 40), 4, 4000)
    height = c.integer("height", raw.get("height", 40), 4, 4000)
    steps = c.integer("steps", raw.get("steps", 156), 2, 100_000)
    warmup = c.integer("warmup", raw.get("warmup", min(52, steps - 1)), 0, steps - 1)
    window = c.integer("window", raw.get("window", steps - warmup), 1, steps - warmup)
    out = raw.get("out", "")
    if not isinstance(out, str):
        c.fail("out", f"got {out!r}, but it must be a folder path (a string)")
    overrides = raw.get("overrides", {})
    if not isinstance(overrides, dict):
        c.fail("overrides", "must be a table: [overrides] with name = value lines")
    overrides = {k: c.param(k, v, "overrides") for k, v in overrides.items()}
    for key in ("width", "height"):
        if key in overrides:
            c.fail(f"overrides.{key}", f"sets the size; use the top-level '{key}' instead",
                   section="overrides", key=key)
    priors = _priors(c, raw.get("params"), overrides)
    abc = raw.get("abc", {})
    if not isinstance(abc, dict):
        c.fail("abc", "must be a table: [abc] with population_size = ... and stopping rules")
    c.known(abc, _ABC, "abc")
    pop = c.integer("abc.population_size", abc.get("population_size", 100), 10, 100_000, "abc")
    stop = Stopping(
        min_ess=c.integer("abc.min_ess", abc.get("min_ess", 200), 1, 10**6, "abc"),
        max_population_size=c.integer("abc.max_population_size", abc.get(
            "max_population_size", 4 * pop), pop, 10**6, "abc"),
        max_generations=c.integer("abc.max_generations", abc.get("max_generations", 30), 1,
                                  1000, "abc"),
        min_acceptance_rate=_fraction(c, "min_acceptance_rate", abc.get(
            "min_acceptance_rate", 0.0)),
        max_simulations=c.integer("abc.max_simulations", abc.get("max_simulations", 40_000),
                                  pop, 10**9, "abc"),
        max_wall_minutes=_positive(c, "max_wall_minutes", abc.get("max_wall_minutes", 120.0)),
    )
    draws = c.integer("abc.predictive_draws", abc.get("predictive_draws", 40), 0, 10_000, "abc")
    point = abc.get("point", "median")
    if point not in POINTS:
        c.fail("abc.point", f"got {point!r}, but it must be one of {', '.join(POINTS)}",
               section="abc", key="point")
    surrogate = _surrogate(c, raw.get("surrogate"))
    cfg = CalibrationConfig(
        name=name, targets_path=str(resolved), scenario=scenario, priors=priors, seed=seed,
        width=width, height=height, steps=steps, warmup=warmup, window=window,
        overrides=overrides, population_size=pop, stopping=stop, predictive_draws=draws,
        point=point, surrogate=surrogate, description=str(raw.get("description", "")), out=out,
        source=source)
    mid = cfg.midpoints()
    try:  # the whole parameter set must hold together (grid sizes, for one)
        validate({**get_scenario(scenario).overrides, **cfg.fixed(), **mid})
    except InputError as exc:
        c.fail("overrides", f"do not fit scenario {scenario!r} at this size: {exc}",
               section="overrides")
    ts = targets_mod.load(resolved)
    if not ts.fitted():
        c.fail("targets", f"names {tpath!r}, which has no target to fit: every target is "
               "held out or needs a measure the model does not have yet "
               f"({', '.join(t.name for t in ts.skipped()) or 'none'})")
    return cfg


def _surrogate(c: Checker, table: Any) -> Surrogate | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        c.fail("surrogate", "must be a table: [surrogate] with design = ..., refine = ...")
    c.known(table, _SURROGATE, "surrogate")
    d = Surrogate()
    design = c.integer("surrogate.design", table.get("design", d.design), 20, 10**6,
                       "surrogate")
    refine = c.integer("surrogate.refine", table.get("refine", d.refine), 0, 10**6,
                       "surrogate")
    cutoff = table.get("cutoff", d.cutoff)
    if isinstance(cutoff, bool) or not isinstance(cutoff, int | float) or not 1 <= cutoff <= 10:
        c.fail("surrogate.cutoff", f"got {cutoff!r}, but it must be a number from 1 to 10 "
               "(standard deviations)", section="surrogate", key="cutoff")
    cand = c.integer("surrogate.candidates", table.get("candidates", d.candidates), 1000,
                     10**7, "surrogate")
    return Surrogate(design, refine, float(cutoff), cand)


def _fraction(c: Checker, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        c.fail(f"abc.{key}", f"got {value!r}, but it must be a number from 0 up to (not "
               "including) 1", section="abc", key=key)
    return float(value)


def _positive(c: Checker, key: str, value: Any) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    if not ok:
        c.fail(f"abc.{key}", f"got {value!r}, but it must be a number > 0", section="abc",
               key=key)
    return float(value)


def _priors(c: Checker, table: Any, overrides: dict[str, Any]) -> tuple[Prior, ...]:
    if not isinstance(table, dict) or not table:
        c.fail("params", "must hold at least one free parameter: [params.NAME] tables (empty "
               "for the schema range, or low = ..., high = ...)")
    out = []
    for key, spec in table.items():
        sec = f"params.{key}"
        if key not in PARAMS:
            c.param(key, None, "params")  # raises the did-you-mean error
        p = PARAMS[key]
        if p.type not in (int, float):
            c.fail(sec, f"is a {p.type.__name__} parameter; only numeric parameters can be "
                   "calibrated (fix switches and choices in [overrides] or the scenario)",
                   key=key)
        if key in overrides or key in ("width", "height"):
            c.fail(sec, "is also fixed (in [overrides] or as the size); a parameter is free or "
                   "fixed, not both", key=key)
        if not isinstance(spec, dict):
            c.fail(sec, f"got {spec!r}, but it must be a table [params.{key}] with optional "
                   "low and high", key=key)
        c.known(spec, _PARAM, sec)
        if spec.get("prior", "uniform") != "uniform":
            c.fail(f"{sec}.prior", f"got {spec['prior']!r}; only 'uniform' priors are "
                   "supported", section=sec, key="prior")
        low = c.param(key, spec.get("low", p.low), sec)
        high = c.param(key, spec.get("high", p.high), sec)
        if not low < high:
            c.fail(f"{sec}.low", f"got low {low} and high {high}, but low must be below high "
                   f"(schema range {p.low:g} .. {p.high:g})", section=sec, key="low")
        out.append(Prior(key, float(low), float(high)))
    return tuple(out)
