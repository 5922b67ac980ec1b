"""report.md: the experiment's tables and figures in words, numbers and pictures.

Also the plain-text comparison table `compare` and the main job print, and the sentence
that states a run's outcome window, so every output says it the same way.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import plots
from experiments.spec import Spec


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


def write_report(root: Path, spec: Spec, manifest: dict[str, Any], a: dict[str, Any],
                 n_ok: int, total: int, warmup: int, replicates: int) -> None:
    """Write report.md from the analysis `a` (tables, figures, warnings) and the manifest."""
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
        f"- replicates: {replicates}, steps: {spec.steps} weeks",
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
                  f"{manifest['seeds']['bootstrap']}). Model outputs are replicate means per "
                  "design point.", ""]
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

