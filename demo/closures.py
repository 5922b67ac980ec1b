"""This week's closed issues, which the issue book drops at the end of each step.

`m.issues` keeps open issues only: rows closed during a step (settled, given up, lost) are
removed when the step ends, before the demo can look. To show where issues were settled and
each household's issues with their fate, the demo copies the rows that the book's `keep`
is about to drop (it is called once per step with the rows to keep). Without a `keep` (a
changed issue book) the demo still works and shows open issues only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from governance import GovernanceModel

COLUMNS = ("household", "kind", "stage", "handler", "created", "done_at", "known", "reported")


class ClosedIssues:
    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        self.rows: dict[str, np.ndarray] = {}
        self.week = -1
        book = model.issues
        keep = getattr(book, "keep", None)
        self.available = callable(keep)
        if not self.available:
            return

        def watched(mask: np.ndarray) -> None:
            drop = ~np.asarray(mask, dtype=bool)
            self.rows = {c: np.asarray(getattr(book, c))[drop].copy() for c in COLUMNS}
            self.week = model.step_count  # the week being stepped (time advances first)
            keep(mask)

        book.keep = watched

    def this_week(self) -> dict[str, np.ndarray]:
        """Rows closed during the last step (empty before the first step)."""
        if self.week != self.model.step_count or not self.rows:
            return {c: np.zeros(0, dtype=np.int64) for c in COLUMNS}
        return self.rows


def is_settled(rows: dict[str, np.ndarray]) -> np.ndarray:
    """Which closed rows were settled (the rest were given up or lost).

    The book keeps `handler` from the moment handling starts, and `done_at` >= 0 marks an
    issue being handled (the model's `finish` closes only those); a row closed with a
    handler but no valid `done_at` was given up, not settled.
    """
    return (np.asarray(rows["handler"]) >= 0) & (np.asarray(rows["done_at"]) >= 0)
