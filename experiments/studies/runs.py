"""A study's runs go through the shared experiment runner: the same executors, store,
seeds (common random numbers by replicate) and kill-safe resume as every experiment.

Runs are kept under results/studies/<study>/<spec> (not committed); a study interrupted
mid-way continues where it stopped, and runs made with other model code are replaced.
Only the measures a study reads are loaded back, so thousands of runs fit in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from experiments.experiment import run_experiment
from experiments.running.fingerprint import model_fingerprint
from experiments.running.store import Store
from experiments.specify.check import from_dict
from experiments.specify.designs import tasks
from experiments.specify.spec import Spec
from model.errors import InputError

WORK = Path("results") / "studies"


@dataclass(frozen=True)
class Run:
    """One finished run, reduced to what a study reads."""

    scenario: str
    replicate: int
    design: dict[str, Any]
    series: dict[str, np.ndarray]  # measure -> weekly values, row 0 = week 0

    def mean(self, measure: str, first: int, last: int) -> float:
        """Mean of weeks first..last (inclusive) of one measure."""
        return float(self.series[measure][first:last + 1].mean())


def spec_of(study: str, raw: dict[str, Any]) -> Spec:
    return from_dict(raw, source=f"study {study!r}, spec {raw.get('name')!r}")


def execute(study: str, raw: dict[str, Any], measures: list[str], workers: int,
            progress: TextIO | None = None) -> list[Run]:
    """Run (or finish) one spec of a study and load its runs' `measures`.

    A folder left by other model code is started afresh: a study is always about the
    model as it is now.
    """
    spec = spec_of(study, raw)
    out = WORK / study / spec.name
    executor = "serial" if workers <= 1 else "processes"
    kwargs = dict(executor=executor, workers=None if workers <= 1 else workers,
                  build_report=False, progress=progress, command=f"studies {study}")
    marker = out / FINGERPRINT_FILE
    fingerprint = model_fingerprint()
    try:
        run_experiment(spec, out, **kwargs)
    except InputError as exc:
        if "cannot resume" not in str(exc):
            raise
        same_model = marker.exists() and marker.read_text().strip() == fingerprint
        if same_model and _only_code_changed(str(exc)):
            # Other source, the same behaviour (a refactor keeps the fingerprint): the
            # runs are still this model's runs.
            _adopt_code_version(out)
            run_experiment(spec, out, **kwargs)
        else:
            run_experiment(spec, out, fresh=True, **kwargs)
    marker.write_text(fingerprint + "\n")
    return load_runs(spec, out, measures)


FINGERPRINT_FILE = "model_fingerprint.txt"


def _only_code_changed(message: str) -> bool:
    return "model code has changed" in message and "spec has changed" not in message


def _adopt_code_version(out: Path) -> None:
    """Record the current model code in the folder's manifest (the runs are valid for it:
    the fingerprint is the same)."""
    from experiments.running.provenance import code_version

    store = Store(out)
    manifest = store.manifest()
    if manifest is not None:
        manifest["code_version"] = code_version()
        store.write_manifest(manifest)


def load_runs(spec: Spec, out: Path, measures: list[str]) -> list[Run]:
    """The spec's current runs from its folder; a failed or missing run is an error."""
    wanted = {t.id: t for t in tasks(spec, range(spec.replicates), None)}
    runs, missing = [], []
    for rid, task in wanted.items():
        path = Store(out).runs_dir / f"{rid}.json"
        rec = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        if rec is None or rec.get("status") != "ok":
            missing.append(rid if rec is None else f"{rid} ({rec.get('error')})")
            continue
        series = {m: np.asarray(rec["timeseries"][m], dtype=float) for m in measures}
        runs.append(Run(task.scenario, task.replicate, dict(task.design_values), series))
    if missing:
        raise RuntimeError(f"study spec {spec.name!r}: {len(missing)} runs missing or failed, "
                           f"e.g. {missing[:3]}; see {out}/runs")
    return runs


def paired(runs: list[Run], key: Any, value: Any) -> dict[Any, dict[int, float]]:
    """{key(run): {replicate: value(run)}}: the replicate is the pairing (same seed)."""
    out: dict[Any, dict[int, float]] = {}
    for r in runs:
        out.setdefault(key(r), {})[r.replicate] = value(r)
    return out


def differences(a: dict[int, float], b: dict[int, float]) -> np.ndarray:
    """a - b per replicate, over the replicates both have, in replicate order."""
    common = sorted(set(a) & set(b))
    return np.array([a[r] - b[r] for r in common])
