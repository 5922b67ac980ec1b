"""Newcomers' draws give exactly what the plain numpy calls they replace give."""

from __future__ import annotations

import numpy as np
import pytest

from model.people import cumulative, draw_bands, draw_layout, draw_situations


def _layout(seed: int):
    return draw_layout(60, np.array([0.2, 0.3, 0.2, 0.2, 0.1]), 0.2,
                       np.random.default_rng(seed))


@pytest.mark.parametrize("seed", range(10))
def test_members_and_heads(seed: int) -> None:
    lay = _layout(seed)
    households = np.random.default_rng(seed).choice(60, size=seed, replace=False)
    counts = lay.adults[households]
    plain = np.concatenate([np.arange(lay.first[h], lay.first[h] + lay.adults[h])
                            for h in households] or [np.zeros(0, dtype=np.intp)])
    who, head = lay.members_and_heads(households)
    assert who.dtype == np.intp and np.array_equal(who, plain)
    assert np.array_equal(lay.members(households), plain)
    assert np.array_equal(head, np.repeat(np.cumsum(counts) - counts, counts))


@pytest.mark.parametrize("seed", range(20))
def test_draw_bands_is_generator_choice(seed: int) -> None:
    lay = _layout(seed)
    households = np.arange(seed * 3)
    shares = np.random.default_rng(100 + seed).random(3)
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    # the rule as first written: rng.choice, then each household's head band
    counts = lay.adults[households]
    k = int(counts.sum())
    own = a.choice(3, size=k, p=shares / np.sum(shares))
    head_band = own[np.repeat(np.cumsum(counts) - counts, counts)]
    expected = np.where(a.random(k) < 0.6, head_band, own).astype(np.int8)
    _, head = lay.members_and_heads(households)
    got = draw_bands(head, cumulative(shares), 0.6, b)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)
    assert a.random() == b.random()  # the stream is left in the same place


@pytest.mark.parametrize("seed", range(20))
def test_draw_situations_counts_cumulative_shares(seed: int) -> None:
    g = np.random.default_rng(200 + seed)
    table = g.random((3, 4))
    table[0, 3] = 0.0  # a situation no one of that band is in
    bands = g.integers(0, 3, size=seed * 5).astype(np.int8)
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    cdf = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    u = a.random(len(bands))
    expected = (u[:, None] >= cdf[bands]).sum(axis=1).clip(0, 3).astype(np.int8)
    got = draw_situations(bands, cumulative(table), b)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)
