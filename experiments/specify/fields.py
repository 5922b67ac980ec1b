"""The fields an experiment spec may hold, each with what it means and what is allowed.

One table per section, read by the checker (an unknown field is refused with the whole
table in the message) and by `experiments.spec_doc`, which writes them into
docs/EXPERIMENTS.md, so the checker, its error messages and the documentation never
disagree.
"""

from __future__ import annotations

DESIGN_TYPES = ("scenarios", "factorial", "lhs", "sobol", "morris")
SAMPLED = ("lhs", "sobol", "morris")
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

TOP = {
    "name": "experiment name (letters, digits, '-', '_'); names the output folder",
    "description": "free text shown in the report",
    "question": "the question the experiment answers, in words (shown in the report)",
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
    "params": "TOML file with a [params] table (e.g. a calibration's calibrated.toml): values "
              "every run starts from; a scenario, [overrides] or the design setting the same "
              "parameter wins (also `run.py experiment --params FILE`)",
    "community": "community profile TOML (docs/COMMUNITIES.md): its figures set the "
                 "community's parameters in every run, over `params` (scaled from its values "
                 "and a posterior's draw); a scenario, [overrides] or the design setting the "
                 "same parameter wins (also `run.py experiment --community FILE`)",
    "phases": "table mechanism = start step: the mechanism is switched on at that step",
    "design": "table: type = scenarios | factorial | lhs | sobol | morris, and its settings",
    "precision": "table: target, relative, max_replicates, batch, measures",
    "posterior": "Parquet file of calibrated particles (one column per parameter, `weight`); "
                 "each replicate draws one, shared by every scenario and design point",
    "analysis": "table: discovery = { measure, threshold or quantile, above }, metamodel "
                "(true/false), interactions (true/false)",
}
ANALYSIS = {
    "discovery": "PRIM scenario discovery over an LHS design: { measure = NAME, threshold = "
                 "X, above = true } marks design points whose replicate-mean measure is >= X "
                 "(< X when above = false); quantile = q instead of threshold puts X at the "
                 "q-quantile of each scenario's points (0.5: the median splits them in half)",
    "metamodel": "fit a regression metamodel (statsmodels OLS) to factorial/LHS designs "
                 "(default true)",
    "interactions": "include two-way interactions in the metamodel (default true)",
}
DESIGN = {
    "type": "one of " + ", ".join(DESIGN_TYPES),
    "factors": "factorial: table name = [values...]",
    "ranges": "lhs/sobol/morris: table name = [low, high]",
    "samples": "lhs: points; sobol: base sample N (power of 2); morris: trajectories",
    "levels": "morris: grid levels (even, >= 2)",
    "second_order": "sobol: also estimate second-order indices (true/false)",
}
PRECISION = {
    "target": "largest allowed 95% CI half-width (> 0)",
    "relative": "if true, target is a share of the mean (Hoad et al. 2010)",
    "max_replicates": "stop adding replicates here",
    "batch": "replicates added per round (default 2)",
    "measures": "measures whose CIs must meet the target (default: all reported)",
}
