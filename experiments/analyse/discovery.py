"""Scenario discovery: where in the sampled parameter space does an outcome of interest occur?

PRIM (Friedman and Fisher 1999) as implemented by the EMA Workbench
(`ema_workbench.analysis.prim`), over an LHS design. A design point is "of interest" when
its mean outcome over replicates passes the threshold (a fixed value, or a quantile of the
points). PRIM peels the space down to boxes of high density (share of points in the box
that are of interest) and reports coverage (share of all points of interest that the box
holds). Up to MAX_BOXES boxes are found in turn, each on the points the earlier ones left.

Before it answers, it checks that it can: with fewer than PASS_LOW or more than PASS_HIGH
of the points of interest, PRIM can only trim the edges of the space, so the result says
so and offers the median as the threshold. Each box is chosen on its peeling trajectory
by a stated rule (largest harmonic mean of coverage and density, the F1 score of the box
read as a classifier of the points of interest), not PRIM's default (the last, smallest
box), and comes with Bryant and Lempert's (2010) quasi-p values of its limits and its
resampling stability: how often PRIM on RESAMPLES random halves of the points restricts the
same parameters in its box nearest in coverage / nearest in density. A box is kept only if
one of its limits has a quasi-p below QP_MAX.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

MAX_BOXES = 3
MASS_MIN = 0.05
PEEL_ALPHA = 0.05
PASS_LOW, PASS_HIGH = 0.10, 0.90
RESAMPLES = 10
QP_MAX = 0.05  # a box is kept when one of its limits has a quasi-p below this
RULE = ("the point of each box's peeling trajectory with the largest harmonic mean of "
        "coverage and density")


def _prim_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed": not needed here
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def threshold(values: np.ndarray, fixed: float | None, quantile: float | None) -> float:
    """The threshold in the measure's units: the fixed one, or the points' quantile."""
    return float(fixed) if quantile is None else float(np.quantile(values, quantile))


def pass_check(values: np.ndarray, hit: np.ndarray, thr: float, measure: str) -> str:
    """A warning when too few or too many points pass to find a box ("" when fine)."""
    n, k = len(hit), int(np.sum(hit))
    share = k / n if n else 0.0
    if PASS_LOW <= share <= PASS_HIGH:
        return ""
    q25, q50, q75 = np.quantile(values, [0.25, 0.5, 0.75])
    return (f"{k} of {n} design points ({share:.0%}) pass the threshold {thr:.4g}, outside "
            f"{PASS_LOW:.0%}-{PASS_HIGH:.0%}: a box can only trim the edges of the space, "
            "so read no mechanism into it. A threshold that splits the points answers "
            f"more: `quantile = 0.5` puts it at the median ({measure} = {q50:.4g}); the "
            f"middle half of the points lies between {q25:.4g} and {q75:.4g}")


def discover(points: pd.DataFrame, y: np.ndarray, seed: int = 0) -> dict[str, Any]:
    """Boxes (limits, quasi-p, coverage, density, mass, stability) and trajectories."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the Workbench's pandas idioms
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message=".*inplace.*")
        return _discover(points, np.asarray(y, dtype=bool), seed)


def choose(trajectory: pd.DataFrame) -> int:
    """Index of the chosen box on a peeling trajectory (see RULE); the first restricted
    box where none balances better."""
    t = trajectory.reset_index(drop=True)
    cov, den = t["coverage"].to_numpy(float), t["density"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(cov + den > 0, 2 * cov * den / (cov + den), 0.0)
    f1 = np.where(t["res_dim"].to_numpy() >= 1, f1, -1.0)
    return int(np.argmax(f1))


def _discover(points: pd.DataFrame, y: np.ndarray, seed: int) -> dict[str, Any]:
    prim = _prim_module()
    out: dict[str, Any] = {"boxes": [], "trajectories": [], "n": len(y),
                           "n_interest": int(np.sum(y))}
    if not 0 < out["n_interest"] < len(y):
        out["note"] = ("every design point" if out["n_interest"] else "no design point") + \
            " passes the threshold, so there is nothing to separate"
        return out
    x = points.reset_index(drop=True)
    p = prim.Prim(x, y, mass_min=MASS_MIN, peel_alpha=PEEL_ALPHA)
    rng = np.random.default_rng(seed)
    for k in range(MAX_BOXES):
        try:
            box = p.find_box()
        except Exception:  # PRIM stops when nothing of interest is left to box
            box = None
        if box is None or box.peeling_trajectory["res_dim"].max() < 1:
            break
        i = choose(box.peeling_trajectory)
        box.select(i)
        limits = _restricted(box.box_lims[i], x, box.p_values[i])
        kept = box.density > 0 and any(q < QP_MAX for _lo, _hi, q in limits.values())
        traj = box.peeling_trajectory.copy().reset_index(drop=True)
        traj.insert(0, "box", k + 1)
        traj["chosen"] = traj.index == i
        traj["kept"] = kept
        out["trajectories"].append(traj)  # a rejected box's trajectory is shown too
        if not kept:
            # An empty box, or limits chance would draw as often: nothing more to say, but
            # what was tried and why it was not kept is reported.
            out["rejected"] = {"box": k + 1, "coverage": float(box.coverage),
                               "density": float(box.density), "mass": float(box.mass),
                               "limits": limits}
            break
        stability = _resample(box, i, rng)
        out["boxes"].append({
            "box": k + 1, "coverage": float(box.coverage), "density": float(box.density),
            "mass": float(box.mass), "n": int(traj["n"].iloc[i]), "step": i,
            "steps": len(traj), "limits": limits,
            "stability": {name: (float(row["reproduce coverage"]),
                                 float(row["reproduce density"]))
                          for name, row in stability.iterrows()}})
    return out


def _resample(box: Any, i: int, rng: np.random.Generator) -> pd.DataFrame:
    """The Workbench's `PrimBox.resample`, on the points the box was found on.

    Its own call indexes the outcome array by row labels, which holds only for the first
    box (ema_workbench 2.5: IndexError for later ones); here the box sees those points
    renumbered from 0 while it resamples.
    """
    from types import SimpleNamespace

    rows = np.asarray(box.yi_initial)
    prim, initial = box.prim, box.yi_initial
    box.prim = SimpleNamespace(x=prim.x.loc[rows].reset_index(drop=True), y=prim.y[rows],
                               peel_alpha=prim.peel_alpha, paste_alpha=prim.paste_alpha)
    box.yi_initial = np.arange(len(rows))
    try:
        return box.resample(i, iterations=RESAMPLES, p=0.5, rng=rng)
    finally:
        box.prim, box.yi_initial = prim, initial


def _restricted(lims: pd.DataFrame, x: pd.DataFrame,
                qp: dict[str, list[float]]) -> dict[str, tuple[float, float, float]]:
    """Limits that cut into the sampled range, each with its quasi-p (the smaller of the
    two sides'; NaN when the Workbench gives none)."""
    out = {}
    for name in lims.columns:
        lo, hi = lims[name].iloc[0], lims[name].iloc[1]
        if isinstance(lo, set | frozenset):
            continue
        if lo > x[name].min() or hi < x[name].max():
            sides = [v for v in qp.get(name, []) if v is not None and v >= 0]
            out[name] = (float(lo), float(hi), float(min(sides)) if sides else float("nan"))
    return out


def rejected_text(result: dict[str, Any]) -> str:
    """Why no (further) box was kept, with the box PRIM chose and its limits' quasi-p."""
    r = result.get("rejected")
    if r is None:
        return ""
    limits = "; ".join(f"{k} in [{lo:.4g}, {hi:.4g}] (qp {q:.2g})"
                       for k, (lo, hi, q) in r["limits"].items()) or "no limit"
    return (f"box {r['box']} not kept: at its chosen step (coverage {r['coverage']:.2f}, "
            f"density {r['density']:.2f}, mass {r['mass']:.2f}) it has {limits}, and no "
            f"limit with a quasi-p below {QP_MAX:g}, so chance alone draws boxes like it")


def boxes_frame(result: dict[str, Any], scenario: str) -> pd.DataFrame:
    rows = []
    for b in result["boxes"]:
        limits = "; ".join(f"{k} in [{lo:.4g}, {hi:.4g}] (qp {q:.2g})"
                           for k, (lo, hi, q) in b["limits"].items())
        stable = "; ".join(f"{k} {c:.0f}%/{d:.0f}%" for k, (c, d) in b["stability"].items()
                           if c > 0 or d > 0 or k in b["limits"])
        rows.append({"scenario": scenario, "box": b["box"], "coverage": b["coverage"],
                     "density": b["density"], "mass": b["mass"], "n": b["n"],
                     "chosen_step": f"{b['step']} of {b['steps'] - 1}",
                     "limits": limits or "(whole space)",
                     "reproduced_in_resamples": stable})
    return pd.DataFrame(rows)


def trajectories_frame(result: dict[str, Any], scenario: str) -> pd.DataFrame:
    """Every step of every box's peeling trajectory, the chosen one marked."""
    if not result["trajectories"]:
        return pd.DataFrame()
    t = pd.concat(result["trajectories"], ignore_index=True)
    t.insert(0, "scenario", scenario)
    keep = ["scenario", "box", "coverage", "density", "mass", "res_dim", "n", "chosen", "kept"]
    return t[[c for c in keep if c in t.columns]]
