"""The community Party committee (社區黨委), its grid branches and building groups (A2a, B1).

Party members are ordinary residents (`population.party`) who exist whether or not the
Party organisation leads; `party_leadership` organises them: branches in management grids,
groups in buildings, monthly work meetings that keep the community's handlers coordinated,
branch activities that members organise (places for their neighbours) and group duties
(roles for members). Members' sense of duty is a trait of theirs (`party_duty`, in every
scenario), not an effect of the switch.
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.discrete_space import FixedAgent

from agents.party.params import PartyParams
from model.ports import Model


class PartyBranch(FixedAgent):
    """A branch (黨支部) in one management grid, based at the grid's centre."""

    def __init__(self, model: Model[PartyParams], grid_id: int, members: int) -> None:
        super().__init__(model)
        self.grid_id = grid_id
        self.cell = model.community.grid[model.community.centre_of_grid(grid_id)]
        self.members = members
        self.active_members = 0  # members taking part (rung >= 1), counted at each meeting
        self.meetings = 0


class PartyCommittee(mesa.Agent):
    """Community Party committee: organises members and holds the work meetings.

    Party groups (黨小組) are kept as arrays over buildings: there are a few hundred of them
    and their only state is who belongs and whether one of them takes part.
    """

    model: Model[PartyParams]

    def __init__(self, model: Model[PartyParams], members: np.ndarray) -> None:
        super().__init__(model)
        c, pop = model.community, model.population
        self.members = members  # resident ids of Party members (re-read when people move)
        self.group_size = np.bincount(pop.building_of[members], minlength=c.n_buildings)
        self.grid_size = np.bincount(pop.grid_of[members], minlength=c.n_grids)
        self.branches: list[PartyBranch] = []
        self.has_branch = np.zeros(c.n_grids, dtype=bool)
        self.group_active = np.zeros(c.n_buildings, dtype=bool)
        self.coordination = 0.0
        self.coverage = 0.0
        self.meetings = 0
        self.organised = False
        # Who is organised changes only when branches are founded or members move: kept,
        # not recomputed every step over every household.
        self.organised_ids = np.zeros(0, dtype=np.int64)

    # --- structure (A2a) ------------------------------------------------------------------
    def organise(self) -> None:
        """Found a branch in every grid with enough members; groups form in buildings."""
        if self.organised:
            return
        self.organised = True
        need = self.model.p.party_branch_min
        self.has_branch = self.grid_size >= need
        self.branches = [PartyBranch(self.model, int(g), int(self.grid_size[g]))
                         for g in np.flatnonzero(self.has_branch)]
        pop = self.model.population
        self.organised_ids = self.members[self.has_branch[pop.grid_of[self.members]]]
        self.update_coverage()

    def organised_at_least(self, rung: int) -> np.ndarray:
        """Resident ids of organised members (Party members in a grid with a branch)
        standing on `rung` or above."""
        ids = self.organised_ids
        return ids[self.model.population.level[ids] >= rung]

    def update_coverage(self) -> None:
        """Share of buildings whose party group has a member who takes part (rung >= 1).

        Coverage is what the committee's reach into buildings amounts to: a group on paper
        whose members all stay at home shares no information and supervises nothing.
        """
        c, pop = self.model.community, self.model.population
        active = self.organised_at_least(1)
        per_building = np.bincount(pop.building_of[active], minlength=c.n_buildings)
        self.group_active = per_building > 0
        self.coverage = float(self.group_active.mean())
        per_grid = np.bincount(pop.grid_of[active], minlength=c.n_grids)
        for b in self.branches:
            b.active_members = int(per_grid[b.grid_id])

    # --- mechanisms (B1) ------------------------------------------------------------------
    def work_meeting(self) -> None:
        """Work meeting, information sharing and supervision: coordination rises.

        c <- c + gain * coverage * (1 - c): the meeting closes part of the remaining gap, in
        proportion to how much of the community its groups actually reach.
        """
        self.update_coverage()
        gain = self.model.p.party_meeting_gain
        self.coordination += gain * self.coverage * (1.0 - self.coordination)
        self.meetings += 1
        for b in self.branches:
            b.meetings += 1

    def drift(self) -> None:
        """Between meetings handlers drift apart: c <- c * (1 - decay) every step."""
        self.coordination *= 1.0 - self.model.p.coordination_decay

    def refresh_members(self) -> None:
        """Households moved: the roll is re-read from the population (members move too)."""
        c, pop = self.model.community, self.model.population
        self.members = pop.party.nonzero()[0]
        self.group_size = np.bincount(pop.building_of[self.members], minlength=c.n_buildings)
        self.grid_size = np.bincount(pop.grid_of[self.members], minlength=c.n_grids)
        if self.organised:
            self.organised_ids = self.members[self.has_branch[pop.grid_of[self.members]]]

    def offer(self) -> None:
        """Branches hold activities and members take group duties (B1 iii, A3).

        Places per grid = party_places_per_member * organised members taking part (rung
        >= 2) there: members organise, neighbours attend. Roles: each organised member may
        hold one of its building group's `party_group_roles` duties (roles only they can take).
        """
        m, p = self.model, self.model.p
        c, pop, offers = m.community, m.population, m.population.offers
        leading = self.organised_at_least(2)
        per_grid = np.bincount(pop.grid_of[leading], minlength=c.n_grids)
        offers.add_places("party_branch", c.grid_of,
                          p.party_places_per_member * per_grid * self.has_branch)
        pool = np.full(pop.n, -1, dtype=np.intp)
        pool[self.organised_ids] = pop.building_of[self.organised_ids]
        members = np.bincount(pop.building_of[self.organised_ids], minlength=c.n_buildings)
        offers.add_roles("party_group", pool, np.minimum(members, p.party_group_roles))
