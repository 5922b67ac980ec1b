"""GovernanceModel: builds the community, its residents and institutions; one step = a week.

One step, in order (docs/ODD.md, "Process overview"):
  1. scheduled institutional events and phased-in mechanisms (Mesa event scheduling);
  2. institutions prepare: government pushes admin tasks down, mechanisms set this step's
     support for each participation rung;
  3. the service loop: issues arise, are voiced or detected, handled or escalated, and their
     outcomes move satisfaction, trust and efficacy;
  4. residents reconsider their rung; civic consciousness grows by taking part;
  5. institutions act (organisations, enterprises, building committees);
  6. measures are collected.
"""

from __future__ import annotations

import contextlib
import gc
import zlib
from collections.abc import Iterator
from typing import Any

import mesa
import numpy as np
from mesa.time import Priority

from agents.committee import ResidentsCommittee
from agents.government import Government
from agents.grid_worker import GridWorker
from agents.resident import Resident
from model import (
    capacities,  # noqa: F401  (registers the C1 measures)
    scenarios_combined,  # noqa: F401  (after the actors: uses their params)
)
from model import measures as measures_mod
from model.actors import INSTALLERS
from model.community import Community
from model.params import MECHANISMS, validate
from model.population import Population
from model.scenarios import scenario_params
from model.services import (
    BUILDING,
    ENTERPRISE,
    GRID,
    ORG,
    CommitteeHandler,
    GovernmentHandler,
    GridHandler,
    IssueBook,
    NoHandler,
    Outcomes,
    SelfHandler,
    ServiceLoop,
)

# Rung utility added by voicing channels (B3) and by the information platform (A1b).
CHANNEL_SUPPORT = (0.0, 0.6, 0.3, 0.3)
PLATFORM_SUPPORT = 0.3


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Millions of long-lived objects and no garbage yet: the cyclic GC would only rescan them.

    Building 1000 x 1000 with the collector on takes ~40% longer (benchmarks/startup_probe.py).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class _Switch:
    """A kept-alive callable that switches one mechanism on (Mesa holds events weakly)."""

    def __init__(self, model: GovernanceModel, name: str) -> None:
        self.model, self.name = model, name

    def __call__(self) -> None:
        self.model.switch_on(self.name)


class GovernanceModel(mesa.Model):
    """Multi-actor community governance (see docs/ODD.md)."""

    def __init__(self, rng: Any = None, **params: Any) -> None:
        self.params = validate(params)
        super().__init__(rng=rng)
        p = self.params
        with _gc_paused():
            self.community = Community(p["width"], p["height"], p["grid_block"],
                                       p["building_block"], random=self.random)
        self.population = Population(self.community, p, self.rng)
        self.issues = IssueBook()
        self.issues_outcomes = Outcomes(self.population.n)
        self.tally = measures_mod.Tally()
        self.mechanisms = dict.fromkeys(MECHANISMS, False)
        self.coordination = 0.0
        self.issue_sources: list = []  # callables(now, rng) -> (households, kinds)
        self.submodels: list = []  # objects with optional prepare(now) / act(now) / switch_on
        self.grid_workers: list[GridWorker] = []
        self.government = Government(self)
        self.committee = ResidentsCommittee(self)
        cells = self.community.grid._cells
        with _gc_paused():
            for i, (x, y) in enumerate(zip(self.community.x.tolist(),
                                           self.community.y.tolist(), strict=True)):
                Resident(self, i, cells[(x, y)])
        self.service_handlers = [
            SelfHandler(self), NoHandler(self, BUILDING), NoHandler(self, ORG),
            NoHandler(self, ENTERPRISE), GridHandler(self), CommitteeHandler(self),
            GovernmentHandler(self),
        ]
        self._add_actors()
        self.services = ServiceLoop(self, self.service_handlers)
        self._switches = {}
        for name in MECHANISMS:
            if not p[name]:
                continue
            start = p[f"{name}_start"]
            if start <= 1:
                self.switch_on(name)
            else:  # on from step `start`: switched just after step start-1 ends
                self._switches[name] = _Switch(self, name)
                self.schedule_event(self._switches[name], at=start - 1, priority=Priority.LOW)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                name: (lambda m, key=name: m.current[key]) for name in measures_mod.MEASURES
            }
        )
        self.current = measures_mod.compute(self)
        self.datacollector.collect(self)

    def _add_actors(self) -> None:
        """The article's other actors plug in: handlers, issue sources and submodels."""
        for install in INSTALLERS:
            install(self)

    @classmethod
    def from_scenario(cls, name: str, rng: Any = None, **overrides: Any) -> GovernanceModel:
        """A model with a named preset's parameters and the user's overrides on top."""
        return cls(rng=rng, **scenario_params(name, **overrides))

    def stream(self, name: str) -> np.random.Generator:
        """An independent random stream for one actor's set-up, fixed by the root seed.

        Draws that define the community (who is a party member, where enterprises stand)
        come from named streams, so the same seed builds the same community whichever
        mechanisms are on: scenario comparisons stay paired (common random numbers).
        """
        root = self.rng.bit_generator.seed_seq
        return np.random.default_rng([*root.generate_state(4), zlib.crc32(name.encode())])

    # --- mechanisms -------------------------------------------------------------------------
    def switch_on(self, name: str) -> None:
        """Switch a mechanism on now; structural ones create their actors."""
        if self.mechanisms[name]:
            return
        self.mechanisms[name] = True
        if name == "grid_management":
            self.grid_workers = [GridWorker(self, g) for g in range(self.community.n_grids)]
        for sub in self.submodels:
            if hasattr(sub, "switch_on"):
                sub.switch_on(name)

    def misroute_probability(self) -> float:
        p = self.params["misroute_prob"]
        if self.mechanisms["responsibility_list"]:
            p *= 0.2
        return p * (1.0 - 0.5 * self.coordination)

    def loss_probability(self) -> float:
        p = self.params["loss_prob"] * (1.0 - self.coordination)
        return p * (0.5 if self.mechanisms["info_platform"] else 1.0)

    def escalation_cost(self) -> float:
        return self.params["cost_escalation"] * (1.0 - 0.5 * self.coordination)

    # --- the step ---------------------------------------------------------------------------
    @property
    def step_count(self) -> int:
        """Steps done so far (model time is one unit per step)."""
        return int(self.time)

    def step(self) -> None:
        now = self.step_count
        self.tally.clear()
        self._prepare(now)
        self.services.step(now)
        if self.grid_workers:
            self.service_handlers[GRID].review()
        self.population.decide(self.rng)
        self.population.learn()
        for sub in self.submodels:
            if hasattr(sub, "act"):
                sub.act(now)
        self.current = measures_mod.compute(self)
        self.datacollector.collect(self)

    def _prepare(self, now: int) -> None:
        pop = self.population
        pop.support[:] = 0.0
        self.government.push_down()
        pop.burden = self.committee.burden
        if self.mechanisms["resident_channels"]:
            for rung in (1, 2):
                pop.support[rung] += CHANNEL_SUPPORT[rung]
            # Consultation among residents: where neighbours take part, self-governance is
            # within reach (B3 level 3).
            pop.support[3] += CHANNEL_SUPPORT[3] * 2 * pop.scope_share_at_least(2)
        if self.mechanisms["info_platform"]:
            pop.support[1] += PLATFORM_SUPPORT
        self.committee.support_residents()
        for sub in self.submodels:
            if hasattr(sub, "prepare"):
                sub.prepare(now)

    def run(self, steps: int) -> None:
        """Advance `steps` steps."""
        for _ in range(steps):
            self.step()

    def household_levels(self) -> np.ndarray:
        """Participation rungs as a (width, height) array, for pictures."""
        c = self.community
        return self.population.level.reshape(c.width, c.height)
