"""Tables, figures and report.md from an experiment folder, finished or not.

Everything here is derived from the per-run records and the manifest, so `run.py report
DIR` can rebuild it at any time without running the model.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from experiments.analyse.frames import (
    current_records,
    resolve_warmup,
    runs_frame,
    timeseries_frame,
)
from experiments.analyse.report_text import write_report
from experiments.analyse.tables import TABLES, analyse
from experiments.running.manifest import replicates_used, spec_of
from experiments.running.store import Store
from experiments.specify.designs import bootstrap_seed, tasks
from experiments.specify.posterior import load_posterior
from model.errors import InputError


def build(root: str | Path, figures: bool = True) -> dict[str, Any]:
    """Write runs.parquet, timeseries.parquet, the CSV tables, figures and report.md.

    `figures=False` writes everything but the figures (`--no-figures`).
    """
    store = Store(root)
    manifest = store.manifest()
    if manifest is None:
        raise InputError(f"folder {root!s} has no manifest.json; give a folder written by "
                         "`run.py experiment` or `run.py compare`.")
    if manifest.get("kind") == "search":
        raise InputError(f"folder {root!s} holds a policy search; its report is written by "
                         "`run.py optimize` (running it again rebuilds it from the stored runs).")
    root = Path(root)
    spec = spec_of(root, manifest)
    reps = replicates_used(spec, manifest)
    post = load_posterior(spec.posterior) if spec.posterior else None
    todo = tasks(spec, range(reps), post)
    every = store.records()
    records = current_records(every, todo)
    warmup = resolve_warmup(spec, records)
    runs = runs_frame(records, spec, warmup)
    ts = timeseries_frame(records)
    runs.to_parquet(root / "runs.parquet", index=False)
    ts.to_parquet(root / "timeseries.parquet", index=False)
    a = analyse(spec, runs, ts, warmup, root, figures)
    for name, key in TABLES.items():
        path, frame = root / name, a[key]
        if frame.empty:  # no 1-byte files: a table that does not apply is not written
            path.unlink(missing_ok=True)
        else:
            frame.to_csv(path, index=False)
    failed = sorted(r["id"] for r in records.values() if r.get("status") != "ok")
    n_ok = sum(r.get("status") == "ok" for r in records.values())
    manifest["runs"] = [
        {"id": r["id"], "scenario": r["scenario"], "point": r["point"],
         "replicate": r["replicate"], "params": r.get("params") or r.get("overrides"),
         "overrides": r.get("overrides"), "seed": r["seed"], "particle": r.get("particle"),
         "posterior_overridden": r.get("posterior_overridden") or [],
         "params_overridden": r.get("params_overridden") or [],
         "status": r.get("status"), "started": r.get("started"), "seconds": r.get("seconds"),
         "error": r.get("error")}
        for r in sorted(records.values(), key=lambda r: r["id"])]
    manifest["runs_kept_aside"] = sorted(set(every) - set(records))
    manifest["failed"] = failed
    manifest["missing"] = len(todo) - len(records)
    manifest["status"] = ("complete" if n_ok >= len(todo) and not failed
                          else "failed" if failed else "partial")
    manifest["warmup_used"] = warmup
    if a["discovery"]:  # what decided the points of interest, per scenario
        manifest["discovery"] = {sc: {k: r.get(k) for k in ("threshold", "n", "n_interest",
                                                             "warning", "note", "boxes",
                                                             "rejected")}
                                 for sc, r in a["discovery"].items()}
    manifest.setdefault("seeds", {})["bootstrap"] = bootstrap_seed(spec)
    manifest["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
    store.write_manifest(manifest)
    write_report(root, spec, manifest, a, n_ok, len(todo), warmup, reps)
    return manifest
