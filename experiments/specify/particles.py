"""Which posterior particle each replicate runs with (issue 19, item 7).

A claim about parameter uncertainty needs many distinct parameter sets: six independent
weighted draws from a posterior whose heaviest particle carries a fifth of the weight give
three or four distinct sets, and "the sign holds in every draw" then says little. So the
draws are made to spread:

1. *Distinct sets.* Rows with identical parameter values are one particle (their weights
   summed); a particle is named by its first row in the file. Zero-weight rows are never
   drawn.
2. *Systematic resampling* (Kitagawa 1996; Douc, Cappe and Moulines 2005) of the K
   distinct particles to K equally weighted slots, with one uniform offset: particle i gets
   floor(K w_i) or ceil(K w_i) slots, K w_i on average. Each slot is then an equally
   weighted draw from the posterior, so every replicate counts once in the analysis (no
   importance weights), and the light particles are dropped or kept by chance, not by rank.
3. *A random order of the slots.* Replicate r takes slot r of that order. Every prefix of
   replicates is a sample without repeats of slots, so the first N replicates hold N
   distinct particles unless the posterior really puts more than 1/K of its weight on some
   of them (then that particle fills several slots, as it should).
4. *Cycles.* Replicates K..2K-1 use a second resampling and order, and so on.

Offset and order of cycle c come from `SeedSequence(root_seed, spawn_key=(DRAW_KEY, c))`,
a stream no run uses (the replicates' own seeds are children (1, r) of the root). The draw
of replicate r depends on the root seed, r and the posterior only: adding replicates never
changes the draws of earlier ones, and every scenario and design point of replicate r runs
with the same particle and the same seed (paired comparisons).

How many replicates give MIN_DISTINCT distinct particles is computed before any run
(`replicates_for`), from the same draws, so a job can ask for "30 distinct particles" and
get the smallest number of replicates that holds them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

DRAW_KEY = 0x9057  # spawn key of the draw stream, so it never equals a run's own stream
MIN_DISTINCT = 30  # distinct particles below which no report claims parameter uncertainty
MAX_CYCLES = 8  # replicates_for gives up after this many passes over the slots


def distinct(values: pd.DataFrame, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct parameter set with positive weight, its summed weight,
    normalised), in file order."""
    keys = pd.Series([tuple(map(repr, row)) for row in values.itertuples(index=False)])
    first = keys.groupby(keys, sort=False).ngroup().to_numpy()
    mass = np.bincount(first, weights=np.asarray(weights, dtype=float))
    rows = np.unique(first, return_index=True)[1]  # groups are numbered by first sight
    keep = mass > 0
    return rows[keep], mass[keep] / mass[keep].sum()


def cycle_order(rows: np.ndarray, mass: np.ndarray, root_seed: int, cycle: int) -> np.ndarray:
    """The particle (first row) of each slot of cycle `cycle`, in replicate order."""
    k = len(rows)
    rng = np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=(DRAW_KEY, cycle)))
    positions = (rng.random() + np.arange(k)) / k
    cdf = np.cumsum(mass)
    cdf[-1] = 1.0  # rounding must not leave a position beyond the last particle
    slots = np.searchsorted(cdf, positions, side="right")
    return rows[slots[rng.permutation(k)]]


def draws(rows: np.ndarray, mass: np.ndarray, root_seed: int,
          replicates: Iterable[int]) -> list[int]:
    """The particle of each replicate index, in the order given."""
    k = len(rows)
    orders: dict[int, np.ndarray] = {}
    out = []
    for r in replicates:
        c = r // k
        if c not in orders:
            orders[c] = cycle_order(rows, mass, root_seed, c)
        out.append(int(orders[c][r % k]))
    return out


def replicates_for(rows: np.ndarray, mass: np.ndarray, root_seed: int,
                   wanted: int = MIN_DISTINCT) -> int | None:
    """The smallest number of replicates whose draws hold `wanted` distinct particles, or
    None when the posterior cannot give them (fewer distinct particles than `wanted`, or
    so concentrated that MAX_CYCLES passes over its slots do not reach them)."""
    if len(rows) < wanted:
        return None
    seen: set[int] = set()
    for c in range(MAX_CYCLES):
        for i, p in enumerate(cycle_order(rows, mass, root_seed, c)):
            seen.add(int(p))
            if len(seen) >= wanted:
                return c * len(rows) + i + 1
    return None
