"""The core's per-step measures: the ladder, attitudes, the service loop, costs, offers.

Each is declared once, in order, on a `MeasureList`; the composition root puts the core's,
then each actor's, then the capacities (model/capacities.py) into the one registry whose
order is the column order of `DataCollector` tables, CSV and Parquet files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.ports import Model


@dataclass(frozen=True)
class Measure:
    """One column: its meaning and unit, and how it is read.

    `fn` reads it from its subject (the model, for the core's measures; the actor's face,
    for an actor's); a tally measure reads this week's count `tally` instead.
    """

    name: str
    meaning: str
    unit: str
    fn: Callable[[Any], float] | None = None
    tally: str | None = None
    actor: str = ""  # the actor that declared it ("" for the core), set when assembled


class MeasureList:
    """Measures in the order a module declares them."""

    def __init__(self) -> None:
        self.items: list[Measure] = []

    def __iter__(self) -> Iterator[Measure]:
        return iter(self.items)

    def measure(self, name: str, meaning: str, unit: str = "") -> Callable:
        """Declare the decorated function as the measure `name`."""

        def wrap(fn: Callable[[Any], float]) -> Callable[[Any], float]:
            self.add(name, meaning, unit, fn)
            return fn

        return wrap

    def add(self, name: str, meaning: str, unit: str, fn: Callable[[Any], float]) -> None:
        self.items.append(Measure(name, meaning, unit, fn))

    def tally(self, name: str, meaning: str, unit: str, key: str | None = None) -> None:
        """A measure that reports one of this step's tally counters (default: `name`)."""
        self.items.append(Measure(name, meaning, unit, tally=name if key is None else key))


CORE = MeasureList()
measure = CORE.measure
tally_measure = CORE.tally


def level_cache(model: Model) -> dict[str, np.ndarray]:
    """Residents on each rung and their shares: read by several measures."""
    counts = model.population.level_counts()
    return {"counts": counts, "shares": counts / model.population.n}


def _share(rung: int) -> Callable[[Model], float]:
    return lambda m: m.measure_cache["shares"][rung]


for _rung, _name, _what in ((0, "share_inactive", "not active"),
                            (1, "share_speaking", "speaking up on community affairs"),
                            (2, "share_guided", "guided participation"),
                            (3, "share_self_governing", "self-governance")):
    CORE.add(_name, f"share of residents (18+) whose highest rung this week is {_what}",
             "share", _share(_rung))


@measure("participation_rate", "share of residents on rung >= 1 this week (speaking up, "
         "taking part or holding a role)", "share")
def participation_rate(m: Model) -> float:
    return float(m.measure_cache["counts"][1:].sum() / m.population.n)


@measure("organised_participation", "share of residents on rung >= 2 this week (in an "
         "activity or holding a role)", "share")
def organised_participation(m: Model) -> float:
    return float(m.measure_cache["counts"][2:].sum() / m.population.n)


def _mean_of(array: str) -> Callable[[Model], float]:
    return lambda m: float(getattr(m.population, array).mean())


for _name, _array, _what in (
        ("trust_government", "trust_gov", "mean trust in government"),
        ("trust_neighbors", "trust_nbr", "mean trust in neighbours"),
        ("satisfaction", "satisfaction", "mean satisfaction with community services"),
        ("efficacy", "efficacy", "mean sense that speaking up or reporting gets answered"),
        ("civic_consciousness", "civic", "mean civic consciousness (C4)")):
    measure(_name, _what + " of residents", "0-1")(_mean_of(_array))


for _key, _what in (
    ("issues_raised", "issues raised by households this step"),
    ("issues_reported", "problems reported by households this step (service use)"),
    ("issues_detected", "unreported problems found by patrol or chance this step"),
    ("issues_resolved", "issues resolved this step"),
    ("issues_abandoned", "issues given up after issue_patience steps this step"),
    ("issues_lost", "issues lost between handlers this step"),
    ("issues_misrouted", "issues bounced by misrouting this step"),
    ("issues_escalated", "escalations this step"),
):
    tally_measure(_key, _what, "issues/step")


@measure("issues_pending", "open issues at the end of the step", "issues")
def issues_pending(m: Model) -> float:
    return float(len(m.issues))


@measure("mean_resolution_time", "mean steps from raising to resolution, issues resolved "
         "this step", "steps")
def mean_resolution_time(m: Model) -> float:
    n = m.tally["issues_resolved"]
    return m.tally["resolution_time_sum"] / n if n else 0.0


@measure("resolution_rate", "resolved / (resolved + abandoned + lost) this step", "share")
def resolution_rate(m: Model) -> float:
    t = m.tally
    closed = t["issues_resolved"] + t["issues_abandoned"] + t["issues_lost"]
    return t["issues_resolved"] / closed if closed else 0.0


for _stage, _what in (("self", "households with a self-governing resident"),
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
def share_resolved_below_government(m: Model) -> float:
    n = m.tally["issues_resolved"]
    return (n - m.tally["resolved_by_government"]) / n if n else 0.0


@measure("gov_admin_cost", "public cost this step: handling by grid workers, committee and "
         "government, escalations and bounces, plus grants and contracts", "cost units/step")
def gov_admin_cost(m: Model) -> float:
    return m.tally["public_cost"] + m.tally["public_payments"]


@measure("cost_per_resolved_issue", "all handling cost this step (public and social) per "
         "issue resolved", "cost units/issue")
def cost_per_resolved_issue(m: Model) -> float:
    n = m.tally["issues_resolved"]
    return (m.tally["total_cost"] + m.tally["public_payments"]) / n if n else 0.0


def _offered(kind: str) -> Callable[[Model], float]:
    return lambda m: sum(m.population.offers.offered(kind).values())


measure("places_offered", "places at activities offered this week (committee, Party branches, "
        "building meetings, organisations, funded projects)", "places")(_offered("places"))
measure("roles_offered", "self-governance roles offered this week (seats, duties, council "
        "seats, volunteer and organiser roles)", "roles")(_offered("roles"))


@measure("households_moved_in", "households that moved out this week and were replaced by "
         "newcomers", "households/week")
def households_moved_in(m: Model) -> float:
    return float(m.population.moved_out)


@measure("moves_per_year", "households moving out this week, as a share of households per "
         "year (x 52)", "share/year")
def moves_per_year(m: Model) -> float:
    return float(m.population.moved_out / m.population.households * 52)


tally_measure("suggestions_made", "suggestions on community affairs made by residents this "
              "week (rung >= 1)", "suggestions/step")
tally_measure("suggestions_answered", "suggestions answered this week (committee, platform)",
              "suggestions/step")


@measure("suggestion_share", "suggestions as a share of all contacts this week (suggestions "
         "and reported problems): the mix of a committee's or hotline's in-tray", "share")
def suggestion_share(m: Model) -> float:
    made = m.tally["suggestions_made"]
    total = made + m.tally["issues_reported"]
    return made / total if total else 0.0


measure("fatigue", "mean fatigue of residents", "0-1")(
    lambda m: float(m.population.fatigue.mean()))


@measure("social_cost", "non-public handling cost this week (volunteers, fees, mediation)",
         "cost units/step")
def social_cost(m: Model) -> float:
    return m.tally["social_cost"]


@measure("coordination", "how well handlers coordinate (raised by Party work meetings)", "0-1")
def coordination(m: Model) -> float:
    return float(m.coordination)


tally_measure("disputes_raised", "neighbour and enterprise disputes raised this step",
              "disputes/step")
tally_measure("disputes_mediated", "disputes settled below government (by consultation) this "
              "step", "disputes/step")


def assert_valid(values: dict[str, float]) -> None:
    """Raise if a measure is NaN or infinite (used by tests and the runner); an election's
    turnout is NaN where it has no one to count (before the first election, or a group with
    no members)."""
    bad = {k: v for k, v in values.items()
           if not np.isfinite(v) and not (k.startswith("turnout_") and np.isnan(v))}
    if bad:
        raise ValueError(f"non-finite measures: {bad}")
