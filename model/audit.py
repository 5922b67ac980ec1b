"""The guard against written-in effects: which rule may write which resident or household array.

A mechanism may change conditions (hours, places, roles, capacity, information), never
residents' minds. A text search cannot enforce that (an alias, `np.add.at`, a write placed
in the core all escape it), so the guard watches what actually changes at run time: every
per-resident and per-household array is snapshotted at each boundary between the model's
phases (each population rule, each step of the service loop, each actor's hook, the step's
own code, and Mesa's scheduled events between steps), and every change is charged to the
phase that made it. `WRITES` says what each phase may write; anything else is a violation.
Attitudes, rungs, fatigue and contacts may be written only by the population's own rules
(model/ladder.py, experience.py, speaking.py, neighbouring.py, voting.py), which read no
mechanism's switch.

Used by tests/test_guard.py; `Audit(model)` works on any model for a researcher too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

# Every array of every resident newcomers replace (population.turnover may write them all).
_MOVE_IN = frozenset({
    "level", "band", "situation", "trust_gov", "trust_nbr", "efficacy", "satisfaction",
    "civic", "fatigue", "invited", "hours", "cost_shift", "threshold", "party",
    "sociability", "employer", "steer", "contacts_now", "done.speak", "done.activity",
    "done.role", "contacts.ring", "contacts.total", "tenure", "last_contact",
    "reported.report"})

WRITES: dict[str, frozenset[str]] = {
    # the population's rules
    "population.decide": frozenset({"level", "last_move", "offers.place_of", "offers.role_of",
                                    "offers.place_pool"}),
    "population.speak_up": frozenset({"efficacy"}),
    "population.remember": frozenset({"done.speak", "done.activity", "done.role"}),
    "population.spend_time": frozenset({"fatigue"}),
    "population.learn": frozenset({"civic"}),
    "population.act_together": frozenset({"trust_nbr"}),
    "population.meet_neighbours": frozenset({"contacts_now", "contacts.ring",
                                             "contacts.total", "trust_nbr"}),
    "population.apply_outcomes": frozenset({"satisfaction", "trust_gov", "trust_nbr",
                                            "efficacy", "fatigue", "grid_record"}),
    "population.invite": frozenset({"invited"}),
    "population.canvass": frozenset({"invited"}),
    "population.vote": frozenset({"civic"}),
    "population.served": frozenset({"satisfaction"}),
    "population.turnover": _MOVE_IN,
    # the service loop: contact and what is open (conditions, not minds)
    "services.arise": frozenset({"last_contact", "reported.report"}),
    "services.detect": frozenset({"last_contact"}),
    "services.finish": frozenset({"last_contact"}),
    "services.step": frozenset({"open_issues", "open_affairs"}),
    # the step's preparation: this week's hours
    "model.prepare": frozenset({"extra_hours", "rung_hours"}),
    # firms give paid volunteer hours to their staff (B4 ii): time, a condition
    "enterprises.prepare": frozenset({"extra_hours"}),
}

_POPULATION_RULES = ("decide", "speak_up", "remember", "spend_time", "learn", "act_together",
                     "meet_neighbours", "apply_outcomes", "invite", "canvass", "vote",
                     "served", "turnover")
_SERVICE_STEPS = ("arise", "detect", "process", "finish", "abandon")
# The model's lists of the actors' hooks, and the hook each holds.
_HOOK_LISTS = (("_prepare", "prepare"), ("_offer", "offer"), ("_act", "act"),
               ("_switch_on", "switch_on"), ("_moved_out", "moved_out"))


def arrays(pop: Any) -> Iterator[tuple[str, np.ndarray]]:
    """Every array the population holds about residents and households, by name."""
    for name, value in vars(pop).items():
        if name.startswith("_") or name in ("everyone", "home", "adults", "grid_of",
                                            "building_of", "building_residents"):
            continue  # scratch space and fixed structure
        if isinstance(value, np.ndarray):
            yield name, value
        elif hasattr(value, "week"):  # LastDone
            for kind, arr in value.week.items():
                yield f"{name}.{kind}", arr
        elif hasattr(value, "ring"):  # YearOfCounts
            yield f"{name}.ring", value.ring
            yield f"{name}.total", value.total
        elif name == "offers":
            for part in ("place_of", "role_of", "place_pool"):
                yield f"offers.{part}", getattr(value, part)


def snapshot(pop: Any) -> dict[str, np.ndarray]:
    return {name: arr.copy() for name, arr in arrays(pop)}


def changed(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> list[str]:
    return [k for k, v in after.items()
            if k not in before or v.shape != before[k].shape
            or not np.array_equal(v, before[k], equal_nan=True)]


class Audit:
    """Watch a model's phases and record every write a phase is not allowed to make.

    `violations` collects (phase, array, week) triples. Install before stepping; the model
    runs as usual (slower: every boundary copies every array).
    """

    def __init__(self, model: Any, writes: dict[str, frozenset[str]] | None = None) -> None:
        self.model, self.pop = model, model.population
        self.writes = WRITES if writes is None else writes
        self.violations: list[tuple[str, str, int]] = []
        self.stack: list[str] = []
        self.last: dict[str, np.ndarray] | None = None
        self.phases: set[str] = set()
        self._install()

    # --- the timeline -------------------------------------------------------------------
    def boundary(self, owner: str) -> None:
        """Charge every change since the last boundary to `owner`."""
        now = snapshot(self.pop)
        if self.last is not None:
            allowed = self.writes.get(owner, frozenset())
            for name in changed(self.last, now):
                if name not in allowed:
                    self.violations.append((owner, name, int(self.model.time)))
        self.last = now

    def wrap(self, name: str, fn: Callable) -> Callable:
        self.phases.add(name)

        def watched(*args: Any, **kwargs: Any) -> Any:
            self.boundary(self.stack[-1] if self.stack else "between steps (scheduled events)")
            self.stack.append(name)
            try:
                return fn(*args, **kwargs)
            finally:
                self.boundary(name)
                self.stack.pop()

        return watched

    def _install(self) -> None:
        m, pop = self.model, self.pop
        for rule in _POPULATION_RULES:
            if hasattr(pop, rule):
                setattr(pop, rule, self.wrap(f"population.{rule}", getattr(pop, rule)))
        loop = m.services
        for part in _SERVICE_STEPS:
            setattr(loop, part, self.wrap(f"services.{part}", getattr(loop, part)))
        loop.step = self.wrap("services.step", loop.step)
        m._prepare_week = self.wrap("model.prepare", m._prepare_week)
        for attr, hook in _HOOK_LISTS:
            setattr(m, attr, [self.wrap(f"{actor_name(f)}.{hook}", f)
                              for f in getattr(m, attr)])
        m._user_step = self.wrap("model.step", m._user_step)
        self.last = snapshot(pop)


def actor_name(hook: Callable) -> str:
    """The actor a hook belongs to: its object's module under agents/ (agents.enterprises.
    sector -> enterprises; agents.committee -> committee)."""
    owner = getattr(hook, "__self__", hook)
    parts = type(owner).__module__.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "agents" else parts[-1]
