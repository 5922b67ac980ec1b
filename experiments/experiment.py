"""One experiment from spec to report: the stages joined (specify, run and store, analyse).

`run_experiment` checks everything first (options, folder, resumability, the executor),
runs what is missing, adds replicates while a [precision] target is not met (sequential
replication, Hoad, Robinson and Davies 2010), and builds the report. `collect` is the
last step of a job array (experiments/running/array.py): it counts what the array's tasks
stored and builds the same report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from experiments.analyse.frames import current_records, runs_frame
from experiments.analyse.report import build
from experiments.analyse.stats import precision_status
from experiments.running.array import count_submissions
from experiments.running.executors import check_options, make_executor
from experiments.running.manifest import (
    close_session,
    count_killed_sessions,
    replicates_used,
    start_session,
)
from experiments.running.progress import Progress
from experiments.running.provenance import code_version
from experiments.running.runner import run_all
from experiments.running.store import Store, check_folder, now
from experiments.specify.designs import tasks
from experiments.specify.posterior import Posterior, load_posterior
from experiments.specify.spec import Spec
from model.errors import InputError


def run_experiment(spec: Spec, out: str | Path | None = None, executor: str = "processes",
                   workers: int | None = None, scheduler: str | None = None,
                   fresh: bool = False, progress: TextIO | None = None,
                   build_report: bool = True, command: str = "",
                   figures: bool = True) -> dict[str, Any]:
    """Run (or continue) `spec` in folder `out`; return the final manifest.

    Every check comes first (options, folder, resumability, the executor itself), so a bad
    invocation creates nothing. The manifest's "failed" lists the ids of runs that raised.
    The report is built unless `build_report` is False; its figures unless `figures` is.
    """
    check_options(executor, workers, scheduler)
    root = check_folder(Path(out) if out is not None else spec.output_dir())
    store = Store(root)
    code = code_version()
    post = load_posterior(spec.posterior) if spec.posterior else None
    key, parts = spec.runs_key(_sha(post)), spec.runs_key_parts(_sha(post))
    store.check_resume(key, parts, code, fresh)
    store.check_not_busy()
    bar = Progress(0, progress)
    with make_executor(executor, workers, scheduler) as pool, store.lock(command):
        if fresh:
            store.clear()
        old = store.check_resume(key, parts, code, False) or {}
        done = store.finished_ids()
        manifest = start_session(spec, store, old, post,
                                 {"kind": executor, "workers": workers, "scheduler": scheduler})
        if old and done:
            print(f"resuming in {root}: {len(done)} finished runs kept", file=bar.stream)
        reps = replicates_used(spec, old)
        added = 0
        try:
            while True:
                todo = [t for t in tasks(spec, range(reps), post) if t.id not in done]
                bar.add_total(len(todo))
                bar.show(force=True)
                added += run_all(pool, todo, store, bar, done)
                if spec.precision is None:
                    break
                manifest["precision"] = precision(spec, store, reps, post)
                store.write_manifest(manifest)
                if manifest["precision"]["met"] or reps >= spec.precision.max_replicates:
                    break
                reps = min(reps + spec.precision.batch, spec.precision.max_replicates)
        finally:
            bar.close()
            close_session(manifest, store, added)
        if build_report:
            return build(root, figures)
    return store.manifest() or manifest


def collect(spec: Spec, out: str | Path | None = None, command: str = "",
            figures: bool = True) -> dict[str, Any]:
    """After a job array: count what its tasks stored, then build tables and report.

    Safe at any time (runs still in flight simply are not there yet); the manifest says how
    many runs are missing, and `--submit` again submits only those.
    """
    root = Path(out) if out is not None else spec.output_dir()
    store = Store(root)
    manifest = store.manifest()
    if manifest is None:
        raise InputError(f"option '--collect': folder {str(root)!r} holds no experiment (no "
                         "manifest.json); submit it first with `run.py experiment SPEC "
                         "--submit slurm` (or pbs).")
    post = load_posterior(spec.posterior) if spec.posterior else None
    store.check_resume(spec.runs_key(_sha(post)), spec.runs_key_parts(_sha(post)),
                       code_version(), False)
    with store.lock(command):
        manifest["history"] = count_submissions(
            count_killed_sessions(manifest.get("history", []), store), store)
        last = manifest["history"][-1] if manifest["history"] else {}
        if last.get("submitted"):
            last.setdefault("collected", [])
            last["collected"].append({"at": now(), "runs_on_disk": len(store.records())})
        store.write_manifest(manifest)
        return build(root, figures)


def precision(spec: Spec, store: Store, reps: int, post: Posterior | None) -> dict[str, Any]:
    """Whether every reported 95% CI half-width is within the [precision] target."""
    records = current_records(store.records(), tasks(spec, range(reps), post))
    runs = runs_frame(records, spec)
    prec = spec.precision
    met, rows = precision_status(runs, list(prec.measures), prec.target, prec.relative,
                                 ["scenario", "point"])
    return {"target": prec.target, "relative": prec.relative,
            "max_replicates": prec.max_replicates, "replicates": reps, "met": met,
            "method": "sequential replication: add replicates until every 95% CI half-width "
                      "is within target (Hoad, Robinson and Davies 2010)",
            "half_widths": rows}


def _sha(post: Posterior | None) -> str:
    return post.sha256 if post else ""
