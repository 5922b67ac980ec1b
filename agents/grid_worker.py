"""Grid workers (網格員): one per management grid, fully responsible for it (article A2c).

Summary of rule: grid management puts one worker in each grid: seconded from the
committee's staff (`grid_staffing = "from_committee"`, as most localities did) or hired in
addition (`"added"`, as wealthy districts did). A worker handles the grid's issues first
and patrols with whatever time is left, finding unreported problems; before a
residents'-committee election it canvasses voters with that time; the administrative items
integrated in the grid weigh less on workers than on the committee.

Claims: A2c (grid management: patrol, local handling, integrated administrative items).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from mesa.discrete_space import FixedAgent

from model.actor import Actor, Parts
from model.issues import GRID, PUBLIC_SERVICE
from model.params import CoreParams
from model.pathways import Pathway
from model.ports import Handler, Model
from model.schema import Mechanism, param, section


class Committee(Protocol):
    """What grid management needs of the committee: its staff and their burden."""

    burden: float  # share of staff time taken by administrative work this week

    def second_staff(self) -> None: ...

    def seconded_capacity(self) -> float: ...


@section("grid")
class GridParams(CoreParams):
    """Grid workers' handling, patrol and integrated administrative items (A2c)."""

    grid_integration: float = param(
        0.3, "share of administrative load a grid worker saves by integrating administrative "
        "items and fragmented affairs in the grid", article="A2c", low=0, high=1,
        source="rationale")
    patrol_rate: float = param(
        0.4, "chance per week that a grid worker with all its time free finds an unvoiced "
        "issue in the grid", article="A2c", low=0, high=1, unit="1/week", source="rationale")
    grid_competence: float = param(
        0.7, "share of complexity a grid worker settles (local affairs)", article="A2c", low=0,
        high=1, source="rationale: knows the residents")
    grid_public_competence: float = param(
        0.5, "share of complexity a grid worker settles for public services (housing, social "
        "security: need more authority)", article="A2c", low=0, high=1, source="rationale")
    cost_grid: float = param(
        1.0, "public cost of one issue handled by a grid worker", group="costs", low=0,
        high=100, unit="cost units", source="rationale")
    grid_staffing: str = param(
        "from_committee", "how grid workers are staffed: 'from_committee' (grid_staff_share "
        "of the committee's staff become grid workers; total staff unchanged) or 'added' "
        "(hired in addition, each with grid_worker_capacity)", article="A2c",
        choices=("from_committee", "added"),
        source="Pei 2021 (China Leadership Monitor): most localities turned existing "
               "neighbourhood committees into grids ('relabeled'); wealthy districts hired "
               "full-time grid workers in addition (Yuhang, Hangzhou: 1,581 full-time grid "
               "workers for 1,468 grids, HK01 2022). Which holds decides grid management's "
               "effect on participation: a documented choice (docs/ODD.md section 9)")
    grid_worker_capacity: float = param(
        25.0, "issues a grid worker hired in addition to the committee (grid_staffing = "
        "'added') could handle per week with no administrative burden", article="A2c", low=0,
        high=1000, unit="issues/worker/week",
        source="rationale: one full-time worker per grid (Yuhang: 1,581 full-time workers for "
               "1,468 grids, HK01 2022) at about 1.5 staff hours per issue, the staff "
               "capacity of Model 2 (1.8 workers, 18 per 10,000 residents, per grid of 1,000 "
               "residents). With the calibrated staff_capacity per 100 households and the "
               "norm's 0.45 workers per 100 households a worker handles about 94: kept at 25 "
               "until the next recalibration settles the slot length (docs/CALIBRATION.md, "
               "'The grid size the calibration assumed'); a hired worker adds less than "
               "committee staff do")
    grid_canvass_per_week: float = param(
        20.0, "households a grid worker with all its time free visits per week before a "
        "residents'-committee election (mobilising voters)", article="A2c", low=0, high=1000,
        unit="households/week",
        source="rationale: a grid worker knows every household of a grid of about 300 and is "
               "tasked with election work")


MECHANISMS = (
    Mechanism("grid_management", "A2c", "the community is cut into management grids, each "
              "with a grid worker who patrols, finds unvoiced issues and handles them "
              "locally"),
)

PATHWAYS = (
    Pathway("grid_patrol", "grid_management",
            "grid workers with free time find unreported problems", {"patrol_rate": 0.0}),
    Pathway("grid_canvass", "grid_management",
            "grid workers with free time canvass voters before committee elections",
            {"grid_canvass_per_week": 0.0}),
)


class GridWorker(FixedAgent):
    """Handles issues of its grid first and patrols with whatever time is left.

    Its time budget lives in the grid stage's arrays (`GridHandler.free_share`), so all
    workers are reviewed in one array operation; the agent is the worker's place in the grid.
    """

    def __init__(self, model: Model[GridParams], grid_id: int,
                 management: GridManagement) -> None:
        super().__init__(model)
        self.grid_id = grid_id
        self._management = management
        x, y = model.community.centre_of_grid(grid_id)
        self.cell = model.community.grid[(x, y)]

    def capacity(self) -> float:
        return self._management.worker_capacity()

    @property
    def free_share(self) -> float:
        """Share of last step's capacity left for patrol."""
        return float(self._management.handler.free_share[self.grid_id])


class GridHandler(Handler):
    """The grid worker of the household's management grid (when grid management is on)."""

    stage = GRID
    public = True  # but not misroutable: the grid worker knows the household
    model: Model[GridParams]

    def __init__(self, model: Model[GridParams], management: GridManagement) -> None:
        super().__init__(model)
        self.management = management
        self.free_share = np.ones(model.community.n_grids)  # of each worker's time, for patrol
        # Per grid, the most of its worker's time that issues may take; a player (the
        # classroom demo) keeps the rest for patrol. None in every experiment: the rule,
        # issues first. See docs/ODD.md 7.9.
        self.steer: np.ndarray | None = None

    def groups(self, idx: np.ndarray) -> np.ndarray:
        if not self.management.workers:
            return np.full(len(idx), -1)
        return self.model.community.grid_of[self.model.issues.household[idx]]

    def capacity(self) -> np.ndarray:
        cap = np.full(self.model.community.n_grids, self.management.worker_capacity())
        return cap if self.steer is None else cap * self.steer

    def review(self) -> None:
        """After handling, what time each worker has left goes to patrolling next step."""
        cap = self.management.worker_capacity()
        taken = np.zeros(len(self.free_share))
        taken[:len(self.used)] = self.used
        self.free_share = np.maximum(0.0, 1.0 - taken / cap) if cap > 0 else np.zeros_like(taken)

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray:
        p = self.model.p
        public = self.model.issues.kind[idx] == PUBLIC_SERVICE
        return np.where(public, p.grid_public_competence, p.grid_competence)

    def cost(self) -> float:
        return self.model.p.cost_grid


class GridManagement:
    """The submodel: workers appear when the mechanism is switched on, handle, review their
    time each week and patrol with what is left."""

    def __init__(self, model: Model[GridParams], committee: Committee) -> None:
        self.model = model
        self.committee = committee
        self.workers: list[GridWorker] = []
        self.handler = GridHandler(model, self)

    def worker_capacity(self) -> float:
        """Issues per week of each grid worker; admin items integrated in the grid cost less
        (A2c).

        Seconded from the committee, every worker has an equal part of its seconded staff;
        hired in addition, each has grid_worker_capacity. One number serves all of them:
        the service loop needs it for every grid at once.
        """
        p = self.model.p
        burden = self.committee.burden * (1.0 - p.grid_integration)
        if p.grid_staffing == "added":
            return p.grid_worker_capacity * (1.0 - burden)
        return (self.committee.seconded_capacity() / max(len(self.workers), 1)
                * (1.0 - burden))

    def canvass_chance(self) -> np.ndarray | None:
        """Per household, the chance a grid worker canvasses it this week before an election:
        grid_canvass_per_week times the share of its worker's time free, over the grid's
        households (None before grids exist)."""
        if not self.workers:
            return None
        c = self.model.community
        per_grid = self.model.p.grid_canvass_per_week * self.handler.free_share
        return np.minimum(per_grid / c.grid_size, 1.0)[c.grid_of]

    def switch_on(self, name: str) -> None:
        m = self.model
        if name == "grid_management" and not self.workers:
            if m.p.grid_staffing == "from_committee":
                self.committee.second_staff()
            self.workers.extend(GridWorker(m, g, self) for g in range(m.community.n_grids))

    def act(self, now: int) -> None:
        if self.workers:
            self.handler.review()

    def patrol(self, hidden: np.ndarray) -> np.ndarray | None:
        """Extra chance that each unvoiced issue is found this week: patrol_rate times the
        share of its grid worker's time left free last week (none before grids exist)."""
        if not self.workers:
            return None
        grid = self.model.community.grid_of[self.model.issues.household[hidden]]
        return self.model.p.patrol_rate * self.handler.free_share[grid]


def install(model: Model[GridParams], committee: Committee) -> Parts:
    management = GridManagement(model, committee)
    return Parts(face=management, public={"grid_workers": management.workers},
                 handlers=(management.handler,), switch_on=management.switch_on,
                 act=management.act, detect=management.patrol)


ACTOR = Actor("grid_worker", install, params=(GridParams,), mechanisms=MECHANISMS,
              pathways=PATHWAYS, needs=("committee",))
