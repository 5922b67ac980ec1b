"""The report's sections that depend on what the experiment has: a posterior, a [params]
file, a history, a precision target, steady-state checks, a metamodel, sensitivity
indices, scenario discovery. Each says what it cannot assess instead of printing it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from experiments.analyse.discovery import QP_MAX, RESAMPLES, RULE, rejected_text
from experiments.analyse.markdown import markdown_table
from experiments.analyse.robust import HORIZONS, ROBUST, wide
from experiments.analyse.warmup import SPREAD_SHARE
from experiments.specify.particles import MIN_DISTINCT
from experiments.specify.spec import Spec


def posterior(manifest: dict[str, Any]) -> list[str]:
    post = manifest["posterior"]
    runs = manifest.get("runs") or []
    # only replicates whose runs all finished, in every scenario and design point: a failed
    # or missing run leaves its replicate out of the paired comparisons below, so its
    # particle must not count towards the 30
    arms = {(r.get("scenario"), r.get("point")) for r in runs}
    done: dict[Any, set] = {}
    for r in runs:
        if r.get("status", "ok") == "ok":
            done.setdefault(r.get("replicate"), set()).add((r.get("scenario"), r.get("point")))
    complete = {rep for rep, have in done.items() if have == arms}
    drawn = sorted({r["particle"] for r in runs if r.get("particle") is not None
                    and r.get("replicate") in complete})
    enough = len(drawn) >= MIN_DISTINCT
    lines = ["## Parameter uncertainty (posterior)", "",
             f"Each replicate ran with one particle of `{post['path']}` (calibration "
             f"`{post.get('calibration_id')}`, sha256 {post['sha256'][:16]}..., "
             f"{post['particles']} particles over {', '.join(post['parameters'])}): the "
             "particles are resampled systematically by weight and taken in a random order "
             "without repeats (experiments/specify/particles.py); all scenarios and design "
             f"points of a replicate share its particle and seed. {len(drawn)} distinct "
             "particles were drawn, "
             + ("so the intervals below hold **both parameter and stochastic uncertainty**."
                if enough else
                f"fewer than the {MIN_DISTINCT} needed to stand for the posterior: "
                "**parameter uncertainty is not covered**; the intervals below hold "
                f"stochastic uncertainty and the spread of these {len(drawn)} parameter sets "
                "only. More replicates draw more.")]
    over = sorted({p for r in runs for p in (r.get("posterior_overridden") or [])})
    if over:
        lines += ["", f"Overridden draws: {', '.join(over)} were set by a scenario, the "
                  "spec's overrides or the design in some runs; there the set value was used, "
                  "not the draw."]
    return lines


def horizons(manifest: dict[str, Any], table: pd.DataFrame) -> list[str]:
    """Effects at years 1, 3 and 8 with P(effect > 0) and the robust verdict."""
    if table.empty:
        return []
    particles = int(table["particles"].max())
    covered = particles >= MIN_DISTINCT
    labels = list(dict.fromkeys(table["horizon"]))
    lines = ["## Effects at years 1, 3 and 8", "",
             f"Each scenario minus `{table['reference'].iloc[0]}` in the same replicate (same "
             "seed" + (", same posterior particle" if manifest.get("posterior") else "")
             + "), averaged over one year's weeks: " + ", ".join(
                 f"{h} = weeks {a}-{b}" for h, (a, b) in HORIZONS.items() if h in labels)
             + ". Each cell: the mean effect, the 5% and 95% quantiles of the "
             "replicates' effects, and P(>0), the share of replicates whose effect is "
             f"above 0. **Robust** only where that share (or, for an effect that goes down, "
             f"the share below 0) is at least {ROBUST:g} at every horizon shown; otherwise "
             "the failing horizons are named. Every row in `horizons.csv`.", ""]
    if covered:
        lines += [f"Parameter uncertainty is covered: {particles} distinct posterior "
                  "particles.", ""]
    else:
        lines += ["> **Parameter uncertainty is not covered** ("
                  + (f"{particles} distinct posterior particles" if particles else
                     "no posterior: every run at the model's defaults")
                  + f"; at least {MIN_DISTINCT} distinct particles are needed). The shares "
                  "below are across seeds only, and no effect is called robust.", ""]
    if len(labels) < len(HORIZONS):
        lines += [f"> These runs reach {', '.join(labels)} only (year 3 needs 156 weeks, "
                  "year 8 416).", ""]
    shown = wide(table)
    lines += [markdown_table(shown, ["scenario", "measure", *labels, "verdict"]), ""]
    if covered:
        robust = table[table["robust"].astype(str) == "True"].drop_duplicates(
            ["scenario", "measure"])
        lines += ["Robust at every horizon: " + (", ".join(
            f"{r['scenario']} on {r['measure']}" for r in robust.to_dict("records"))
            or "none") + f" (of {len(shown)} effects).", ""]
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


def community(manifest: dict[str, Any]) -> list[str]:
    c = manifest["community"]
    shown = ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v!r}"
                      for k, v in c["params"].items())
    return ["## The community (profile)", "",
            f"Every run describes {c['name']!r} (`{c['path']}`; figures from: {c['source']}), "
            f"mapped by docs/COMMUNITIES.md's rules to {shown} (over a [params] file, scaled "
            "from its values and a posterior's draw). A scenario, the spec's overrides or the "
            "design setting the same parameter wins."]


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
