"""Statistics of replicated runs: CIs, paired differences, effect sizes, sensitivity.

Comparisons are paired because replicate r of every scenario shares its seed (common random
numbers): the difference is taken per replicate, its mean gets a t interval, and Cohen's d
is the paired d_z = mean(diff) / sd(diff). Vargha-Delaney A is P(X > Y) + P(X = Y) / 2
over all pairs, the usual unpaired form (Vargha and Delaney 2000).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as st

LEVEL = 0.95


def mean_ci(x: Any, level: float = LEVEL) -> dict[str, float]:
    """Mean, sd and Student-t CI of independent replicates (NaN where n is too small)."""
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    n = a.size
    mean = float(a.mean()) if n else math.nan
    sd = float(a.std(ddof=1)) if n > 1 else math.nan
    if n > 1:
        half = float(st.t.ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n))
    else:
        half = math.nan
    return {"mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half,
            "half_width": half, "n": n}


def vargha_delaney_a(x: Any, y: Any) -> float:
    """A12: chance a run of x beats a run of y (ties count half); 0.5 = no effect."""
    a, b = np.asarray(x, float), np.asarray(y, float)
    if not a.size or not b.size:
        return math.nan
    gt = (a[:, None] > b[None, :]).sum()
    eq = (a[:, None] == b[None, :]).sum()
    return float((gt + 0.5 * eq) / (a.size * b.size))


def paired_difference(x: Any, y: Any, level: float = LEVEL) -> dict[str, float]:
    """x - y paired by replicate: mean, t CI, d_z and A12 (x against y)."""
    a, b = np.asarray(x, float), np.asarray(y, float)
    d = a - b
    ci = mean_ci(d, level)
    sd = ci["sd"]
    if d.size > 1 and sd > 0:
        dz = ci["mean"] / sd
    elif d.size > 1 and ci["mean"] == 0:
        dz = 0.0
    else:
        dz = math.nan
    return {"diff": ci["mean"], "diff_ci_low": ci["ci_low"], "diff_ci_high": ci["ci_high"],
            "cohens_dz": dz, "vd_a": vargha_delaney_a(a, b), "n_pairs": int(d.size)}


def summary_table(runs: pd.DataFrame, measures: list[str], group: list[str]) -> pd.DataFrame:
    """group x measure: mean, sd, 95% CI, n over the successful runs."""
    rows = []
    ok = runs[runs["status"] == "ok"]
    for key, g in ok.groupby(group, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        for m in measures:
            rows.append({**dict(zip(group, key, strict=True)), "measure": m,
                         **mean_ci(g[m].to_numpy())})
    return pd.DataFrame(rows)


def comparison_table(runs: pd.DataFrame, measures: list[str], reference: str,
                     by: list[str] | None = None) -> pd.DataFrame:
    """Each scenario against the reference, paired by replicate (within each design point)."""
    ok = runs[runs["status"] == "ok"]
    by = by or ["point"]
    rows = []
    for key, g in ok.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        ref = g[g["scenario"] == reference].set_index("replicate")
        for sc in dict.fromkeys(g["scenario"]):
            if sc == reference:
                continue
            other = g[g["scenario"] == sc].set_index("replicate")
            common = ref.index.intersection(other.index).sort_values()
            for m in measures:
                rows.append({**dict(zip(by, key, strict=True)), "scenario": sc,
                             "reference": reference, "measure": m,
                             "mean": float(other.loc[common, m].mean()) if len(common) else
                             math.nan,
                             "reference_mean": float(ref.loc[common, m].mean()) if len(common)
                             else math.nan,
                             **paired_difference(other.loc[common, m].to_numpy(),
                                                 ref.loc[common, m].to_numpy())})
    return pd.DataFrame(rows)


def precision_status(runs: pd.DataFrame, measures: list[str], target: float, relative: bool,
                     group: list[str]) -> tuple[bool, list[dict[str, Any]]]:
    """Is every CI half-width (per group and measure) within target? (Hoad et al. 2010)."""
    table = summary_table(runs, measures, group)
    rows, met = [], True
    for rec in table.to_dict("records"):
        hw = rec["half_width"]
        value = abs(hw / rec["mean"]) if relative and rec["mean"] else hw
        ok = bool(np.isfinite(value) and value <= target)
        met &= ok
        rows.append({**{k: rec[k] for k in group}, "measure": rec["measure"],
                     "half_width": hw, "relative_half_width": (
                         abs(hw / rec["mean"]) if rec["mean"] else math.nan),
                     "n": rec["n"], "met": ok})
    return met, rows


def sensitivity_table(design: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray,
                      second_order: bool = False, seed: int = 0) -> pd.DataFrame:
    """Sobol S1/ST or Morris mu*/sigma with 95% CIs from SALib, one row per parameter."""
    rows = []
    if design == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=second_order, conf_level=LEVEL,
                            seed=seed)
        for i, name in enumerate(problem["names"]):
            for idx in ("S1", "ST"):
                v, c = float(res[idx][i]), float(res[f"{idx}_conf"][i])
                rows.append({"parameter": name, "index": idx, "value": v, "ci_low": v - c,
                             "ci_high": v + c})
    elif design == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem, x, y, conf_level=LEVEL, seed=seed)
        for i, name in enumerate(problem["names"]):
            v, c = float(res["mu_star"][i]), float(res["mu_star_conf"][i])
            rows.append({"parameter": name, "index": "mu_star", "value": v, "ci_low": v - c,
                         "ci_high": v + c})
            rows.append({"parameter": name, "index": "sigma", "value": float(res["sigma"][i]),
                         "ci_low": math.nan, "ci_high": math.nan})
    return pd.DataFrame(rows)
