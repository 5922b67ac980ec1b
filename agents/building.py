"""Building self-governance committees (樓棟自治組織) and their covenants (article A3)."""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import FixedAgent


def building_centre(community, building_id: int) -> tuple[int, int]:
    """Cell at the middle of a building (where its committee meets)."""
    bb = community.building_block
    bx, by = divmod(int(building_id), community.height // bb)
    return bx * bb + bb // 2, by * bb + bb // 2


def elect(candidates: np.ndarray, seats: int, weight: np.ndarray,
          rng: np.random.Generator) -> np.ndarray:
    """Seats filled from willing candidates, chosen with probability proportional to weight.

    Voters favour neighbours known for public spirit (civic consciousness); sampling without
    replacement keeps it a lottery rather than a ranking, as small elections are.
    """
    seats = min(seats, len(candidates))
    if seats == 0:
        return candidates[:0]
    w = np.asarray(weight, dtype=np.float64) + 1e-9
    return np.sort(rng.choice(candidates, size=seats, replace=False, p=w / w.sum()))


class BuildingCommittee(FixedAgent):
    """An elected committee of one building, with the covenant its households signed."""

    def __init__(self, model, building_id: int, members: np.ndarray, covenant: float,
                 now: int) -> None:
        super().__init__(model)
        self.building_id = int(building_id)
        self.cell = model.community.grid[building_centre(model.community, building_id)]
        self.members = members  # household ids, sorted
        self.covenant = covenant  # share of the building's households that signed (0-1)
        self.formed_at = now
        self.settled = 0  # issues settled so far

    def drop_inactive(self, level: np.ndarray) -> None:
        """Members who no longer take part (rung < 2) leave the committee."""
        self.members = self.members[level[self.members] >= 2]

    def by_election(self, candidates: np.ndarray, weight: np.ndarray, seats: int,
                    signed: float, rng: np.random.Generator) -> None:
        """Vacant seats are filled from willing non-members; the covenant is re-signed."""
        free = ~np.isin(candidates, self.members)
        vacant = seats - len(self.members)
        if vacant > 0 and free.any():
            new = elect(candidates[free], vacant, weight[free], rng)
            self.members = np.sort(np.concatenate([self.members, new]))
        self.covenant = signed
