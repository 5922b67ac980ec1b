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


def _within(act: str, weeks: int, who: Callable | None = None) -> Callable[[Model], float]:
    def fn(m: Model) -> float:
        done = m.population.done.within(act, m.clock, weeks)
        if who is None:
            return float(done.mean())
        mask = who(m.population)
        return float(done[mask].mean()) if mask.any() else 0.0
    return fn


for _act, _what in ACTS:
    for _weeks in (HALF_YEAR, YEAR):
        PEOPLE.add(f"{_act}_{_weeks}w", f"share of residents who {_what} at least once in the "
                   f"last {_weeks} weeks (a survey's period prevalence)", "share",
                   _within(_act, _weeks))
for _label, _b, _ages in BANDS:
    PEOPLE.add(f"speak_52w_{_label}", f"speak_52w among residents aged {_ages}", "share",
               _within("speak", YEAR, lambda pop, b=_b: pop.band == b))
    PEOPLE.add(f"activity_26w_{_label}", f"activity_26w among residents aged {_ages}", "share",
               _within("activity", HALF_YEAR, lambda pop, b=_b: pop.band == b))
for _label, _s in SITUATIONS:
    PEOPLE.add(f"activity_26w_{_label}", f"activity_26w among residents who are {_label}",
               "share", _within("activity", HALF_YEAR, lambda pop, s=_s: pop.situation == s))


@measure("households_reported_52w", "share of households that reported at least one problem "
         "of their own in the last 52 weeks (service use)", "share")
def households_reported_52w(m: Model) -> float:
    return float(m.population.reported.within("report", m.clock, YEAR).mean())


@measure("reports_per_resident_year", "problems reported this week per resident, times 52 "
         "(service demand, as hotline volumes per resident)", "reports/resident/year")
def reports_per_resident_year(m: Model) -> float:
    return float(m.tally["issues_reported"] * YEAR / m.population.n)


@measure("civic_share_of_engagement", "of the residents who did anything in the last 52 weeks "
         "(spoke up, took part, or live in a household that reported a problem), the share "
         "who spoke up or took part: civic participation rather than service use", "share")
def civic_share_of_engagement(m: Model) -> float:
    pop = m.population
    civic = pop.done.within("speak", m.clock, YEAR)
    reported = pop.reported.within("report", m.clock, YEAR)[pop.home]
    engaged = civic | reported
    return float(civic[engaged].mean()) if engaged.any() else 0.0


@measure("trusting_neighbours", "share of residents whose trust in neighbours is in the top "
         "two steps of a five-point scale (>= 0.625): 'most neighbours can be trusted'",
         "share")
def trusting_neighbours(m: Model) -> float:
    return float((m.population.trust_nbr >= TRUSTING).mean())


def _share_where(array: str, low: float, high: float) -> Callable[[Model], float]:
    """Share of residents whose `array` lies in [low, high): a survey's answer categories."""
    def fn(m: Model) -> float:
        v = getattr(m.population, array)
        return float(((v >= low) & (v < high)).mean())
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
    def fn(m: Model) -> float:
        total = m.population.contacts.total
        ok = np.ones(len(total), dtype=bool)
        if at_least is not None:
            ok &= total >= at_least
        if at_most is not None:
            ok &= total <= at_most
        if band is not None:
            mine = m.population.band == band
            return float(ok[mine].mean()) if mine.any() else 0.0
        return float(ok.mean())
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
