"""Explain one resident's decision (every term of their rung utilities and their odds), and
one household: who lives there and what became of its problems.

The terms are computed from the same arrays and parameters as the vectorised rule
(`Population.rung_utilities`, `choice_probabilities`), in float64; a test checks that they
add up to the rule's own utilities. The demo and the CLI show them; nothing in the model
reads them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from model.decision import RUNGS
from model.issues import KINDS, STAGES
from model.ports import Model

_COST = ("cost_speak", "cost_guided", "cost_self")
SITUATIONS = ("working", "retired", "caring for family", "student")
BANDS = ("18-34", "35-59", "60+")


def rung_terms(m: Model, i: int) -> list[tuple[str, list[float]]]:
    """(term, [value on rung 1, 2, 3]) for resident i as they would decide now."""
    p, pop = m.p, m.population
    free = float(pop.free_hours()[i])
    shares = pop.scope_shares(np.array([i]))
    social = [float(shares[r][0]) for r in RUNGS]
    known = float(pop.familiarity()[i])
    both = [0.0, 1.0, 1.0]  # terms that only rungs 2 and 3 carry

    def same(x: float) -> list[float]:
        return [x, x, x]

    time = []
    total = pop.hours_needed()
    for r in RUNGS:
        need = float(pop.rung_hours[r])
        if total[r] > 0 and free < total[r]:
            time.append(-math.inf)
        elif need <= 0:
            time.append(0.0)
        else:
            time.append(-p.time_weight * need / free)
    return [
        ("neighbours already on the rung", [p.social_weight * known * s for s in social]),
        ("trust in government", same(p.trust_weight * float(pop.trust_gov[i]))),
        ("efficacy", same(p.efficacy_weight * float(pop.efficacy[i]))),
        ("civic consciousness", same(p.civic_weight * float(pop.civic[i]))),
        ("fatigue", same(-p.fatigue_weight * float(pop.fatigue[i]))),
        ("personal cost", same(-float(pop.cost_shift[i]))),
        ("local problems to speak up about",
         [p.affairs_weight * float(pop.local_problems()[i]), 0.0, 0.0]),
        ("cost of the rung", [-getattr(p, c) for c in _COST]),
        ("invited to take part", [0.0, p.invitation_saving * p.cost_guided
                                  * float(pop.invited[i]), 0.0]),
        ("share of free hours", time),
        ("trust in neighbours", [b * p.neighbor_trust_weight * float(pop.trust_nbr[i])
                                 for b in both]),
        ("Party member's duty", [b * p.party_duty * float(pop.party[i]) for b in both]),
    ]


def odds(utility: list[float], rung: int, rate: float) -> tuple[float, float]:
    """P(climb), P(fall) of a resident on `rung` (the rule of Population.decide)."""
    table = [math.inf, *utility, -math.inf]
    if table[rung] == -math.inf:
        return 0.0, 1.0  # its own rung is out of reach this week: it must step down
    up, down = table[rung + 1], -table[rung]
    top = max(up, down, 0.0)
    e_up, e_down, e_stay = (math.exp(x - top) if x > -math.inf else 0.0
                            for x in (up, down, 0.0))
    total = e_up + e_down + e_stay
    return rate * e_up / total, rate * e_down / total


def explain_resident(m: Model, i: int) -> dict[str, Any]:
    """State, decision terms, odds and constraints of resident i."""
    pop = m.population
    if not 0 <= i < pop.n:
        raise IndexError(f"resident {i} does not exist (0..{pop.n - 1})")
    terms = rung_terms(m, i)
    utility = [sum(values[k] for _, values in terms) for k in range(3)]
    rung = int(pop.level[i])
    p_climb, p_fall = odds(utility, rung, m.p.adjustment_rate)
    o = pop.offers
    place = int(o.place_of[i])
    role = int(o.role_of[i])
    h = int(pop.home[i])
    return {
        "resident": i,
        "household": h,
        "age band": BANDS[int(pop.band[i])],
        "situation": SITUATIONS[int(pop.situation[i])],
        "rung": rung,
        "state": {
            "trust in government": float(pop.trust_gov[i]),
            "trust in neighbours": float(pop.trust_nbr[i]),
            "efficacy": float(pop.efficacy[i]),
            "satisfaction": float(pop.satisfaction[i]),
            "civic consciousness": float(pop.civic[i]),
            "fatigue": float(pop.fatigue[i]),
            "invited": float(pop.invited[i]),
            "own free hours a week": float(pop.hours[i]),
            "free hours this week": float(pop.free_hours()[i]),
            "Party member": float(pop.party[i]),
            "weeks since moving in": float(pop.tenure[h]),
            "contacts with neighbours, last 52 weeks": float(pop.contacts.total[i]),
            "knows what neighbours do": float(pop.familiarity()[i]),
        },
        "terms": terms,
        "utility": utility,
        "p_climb": p_climb,
        "p_fall": p_fall,
        "p_stay": 1.0 - p_climb - p_fall,
        "last_move": int(pop.last_move[i]),
        "constraints": {
            "hours needed (speak up, guided, self)": [float(pop.hours_needed()[r])
                                                      for r in RUNGS],
            "place held": o.places[place].name if 0 <= place < len(o.places) else "",
            "role held": o.roles[role].name if 0 <= role < len(o.roles) else "",
        },
    }


def explain_household(m: Model, h: int) -> dict[str, Any]:
    """Household h: who lives there, its problems, and its most engaged resident's decision.

    The top-level keys are those of `explain_resident` for the resident on the highest rung
    (the lowest id on ties), so a panel can show one decision; `residents` lists all.
    """
    pop = m.population
    if not 0 <= h < pop.households:
        raise IndexError(f"household {h} does not exist (0..{pop.households - 1})")
    members = pop.residents_of(np.array([h]))
    lead = int(members[np.argmax(pop.level[members])])
    book = m.issues
    mine = np.flatnonzero(book.household == h)
    issues = [{
        "kind": KINDS[int(book.kind[j])], "stage": STAGES[int(book.stage[j])],
        "age": int(m.clock - book.created[j]), "known": bool(book.known[j]),
        "reported": bool(book.reported[j]),
        "status": "being settled" if book.done_at[j] >= 0 else
                  ("waiting" if book.known[j] else "nobody knows"),
    } for j in mine.tolist()]
    out = explain_resident(m, lead)
    out.update({
        "persons": int(pop.layout.persons[h]),
        "children": int(pop.layout.persons[h] - pop.adults[h]),
        "residents": [{"resident": int(r), "age band": BANDS[int(pop.band[r])],
                       "situation": SITUATIONS[int(pop.situation[r])],
                       "rung": int(pop.level[r]), "Party member": bool(pop.party[r])}
                      for r in members.tolist()],
        "issues": issues,
    })
    return out
