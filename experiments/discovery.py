"""Scenario discovery: where in the sampled parameter space does an outcome of interest occur?

PRIM (Friedman and Fisher 1999) as implemented by the EMA Workbench
(`ema_workbench.analysis.prim`), over an LHS design. A design point is "of interest" when
its mean outcome over replicates passes the threshold. PRIM peels the space down to boxes
of high density (share of points in the box that are of interest) and reports coverage
(share of all points of interest that the box holds). Up to MAX_BOXES boxes are found in
turn, each on the points the earlier ones left.
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


def _prim_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed": not needed here
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def discover(points: pd.DataFrame, y: np.ndarray) -> dict[str, Any]:
    """Boxes (limits, coverage, density, mass) and each box's peeling trajectory."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the Workbench's pandas idioms
        warnings.filterwarnings("ignore", message=".*inplace.*")
        return _discover(points, y)


def _discover(points: pd.DataFrame, y: np.ndarray) -> dict[str, Any]:
    prim = _prim_module()
    out: dict[str, Any] = {"boxes": [], "trajectories": [], "n": len(y),
                           "n_interest": int(np.sum(y))}
    if not 0 < out["n_interest"] < len(y):
        out["note"] = ("every design point" if out["n_interest"] else "no design point") + \
            " passes the threshold, so there is nothing to separate"
        return out
    p = prim.Prim(points.reset_index(drop=True), np.asarray(y, dtype=bool), mass_min=MASS_MIN,
                  peel_alpha=PEEL_ALPHA)
    for k in range(MAX_BOXES):
        try:
            box = p.find_box()
        except Exception:  # PRIM stops when nothing of interest is left to box
            box = None
        if box is None:
            break
        lims = box.box_lims[box._cur_box]
        restricted = {}
        for name in lims.columns:
            lo, hi = lims[name].iloc[0], lims[name].iloc[1]
            full_lo, full_hi = points[name].min(), points[name].max()
            if isinstance(lo, set | frozenset):
                continue
            if lo > full_lo or hi < full_hi:
                restricted[name] = (float(lo), float(hi))
        if not restricted or box.density == 0:
            break  # the whole space or an empty box: nothing more to say
        traj = box.peeling_trajectory.copy()
        traj.insert(0, "box", k + 1)
        out["trajectories"].append(traj)
        out["boxes"].append({"box": k + 1, "coverage": float(box.coverage),
                             "density": float(box.density), "mass": float(box.mass),
                             "n": int(box.peeling_trajectory["n"].iloc[box._cur_box]),
                             "limits": restricted})
    return out


def boxes_frame(result: dict[str, Any], scenario: str) -> pd.DataFrame:
    rows = []
    for b in result["boxes"]:
        limits = "; ".join(f"{k} in [{lo:.4g}, {hi:.4g}]" for k, (lo, hi) in b["limits"].items())
        rows.append({"scenario": scenario, "box": b["box"], "coverage": b["coverage"],
                     "density": b["density"], "mass": b["mass"], "n": b["n"],
                     "limits": limits or "(whole space)"})
    return pd.DataFrame(rows)
