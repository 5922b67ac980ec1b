"""What the class's players ask of the class run, and where it enters the model.

Students play residents (one person of a household), the residents' committee or a grid
worker of the left run (participatory mode, demo.players). Their choices are conditions the
model already has, written into its three hooks just before a step, never outcomes:

- a resident's wanted rung: `Population.steer`, per resident (docs/ODD.md 7.5.2);
- the committee's split of its free staff time between councils, home visits and
  activities: `ResidentsCommittee.steer` (7.9, players' paragraph);
- the most of a grid worker's time that issues may take, the rest patrols:
  `GridHandler.steer` (7.9).

What the choice gets (a place, a visit, a found issue) is the model's to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from model.issues import GRID

if TYPE_CHECKING:
    from governance import GovernanceModel

# A residents' committee has five to nine members (Organic Law of Urban Residents'
# Committees, art. 7): at most this many students sit on it.
COMMITTEE_SEATS = 9


def committee_shares(split: tuple[float, float, float], outreach_rule: float
                     ) -> tuple[float, float]:
    """The committee's hook from its members' split (councils, visits, activities), any
    non-negative weights: the councils may take their share of the free time; what is left
    goes to visits and activities in the ratio of theirs (the rule's ratio when both are 0)."""
    council, visits, activities = (float(v) for v in split)
    total = council + visits + activities
    outreach = visits / (visits + activities) if visits + activities > 0 else outreach_rule
    return council / total, outreach


@dataclass
class Steering:
    """The players' choices for the next step. `committee` holds each member's proposal
    (None: let the model decide); the committee follows the mean of the proposals made."""

    residents: dict[int, int] = field(default_factory=dict)  # resident -> rung, -1 rule
    committee: dict[str, tuple[float, float, float] | None] = field(default_factory=dict)
    grids: dict[int, float | None] = field(default_factory=dict)  # grid -> issues' share

    def copy(self) -> Steering:
        return replace(self, residents=dict(self.residents), committee=dict(self.committee),
                       grids=dict(self.grids))

    def fit(self, model: GovernanceModel) -> None:
        """Drop the seats a new (smaller) community no longer has."""
        n, grids = model.population.n, model.community.n_grids
        self.residents = {r: c for r, c in self.residents.items() if r < n}
        self.grids = {g: s for g, s in self.grids.items() if g < grids}

    def committee_split(self) -> tuple[float, float, float] | None:
        """The mean of the members' proposals (shares of one), or None: the rule."""
        made = [np.asarray(s, dtype=float) / sum(s) for s in self.committee.values() if s]
        return tuple(float(v) for v in np.mean(made, axis=0)) if made else None

    def apply(self, model: GovernanceModel) -> None:
        """Write every choice into the model's hooks (all reset first: a player who left,
        or chose the rule again, leaves the rule)."""
        pop = model.population
        pop.steer[:] = -1
        for resident, rung in self.residents.items():
            pop.steer[resident] = rung
        split = self.committee_split()
        model.committee.steer = (None if split is None else
                                 committee_shares(split, model.params["rc_outreach_share"]))
        chosen = {g: s for g, s in self.grids.items() if s is not None}
        handler = model.service_handlers[GRID]
        if chosen:
            share = np.ones(model.community.n_grids)
            share[list(chosen)] = list(chosen.values())
            handler.steer = share
        else:
            handler.steer = None
