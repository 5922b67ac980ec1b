"""Every per-step measure: one function each, registered under its column name.

The registry's order is the column order of `DataCollector` tables, CSV and Parquet files.
Actors added later register their own measures with `@measure(...)` in their modules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.governance import GovernanceModel


@dataclass(frozen=True)
class Measure:
    name: str
    meaning: str
    unit: str
    fn: Callable[[GovernanceModel], float]


MEASURES: dict[str, Measure] = {}


def measure(name: str, meaning: str, unit: str = "") -> Callable:
    """Register a measure function under its column name."""

    def wrap(fn: Callable[[GovernanceModel], float]) -> Callable[[GovernanceModel], float]:
        if name in MEASURES:
            raise ValueError(f"measure {name!r} registered twice")
        MEASURES[name] = Measure(name, meaning, unit, fn)
        return fn

    return wrap


class Tally(defaultdict):
    """Counts of what happened during the current step (reset at its start)."""

    def __init__(self) -> None:
        super().__init__(float)


def compute(model: GovernanceModel) -> dict[str, float]:
    """All measures for the model's current state, in registry order."""
    counts = model.population.level_counts()  # read by several measures
    model.measure_cache = {"counts": counts, "shares": counts / model.population.n}
    return {name: float(m.fn(model)) for name, m in MEASURES.items()}


def _share(rung: int) -> Callable[[GovernanceModel], float]:
    return lambda m: m.measure_cache["shares"][rung]


for _rung, _name, _what in ((0, "share_inactive", "inactive"), (1, "share_voice", "voice"),
                            (2, "share_guided", "guided participation"),
                            (3, "share_self_governing", "self-governance")):
    measure(_name, f"share of households whose highest rung is {_what}", "share")(_share(_rung))


@measure("participation_rate", "share of households on rung >= 1", "share")
def participation_rate(m: GovernanceModel) -> float:
    return float(m.measure_cache["counts"][1:].sum() / m.population.n)


def _mean_of(array: str) -> Callable[[GovernanceModel], float]:
    return lambda m: float(getattr(m.population, array).mean())


for _name, _array, _what in (
        ("trust_government", "trust_gov", "mean trust in government"),
        ("trust_neighbors", "trust_nbr", "mean trust in neighbours"),
        ("satisfaction", "satisfaction", "mean satisfaction with community services"),
        ("efficacy", "efficacy", "mean sense of efficacy"),
        ("civic_consciousness", "civic", "mean civic consciousness (C4)")):
    measure(_name, _what, "0-1")(_mean_of(_array))


def tally_measure(name: str, meaning: str, unit: str, key: str | None = None) -> None:
    """Register a measure that reports one of this step's tally counters (default: `name`)."""
    key = name if key is None else key
    measure(name, meaning, unit)(lambda m: m.tally[key])


for _key, _what in (
    ("issues_raised", "issues raised by households this step"),
    ("issues_voiced", "issues voiced by households this step"),
    ("issues_detected", "unvoiced issues found by patrol or chance this step"),
    ("issues_resolved", "issues resolved this step"),
    ("issues_abandoned", "issues given up after issue_patience steps this step"),
    ("issues_lost", "issues lost between handlers this step"),
    ("issues_misrouted", "issues bounced by misrouting this step"),
    ("issues_escalated", "escalations this step"),
):
    tally_measure(_key, _what, "issues/step")


@measure("issues_pending", "open issues at the end of the step", "issues")
def issues_pending(m: GovernanceModel) -> float:
    return float(len(m.issues))


@measure("mean_resolution_time", "mean steps from raising to resolution, issues resolved "
         "this step", "steps")
def mean_resolution_time(m: GovernanceModel) -> float:
    n = m.tally["issues_resolved"]
    return m.tally["resolution_time_sum"] / n if n else 0.0


@measure("resolution_rate", "resolved / (resolved + abandoned + lost) this step", "share")
def resolution_rate(m: GovernanceModel) -> float:
    t = m.tally
    closed = t["issues_resolved"] + t["issues_abandoned"] + t["issues_lost"]
    return t["issues_resolved"] / closed if closed else 0.0


for _stage, _what in (("self", "self-governing households"),
                      ("building", "building committees"),
                      ("grid", "grid workers"),
                      ("rc", "the residents' committee"),
                      ("government", "the street office / government"),
                      ("org", "social organisations"),
                      ("enterprise", "the enterprise consultation platform")):
    tally_measure(f"resolved_by_{_stage}", f"issues resolved by {_what} this step",
                  "issues/step")


@measure("share_resolved_below_government", "share of this step's resolutions made below "
         "government", "share")
def share_resolved_below_government(m: GovernanceModel) -> float:
    n = m.tally["issues_resolved"]
    return (n - m.tally["resolved_by_government"]) / n if n else 0.0


@measure("gov_admin_cost", "public cost this step: handling by grid workers, committee and "
         "government, escalations and bounces, plus grants and contracts", "cost units/step")
def gov_admin_cost(m: GovernanceModel) -> float:
    return m.tally["public_cost"] + m.government.spent


@measure("cost_per_resolved_issue", "all handling cost this step (public and social) per "
         "issue resolved", "cost units/issue")
def cost_per_resolved_issue(m: GovernanceModel) -> float:
    n = m.tally["issues_resolved"]
    return (m.tally["total_cost"] + m.government.spent) / n if n else 0.0


def _offered(kind: str) -> Callable[[GovernanceModel], float]:
    return lambda m: sum(m.population.offers.offered(kind).values())


measure("places_offered", "places at activities offered this week (committee, Party branches, "
        "building meetings, organisations, funded projects)", "places")(_offered("places"))
measure("roles_offered", "self-governance roles offered this week (seats, duties, council "
        "seats, volunteer and organiser roles)", "roles")(_offered("roles"))


@measure("households_moved_in", "households that moved out this week and were replaced by "
         "newcomers", "households/week")
def households_moved_in(m: GovernanceModel) -> float:
    return float(m.population.moved_out)


@measure("moves_per_year", "households moving out this week, as a share of households per "
         "year (x 52)", "share/year")
def moves_per_year(m: GovernanceModel) -> float:
    return float(m.population.moved_out / m.population.n * 52)


measure("fatigue", "mean fatigue of households", "0-1")(
    lambda m: float(m.population.fatigue.mean()))


@measure("social_cost", "non-public handling cost this week (volunteers, fees, mediation)",
         "cost units/step")
def social_cost(m: GovernanceModel) -> float:
    return m.tally["social_cost"]


@measure("coordination", "how well handlers coordinate (raised by Party work meetings)", "0-1")
def coordination(m: GovernanceModel) -> float:
    return float(m.coordination)


tally_measure("disputes_raised", "neighbour and enterprise disputes raised this step",
              "disputes/step")
tally_measure("disputes_mediated", "disputes settled below government (by consultation) this "
              "step", "disputes/step")


def assert_valid(values: dict[str, float]) -> None:
    """Raise if a measure is NaN or infinite (used by tests and the runner)."""
    bad = {k: v for k, v in values.items() if not np.isfinite(v)}
    if bad:
        raise ValueError(f"non-finite measures: {bad}")
