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

from governance import MEASURES

LEVEL = 0.95


BOUNDED_UNITS = ("share", "0-1")


def is_share(measure: str) -> bool:
    """Measures bounded by 0 and 1, whose CIs must stay inside those bounds."""
    m = MEASURES.get(measure)
    return m is not None and m.unit in BOUNDED_UNITS


def ci_bounds(mean: Any, sd: Any, n: Any, bounded: bool = False,
              level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Student-t CI of a mean; for a share, built on the logit scale and mapped back.

    The logit interval (delta method: se / (m (1 - m)) on the logit scale) is asymmetric
    and always inside (0, 1), where the plain t interval of a share from few replicates
    can reach below 0 or above 1. A share with no spread, or at 0 or 1, gets [m, m].
    """
    mean, sd, n = (np.asarray(v, dtype=float) for v in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        tq = st.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))
        se = sd / np.sqrt(n)
        if not bounded:
            return mean - tq * se, mean + tq * se
        m = np.clip(mean, 0.0, 1.0)
        inner = (m > 0) & (m < 1) & (se > 0)
        mm = np.where(inner, m, 0.5)
        centre = np.log(mm / (1 - mm))
        half = tq * se / (mm * (1 - mm))
        lo = np.where(inner, 1 / (1 + np.exp(-(centre - half))), m)
        hi = np.where(inner, 1 / (1 + np.exp(-(centre + half))), m)
        nan = ~np.isfinite(tq) | ~np.isfinite(se)
        return np.where(nan, np.nan, lo), np.where(nan, np.nan, hi)


def mean_ci(x: Any, level: float = LEVEL, bounded: bool = False) -> dict[str, float]:
    """Mean, sd and 95% CI of independent replicates (NaN where n is too small).

    `bounded`: the values are shares in [0, 1], and the CI stays inside (see ci_bounds).
    """
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    n = a.size
    mean = float(a.mean()) if n else math.nan
    sd = float(a.std(ddof=1)) if n > 1 else math.nan
    lo, hi = (float(v) for v in ci_bounds(mean, sd, n, bounded, level))
    return {"mean": mean, "sd": sd, "ci_low": lo, "ci_high": hi,
            "half_width": (hi - lo) / 2, "n": n}


def holm(p: Any) -> np.ndarray:
    """Holm-adjusted p-values (NaN stays NaN): family-wise error control, any dependence."""
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method="holm")[1]
    return out


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
    if d.size > 1 and sd > 0:
        p = float(2 * st.t.sf(abs(ci["mean"]) / (sd / math.sqrt(d.size)), d.size - 1))
    elif d.size > 1:
        p = 1.0 if ci["mean"] == 0 else 0.0
    else:
        p = math.nan
    return {"diff": ci["mean"], "diff_ci_low": ci["ci_low"], "diff_ci_high": ci["ci_high"],
            "p_value": p, "cohens_dz": dz, "vd_a": vargha_delaney_a(a, b),
            "n_pairs": int(d.size)}


def summary_table(runs: pd.DataFrame, measures: list[str], group: list[str]) -> pd.DataFrame:
    """group x measure: mean, sd, 95% CI, n over the successful runs."""
    rows = []
    ok = runs[runs["status"] == "ok"]
    for key, g in ok.groupby(group, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        for m in measures:
            rows.append({**dict(zip(group, key, strict=True)), "measure": m,
                         **mean_ci(g[m].to_numpy(), bounded=is_share(m))})
    return pd.DataFrame(rows)


def paired_groups(runs: pd.DataFrame, reference: str, by: list[str] | None = None):
    """Yield (design point, scenario, reference runs, scenario runs, common replicates) for
    every scenario against the reference within each group of `by` (runs that are ok)."""
    ok = runs[runs["status"] == "ok"]
    by = by or ["point"]
    for key, g in ok.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        where = dict(zip(by, key, strict=True))
        ref = g[g["scenario"] == reference].set_index("replicate")
        for sc in dict.fromkeys(g["scenario"]):
            if sc == reference:
                continue
            other = g[g["scenario"] == sc].set_index("replicate")
            yield where, sc, ref, other, ref.index.intersection(other.index).sort_values()


def comparison_table(runs: pd.DataFrame, measures: list[str], reference: str,
                     by: list[str] | None = None) -> pd.DataFrame:
    """Each scenario against the reference, paired by replicate (within each design point)."""
    rows = []
    for where, sc, ref, other, common in paired_groups(runs, reference, by):
        for m in measures:
            rows.append({**where, "scenario": sc,
                         "reference": reference, "measure": m,
                         "mean": float(other.loc[common, m].mean()) if len(common) else
                         math.nan,
                         "reference_mean": float(ref.loc[common, m].mean()) if len(common)
                         else math.nan,
                         **paired_difference(other.loc[common, m].to_numpy(),
                                             ref.loc[common, m].to_numpy())})
    out = pd.DataFrame(rows)
    if not out.empty:
        out.insert(out.columns.get_loc("p_value") + 1, "p_holm", holm(out["p_value"]))
    return out


SOBOL_MIN_N = 512


def sobol_warnings(table: pd.DataFrame, n: int) -> list[str]:
    """Why Sobol indices may not be trusted: N too small, or indices outside [0, 1].

    N below 512 (base samples) commonly gives unstable first-order and total indices
    (Saltelli et al. 2010 use N in the thousands); an index above 1 or below 0 beyond its
    CI is a symptom of that, or of noise in the model outputs.
    """
    out = []
    if table.empty:
        return out
    if n < SOBOL_MIN_N:
        out.append(f"N = {n} base samples is below {SOBOL_MIN_N}; Sobol indices from so few "
                   "samples are unstable: read them as a rough ranking at most, and raise "
                   "`samples`.")
    bad = table[(table["ci_low"] > 1) | (table["ci_high"] < 0)]
    for rec in bad.to_dict("records"):
        where = " ".join(str(rec[k]) for k in ("scenario", "measure") if k in rec)
        out.append(f"{rec['index']} of {rec['parameter']} ({where}) = {rec['value']:.3g} with "
                   f"95% CI [{rec['ci_low']:.3g}, {rec['ci_high']:.3g}] lies outside [0, 1]: "
                   "the estimate is not valid at this N.")
    return out


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
    """Sobol S1/ST or Morris mu*/sigma with 95% CIs from SALib, one row per parameter.

    `seed` seeds SALib's bootstrap of the CIs; the manifest records it.
    """
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
