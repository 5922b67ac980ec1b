"""'Run N seeds': the page's setting as an experiment spec, run by the batch runner itself.

The only module of the demo that touches the experiments package, and only through its
public entry points: `specify.check.from_dict` / `loads` (one Spec object serves the class
and the research run; `spec_toml` writes the same setting as a TOML file for
`run.py experiment`), `experiment.run_experiment` (in a background thread, one worker
process, records in a temporary folder read back with `running.store.Store`), and
`analyse.stats` for the CIs and the paired differences, `analyse.robust` and the main
job's posterior for the lessons' answers (specify/lessons.py, `SeedJob.horizons`). Replicate r
of both scenarios shares its seed and, with a posterior, its particle (common random
numbers), so the difference is paired. The server's jobs take turns on the machine's cores
(`CORES`).
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from demo.config import DemoConfig
from experiments.analyse import robust, stats
from experiments.experiment import run_experiment
from experiments.running.store import Store
from experiments.specify import check as spec_mod
from experiments.specify.lessons import ANSWER_SEEDS, BAND
from governance import MEASURES, PARAMS

DEFAULT_SEEDS = ANSWER_SEEDS
DEFAULT_WEEKS = 104


class Cancelled(Exception):
    pass


def spec_dict(cfg: DemoConfig, seeds: int, weeks: int, measures: list[str]) -> dict[str, Any]:
    """The setting on the page as a spec: one scenario, or the two side-by-side ones.

    Side by side, the right run is the other preset plus the slider edits (as on the page),
    so only slider edits can go into [overrides]; switch edits of the left run apply only
    in single mode (the spec's overrides act on every scenario).
    """
    edits = cfg.edits()
    if cfg.compare:
        scenarios = [cfg.scenario, cfg.right_scenario()]
        overrides = {k: v for k, v in edits.items() if PARAMS[k].type is not bool}
    else:
        scenarios = [cfg.scenario]
        overrides = dict(edits)
    if cfg.size:
        overrides.update(width=cfg.size, height=cfg.size)
    name = re.sub(r"[^A-Za-z0-9_-]", "_", "demo_" + "_vs_".join(scenarios))[:80]
    known = [m for m in dict.fromkeys(measures) if m in MEASURES]
    return {"name": name, "description": "Exported from the classroom demo.",
            "base": scenarios[0], "scenarios": scenarios, "reference": scenarios[0],
            "replicates": seeds, "steps": weeks, "warmup": weeks // 2, "outcome": "mean",
            "seed": cfg.seed, "measures": known or ["participation_rate"],
            "overrides": overrides}


def switch_edits_dropped(cfg: DemoConfig) -> bool:
    return cfg.compare and any(PARAMS[k].type is bool for k in cfg.edits())


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def spec_toml(raw: dict[str, Any]) -> str:
    """TOML text of a spec dict, checked by reading it back with the runner's own parser."""
    lines = ["# Exported from the classroom demo: run with `python run.py experiment FILE`."]
    for key, value in raw.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {_toml_value(value)}")
    for key, value in raw.items():
        if isinstance(value, dict) and value:
            lines.append(f"\n[{key}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in value.items())
    text = "\n".join(lines) + "\n"
    spec_mod.loads(text, source="exported spec")  # raises when the export would not run
    return text


class Cores:
    """The server's seed runs take turns: one job a core at a time (a job is one worker
    process), the others wait in arrival order. Forty students who all press "Run 10 seeds"
    would otherwise start forty worker processes at once, about 150 MB each
    (benchmarks/classroom.py --own-copies --seeds), and slow every live run on the machine."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._cond = threading.Condition()
        self._running = 0
        self._waiting: list[Any] = []

    def place(self, job: Any) -> int:
        """The job's place in the line (1: next), 0 when it is not waiting."""
        with self._cond:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    @contextmanager
    def turn(self, job: Any) -> Iterator[None]:
        """Wait for a free core (or until the job is cancelled), then hold it."""
        with self._cond:
            self._waiting.append(job)
            try:
                while self._running >= self.slots or self._waiting[0] is not job:
                    if job.cancelled.is_set():
                        raise Cancelled
                    self._cond.wait(0.5)
            finally:
                self._waiting.remove(job)
                self._cond.notify_all()
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()


CORES = Cores(max(1, os.cpu_count() or 1))


class _ProgressStream(io.TextIOBase):
    """Receives the runner's progress lines; raising here cancels the experiment."""

    def __init__(self, job: SeedJob) -> None:
        self.job = job

    def write(self, text: str) -> int:
        found = re.search(r"runs: (\d+) done, (\d+) failed, (\d+) left", text)
        if found:
            done, failed, left = map(int, found.groups())
            self.job.done, self.job.total = done + failed, done + failed + left
        eta = re.search(r"time left ~(\d+)s", text)
        if eta:
            self.job.eta = int(eta.group(1))
        if self.job.cancelled.is_set():
            raise Cancelled
        return len(text)


class SeedJob:
    """One background 'run N seeds' for a session; results for bands and the CI table."""

    def __init__(self, cfg: DemoConfig, seeds: int = DEFAULT_SEEDS, weeks: int = DEFAULT_WEEKS,
                 measures: list[str] | None = None, raw: dict[str, Any] | None = None) -> None:
        self.cfg = cfg
        self.lesson: int | None = None  # set when the job answers a lesson
        # A lesson's answer brings its own spec (experiments/specify/lessons.py).
        self.raw = raw or spec_dict(cfg, seeds, weeks, measures or ["participation_rate"])
        self.spec = spec_mod.from_dict(self.raw, source="demo setting")
        self.done, self.total = 0, self.spec.replicates * len(self.spec.scenarios)
        # A stored answer (demo/stored_answers.py): bands and horizons as the study saved them.
        self.stored: dict[str, Any] | None = None
        self.error = ""
        self.eta: int | None = None  # seconds left, from the runner's progress line
        self.finished = False
        self.cancelled = threading.Event()
        self.series: dict[tuple[int, str], np.ndarray] = {}  # (run, measure) -> (seeds, weeks)
        self.outcomes: dict[tuple[int, str], np.ndarray] = {}  # by replicate
        self.replicates: dict[int, list[int]] = {}  # run -> its replicates, in row order
        self.particles: dict[int, Any] = {}  # replicate -> posterior particle (None: defaults)
        self.thread = threading.Thread(target=self._run, name="demo-seeds", daemon=True)

    def start(self) -> SeedJob:
        self.thread.start()
        return self

    def cancel(self) -> None:
        self.cancelled.set()

    def matches(self, session: Any) -> bool:
        return self.finished and not self.error and session.config == self.cfg

    def _run(self) -> None:
        tmp = Path(tempfile.mkdtemp(prefix="demo-seeds-"))
        try:
            with CORES.turn(self):
                run_experiment(self.spec, out=tmp, executor="processes", workers=1,
                               fresh=True, progress=_ProgressStream(self),
                               build_report=False)
            self._collect(Store(tmp).records())
        except Cancelled:
            self.error = "cancelled"
        except Exception as exc:  # shown on the page in one line; the live run goes on
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            self.finished = True

    def _collect(self, records: dict[str, dict[str, Any]]) -> None:
        ok = [r for r in records.values() if r.get("status") == "ok"]
        failed = len(records) - len(ok)
        if failed:
            self.error = f"{failed} of {len(records)} runs failed"
        for k, sc in enumerate(self.spec.scenarios):
            runs = sorted((r for r in ok if r["scenario"] == sc), key=lambda r: r["replicate"])
            self.replicates[k] = [r["replicate"] for r in runs]
            self.particles.update((r["replicate"], r.get("particle")) for r in runs)
            for m in self.spec.measures:
                self.series[(k, m)] = np.array([r["timeseries"][m] for r in runs], dtype=float)
                self.outcomes[(k, m)] = np.array([r["outcomes"][m] for r in runs], dtype=float)
        self.done = self.total

    def band(self, run: int, measure: str) -> tuple[np.ndarray, np.ndarray] | None:
        if self.stored is not None:
            block = self.stored["measures"].get(measure)
            if block is None:
                return None
            low, high = block["band"][run]
            return np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        table = self.series.get((run, measure))
        if table is None or len(table) < 2:
            return None
        low, high = np.percentile(table, BAND, axis=0)
        return low, high

    def table(self) -> list[dict[str, Any]]:
        """Per measure: each run's mean and CI, and (side by side) the paired difference."""
        rows = []
        for m in self.spec.measures:
            row: dict[str, Any] = {"measure": m, "means": []}
            for k in range(len(self.spec.scenarios)):
                ci = stats.mean_ci(self.outcomes.get((k, m), np.array([])))
                row["means"].append({"mean": ci["mean"], "low": ci["ci_low"],
                                     "high": ci["ci_high"]})
            if len(self.spec.scenarios) == 2:
                d = stats.paired_difference(self.outcomes[(1, m)], self.outcomes[(0, m)])
                row["diff"] = {"mean": d["diff"], "low": d["diff_ci_low"],
                               "high": d["diff_ci_high"], "verdict": verdict(d)}
            rows.append(_finite(row))
        return rows


    def horizons(self, measure: str) -> dict[str, Any]:
        """Side by side: right minus left per replicate at years 1, 3 and 8 (those the runs
        reach), each with P(effect > 0), both runs' means, and the robust verdict
        (analyse/robust.py)."""
        if self.stored is not None:
            return self.stored["measures"][measure]["horizons"]
        sides = [dict(zip(self.replicates.get(k, []), self.series.get((k, measure), []),
                          strict=True)) for k in (0, 1)]
        return robust.paired_horizons(self.spec.steps, sides[0], sides[1], self.particles)


def verdict(d: dict[str, float]) -> str:
    """'higher', 'lower' or 'unclear': the 95 % CI of the paired difference excludes 0 or not."""
    lo, hi = d["diff_ci_low"], d["diff_ci_high"]
    if math.isnan(lo) or math.isnan(hi):
        return "unclear"
    return "higher" if lo > 0 else "lower" if hi < 0 else "unclear"


def _finite(obj: Any) -> Any:
    """NaN (too few runs for a CI) becomes None, which JSON can carry."""
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj
