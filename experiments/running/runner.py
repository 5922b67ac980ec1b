"""Run tasks on an executor and record each run the moment it finishes.

The loop is the same for every executor. Each run's record is written as soon as it
finishes, so an interruption loses at most the runs in flight; the same command later runs
exactly the missing ones. A run that raises is recorded with its traceback and the others
go on.
"""

from __future__ import annotations

import time
import traceback
from concurrent.futures import Executor
from dataclasses import asdict
from typing import Any

from experiments.running.executors import completed
from experiments.running.progress import Progress
from experiments.running.store import Store, now
from experiments.specify.designs import Task
from experiments.specify.outcome import outcome_values
from governance import GovernanceModel

IDENTITY = ("id", "scenario", "point", "replicate", "seed", "overrides", "design_values")


def execute(task: Task) -> dict[str, Any]:
    """Run one task and return its record; errors are recorded, never raised."""
    started = now()
    t0 = time.perf_counter()
    rec: dict[str, Any] = {
        "id": task.id, "scenario": task.scenario, "point": task.point,
        "replicate": task.replicate, "seed": task.seed, "overrides": task.overrides,
        "design_values": task.design_values, "particle": task.particle,
        "posterior_overridden": list(task.overridden),
        "params_overridden": list(task.params_overridden), "started": started,
    }
    try:
        model = GovernanceModel.from_scenario(task.scenario, rng=task.seed, **task.overrides)
        rec["params"] = dict(model.params)
        model.run(task.steps)
        df = model.datacollector.get_model_vars_dataframe()
        ts = {m: [float(v) for v in df[m].to_numpy()] for m in df.columns}
        warm = task.warmup if isinstance(task.warmup, int) else 0
        rec.update(status="ok", outcomes=outcome_values(ts, task.outcome, warm), timeseries=ts,
                   error=None, traceback=None)
    except Exception as exc:
        rec.update(status="failed", outcomes={}, timeseries={},
                   error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
    rec["seconds"] = round(time.perf_counter() - t0, 3)
    return rec


def run_all(pool: Executor, todo: list[Task], store: Store, bar: Progress,
            done: set[str]) -> int:
    """Run `todo`, storing each record as it finishes; return how many were stored."""
    n = 0
    for task, fut in completed(pool, execute, todo):
        try:
            rec = fut.result()
        except Exception as exc:  # the worker itself died or could not unpickle
            rec = {**{k: v for k, v in asdict(task).items() if k in IDENTITY},
                   "status": "failed", "outcomes": {}, "timeseries": {},
                   "error": f"{type(exc).__name__}: {exc}",
                   "traceback": "".join(traceback.format_exception(exc)),
                   "seconds": None, "started": None}
        store.write_run(rec)
        n += 1
        if rec["status"] == "ok":
            done.add(rec["id"])
        bar.update(rec["status"] == "ok")
    return n
