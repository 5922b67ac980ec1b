"""Experiment specs: one TOML file per experiment, checked before anything runs.

A mistake in a spec should cost seconds, not a night of runs, so everything a run will
need (scenario names, parameter values, ranges, measures, every design point, every
particle of a posterior) is checked here against the model's own registries, and every
error names the file, the line when we can find it, the field and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.specify.checker import Checker
from experiments.specify.community import Profile, load_profile
from experiments.specify.designs import points
from experiments.specify.fields import (
    ANALYSIS,
    DEFAULT_MEASURES,
    DESIGN,
    DESIGN_TYPES,
    OUTCOMES,
    PRECISION,
    SAMPLED,
    TOP,
)
from experiments.specify.params_file import load_params_file
from experiments.specify.posterior import load_posterior
from experiments.specify.reading import parse, read_toml
from experiments.specify.spec import Analysis, Design, Discovery, Precision, Spec
from governance import MEASURES, MECHANISMS, get_scenario, validate
from model.errors import InputError

EXAMPLE = "experiments/configs/mechanisms_vs_baseline.toml"


def load(path: str | Path, params: str | Path | None = None,
         community: str | Path | None = None) -> Spec:
    """Read and check a TOML spec file; `params` (a [params] file) and `community` (a
    community profile) replace the spec's."""
    text, raw = read_toml(path, EXAMPLE)
    if params is not None:
        raw["params"] = str(params)
    if community is not None:
        raw["community"] = str(community)
    return from_dict(raw, str(path), text)


def loads(text: str, source: str = "<spec>") -> Spec:
    """Parse and check spec text; `source` names it in error messages."""
    return from_dict(parse(text, source), source, text)


def from_dict(raw: dict[str, Any], source: str = "<spec>", text: str = "") -> Spec:
    """Check a spec given as a dict (what TOML gives, or built in code)."""
    c = SpecChecker(source, text)
    c.known(raw, TOP, "")
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
    params = c.text("params", raw.get("params", ""), "the path of a TOML file with a [params] "
                    "table")
    param_values = c.params_file(params) if params else {}
    community = c.text("community", raw.get("community", ""), "the path of a community "
                       "profile TOML")
    profile = c.community(community) if community else None
    phases = c.phases(raw.get("phases", {}), steps)
    design = c.design(raw.get("design", {}))
    precision = c.precision(raw.get("precision"), measures, replicates)
    posterior = c.text("posterior", raw.get("posterior", ""), "the path of a Parquet file")
    analysis = c.analysis(raw.get("analysis", {}), design)
    spec = Spec(name=name, scenarios=scenarios, reference=reference, base=base,
                description=str(raw.get("description", "")),
                question=" ".join(str(raw.get("question", "")).split()),
                replicates=replicates, steps=steps, warmup=warmup, outcome=outcome,
                measures=measures, seed=seed, out=out, overrides=dict(overrides),
                params=params, phases=phases, design=design, precision=precision,
                posterior=posterior, analysis=analysis, param_values=param_values, text=text,
                community=community, profile=profile)
    clash = set(spec.run_overrides()) & (set(design.factors) | set(design.ranges))
    if clash:
        c.fail("design", f"varies {sorted(clash)}, which [overrides] or [phases] also fix; "
               "a parameter can be set or swept, not both", section="design")
    for sc in scenarios:  # the full parameter sets must hold together (e.g. grid sizes)
        try:
            validate({**spec.start_values(), **get_scenario(sc).overrides,
                      **spec.run_overrides()})
        except InputError as exc:
            c.fail("overrides", f"does not fit scenario {sc!r}: {exc}", section="overrides")
    c.points(spec)
    if posterior:
        c.posterior(spec)
    return spec


def _default_measures() -> list[str]:
    return [m for m in DEFAULT_MEASURES if m in MEASURES]


class SpecChecker(Checker):
    """The experiment spec's own sections: design, phases, precision, analysis, files."""

    def params_file(self, path: str) -> dict[str, Any]:
        try:
            return load_params_file(path, option="params")[0]
        except InputError as exc:
            self.fail("params", f"is unusable: {exc}")

    def community(self, path: str) -> Profile:
        try:
            return load_profile(path, option="community")
        except InputError as exc:
            self.fail("community", f"is unusable: {exc}")

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
        self.known(table, DESIGN, "design")
        sec = "design"
        kind = table.get("type", "scenarios")
        if kind not in DESIGN_TYPES:
            self.fail("design.type", f"got {kind!r}, but it must be one of "
                      f"{', '.join(DESIGN_TYPES)}", section=sec, key="type")
        factors = table.get("factors", {})
        ranges = table.get("ranges", {})
        if kind == "scenarios" and (factors or ranges):
            self.fail("design.type", "is 'scenarios', which varies no parameter; use "
                      "'factorial' with [design.factors] or lhs/sobol/morris with "
                      "[design.ranges]", section=sec, key="type")
        if kind == "factorial":
            factors = self.factors(factors)
        elif ranges or kind in SAMPLED:
            if kind == "factorial" or not isinstance(ranges, dict) or not ranges:
                self.fail("design.ranges", f"must be a non-empty table name = [low, high] for "
                          f"a {kind} design", section=sec, key="type")
            ranges = self.ranges(ranges, "design.ranges", f"for a {kind} design")
        samples = table.get("samples", {"lhs": 20, "sobol": 64, "morris": 10}.get(kind, 0))
        if kind in SAMPLED:
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
                      ranges if kind in SAMPLED else {},
                      samples if kind in SAMPLED else 0, levels, second)

    def factors(self, factors: Any) -> dict[str, list[Any]]:
        if not isinstance(factors, dict) or not factors:
            self.fail("design.factors", "must be a non-empty table name = [values...] for "
                      "a factorial design", section="design", key="type")
        checked = {}
        for key, values in factors.items():
            if not isinstance(values, list) or not values:
                self.fail(f"design.factors.{key}", f"got {values!r}, but it must be a "
                          "non-empty list of values", section="design.factors", key=key)
            checked[key] = [self.param(key, v, "design.factors") for v in values]
            if len(set(map(repr, checked[key]))) != len(checked[key]):
                self.fail(f"design.factors.{key}", "repeats a value",
                          section="design.factors", key=key)
        return checked

    def points(self, spec: Spec) -> None:
        """Every design point in every scenario must be a valid parameter set, now.

        Otherwise a sweep over `width` with a fixed `grid_block`, say, fails run by run.
        Checked against what the runs start from (the profile's shape too, so a swept
        `grid_block` that does not divide the profile's width is refused now).
        """
        where = "design.factors" if spec.design.factors else "design.ranges"
        start = spec.start_values()
        for i, pt in enumerate(points(spec)):
            for sc in spec.scenarios:
                try:
                    validate({**start, **get_scenario(sc).overrides,
                              **spec.run_overrides(), **pt})
                except InputError as exc:
                    shown = ", ".join(f"{k} = {v!r}" for k, v in pt.items())
                    self.fail(where, f"gives design point {i} ({shown}), which does not fit "
                              f"scenario {sc!r}: {exc} Change the values or ranges so every "
                              "point is a valid community", section="design",
                              key="factors" if spec.design.factors else "ranges")

    def posterior(self, spec: Spec) -> None:
        """The file must be usable, and every particle a valid community in every scenario
        (e.g. a calibrated `grid_block` must still divide the spec's, or the community
        profile's, `width`). The profile is scaled from each draw, as in the runs."""
        try:
            post = load_posterior(spec.posterior)
        except InputError as exc:
            self.fail("posterior", f"is unusable: {exc}")
        base = spec.run_overrides()
        for sc in spec.scenarios:
            fixed = set(get_scenario(sc).overrides) | set(base)
            for i, row in enumerate(post.values.to_dict("records")):
                try:
                    start = {k: v for k, v in spec.start_values(row).items()
                             if k not in fixed}
                    validate({**start, **get_scenario(sc).overrides, **base})
                except InputError as exc:
                    self.fail("posterior", f"row {i} of {spec.posterior!r} does not fit "
                              f"scenario {sc!r}: {exc}")

    def analysis(self, table: Any, design: Design) -> Analysis:
        if not isinstance(table, dict):
            self.fail("analysis", "must be a table: [analysis] with discovery = {...}")
        self.known(table, ANALYSIS, "analysis")
        sec = "analysis"
        disc = table.get("discovery")
        return Analysis(None if disc is None else self.discovery(disc, design),
                        self.boolean("analysis.metamodel", table.get("metamodel", True), sec),
                        self.boolean("analysis.interactions", table.get("interactions", True),
                                     sec))

    def discovery(self, disc: Any, design: Design) -> Discovery:
        sec, name = "analysis", "analysis.discovery"
        if not isinstance(disc, dict):
            self.fail(name, f"got {disc!r}, but it must be a table "
                      "{ measure = NAME, threshold = X }", section=sec, key="discovery")
        unknown = set(disc) - {"measure", "threshold", "quantile", "above"}
        if unknown:
            self.fail(name, f"has unknown keys {sorted(unknown)}; allowed: measure, "
                      "threshold, quantile, above", section=sec, key="discovery")
        if design.type != "lhs":
            self.fail(name, f"needs an LHS design ([design] type = \"lhs\"), not "
                      f"{design.type!r}: PRIM looks for boxes in a space-filling sample",
                      section=sec, key="discovery")
        m = self.measures(name, [disc.get("measure")], sec)[0]
        if ("threshold" in disc) == ("quantile" in disc):
            self.fail(name, "needs exactly one of threshold = X (a fixed value of the "
                      "measure) or quantile = q (the q-quantile of the design points, e.g. "
                      "0.5 for the median)", section=sec, key="discovery")
        thr = quant = None
        if "threshold" in disc:
            thr = self.number(f"{name}.threshold", disc["threshold"], sec,
                              what="a finite number", key="discovery")
        else:
            quant = self.number(f"{name}.quantile", disc["quantile"], sec, 0.05, 0.95,
                                "a number from 0.05 to 0.95", key="discovery")
        above = self.boolean(name, disc.get("above", True), sec)
        return Discovery(m, thr, above, quant)

    def precision(self, table: Any, measures: tuple[str, ...],
                  replicates: int) -> Precision | None:
        if table is None:
            return None
        if not isinstance(table, dict):
            self.fail("precision", "must be a table: [precision] with target = ...")
        self.known(table, PRECISION, "precision")
        sec = "precision"
        target = self.number("precision.target", table.get("target"), sec,
                             what="a finite number > 0")
        if target <= 0:
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
