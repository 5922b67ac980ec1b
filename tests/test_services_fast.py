"""The service loop's shortcuts give exactly what the plain numpy calls give."""

from __future__ import annotations

import numpy as np
import pytest

from model.issues import draw_kinds
from model.queues import group_order, integer_capacity, ranks_within_groups


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("count", [0, 1, 7, 500])
def test_draw_kinds_is_generator_choice(seed: int, count: int) -> None:
    weights = np.random.default_rng(1000 + seed).random(4)
    weights /= weights.sum()
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    expected = a.choice(len(weights), count, p=weights)
    got = draw_kinds(weights, count, b)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)
    assert a.random() == b.random()  # the stream is left in the same place


@pytest.mark.parametrize("seed", range(10))
def test_one_queue_shortcut_matches_the_sort(seed: int) -> None:
    """With one group the stable sort is the identity and ranks are 0, 1, 2, ..."""
    n = int(np.random.default_rng(seed).integers(0, 50))
    group = np.zeros(n, dtype=np.int64)
    cap = np.array([np.random.default_rng(seed).random() * 30])
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    order = group_order(group, 1)
    assert np.array_equal(order, np.arange(n))
    plain = ranks_within_groups(group[order]) < integer_capacity(cap, a)[group[order]]
    short = np.arange(n) < integer_capacity(cap, b)[0]
    assert np.array_equal(plain, short)
