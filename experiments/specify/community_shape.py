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



def fit_shape(households: float, grids: float, per_building: float) -> Shape:
    """The schema-valid community nearest the targets (module docstring: the loss)."""
    best: tuple[float, float, Shape] | None = None
    root = math.sqrt(per_building)
    sides = range(max(1, math.floor(root) - 1), math.ceil(root) + 2)
    want_grid = math.sqrt(households / grids)
    for b in sides:
        if b > PARAMS["building_block"].high:
            continue
        m0 = want_grid / b
        for m in range(max(1, math.floor(m0) - 1), math.ceil(m0) + 2):
            g = m * b
            if g < PARAMS["grid_block"].low or g > PARAMS["grid_block"].high:
                continue
            kmax = math.ceil(math.sqrt(grids) * 1.5) + 2
            for k1 in range(1, kmax + 1):
                for k2 in range(k1, MAX_ASPECT * k1 + 1):
                    w, h = k1 * g, k2 * g
                    if w < PARAMS["width"].low or h > PARAMS["height"].high:
                        continue
                    loss = (HOUSEHOLD_WEIGHT * abs(math.log(w * h / households))
                            + abs(math.log(k1 * k2 / grids))
                            + abs(math.log(b * b / per_building)))
                    key = (loss, math.log(k2 / k1))
                    if best is None or key < best[:2]:
                        best = (*key, Shape(w, h, g, b))
    if best is None:
        raise InputError(f"no community shape fits {households:,.0f} households, "
                         f"{grids:g} grids and {per_building:g} households per building "
                         "within the model's limits (width and height 4 to 4000, grid side "
                         "2 to 1000, building side up to 500); check these fields.")
    return best[2]
