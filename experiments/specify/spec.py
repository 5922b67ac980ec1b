"""What an experiment is, once its spec has been checked: frozen dataclasses, no I/O.

`Spec.runs_key_parts` says what decides a run's result; a folder whose runs were made
under other parts is not continued (the refusal names the part that changed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from experiments.specify.fields import DEFAULT_MEASURES, SAMPLED
from model.errors import InputError


class SpecError(InputError):
    """A spec that cannot be run: names file, line, field and what is allowed."""

    def __init__(self, source: str, field_: str, problem: str, line: int | None = None) -> None:
        where = source + (f", line {line}" if line else "")
        self.source, self.field, self.line = source, field_, line
        super().__init__(f"{where}: field '{field_}' {problem}")


@dataclass(frozen=True)
class Precision:
    target: float
    relative: bool = False
    max_replicates: int = 50
    batch: int = 2
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Design:
    type: str = "scenarios"
    factors: dict[str, list[Any]] = field(default_factory=dict)
    ranges: dict[str, list[float]] = field(default_factory=dict)
    samples: int = 0
    levels: int = 4
    second_order: bool = False


@dataclass(frozen=True)
class Discovery:
    """Which design points are "of interest": a fixed threshold, or a quantile of the
    points (then the threshold is computed per scenario and reported)."""

    measure: str
    threshold: float | None = None
    above: bool = True
    quantile: float | None = None


@dataclass(frozen=True)
class Analysis:
    discovery: Discovery | None = None
    metamodel: bool = True
    interactions: bool = True


@dataclass(frozen=True)
class Spec:
    name: str
    scenarios: tuple[str, ...]
    reference: str
    base: str = "administrative"
    description: str = ""
    question: str = ""
    replicates: int = 5
    steps: int = 104
    warmup: int | str = 0
    outcome: str = "final"
    measures: tuple[str, ...] = DEFAULT_MEASURES
    seed: int = 20240601
    out: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    params: str = ""  # a [params] file: values every run starts from
    community: str = ""  # a community profile: its parameters over the [params] file's
    phases: dict[str, int] = field(default_factory=dict)
    design: Design = field(default_factory=Design)
    precision: Precision | None = None
    posterior: str = ""
    analysis: Analysis = field(default_factory=Analysis)
    # the [params] file's values, checked (not part of the spec's text: read from `params`)
    param_values: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    text: str = field(default="", compare=False, repr=False)  # the spec file as written
    # the community profile, checked (read from `community`; experiments.specify.community)
    profile: Any = field(default=None, compare=False, repr=False)

    def start_values(self, drawn: dict[str, Any] | None = None) -> dict[str, Any]:
        """What a run starts from below a scenario, [overrides] and the design: the
        [params] file's values, a posterior's draw over them, and the profile's parameters
        over both (scaled from them)."""
        drawn = drawn or {}
        base = {**{k: v for k, v in self.param_values.items() if k not in drawn}, **drawn}
        return {**base, **(self.profile.params(base) if self.profile is not None else {})}

    def run_overrides(self) -> dict[str, Any]:
        """Overrides every run gets: the spec's, then phased mechanisms switched on."""
        out = dict(self.overrides)
        for mech, start in self.phases.items():
            out[mech] = True
            out[f"{mech}_start"] = start
        return out

    def to_dict(self) -> dict[str, Any]:
        """The spec as `from_dict` reads it back (the manifest keeps it)."""
        d = json.loads(json.dumps(asdict(self)))
        d.pop("text")
        d.pop("param_values")
        d.pop("profile")
        if not d["community"]:  # absent when unused, so older specs keep their fingerprint
            d.pop("community")
        disc = d["analysis"]["discovery"]
        if disc is None:
            d["analysis"].pop("discovery")
        else:
            for key in ("threshold", "quantile"):
                if disc[key] is None:
                    disc.pop(key)
        return d

    def fingerprint(self) -> str:
        """The whole spec (but `out`, the description and the question) as a short hash."""
        d = self.to_dict()
        for key in ("out", "description", "question"):
            d.pop(key)
        text = json.dumps(d, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def runs_key_parts(self, posterior_sha: str = "") -> dict[str, Any]:
        """What decides a run's result for a given id: when one changes, old runs are stale.

        Replicates, scenarios, factorial values, measures, outcome window, precision and
        names are left out: changing them adds runs or recomputes tables, never invalidates.
        So are Sobol and Morris `samples`: SALib's samples for a larger N begin with those for
        a smaller one (same seed), so more samples append points. A Latin hypercube of
        another size is another design, so LHS `samples` stay in.
        """
        d = self.design
        parts: dict[str, Any] = {
            "steps": self.steps, "seed": self.seed, "base": self.base,
            "overrides": self.overrides, "phases": self.phases, "design": d.type,
            "sampled": [d.ranges, d.samples if d.type == "lhs" else None, d.levels,
                        d.second_order] if d.type in SAMPLED else None,
            "posterior": posterior_sha}
        if self.param_values:  # absent when unused, so older folders keep their key
            parts["params"] = self.param_values
        if self.profile is not None:  # its figures; the rules are the code's (code_version)
            parts["community"] = self.profile.figures
        return json.loads(json.dumps(parts, sort_keys=True, default=str))

    def runs_key(self, posterior_sha: str = "") -> str:
        text = json.dumps(self.runs_key_parts(posterior_sha), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def output_dir(self) -> Path:
        return Path(self.out or f"results/{self.name}")
