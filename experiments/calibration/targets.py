"""Calibration targets: published figures and the model statistics they are compared with.

A targets file (experiments/targets/*.toml) pairs each figure with a statistic computed from
one run's time series over the outcome window. Keeping the mapping in the file, next to the
source, makes every judgement (which rungs count as "frequent", how wide the definitional gap
is) visible and arguable. A target whose measure the model does not have yet is kept but
skipped, so files can be written ahead of the model.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from governance import MEASURES
from model.errors import InputError

REDUCES = ("mean", "final", "ratio", "per_year")
_FIELDS = {
    "name": "target name (letters, digits, '_')",
    "description": "what the figure is, in words",
    "measure": "one model measure name",
    "measures": "list of model measure names, summed per step",
    "denominator": "reduce = 'ratio': measures summed for the denominator",
    "reduce": "one of " + ", ".join(REDUCES),
    "value": "the observed figure (a number)",
    "se": "sampling standard error (> 0)",
    "interval": "95% interval [low, high] (instead of se)",
    "mapping_sd": "allowance for the gap between the source's definition and the statistic",
    "held_out": "true: not fitted, checked afterwards",
    "mapping": "why this statistic stands for this figure",
    "unit": "unit of value (default: share)",
    "source": "table: author, year, title, where, url, grade",
}


class TargetsError(InputError):
    def __init__(self, source: str, field_: str, problem: str) -> None:
        super().__init__(f"{source}: field '{field_}' {problem}.")


@dataclass(frozen=True)
class Target:
    name: str
    measures: tuple[str, ...]
    value: float
    sigma: float
    reduce: str = "mean"
    denominator: tuple[str, ...] = ()
    held_out: bool = False
    description: str = ""
    mapping: str = ""
    se: float = 0.0
    mapping_sd: float = 0.0
    unit: str = "share"
    source: dict[str, Any] = field(default_factory=dict)

    def missing_measures(self, available: Mapping[str, Any] | Sequence[str] = MEASURES
                         ) -> list[str]:
        return [m for m in (*self.measures, *self.denominator) if m not in available]

    def statistic(self, series: Mapping[str, Sequence[float]], start: int,
                  steps_per_year: float) -> float:
        """This target's statistic over series[start:] (one value per step)."""
        num = np.sum([np.asarray(series[m], dtype=float)[start:] for m in self.measures],
                     axis=0)
        if self.reduce == "final":
            return float(num[-1])
        if self.reduce == "ratio":
            den = np.sum([np.asarray(series[m], dtype=float)[start:]
                          for m in self.denominator], axis=0).sum()
            return float(num.sum() / den) if den > 0 else math.nan
        mean = float(num.mean())
        return mean * steps_per_year if self.reduce == "per_year" else mean


@dataclass(frozen=True)
class TargetSet:
    path: str
    setting: str
    steps_per_year: float
    targets: tuple[Target, ...]
    digest: str  # of the file's bytes: a changed file is a different calibration

    def usable(self) -> tuple[Target, ...]:
        """Targets whose measures the model has now."""
        return tuple(t for t in self.targets if not t.missing_measures())

    def fitted(self) -> tuple[Target, ...]:
        return tuple(t for t in self.usable() if not t.held_out)

    def skipped(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.missing_measures())

    def skipped_lines(self) -> list[str]:
        """One warning line per target skipped for a measure the model lacks."""
        return [f"target '{t.name}' skipped: the model has no measure "
                f"{', '.join(map(repr, t.missing_measures()))} yet (it is used once the "
                "model registers it)" for t in self.skipped()]

    def statistics(self, series: Mapping[str, Sequence[float]], start: int
                   ) -> dict[str, float]:
        """Every usable target's statistic (held-out ones too)."""
        return {t.name: t.statistic(series, start, self.steps_per_year) for t in self.usable()}


def load(path: str | Path) -> TargetSet:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"targets file {str(path)!r} does not exist; give the path of a TOML "
                         "file such as experiments/targets/china_urban_2010s.toml.") from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TargetsError(str(path), "(syntax)", f"cannot be read as TOML: {exc}") from None
    return from_dict(raw, str(path), hashlib.sha256(data).hexdigest()[:16])


def from_dict(raw: dict[str, Any], source: str = "<targets>", digest: str = "") -> TargetSet:
    meta = raw.get("meta", {})
    if not isinstance(meta, dict):
        raise TargetsError(source, "meta", "must be a table [meta]")
    spy = meta.get("steps_per_year", 52)
    if isinstance(spy, bool) or not isinstance(spy, int | float) or spy <= 0:
        raise TargetsError(source, "meta.steps_per_year", f"got {spy!r}, but it must be a "
                           "number > 0 (steps in a year; 52 for weekly steps)")
    items = raw.get("target")
    if not isinstance(items, list) or not items:
        raise TargetsError(source, "target", "must hold at least one [[target]] table")
    unknown = set(raw) - {"meta", "target"}
    if unknown:
        raise TargetsError(source, sorted(unknown)[0], "is not a known field; a targets file "
                           "has [meta] and [[target]] tables")
    targets = tuple(_target(item, source, i) for i, item in enumerate(items, 1))
    names = [t.name for t in targets]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise TargetsError(source, "target.name", f"repeats {sorted(dup)}; names must differ")
    if not digest:
        digest = hashlib.sha256(repr(raw).encode()).hexdigest()[:16]
    return TargetSet(source, str(meta.get("setting", "")), float(spy), targets, digest)


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _target(item: Any, source: str, i: int) -> Target:
    where = f"target #{i}"
    if not isinstance(item, dict):
        raise TargetsError(source, where, "must be a table")
    name = item.get("name")
    if not isinstance(name, str) or not name.replace("_", "").isalnum():
        raise TargetsError(source, f"{where}.name", f"got {name!r}, but it must be a name of "
                           "letters, digits and '_'")
    where = f"target '{name}'"

    def fail(key: str, problem: str):
        raise TargetsError(source, f"{where}.{key}", problem)

    for key in item:
        if key not in _FIELDS:
            fail(key, "is not a known field. Allowed: " + "; ".join(
                f"{k}: {v}" for k, v in _FIELDS.items()))
    if ("measure" in item) == ("measures" in item):
        fail("measure", "must be given, either as measure = \"name\" or as measures = "
             "[\"a\", \"b\"] (summed), not both")
    measures = [item["measure"]] if "measure" in item else item["measures"]
    reduce = item.get("reduce", "mean")
    if reduce not in REDUCES:
        fail("reduce", f"got {reduce!r}, but it must be one of {', '.join(REDUCES)}")
    denominator = item.get("denominator", [])
    if (reduce == "ratio") != bool(denominator):
        fail("denominator", "must be a non-empty list of measures when reduce = 'ratio', and "
             "only then")
    for key, names in (("measures", measures), ("denominator", denominator)):
        if not isinstance(names, list) or not all(isinstance(m, str) and m for m in names):
            fail(key, f"got {names!r}, but it must be measure names (strings)")
    value = item.get("value")
    if not _number(value):
        fail("value", f"got {value!r}, but it must be a number")
    se = item.get("se", 0.0)
    if not _number(se) or se < 0:
        fail("se", f"got {se!r}, but it must be a number >= 0")
    if "interval" in item:
        iv = item["interval"]
        if "se" in item:
            fail("interval", "and 'se' are both given; give one")
        if (not isinstance(iv, list) or len(iv) != 2 or not all(map(_number, iv))
                or not iv[0] <= value <= iv[1] or iv[0] == iv[1]):
            fail("interval", f"got {iv!r}, but it must be [low, high] around value {value}")
        se = (iv[1] - iv[0]) / 3.92
    msd = item.get("mapping_sd", 0.0)
    if not _number(msd) or msd < 0:
        fail("mapping_sd", f"got {msd!r}, but it must be a number >= 0")
    sigma = math.hypot(se, msd)
    if sigma <= 0:
        fail("se", "and mapping_sd are both 0 (or missing): every target needs an "
             "uncertainty, since distances are scaled by it")
    held = item.get("held_out", False)
    if not isinstance(held, bool):
        fail("held_out", f"got {held!r}, but it must be true or false")
    src = item.get("source", {})
    if not isinstance(src, dict) or not src.get("author") or not src.get("year"):
        fail("source", "must be a table with at least author and year (and title, where, "
             "url): cite what the figure was read in")
    return Target(name=name, measures=tuple(measures), value=float(value), sigma=sigma,
                  reduce=reduce, denominator=tuple(denominator), held_out=held,
                  description=str(item.get("description", "")),
                  mapping=" ".join(str(item.get("mapping", "")).split()), se=float(se),
                  mapping_sd=float(msd), unit=str(item.get("unit", "share")), source=src)


def source_line(t: Target) -> str:
    """Where a target's figure was read, in one line: author (year) title, where, url."""
    s = t.source
    parts = [str(s.get("author", "")), f"({s.get('year', '')})", str(s.get("title", ""))]
    if s.get("where"):
        parts.append(f"— {s['where']}")
    if s.get("url"):
        parts.append(f"<{s['url']}>")
    if s.get("grade"):
        parts.append(f"[grade {s['grade']}]")
    return " ".join(p for p in parts if p)
