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
    _write_report(root, spec, manifest, a, n_ok, len(tasks), warmup)
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
        lim = float(np.nanmax(np.abs(c["diff"]))) or 1.0
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


def window_text(spec: Spec, warmup: int) -> str:
    """The outcome window in words, as every report and the main job state it."""
    if spec.outcome == "final":
        return f"the value in the last week (week {spec.steps})"
    how = " (warm-up chosen by MSER-5)" if spec.warmup == "auto" else ""
    return (f"the mean of weeks {warmup + 1}-{spec.steps} (the last {spec.steps - warmup} "
            f"weeks; {warmup} warm-up weeks left out{how})")


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
        "p (Holm)": c["p_holm"].map(lambda v: _fmt(float(v))) if "p_holm" in c else "",
        "d_z": c["cohens_dz"].map(lambda v: _fmt(float(v))),
        "A12": c["vd_a"].map(lambda v: f"{v:.2f}"), "n": c["n_pairs"]})
    extra = [k for k in c.columns if k not in _COMP_COLS]
    if "point" in c.columns and c["point"].nunique() > 1:
        extra.insert(0, "point")
    for col in extra[::-1]:
        table.insert(1, col, c[col])
    return table.to_string(index=False)


_COMP_COLS = {"point", "scenario", "reference", "measure", "mean", "reference_mean", "diff",
              "diff_ci_low", "diff_ci_high", "p_value", "p_holm", "cohens_dz", "vd_a",
              "n_pairs"}


def _write_report(root: Path, spec: Spec, manifest: dict[str, Any], a: dict[str, Any],
                  n_ok: int, total: int, warmup: int) -> None:
    d = spec.design
    summary, comparison, sens = a["summary"], a["comparison"], a["sens"]
    factors = list(d.factors) + list(d.ranges)
    lines = [f"# Experiment `{spec.name}`", ""]
    if spec.description:
        lines += [spec.description, ""]
    git = manifest.get("git_commit")
    lines += [
        f"- status: **{manifest['status']}**, {n_ok} of {total} runs finished"
        + (f", failed: {', '.join(manifest['failed'])}" if manifest["failed"] else ""),
        f"- scenarios: {', '.join(spec.scenarios)}; reference: `{spec.reference}`",
        f"- design: {d.type}" + (f" over {', '.join(factors)}" if factors else ""),
        f"- replicates: {replicates_used(spec, manifest)}, steps: {spec.steps} weeks",
        f"- **outcome window**: each run's outcome is {window_text(spec, warmup)}",
        f"- root seed {spec.seed}; replicate r shares its seed across scenarios and design "
        "points (common random numbers), so comparisons are paired",
        f"- model code {manifest.get('code_version')}, all code "
        f"{(manifest.get('code_hashes') or {}).get('all')}, git {git}"
        + (" **with uncommitted changes**" if manifest.get("git_modified") else ""),
        "",
        "Files: `manifest.json` (spec text, versions, code hashes, seeds, every run's full "
        "parameters), `spec.toml` (the spec as given), `runs.parquet` (one row per run), "
        "`timeseries.parquet` (run x step), `summary.csv`"
        + "".join(f", `{n}`" for n in ("comparison.csv", "sensitivity.csv", "metamodel.csv",
                                      "discovery.csv", "steady_state.csv",
                                      "sign_stability.csv") if (root / n).exists())
        + ", `figures/`.", "",
    ]
    post = manifest.get("posterior")
    if post:
        lines += [*_posterior_text(post, manifest, a), ""]
    hist = manifest.get("history") or []
    if len(hist) > 1:
        lines += ["## History", "", "| started | changes | runs made |", "|---|---|---|"]
        for h in hist:
            lines.append(f"| {h.get('started')} | {'; '.join(h.get('changes', []))} | "
                         f"{h.get('runs_added', '?')} |")
        lines.append("")
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
    if not comparison.empty:
        sampled = d.type not in ("scenarios", "factorial")
        n_sig = int((comparison["p_holm"] < 0.05).sum())
        lines += ["## Each scenario against the reference", "",
                  ("Averaged over the sampled design: each design point's replicate-mean "
                   "difference is one observation. " if sampled else "Paired by replicate. ")
                  + "`diff` = scenario - reference with its 95% t CI; `p_holm` = the paired "
                  f"t-test's p-value, Holm-adjusted over all {len(comparison)} comparisons in "
                  f"this table ({n_sig} below 0.05); `cohens_dz` = mean(diff) / sd(diff); "
                  "`vd_a` = Vargha-Delaney A (0.5 = no effect, 0.71 / 0.29 = large). The CIs "
                  "are unadjusted; read them with `p_holm`.", "",
                  markdown_table(comparison, ["scenario",
                                              *(["point"] if d.factors else []), *d.factors,
                                              "measure", "mean", "reference_mean", "diff",
                                              "diff_ci_low", "diff_ci_high", "p_holm",
                                              "cohens_dz", "vd_a", "n_pairs"]), ""]
    elif len(spec.scenarios) == 1:
        lines += ["One scenario only, so there is no comparison with a reference.", ""]
    if not summary.empty:
        lines += ["## Summary (mean, sd, 95% CI, n)", "",
                  "CIs of shares (measures in [0, 1]) are built on the logit scale, so they "
                  "stay within [0, 1].", "",
                  markdown_table(summary, ["scenario", *d.factors, "measure", "mean", "sd",
                                           "ci_low", "ci_high", "n"])
                  if d.type in ("scenarios", "factorial") else
                  "Per design point in `summary.csv`.", ""]
    lines += _steady_text(a, spec)
    if not a["meta"].empty:
        meta = a["meta"]
        fits = meta.drop_duplicates(["scenario", "measure"])
        lines += ["## Metamodel (OLS on coded factors)", "",
                  "Each run's outcome regressed on the factors in coded units (numeric: "
                  "design range mapped to [-1, 1]; switches and choices: 0/1 against the "
                  "first value)"
                  + (", with two-way interactions" if spec.analysis.interactions else "")
                  + "; statsmodels OLS, 95% CIs. All terms in `metamodel.csv`.", "",
                  markdown_table(fits, ["scenario", "measure", "r2", "r2_adj", "n"]), "",
                  markdown_table(meta[meta["term"] != "const"],
                                 ["scenario", "measure", "term", "coef", "ci_low", "ci_high",
                                  "p_value"]), ""]
    if not sens.empty:
        lines += [f"## Sensitivity ({d.type})", "",
                  "Sobol S1 = first-order share of output variance, ST = total (with "
                  "interactions); Morris mu* = mean absolute elementary effect, sigma = its "
                  "spread (non-linearity, interaction). 95% CIs by bootstrap (SALib, seed "
                  f"{bootstrap_seed(spec)}). Model outputs are replicate means per design "
                  "point.", ""]
        for w in a["warnings"]:
            lines += [f"> **Warning:** {w}", ""]
        lines += [markdown_table(sens, ["scenario", "measure", "parameter", "index", "value",
                                        "ci_low", "ci_high"]), ""]
    if spec.analysis.discovery is not None:
        lines += _discovery_text(spec, a)
    figures = a["figures"]
    if figures:
        lines += ["## Figures", ""]
        for f in figures:
            rel = f.relative_to(root)
            lines += [f"![{rel.stem}]({rel.as_posix()})", ""]
        bad = {Path(k).name: v for k, v in plots.PROBLEMS.items()
               if v and Path(k) in set(figures)}
        for name, probs in bad.items():
            lines += [f"> figure `{name}`: {'; '.join(probs)}", ""]
    (root / "report.md").write_text("\n".join(lines), encoding="utf-8")


def _posterior_text(post: dict[str, Any], manifest: dict[str, Any],
                    a: dict[str, Any]) -> list[str]:
    runs = manifest.get("runs") or []
    drawn = sorted({r["particle"] for r in runs if r.get("particle") is not None})
    lines = ["## Parameter uncertainty (posterior)", "",
             f"Each replicate drew one particle of `{post['path']}` (calibration "
             f"`{post.get('calibration_id')}`, sha256 {post['sha256'][:16]}..., "
             f"{post['particles']} particles over {', '.join(post['parameters'])}), with "
             "probability proportional to its weight; all scenarios and design points of a "
             f"replicate share its draw and seed. {len(drawn)} distinct particles were drawn. "
             "The CIs below therefore hold **both parameter and stochastic uncertainty**."]
    over = sorted({p for r in _records_overridden(manifest) for p in r})
    if over:
        lines += ["", f"Overridden draws: {', '.join(over)} were set by a scenario, the "
                  "spec's overrides or the design in some runs; there the set value was used, "
                  "not the draw."]
    signs = a["signs"]
    if not signs.empty:
        keep = signs[signs["keeps_sign"]]
        lines += ["", "Effects whose sign holds in every posterior draw (replicates drawing "
                  "the same particle averaged first): "
                  + (", ".join(f"{r['scenario']} on {r['measure']}" for r in
                               keep.to_dict("records")) or "none")
                  + f" (of {len(signs)}; shares per effect in `sign_stability.csv`)."]
    return lines


def _records_overridden(manifest: dict[str, Any]) -> list[list[str]]:
    return [r.get("posterior_overridden") or [] for r in manifest.get("runs", [])]


def _steady_text(a: dict[str, Any], spec: Spec) -> list[str]:
    st = a["steady"]
    if st.empty:
        return []
    lines = ["## Warm-up and steady state", "",
             "MSER-5 truncation point (weeks) per scenario, largest over the measures; "
             "steady-state check: drift between the two halves of the outcome window, paired "
             "per run, 95% CI; 'drifting' when the CI excludes 0 and the drift exceeds the "
             "tolerance (0.01 for shares, else 2% of the level).", ""]
    mser = a["mser"].groupby("scenario")["mser5_warmup"].max() if not a["mser"].empty else {}
    rows = []
    for sc, g in st.groupby("scenario", sort=False):
        drifting = g[g["verdict"] == "drifting"]["measure"].tolist()
        rows.append({"scenario": sc, "mser5_warmup": int(mser.get(sc, 0)) if len(mser) else 0,
                     "verdict": "drifting: " + ", ".join(drifting) if drifting else
                     "steady in every measure"})
    lines += [markdown_table(pd.DataFrame(rows), ["scenario", "mser5_warmup", "verdict"]), ""]
    limit = (spec.steps + 1) // 5 // 2 * 5  # MSER-5 looks in the first half only
    if any(r["mser5_warmup"] >= limit for r in rows):
        lines += [f"An MSER-5 point at its limit ({limit} weeks, half the run) means that "
                  "series had not settled within the run: read its outcome as a level reached "
                  "by then, not a steady state.", ""]
    return lines


def _discovery_text(spec: Spec, a: dict[str, Any]) -> list[str]:
    disc = spec.analysis.discovery
    lines = ["## Scenario discovery (PRIM)", "",
             f"Design points of interest: replicate-mean {disc.measure} "
             f"{'>=' if disc.above else '<'} {disc.threshold:g}. PRIM from the EMA Workbench "
             "(peel alpha 0.05, minimum mass 0.05). Coverage = share of all points of "
             "interest inside the box; density = share of the box's points that are of "
             "interest; mass = share of all points inside the box.", ""]
    for sc, res in a["discovery"].items():
        lines.append(f"- {sc}: {res['n_interest']} of {res['n']} points of interest"
                     + (f"; {res['note']}" if res.get("note") else ""))
    lines.append("")
    if not a["boxes"].empty:
        lines += [markdown_table(a["boxes"], ["scenario", "box", "coverage", "density", "mass",
                                              "n", "limits"]), ""]
    return lines
