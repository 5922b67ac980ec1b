"""The community's space: households on a Mesa grid, cut into management grids and buildings.

Household i sits at cell (x, y) with i = x * height + y, so any per-household array reshapes
to (width, height) for neighbourhood sums by slicing, and grid and building membership are
plain index arrays usable with `np.bincount`.
"""

from __future__ import annotations

import weakref

import numpy as np
from mesa.discrete_space import Cell, OrthogonalMooreGrid

MOORE = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))
_CONNECTIONS = Cell.connections  # the slot's descriptor, shadowed by the property below


class LazyMooreCell(Cell):
    """A cell whose neighbour dict is built the first time anything asks for it.

    Households never look at Mesa neighbourhoods (neighbour shares are array slices); only
    institutions' cells and the demo do. Mesa builds 8 connections per cell up front, each
    clearing two functools caches: at 1000 x 1000 that is ~10 s and ~0.9 GB for dicts that
    are never read. Keys, order and targets are those of Mesa's OrthogonalMooreGrid.
    """

    __slots__ = ()
    _grid: weakref.ref | None = None  # set on each grid's own GridCell subclass

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _CONNECTIONS.__set__(self, None)

    @property
    def connections(self) -> dict:
        conn = _CONNECTIONS.__get__(self)
        if conn is None:
            grid = self._grid()
            cells, (rows, cols) = grid._cells, grid.dimensions
            i, j = self.coordinate
            conn = {(di, dj): cells[i + di, j + dj] for di, dj in MOORE
                    if 0 <= i + di < rows and 0 <= j + dj < cols}
            _CONNECTIONS.__set__(self, conn)
        return conn

    @connections.setter
    def connections(self, value: dict) -> None:
        _CONNECTIONS.__set__(self, value)


class LazyMooreGrid(OrthogonalMooreGrid):
    """Mesa's non-toroidal OrthogonalMooreGrid whose cells connect on first use."""

    def __init__(self, dimensions, capacity=None, random=None) -> None:
        super().__init__(dimensions, torus=False, capacity=capacity, random=random,
                         cell_klass=LazyMooreCell)
        self.cell_klass._grid = weakref.ref(self)

    def _connect_cells_2d(self) -> None:
        """Nothing now: each cell connects itself when first asked (LazyMooreCell)."""


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
        # The committee's staffing unit: staff_capacity is per 100 households served.
        self.hundreds = self.n / 100
        # intp: every gather and bincount over households would otherwise convert them first
        self.grid_of = ((xs // grid_block) * gh + ys // grid_block).astype(np.intp)
        self.building_of = ((xs // building_block) * bh + ys // building_block).astype(np.intp)
        # Buildings belong to exactly one grid (building_block divides grid_block).
        first = np.zeros(self.n_buildings, dtype=np.int64)
        first[self.building_of[::-1]] = np.arange(self.n)[::-1]
        self.grid_of_building = self.grid_of[first]
        self.grid_size = np.bincount(self.grid_of, minlength=self.n_grids)
        self.building_size = np.bincount(self.building_of, minlength=self.n_buildings)
        # Households listed building by building (ids ascending within one), so the
        # households of a few buildings are found without a pass over everyone.
        self.by_building = np.argsort(self.building_of, kind="stable").astype(np.int64)
        self.building_start = np.concatenate([[0], np.cumsum(self.building_size)[:-1]])
        # Number of Moore neighbours of each cell (edges have fewer), for neighbour shares.
        ones = np.ones((width, height))
        self.moore_count = moore_sum(ones).ravel()
        # Unlimited capacity: institutions (grid workers, organisations) share cells with
        # the household living there.
        self.grid = LazyMooreGrid((width, height), capacity=None, random=random)

    def households_in(self, buildings: np.ndarray) -> np.ndarray:
        """Household ids of the given buildings, building by building (ascending within)."""
        sizes = self.building_size[buildings]
        total = int(sizes.sum())
        # position k of the output reads by_building[start of its building + offset in it]
        shift = np.repeat(self.building_start[buildings] - np.cumsum(sizes) + sizes, sizes)
        return self.by_building[shift + np.arange(total)]

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
    """Sum over the 8 Moore neighbours of every cell (non-toroidal), by array slicing.

    Separable: a 3 x 3 box sum is a 3-row sum followed by a 3-column sum, minus the cell
    itself. Boolean input is counted in uint8 (at most 9 fits), which keeps the arrays
    small: this runs several times a step over every household. The grid is the last two
    axes, so a stack of grids (one per rung) is summed in one pass, each grid exactly as
    alone.
    """
    v = values.view(np.uint8) if values.dtype == bool else values
    rows = v.copy()
    rows[..., 1:, :] += v[..., :-1, :]
    rows[..., :-1, :] += v[..., 1:, :]
    box = rows.copy()
    box[..., 1:] += rows[..., :-1]
    box[..., :-1] += rows[..., 1:]
    return box - v
