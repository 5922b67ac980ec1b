"""The shape of a community in the model: its rectangle of dwellings, grids and buildings.

Why a search: the model's community is a width x height rectangle cut into square grids
of `grid_block` cells, each cut into square buildings of `building_block` cells, so a
published count of households, grids and households per building can only be met
approximately. Of every shape the schema accepts (longest side at most twice the
shortest), the one with the least weighted error is kept:
4 |ln(households ratio)| + |ln(grids ratio)| + |ln(households-per-building ratio)|;
households weigh most because every per-household rate applies to them (a documented
choice, docs/COMMUNITIES.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from governance import PARAMS
from model.errors import InputError

HOUSEHOLD_WEIGHT = 4.0  # weight of the households' error in the shape search
MAX_ASPECT = 2  # longest side at most twice the shortest (documented choice)


@dataclass(frozen=True)
class Shape:
    """The community's rectangle of dwellings, its grids and buildings."""

    width: int
    height: int
    grid_block: int
    building_block: int

    @property
    def households(self) -> int:
        return self.width * self.height

    @property
    def grids(self) -> int:
        return (self.width // self.grid_block) * (self.height // self.grid_block)

    @property
    def per_building(self) -> int:
        return self.building_block ** 2


def shape_loss(shape: Shape, households: float, grids: float, per_building: float) -> float:
    """The weighted error the search minimises (module docstring), one formula for the
    search and for anyone checking it."""
    k1, k2 = shape.width // shape.grid_block, shape.height // shape.grid_block
    return (HOUSEHOLD_WEIGHT * abs(math.log(shape.width * shape.height / households))
            + abs(math.log(k1 * k2 / grids))
            + abs(math.log(shape.building_block ** 2 / per_building)))


def fit_shape(households: float, grids: float, per_building: float,
              path: str = "<profile>") -> Shape:
    """The schema-valid community nearest the targets (module docstring: the loss).

    Exact, yet fast for any size: the loss is the buildings' term (the building side only)
    plus the households' and grids' terms (the grids across and down only), so for each
    grid side g (every one the schema allows) the best building side is the divisor of g
    nearest sqrt(per_building), and the best k1 x k2 grids come from a few k1: for a fixed
    k1 the loss falls while k1 k2 g^2 is below `households` and rises after (households
    weigh more than grids), so only the two k2 either side of that point can win, and k1
    need only run from sqrt(n/2) to sqrt(n), n = households / g^2, since k1 <= k2 <= 2 k1.
    `path` names the profile in the error when nothing fits.
    """
    best: tuple[float, float, Shape] | None = None
    for g in range(PARAMS["grid_block"].low, PARAMS["grid_block"].high + 1):
        b = _building_side(g, per_building)
        if b is None:
            continue
        for k1, k2 in _grid_counts(g, households):
            shape = Shape(k1 * g, k2 * g, g, b)
            key = (shape_loss(shape, households, grids, per_building), math.log(k2 / k1))
            if best is None or key < best[:2]:
                best = (*key, shape)
    if best is None:
        raise InputError(f"community profile {path!r}: no community shape fits "
                         f"{households:,.0f} households, {grids:g} grids and "
                         f"{per_building:g} households per building within the model's "
                         "limits (width and height 4 to 4000, grid side 2 to 1000, building "
                         "side up to 500); check these fields.")
    return best[2]


def _building_side(g: int, per_building: float) -> int | None:
    """The divisor of grid side g (within the schema) whose square is nearest per_building,
    the smaller on a tie; None when no divisor is allowed."""
    spec = PARAMS["building_block"]
    small = [d for d in range(1, math.isqrt(g) + 1) if g % d == 0]
    sides = [d for d in {*small, *(g // d for d in small)} if spec.low <= d <= spec.high]
    if not sides:
        return None
    return min(sorted(sides), key=lambda d: abs(math.log(d * d / per_building)))


def _grid_counts(g: int, households: float) -> list[tuple[int, int]]:
    """The grids across and down (k1 <= k2 <= 2 k1, sides within the schema) that can be
    best for grid side g: for each k1 in the useful range, the k2 either side of
    households / (k1 g^2) (fit_shape's docstring says why no other can win)."""
    wide, high = PARAMS["width"], PARAMS["height"]
    k1_lo, k1_hi = -(-wide.low // g), wide.high // g
    k2_lo, k2_hi = -(-high.low // g), high.high // g
    n = households / (g * g)  # the grids k1 x k2 that would give the households exactly
    first = max(k1_lo, min(k1_hi, math.floor(math.sqrt(n / MAX_ASPECT))))
    last = min(k1_hi, k2_hi, max(first, math.ceil(math.sqrt(n)) + 1))
    out = []
    for k1 in range(first, last + 1):
        lo, hi = max(k1, k2_lo), min(MAX_ASPECT * k1, k2_hi)
        if lo > hi:
            continue
        ideal = n / k1
        out.extend((k1, k2) for k2 in sorted({min(hi, max(lo, math.floor(ideal))),
                                              min(hi, max(lo, math.ceil(ideal)))}))
    return out
