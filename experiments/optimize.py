"""Policy search: NSGA-II (pymoo) over mechanism switches and budget levers.

Each candidate is run `replicates` times on the same seeds as every other candidate
(common random numbers), and its objectives are the replicate means of each run's outcome
(the mean over the weeks after `warmup`). Comparing candidates on shared seeds removes
most of the noise from their differences, so that luck does not pick the winners; the
front found is then re-evaluated on fresh seeds, never used in the search, and reported
with 95% CIs. Every run is stored as it finishes (runs/ID.json) and reused when the same
search is run again, so an interrupted search resumes where it stopped: NSGA-II, seeded
from the root seed, proposes the same candidates again.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from experiments import designs, plots
from experiments.executors import check_options, make_executor
from experiments.provenance import code_provenance, code_version
from experiments.report_text import markdown_table
from experiments.runner import Progress, run_all
from experiments.search_spec import SearchSpec, decode_candidate, n_vars
from experiments.stats import mean_ci
from experiments.store import SPEC_COPY, Store, check_folder, write_text_atomic

FRESH_OFFSET = 1_000_000  # replicate indices of the fresh seeds: never used by the search
PENALTY = 1e9  # objective of a candidate whose runs failed: never on the front


def candidate_key(settings: dict[str, Any]) -> str:
    return "c" + hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:10]


class Evaluator:
    """Runs candidates on the executor, reusing stored runs; caches means per candidate."""

    def __init__(self, spec: SearchSpec, pool, store: Store, bar: Progress) -> None:
        self.spec, self.pool, self.store, self.bar = spec, pool, store, bar
        self.done = store.finished_ids()
        self.cache: dict[tuple[str, bool], dict[str, Any]] = {}
        self.log: list[dict[str, Any]] = []

    def tasks(self, settings: dict[str, Any], reps: range) -> list[designs.Task]:
        s = self.spec
        key = candidate_key(settings)
        return [designs.Task(f"{s.base}__{key}__r{r:07d}", s.base, 0, r,
                             designs.replicate_seed(s.seed, r), {**s.overrides, **settings},
                             dict(settings), s.steps, s.warmup, "mean") for r in reps]

    def evaluate(self, candidates: list[dict[str, Any]], fresh: bool = False,
                 generation: int | None = None) -> list[dict[str, Any]]:
        """Per candidate: runs, then per measure the mean and 95% CI over replicates."""
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
                stats = {m: mean_ci([r["outcomes"][m] for r in ok]) for m in s.measures}
                self.cache[key] = {"key": key[0], "settings": c, "failed": len(ok) < len(recs),
                                   "stats": stats}
                if not fresh:
                    self.log.append({"generation": generation, **self.cache[key]})
            out.append(self.cache[key])
        return out


def _objectives(spec: SearchSpec, ev: dict[str, Any]) -> tuple[list[float], list[float]]:
    if ev["failed"]:
        return ([PENALTY] * (len(spec.maximise) + len(spec.minimise)),
                [PENALTY] * len(spec.constraints))
    st = ev["stats"]
    f = [-st[m]["mean"] for m in spec.maximise] + [st[m]["mean"] for m in spec.minimise]
    g = [(b - st[m]["mean"]) if kind == "at_least" else (st[m]["mean"] - b)
         for m, (kind, b) in spec.constraints.items()]
    return f, g


def run_search(spec: SearchSpec, out: str | Path | None = None, executor: str = "processes",
               workers: int | None = None, scheduler: str | None = None,
               fresh: bool = False, progress: TextIO | None = None,
               command: str = "") -> dict[str, Any]:
    """Search, re-evaluate the front on fresh seeds, write tables, figure, report."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize

    check_options(executor, workers, scheduler)
    root = check_folder(Path(out) if out is not None else spec.output_dir())
    store = Store(root)
    code = code_version()
    store.check_resume(spec.runs_key(), code, fresh)
    store.check_not_busy()
    bar = Progress(0, progress)
    with make_executor(executor, workers, scheduler) as pool, store.lock(command):
        if fresh:
            store.clear()
        ev = Evaluator(spec, pool, store, bar)
        manifest = _manifest(spec, store.manifest() or {})
        store.write_manifest(manifest)
        write_text_atomic(root / SPEC_COPY, spec.text or json.dumps(spec.to_dict()))

        class Policy(Problem):
            def __init__(self) -> None:
                super().__init__(n_var=n_vars(spec), n_obj=len(spec.maximise) +
                                 len(spec.minimise), n_ieq_constr=len(spec.constraints),
                                 xl=0.0, xu=1.0)
                self.generation = 0

            def _evaluate(self, x, out, *args, **kwargs):
                cands = [decode_candidate(spec, row) for row in x]
                evs = ev.evaluate(cands, generation=self.generation)
                self.generation += 1
                fg = [_objectives(spec, e) for e in evs]
                out["F"] = np.array([f for f, _ in fg], dtype=float)
                if spec.constraints:
                    out["G"] = np.array([g for _, g in fg], dtype=float)

        try:
            minimize(Policy(), NSGA2(pop_size=spec.population, eliminate_duplicates=True),
                     ("n_gen", spec.generations), seed=designs.replicate_seed(spec.seed, 0)
                     % 2**32, verbose=False)
            front = _front(spec, ev)
            fresh_evs = ev.evaluate([f["settings"] for f in front], fresh=True)
        finally:
            bar.close()
        table = _front_table(spec, front, fresh_evs)
        cands = _candidates_table(spec, ev.log)
        table.to_csv(root / "front.csv", index=False)
        cands.to_csv(root / "candidates.csv", index=False)
        figs = []
        x = spec.minimise[0] if spec.minimise else spec.maximise[-1]
        ys = [m for m in [*spec.maximise, *spec.minimise] if m != x]
        if not table.empty:
            figs.append(plots.pareto(table, x, ys, root / "figures" / "pareto.png",
                                     f"Pareto front of '{spec.name}': search (common random "
                                     "numbers) and fresh seeds",
                                     {m: b for m, (_, b) in spec.constraints.items()}))
        manifest.update(status="complete", candidates=len(ev.log), front=len(table),
                        runs=len(store.records()),
                        updated=datetime.now(UTC).isoformat(timespec="seconds"))
        store.write_manifest(manifest)
        _report(root, spec, manifest, table, cands, figs)
        return manifest


def _manifest(spec: SearchSpec, old: dict[str, Any]) -> dict[str, Any]:
    return {"name": spec.name, "kind": "search", "spec": spec.to_dict(),
            "spec_text": spec.text, "runs_key": spec.runs_key(), **code_provenance(),
            "seeds": {"root": spec.seed,
                      "search": designs.replicate_seed(spec.seed, 0) % 2**32,
                      "replicates": f"replicate_seed(root, r), r < {spec.replicates}",
                      "fresh": f"replicate_seed(root, r), r >= {FRESH_OFFSET}"},
            "created": old.get("created", datetime.now(UTC).isoformat(timespec="seconds")),
            "status": "running"}


def _front(spec: SearchSpec, ev: Evaluator) -> list[dict[str, Any]]:
    """Non-dominated feasible candidates over everything evaluated (not just the last
    generation), so a good candidate lost to crowding is still reported."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    uniq = {e["key"]: e for e in ev.log if not e["failed"]}
    evs = list(uniq.values())
    if not evs:
        return []
    fg = [_objectives(spec, e) for e in evs]
    feasible = [i for i, (_, g) in enumerate(fg) if all(v <= 0 for v in g)]
    pool = feasible or list(range(len(evs)))  # none feasible: the least bad, marked so
    f = np.array([fg[i][0] for i in pool])
    first = NonDominatedSorting().do(f, only_non_dominated_front=True)
    return [{**evs[pool[i]], "feasible": bool(feasible)} for i in first]


def _front_table(spec: SearchSpec, front: list[dict[str, Any]],
                 fresh: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for f, fr in zip(front, fresh, strict=True):
        row: dict[str, Any] = {"candidate": f["key"], **f["settings"],
                               "feasible_in_search": f["feasible"]}
        for m in spec.measures:
            row[m] = f["stats"][m]["mean"]
            row[f"{m}_fresh"] = fr["stats"][m]["mean"]
            row[f"{m}_fresh_ci_low"] = fr["stats"][m]["ci_low"]
            row[f"{m}_fresh_ci_high"] = fr["stats"][m]["ci_high"]
        row["meets_constraints_fresh"] = all(
            (fr["stats"][m]["mean"] >= b) if kind == "at_least" else (fr["stats"][m]["mean"] <= b)
            for m, (kind, b) in spec.constraints.items())
        rows.append(row)
    df = pd.DataFrame(rows)
    if not df.empty:
        df = df.sort_values(spec.minimise[0] if spec.minimise else spec.maximise[0])
    return df.reset_index(drop=True)


def _candidates_table(spec: SearchSpec, log: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{"generation": e["generation"], "candidate": e["key"], **e["settings"],
             "failed": e["failed"], **{m: e["stats"][m]["mean"] for m in spec.measures}}
            for e in log]
    return pd.DataFrame(rows)


def _report(root: Path, spec: SearchSpec, manifest: dict[str, Any], front: pd.DataFrame,
            cands: pd.DataFrame, figs: list[Path]) -> None:
    varied = [*spec.mechanisms, *spec.levers]
    obj = ", ".join([f"raise {m}" for m in spec.maximise] + [f"lower {m}" for m in
                                                             spec.minimise])
    cons = ", ".join(f"{m} {'>=' if k == 'at_least' else '<='} {b:g}"
                     for m, (k, b) in spec.constraints.items())
    lines = [f"# Policy search `{spec.name}`", ""]
    if spec.description:
        lines += [spec.description, ""]
    lines += [
        f"- base scenario `{spec.base}`; searched: {', '.join(varied)}",
        f"- objectives: {obj}" + (f"; constraints: {cons}" if cons else ""),
        f"- NSGA-II (pymoo), population {spec.population}, {spec.generations} generations: "
        f"{len(cands)} candidates evaluated, {manifest['runs']} runs",
        f"- each candidate: {spec.replicates} runs on the same seeds as every other candidate "
        "(common random numbers); outcome = the mean of weeks "
        f"{spec.warmup + 1}-{spec.steps} (the last {spec.steps - spec.warmup} weeks)",
        f"- the front re-evaluated on {spec.fresh_replicates} fresh seeds (never used in the "
        "search), 95% t CIs (logit-scale for shares)",
        f"- root seed {spec.seed}; model code {manifest['code_version']}, git "
        f"{manifest['git_commit']}" + (" with uncommitted changes" if manifest["git_modified"]
                                       else ""), "",
        "Files: `front.csv` (each front point's settings, search means, fresh-seed means and "
        "CIs), `candidates.csv` (every candidate evaluated, by generation), `manifest.json`, "
        "`runs/`, `figures/`.", ""]
    if front.empty:
        lines += ["No candidate finished; see runs/ for errors.", ""]
    else:
        if spec.constraints and spec.minimise:
            cost = spec.minimise[0]
            ok = front[front["meets_constraints_fresh"]]
            if ok.empty:
                lines += [f"**No front point meets {cons} on fresh seeds.**", ""]
            else:
                best = ok.sort_values(f"{cost}_fresh").iloc[0]
                sett = ", ".join(f"{k} = {_v(best[k])}" for k in varied)
                lines += [f"**Cheapest mix that meets {cons} on fresh seeds:** {sett}: {cost} "
                          f"{best[cost + '_fresh']:.4g} [{best[cost + '_fresh_ci_low']:.4g}, "
                          f"{best[cost + '_fresh_ci_high']:.4g}]" + "".join(
                              f"; {m} {best[m + '_fresh']:.4g} [{best[m + '_fresh_ci_low']:.4g}"
                              f", {best[m + '_fresh_ci_high']:.4g}]"
                              for m in spec.constraints), ""]
        if not front["feasible_in_search"].all():
            lines += ["No candidate met the constraints in the search; the front shown is "
                      "of all candidates.", ""]
        cols = ["candidate", *varied]
        for m in spec.measures:
            cols += [m, f"{m}_fresh", f"{m}_fresh_ci_low", f"{m}_fresh_ci_high"]
        lines += ["## Front", "", markdown_table(front, cols), ""]
    for f in figs:
        rel = f.relative_to(root)
        lines += [f"![{rel.stem}]({rel.as_posix()})", ""]
    (root / "report.md").write_text("\n".join(lines), encoding="utf-8")


def _v(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "on" if v else "off"
    if isinstance(v, float) and not math.isnan(v):
        return f"{v:.4g}"
    return str(v)


def main_print(manifest: dict[str, Any], root: Path, stream: TextIO = sys.stdout) -> None:
    print(f"\nsearch {manifest['name']}: {manifest['candidates']} candidates, front of "
          f"{manifest['front']}; results: {root}/ (report.md, front.csv, figures/pareto.png)",
          file=stream)
