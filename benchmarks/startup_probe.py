"""What building a big community costs, piece by piece, and what cheaper builds would save.

    python benchmarks/startup_probe.py --size 1000

Times (and RSS growth of) Mesa's OrthogonalMooreGrid, the same grid with its connections
filled in bulk, and one Resident agent per cell, each in this fresh process in that order.
The numbers back the start-up proposals in benchmarks/README.md; nothing here is used by
the model.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from pathlib import Path
from typing import Any

from mesa.discrete_space import OrthogonalMooreGrid

from model.community import MOORE, LazyMooreGrid  # the model's own lazily connected grid


class BulkMooreGrid(OrthogonalMooreGrid):
    """Same cells, same connections (same keys, same order) without `Cell.connect`.

    `Cell.connect` clears two functools caches per connection, 8 per cell; a fresh grid
    has nothing cached, so filling each cell's `connections` dict at once is equivalent.
    """

    def _connect_cells_2d(self) -> None:
        if self.torus:
            super()._connect_cells_2d()
            return
        cells = self._cells
        rows, cols = self.dimensions
        for (i, j), cell in cells.items():
            cell.connections = {(di, dj): cells[i + di, j + dj] for di, dj in MOORE
                                if 0 <= i + di < rows and 0 <= j + dj < cols}


def same_neighbourhoods(a: OrthogonalMooreGrid, b: OrthogonalMooreGrid) -> bool:
    """Same connection keys, in the same order, to the same coordinates; same radius-2 sets."""
    for x, y in zip(a.all_cells, b.all_cells, strict=True):
        if list(x.connections) != list(y.connections):
            return False
        if [c.coordinate for c in x.connections.values()] != \
                [c.coordinate for c in y.connections.values()]:
            return False
        if {c.coordinate for c in x.get_neighborhood(radius=2)} != \
                {c.coordinate for c in y.get_neighborhood(radius=2)}:
            return False
    return True


def rss() -> int:
    """Current resident memory (not the peak), bytes."""
    fields = Path("/proc/self/statm").read_text().split()
    import os

    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")


def timed(fn) -> tuple[Any, float, int]:
    gc.collect()
    before = rss()
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t, rss() - before


def probe(size: int) -> dict[str, Any]:
    import mesa

    from model.resident import Resident

    out: dict[str, Any] = {"size": size, "cells": size * size}
    stock, out["grid_stock_s"], out["grid_stock_rss"] = timed(
        lambda: OrthogonalMooreGrid((size, size), torus=False, capacity=None))
    bulk, out["grid_bulk_s"], out["grid_bulk_rss"] = timed(
        lambda: BulkMooreGrid((size, size), torus=False, capacity=None))
    out["bulk_connections_identical"] = same_neighbourhoods(stock, bulk)
    del stock
    gc.collect()
    lazy, out["grid_lazy_s"], out["grid_lazy_rss"] = timed(
        lambda: LazyMooreGrid((size, size), capacity=None))
    check = min(size, 30)
    out["lazy_connections_identical_30x30"] = same_neighbourhoods(
        OrthogonalMooreGrid((check, check), capacity=None), LazyMooreGrid((check, check)))
    del lazy

    class _Pop:  # Resident reads model.population only through its views
        pass

    model = mesa.Model(rng=1)
    model.population = _Pop()
    cells = bulk._cells

    def residents() -> int:
        i = 0
        for x in range(size):
            for y in range(size):
                Resident(model, i, cells[(x, y)])
                i += 1
        return i

    _, out["residents_s"], out["residents_rss"] = timed(residents)

    def agents_only() -> list:
        m2 = mesa.Model(rng=1)
        return [mesa.Agent(m2) for _ in range(size * size)]

    kept, out["bare_agents_s"], out["bare_agents_rss"] = timed(agents_only)
    del kept
    gc.collect()
    out["gc_full_collect_s"] = timed(gc.collect)[1]  # one full pass over a grid + residents
    return out


def probe_model(size: int) -> dict[str, Any]:
    """The whole model's start-up with the cyclic GC on, then off (same process, in turn).

    Building millions of long-lived container objects (cells, their dicts, agents) makes
    the collector traverse them again and again while nothing is garbage yet.
    """
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from workload import scenario_params

    from governance import GovernanceModel

    GovernanceModel(rng=1, **scenario_params(20)[1]).run(2)  # one-time costs paid here
    _, params = scenario_params(size)
    out: dict[str, Any] = {}
    for label in ("gc_on", "gc_off"):
        gc.collect()
        if label == "gc_off":
            gc.disable()
        t = time.perf_counter()
        model = GovernanceModel(rng=1, **params)
        out[f"model_startup_{label}_s"] = time.perf_counter() - t
        gc.enable()
        if label == "gc_on":
            t = time.perf_counter()
            model.run(3)
            out["three_steps_gc_on_s"] = time.perf_counter() - t
            gc.freeze()  # what a caller could do after building: old objects never rescanned
            t = time.perf_counter()
            model.run(3)
            out["three_steps_after_freeze_s"] = time.perf_counter() - t
            gc.unfreeze()
            out["gc_full_collect_with_model_s"] = timed(gc.collect)[1]
        del model
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--model", action="store_true", help="also the whole model, GC on/off")
    args = ap.parse_args()
    result = probe(args.size)
    if args.model:
        result.update(probe_model(args.size))
    for key, value in result.items():
        if key.endswith("_rss"):
            value = f"{value / 1024**2:.0f} MB"
        elif isinstance(value, float):
            value = f"{value:.2f} s"
        print(f"{key:>28}: {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
