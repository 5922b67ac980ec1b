"""Building self-governance committees (樓棟自治組織) and their covenants (article A3)."""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import FixedAgent

from model.queues import group_order, ranks_within_groups


def building_centre(community, building_id: int) -> tuple[int, int]:
    """Cell at the middle of a building (where its committee meets)."""
    bb = community.building_block
    bx, by = divmod(int(building_id), community.height // bb)
    return bx * bb + bb // 2, by * bb + bb // 2


def elect(candidates: np.ndarray, building: np.ndarray, seats: np.ndarray, weight: np.ndarray,
          rng: np.random.Generator) -> np.ndarray:
    """Every building's vacant seats filled at once, each a weighted lottery among its own.

    Voters favour neighbours known for public spirit; sampling without replacement keeps it a
    lottery rather than a ranking, as small elections are. Efraimidis and Spirakis (2006):
    the k largest keys log(u) / w among a building's candidates are a weighted sample of k
    without replacement, so all buildings are drawn in one sort. Returns the elected
    residents, sorted.
    """
    if len(candidates) == 0:
        return candidates
    key = np.log(rng.random(len(candidates))) / (np.asarray(weight, dtype=np.float64) + 1e-9)
    order = np.argsort(-key, kind="stable")
    order = order[group_order(building[order], len(seats))]
    chosen = candidates[order][ranks_within_groups(building[order]) < seats[building[order]]]
    return np.sort(chosen)


class BuildingCommittee(FixedAgent):
    """An elected committee of one building, with the covenant its households signed.

    Its state lives in the building actor's arrays (members, covenants, issues settled), so
    forming, fading and by-elections are array work over all buildings; the agent is the
    committee's place in Mesa's space and AgentSets.
    """

    def __init__(self, model, registry, building_id: int, now: int) -> None:
        super().__init__(model)
        self.registry = registry
        self.building_id = int(building_id)
        self.cell = model.community.grid[building_centre(model.community, building_id)]
        self.formed_at = now

    @property
    def members(self) -> np.ndarray:
        """Resident ids of the members, sorted."""
        reg = self.registry
        mine = self.model.population.building_of[reg.members] == self.building_id
        return reg.members[mine]

    @property
    def covenant(self) -> float:
        """Share of the building's residents who signed the covenant (0-1)."""
        return float(self.registry.covenant[self.building_id])

    @property
    def settled(self) -> int:
        return int(self.registry.settled[self.building_id])

    def remove(self) -> None:
        self.registry.forget(self.building_id)
        super().remove()
