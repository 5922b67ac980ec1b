"""Grid workers (網格員): one per management grid, fully responsible for it (article A2c).

Summary of rule: handle the grid's issues first, patrol with whatever time is left; the
administrative items integrated in the grid weigh less on them than on the committee.
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import FixedAgent

from model.params import add_section
from model.schema import Param, param
from model.services import GRID, PUBLIC_SERVICE, Handler

_G = "grid"

SPECS: list[Param] = [
    param("grid_integration", float, 0.3, "share of administrative load a grid worker saves "
          "by integrating administrative items and fragmented affairs in the grid",
          article="A2c", group=_G, low=0, high=1, source="rationale"),
    param("patrol_rate", float, 0.4, "chance per week that a grid worker with all its time "
          "free finds an unvoiced issue in the grid", article="A2c", group=_G, low=0, high=1,
          unit="1/week", source="rationale"),
    param("grid_competence", float, 0.7, "share of complexity a grid worker settles (local "
          "affairs)", article="A2c", group=_G, low=0, high=1,
          source="rationale: knows the residents"),
    param("grid_public_competence", float, 0.5, "share of complexity a grid worker settles "
          "for public services (housing, social security: need more authority)",
          article="A2c", group=_G, low=0, high=1, source="rationale"),
    param("cost_grid", float, 1.0, "public cost of one issue handled by a grid worker",
          group="costs", low=0, high=100, unit="cost units", source="rationale"),
]
add_section(SPECS)


def worker_capacity(model) -> float:
    """Issues per week of each grid worker; admin items integrated in the grid cost less (A2c).

    Every worker has the same share of the committee's staff, so one number serves all of
    them: the service loop needs it for every grid at once.
    """
    p, c = model.params, model.community
    burden = model.committee.burden * (1.0 - p["grid_integration"])
    return (p["staff_capacity"] * p["grid_staff_share"] * c.n_grids
            / max(len(model.grid_workers), 1) * (1.0 - burden))


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
        return float(self.model.service_handlers[GRID].free_share[self.grid_id])


class GridHandler(Handler):
    """The grid worker of the household's management grid (when grid management is on)."""

    stage = GRID
    public = True  # but not misroutable: the grid worker knows the household

    def __init__(self, model) -> None:
        super().__init__(model)
        self.free_share = np.ones(model.community.n_grids)  # of each worker's time, for patrol
        # Per grid, the most of its worker's time that issues may take; a player (the
        # classroom demo) keeps the rest for patrol. None in every experiment: the rule,
        # issues first. See docs/ODD.md 7.9.
        self.steer: np.ndarray | None = None

    def groups(self, idx: np.ndarray) -> np.ndarray:
        if not self.model.grid_workers:
            return np.full(len(idx), -1)
        return self.model.community.grid_of[self.model.issues.household[idx]]

    def capacity(self) -> np.ndarray:
        cap = np.full(self.model.community.n_grids, worker_capacity(self.model))
        return cap if self.steer is None else cap * self.steer

    def review(self) -> None:
        """After handling, what time each worker has left goes to patrolling next step."""
        cap = worker_capacity(self.model)
        taken = np.zeros(len(self.free_share))
        taken[:len(self.used)] = self.used
        self.free_share = np.maximum(0.0, 1.0 - taken / cap) if cap > 0 else np.zeros_like(taken)

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray:
        p = self.model.params
        public = self.model.issues.kind[idx] == PUBLIC_SERVICE
        return np.where(public, p["grid_public_competence"], p["grid_competence"])

    def cost(self) -> float:
        return self.model.params["cost_grid"]


class GridManagement:
    """The submodel: workers appear when the mechanism is switched on and review each week."""

    def __init__(self, model) -> None:
        self.model = model

    def switch_on(self, name: str) -> None:
        m = self.model
        if name == "grid_management" and not m.grid_workers:
            m.grid_workers = [GridWorker(m, g) for g in range(m.community.n_grids)]

    def act(self, now: int) -> None:
        if self.model.grid_workers:
            self.model.service_handlers[GRID].review()


def install(model) -> None:
    model.service_handlers[GRID] = GridHandler(model)
    model.submodels.append(GridManagement(model))
