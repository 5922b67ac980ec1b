"""Policy search: NSGA-II (pymoo) over mechanism switches and budget levers.

Each candidate is run `replicates` times on the same seeds as every other candidate
(common random numbers), and its objectives are the replicate means of each run's outcome
(the mean over the weeks after `warmup`). Comparing candidates on shared seeds removes
most of the noise from their differences, so that luck does not pick the winners; the
front found is then re-evaluated on fresh seeds, never used in the search, with the base
scenario as it is beside it, and judged there (experiments/search/front.py). Every run is
stored as it finishes (runs/ID.json) and reused when the same search is run again, so an
interrupted search resumes where it stopped: NSGA-II, seeded from the root seed, proposes
the same candidates again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from concurrent.futures import Executor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from experiments.analyse import plots
from experiments.analyse.stats import mean_ci
from experiments.running.executors import check_options, make_executor
from experiments.running.progress import Progress
from experiments.running.provenance import code_provenance, code_version, save_diff
from experiments.running.runner import run_all
from experiments.running.store import SPEC_COPY, Store, check_folder, write_text_atomic
from experiments.search import front as judge
from experiments.search.report import write_report
from experiments.search.spec import SearchSpec, decode_candidate, n_vars
from experiments.specify.designs import Task, replicate_seed

FRESH_OFFSET = 1_000_000  # replicate indices of the fresh seeds: never used by the search


def candidate_key(settings: dict[str, Any]) -> str:
    return "c" + hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:10]


class Evaluator:
    """Runs candidates on the executor, reusing stored runs; caches results per candidate."""

    def __init__(self, spec: SearchSpec, pool: Executor | None, store: Store,
                 bar: Progress | None) -> None:
        self.spec, self.pool, self.store, self.bar = spec, pool, store, bar
        self.done = store.finished_ids()
        self.cache: dict[tuple[str, bool], dict[str, Any]] = {}
        self.log: list[dict[str, Any]] = []

    def tasks(self, settings: dict[str, Any], reps: range) -> list[Task]:
        s = self.spec
        key = candidate_key(settings)
        return [Task(f"{s.base}__{key}__r{r:07d}", s.base, 0, r, replicate_seed(s.seed, r),
                     {**s.overrides, **settings}, dict(settings), s.steps, s.warmup, "mean")
                for r in reps]

    def evaluate(self, candidates: list[dict[str, Any]], fresh: bool = False,
                 generation: int | None = None) -> list[dict[str, Any]]:
        """Per candidate: its runs, then per measure the replicate values (in replicate
        order, for paired comparisons) and their mean and 95% CI."""
        s = self.spec
        reps = range(FRESH_OFFSET, FRESH_OFFSET + s.fresh_replicates) if fresh else \
            range(s.replicates)
        todo, seen = [], set()
        for c in candidates:
            for t in self.tasks(c, reps):
                if t.id not in self.done and t.id not in seen:
                    todo.append(t)
                    seen.add(t.id)
        self.bar.add_total(len(todo))
        run_all(self.pool, todo, self.store, self.bar, self.done)
        records = self.store.records()
        out = []
        for c in candidates:
            key = (candidate_key(c), fresh)
            if key not in self.cache:
                recs = [records.get(t.id) for t in self.tasks(c, reps)]
                ok = [r for r in recs if r and r.get("status") == "ok"]
                values = {m: [r["outcomes"][m] for r in ok] for m in s.measures}
                self.cache[key] = {"key": key[0], "settings": c, "failed": len(ok) < len(recs),
                                   "values": values,
                                   "stats": {m: mean_ci(v) for m, v in values.items()}}
                if not fresh:
                    self.log.append({"generation": generation, **self.cache[key]})
            out.append(self.cache[key])
        return out


def run_search(spec: SearchSpec, out: str | Path | None = None, executor: str = "processes",
               workers: int | None = None, scheduler: str | None = None,
               fresh: bool = False, progress: TextIO | None = None,
               command: str = "") -> dict[str, Any]:
    """Search, re-evaluate the front on fresh seeds, judge it, write tables and report."""
    check_options(executor, workers, scheduler)
    root = check_folder(Path(out) if out is not None else spec.output_dir())
    store = Store(root)
    store.check_resume(spec.runs_key(), spec.runs_key_parts(), code_version(), fresh)
    store.check_not_busy()
    bar = Progress(0, progress)
    with make_executor(executor, workers, scheduler) as pool, store.lock(command):
        if fresh:
            store.clear()
        ev = Evaluator(spec, pool, store, bar)
        manifest = _manifest(spec, store.manifest() or {}, root)
        store.write_manifest(manifest)
        write_text_atomic(root / SPEC_COPY, spec.text or json.dumps(spec.to_dict()))
        try:
            _nsga2(spec, ev)
            points = judge.front(spec, ev.log)
            fresh_evs = ev.evaluate([p["settings"] for p in points] + [{}], fresh=True)
        finally:
            bar.close()
        base = fresh_evs.pop()
        table = judge.front_table(spec, points, fresh_evs)
        cands = judge.candidates_table(spec, ev.log)
        table.to_csv(root / "front.csv", index=False)
        cands.to_csv(root / "candidates.csv", index=False)
        verdict = judge.verdict(spec, fresh_evs, base)
        binds = judge.binding(spec, ev.log, base)
        figs = []
        if not table.empty:
            x, _ = judge.primary(spec)
            ys = [m for m in [*spec.maximise, *spec.minimise] if m != x]
            figs.append(plots.pareto(table, x, ys, root / "figures" / "pareto.png",
                                     f"Pareto front of '{spec.name}': search (common random "
                                     "numbers) and fresh seeds",
                                     {m: b for m, (_, b) in spec.constraints.items()},
                                     None if base["failed"] else base["stats"]))
        manifest.update(status="complete", candidates=len(ev.log), front=len(table),
                        runs=len(store.records()), constraints=binds,
                        winner=None if verdict["winner"] is None else verdict["winner"]["key"],
                        verdict=judge.summary(verdict),
                        updated=datetime.now(UTC).isoformat(timespec="seconds"))
        store.write_manifest(manifest)
        write_report(root, spec, manifest, table, cands, figs, verdict, binds)
        return manifest


def _nsga2(spec: SearchSpec, ev: Evaluator) -> None:
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize

    class Policy(Problem):
        def __init__(self) -> None:
            super().__init__(n_var=n_vars(spec), n_obj=len(spec.maximise) + len(spec.minimise),
                             n_ieq_constr=len(spec.constraints), xl=0.0, xu=1.0)
            self.generation = 0

        def _evaluate(self, x, out, *args, **kwargs):
            evs = ev.evaluate([decode_candidate(spec, row) for row in x],
                              generation=self.generation)
            self.generation += 1
            fg = [judge.objectives(spec, e) for e in evs]
            out["F"] = np.array([f for f, _ in fg], dtype=float)
            if spec.constraints:
                out["G"] = np.array([g for _, g in fg], dtype=float)

    minimize(Policy(), NSGA2(pop_size=spec.population, eliminate_duplicates=True),
             ("n_gen", spec.generations), seed=search_seed(spec), verbose=False)


def search_seed(spec: SearchSpec) -> int:
    return replicate_seed(spec.seed, 0) % 2**32


def _manifest(spec: SearchSpec, old: dict[str, Any], root: Path) -> dict[str, Any]:
    return {"name": spec.name, "kind": "search", "spec": spec.to_dict(),
            "spec_text": spec.text, "runs_key": spec.runs_key(),
            "runs_key_parts": spec.runs_key_parts(), **code_provenance(),
            "git_diff": save_diff(root, write_text_atomic),
            "seeds": {"root": spec.seed, "search": search_seed(spec),
                      "replicates": f"replicate_seed(root, r), r < {spec.replicates}",
                      "fresh": f"replicate_seed(root, r), r >= {FRESH_OFFSET}"},
            "created": old.get("created", datetime.now(UTC).isoformat(timespec="seconds")),
            "status": "running"}


def main_print(manifest: dict[str, Any], root: Path, stream: TextIO = sys.stdout) -> None:
    winner = manifest.get("winner")
    print(f"\nsearch {manifest['name']}: {manifest['candidates']} candidates, front of "
          f"{manifest['front']}; "
          + (f"winner {winner} (beats the rest of the front on fresh seeds)" if winner else
             "no single winner beyond noise")
          + f"; results: {root}/ (report.md, front.csv, figures/pareto.png)", file=stream)
