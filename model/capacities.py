"""The community's four governance capacities (article C1), computed from what happens.

None of them is a parameter or a state anyone sets: each is a share of observed events or
of households, so a capacity can only grow when the actors actually cooperate.
"""

from __future__ import annotations

import numpy as np

from model.measures import MeasureList
from model.ports import Model

# A household counts as reached if it was in touch with governance within this many steps
# (a quarter of a year of weeks).
REACH_WINDOW = 13
# Actors outside the administrative line whose work counts as cooperation (C1(d)).
PARTNERS = ("resolved_by_building", "resolved_by_org", "resolved_by_enterprise")

# Listed after every actor's measures: they sum up what all of them did.
CAPACITIES = MeasureList()
measure = CAPACITIES.measure


@measure("capacity_publicity", "C1(a): share of residents in touch with governance in the "
         f"last {REACH_WINDOW} steps (their household's issue heard or answered, or taking "
         "part in activities)", "share")
def capacity_publicity(m: Model) -> float:
    pop = m.population
    reached = (pop.last_contact >= m.clock - REACH_WINDOW)[pop.home]
    reached |= pop.level >= 2
    return float(np.count_nonzero(reached) / pop.n)


@measure("capacity_negotiation", "C1(b): share of disputes closed this step that were settled "
         "by consultation below government", "share")
def capacity_negotiation(m: Model) -> float:
    closed = m.tally["disputes_closed"]
    return m.tally["disputes_mediated"] / closed if closed else 0.0


@measure("capacity_mobilization", "C1(c): share of residents taking part in collective "
         "action (guided participation or self-governance)", "share")
def capacity_mobilization(m: Model) -> float:
    return float(m.measure_cache["counts"][2:].sum() / m.population.n)


@measure("capacity_integration", "C1(d): share of this step's resolutions made by co-governing "
         "partners (building committees, social organisations, enterprise platform)", "share")
def capacity_integration(m: Model) -> float:
    n = m.tally["issues_resolved"]
    return sum(m.tally[k] for k in PARTNERS) / n if n else 0.0
