"""CommunityModel: the core's model of one community; one step is a week.

One step, in order (docs/ODD.md, "Process overview"):
  1. scheduled institutional events and phased-in mechanisms (Mesa event scheduling);
  2. prepare: the week's time and what each rung takes; actors prepare (government pushes
     administrative work down, the Party's coordination drifts, firms release hours);
  3. the service loop: problems arise, are reported or detected, handled or escalated, and
     their outcomes move satisfaction, trust, efficacy and fatigue;
  4. offer: actors offer places at activities, roles, and time to answer suggestions;
  5. residents reconsider their rung and take up places and roles; those who speak up make
     suggestions, answered or not; fatigue, civic consciousness and trust in neighbours
     follow what they did; they meet their neighbours;
  6. act: actors act (organisations, enterprises, building committees, grid workers,
     elections);
  7. turnover: households move out and newcomers move in (actors hear of it: moved_out);
  8. measures are collected.
The model knows no actor: its class names a house (model/house.py), whose actors it
installs in order and meets only through the ports (model/ports.py). The composition root
(governance/) gives the house of the article's actors: `governance.GovernanceModel`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import zlib
from collections.abc import Iterator
from typing import Any, ClassVar

import mesa
import numpy as np
from mesa.time import Priority

from model import settled
from model.actor import Parts
from model.community import Community
from model.explain import explain_household, explain_resident
from model.handlers import NoHandler, SelfHandler
from model.house import House
from model.issues import STAGES, IssueBook
from model.measures import level_cache
from model.params import CoreParams
from model.population import Population
from model.ports import Detector, Hook, IssueSource, MovedOut, ServiceLine, Switch, Tally
from model.resident import Household
from model.services import ServiceLoop


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

    def __init__(self, model: CommunityModel, name: str) -> None:
        self.model, self.name = model, name

    def __call__(self) -> None:
        self.model.switch_on(self.name)


class CommunityModel(mesa.Model):
    """A community with its households, issues and the actors of its house (docs/ODD.md)."""

    house: ClassVar[House]  # set by a subclass (the composition root's GovernanceModel)

    def __init__(self, rng: Any = None, **params: Any) -> None:
        house = self.house
        self.params = house.validate(params)
        super().__init__(rng=rng)
        k = settled.key(self.params, rng, set(house.mechanisms))
        blob = settled.get(k) if k is not None else None
        wanted = self.params
        if blob is not None and settled.restore(self, blob):  # the same burn-in ran before
            self.params = wanted
            self._use(house.parameters(**wanted))  # the switches of this run
            self._measures = self._measure_readers()
        else:
            self._build(house)
            self._burn_in()
            if k is not None and settled.worth_saving(self.population.households):
                settled.put(k, settled.dump(self))
        self._switches = {}
        for name in house.mechanisms:
            if not self.params[name]:
                continue
            start = self.params[f"{name}_start"]
            if start <= 1:
                self.switch_on(name)
            else:  # on from week `start`: switched just after week start-1 ends
                self._switches[name] = _Switch(self, name)
                self.schedule_event(self._switches[name], at=self.burn_in + start - 1,
                                    priority=Priority.LOW)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                name: (lambda m, key=name: m.current[key]) for name in house.measures
            }
        )
        self.current = self.measure()
        self.datacollector.collect(self)

    def _build(self, house: House) -> None:
        """The community, its residents and the house's actors, before the burn-in."""
        p = self.p = house.parameters(**self.params)
        with _gc_paused():
            self.community = Community(p.width, p.height, p.grid_block, p.building_block,
                                       random=self.random)
        self.population = Population(self.community, p, self.rng)
        self.issues = IssueBook()
        self.tally = Tally()
        self.mechanisms = dict.fromkeys(house.mechanisms, False)
        self.coordination = 0.0
        self.burn_in = p.burn_in
        cells = self.community.grid._cells
        with _gc_paused():
            for i, (x, y) in enumerate(zip(self.community.x.tolist(),
                                           self.community.y.tolist(), strict=True)):
                Household(self, i, cells[(x, y)])
        self._install(house)

    def _burn_in(self) -> None:
        """`burn_in` weeks under the baseline institutions (every mechanism off), so week 0
        is the baseline's steady state (docs/ODD.md 5); an optional accelerated spin-up
        (`spinup_speedup` > 1) runs its first weeks with the slow rates sped up."""
        p = self.p
        with _gc_paused():  # every mechanism off: the baseline institutions settle
            fast = max(0, self.burn_in - p.spinup_settle) if p.spinup_speedup > 1 else 0
            with self._slow_rates_sped_up(p.spinup_speedup):
                self.run(fast)
            self.run(self.burn_in - fast)

    def _install(self, house: House) -> None:
        """Install the house's actors in order and plug their parts into the ports."""
        # Stages without an actor pass every issue on; the actors replace theirs.
        self.service_handlers = [SelfHandler(self)] + [NoHandler(self, s)
                                                       for s in range(1, len(STAGES))]
        self.line = ServiceLine(self)
        self._prepare: list[Hook] = []
        self._offer: list[Hook] = []
        self._act: list[Hook] = []
        self._switch_on: list[Switch] = []
        self._moved_out: list[MovedOut] = []
        self._voice: list = []
        detectors: list[Detector] = []
        sources: list[IssueSource] = []
        faces: dict[str, object] = {}
        self.shown: dict[str, str] = {}  # attribute an actor shows -> that actor's name
        taken = [False] * len(STAGES)
        for actor in house.actors:
            parts: Parts = actor.install(self, **{n: faces[n] for n in actor.needs})
            faces[actor.name] = parts.face
            for name, value in parts.public.items():
                if hasattr(self, name):
                    raise ValueError(f"actor {actor.name!r} shows {name!r}, which is taken")
                setattr(self, name, value)
                self.shown[name] = actor.name
            for handler in parts.handlers:
                if taken[handler.stage]:
                    raise ValueError(f"two actors handle stage {STAGES[handler.stage]!r}")
                taken[handler.stage] = True
                self.service_handlers[handler.stage] = handler
            if parts.line is not None:
                self.line = parts.line
            for hooks, hook in ((self._prepare, parts.prepare), (self._offer, parts.offer),
                                (self._act, parts.act), (self._switch_on, parts.switch_on),
                                (self._moved_out, parts.moved_out),
                                (self._voice, parts.voice_saving), (detectors, parts.detect),
                                (sources, parts.issues)):
                if hook is not None:
                    hooks.append(hook)
        self.services = ServiceLoop(self, self.service_handlers, detectors, sources)
        self._faces = faces
        self._measures = self._measure_readers()

    def _measure_readers(self) -> list:
        """(name, tally key, function, subject) of every measure, in the house's order."""
        return [(m.name, m.tally, m.fn, self._faces[m.actor] if m.actor else self)
                for m in self.house.measures.values()]

    @contextlib.contextmanager
    def _slow_rates_sped_up(self, factor: float) -> Iterator[None]:
        """Accelerated spin-up: every slow rate (schema `slow=True`) times `factor`.

        Trust, efficacy, satisfaction, civic consciousness and trust in neighbours take
        years to settle, and so does the mix of old-timers and newcomers. Speeding all of
        them alike, turnover included, and letting the clock of years lived here run
        `factor` times faster too, keeps every linear balance (each is a pull toward targets
        set by the fast state, against replacement by newcomers) while the fast state keeps
        its pace; lumpy ones are not kept (the settle study), so the default is off. Rates
        are capped at their schema maximum, and restored when the block ends.
        """
        normal = self.p
        fast = {s.name: min(getattr(normal, s.name) * factor, s.high)
                for s in self.house.params.values() if s.slow}
        try:
            self._use(dataclasses.replace(normal, **fast))
            self.population.tenure_step = max(1, round(factor))
            yield
        finally:
            self._use(normal)
            self.population.tenure_step = 1

    def _use(self, p: CoreParams) -> None:
        self.p = p
        self.population.p = p

    @classmethod
    def from_scenario(cls, name: str, rng: Any = None, **overrides: Any) -> CommunityModel:
        """A model with a named preset's parameters and the user's overrides on top."""
        return cls(rng=rng, **cls.house.scenario_params(name, **overrides))

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
        for hook in self._switch_on:
            hook(name)

    def voice_cost_factor(self) -> float:
        """What speaking up and reporting cost (time and chance) relative to no channels
        (A1b, B3)."""
        factor = 1.0
        for saving in self._voice:
            factor *= 1.0 - saving()
        return factor

    def pay_public(self, amount: float) -> None:
        """Public money paid this week outside issue handling (grants, rewards, contracts):
        part of the public cost (`gov_admin_cost`) and of the cost per resolved issue."""
        self.tally["public_payments"] += amount

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
        return int(self.time) - self.burn_in

    def step(self) -> None:
        now = self.clock
        pop = self.population
        self.tally.clear()
        self._prepare_week(now)
        self.services.step(now)
        pop.offers.clear()
        for hook in self._offer:
            hook(now)
        pop.offers.add_roles("self_organised", self.community.building_of,
                             pop.self_organised_roles())
        pop.decide(self.rng)
        made, answered = pop.speak_up(self.rng)
        self.tally["suggestions_made"] += made
        self.tally["suggestions_answered"] += answered
        pop.remember(now)
        pop.spend_time()
        pop.learn()
        pop.act_together()
        pop.meet_neighbours(self.rng)
        for hook in self._act:
            hook(now)
        gone = pop.turnover(self.rng)
        if len(gone):
            for hook in self._moved_out:
                hook(gone)
        if self.step_count > 0:  # recorded from week 1; week 0 is the state the burn-in left
            self.current = self.measure()
            self.datacollector.collect(self)

    def _prepare_week(self, now: int) -> None:
        pop, p = self.population, self.p
        pop.extra_hours[:] = 0.0
        pop.reply_capacity = 0.0
        pop.rung_hours[1] = p.hours_speak * self.voice_cost_factor()
        pop.rung_hours[2] = p.hours_guided
        pop.rung_hours[3] = p.hours_self
        for hook in self._prepare:
            hook(now)

    def measure(self) -> dict[str, float]:
        """Every measure for the model's current state, in the house's order."""
        self.measure_cache = level_cache(self)
        tally = self.tally
        return {name: float(tally[key] if key is not None else fn(subject))
                for name, key, fn, subject in self._measures}

    def explain_resident(self, i: int) -> dict[str, Any]:
        """Why resident i stands where they do: their state, each term of their decision."""
        return explain_resident(self, i)

    def explain_household(self, i: int) -> dict[str, Any]:
        """Household i: who lives there, its problems, its most engaged resident's decision."""
        return explain_household(self, i)

    def run(self, steps: int) -> None:
        """Advance `steps` steps."""
        for _ in range(steps):
            self.step()

    def household_levels(self) -> np.ndarray:
        """Each household's highest rung among its residents, as a (width, height) array,
        for pictures."""
        c, pop = self.community, self.population
        top = np.zeros(pop.households, dtype=np.int8)
        np.maximum.at(top, pop.home, pop.level)
        return top.reshape(c.width, c.height)
