"""Tables, figures and report.md from an experiment folder, finished or not.

Everything here is derived from the per-run records and the manifest, so `run.py report
DIR` can rebuild it at any time without running the model.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import designs, plots
from experiments.report_text import write_report
from experiments.spec import Spec, from_dict
from experiments.stats import comparison_table, sensitivity_table, summary_table
from experiments.store import Store
from model.errors import InputError

RUN_COLUMNS = ["id", "scenario", "point", "replicate", "seed", "particle", "status", "error",
               "seconds"]
BOOTSTRAP_SEED_NOTE = "seed of SALib's bootstrap of sensitivity CIs: root seed mod 2**32"


def bootstrap_seed(spec: Spec) -> int:
    return spec.seed % 2**32


def replicates_used(spec: Spec, manifest: dict[str, Any] | None) -> int:
    """Replicates in the experiment: the spec's, or more if sequential replication added."""
    return max(spec.replicates, ((manifest or {}).get("precision") or {}).get("replicates", 0))


def current_records(records: dict[str, dict[str, Any]], spec: Spec,
                    tasks: list[designs.Task]) -> dict[str, dict[str, Any]]:
    """The records the spec asks for now, with their current design-point index.

    Runs of scenarios, replicates or factor values the spec no longer lists stay on disk
    (a later spec may ask for them again) but are left out of the tables.
    """
    index = {t.id: t for t in tasks}
    out = {}
    for rid, rec in records.items():
        if rid in index:
            out[rid] = {**rec, "point": index[rid].point}
    return out


def resolve_warmup(spec: Spec, records: dict[str, dict[str, Any]]) -> int:
    """The warm-up in steps: the spec's, or MSER-5's when it says "auto"."""
    if spec.warmup != "auto":
        return int(spec.warmup)
    from experiments.warmup import auto_warmup

    ts = timeseries_frame(records)
    if ts.empty:
        return 0
    return auto_warmup(ts, list(spec.measures), list(spec.scenarios), spec.steps)


def runs_frame(records: dict[str, dict[str, Any]], spec: Spec,
               warmup: int | None = None) -> pd.DataFrame:
    """One row per run: identity, design values, seed, status, outcome of every measure.

    Outcomes are recomputed from each run's stored time series with the spec's outcome
    and warm-up, so changing those (or the measures) needs no new runs.
    """
    from experiments.runner import outcome_values

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


def _posterior(spec: Spec, root: Path, manifest: dict[str, Any]):
    """The posterior the runs drew from: the folder's copy (the original may have moved)."""
    if not spec.posterior:
        return None
    from experiments.posterior import load_posterior

    copy = root / "posterior.parquet"
    return load_posterior(copy if copy.exists() else spec.posterior)


def build(root: str | Path) -> dict[str, Any]:
    """Write runs.parquet, timeseries.parquet, the CSV tables, figures and report.md."""
    store = Store(root)
    manifest = store.manifest()
    if manifest is None:
        raise InputError(f"folder {root!s} has no manifest.json; give a folder written by "
                         "`run.py experiment` or `run.py compare`.")
    if manifest.get("kind") == "search":
        raise InputError(f"folder {root!s} holds a policy search; its report is written by "
                         "`run.py optimize` (running it again rebuilds it from the stored runs).")
    spec = from_dict(manifest["spec"], source=str(Path(root) / "manifest.json"))
    root = Path(root)
    reps = replicates_used(spec, manifest)
    tasks = designs.tasks(spec, range(reps), _posterior(spec, root, manifest))
    every = store.records()
    records = current_records(every, spec, tasks)
    warmup = resolve_warmup(spec, records)
    runs = runs_frame(records, spec, warmup)
    ts = timeseries_frame(records)
    runs.to_parquet(root / "runs.parquet", index=False)
    ts.to_parquet(root / "timeseries.parquet", index=False)
    a = _analyse(spec, runs, ts, warmup, root)
    for name, frame in (("summary.csv", a["summary"]), ("comparison.csv", a["comparison"]),
                        ("sensitivity.csv", a["sens"]), ("metamodel.csv", a["meta"]),
                        ("discovery.csv", a["boxes"]), ("steady_state.csv", a["steady"]),
                        ("sign_stability.csv", a["signs"])):
        path = root / name
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
         "status": r.get("status"), "started": r.get("started"), "seconds": r.get("seconds"),
         "error": r.get("error")}
        for r in sorted(records.values(), key=lambda r: r["id"])]
    manifest["runs_kept_aside"] = sorted(set(every) - set(records))
    manifest["failed"] = failed
    manifest["status"] = ("complete" if n_ok >= len(tasks) and not failed
                          else "failed" if failed else "partial")
    manifest["warmup_used"] = warmup
    manifest.setdefault("seeds", {})["bootstrap"] = bootstrap_seed(spec)
    manifest["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
    store.write_manifest(manifest)
    write_report(root, spec, manifest, a, n_ok, len(tasks), warmup, reps)
    return manifest


def _analyse(spec: Spec, runs: pd.DataFrame, ts: pd.DataFrame, warmup: int,
             root: Path) -> dict[str, Any]:
    """Every table and figure the design calls for."""
    from experiments.stats import sign_stability, sobol_warnings
    from experiments.warmup import mser_table, steady_state

    empty = pd.DataFrame()
    a: dict[str, Any] = {k: empty for k in ("summary", "comparison", "sens", "meta", "boxes",
                                            "steady", "signs", "mser", "overall")}
    a.update(figures=[], warnings=[], discovery={})
    measures = list(spec.measures)
    d = spec.design
    factors = list(d.factors) + list(d.ranges)
    ok = runs[runs["status"] == "ok"] if not runs.empty else runs
    if ok.empty:
        return a
    scen = [s for s in spec.scenarios if s in set(ok["scenario"])]
    group = ["scenario", "point", *factors] if factors else ["scenario"]
    a["summary"] = summary_table(ok, measures, group)
    if len(scen) > 1 and spec.reference in scen:
        if d.type in ("scenarios", "factorial"):
            comp = comparison_table(ok, measures, spec.reference)
            if factors and not comp.empty:
                pts = pd.DataFrame(designs.points(spec)).rename_axis("point").reset_index()
                comp = comp.merge(pts, on="point", how="left")
        else:  # sampled designs: the effect averaged over the sampled space
            per_point = ok.groupby(["scenario", "point"])[measures].mean().reset_index()
            per_point["replicate"] = per_point["point"]
            per_point["status"] = "ok"
            per_point["point"] = 0
            comp = comparison_table(per_point, measures, spec.reference).drop(columns="point")
        a["comparison"] = comp
        if spec.posterior:
            a["signs"] = sign_stability(ok, measures, spec.reference)
    fig_dir = root / "figures"
    if not ts.empty:
        a["mser"] = mser_table(ts, measures, scen)
        a["steady"] = steady_state(ts, measures, scen, warmup if spec.outcome == "mean"
                                   else max(spec.steps - 52, 0))
        a["figures"].append(plots.timeseries(ts, measures, scen, fig_dir / "timeseries.png",
                                             warmup=warmup if spec.outcome == "mean" else 0))
    if not a["comparison"].empty and d.type == "scenarios":
        a["figures"].append(plots.outcomes(a["comparison"], measures, scen, spec.reference,
                                           fig_dir / "outcomes.png"))
    if d.type == "factorial" and len(d.factors) == 1:
        a["figures"].append(plots.sweep(a["summary"], next(iter(d.factors)), measures, scen,
                                        fig_dir / "sweep.png"))
    if d.type == "factorial" and len(d.factors) == 2:
        a["figures"] += _heatmaps(spec, a["summary"], a["comparison"], scen, fig_dir)
    if d.type in ("factorial", "lhs") and factors:
        a["figures"] += _effects(spec, ok, scen, fig_dir)
        if spec.analysis.metamodel:
            from experiments.analysis import factor_levels, metamodel

            a["meta"] = metamodel(ok, factor_levels(d), measures, scen,
                                  spec.analysis.interactions)
    sens = _sensitivity(spec, ok, measures)
    if not sens.empty:
        a["sens"] = sens
        if d.type == "sobol":
            a["warnings"] += sobol_warnings(sens, d.samples)
        for m in measures:
            for sc in scen:
                a["figures"].append(plots.sensitivity(
                    sens, d.type, m, fig_dir / f"sensitivity_{m}_{sc}.png", scenario=sc))
    if spec.analysis.discovery is not None:
        a["boxes"], figs, a["discovery"] = _discovery(spec, ok, scen, fig_dir)
        a["figures"] += figs
    return a


def _heatmaps(spec: Spec, summary: pd.DataFrame, comparison: pd.DataFrame,
              scen: list[str], fig_dir: Path) -> list[Path]:
    """Mean heatmaps sharing one scale per measure; paired-difference heatmaps likewise."""
    d = spec.design
    fx, fy = list(d.factors)
    if not all(isinstance(v, int | float) and not isinstance(v, bool)
               for vals in d.factors.values() for v in vals):
        return []
    out = []
    for m in spec.measures:
        s = summary[summary["measure"] == m]
        lo, hi = float(s["mean"].min()), float(s["mean"].max())
        for sc in scen:
            t = s[s["scenario"] == sc].pivot_table(index=fy, columns=fx, values="mean")
            out.append(plots.heatmap(t, fx, fy, fig_dir / f"heatmap_{m}_{sc}.png", lo, hi,
                                     f"{m} under {sc}: mean over replicates\n(one colour "
                                     "scale for all scenarios)", f"mean {plots._label(m)}"))
        c = comparison[comparison["measure"] == m] if not comparison.empty else comparison
        if c.empty:
            continue
        finite = np.abs(c["diff"].to_numpy(dtype=float))
        finite = finite[np.isfinite(finite)]
        lim = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        for sc in dict.fromkeys(c["scenario"]):
            t = c[c["scenario"] == sc].pivot_table(index=fy, columns=fx, values="diff")
            out.append(plots.heatmap(t, fx, fy, fig_dir / f"heatmap_diff_{m}_{sc}.png", -lim,
                                     lim, f"{m}: {sc} - {spec.reference}, paired by "
                                     "replicate\n(one colour scale per measure)",
                                     f"difference in {plots._label(m)}", diverging=True))
    return out


def _effects(spec: Spec, ok: pd.DataFrame, scen: list[str], fig_dir: Path) -> list[Path]:
    """Main-effect plots per measure, and an interaction plot of the first two factors."""
    from experiments.analysis import binned, factor_levels

    levels = factor_levels(spec.design)
    frame = ok.copy()
    for f, lev in levels.items():
        frame[f"_{f}"] = binned(frame, f, lev)
    names = list(levels)
    out = []
    kind = "binned into fifths of its range" if spec.design.type == "lhs" else "per level"
    for m in spec.measures:
        out.append(plots.effects(frame, names, m, scen, fig_dir / f"effects_{m}.png",
                                 f"Main effects on {m} ({kind}), mean with 95% CI"))
        if len(names) >= 2:
            sc = spec.reference if spec.reference in scen else scen[0]
            out.append(plots.interaction(frame[frame["scenario"] == sc], names[0], names[1], m,
                                         fig_dir / f"interaction_{m}.png",
                                         f"Interaction of {names[0]} and {names[1]} on {m}"
                                         f"\n({sc}; parallel lines = no interaction)"))
    return out


def _discovery(spec: Spec, ok: pd.DataFrame, scen: list[str],
               fig_dir: Path) -> tuple[pd.DataFrame, list[Path], dict[str, Any]]:
    from experiments.discovery import boxes_frame, discover

    disc = spec.analysis.discovery
    names = list(spec.design.ranges)
    frames, figs, results = [], [], {}
    for sc in scen:
        g = ok[ok["scenario"] == sc].groupby("point")
        x = g[names].first()
        y = g[disc.measure].mean().to_numpy()
        hit = y >= disc.threshold if disc.above else y < disc.threshold
        res = discover(x, hit)
        results[sc] = res
        frames.append(boxes_frame(res, sc))
        if res["trajectories"]:
            figs.append(plots.prim_trajectory(
                res["trajectories"], fig_dir / f"prim_{sc}.png",
                f"PRIM peeling trajectory, {sc}: {disc.measure} "
                f"{'>=' if disc.above else '<'} {disc.threshold:g}"))
    frames = [f for f in frames if not f.empty]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), figs, results


def _sensitivity(spec: Spec, ok: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    """SALib analysis per scenario and measure, on replicate means of each design point."""
    d = spec.design
    if d.type not in ("sobol", "morris"):
        return pd.DataFrame()
    x = designs.sample_matrix(spec)
    problem = designs.salib_problem(spec)
    parts = []
    for sc in spec.scenarios:
        g = ok[ok["scenario"] == sc].groupby("point")[measures].mean()
        if len(g) < len(x):  # the analysis needs every point of the design
            continue
        for m in measures:
            y = g[m].reindex(range(len(x))).to_numpy()
            if not np.all(np.isfinite(y)):
                continue
            t = sensitivity_table(d.type, problem, x, y, d.second_order,
                                  seed=bootstrap_seed(spec))
            t.insert(0, "measure", m)
            t.insert(0, "scenario", sc)
            parts.append(t)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
