"""The report's sections that depend on what the experiment has: a posterior, a [params]
file, a history, a precision target, steady-state checks, a metamodel, sensitivity
indices, scenario discovery. Each says what it cannot assess instead of printing it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from experiments.analyse.discovery import QP_MAX, RESAMPLES, RULE, rejected_text
from experiments.analyse.markdown import markdown_table
from experiments.analyse.stats import MIN_SIGN_PARTICLES
from experiments.analyse.warmup import SPREAD_SHARE
from experiments.specify.spec import Spec


def posterior(manifest: dict[str, Any], a: dict[str, Any]) -> list[str]:
    post = manifest["posterior"]
    runs = manifest.get("runs") or []
    drawn = sorted({r["particle"] for r in runs if r.get("particle") is not None})
    enough = len(drawn) >= MIN_SIGN_PARTICLES
    lines = ["## Parameter uncertainty (posterior)", "",
             f"Each replicate drew one particle of `{post['path']}` (calibration "
             f"`{post.get('calibration_id')}`, sha256 {post['sha256'][:16]}..., "
             f"{post['particles']} particles over {', '.join(post['parameters'])}), with "
             "probability proportional to its weight; all scenarios and design points of a "
             f"replicate share its draw and seed. {len(drawn)} distinct particles were drawn, "
             + ("so the CIs below hold **both parameter and stochastic uncertainty**."
                if enough else
                f"fewer than the {MIN_SIGN_PARTICLES} needed to stand for the posterior: the "
                "CIs below hold stochastic uncertainty and the parameter uncertainty of "
                f"these {len(drawn)} parameter sets only. More replicates draw more.")]
    over = sorted({p for r in runs for p in (r.get("posterior_overridden") or [])})
    if over:
        lines += ["", f"Overridden draws: {', '.join(over)} were set by a scenario, the "
                  "spec's overrides or the design in some runs; there the set value was used, "
                  "not the draw."]
    signs = a["signs"]
    if not signs.empty:
        assessed = signs[signs["keeps_sign"].notna()]
        if assessed.empty:
            lines += ["", f"Whether each effect keeps its sign across the posterior: **not "
                      f"assessed** ({int(signs['particles'].max())} distinct particles drawn; "
                      f"at least {MIN_SIGN_PARTICLES} are needed). Shares per effect are in "
                      "`sign_stability.csv`."]
        else:
            keep = assessed[assessed["keeps_sign"].astype(bool)]
            lines += ["", "Effects whose sign holds in every posterior draw (replicates "
                      "drawing the same particle averaged first): "
                      + (", ".join(f"{r['scenario']} on {r['measure']}" for r in
                                   keep.to_dict("records")) or "none")
                      + f" (of {len(assessed)}; shares per effect in `sign_stability.csv`)."]
    return lines


def params_file(manifest: dict[str, Any]) -> list[str]:
    p = manifest["params"]
    runs = manifest.get("runs") or []
    over = sorted({k for r in runs for k in (r.get("params_overridden") or [])})
    shown = ", ".join(f"{k} = {v!r}" for k, v in p["values"].items())
    return ["## Starting parameters ([params] file)", "",
            f"Every run starts from `{p['path']}` (copy: `{p['copy']}`): {shown}. A "
            "scenario, the spec's overrides or the design setting the same parameter wins"
            + (f"; here: {', '.join(over)}." if over else ".")]


def history(manifest: dict[str, Any]) -> list[str]:
    hist = manifest.get("history") or []
    if len(hist) < 2 and not any(h.get("submitted") for h in hist):
        return []
    lines = ["## History", "", "| started | changes | runs made |", "|---|---|---|"]
    for h in hist:
        made = h.get("runs_added", "?")
        if h.get("interrupted"):
            made = f"{made} (interrupted)"
        if h.get("submitted"):
            s = h["submitted"]
            made = (f"{made} (job array {s.get('job')}: {s.get('runs')} runs in "
                    f"{s.get('tasks')} tasks)")
        lines.append(f"| {h.get('started')} | {'; '.join(h.get('changes', []))} | {made} |")
    return [*lines, ""]


def precision(prec: dict[str, Any] | None) -> list[str]:
    if not prec:
        return []
    worst = max((r["relative_half_width" if prec["relative"] else "half_width"]
                 for r in prec["half_widths"]), default=float("nan"))
    return ["## Precision (sequential replication)", "",
            f"Target 95% CI half-width {prec['target']:g}"
            f"{' relative to the mean' if prec['relative'] else ''}: "
            f"{'met' if prec['met'] else 'NOT met'} with {prec['replicates']} replicates "
            f"(largest: {worst:.4g}; cap {prec['max_replicates']}). Method: "
            "Hoad, Robinson and Davies (2010).", ""]


def steady(a: dict[str, Any]) -> list[str]:
    st = a["steady"]
    if st.empty:
        return []
    lines = ["## Warm-up and steady state", "",
             "MSER-5 truncation point (weeks) per scenario, largest over the measures, and "
             "its limit (half the run: a point at the limit means the series had not "
             "settled). Drift: second half minus first half of the outcome window, paired "
             "per run, 95% CI; a measure drifts when the CI excludes 0 and the drift exceeds "
             f"{SPREAD_SHARE:g} x the SD between runs of their window means. **Steady** only "
             "where both agree: no drift, and MSER-5 below its limit; *not settled*: no "
             "drift found, but MSER-5 at its limit. Per measure in `steady_state.csv`.", ""]
    rows = []
    for sc, g in st.groupby("scenario", sort=False):
        kinds = {v: g[g["verdict"] == v]["measure"].tolist() for v in dict.fromkeys(
            g["verdict"])}
        verdict = ("steady in every measure" if set(kinds) == {"steady"} else
                   "; ".join(f"{v}: {', '.join(ms)}" for v, ms in kinds.items()
                             if v != "steady"))
        points = pd.to_numeric(g["mser5_warmup"], errors="coerce")
        rows.append({"scenario": sc,
                     "mser5_warmup": int(points.max()) if points.notna().any() else "?",
                     "limit": int(g["mser5_limit"].iloc[0]), "verdict": verdict})
    return [*lines, markdown_table(pd.DataFrame(rows), ["scenario", "mser5_warmup", "limit",
                                                        "verdict"]), ""]


def metamodel(spec: Spec, a: dict[str, Any]) -> list[str]:
    meta, notes = a["meta"], a["meta_notes"]
    if meta.empty and not notes:
        return []
    lines = ["## Metamodel (OLS on coded factors)", "",
             "Each run's outcome regressed on the factors in coded units (numeric: design "
             "range mapped to [-1, 1]; switches and choices: 0/1 against the first value)"
             + (", with two-way interactions" if spec.analysis.interactions else "")
             + "; statsmodels OLS, 95% CIs. A model is fitted only where the design has more "
             "distinct points than the model has terms and its matrix has full rank "
             "(replicates repeat a point; they identify no term). `points` = distinct design "
             "points, `df_resid` = residual degrees of freedom, `condition_number` of the "
             "design matrix (above about 30 the terms are nearly collinear). All terms in "
             "`metamodel.csv`.", ""]
    lines += [f"> **Note:** {n}." for n in notes] + ([""] if notes else [])
    if not meta.empty:
        fits = meta.drop_duplicates(["scenario", "measure"])
        lines += [markdown_table(fits, ["scenario", "measure", "r2", "r2_adj", "n", "points",
                                        "df_resid", "condition_number"]), "",
                  markdown_table(meta[meta["term"] != "const"],
                                 ["scenario", "measure", "term", "coef", "ci_low", "ci_high",
                                  "p_value"]), ""]
    return lines


def sensitivity(spec: Spec, manifest: dict[str, Any], a: dict[str, Any]) -> list[str]:
    sens = a["sens"]
    if sens.empty:
        return []
    lines = [f"## Sensitivity ({spec.design.type})", "",
             "Sobol S1 = first-order share of output variance, ST = total (with "
             "interactions); Morris mu* = mean absolute elementary effect, sigma = its "
             "spread (non-linearity, interaction). 95% CIs by bootstrap (SALib, seed "
             f"{manifest['seeds']['bootstrap']}). Model outputs are replicate means per "
             "design point.", ""]
    for w in a["warnings"]:
        lines += [f"> **Warning:** {w}", ""]
    return [*lines, markdown_table(sens, ["scenario", "measure", "parameter", "index", "value",
                                          "ci_low", "ci_high"]), ""]


def discovery(spec: Spec, a: dict[str, Any]) -> list[str]:
    disc = spec.analysis.discovery
    sign = ">=" if disc.above else "<"
    how = (f"the {disc.quantile:g}-quantile of each scenario's points" if disc.quantile
           is not None else f"{disc.threshold:g}")
    lines = ["## Scenario discovery (PRIM)", "",
             f"Design points of interest: replicate-mean {disc.measure} {sign} {how}. PRIM "
             "from the EMA Workbench (peel alpha 0.05, minimum mass 0.05). Coverage = share "
             "of all points of interest inside the box; density = share of the box's points "
             "that are of interest; mass = share of all points inside the box. Box chosen: "
             f"{RULE}; a box is kept when one of its limits has a quasi-p (Bryant and "
             f"Lempert 2010) below {QP_MAX:g}. `reproduced_in_resamples`: share of "
             f"{RESAMPLES} PRIM runs on random halves of the points whose box restricts the "
             "parameter (matched to this box by coverage / by density). Whole peeling "
             "trajectories in `prim_trajectories.csv`.", ""]
    for sc, res in a["discovery"].items():
        lines.append(f"- {sc}: threshold {disc.measure} {sign} {res['threshold']:.4g}; "
                     f"{res['n_interest']} of {res['n']} points of interest"
                     + (f"; {res['note']}" if res.get("note") else ""))
    lines.append("")
    for sc, res in a["discovery"].items():
        if res.get("warning"):
            lines += [f"> **Warning ({sc}):** {res['warning']}.", ""]
    if not a["boxes"].empty:
        lines += [markdown_table(a["boxes"], ["scenario", "box", "coverage", "density", "mass",
                                              "n", "chosen_step", "limits",
                                              "reproduced_in_resamples"]), ""]
    else:
        lines += ["No box was found whose limits PRIM could tell from chance.", ""]
    lines += [f"- {sc}: {rejected_text(res)}." for sc, res in a["discovery"].items()
              if rejected_text(res)]
    return lines
