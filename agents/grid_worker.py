"""Grid workers (網格員): one per management grid, fully responsible for it (article A2c)."""

from __future__ import annotations

from mesa.discrete_space import FixedAgent

from agents.committee import GRID_STAFF_SHARE


class GridWorker(FixedAgent):
    """Handles issues of its grid first and patrols with whatever time is left."""

    def __init__(self, model, grid_id: int) -> None:
        super().__init__(model)
        self.grid_id = grid_id
        x, y = model.community.centre_of_grid(grid_id)
        self.cell = model.community.grid[(x, y)]
        self.free_share = 1.0  # share of last step's capacity left for patrol

    def capacity(self) -> float:
        """Issues per step; administrative items integrated in the grid cost less (A2c)."""
        p, c = self.model.params, self.model.community
        burden = self.model.committee.burden * (1.0 - p["grid_integration"])
        return p["staff_capacity"] * GRID_STAFF_SHARE * c.n_grids / len(self.model.grid_workers) \
            * (1.0 - burden)

    def review(self) -> None:
        """After handling, what time is left goes to patrolling the grid next step."""
        used = self.model.service_handlers[4].used
        cap = self.capacity()
        taken = used[self.grid_id] if len(used) > self.grid_id else 0.0
        self.free_share = max(0.0, 1.0 - taken / cap) if cap > 0 else 0.0
