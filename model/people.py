"""Who lives in each dwelling: residents aged 15 and over, with an age band and a life situation.

Summary of rule: each dwelling holds a household of a fixed number of persons (a trait of
the dwelling: a flat's size changes little when one household replaces another). Of those,
some are children under 15 (counted, not modelled); the rest are residents who can take
part. Each resident has an age band (15-34, 35-59, 60+) and a life situation (working,
retired, caring for family, student) drawn from the band's shares; free hours, mobility and
Party membership follow from band and situation. A newcomer household keeps the dwelling's
size and gets new members. Residents do not age within a run (a simplification: stays
average about a decade, so some residents would cross a band's edge; see docs/ODD.md 7.5).

Residents of one household are stored next to each other, so a household's members are the
slice first[h] : first[h] + adults[h] of every per-resident array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AGE_BANDS = ("15-34", "35-59", "60+")
YOUNG, MIDDLE, OLD = range(3)
SITUATIONS = ("working", "retired", "caring", "student")
WORKING, RETIRED, CARING, STUDENT = range(4)
MAX_PERSONS = 5  # "5 or more" in the household-size distribution


@dataclass(frozen=True)
class Layout:
    """Where each household's residents are: one row per household, one per resident."""

    persons: np.ndarray  # persons per dwelling, children included
    adults: np.ndarray  # residents aged 15+ per dwelling (at least one)
    first: np.ndarray  # index of the household's first resident
    home: np.ndarray  # household of each resident

    @property
    def n_residents(self) -> int:
        return len(self.home)

    def members(self, households: np.ndarray) -> np.ndarray:
        """Every resident of the given households, household by household."""
        households = np.asarray(households, dtype=np.intp)
        counts = self.adults[households]
        if counts.sum() == 0:
            return np.zeros(0, dtype=np.intp)
        starts = np.repeat(self.first[households], counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return starts + offsets


def child_chance(size_shares: np.ndarray, child_share: float) -> float:
    """Chance that a household member beyond the first is a child, so that children make up
    `child_share` of all persons: q (E[size] - 1) = child_share E[size]."""
    sizes = np.arange(1, len(size_shares) + 1)
    mean = float((sizes * size_shares).sum() / size_shares.sum())
    return float(np.clip(child_share * mean / (mean - 1.0), 0.0, 1.0)) if mean > 1 else 0.0


def draw_layout(n_households: int, size_shares: np.ndarray, child_share: float,
                rng: np.random.Generator) -> Layout:
    """Household sizes from the size distribution; children among all but the first member."""
    w = np.asarray(size_shares, dtype=float)
    persons = rng.choice(np.arange(1, len(w) + 1), size=n_households, p=w / w.sum())
    children = rng.binomial(persons - 1, child_chance(w, child_share))
    adults = persons - children
    first = np.concatenate([[0], np.cumsum(adults)[:-1]]).astype(np.intp)
    home = np.repeat(np.arange(n_households, dtype=np.intp), adults)
    return Layout(persons.astype(np.int64), adults.astype(np.int64), first, home)


def draw_bands(layout: Layout, households: np.ndarray, band_shares: np.ndarray,
               same_band: float, rng: np.random.Generator) -> np.ndarray:
    """Age bands of the residents of `households` (in `members` order).

    The household's first resident is drawn from the band shares; each other resident
    shares that band with chance `same_band` (couples, siblings), else is drawn afresh (a
    grown child, a parent). Returns one band per resident of those households.
    """
    w = np.asarray(band_shares, dtype=float) / np.sum(band_shares)
    who = layout.members(households)
    k = len(who)
    own = rng.choice(len(w), size=k, p=w)
    head_band = own[np.repeat(np.cumsum(layout.adults[households]) - layout.adults[households],
                              layout.adults[households])]
    copy = rng.random(k) < same_band
    return np.where(copy, head_band, own).astype(np.int8)


def draw_situations(bands: np.ndarray, shares_by_band: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """Life situations by age band: `shares_by_band[band]` over (working, retired, caring,
    student); one uniform per resident against the band's cumulative shares."""
    table = np.asarray(shares_by_band, dtype=float)
    cdf = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(bands))
    return (u[:, None] >= cdf[bands]).sum(axis=1).clip(0, table.shape[1] - 1).astype(np.int8)
