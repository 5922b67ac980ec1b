"""The core's ports: what the core offers an actor, and what it asks of one.

The core knows no actor. An actor is given the model through the `Model` port (what it may
read and change: households, issues, this week's tally, the switches) and plugs back in
through the pieces of `model.actor.Parts`: a `Handler` per stage of the handling chain it
works at, a `ServiceLine` if it reforms the administrative line, and plain callables for
the rest (hooks into the step, issue sources, detection, cheaper voicing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import numpy as np

from model.community import Community
from model.issues import IssueBook
from model.params import CoreParams
from model.population import Population

P = TypeVar("P", bound=CoreParams, covariant=True)

# Hooks into the step (docs/ODD.md 3): called once a week, in the order of the actors.
Hook = Callable[[int], None]  # prepare(now), offer(now), act(now)
Switch = Callable[[str], None]  # a mechanism was switched on now (its name)
MovedOut = Callable[[np.ndarray], None]  # these households were replaced by newcomers
# Issues an actor raises itself (e.g. disputes with firms): (households, kinds) this week.
IssueSource = Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray]]
# Extra weekly chance that each unvoiced issue (rows of the issue book) becomes known;
# None when the actor finds nothing this week.
Detector = Callable[[np.ndarray], np.ndarray | float | None]
VoiceSaving = Callable[[], float]  # share of voicing's time and chance-cost a channel saves


class Tally(defaultdict):
    """Counts of what happened during the current step (reset at its start)."""

    def __init__(self, *_: object) -> None:  # pickle passes the default factory back
        super().__init__(float)


class Model(Protocol[P]):
    """What an actor may use of the model: the port every actor is given.

    `Model[GovernmentParams]` is a model whose parameters include the government's section.
    """

    @property
    def p(self) -> P: ...  # the typed parameters the rules read (model/schema.py)

    params: dict[str, Any]  # the validated parameters as given (for records)
    community: Community
    population: Population
    issues: IssueBook
    tally: Tally
    mechanisms: dict[str, bool]  # each switch as it stands this week
    coordination: float  # how well handlers coordinate (0-1), raised by work meetings
    rng: np.random.Generator
    time: float
    line: ServiceLine
    service_handlers: list[Handler]
    measure_cache: dict[Any, Any]  # this week's rung counts and what measures share

    @property
    def clock(self) -> int: ...

    @property
    def step_count(self) -> int: ...  # weeks since week 0 (negative in the burn-in)

    def stream(self, name: str) -> np.random.Generator: ...

    def voice_cost_factor(self) -> float: ...

    def pay_public(self, amount: float) -> None: ...

    def schedule_event(self, function: Callable, *, at: float, priority: Any = ...) -> Any: ...

    def schedule_recurring(self, function: Callable, schedule: Any, *, priority: Any = ...
                           ) -> Any: ...


class Handler:
    """One stage of the handling chain. Subclasses say who may take an issue and how much.

    `groups` maps issues to handler instances (-1: this stage does not take it, pass it on),
    `capacity` gives each instance's issues per step (None: unlimited).
    """

    stage: int = -1
    public = False  # handled on the public payroll: cost is public
    misroutable = False  # issues can arrive here through the wrong door and bounce (A1a)
    competence = 1.0
    delay = 0

    def __init__(self, model: Model) -> None:
        self.model = model
        self.used = np.zeros(0)  # issues each instance accepted this week

    def groups(self, idx: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def capacity(self) -> np.ndarray | None:
        return None

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray | float:
        return self.competence

    def cost(self) -> float:
        return 0.0

    def handling_delay(self) -> int:
        return self.delay

    def on_resolved(self, idx: np.ndarray, group: np.ndarray) -> None:
        """Hook for handlers that gain something from resolving (fees, reputation)."""


class ServiceLine:
    """The administrative line's frictions: misrouting, losses, hand-over cost and time.

    At baseline they are the schema's rates, eased by coordination (B1). An actor that
    reforms the line (government: responsibility lists, A1a; the platform, A1b) plugs in a
    subclass that scales them (`misroute_factor`, `loss_factor`) or saves weeks
    (`delay_saving`).
    """

    def __init__(self, model: Model) -> None:
        self.model = model

    def misroute_factor(self) -> float:
        return 1.0

    def loss_factor(self) -> float:
        return 1.0

    def delay_saving(self) -> int:
        """Weeks saved on central handling and on each hand-over."""
        return 0

    def misroute_probability(self) -> float:
        m = self.model
        p = m.p
        return (p.misroute_prob * self.misroute_factor()
                * (1.0 - p.coordination_relief * m.coordination))

    def loss_probability(self) -> float:
        m = self.model
        return m.p.loss_prob * (1.0 - m.coordination) * self.loss_factor()

    def escalation_cost(self) -> float:
        m = self.model
        return m.p.cost_escalation * (1.0 - m.p.coordination_relief * m.coordination)

    def escalation_delay(self) -> int:
        """Weeks a hand-over between levels takes (one, less what a reform saves)."""
        return max(0, 1 - self.delay_saving())
