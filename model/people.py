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
        return self.members_and_heads(households)[0]

    def members_and_heads(self, households: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`members(households)`, and for each of them the position in that list of their
        household's first resident (draws a household's residents share read it there).

        Integer arithmetic only, two `repeat`s: this runs a few times every step for a
        handful of households, where each numpy call's fixed cost is what counts.
        """
        households = np.asarray(households, dtype=np.intp)
        counts = self.adults[households]
        head = np.cumsum(counts)
        head -= counts  # where each household's residents start in the list
        who = np.repeat(self.first[households] - head, counts)
        who += np.arange(len(who))
        return who, np.repeat(head, counts)


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


def cumulative(shares: np.ndarray) -> np.ndarray:
    """Normalised cumulative shares along the last axis, for `draw_bands`/`draw_situations`
    (the `cdf` numpy's `Generator.choice` builds from `p`, made once per parameter set)."""
    w = np.asarray(shares, dtype=float)
    if w.ndim == 1:
        cdf = (w / w.sum()).cumsum()
        cdf /= cdf[-1]
        return cdf
    return np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)


def draw_bands(head: np.ndarray, band_cdf: np.ndarray, same_band: float,
               rng: np.random.Generator) -> np.ndarray:
    """Age bands of the residents of some households (`Layout.members_and_heads` order;
    `head[i]` is where resident i's household's first resident stands in it).

    The household's first resident is drawn from the band shares; each other resident
    shares that band with chance `same_band` (couples, siblings), else is drawn afresh (a
    grown child, a parent). Returns one band per resident of those households.
    The first draw is `rng.choice(3, size=k, p=shares)` done as that call does it
    (`band_cdf = cumulative(shares)`, one uniform each): the same draws, without the call's
    checks of `p` (tests/test_people_draws.py).
    """
    k = len(head)
    own = band_cdf.searchsorted(rng.random(k), side="right")
    copy = rng.random(k) < same_band
    return np.where(copy, own[head], own).astype(np.int8)


def draw_situations(bands: np.ndarray, situation_cdf: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """Life situations by age band over (working, retired, caring, student): one uniform per
    resident against the band's cumulative shares (`situation_cdf = cumulative(table)`,
    rows: bands); the situation is the number of cumulative shares at or below it."""
    u = rng.random(len(bands))
    cdf = situation_cdf.T[:, bands]
    out = (u >= cdf[0]).view(np.int8)
    for row in cdf[1:]:
        out += u >= row
    return np.minimum(out, situation_cdf.shape[1] - 1, out=out)
