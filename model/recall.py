"""What residents did recently, as a survey would ask it: "at least once in the last 26 (52)
weeks" and "how often in the last year".

Surveys report period prevalences (did you take part in the last six months?), not the
share doing something in a given week; the two differ by a factor of two or more for
occasional acts. So the model keeps, per resident, the last week each act was done, and for
frequent acts (contact with neighbours) the counts of the last 52 weeks in a ring buffer.
A newcomer has done nothing here yet.
"""

from __future__ import annotations

import numpy as np

NEVER = np.iinfo(np.int32).min // 2  # far enough in the past for any window
YEAR = 52


class LastDone:
    """The last week each resident did each kind of act (e.g. rung >= 1, reported)."""

    def __init__(self, n: int, kinds: tuple[str, ...]) -> None:
        self.kinds = kinds
        self.week = {k: np.full(n, NEVER, dtype=np.int32) for k in kinds}

    def mark(self, kind: str, who: np.ndarray, week: int) -> None:
        """`who`: a boolean mask over residents, or their indices."""
        if isinstance(who, np.ndarray) and who.dtype == bool:
            # w += who * (week - w): exact integer arithmetic (int32 wraps, and still lands
            # on `week`), a few times faster than np.putmask's masked write, which branches
            # on every element of a mask that is random to the CPU.
            w = self.week[kind]
            step = week - w
            step *= who.astype(np.int32)
            w += step
        else:
            self.week[kind][who] = week

    def within(self, kind: str, now: int, weeks: int) -> np.ndarray:
        """Per resident: done at least once in weeks now-weeks+1 .. now."""
        return self.week[kind] > now - weeks

    def forget(self, who: np.ndarray) -> None:
        """Newcomers: nothing done here yet."""
        for arr in self.week.values():
            arr[who] = NEVER


class YearOfCounts:
    """Per resident, how many times an act was done in each of the last 52 weeks.

    A ring buffer of 52 weekly counts (uint8, capped at 255 a week) and their running sum,
    so "contact at least weekly over the year" (>= 52 contacts) and "almost never" (<= 1)
    are read off the sum.
    """

    def __init__(self, n: int) -> None:
        self.ring = np.zeros((YEAR, n), dtype=np.uint8)
        self.total = np.zeros(n, dtype=np.int32)
        self.slot = 0

    def push(self, counts: np.ndarray) -> None:
        """This week's counts replace those of 52 weeks ago."""
        c = np.minimum(counts, 255).astype(np.uint8)
        self.total -= self.ring[self.slot]
        self.total += c
        self.ring[self.slot] = c
        self.slot = (self.slot + 1) % YEAR

    def forget(self, who: np.ndarray) -> None:
        self.ring[:, who] = 0
        self.total[who] = 0
