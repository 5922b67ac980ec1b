"""The handlers the core needs whatever actors exist: households themselves, an empty
stage, and the shape of a central office's queue that actors' offices take.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model.issues import ENTERPRISE_DISPUTE, PUBLIC_SERVICE, SELF
from model.ports import Handler, Model


class SelfHandler(Handler):
    """Households with a self-governing resident (rung 3) settle their own non-public
    issues."""

    stage = SELF

    def groups(self, idx: np.ndarray) -> np.ndarray:
        book, pop = self.model.issues, self.model.population
        # households with a resident on rung 3, by marking theirs (a float count over every
        # resident, tested > 0, gives the same booleans at ~20x the cost)
        governing = np.zeros(pop.households, dtype=bool)
        governing[pop.home[pop.level == 3]] = True
        ok = governing[book.household[idx]] & (book.kind[idx] != PUBLIC_SERVICE)
        ok &= book.kind[idx] != ENTERPRISE_DISPUTE
        return np.where(ok, 0, -1)

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray | float:
        return self.model.p.self_competence


class NoHandler(Handler):
    """A stage whose actors do not exist in this run: every issue passes on."""

    def __init__(self, model: Model, stage: int) -> None:
        super().__init__(model)
        self.stage = stage

    def groups(self, idx: np.ndarray) -> np.ndarray:
        return np.full(len(idx), -1)


class CentralHandler(Handler):
    """One office serving the whole community from one queue, on the public payroll.

    Issues reach it through the administrative line, so they can come through the wrong
    door (misrouting, A1a), and a reform of the line can shorten its handling (A1b). The
    office says how many issues it takes a week (`capacity`); a subclass says how much it
    can settle, at what cost and in how many weeks of its own (`weeks`).
    """

    public = True
    misroutable = True

    def __init__(self, model: Model, capacity: Callable[[], float]) -> None:
        super().__init__(model)
        self._capacity = capacity

    def groups(self, idx: np.ndarray) -> np.ndarray:
        return np.zeros(len(idx), dtype=np.int64)

    def capacity(self) -> np.ndarray:
        return np.array([self._capacity()])

    def weeks(self) -> int:
        """Weeks the office takes to settle an issue it accepts, before any reform."""
        raise NotImplementedError

    def handling_delay(self) -> int:
        return max(0, self.weeks() - self.model.line.delay_saving())
