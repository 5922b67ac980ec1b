"""Run records as tables: one row per run, and one row per run and week.

Outcomes are recomputed from each run's stored time series with the spec's outcome and
warm-up, so changing those (or the measures) needs no new runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.analyse.warmup import auto_warmup
from experiments.specify.designs import Task
from experiments.specify.outcome import outcome_values
from experiments.specify.spec import Spec

RUN_COLUMNS = ["id", "scenario", "point", "replicate", "seed", "particle", "status", "error",
               "seconds"]


def current_records(records: dict[str, dict[str, Any]],
                    tasks: list[Task]) -> dict[str, dict[str, Any]]:
    """The records the spec asks for now, with their current design-point index.

    Runs of scenarios, replicates or factor values the spec no longer lists stay on disk
    (a later spec may ask for them again) but are left out of the tables.
    """
    index = {t.id: t for t in tasks}
    return {rid: {**rec, "point": index[rid].point} for rid, rec in records.items()
            if rid in index}


def resolve_warmup(spec: Spec, records: dict[str, dict[str, Any]]) -> int:
    """The warm-up in steps: the spec's, or MSER-5's when it says "auto"."""
    if spec.warmup != "auto":
        return int(spec.warmup)
    ts = timeseries_frame(records)
    if ts.empty:
        return 0
    return auto_warmup(ts, list(spec.measures), list(spec.scenarios), spec.steps)


def runs_frame(records: dict[str, dict[str, Any]], spec: Spec,
               warmup: int | None = None) -> pd.DataFrame:
    """One row per run: identity, design values, seed, status, outcome of every measure."""
    warm = resolve_warmup(spec, records) if warmup is None else warmup
    rows = []
    for rec in records.values():
        row = {k: rec.get(k) for k in RUN_COLUMNS}
        row.update(rec.get("design_values") or {})
        ts = rec.get("timeseries") or {}
        row.update(outcome_values(ts, spec.outcome, warm) if ts else rec.get("outcomes") or {})
        rows.append(row)
    df = pd.DataFrame(rows, columns=None if rows else RUN_COLUMNS)
    if df.empty:
        return df
    order = {s: i for i, s in enumerate(spec.scenarios)}
    df["_o"] = df["scenario"].map(order)
    df = df.sort_values(["replicate", "point", "_o"]).drop(columns="_o")
    return df.reset_index(drop=True)


def timeseries_frame(records: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Long-ish table: one row per run and step, one column per measure."""
    parts = []
    for rec in sorted(records.values(), key=lambda r: r["id"]):
        ts = rec.get("timeseries") or {}
        if not ts:
            continue
        frame = pd.DataFrame(ts)
        frame.insert(0, "step", np.arange(len(frame)))
        frame.insert(0, "replicate", rec["replicate"])
        frame.insert(0, "point", rec["point"])
        frame.insert(0, "scenario", rec["scenario"])
        frame.insert(0, "run", rec["id"])
        parts.append(frame)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
