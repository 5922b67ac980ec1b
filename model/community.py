"""The community's space: households on a Mesa grid, cut into management grids and buildings.

Household i sits at cell (x, y) with i = x * height + y, so any per-household array reshapes
to (width, height) for neighbourhood sums by slicing, and grid and building membership are
plain index arrays usable with `np.bincount`.
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid


class Community:
    """Index arrays for the community's nested units (grid > building > household)."""

    def __init__(self, width: int, height: int, grid_block: int, building_block: int,
                 random=None) -> None:
        self.width, self.height = width, height
        self.n = width * height
        self.grid_block, self.building_block = grid_block, building_block
        xs, ys = np.divmod(np.arange(self.n), height)
        self.x, self.y = xs.astype(np.int32), ys.astype(np.int32)
        gw, gh = width // grid_block, height // grid_block
        bw, bh = width // building_block, height // building_block
        self.n_grids, self.n_buildings = gw * gh, bw * bh
        self.grid_of = ((xs // grid_block) * gh + ys // grid_block).astype(np.int32)
        self.building_of = ((xs // building_block) * bh + ys // building_block).astype(np.int32)
        # Buildings belong to exactly one grid (building_block divides grid_block).
        first = np.zeros(self.n_buildings, dtype=np.int64)
        first[self.building_of[::-1]] = np.arange(self.n)[::-1]
        self.grid_of_building = self.grid_of[first]
        self.grid_size = np.bincount(self.grid_of, minlength=self.n_grids)
        self.building_size = np.bincount(self.building_of, minlength=self.n_buildings)
        # Number of Moore neighbours of each cell (edges have fewer), for neighbour shares.
        ones = np.ones((width, height))
        self.moore_count = moore_sum(ones).ravel()
        # Unlimited capacity: institutions (grid workers, organisations) share cells with
        # the household living there.
        self.grid = OrthogonalMooreGrid((width, height), torus=False, capacity=None, random=random)

    def centre_of_grid(self, g: int) -> tuple[int, int]:
        """Cell at the middle of management grid g (where its grid worker is based)."""
        gh = self.height // self.grid_block
        gx, gy = divmod(int(g), gh)
        half = self.grid_block // 2
        return gx * self.grid_block + half, gy * self.grid_block + half

    def distance(self, x: np.ndarray, y: np.ndarray, cx: float, cy: float) -> np.ndarray:
        """Chebyshev distance (Moore metric) from households to a point."""
        return np.maximum(np.abs(x - cx), np.abs(y - cy))


def moore_sum(values: np.ndarray) -> np.ndarray:
    """Sum over the 8 Moore neighbours of every cell (non-toroidal), by array slicing."""
    out = np.zeros_like(values, dtype=np.float64)
    out[1:, :] += values[:-1, :]
    out[:-1, :] += values[1:, :]
    out[:, 1:] += values[:, :-1]
    out[:, :-1] += values[:, 1:]
    out[1:, 1:] += values[:-1, :-1]
    out[:-1, :-1] += values[1:, 1:]
    out[1:, :-1] += values[:-1, 1:]
    out[:-1, 1:] += values[1:, :-1]
    return out
