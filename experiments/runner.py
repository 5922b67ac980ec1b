"""Run an experiment: skip what is done, run the rest on an executor, record each run at once.

The loop is the same for every executor. Each run's record is written the moment it
finishes, so an interruption loses at most the runs in flight; the same command later runs
exactly the missing ones. A run that raises is recorded with its traceback and the others
go on. With a [precision] table, replicates are added in batches until every reported
95% CI half-width is within the target (sequential replication, Hoad, Robinson and
Davies 2010).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from experiments import designs
from experiments.executors import check_options, completed, make_executor
from experiments.posterior import load_posterior
from experiments.provenance import code_provenance, code_version
from experiments.spec import Spec
from experiments.store import SPEC_COPY, Store, check_folder, write_text_atomic
from governance import MEASURES, GovernanceModel
from model.params import DEFAULTS_CALIBRATION


def outcome_values(ts: dict[str, list[float]], outcome: str,
                   warmup: int) -> dict[str, float]:
    """A run's outcome per measure: the last step, or the mean of the steps after warm-up.

    Row 0 of a time series is the initial state, so 'mean' with warm-up w over s steps
    averages steps w+1..s (the last s - w weeks).
    """
    if outcome == "mean":
        return {m: float(np.mean(v[warmup + 1:])) for m, v in ts.items()}
    return {m: float(v[-1]) for m, v in ts.items()}


def execute(task: designs.Task) -> dict[str, Any]:
    """Run one task and return its record; errors are recorded, never raised."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    rec: dict[str, Any] = {
        "id": task.id, "scenario": task.scenario, "point": task.point,
        "replicate": task.replicate, "seed": task.seed, "overrides": task.overrides,
        "design_values": task.design_values, "particle": task.particle,
        "posterior_overridden": list(task.overridden), "started": started,
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
                   build_report: bool = True, command: str = "") -> dict[str, Any]:
    """Run (or continue) `spec` in folder `out`; return the final manifest.

    Every check comes first (options, folder, resumability, the executor itself), so a bad
    invocation creates nothing. The manifest's "failed" lists the ids of runs that raised.
    """
    check_options(executor, workers, scheduler)
    root = check_folder(Path(out) if out is not None else spec.output_dir())
    store = Store(root)
    code = code_version()
    post = load_posterior(spec.posterior) if spec.posterior else None
    runs_key = spec.runs_key(post.sha256 if post else "")
    store.check_resume(runs_key, code, fresh)
    store.check_not_busy()
    bar = Progress(0, progress)
    with make_executor(executor, workers, scheduler) as pool, store.lock(command):
        if fresh:
            store.clear()
        old = store.check_resume(runs_key, code, False) or {}
        done = store.finished_ids()
        manifest = _manifest(spec, old, runs_key, post,
                             {"kind": executor, "workers": workers, "scheduler": scheduler})
        store.write_manifest(manifest)
        write_text_atomic(root / SPEC_COPY, spec.text or _as_toml_comment(spec))
        if post is not None and not (root / "posterior.parquet").exists():
            shutil.copyfile(post.path, root / "posterior.parquet")
        if old and done:
            print(f"resuming in {root}: {len(done)} finished runs kept", file=bar.stream)
        reps = max(spec.replicates, (old.get("precision") or {}).get("replicates", 0))
        added = 0
        try:
            while True:
                todo = [t for t in designs.tasks(spec, range(reps), post) if t.id not in done]
                bar.add_total(len(todo))
                bar.show(force=True)
                added += run_all(pool, todo, store, bar, done)
                if spec.precision is None:
                    break
                manifest["precision"] = _precision(spec, store, reps)
                store.write_manifest(manifest)
                if manifest["precision"]["met"] or reps >= spec.precision.max_replicates:
                    break
                reps = min(reps + spec.precision.batch, spec.precision.max_replicates)
        finally:
            bar.close()
            manifest["history"][-1]["runs_added"] = added
            manifest["history"][-1]["finished"] = _now()
            store.write_manifest(manifest)
        if build_report:
            from experiments import report

            return report.build(root)
    return store.manifest() or manifest


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _as_toml_comment(spec: Spec) -> str:
    return ("# This experiment was not defined by a spec file (built-in or command line);\n"
            "# the resolved spec, as JSON, is in manifest.json under \"spec\".\n"
            f"# {json.dumps(spec.to_dict())}\n")


def _manifest(spec: Spec, old: dict[str, Any], runs_key: str, post: Any,
              executor: dict[str, Any]) -> dict[str, Any]:
    from experiments.report import BOOTSTRAP_SEED_NOTE, bootstrap_seed

    history = list(old.get("history", []))
    history.append({"started": _now(), "changes": _changes(old.get("spec"), spec.to_dict())})
    return {
        "name": spec.name, "spec": spec.to_dict(), "spec_text": spec.text,
        "fingerprint": spec.fingerprint(), "runs_key": runs_key, **code_provenance(),
        "seeds": {"root": spec.seed, "design": designs.design_seed(spec),
                  "bootstrap": bootstrap_seed(spec), "bootstrap_note": BOOTSTRAP_SEED_NOTE,
                  "replicates": "SeedSequence(root, spawn_key=(1, r)) -> 63-bit int; every "
                                "run's seed is in runs[]"},
        "root_seed": spec.seed,
        "defaults_calibration": DEFAULTS_CALIBRATION,
        "posterior": None if post is None else {
            "path": post.path, "sha256": post.sha256, "calibration_id": post.calibration_id,
            "particles": len(post.weights), "parameters": list(post.params),
            "copy": "posterior.parquet"},
        "created": old.get("created", _now()), "status": "running",
        "measures_available": list(MEASURES), "executor": executor,
        "precision": old.get("precision"), "history": history,
    }


def _changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What a continued experiment changed, in words, for the report's history."""
    if before is None:
        return ["started"]
    out = []
    for key in ("name", "replicates", "outcome", "warmup"):
        if before.get(key) != after.get(key):
            out.append(f"{key}: {before.get(key)!r} -> {after.get(key)!r}")
    for key in ("scenarios", "measures"):
        b, a = list(before.get(key) or []), list(after.get(key) or [])
        if b != a:
            plus = [x for x in a if x not in b]
            minus = [x for x in b if x not in a]
            out.append(f"{key}: " + "; ".join(filter(None, [
                f"added {plus}" if plus else "", f"removed {minus}" if minus else "",
                "reordered" if not plus and not minus else ""])))
    bs, as_ = before.get("design", {}).get("samples"), after["design"].get("samples")
    if bs != as_:
        out.append(f"design.samples: {bs} -> {as_} (points appended)")
    bf, af = before.get("design", {}).get("factors", {}), after["design"].get("factors", {})
    for k in af:
        plus = [v for v in af[k] if v not in bf.get(k, [])]
        if plus:
            out.append(f"design.factors.{k}: added values {plus}")
    return out or ["continued (no change to the spec)"]


def run_all(pool, todo: list[designs.Task], store: Store, bar: Progress,
             done: set[str]) -> int:
    """Run `todo`, storing each record as it finishes; return how many were stored."""
    n = 0
    for task, fut in completed(pool, execute, todo):
        try:
            rec = fut.result()
        except Exception as exc:  # the worker itself died or could not unpickle
            rec = {**{k: v for k, v in asdict(task).items()
                      if k in ("id", "scenario", "point", "replicate", "seed",
                               "overrides", "design_values")},
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


def _precision(spec: Spec, store: Store, reps: int) -> dict[str, Any]:
    from experiments import report
    from experiments.stats import precision_status

    post = load_posterior(spec.posterior) if spec.posterior else None
    records = report.current_records(store.records(), spec,
                                     designs.tasks(spec, range(reps), post))
    runs = report.runs_frame(records, spec)
    prec = spec.precision
    met, rows = precision_status(runs, list(prec.measures), prec.target, prec.relative,
                                 ["scenario", "point"])
    return {"target": prec.target, "relative": prec.relative,
            "max_replicates": prec.max_replicates, "replicates": reps, "met": met,
            "method": "sequential replication: add replicates until every 95% CI half-width "
                      "is within target (Hoad, Robinson and Davies 2010)",
            "half_widths": rows}
