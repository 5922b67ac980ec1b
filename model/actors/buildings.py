"""Building micro self-governance (A3): committees form, settle local issues, and fade.

A building elects a committee when enough of its households are willing (rung >= 2) and
someone carries it: an organised Party member (under party_leadership), or else a
self-governing (rung-3) resident with a larger willing share behind them. The committee
handles its building's matters and neighbour disputes at the `building` stage of the
service chain and makes self-governance within reach of its households; members who stop
taking part leave, and a committee below its minimum dissolves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.building import BuildingCommittee, elect
from model import services
from model.measures import measure
from model.scenarios import Scenario, register

if TYPE_CHECKING:
    from model.governance import GovernanceModel

MECHANISM = "building_autonomy"
# By-elections fill vacant seats at the building's monthly meeting.
BY_ELECTION_INTERVAL = 4


class BuildingHandler(services.Handler):
    """Building committees: one instance per building (group id = building id)."""

    stage = services.BUILDING

    def __init__(self, model: GovernanceModel, gov: BuildingSelfGovernance) -> None:
        super().__init__(model)
        self.gov = gov

    def groups(self, idx: np.ndarray) -> np.ndarray:
        book = self.model.issues
        building = self.model.community.building_of[book.household[idx]]
        ours = np.isin(book.kind[idx], (services.BUILDING_MATTER, services.NEIGHBOUR_DISPUTE))
        return np.where(ours & self.gov.has_committee()[building], building, -1)

    def capacity(self) -> np.ndarray:
        return self.gov.seats_filled() * self.model.params["building_member_capacity"]

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray:
        p = self.model.params
        return p["building_competence"] + p["covenant_weight"] * self.gov.covenants()[group]

    def cost(self) -> float:
        return self.model.params["cost_building"]

    def on_resolved(self, idx: np.ndarray, group: np.ndarray) -> None:
        counts = np.bincount(group, minlength=self.model.community.n_buildings)
        for b in np.flatnonzero(counts):
            self.gov.committees[b].settled += int(counts[b])


class BuildingSelfGovernance:
    """Keeps the committees (building id -> agent) and runs formation and fading."""

    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        self.committees: dict[int, BuildingCommittee] = {}
        self.formed = 0
        self.dissolved = 0
        c = model.community
        order = np.argsort(c.building_of, kind="stable")
        self._homes = np.split(order, np.cumsum(c.building_size)[:-1])  # households per building

    # --- views used by the handler and the measures -----------------------------------------
    def has_committee(self) -> np.ndarray:
        out = np.zeros(self.model.community.n_buildings, dtype=bool)
        out[list(self.committees)] = True
        return out

    def seats_filled(self) -> np.ndarray:
        out = np.zeros(self.model.community.n_buildings)
        for b, c in self.committees.items():
            out[b] = len(c.members)
        return out

    def covenants(self) -> np.ndarray:
        out = np.zeros(self.model.community.n_buildings)
        for b, c in self.committees.items():
            out[b] = c.covenant
        return out

    # --- rules --------------------------------------------------------------------------------
    def prepare(self, now: int) -> None:
        """A committee puts self-governance within its households' reach (rungs 3, and 2)."""
        if not self.committees:
            return
        c, pop = self.model.community, self.model.population
        here = self.has_committee()[c.building_of] * self.model.params["building_support"]
        pop.support[3] += here
        pop.support[2] += 0.5 * here

    def act(self, now: int) -> None:
        if not self.model.mechanisms[MECHANISM]:
            return
        self.fade()
        self.form(now)
        if now % BY_ELECTION_INTERVAL == 0:
            self.by_elections()
        self.neighbourly_contact()

    def neighbourly_contact(self) -> None:
        """Taking part in the building's consultation builds trust among neighbours (C4).

        t <- t + rate * (1 - t) for every household on rung >= 2 in a building with a
        committee: repeated cooperation in a small, stable group is how interpersonal trust
        is learnt (Putnam 1993; Ostrom 1998), on top of disputes it settles.
        """
        if not self.committees:
            return
        c, pop = self.model.community, self.model.population
        rate = self.model.params["building_trust_rate"]
        taking_part = self.has_committee()[c.building_of] & (pop.level >= 2)
        pop.trust_nbr += rate * taking_part * (1.0 - pop.trust_nbr)

    def fade(self) -> None:
        """Members below rung 2 leave; a committee under its minimum dissolves."""
        level = self.model.population.level
        low = self.minimum()
        for b in list(self.committees):
            com = self.committees[b]
            com.drop_inactive(level)
            if len(com.members) < low:
                com.remove()
                del self.committees[b]
                self.dissolved += 1

    def minimum(self) -> int:
        """Members a committee needs (never more than its seats)."""
        p = self.model.params
        return min(p["building_committee_min"], p["building_committee_size"])

    def eligible(self) -> np.ndarray:
        """Buildings without a committee where one could be elected now."""
        m, p = self.model, self.model.params
        c, pop = m.community, m.population
        size = c.building_size
        willing = np.bincount(c.building_of, weights=pop.level >= 2, minlength=c.n_buildings)
        share = willing / size
        selfgov = np.bincount(c.building_of, weights=pop.level == 3, minlength=c.n_buildings)
        ok = (share >= p["building_willing_share_unled"]) & (selfgov > 0)
        party = getattr(m, "party", None)
        if m.mechanisms["party_leadership"] and party is not None and party.organised:
            backbone = party.organised_members() & (pop.level >= 2)
            backed = np.bincount(c.building_of, weights=backbone, minlength=c.n_buildings) > 0
            ok |= backed & (share >= p["building_willing_share"])
        ok &= willing >= self.minimum()
        ok &= ~self.has_committee()
        return ok

    def form(self, now: int) -> None:
        """Eligible buildings hold their founding election with a per-step chance."""
        m, p = self.model, self.model.params
        eligible = np.flatnonzero(self.eligible())
        if len(eligible) == 0:
            return
        go = eligible[m.rng.random(len(eligible)) < p["building_formation_rate"]]
        for b in go.tolist():
            cand, weight, signed = self._ballot(b)
            members = elect(cand, p["building_committee_size"], weight, m.rng)
            self.committees[b] = BuildingCommittee(m, b, members, signed, now)
            self.formed += 1

    def by_elections(self) -> None:
        """Covenants are re-signed everywhere; ballots are held only where a seat is vacant.

        A full committee draws no random numbers in `by_election`, so skipping its ballot
        changes nothing but the time: the per-building Python work is only for vacancies.
        """
        m = self.model
        seats = m.params["building_committee_size"]
        c, pop = m.community, m.population
        signed = np.bincount(c.building_of, weights=pop.level >= 1,
                             minlength=c.n_buildings) / c.building_size
        for b, com in self.committees.items():
            if len(com.members) >= seats:
                com.covenant = float(signed[b])
                continue
            cand, weight, _ = self._ballot(b)
            com.by_election(cand, weight, seats, float(signed[b]), m.rng)

    def _ballot(self, b: int) -> tuple[np.ndarray, np.ndarray, float]:
        """Willing households of building b, their vote weights, and the covenant's reach.

        Weight = civic consciousness; under Party leadership organised members count double
        (the Party group nominates them: the backbone of A3). Every household that takes part
        at all (rung >= 1) signs the covenant.
        """
        m = self.model
        pop = m.population
        homes = self._homes[b]
        cand = homes[pop.level[homes] >= 2]
        weight = pop.civic[cand] + 0.05
        party = getattr(m, "party", None)
        if m.mechanisms["party_leadership"] and party is not None and party.organised:
            # Candidates only: organised_members() is a whole-community array, and building
            # it once per building made ballots O(buildings x households).
            organised = pop.party[cand] & party.has_branch[m.community.grid_of[cand]]
            weight = weight * (1.0 + organised)
        signed = float((pop.level[homes] >= 1).mean())
        return cand, weight, signed


def install(model: GovernanceModel) -> None:
    gov = BuildingSelfGovernance(model)
    model.buildings = gov
    model.service_handlers[services.BUILDING] = BuildingHandler(model, gov)
    model.submodels.append(gov)


@measure("building_committees", "building self-governance committees in office", "committees")
def building_committees(m: GovernanceModel) -> float:
    return float(len(m.buildings.committees))


register(Scenario(
    "building_self_governance",
    "Building micro self-governance (A3) without Party leadership: committees must grow "
    "from willing residents alone.",
    {"rc_admin_burden": 0.7, "building_autonomy": True},
    notice="Committees form only where many households already take part and someone "
           "self-governs; compare building_committees with party_led.",
    try_="Lower building_willing_share_unled, or switch party_leadership on.",
))
