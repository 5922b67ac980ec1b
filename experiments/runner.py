"""Run an experiment: skip what is done, run the rest on an executor, record each run at once.

The loop is the same for every executor. Each run's record is written the moment it
finishes, so an interruption loses at most the runs in flight; the same command later runs
exactly the missing ones. A run that raises is recorded with its traceback and the others
go on. With a [precision] table, replicates are added in batches until every reported
95% CI half-width is within the target (sequential replication, Hoad, Robinson and
Davies 2010).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from experiments import designs
from experiments.executors import make_executor
from experiments.spec import Spec
from experiments.store import Store
from model import GovernanceModel
from model.measures import MEASURES

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "matplotlib", "dask",
            "distributed")
_ROOT = Path(__file__).resolve().parent.parent


def execute(task: designs.Task) -> dict[str, Any]:
    """Run one task and return its record; errors are recorded, never raised."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    rec: dict[str, Any] = {
        "id": task.id, "scenario": task.scenario, "point": task.point,
        "replicate": task.replicate, "seed": task.seed, "overrides": task.overrides,
        "design_values": task.design_values, "started": started,
    }
    try:
        model = GovernanceModel.from_scenario(task.scenario, rng=task.seed, **task.overrides)
        model.run(task.steps)
        df = model.datacollector.get_model_vars_dataframe()
        ts = {m: [float(v) for v in df[m].to_numpy()] for m in df.columns}
        if task.outcome == "mean":
            outcomes = {m: float(np.mean(v[task.warmup + 1:])) for m, v in ts.items()}
        else:
            outcomes = {m: v[-1] for m, v in ts.items()}
        rec.update(status="ok", outcomes=outcomes, timeseries=ts, error=None, traceback=None)
    except Exception as exc:
        rec.update(status="failed", outcomes={}, timeseries={},
                   error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
    rec["seconds"] = round(time.perf_counter() - t0, 3)
    return rec


def code_version() -> str:
    """Hash of the model's source: runs from different model code are never mixed."""
    h = hashlib.sha256()
    for folder in ("model", "agents"):
        for path in sorted((_ROOT / folder).rglob("*.py")):
            h.update(str(path.relative_to(_ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(_ROOT), "rev-parse", "HEAD"], check=True,
                             capture_output=True, text=True, timeout=5)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


class Progress:
    """One line on stderr: runs done, failed, left, and the time left at the current pace."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.stream = sys.stderr if stream is None else stream
        self.t0 = time.monotonic()
        self.last = 0.0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def add_total(self, n: int) -> None:
        self.total += n

    def update(self, ok: bool) -> None:
        self.done += ok
        self.failed += not ok
        self.show()

    def line(self) -> str:
        finished = self.done + self.failed
        left = self.total - finished
        elapsed = time.monotonic() - self.t0
        eta = f"{elapsed / finished * left:.0f}s" if finished else "?"
        return (f"runs: {self.done} done, {self.failed} failed, {left} left; "
                f"elapsed {elapsed:.0f}s, time left ~{eta}")

    def show(self, force: bool = False) -> None:
        now = time.monotonic()
        finished = self.done + self.failed
        if not (force or self.tty or now - self.last >= 2 or finished == self.total):
            return
        self.last = now
        end = "" if self.tty else "\n"
        print(("\r" if self.tty else "") + self.line(), end=end, file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=self.stream, flush=True)


def run_experiment(spec: Spec, out: str | Path | None = None, executor: str = "processes",
                   workers: int | None = None, scheduler: str | None = None,
                   fresh: bool = False, progress: TextIO | None = None,
                   build_report: bool = True) -> dict[str, Any]:
    """Run (or continue) `spec` in folder `out`; return the final manifest.

    The manifest's "failed" lists the ids of runs that raised.
    """
    root = Path(out) if out is not None else spec.output_dir()
    store = Store(root)
    code = code_version()
    resumed = store.prepare(spec.fingerprint(), code, fresh)
    old = store.manifest() or {}
    manifest = {
        "name": spec.name, "spec": spec.to_dict(), "fingerprint": spec.fingerprint(),
        "code_version": code, "git_commit": git_commit(), "packages": package_versions(),
        "root_seed": spec.seed, "created": old.get("created",
                                                   datetime.now(UTC).isoformat(timespec="seconds")),
        "status": "running", "measures_available": list(MEASURES),
        "executor": {"kind": executor, "workers": workers, "scheduler": scheduler},
        "precision": old.get("precision"),
    }
    store.write_manifest(manifest)
    done = store.finished_ids()
    bar = Progress(0, progress)
    if resumed and done:
        print(f"resuming in {root}: {len(done)} finished runs kept", file=bar.stream)
    reps = max(spec.replicates, (old.get("precision") or {}).get("replicates", 0))
    precision_log: dict[str, Any] | None = None
    try:
        with make_executor(executor, workers, scheduler) as pool:
            while True:
                todo = [t for t in designs.tasks(spec, range(reps)) if t.id not in done]
                bar.add_total(len(todo))
                bar.show(force=True)
                _run_all(pool, todo, store, bar, done)
                if spec.precision is None:
                    break
                precision_log = _precision(spec, store, reps)
                manifest["precision"] = precision_log
                store.write_manifest(manifest)
                if precision_log["met"] or reps >= spec.precision.max_replicates:
                    break
                reps = min(reps + spec.precision.batch, spec.precision.max_replicates)
    finally:
        bar.close()
    if build_report:
        from experiments import report

        return report.build(root)
    return store.manifest() or manifest


def _run_all(pool, todo: list[designs.Task], store: Store, bar: Progress, done: set[str]):
    pending: dict[Future, designs.Task] = {}
    try:
        for task in todo:
            pending[pool.submit(execute, task)] = task
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                task = pending.pop(fut)
                try:
                    rec = fut.result()
                except Exception as exc:
                    rec = {**{k: v for k, v in asdict(task).items()
                              if k in ("id", "scenario", "point", "replicate", "seed",
                                       "overrides", "design_values")},
                           "status": "failed", "outcomes": {}, "timeseries": {},
                           "error": f"{type(exc).__name__}: {exc}",
                           "traceback": "".join(traceback.format_exception(exc)),
                           "seconds": None, "started": None}
                store.write_run(rec)
                if rec["status"] == "ok":
                    done.add(rec["id"])
                bar.update(rec["status"] == "ok")
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise


def _precision(spec: Spec, store: Store, reps: int) -> dict[str, Any]:
    from experiments import report
    from experiments.stats import precision_status

    runs = report.runs_frame(store.records(), spec)
    prec = spec.precision
    met, rows = precision_status(runs, list(prec.measures), prec.target, prec.relative,
                                 ["scenario", "point"])
    return {"target": prec.target, "relative": prec.relative,
            "max_replicates": prec.max_replicates, "replicates": reps, "met": met,
            "method": "sequential replication: add replicates until every 95% CI half-width "
                      "is within target (Hoad, Robinson and Davies 2010)",
            "half_widths": rows}
