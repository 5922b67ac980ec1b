"""Grid workers (網格員): one per management grid, fully responsible for it (article A2c)."""

from __future__ import annotations

from mesa.discrete_space import FixedAgent

from agents.committee import GRID_STAFF_SHARE


def worker_capacity(model) -> float:
    """Issues per step of each grid worker; admin items integrated in the grid cost less (A2c).

    Every worker has the same share of the committee's staff, so one number serves all of
    them: the service loop needs it for every grid at once.
    """
    p, c = model.params, model.community
    burden = model.committee.burden * (1.0 - p["grid_integration"])
    return p["staff_capacity"] * GRID_STAFF_SHARE * c.n_grids / max(len(model.grid_workers), 1) \
        * (1.0 - burden)


class GridWorker(FixedAgent):
    """Handles issues of its grid first and patrols with whatever time is left.

    Its time budget lives in the grid stage's arrays (`GridHandler.free_share`), so all
    workers are reviewed in one array operation; the agent is the worker's place in the grid.
    """

    def __init__(self, model, grid_id: int) -> None:
        super().__init__(model)
        self.grid_id = grid_id
        x, y = model.community.centre_of_grid(grid_id)
        self.cell = model.community.grid[(x, y)]

    def capacity(self) -> float:
        return worker_capacity(self.model)

    @property
    def free_share(self) -> float:
        """Share of last step's capacity left for patrol."""
        return float(self.model.service_handlers[4].free_share[self.grid_id])
