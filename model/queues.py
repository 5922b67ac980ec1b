"""Queues in array form: stable order by group, rank within a group, whole capacities.

Both the service loop's intake (issues per handler) and the allocation of places and roles
(households per pool) serve many queues at once; these helpers do it without a Python loop
over queues.
"""

from __future__ import annotations

import numpy as np

_UINT16_MAX = int(np.iinfo(np.uint16).max)  # np.iinfo costs microseconds per call


def group_order(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Stable order by group id: equal ids keep their order of arrival.

    With fewer than 65,536 groups the ids are sorted as uint16, which numpy sorts by radix
    (linear time, about ten times faster than its merge sort on 64-bit ints).
    """
    if n_groups <= _UINT16_MAX:
        group = group.astype(np.uint16)
    return np.argsort(group, kind="stable")


def ranks_within_groups(group: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal (sorted) group ids."""
    if len(group) == 0:
        return group
    n = len(group)
    start = np.zeros(n, dtype=np.intp)  # at each run's first element, its own index
    first = (group[1:] != group[:-1]).nonzero()[0] + 1
    start[first] = first
    np.maximum.accumulate(start, out=start)  # carried to the rest of the run
    return np.arange(n) - start


def integer_capacity(cap: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whole issues per step, rounding fractions up at random so the mean is kept."""
    base = np.floor(cap)
    return (base + (rng.random(len(cap)) < cap - base)).astype(np.int64)
