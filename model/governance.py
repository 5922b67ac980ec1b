"""GovernanceModel: builds the community, its residents and institutions; one step = a week.

One step, in order (docs/ODD.md, "Process overview"):
  1. scheduled institutional events and phased-in mechanisms (Mesa event scheduling);
  2. institutions prepare: government pushes administrative work down, channels set what
     voicing costs, the Party's coordination drifts;
  3. the service loop: issues arise, are voiced or detected, handled or escalated, and their
     outcomes move satisfaction, trust, efficacy and fatigue;
  4. institutions offer places at activities and roles from the time and money they have;
  5. households reconsider their rung and take up places and roles; fatigue, civic
     consciousness and neighbourly trust follow what they did;
  6. institutions act (organisations, enterprises, building committees), then households
     move out and newcomers move in;
  7. measures are collected.
The actors live in `agents/`, each in one home; this module composes them (`ACTORS`) and is
the only part of the core that imports them.
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

import agents.buildings as buildings
import agents.committee as committee
import agents.enterprises as enterprises
import agents.government as government
import agents.grid_worker as grid_worker
import agents.organizations as organizations
import agents.party as party
from agents.resident import Resident
from model import (
    capacities,  # noqa: F401  (registers the C1 measures)
    scenarios_combined,  # noqa: F401  (after the actors: uses their params)
)
from model import measures as measures_mod
from model.community import Community
from model.explain import explain_household
from model.params import MECHANISMS, PARAMS, validate
from model.population import Population
from model.scenarios import scenario_params
from model.services import (
    STAGES,
    IssueBook,
    NoHandler,
    Outcomes,
    SelfHandler,
    ServiceLoop,
)

# Installed in this order (handlers, submodels, issue sources, recurring events).
ACTORS = (government, committee, grid_worker, party, buildings, organizations, enterprises)


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
        # objects with optional prepare(now), offer(now), act(now), switch_on(name),
        # moved_out(households)
        self.submodels: list = []
        self.grid_workers: list = []
        cells = self.community.grid._cells
        with _gc_paused():
            for i, (x, y) in enumerate(zip(self.community.x.tolist(),
                                           self.community.y.tolist(), strict=True)):
                Resident(self, i, cells[(x, y)])
        # Stages without an actor pass every issue on; the actors replace theirs.
        self.service_handlers = [SelfHandler(self)] + [NoHandler(self, s)
                                                 for s in range(1, len(STAGES))]
        for actor in ACTORS:
            actor.install(self)
        self.services = ServiceLoop(self, self.service_handlers)
        self.burn_in = p["burn_in"]
        with _gc_paused():  # every mechanism off: the baseline institutions settle
            fast = max(0, self.burn_in - p["spinup_settle"])
            with self._slow_rates_sped_up(p["spinup_speedup"]):
                self.run(fast)
            self.run(self.burn_in - fast)
        self._switches = {}
        for name in MECHANISMS:
            if not p[name]:
                continue
            start = p[f"{name}_start"]
            if start <= 1:
                self.switch_on(name)
            else:  # on from week `start`: switched just after week start-1 ends
                self._switches[name] = _Switch(self, name)
                self.schedule_event(self._switches[name], at=self.burn_in + start - 1,
                                    priority=Priority.LOW)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                name: (lambda m, key=name: m.current[key]) for name in measures_mod.MEASURES
            }
        )
        self.current = measures_mod.compute(self)
        self.datacollector.collect(self)

    @contextlib.contextmanager
    def _slow_rates_sped_up(self, factor: float) -> Iterator[None]:
        """Accelerated spin-up: every slow rate (schema `slow=True`) times `factor`.

        Trust, efficacy, satisfaction and civic consciousness take years to settle; speeding
        up all of them and turnover alike leaves the balance they settle at nearly where it
        is (each is a pull toward targets set by the fast state, against replacement by
        newcomers), while the fast state (ladder, issues, fatigue) runs at its own pace.
        Rates are capped at their schema maximum, and restored when the block ends.
        """
        p = self.params
        saved = {s.name: p[s.name] for s in PARAMS.values() if s.slow}
        try:
            for s in PARAMS.values():
                if s.slow:
                    p[s.name] = min(p[s.name] * factor, s.high)
            yield
        finally:
            p.update(saved)

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
        for sub in self.submodels:
            if hasattr(sub, "switch_on"):
                sub.switch_on(name)

    def voice_cost_factor(self) -> float:
        """What voicing costs (time and chance) relative to no channels (A1b, B3)."""
        return (1.0 - self.government.voice_saving()) * (1.0 - self.committee.voice_saving())

    # --- the step ---------------------------------------------------------------------------
    @property
    def clock(self) -> int:
        """The model's own week counter from the first burn-in week (never negative): what
        issues, contracts and projects are timed by. Inside a step, the week being run."""
        return int(self.time)

    @property
    def step_count(self) -> int:
        """Weeks done since week 0 (the end of the burn-in; negative during it). Inside a
        step it is the number of the week being run, from 1 (Mesa advances time first)."""
        return int(self.time) - getattr(self, "burn_in", 0)

    def step(self) -> None:
        now = self.clock
        pop = self.population
        self.tally.clear()
        self._prepare(now)
        self.services.step(now)
        pop.offers.clear()
        for sub in self.submodels:
            if hasattr(sub, "offer"):
                sub.offer(now)
        pop.offers.add_roles("self_organised", self.community.building_of,
                             pop.self_organised_roles())
        pop.decide(self.rng)
        pop.spend_time()
        pop.learn()
        pop.neighbourly_contact()
        for sub in self.submodels:
            if hasattr(sub, "act"):
                sub.act(now)
        gone = pop.turnover(self.rng)
        if len(gone):
            for sub in self.submodels:
                if hasattr(sub, "moved_out"):
                    sub.moved_out(gone)
        if self.step_count > 0:  # recorded from week 1; week 0 is the state the burn-in left
            self.current = measures_mod.compute(self)
            self.datacollector.collect(self)

    def _prepare(self, now: int) -> None:
        pop, p = self.population, self.params
        pop.extra_hours[:] = 0.0
        self.government.push_down()
        pop.rung_hours[1] = p["hours_voice"] * self.voice_cost_factor()
        pop.rung_hours[2] = p["hours_guided"]
        pop.rung_hours[3] = p["hours_self"]
        for sub in self.submodels:
            if hasattr(sub, "prepare"):
                sub.prepare(now)

    def explain_household(self, i: int) -> dict[str, Any]:
        """Why household i stands where it does: its state, each term of its last decision."""
        return explain_household(self, i)

    def run(self, steps: int) -> None:
        """Advance `steps` steps."""
        for _ in range(steps):
            self.step()

    def household_levels(self) -> np.ndarray:
        """Participation rungs as a (width, height) array, for pictures."""
        c = self.community
        return self.population.level.reshape(c.width, c.height)
