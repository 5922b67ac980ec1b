"""Measures as surveys ask them: residents (people, 18+), over the last 26 or 52 weeks.

Surveys report period prevalences ("did you take part in the last six months?") of people,
not the share of households doing something in a given week; the two differ by a factor of
two or more for occasional acts (issue 18). These measures count residents, say who did an
act at least once in a window, split by age band and life situation where surveys do, and
keep reporting one's own problem (service use) apart from civic participation. They come
after the core's measures in every table (the composition root puts them there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from model.measures import MeasureList
from model.ports import Model

PEOPLE = MeasureList()
measure = PEOPLE.measure

BANDS = (("18_34", 0, "18-34"), ("35_59", 1, "35-59"), ("60_plus", 2, "60+"))
SITUATIONS = (("working", 0), ("retired", 1), ("caring", 2), ("student", 3))
ACTS = (("speak", "spoke up on community affairs (rung >= 1)"),
        ("activity", "took part in an organised activity or held a role (rung >= 2)"),
        ("role", "held a self-governance role (rung 3)"))
HALF_YEAR, YEAR = 26, 52
# "Most neighbours can be trusted": the top two of a five-point scale mapped onto [0, 1]
# (1 -> 0, ..., 5 -> 1) begin at 3.5, i.e. 0.625.
TRUSTING = 0.625


def _share(mask: np.ndarray) -> float:
    """`float(mask.mean())` of a boolean mask, without converting it to floats (a sum of
    ones is exact, so the quotient is the same number)."""
    return np.count_nonzero(mask) / len(mask)


def _memo(m: Model, key: tuple, compute: Callable[[], Any]) -> Any:
    """This step's value of `key`, computed once however many measures read it (the cache
    is the model's `measure_cache`, rebuilt every step)."""
    cache = m.measure_cache
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _done(m: Model, act: str, weeks: int) -> np.ndarray:
    return _memo(m, ("done", act, weeks),
                 lambda: m.population.done.within(act, m.clock, weeks))


def _group_share(m: Model, ok: np.ndarray, by: str, g: int) -> float:
    """Share of `ok` among residents whose `by` (band, situation) is g; 0 for none.

    Each group's mask is built once per step; the count over the count is what
    `ok[mask].mean()` computes (a sum of ones is exact)."""
    mine = _memo(m, (by, g), lambda: getattr(m.population, by) == g)
    total = _memo(m, (by, g, "count"), lambda: np.count_nonzero(mine))
    return np.count_nonzero(ok & mine) / total if total else 0.0


def _within(act: str, weeks: int, by: str | None = None,
            g: int = 0) -> Callable[[Model], float]:
    def fn(m: Model) -> float:
        done = _done(m, act, weeks)
        if by is None:
            return _share(done)
        return _group_share(m, done, by, g)
    return fn


for _act, _what in ACTS:
    for _weeks in (HALF_YEAR, YEAR):
        PEOPLE.add(f"{_act}_{_weeks}w", f"share of residents who {_what} at least once in the "
                   f"last {_weeks} weeks (a survey's period prevalence)", "share",
                   _within(_act, _weeks))
for _label, _b, _ages in BANDS:
    PEOPLE.add(f"speak_52w_{_label}", f"speak_52w among residents aged {_ages}", "share",
               _within("speak", YEAR, "band", _b))
    PEOPLE.add(f"activity_26w_{_label}", f"activity_26w among residents aged {_ages}", "share",
               _within("activity", HALF_YEAR, "band", _b))
for _label, _s in SITUATIONS:
    PEOPLE.add(f"activity_26w_{_label}", f"activity_26w among residents who are {_label}",
               "share", _within("activity", HALF_YEAR, "situation", _s))


@measure("households_reported_52w", "share of households that reported at least one problem "
         "of their own in the last 52 weeks (service use)", "share")
def households_reported_52w(m: Model) -> float:
    return _share(m.population.reported.within("report", m.clock, YEAR))


@measure("reports_per_resident_year", "problems reported this week per resident, times 52 "
         "(service demand, as hotline volumes per resident)", "reports/resident/year")
def reports_per_resident_year(m: Model) -> float:
    return float(m.tally["issues_reported"] * YEAR / m.population.n)


@measure("civic_share_of_engagement", "of the residents who did anything in the last 52 weeks "
         "(spoke up, took part, or live in a household that reported a problem), the share "
         "who spoke up or took part: civic participation rather than service use", "share")
def civic_share_of_engagement(m: Model) -> float:
    pop = m.population
    civic = _done(m, "speak", YEAR)
    reported = pop.reported.within("report", m.clock, YEAR)[pop.home]
    engaged = np.count_nonzero(civic | reported)
    return np.count_nonzero(civic) / engaged if engaged else 0.0  # civic implies engaged


@measure("trusting_neighbours", "share of residents whose trust in neighbours is in the top "
         "two steps of a five-point scale (>= 0.625): 'most neighbours can be trusted'",
         "share")
def trusting_neighbours(m: Model) -> float:
    return _share(m.population.trust_nbr >= TRUSTING)


def _share_where(array: str, low: float, high: float) -> Callable[[Model], float]:
    """Share of residents whose `array` lies in [low, high): a survey's answer categories."""
    def fn(m: Model) -> float:
        v = getattr(m.population, array)
        return _share((v >= low) & (v < high))
    return fn


# Surveys ask for categories, not means. On a four-point scale mapped onto [0, 1]
# (1 -> 0, ..., 4 -> 1) the top two answers begin at 0.5; on a five-point scale the bottom two
# end below 0.375 (halfway between 2 -> 0.25 and 3 -> 0.5).
PEOPLE.add("satisfied_share", "share of residents whose satisfaction with community services "
           "is in the upper half (>= 0.5): 'fairly or very satisfied' on a four-point scale",
           "share", _share_where("satisfaction", 0.5, np.inf))
PEOPLE.add("dissatisfied_share", "share of residents whose satisfaction with community "
           "services is below 0.375: the bottom two steps of a five-point scale", "share",
           _share_where("satisfaction", -np.inf, 0.375))
PEOPLE.add("trusting_government", "share of residents whose trust in government is in the "
           "upper half (>= 0.5): 'trust' or 'trust completely' on a four-point scale", "share",
           _share_where("trust_gov", 0.5, np.inf))


def _contact(at_least: int | None, at_most: int | None,
             band: int | None = None) -> Callable[[Model], float]:
    def compute(m: Model) -> np.ndarray:
        total = m.population.contacts.total
        ok = np.ones(len(total), dtype=bool)
        if at_least is not None:
            ok &= total >= at_least
        if at_most is not None:
            ok &= total <= at_most
        return ok

    def fn(m: Model) -> float:
        key = ("contact", at_least, at_most)
        ok = _memo(m, key, lambda: compute(m))
        if band is not None:
            return _group_share(m, ok, "band", band)
        return _share(ok)
    return fn


PEOPLE.add("neighbour_contact_weekly", "share of residents with 52 or more contacts with "
           "neighbours (chatting, visiting, small help) in the last 52 weeks: 'at least "
           "weekly'", "share", _contact(YEAR, None))
PEOPLE.add("neighbour_contact_never", "share of residents with at most one contact with "
           "neighbours in the last 52 weeks: 'almost never'", "share", _contact(None, 1))
for _label, _b, _ages in BANDS:
    PEOPLE.add(f"neighbour_contact_weekly_{_label}", f"neighbour_contact_weekly among "
               f"residents aged {_ages}", "share", _contact(YEAR, None, _b))
    PEOPLE.add(f"neighbour_contact_never_{_label}", f"neighbour_contact_never among residents "
               f"aged {_ages}", "share", _contact(None, 1, _b))


def _turnout(key: str) -> Callable[[Model], float]:
    return lambda m: m.population.last_election.get(key, float("nan"))


for _key, _what in (
        ("official", "ballots cast, in person or by a household member or proxy, per "
                     "registered resident"),
        ("personal", "residents who voted themselves (what surveys ask)"),
        ("personal_18_34", "residents aged 18-34 who voted themselves"),
        ("personal_35_59", "residents aged 35-59 who voted themselves"),
        ("personal_60_plus", "residents aged 60+ who voted themselves"),
        ("personal_party", "Party members who voted themselves"),
        ("personal_nonparty", "residents who are not Party members and voted themselves")):
    PEOPLE.add(f"turnout_{_key}", f"last residents'-committee election: {_what} (NaN before "
               "the first election)", "share", _turnout(_key))
