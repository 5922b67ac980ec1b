"""Experiment specs: one TOML file per experiment, checked before anything runs.

A mistake in a spec should cost seconds, not a night of runs, so everything a run will
need (scenario names, parameter values, ranges, measures) is checked here against the
model's own registries, and every error names the file, the line when we can find it, the
field and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from governance import MEASURES, MECHANISMS, PARAMS, get_scenario, validate
from model.errors import InputError

DESIGN_TYPES = ("scenarios", "factorial", "lhs", "sobol", "morris")
OUTCOMES = ("final", "mean")
DEFAULT_MEASURES = (
    "participation_rate",
    "share_self_governing",
    "trust_government",
    "satisfaction",
    "resolution_rate",
    "share_resolved_below_government",
    "gov_admin_cost",
    "cost_per_resolved_issue",
)

_TOP = {
    "name": "experiment name (letters, digits, '-', '_'); names the output folder",
    "description": "free text shown in the report",
    "base": "base scenario (default 'administrative')",
    "scenarios": "list of scenario names to compare (default: [base])",
    "reference": "scenario the others are compared against (default: base, or the first)",
    "replicates": "replicates per scenario and design point (1-10000)",
    "steps": "steps (weeks) per run (1-100000)",
    "warmup": "steps left out of the 'mean' outcome (0 <= warmup < steps), or \"auto\" "
              "(MSER-5 truncation point, per scenario)",
    "outcome": "what a run's outcome is: 'final' (last step) or 'mean' (after warm-up)",
    "measures": "list of measure names reported in the tables",
    "seed": "root seed, a whole number >= 0",
    "out": "output folder (default results/NAME)",
    "overrides": "table of parameter values set in every run",
    "phases": "table mechanism = start step: the mechanism is switched on at that step",
    "design": "table: type = scenarios | factorial | lhs | sobol | morris, and its settings",
    "precision": "table: target, relative, max_replicates, batch, measures",
    "posterior": "Parquet file of calibrated particles (one column per parameter, `weight`); "
                 "each replicate draws one, shared by every scenario and design point",
    "analysis": "table: discovery = { measure, threshold, above }, metamodel "
                "(true/false), interactions (true/false)",
}
_ANALYSIS = {
    "discovery": "PRIM scenario discovery over an LHS design: { measure = NAME, threshold = "
                 "X, above = true } marks runs with measure >= X (or < X when above = false)",
    "metamodel": "fit a regression metamodel (statsmodels OLS) to factorial/LHS designs "
                 "(default true)",
    "interactions": "include two-way interactions in the metamodel (default true)",
}
_DESIGN = {
    "type": "one of " + ", ".join(DESIGN_TYPES),
    "factors": "factorial: table name = [values...]",
    "ranges": "lhs/sobol/morris: table name = [low, high]",
    "samples": "lhs: points; sobol: base sample N (power of 2); morris: trajectories",
    "levels": "morris: grid levels (even, >= 2)",
    "second_order": "sobol: also estimate second-order indices (true/false)",
}
_PRECISION = {
    "target": "largest allowed 95% CI half-width (> 0)",
    "relative": "if true, target is a share of the mean (Hoad et al. 2010)",
    "max_replicates": "stop adding replicates here",
    "batch": "replicates added per round (default 2)",
    "measures": "measures whose CIs must meet the target (default: all reported)",
}


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
    measure: str
    threshold: float
    above: bool = True


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
    replicates: int = 5
    steps: int = 104
    warmup: int | str = 0
    outcome: str = "final"
    measures: tuple[str, ...] = DEFAULT_MEASURES
    seed: int = 20240601
    out: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    phases: dict[str, int] = field(default_factory=dict)
    design: Design = field(default_factory=Design)
    precision: Precision | None = None
    posterior: str = ""
    analysis: Analysis = field(default_factory=Analysis)
    text: str = field(default="", compare=False, repr=False)  # the spec file as written

    def run_overrides(self) -> dict[str, Any]:
        """Overrides every run gets: the spec's, then phased mechanisms switched on."""
        out = dict(self.overrides)
        for mech, start in self.phases.items():
            out[mech] = True
            out[f"{mech}_start"] = start
        return out

    def to_dict(self) -> dict[str, Any]:
        d = json.loads(json.dumps(asdict(self)))
        d.pop("text")
        if d["analysis"]["discovery"] is None:
            d["analysis"].pop("discovery")
        return d

    def fingerprint(self) -> str:
        """The whole spec (but `out` and the description) as a short hash."""
        d = self.to_dict()
        d.pop("out")
        d.pop("description")
        text = json.dumps(d, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def runs_key(self, posterior_sha: str = "") -> str:
        """What decides a run's result for a given id: when it changes, old runs are stale.

        Replicates, scenarios, factorial values, measures, outcome window, precision and
        names are left out: changing them adds runs or recomputes tables, never invalidates.
        So are Sobol and Morris `samples`: SALib's samples for a larger N begin with those for
        a smaller one (same seed), so more samples append points. A Latin hypercube of
        another size is another design, so LHS `samples` stay in.
        """
        d = self.design
        key = {"steps": self.steps, "seed": self.seed, "base": self.base,
               "overrides": self.overrides, "phases": self.phases, "design": d.type,
               "sampled": [d.ranges, d.samples if d.type == "lhs" else None, d.levels,
                           d.second_order] if d.type in ("lhs", "sobol", "morris") else None,
               "posterior": posterior_sha}
        text = json.dumps(key, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def output_dir(self) -> Path:
        return Path(self.out or f"results/{self.name}")


# --- reading ---------------------------------------------------------------------------------


def load(path: str | Path) -> Spec:
    """Read and check a TOML spec file."""
    text, raw = read_toml(path, "experiments/configs/mechanisms_vs_baseline.toml")
    return from_dict(raw, str(path), text)


def read_toml(path: str | Path, example: str) -> tuple[str, dict[str, Any]]:
    """A spec file's text and parsed table; any problem is one paragraph naming the file."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"spec file {source!r} does not exist; give the path of a TOML "
                         f"file such as {example}.") from None
    except IsADirectoryError:
        raise InputError(f"spec file {source!r} is a folder; give the path of a TOML file "
                         f"such as {example}.") from None
    except OSError as exc:
        raise InputError(f"spec file {source!r} cannot be read: {exc.strerror}.") from None
    text = decode(data, source)
    return text, parse(text, source)


def decode(data: bytes, source: str) -> str:
    """Spec bytes as text: UTF-8 (a BOM is allowed), anything else a clear error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"spec file {source!r} is UTF-16 encoded; TOML specs must be UTF-8. "
                         "Save it again as UTF-8 (in most editors: 'Save with encoding').")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark: harmless, and TOML parsers reject it
    if b"\x00" in data:
        raise InputError(f"spec file {source!r} holds NUL bytes, so it is not a text file; "
                         "give a TOML text file (UTF-8) such as "
                         "experiments/configs/mechanisms_vs_baseline.toml.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"spec file {source!r}, line {line}: byte {data[exc.start]:#04x} at "
                         f"offset {exc.start} is not UTF-8; TOML specs must be UTF-8 text. Save "
                         "the file again as UTF-8.") from None


def loads(text: str, source: str = "<spec>") -> Spec:
    """Parse and check spec text; `source` names it in error messages."""
    return from_dict(parse(text, source), source, text)


def parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise SpecError(source, "(syntax)", f"cannot be read as TOML: {exc}. Check quoting, "
                        "brackets and '=' on that line.",
                        int(m.group(1)) if m else None) from None


def from_dict(raw: dict[str, Any], source: str = "<spec>", text: str = "") -> Spec:
    """Check a spec given as a dict (what TOML gives, or built in code)."""
    c = _Checker(source, text)
    c.known(raw, _TOP, "")
    name = c.folder_name(raw)
    base = c.scenario("base", raw.get("base", "administrative"))
    scen = raw.get("scenarios", [base])
    if not isinstance(scen, list) or not scen:
        c.fail("scenarios", f"got {scen!r}, but it must be a non-empty list of scenario names")
    scenarios = tuple(c.scenario("scenarios", s) for s in scen)
    if len(set(scenarios)) != len(scenarios):
        c.fail("scenarios", f"lists a scenario twice: {list(scenarios)}")
    default_ref = base if base in scenarios else scenarios[0]
    reference = c.scenario("reference", raw.get("reference", default_ref))
    if reference not in scenarios:
        c.fail("reference", f"is {reference!r}, which is not among scenarios "
               f"{list(scenarios)}; the reference must be one of the compared scenarios")
    replicates = c.integer("replicates", raw.get("replicates", 5), 1, 10_000)
    steps = c.integer("steps", raw.get("steps", 104), 1, 100_000)
    warmup = raw.get("warmup", 0)
    if warmup != "auto":
        warmup = c.integer("warmup", warmup, 0, steps - 1)
    outcome = raw.get("outcome", "final")
    if outcome not in OUTCOMES:
        c.fail("outcome", f"got {outcome!r}, but it must be one of {', '.join(OUTCOMES)}")
    measures = c.measures("measures", raw.get("measures", _default_measures()))
    seed, out, overrides = c.seed_out_overrides(raw)
    phases = c.phases(raw.get("phases", {}), steps)
    design = c.design(raw.get("design", {}))
    precision = c.precision(raw.get("precision"), measures, replicates)
    posterior = raw.get("posterior", "")
    if not isinstance(posterior, str):
        c.fail("posterior", f"got {posterior!r}, but it must be the path of a Parquet file "
               "(a string)")
    analysis = c.analysis(raw.get("analysis", {}), design)
    spec = Spec(name=name, scenarios=scenarios, reference=reference, base=base,
                description=str(raw.get("description", "")), replicates=replicates,
                steps=steps, warmup=warmup, outcome=outcome, measures=measures, seed=seed,
                out=out, overrides=dict(overrides), phases=phases, design=design,
                precision=precision, posterior=posterior, analysis=analysis, text=text)
    clash = set(spec.run_overrides()) & (set(design.factors) | set(design.ranges))
    if clash:
        c.fail("design", f"varies {sorted(clash)}, which [overrides] or [phases] also fix; "
               "a parameter can be set or swept, not both", section="design")
    for sc in scenarios:  # the full parameter sets must hold together (e.g. grid sizes)
        try:
            validate({**get_scenario(sc).overrides, **spec.run_overrides()})
        except InputError as exc:
            c.fail("overrides", f"does not fit scenario {sc!r}: {exc}", section="overrides")
    c.points(spec)
    if posterior:
        c.posterior(spec)
    return spec


def _default_measures() -> list[str]:
    return [m for m in DEFAULT_MEASURES if m in MEASURES]


class _Checker:
    def __init__(self, source: str, text: str) -> None:
        self.source, self.lines = source, text.splitlines()

    def folder_name(self, raw: dict[str, Any]) -> str:
        """The `name` field: it names the output folder, so letters, digits, '-', '_'."""
        name = raw.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", name):
            self.fail("name", f"got {name!r}, but it must be a name of letters, digits, '-' "
                      "or '_' (1-80 characters); it names the output folder")
        return name

    def line_of(self, key: str, section: str = "") -> int | None:
        """Best-effort line of `key` (inside `[section]` when given) in the TOML text."""
        in_section = section == ""
        key_re = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for i, line in enumerate(self.lines, 1):
            head = re.match(r"^\s*\[([^\]]+)\]", line)
            if head:
                name = head.group(1).strip()
                if section and name == section and key == "":
                    return i
                if re.fullmatch(re.escape(key), name) and not section:
                    return i
                in_section = (name == section) if section else False
                continue
            if in_section and key_re.match(line):
                return i
        return None

    def fail(self, field_: str, problem: str, section: str = "", key: str | None = None):
        key = field_.split(".")[-1] if key is None else key
        raise SpecError(self.source, field_, problem + ".", self.line_of(key, section))

    def known(self, table: dict[str, Any], allowed: dict[str, str], section: str) -> None:
        for key in table:
            if key not in allowed:
                prefix = f"{section}." if section else ""
                listing = "; ".join(f"{k}: {v}" for k, v in allowed.items())
                self.fail(prefix + key, f"is not a known field. Allowed fields: {listing}",
                          section=section, key=key)

    def integer(self, name: str, value: Any, low: int, high: int, section: str = "") -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(name, f"got {value!r}, but it must be a whole number from {low} to {high}",
                      section=section, key=name.split(".")[-1])
        return int(value)

    def seed_out_overrides(self, raw: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
        """The root seed, the output folder and the [overrides] table, checked."""
        seed = self.integer("seed", raw.get("seed", 20240601), 0, 2**63 - 1)
        out = raw.get("out", "")
        if not isinstance(out, str):
            self.fail("out", f"got {out!r}, but it must be a folder path (a string)")
        overrides = raw.get("overrides", {})
        if not isinstance(overrides, dict):
            self.fail("overrides", "must be a table: [overrides] with name = value lines")
        return seed, out, {k: self.param(k, v, "overrides") for k, v in overrides.items()}

    def boolean(self, name: str, value: Any, section: str = "") -> bool:
        if not isinstance(value, bool):
            self.fail(name, f"got {value!r}, but it must be true or false", section=section,
                      key=name.split(".")[-1])
        return value

    def scenario(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            self.fail(name, f"got {value!r}, but it must be a scenario name (a string)")
        try:
            return get_scenario(value).name
        except InputError as exc:
            self.fail(name, f"is wrong: {exc}")
        raise AssertionError  # unreachable

    def measures(self, name: str, value: Any, section: str = "") -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.fail(name, f"got {value!r}, but it must be a non-empty list of measure names",
                      section=section, key=name.split(".")[-1])
        for m in value:
            if m not in MEASURES:
                import difflib

                close = difflib.get_close_matches(str(m), MEASURES, n=2)
                hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
                self.fail(name, f"names {m!r}, which is not a measure; allowed: "
                          f"{', '.join(MEASURES)}.{hint}", section=section,
                          key=name.split(".")[-1])
        return tuple(value)

    def param(self, key: str, value: Any, section: str) -> Any:
        if key not in PARAMS:
            import difflib

            close = difflib.get_close_matches(key, PARAMS, n=2, cutoff=0.6)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            self.fail(f"{section}.{key}", "is not a model parameter (see `python run.py "
                      f"params`).{hint}", section=section, key=key)
        try:
            return PARAMS[key].check(value)
        except InputError as exc:
            self.fail(f"{section}.{key}", f"is not allowed: {exc}", section=section, key=key)
        raise AssertionError

    def phases(self, table: Any, steps: int) -> dict[str, int]:
        if not isinstance(table, dict):
            self.fail("phases", "must be a table: [phases] with mechanism = start step")
        out = {}
        for mech, start in table.items():
            if mech not in MECHANISMS:
                self.fail(f"phases.{mech}", "is not a mechanism; allowed: "
                          + ", ".join(MECHANISMS), section="phases", key=mech)
            out[mech] = self.integer(f"phases.{mech}", start, 0, steps - 1, section="phases")
        return out

    def design(self, table: Any) -> Design:
        if not isinstance(table, dict):
            self.fail("design", "must be a table: [design] with type = ...")
        self.known(table, _DESIGN, "design")
        kind = table.get("type", "scenarios")
        if kind not in DESIGN_TYPES:
            self.fail("design.type", f"got {kind!r}, but it must be one of "
                      f"{', '.join(DESIGN_TYPES)}", section="design", key="type")
        factors = table.get("factors", {})
        ranges = table.get("ranges", {})
        sec = "design"
        if kind == "scenarios" and (factors or ranges):
            self.fail("design.type", "is 'scenarios', which varies no parameter; use "
                      "'factorial' with [design.factors] or lhs/sobol/morris with "
                      "[design.ranges]", section=sec, key="type")
        if kind == "factorial":
            if not isinstance(factors, dict) or not factors:
                self.fail("design.factors", "must be a non-empty table name = [values...] for "
                          "a factorial design", section=sec, key="type")
            checked = {}
            for key, values in factors.items():
                if not isinstance(values, list) or not values:
                    self.fail(f"design.factors.{key}", f"got {values!r}, but it must be a "
                              "non-empty list of values", section="design.factors", key=key)
                checked[key] = [self.param(key, v, "design.factors") for v in values]
                if len(set(map(repr, checked[key]))) != len(checked[key]):
                    self.fail(f"design.factors.{key}", "repeats a value",
                              section="design.factors", key=key)
            factors = checked
        elif ranges or kind in ("lhs", "sobol", "morris"):
            if kind == "factorial" or not isinstance(ranges, dict) or not ranges:
                self.fail("design.ranges", f"must be a non-empty table name = [low, high] for "
                          f"a {kind} design", section=sec, key="type")
            for key, pair in ranges.items():
                where = f"design.ranges.{key}"
                if not isinstance(pair, list) or len(pair) != 2:
                    self.fail(where, f"got {pair!r}, but it must be [low, high]",
                              section="design.ranges", key=key)
                if key in PARAMS and PARAMS[key].type not in (int, float):
                    self.fail(where, f"is a {PARAMS[key].type.__name__} parameter; ranges need "
                              "a numeric one (use a factorial design for switches and "
                              "choices)", section="design.ranges", key=key)
                low, high = (self.param(key, v, "design.ranges") for v in pair)
                if not low < high:
                    self.fail(where, f"got [{low}, {high}], but low must be below high",
                              section="design.ranges", key=key)
            ranges = {k: [float(v) for v in pair] for k, pair in ranges.items()}
        samples = table.get("samples", {"lhs": 20, "sobol": 64, "morris": 10}.get(kind, 0))
        if kind in ("lhs", "sobol", "morris"):
            samples = self.integer("design.samples", samples, 2, 1_000_000, section=sec)
            if kind == "sobol" and samples & (samples - 1):
                self.fail("design.samples", f"got {samples}, but a Sobol (Saltelli) design "
                          "needs a power of 2 (e.g. 32, 64, 128)", section=sec, key="samples")
        levels = self.integer("design.levels", table.get("levels", 4), 2, 100, section=sec)
        if levels % 2:
            self.fail("design.levels", f"got {levels}, but Morris levels must be even",
                      section=sec, key="levels")
        second = self.boolean("design.second_order", table.get("second_order", False), sec)
        return Design(kind, factors if kind == "factorial" else {},
                      ranges if kind in ("lhs", "sobol", "morris") else {},
                      samples if kind in ("lhs", "sobol", "morris") else 0, levels, second)

    def points(self, spec: Spec) -> None:
        """Every design point in every scenario must be a valid parameter set, now.

        Otherwise a sweep over `width` with a fixed `grid_block`, say, fails run by run.
        """
        from experiments.designs import points

        where = "design.factors" if spec.design.factors else "design.ranges"
        for i, pt in enumerate(points(spec)):
            for sc in spec.scenarios:
                try:
                    validate({**get_scenario(sc).overrides, **spec.run_overrides(), **pt})
                except InputError as exc:
                    shown = ", ".join(f"{k} = {v!r}" for k, v in pt.items())
                    self.fail(where, f"gives design point {i} ({shown}), which does not fit "
                              f"scenario {sc!r}: {exc} Change the values or ranges so every "
                              "point is a valid community", section="design",
                              key="factors" if spec.design.factors else "ranges")

    def posterior(self, spec: Spec) -> None:
        """The file must be usable, and every particle a valid community in every scenario
        (e.g. a calibrated `grid_block` must still divide the spec's `width`)."""
        from experiments.posterior import load_posterior

        try:
            post = load_posterior(spec.posterior)
        except InputError as exc:
            self.fail("posterior", f"is unusable: {exc}")
        base = spec.run_overrides()
        for sc in spec.scenarios:
            fixed = set(get_scenario(sc).overrides) | set(base)
            for i, row in enumerate(post.values.to_dict("records")):
                drawn = {k: v for k, v in row.items() if k not in fixed}
                try:
                    validate({**get_scenario(sc).overrides, **drawn, **base})
                except InputError as exc:
                    self.fail("posterior", f"row {i} of {spec.posterior!r} does not fit "
                              f"scenario {sc!r}: {exc}")

    def analysis(self, table: Any, design: Design) -> Analysis:
        if not isinstance(table, dict):
            self.fail("analysis", "must be a table: [analysis] with discovery = {...}")
        self.known(table, _ANALYSIS, "analysis")
        sec = "analysis"
        disc = table.get("discovery")
        discovery = None
        if disc is not None:
            if not isinstance(disc, dict):
                self.fail("analysis.discovery", f"got {disc!r}, but it must be a table "
                          "{ measure = NAME, threshold = X }", section=sec, key="discovery")
            unknown = set(disc) - {"measure", "threshold", "above"}
            if unknown:
                self.fail("analysis.discovery", f"has unknown keys {sorted(unknown)}; allowed: "
                          "measure, threshold, above", section=sec, key="discovery")
            if design.type != "lhs":
                self.fail("analysis.discovery", f"needs an LHS design ([design] type = "
                          f"\"lhs\"), not {design.type!r}: PRIM looks for boxes in a "
                          "space-filling sample", section=sec, key="discovery")
            m = self.measures("analysis.discovery", [disc.get("measure")], sec)[0]
            thr = disc.get("threshold")
            if isinstance(thr, bool) or not isinstance(thr, int | float) or not math.isfinite(
                    thr):
                self.fail("analysis.discovery", f"threshold got {thr!r}, but it must be a "
                          "number", section=sec, key="discovery")
            above = self.boolean("analysis.discovery", disc.get("above", True), sec)
            discovery = Discovery(m, float(thr), above)
        return Analysis(discovery,
                        self.boolean("analysis.metamodel", table.get("metamodel", True), sec),
                        self.boolean("analysis.interactions", table.get("interactions", True),
                                     sec))

    def precision(self, table: Any, measures: tuple[str, ...],
                  replicates: int) -> Precision | None:
        if table is None:
            return None
        if not isinstance(table, dict):
            self.fail("precision", "must be a table: [precision] with target = ...")
        self.known(table, _PRECISION, "precision")
        sec = "precision"
        target = table.get("target")
        if isinstance(target, bool) or not isinstance(target, int | float) or not target > 0:
            self.fail("precision.target", f"got {target!r}, but it must be a number > 0",
                      section=sec, key="target")
        relative = self.boolean("precision.relative", table.get("relative", False), sec)
        max_rep = self.integer("precision.max_replicates", table.get("max_replicates", 50),
                               max(replicates, 2), 10_000, section=sec)
        batch = self.integer("precision.batch", table.get("batch", 2), 1, 1000, section=sec)
        ms = self.measures("precision.measures", table.get("measures", list(measures)), sec)
        missing = [m for m in ms if m not in measures]
        if missing:
            self.fail("precision.measures", f"names {missing}, which are not among the reported "
                      f"measures {list(measures)}", section=sec, key="measures")
        return Precision(float(target), relative, max_rep, batch, ms)
