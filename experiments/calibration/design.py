"""The simulator's runs that train the surrogate: where in the prior, and kept across kills.

A run of Model 3 at the calibration's size costs about 1.3 s (ten years of burn-in and two
years of outcome), and a stochastic-acceptor ABC needs tens of thousands of them: hours on
two cores. So the ABC runs on a surrogate (emulator.py) fitted to a few thousand real runs,
chosen in two waves, as in history matching (Vernon, Goldstein and Bower 2010; Andrianakis
et al. 2015, an HIV agent-based model):

- wave 0: a Latin hypercube over the whole prior box (every free parameter's range);
- wave 1: points the first surrogate cannot rule out: of a large Latin hypercube of
  candidates, those whose every fitted target is within `cutoff` standard deviations of
  the surrogate's prediction (the target's sigma, the surrogate's own uncertainty and the
  run-to-run noise together), so the second surrogate is sharp where the posterior lies.

Point i of wave w runs with the model seed spawned from the root seed by
`SeedSequence(root, spawn_key=(DESIGN_STREAM, w + 1, i))`: the design and every run's result
are a function of the config alone, on any executor. Results go to design.parquet in the
calibration's folder every few seconds (atomically), so a killed calibration loses at most
the runs in flight; the file's metadata records the calibration's fingerprint, and runs from
another configuration or other model code are never mixed in.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.stats import qmc

from experiments.calibration.config import Prior
from experiments.calibration.sampler import DESIGN_STREAM, seeds
from experiments.calibration.simulate import Simulator
from experiments.running.executors import completed

FILE = "design.parquet"
SAVE_EVERY = 10.0  # seconds between saves of finished runs


def hypercube(priors: tuple[Prior, ...], n: int, root: int, wave: int) -> np.ndarray:
    """n points of a scrambled Latin hypercube over the prior box (rows: points)."""
    rng = np.random.default_rng(np.random.SeedSequence(root, spawn_key=(DESIGN_STREAM, 0,
                                                                        wave)))
    unit = qmc.LatinHypercube(d=len(priors), rng=rng).random(n)
    return to_params(priors, unit)


def to_params(priors: tuple[Prior, ...], unit: np.ndarray) -> np.ndarray:
    lo = np.array([p.low for p in priors])
    hi = np.array([p.high for p in priors])
    return lo + unit * (hi - lo)


def to_unit(priors: tuple[Prior, ...], values: np.ndarray) -> np.ndarray:
    lo = np.array([p.low for p in priors])
    hi = np.array([p.high for p in priors])
    return (np.asarray(values, float) - lo) / (hi - lo)


def read(out: Path, fingerprint: str) -> pd.DataFrame:
    """Finished design runs of this calibration (empty when none, or from other code)."""
    path = out / FILE
    if not path.exists():
        return pd.DataFrame()
    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    if meta.get(b"fingerprint", b"").decode() != fingerprint:
        return pd.DataFrame()
    return table.to_pandas()


def _write(out: Path, df: pd.DataFrame, fingerprint: str) -> None:
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    table = table.replace_schema_metadata({b"fingerprint": fingerprint.encode()})
    tmp = out / (FILE + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(out / FILE)


class _Task:
    """One design run, picklable for process and Dask workers."""

    def __init__(self, simulator: Simulator, names: list[str]) -> None:
        self.simulator, self.names = simulator, names

    def __call__(self, item: tuple[int, int, int, tuple[float, ...]]) -> dict[str, Any]:
        wave, index, seed, values = item
        free = dict(zip(self.names, values, strict=True))
        stats = self.simulator.run(free, seed)
        return {"wave": wave, "index": index, "seed": seed, **free, **stats}


def run_wave(simulator: Simulator, points: np.ndarray, wave: int, root: int, out: Path,
             fingerprint: str, pool: Executor, stream: TextIO,
             done: pd.DataFrame) -> pd.DataFrame:
    """Run the points of `wave` not yet in `done`; return every finished run so far."""
    names = [p.name for p in simulator.priors]
    have = set() if done.empty else set(zip(done["wave"], done["index"], strict=True))
    todo = [(wave, i, seeds(root, DESIGN_STREAM, wave, i)[1], tuple(map(float, row)))
            for i, row in enumerate(points) if (wave, i) not in have]
    rows = [] if done.empty else done.to_dict("records")
    if not todo:
        return done
    show = _progress(stream, f"design wave {wave}", len(points), len(points) - len(todo))
    last = time.monotonic()
    for _, fut in completed(pool, _Task(simulator, names), todo):
        rows.append(fut.result())
        show(1)
        if time.monotonic() - last >= SAVE_EVERY:
            _write(out, _sorted(rows), fingerprint)
            last = time.monotonic()
    df = _sorted(rows)
    _write(out, df, fingerprint)
    print(file=stream)
    return df


def _sorted(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Runs in (wave, index) order whatever order they finished in: the surrogate fitted to
    them is then the same on any executor."""
    return pd.DataFrame(rows).sort_values(["wave", "index"]).reset_index(drop=True)


def _progress(stream: TextIO, label: str, total: int, already: int) -> Callable[[int], None]:
    start, state = time.monotonic(), {"n": 0}

    def show(k: int) -> None:
        state["n"] += k
        n = state["n"]
        rate = n / max(time.monotonic() - start, 1e-9)
        left = total - already - n
        eta = left / rate if rate > 0 else math.inf
        eta_s = f"{eta / 60:.1f} min" if math.isfinite(eta) else "?"
        print(f"\r{label}: {already + n}/{total} runs done, {left} left, ~{eta_s} left   ",
              end="", file=stream, flush=True)
    return show
