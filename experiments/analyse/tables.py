"""Every table and figure an experiment's design calls for, from its runs.

Scenario and factorial designs get paired comparisons; sampled designs the effect averaged
over the sampled space; factorial and LHS designs main effects, interactions and a
metamodel (when the design can identify one); Sobol and Morris designs sensitivity
indices; LHS designs with [analysis] discovery PRIM boxes. Each analysis that cannot
answer from what it was given says so in `notes`, instead of printing numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analyse import design_figures, plots
from experiments.analyse.discovery import (
    boxes_frame,
    discover,
    pass_check,
    threshold,
    trajectories_frame,
)
from experiments.analyse.metamodel import factor_levels, metamodel
from experiments.analyse.robust import horizon_table
from experiments.analyse.stats import (
    comparison_table,
    sensitivity_table,
    sobol_warnings,
    summary_table,
)
from experiments.analyse.warmup import mser_table, steady_state
from experiments.specify.designs import bootstrap_seed, points, salib_problem, sample_matrix
from experiments.specify.spec import Spec

TABLES = {"summary.csv": "summary", "comparison.csv": "comparison",
          "sensitivity.csv": "sens", "metamodel.csv": "meta", "discovery.csv": "boxes",
          "prim_trajectories.csv": "trajectories", "steady_state.csv": "steady",
          "horizons.csv": "horizons"}


def analyse(spec: Spec, runs: pd.DataFrame, ts: pd.DataFrame, warmup: int, root: Path,
            figures: bool = True) -> dict[str, Any]:
    """Every table the design calls for, with notes and warnings; then its figures, unless
    `figures` is False (tables and report only: faster where nobody looks at pictures)."""
    empty = pd.DataFrame()
    a: dict[str, Any] = {k: empty for k in (*TABLES.values(), "mser")}
    a.update(figures=[], warnings=[], discovery={}, meta_notes=[], drawn=figures)
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
        a["comparison"] = _comparison(spec, ok, measures)
        if d.type == "scenarios" and not ts.empty:
            a["horizons"] = horizon_table(ok, ts, measures, spec.reference, spec.steps)
    if not ts.empty:
        a["mser"] = mser_table(ts, measures, scen)
        window_start = warmup if spec.outcome == "mean" else max(spec.steps - 52, 0)
        a["steady"] = steady_state(ts, measures, scen, window_start, a["mser"])
    if d.type in ("factorial", "lhs") and factors and spec.analysis.metamodel:
        a["meta"], a["meta_notes"] = metamodel(ok, factor_levels(d), measures, scen,
                                               spec.analysis.interactions)
    a["sens"] = _sensitivity(spec, ok, measures)
    if d.type == "sobol" and not a["sens"].empty:
        a["warnings"] += sobol_warnings(a["sens"], d.samples)
    if spec.analysis.discovery is not None:
        _discovery(spec, ok, scen, a)
    if figures:
        a["figures"] = draw(spec, a, ok, ts, scen, warmup, root / "figures")
    return a


def draw(spec: Spec, a: dict[str, Any], ok: pd.DataFrame, ts: pd.DataFrame,
         scen: list[str], warmup: int, fig_dir: Path) -> list[Path]:
    """The figures of the tables in `a`."""
    d, measures, out = spec.design, list(spec.measures), []
    if not ts.empty:
        out.append(plots.timeseries(ts, measures, scen, fig_dir / "timeseries.png",
                                    reference=spec.reference,
                                    warmup=warmup if spec.outcome == "mean" else 0))
    if not a["comparison"].empty and d.type == "scenarios":
        out.append(plots.outcomes(a["comparison"], measures, scen, spec.reference,
                                  fig_dir / "outcomes.png"))
    if d.type == "factorial" and len(d.factors) == 1:
        out.append(plots.sweep(a["summary"], next(iter(d.factors)), measures, scen,
                               fig_dir / "sweep.png"))
    if d.type == "factorial" and len(d.factors) == 2:
        out += design_figures.heatmaps(spec, a["summary"], a["comparison"], scen, fig_dir)
    if d.type in ("factorial", "lhs") and (d.factors or d.ranges):
        out += design_figures.effects(spec, ok, scen, fig_dir)
    if not a["sens"].empty:
        out += [plots.sensitivity(a["sens"], d.type, m, fig_dir / f"sensitivity_{m}_{sc}.png",
                                  scenario=sc) for m in measures for sc in scen]
    disc = spec.analysis.discovery
    for sc, res in a["discovery"].items():
        if res["trajectories"]:
            out.append(plots.prim_trajectory(
                res["trajectories"], fig_dir / f"prim_{sc}.png",
                f"PRIM peeling trajectory, {sc}: {disc.measure} "
                f"{'>=' if disc.above else '<'} {res['threshold']:.4g}"))
    return out


def _comparison(spec: Spec, ok: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    """Each scenario against the reference: paired by replicate, per design point for
    scenario and factorial designs, averaged over the sampled space otherwise."""
    d = spec.design
    if d.type in ("scenarios", "factorial"):
        comp = comparison_table(ok, measures, spec.reference)
        if d.factors and not comp.empty:
            pts = pd.DataFrame(points(spec)).rename_axis("point").reset_index()
            comp = comp.merge(pts, on="point", how="left")
        return comp
    per_point = ok.groupby(["scenario", "point"])[measures].mean().reset_index()
    per_point["replicate"] = per_point["point"]
    per_point["status"] = "ok"
    per_point["point"] = 0
    return comparison_table(per_point, measures, spec.reference).drop(columns="point")


def _discovery(spec: Spec, ok: pd.DataFrame, scen: list[str], a: dict[str, Any]) -> None:
    """PRIM per scenario on the design points' replicate means, after checking that the
    threshold splits the points."""
    disc = spec.analysis.discovery
    names = list(spec.design.ranges)
    boxes, trajs = [], []
    for sc in scen:
        g = ok[ok["scenario"] == sc].groupby("point")
        x = g[names].first()
        y = g[disc.measure].mean().to_numpy()
        thr = threshold(y, disc.threshold, disc.quantile)
        hit = y >= thr if disc.above else y < thr
        res = discover(x, hit, seed=bootstrap_seed(spec))
        res.update(threshold=thr, warning=pass_check(y, hit, thr, disc.measure))
        a["discovery"][sc] = res
        boxes.append(boxes_frame(res, sc))
        trajs.append(trajectories_frame(res, sc))
    boxes = [f for f in boxes if not f.empty]
    trajs = [f for f in trajs if not f.empty]
    a["boxes"] = pd.concat(boxes, ignore_index=True) if boxes else pd.DataFrame()
    a["trajectories"] = pd.concat(trajs, ignore_index=True) if trajs else pd.DataFrame()


def _sensitivity(spec: Spec, ok: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    """SALib analysis per scenario and measure, on replicate means of each design point."""
    d = spec.design
    if d.type not in ("sobol", "morris"):
        return pd.DataFrame()
    x = sample_matrix(spec)
    problem = salib_problem(spec)
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
