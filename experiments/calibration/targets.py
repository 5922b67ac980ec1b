"""Calibration targets: published figures and the model statistics they are compared with.

A targets file (experiments/targets/*.toml) pairs each figure with a statistic computed from
one run's time series over the outcome window. Keeping the mapping in the file, next to the
source, makes every judgement (which rungs count as "frequent", how wide the definitional gap
is) visible and arguable. A target whose measure the model does not have yet is kept but
skipped, so files can be written ahead of the model.

A figure the model cannot express at all stays in the file with `expressible = false` and a
`why_not`, held out: the list of what the model does not reproduce is part of the evidence.
A held-out target may carry its own conditions (`overrides`, e.g. a reform switched on) and
its own `window` of weeks since week 0, so a time path after a reform can be checked
against runs that phase the reform in; fitted targets use the calibration's own run.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from governance import MEASURES, PARAMS
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
    "grade": "A (read in the primary text), B (read in a report of it) or C (secondary)",
    "expressible": "false: the model cannot compute a statistic that means what was asked",
    "why_not": "expressible = false: why the model cannot express the figure",
    "overrides": "held out only: table of parameters for this target's runs (a reform on)",
    "window": "held out only: [first, end) weeks since week 0 over which the statistic runs",
    "path": "name of a time path this figure is one point of",
}
GRADES = ("A", "B", "C")


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
    grade: str = ""
    expressible: bool = True
    why_not: str = ""
    overrides: tuple[tuple[str, Any], ...] = ()
    window: tuple[int, int] | None = None
    path: str = ""

    @property
    def signature(self) -> str:
        """What the statistic is (measures, reduction, denominator), not what it is called:
        the amortised network matches a community's figure by it, and validation finds a
        held-out figure that repeats a fitted one by it (with the window and conditions)."""
        return json.dumps([list(self.measures), self.reduce, list(self.denominator)])

    @property
    def conditioned(self) -> bool:
        """Runs under its own conditions or window, not the calibration's run."""
        return bool(self.overrides) or self.window is not None

    def missing_measures(self, available: Mapping[str, Any] | Sequence[str] = MEASURES
                         ) -> list[str]:
        return [m for m in (*self.measures, *self.denominator) if m not in available]

    def statistic(self, series: Mapping[str, Sequence[float]], start: int,
                  steps_per_year: float) -> float:
        """This target's statistic over series[start:] (one value per step), or over its
        own window when it has one. Steps where a measure is undefined (NaN: turnout before
        the first election) are left out of a mean; all undefined gives NaN."""
        lo, hi = self.window if self.window is not None else (start, None)

        def cut(names: tuple[str, ...]) -> np.ndarray:
            return np.sum([np.asarray(series[m], dtype=float)[lo:hi] for m in names], axis=0)

        num = cut(self.measures)
        if len(num) == 0 or (hi is not None and len(num) < hi - lo):
            return math.nan  # the run is shorter than the window
        if self.reduce == "final":
            return float(num[-1])
        if self.reduce == "ratio":
            den = cut(self.denominator).sum()
            return float(num.sum() / den) if den > 0 else math.nan
        ok = num[np.isfinite(num)]
        mean = float(ok.mean()) if len(ok) else math.nan
        return mean * steps_per_year if self.reduce == "per_year" else mean


@dataclass(frozen=True)
class TargetSet:
    path: str
    setting: str
    steps_per_year: float
    targets: tuple[Target, ...]
    digest: str  # of the file's bytes: a changed file is a different calibration

    def usable(self) -> tuple[Target, ...]:
        """Expressible targets whose measures the model has now."""
        return tuple(t for t in self.targets if t.expressible and not t.missing_measures())

    def plain(self) -> tuple[Target, ...]:
        """Usable targets computed from the calibration's own run and window."""
        return tuple(t for t in self.usable() if not t.conditioned)

    def conditioned(self) -> tuple[Target, ...]:
        """Usable (held-out) targets with their own conditions or window."""
        return tuple(t for t in self.usable() if t.conditioned)

    def fitted(self) -> tuple[Target, ...]:
        return tuple(t for t in self.plain() if not t.held_out)

    def held_out(self) -> tuple[Target, ...]:
        """Usable targets not fitted: checked against the posterior predictive."""
        return tuple(t for t in self.usable() if t.held_out)

    def inexpressible(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if not t.expressible)

    def skipped(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.expressible and t.missing_measures())

    def groups(self) -> dict[tuple[tuple[str, Any], ...], tuple[Target, ...]]:
        """Conditioned targets by their overrides: one set of runs per group."""
        out: dict[tuple[tuple[str, Any], ...], list[Target]] = {}
        for t in self.conditioned():
            out.setdefault(t.overrides, []).append(t)
        return {k: tuple(v) for k, v in out.items()}

    def skipped_lines(self) -> list[str]:
        """One warning line per target skipped for a measure the model lacks."""
        return [f"target '{t.name}' skipped: the model has no measure "
                f"{', '.join(map(repr, t.missing_measures()))} yet (it is used once the "
                "model registers it)" for t in self.skipped()]

    def statistics_digest(self) -> str:
        """What decides the runs' statistics (not the observed values): a design of runs
        stays valid for synthetic targets of the same statistics (the recovery study)."""
        parts = [(t.name, t.measures, t.reduce, t.denominator, t.overrides, t.window)
                 for t in self.usable()]
        return hashlib.sha256(repr((self.steps_per_year, parts)).encode()).hexdigest()[:16]

    def statistics(self, series: Mapping[str, Sequence[float]], start: int
                   ) -> dict[str, float]:
        """Every plain target's statistic (held-out ones too)."""
        return {t.name: t.statistic(series, start, self.steps_per_year) for t in self.plain()}


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
    unknown_meta = set(meta) - {"steps_per_year", "setting", "notes"}
    if unknown_meta:
        raise TargetsError(source, f"meta.{sorted(unknown_meta)[0]}", "is not a known field; "
                           "[meta] has steps_per_year, setting and notes")
    for key in ("setting", "notes"):
        if not isinstance(meta.get(key, ""), str):
            raise TargetsError(source, f"meta.{key}", f"got {meta[key]!r}, but it must be a "
                               "text")
    spy = meta.get("steps_per_year", 52)
    if not _number(spy) or spy <= 0:
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
    expressible = item.get("expressible", True)
    if not isinstance(expressible, bool):
        fail("expressible", f"got {expressible!r}, but it must be true or false")
    why_not = item.get("why_not", "")
    if expressible == bool(why_not) or not isinstance(why_not, str):
        fail("why_not", "must say why the model cannot express the figure when expressible = "
             "false, and only then")
    if not expressible and item.get("held_out") is not True:
        fail("held_out", "must be true for a figure the model cannot express (it cannot be "
             "fitted)")
    if expressible and ("measure" in item) == ("measures" in item):
        fail("measure", "must be given, either as measure = \"name\" or as measures = "
             "[\"a\", \"b\"] (summed), not both")
    measures = ([item["measure"]] if "measure" in item else item.get("measures", []))
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
    if expressible and not measures:
        fail("measures", "is empty; give at least one measure name")
    for key in ("unit", "description", "mapping"):
        if not isinstance(item.get(key, ""), str):
            fail(key, f"got {item[key]!r}, but it must be a text")
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
    if sigma <= 0 and expressible:
        fail("se", "and mapping_sd are both 0 (or missing): every target needs an "
             "uncertainty, since distances are scaled by it")
    held = item.get("held_out", False)
    if not isinstance(held, bool):
        fail("held_out", f"got {held!r}, but it must be true or false")
    src = item.get("source", {})
    if not isinstance(src, dict) or not src.get("author") or not src.get("year"):
        fail("source", "must be a table with at least author and year (and title, where, "
             "url): cite what the figure was read in")
    grade = str(item.get("grade", src.get("grade", "")))
    if grade and grade[0] not in GRADES:
        fail("grade", f"got {grade!r}, but it must start with one of {', '.join(GRADES)}")
    overrides, window = _conditions(item, fail, held)
    path = item.get("path", "")
    if not isinstance(path, str):
        fail("path", f"got {path!r}, but it must be a name (a string)")
    return Target(name=name, measures=tuple(measures), value=float(value), sigma=sigma,
                  reduce=reduce, denominator=tuple(denominator), held_out=held,
                  description=str(item.get("description", "")),
                  mapping=" ".join(str(item.get("mapping", "")).split()), se=float(se),
                  mapping_sd=float(msd), unit=str(item.get("unit", "share")), source=src,
                  grade=grade, expressible=expressible, why_not=" ".join(why_not.split()),
                  overrides=overrides, window=window, path=path)


def _conditions(item: dict[str, Any], fail, held: bool
                ) -> tuple[tuple[tuple[str, Any], ...], tuple[int, int] | None]:
    """A held-out target's own overrides (checked against the schema) and window."""
    raw, window = item.get("overrides", {}), item.get("window")
    if (raw or window is not None) and not held:
        fail("overrides", "and 'window' are for held-out targets only: a fitted target is "
             "computed from the calibration's own run and window (set held_out = true)")
    if not isinstance(raw, dict):
        fail("overrides", f"got {raw!r}, but it must be a table of parameter = value lines")
    checked = []
    for key, value in sorted(raw.items()):
        if key not in PARAMS:
            fail(f"overrides.{key}", "is not a model parameter (see `python run.py params`)")
        try:
            checked.append((key, PARAMS[key].check(value)))
        except InputError as exc:
            fail(f"overrides.{key}", f"got {value!r}: {exc}")
    if window is not None:
        ok = (isinstance(window, list) and len(window) == 2
              and all(isinstance(w, int) and not isinstance(w, bool) for w in window)
              and 0 <= window[0] < window[1])
        if not ok:
            fail("window", f"got {window!r}, but it must be [first, end]: whole numbers of "
                 "weeks since week 0 with 0 <= first < end")
        window = (window[0], window[1])
    return tuple(checked), window


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
