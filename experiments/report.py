"""Tables, figures and report.md from an experiment folder, finished or not.

Everything here is derived from the per-run records and the manifest, so `run.py report
DIR` can rebuild it at any time without running the model.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import designs, plots
from experiments.spec import Spec, from_dict
from experiments.stats import comparison_table, sensitivity_table, summary_table
from experiments.store import Store
from model.errors import InputError

RUN_COLUMNS = ["id", "scenario", "point", "replicate", "seed", "status", "error", "seconds"]


def runs_frame(records: dict[str, dict[str, Any]], spec: Spec) -> pd.DataFrame:
    """One row per run: identity, design values, seed, status, outcome of every measure."""
    rows = []
    for rec in records.values():
        row = {k: rec.get(k) for k in RUN_COLUMNS}
        row.update(rec.get("design_values") or {})
        row.update(rec.get("outcomes") or {})
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


def build(root: str | Path) -> dict[str, Any]:
    """Write runs.parquet, timeseries.parquet, the CSV tables, figures and report.md."""
    store = Store(root)
    manifest = store.manifest()
    if manifest is None:
        raise InputError(f"folder {root!s} has no manifest.json; give a folder written by "
                         "`run.py experiment` or `run.py compare`.")
    spec = from_dict(manifest["spec"], source=str(Path(root) / "manifest.json"))
    records = store.records()
    runs = runs_frame(records, spec)
    ts = timeseries_frame(records)
    root = Path(root)
    runs.to_parquet(root / "runs.parquet", index=False)
    ts.to_parquet(root / "timeseries.parquet", index=False)
    measures = list(spec.measures)
    factors = list(spec.design.factors) + list(spec.design.ranges)
    figures: list[Path] = []
    summary = comparison = sens = pd.DataFrame()
    ok = runs[runs["status"] == "ok"] if not runs.empty else runs
    if not ok.empty:
        group = ["scenario", "point", *factors] if factors else ["scenario"]
        summary = summary_table(ok, measures, group)
        comparison = comparison_table(ok, measures, spec.reference)
        if factors and not comparison.empty:
            pts = pd.DataFrame(designs.points(spec)).rename_axis("point").reset_index()
            comparison = comparison.merge(pts, on="point", how="left")
        figures += _figures(spec, ok, ts, summary, root)
        sens = _sensitivity(spec, ok, measures)
        if not sens.empty:
            for m in measures:
                for sc in spec.scenarios:
                    figures.append(plots.sensitivity(
                        sens, spec.design.type, m,
                        root / "figures" / f"sensitivity_{m}_{sc}.png", scenario=sc))
    summary.to_csv(root / "summary.csv", index=False)
    comparison.to_csv(root / "comparison.csv", index=False)
    if not sens.empty:
        sens.to_csv(root / "sensitivity.csv", index=False)
    total = len(designs.tasks(spec, range(max(spec.replicates, (manifest.get("precision") or {})
                                          .get("replicates", 0)))))
    failed = sorted(r["id"] for r in records.values() if r.get("status") != "ok")
    n_ok = sum(r.get("status") == "ok" for r in records.values())
    manifest["runs"] = [
        {"id": r["id"], "scenario": r["scenario"], "point": r["point"],
         "replicate": r["replicate"], "params": r.get("overrides"), "seed": r["seed"],
         "status": r.get("status"), "started": r.get("started"), "seconds": r.get("seconds"),
         "error": r.get("error")}
        for r in sorted(records.values(), key=lambda r: r["id"])]
    manifest["failed"] = failed
    manifest["status"] = ("complete" if n_ok >= total and not failed
                          else "failed" if failed else "partial")
    manifest["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
    store.write_manifest(manifest)
    _write_report(root, spec, manifest, summary, comparison, sens, figures, n_ok, total)
    return manifest


def _figures(spec: Spec, ok: pd.DataFrame, ts: pd.DataFrame, summary: pd.DataFrame,
             root: Path) -> list[Path]:
    fig_dir = root / "figures"
    out = []
    scen = [s for s in spec.scenarios if s in set(ok["scenario"])]
    d = spec.design
    if d.type == "scenarios":
        out.append(plots.timeseries(ts, list(spec.measures), scen, fig_dir / "timeseries.png",
                                    warmup=spec.warmup))
        out.append(plots.outcomes(summary, list(spec.measures), scen, spec.reference,
                                  fig_dir / "outcomes.png"))
    elif d.type == "factorial" and len(d.factors) == 1:
        out.append(plots.sweep(summary, next(iter(d.factors)), list(spec.measures), scen,
                               fig_dir / "sweep.png"))
    elif d.type == "factorial" and len(d.factors) == 2:
        fx, fy = list(d.factors)
        if all(isinstance(v, int | float) and not isinstance(v, bool)
               for vals in d.factors.values() for v in vals):
            for m in spec.measures:
                for sc in scen:
                    out.append(plots.heatmap(summary, fx, fy, m, sc,
                                             fig_dir / f"heatmap_{m}_{sc}.png"))
    return out


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
            t = sensitivity_table(d.type, problem, x, y, d.second_order, seed=spec.seed % 2**32)
            t.insert(0, "measure", m)
            t.insert(0, "scenario", sc)
            parts.append(t)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.4g}"
    return str(v)


def markdown_table(df: pd.DataFrame, columns: list[str]) -> str:
    cols = [c for c in columns if c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for rec in df[cols].to_dict("records"):
        lines.append("| " + " | ".join(_fmt(rec[c]) for c in cols) + " |")
    return "\n".join(lines)


def comparison_text(comparison: pd.DataFrame) -> str:
    """The comparison table as printed by `compare` and the main job."""
    if comparison.empty:
        return "(no comparison: no finished runs, or only the reference scenario)"
    c = comparison
    table = pd.DataFrame({
        "scenario": c["scenario"], "measure": c["measure"],
        "mean": c["mean"].map(_fmt), "reference": c["reference_mean"].map(_fmt),
        "diff": c["diff"].map(_fmt),
        "95% CI of diff": [f"[{_fmt(lo)}, {_fmt(hi)}]"
                           for lo, hi in zip(c["diff_ci_low"], c["diff_ci_high"], strict=True)],
        "d_z": c["cohens_dz"].map(lambda v: _fmt(float(v))),
        "A12": c["vd_a"].map(lambda v: f"{v:.2f}"), "n": c["n_pairs"]})
    extra = [k for k in c.columns if k not in _COMP_COLS]
    if "point" in c.columns and c["point"].nunique() > 1:
        extra.insert(0, "point")
    for col in extra[::-1]:
        table.insert(1, col, c[col])
    return table.to_string(index=False)


_COMP_COLS = {"point", "scenario", "reference", "measure", "mean", "reference_mean", "diff",
              "diff_ci_low", "diff_ci_high", "cohens_dz", "vd_a", "n_pairs"}


def _write_report(root: Path, spec: Spec, manifest: dict[str, Any], summary: pd.DataFrame,
                  comparison: pd.DataFrame, sens: pd.DataFrame, figures: list[Path],
                  n_ok: int, total: int) -> None:
    d = spec.design
    lines = [f"# Experiment `{spec.name}`", ""]
    if spec.description:
        lines += [spec.description, ""]
    lines += [
        f"- status: **{manifest['status']}**, {n_ok} of {total} runs finished"
        + (f", failed: {', '.join(manifest['failed'])}" if manifest["failed"] else ""),
        f"- scenarios: {', '.join(spec.scenarios)}; reference: `{spec.reference}`",
        f"- design: {d.type}" + (f" over {', '.join(list(d.factors) + list(d.ranges))}"
                                 if d.factors or d.ranges else ""),
        f"- replicates: {spec.replicates}, steps: {spec.steps}, outcome: {spec.outcome}"
        + (f" after {spec.warmup} warm-up steps" if spec.outcome == "mean" else " (last step)"),
        f"- root seed {spec.seed}; replicate r shares its seed across scenarios and design "
        "points (common random numbers), so comparisons are paired",
        f"- model code {manifest.get('code_version')}, git {manifest.get('git_commit')}",
        "",
        "Files: `manifest.json` (spec, versions, every run), `runs.parquet` (one row per run), "
        "`timeseries.parquet` (run x step), `summary.csv`, `comparison.csv`"
        + (", `sensitivity.csv`" if not sens.empty else "") + ", `figures/`.",
        "",
    ]
    prec = manifest.get("precision")
    if prec:
        worst = max((r["relative_half_width" if prec["relative"] else "half_width"]
                     for r in prec["half_widths"]), default=float("nan"))
        lines += ["## Precision (sequential replication)", "",
                  f"Target 95% CI half-width {prec['target']:g}"
                  f"{' relative to the mean' if prec['relative'] else ''}: "
                  f"{'met' if prec['met'] else 'NOT met'} with {prec['replicates']} replicates "
                  f"(largest: {worst:.4g}; cap {prec['max_replicates']}). Method: "
                  "Hoad, Robinson and Davies (2010).", ""]
    if not comparison.empty and d.type in ("scenarios", "factorial"):
        lines += ["## Each scenario against the reference", "",
                  "Paired by replicate. `diff` = scenario - reference with its 95% t CI; "
                  "`cohens_dz` = mean(diff) / sd(diff) (paired Cohen's d, d_z); `vd_a` = "
                  "Vargha-Delaney A (chance a scenario run beats a reference run; 0.5 = no "
                  "effect, 0.71 / 0.29 = large).", "",
                  markdown_table(comparison, ["scenario", *(["point"] if d.factors else []),
                                              *d.factors, "measure",
                                              "mean", "reference_mean", "diff", "diff_ci_low",
                                              "diff_ci_high", "cohens_dz", "vd_a",
                                              "n_pairs"]), ""]
    if not summary.empty:
        lines += ["## Summary (mean, sd, 95% CI, n)", "",
                  markdown_table(summary, ["scenario", *d.factors, *d.ranges, "measure",
                                           "mean", "sd", "ci_low", "ci_high", "n"])
                  if d.type in ("scenarios", "factorial") else
                  "Per design point in `summary.csv`.", ""]
    if not sens.empty:
        lines += [f"## Sensitivity ({d.type})", "",
                  "Sobol S1 = first-order share of output variance, ST = total (with "
                  "interactions); Morris mu* = mean absolute elementary effect, sigma = its "
                  "spread (non-linearity, interaction). 95% CIs by bootstrap (SALib). Model "
                  "outputs are replicate means per design point.", "",
                  markdown_table(sens, ["scenario", "measure", "parameter", "index", "value",
                                        "ci_low", "ci_high"]), ""]
    if figures:
        lines += ["## Figures", ""]
        for f in figures:
            rel = f.relative_to(root)
            lines += [f"![{rel.stem}]({rel.as_posix()})", ""]
    (root / "report.md").write_text("\n".join(lines), encoding="utf-8")
