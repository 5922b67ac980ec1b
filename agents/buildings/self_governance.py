"""Building micro self-governance (A3): committees form, settle local issues, and fade.

The rule is summarised in agents/buildings/__init__.py; committees' state lives here as
arrays over buildings, one Mesa agent per committee in office.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from agents.buildings.agent import BuildingCommittee, elect
from agents.buildings.params import BuildingParams
from model.decision import LEVELS
from model.issues import BUILDING, IS_NEIGHBOURS_MATTER
from model.ports import Handler, Model

MECHANISM = "building_autonomy"


class Party(Protocol):
    """What building self-governance needs of the Party committee: who its organised
    members are (the backbone of A3 under party_leadership)."""

    organised: bool  # branches and groups exist
    has_branch: np.ndarray  # per management grid

    def organised_at_least(self, rung: int) -> np.ndarray: ...


class BuildingHandler(Handler):
    """Building committees: one instance per building (group id = building id)."""

    stage = BUILDING
    model: Model[BuildingParams]

    def __init__(self, model: Model[BuildingParams], gov: BuildingSelfGovernance) -> None:
        super().__init__(model)
        self.gov = gov

    def groups(self, idx: np.ndarray) -> np.ndarray:
        book = self.model.issues
        building = self.model.community.building_of[book.household[idx]]
        ours = IS_NEIGHBOURS_MATTER[book.kind[idx]]
        return np.where(ours & self.gov.has_committee()[building], building, -1)

    def capacity(self) -> np.ndarray:
        return self.gov.seats_filled() * self.model.p.building_member_capacity

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray:
        p = self.model.p
        return p.building_competence + p.covenant_weight * self.gov.covenants()[group]

    def cost(self) -> float:
        return self.model.p.cost_building

    def on_resolved(self, idx: np.ndarray, group: np.ndarray) -> None:
        self.gov.settled += np.bincount(group, minlength=self.model.community.n_buildings)


class BuildingSelfGovernance:
    """All committees as arrays (members, covenants) plus one Mesa agent per committee."""

    def __init__(self, model: Model[BuildingParams], party: Party) -> None:
        self.model = model
        self.party = party
        nb = model.community.n_buildings
        self.committees: dict[int, BuildingCommittee] = {}
        self.active = np.zeros(nb, dtype=bool)
        self.members = np.zeros(0, dtype=np.int64)  # resident ids of all members, sorted
        self.covenant = np.zeros(nb)
        self.settled = np.zeros(nb, dtype=np.int64)
        self.formed = 0
        self.dissolved = 0
        self._slot = model.population.building_of * LEVELS

    # --- views used by the handler and the measures -----------------------------------------
    def has_committee(self) -> np.ndarray:
        return self.active

    def seats_filled(self) -> np.ndarray:
        c = self.model.community
        return np.bincount(self.model.population.building_of[self.members],
                           minlength=c.n_buildings).astype(float)

    def covenants(self) -> np.ndarray:
        return self.covenant

    def forget(self, b: int) -> None:
        """A committee leaves office: its seats, covenant and record go with it."""
        self.committees.pop(b, None)
        if self.active[b]:
            self.active[b] = False
            self.covenant[b] = 0.0
            self.members = self.members[self.model.population.building_of[self.members] != b]

    # --- rules --------------------------------------------------------------------------------
    def offer(self, now: int) -> None:
        """Seats are roles only their holders can take; meetings are places for the building."""
        if not self.committees:
            return
        m, p = self.model, self.model.p
        c, offers = m.community, m.population.offers
        pool = np.full(m.population.n, -1, dtype=np.intp)
        pool[self.members] = m.population.building_of[self.members]
        offers.add_roles("building_seat", pool, self.seats_filled())
        offers.add_places("building_meeting", c.building_of,
                          p.building_meeting_places * c.building_size * self.active)

    def act(self, now: int) -> None:
        if not self.model.mechanisms[MECHANISM]:
            return
        self.fade()
        self.form(now)
        if now % self.model.p.building_by_election_interval == 0:
            self.by_elections()

    def moved_out(self, households: np.ndarray) -> None:
        """Members who move away leave their seat; a committee left under its minimum
        dissolves at once (not a week later: it cannot meet)."""
        if len(self.members):
            pop = self.model.population
            left = np.zeros(pop.n, dtype=bool)  # a look-up table, not np.setdiff1d: no sort
            left[pop.residents_of(households)] = True
            self.members = self.members[~left[self.members]]
            self.dissolve_short()

    def fade(self) -> None:
        """Members who stopped taking part (below rung 2) leave; a committee under its
        minimum dissolves."""
        if not self.committees:
            return
        level = self.model.population.level
        self.members = self.members[level[self.members] >= 2]
        self.dissolve_short()

    def dissolve_short(self) -> None:
        """Committees with fewer members than their minimum dissolve."""
        gone = (self.active & (self.seats_filled() < self.minimum())).nonzero()[0]
        for b in gone.tolist():
            self.committees[b].remove()
        self.dissolved += len(gone)

    def minimum(self) -> int:
        """Members a committee needs (never more than its seats)."""
        p = self.model.p
        return min(p.building_committee_min, p.building_committee_size)

    def eligible(self, on: np.ndarray | None = None) -> np.ndarray:
        """Buildings without a committee where one could be elected now (`on`: this step's
        households_on_rungs, if the caller has it)."""
        m, p = self.model, self.model.p
        c = m.community
        if on is None:
            on = self.households_on_rungs()
        willing = on[:, 2] + on[:, 3]
        share = willing / m.population.building_residents
        ok = (share >= p.building_willing_share_unled) & (on[:, 3] > 0)
        party = self.party
        if party.organised:  # branches exist only under party_leadership
            backbone = m.population.building_of[party.organised_at_least(2)]
            backed = np.bincount(backbone, minlength=c.n_buildings) > 0
            ok |= backed & (share >= p.building_willing_share)
        ok &= willing >= self.minimum()
        ok &= ~self.active
        return ok

    def form(self, now: int) -> None:
        """Eligible buildings hold their founding election with a per-step chance."""
        m, p = self.model, self.model.p
        on = self.households_on_rungs()  # rungs do not change while committees form
        eligible = self.eligible(on).nonzero()[0]
        if len(eligible) == 0:
            return
        go = eligible[m.rng.random(len(eligible)) < p.building_formation_rate]
        if len(go) == 0:
            return
        seats = np.zeros(m.community.n_buildings, dtype=np.int64)
        seats[go] = p.building_committee_size
        self._elect(seats)
        go = go[self.seats_filled()[go] >= self.minimum()]  # too few candidates: no committee
        keeps = self.active.copy()  # buildings whose members stay: active ones and `go`
        keeps[go] = True  # (a look-up table, not np.isin: no sort)
        self.members = self.members[keeps[self.model.population.building_of[self.members]]]
        if len(go) == 0:
            return
        self.covenant[go] = self._signed(on)[go]
        self.active[go] = True
        for b in go.tolist():
            self.committees[b] = BuildingCommittee(m, self, b, now)
        self.formed += len(go)

    def by_elections(self) -> None:
        """Covenants are re-signed; vacant seats are filled from willing non-members."""
        if not self.committees:
            return
        seats = self.model.p.building_committee_size
        self.covenant[self.active] = self._signed()[self.active]
        vacant = np.where(self.active, seats - self.seats_filled(), 0).astype(np.int64)
        if vacant.any():
            self._elect(np.maximum(vacant, 0))

    def _signed(self, on: np.ndarray | None = None) -> np.ndarray:
        """Share of each building's residents who take part at all: they sign the covenant."""
        if on is None:
            on = self.households_on_rungs()
        return (on[:, 1] + on[:, 2] + on[:, 3]) / self.model.population.building_residents

    def households_on_rungs(self) -> np.ndarray:
        """(building, rung) -> residents, by one integer count over all residents.

        Counting all rungs at once, without float weights, costs a fraction of one weighted
        bincount per rung.
        """
        nb = self.model.community.n_buildings
        slot = self._slot + self.model.population.level
        return np.bincount(slot, minlength=nb * LEVELS).reshape(nb, LEVELS)

    def _elect(self, seats: np.ndarray) -> None:
        """Fill `seats[b]` seats in every building b from its willing non-members.

        Candidates are willing residents (rung >= 2) with the free hours a role takes;
        a seat is a role only its holder can take (rung 3), if the household chooses to.
        Vote weight = civic consciousness + building_vote_floor; under Party leadership
        organised members weigh more (the Party group nominates them: the backbone of A3).
        """
        m, p = self.model, self.model.p
        c, pop = m.community, m.population
        homes = pop.residents_of(c.households_in((seats > 0).nonzero()[0]))  # electing now
        member = np.zeros(pop.n, dtype=bool)
        member[self.members] = True
        free = pop.free_hours(homes)  # only the electing buildings' residents
        ok = (pop.level[homes] >= 2) & ~member[homes] & (free >= pop.hours_needed()[3])
        cand = np.sort(homes[ok])
        if len(cand) == 0:
            return
        weight = pop.civic[cand] + p.building_vote_floor
        party = self.party
        if party.organised:  # branches exist only under party_leadership
            backbone = pop.party[cand] & party.has_branch[pop.grid_of[cand]]
            weight = weight * (1.0 + p.building_party_vote * backbone)
        chosen = elect(cand, pop.building_of[cand], seats, weight, m.rng)
        self.members = np.sort(np.concatenate([self.members, chosen]))  # disjoint: non-members
