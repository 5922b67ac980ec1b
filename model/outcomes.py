"""Per-household outcomes of one week's issues, turned into state changes at once."""

from __future__ import annotations

import itertools

import numpy as np

from model.issues import IS_NEIGHBOURS_MATTER
from model.population import Population


class Outcomes:
    """Per-household outcome counts of one step, turned into state changes at once."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parts: dict[str, list[np.ndarray]] = {}

    def _add(self, key: str, households: np.ndarray) -> None:
        self.parts.setdefault(key, []).append(households)

    def resolved(self, hh: np.ndarray, reported: np.ndarray, neighbourly: np.ndarray,
                 kind: np.ndarray) -> None:
        self._add("resolved", hh)
        self._add("reported_resolved", hh[reported])
        self._add("public_resolved", hh[~neighbourly])
        neighbour = IS_NEIGHBOURS_MATTER[kind] & neighbourly
        self._add("neighbour_resolved", hh[neighbour])

    def failed(self, hh: np.ndarray, reported: np.ndarray, known: np.ndarray,
               kind: np.ndarray) -> None:
        self._add("failed", hh)
        self._add("reported_failed", hh[reported])
        self._add("known_failed", hh[known])
        self._add("neighbour_failed", hh[IS_NEIGHBOURS_MATTER[kind] & known])

    def flush(self, population: Population, unknown: np.ndarray, felt: np.ndarray) -> None:
        """Apply this step's outcomes to the households they concern, and only to those.

        `unknown` lists the household of every open issue nobody knows about (a household
        appears once per such issue); `felt`, those of them old enough to be felt as
        government's failure (trust_rule "felt_problems"; empty otherwise). Most
        households have no outcome in a given week, so the work is proportional to
        outcomes, not to the community's size.
        """
        self._add("waiting_unknown", unknown)
        self._add("felt_waiting", felt)
        keys = list(self.parts)
        chunks = [np.concatenate(self.parts[k]) for k in keys]
        every = np.concatenate(chunks)
        # The sorted distinct households and each entry's place among them, by marking
        # (linear in the community's size) rather than by sorting the entries.
        present = np.zeros(population.households, dtype=bool)
        present[every] = True
        households = present.nonzero()[0]
        place = np.empty(population.households, dtype=np.intp)
        place[households] = np.arange(len(households))
        where = place[every]
        bounds = [0, *itertools.accumulate(len(c) for c in chunks)]
        counts = {k: np.bincount(where[bounds[i]:bounds[i + 1]], minlength=len(households))
                  for i, k in enumerate(keys)}
        population.apply_outcomes(households, counts)
        self.parts = {}
