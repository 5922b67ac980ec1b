"""Calibrated parameter uncertainty carried into experiments.

A spec's `posterior = "file.parquet"` names a table written by the calibration: one row per
particle, one column per free parameter (named as in PARAMS) and a `weight` column
(non-negative, need not sum to 1); the Parquet key-value metadata may hold
`calibration_id`. Each replicate draws one particle, so every scenario and design point of
replicate r runs with the same parameters and the same seed: comparisons stay paired, and
their CIs hold parameter and stochastic uncertainty together. How the particles are drawn
(spread so that 30 replicates hold 30 distinct particles where the posterior has them) is
in experiments/specify/particles.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.specify import particles, stale
from experiments.specify.params_file import file_sha256
from governance import PARAMS
from model.errors import InputError

WEIGHT = "weight"


@dataclass(frozen=True)
class Posterior:
    path: str
    sha256: str
    calibration_id: str | None
    params: tuple[str, ...]
    values: pd.DataFrame  # particles x params, checked values
    weights: np.ndarray  # normalised, sum 1

    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """First row and weight of each distinct parameter set with positive weight."""
        return particles.distinct(self.values, self.weights)

    def draw_indices(self, root_seed: int, replicates: Iterable[int]) -> list[int]:
        """The particle (row) each replicate index runs with (particles.py)."""
        return particles.draws(*self.distinct(), root_seed, replicates)

    def values_of(self, row: int) -> dict[str, Any]:
        values = self.values.iloc[row]
        return {p: PARAMS[p].check(_plain(values[p])) for p in self.params}

    def replicates_for(self, root_seed: int,
                       wanted: int = particles.MIN_DISTINCT) -> int | None:
        """Replicates needed for `wanted` distinct particles (None: not reachable)."""
        return particles.replicates_for(*self.distinct(), root_seed, wanted)


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def resolve(path: str | Path) -> Path:
    return Path(path).expanduser()


_LOADED: dict[tuple[str, str, int, int], Posterior] = {}  # (as given, file, mtime, size)


def load_posterior(path: str | Path) -> Posterior:
    """Read and check a posterior file; every problem is one paragraph naming what to fix.
    A file read once is not read and checked again in the process while it is unchanged
    (the demo asks for the shipped posterior at every lesson's answer)."""
    p = resolve(path)
    try:
        st = p.stat()
        key = (str(path), str(p.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        return _read(path, p)
    if key not in _LOADED:
        _LOADED[key] = _read(path, p)
    return _LOADED[key]


def _read(path: str | Path, p: Path) -> Posterior:
    import pyarrow.parquet as pq

    what = f"posterior file {str(path)!r}"
    if not p.is_file():
        raise InputError(f"{what} does not exist (or is not a file); give the Parquet table "
                         "the calibration wrote (one row per particle, one column per "
                         "parameter, a `weight` column).")
    try:
        table = pq.read_table(p)
    except Exception as exc:
        raise InputError(f"{what} cannot be read as Parquet ({type(exc).__name__}: {exc}); "
                         "give the table the calibration wrote.") from None
    meta = table.schema.metadata or {}
    cid = meta.get(b"calibration_id")
    df = table.to_pandas()
    if WEIGHT not in df.columns:
        raise InputError(f"{what} has no `{WEIGHT}` column (columns: {list(df.columns)}); "
                         "each particle needs a non-negative weight.")
    names = [c for c in df.columns if c != WEIGHT]
    unknown = [c for c in names if c not in PARAMS]
    if unknown:
        import difflib

        hints = [f"{c!r} (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(
            c, PARAMS, n=1)) else repr(c) for c in unknown]
        old = stale.note(p, "posterior")
        raise InputError(f"{what} has column(s) {', '.join(hints)}, which are not model "
                         "parameters; every column but `weight` must be named as in "
                         "`python run.py params`." +
                         (f" Likely cause: {old.removeprefix('note: ')}" if old else ""))
    if not names:
        raise InputError(f"{what} has only a `weight` column; it needs one column per "
                         "calibrated parameter.")
    if len(df) == 0:
        raise InputError(f"{what} has no rows; it needs at least one particle.")
    w = pd.to_numeric(df[WEIGHT], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        raise InputError(f"{what}: `weight` in row {bad[0]} is {df[WEIGHT].iloc[bad[0]]!r}, "
                         "but weights must be finite numbers >= 0.")
    if not (w > 0).any():
        raise InputError(f"{what} has no particle with a positive weight (all {len(w)} "
                         "weights are 0), so nothing can be drawn; give at least one weight "
                         "> 0.")
    checked = {}
    for c in names:
        col = []
        for i, v in enumerate(df[c].tolist()):
            try:
                col.append(PARAMS[c].check(_plain(v)))
            except InputError as exc:
                raise InputError(f"{what}: row {i}, column {c!r} holds a value outside the "
                                 f"schema: {exc}") from None
        checked[c] = col
    values = pd.DataFrame(checked)
    stale.warn(p, "posterior")
    return Posterior(str(path), file_sha256(p), cid.decode() if cid else None, tuple(names),
                     values, w / w.sum())
