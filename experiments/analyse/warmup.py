"""Warm-up and steady state: where the start-up transient ends, and whether it has.

MSER-5 (White 1997; White, Cobb and Spratt 2000): average the series in batches of 5 steps,
and truncate the first d batches where d minimises the marginal standard error
sum_{j>d} (Z_j - mean_{j>d} Z)^2 / (k - d)^2, looking only in the first half of the series
(a minimum in the second half means the series never settles). It is applied to the
replicate-mean trajectory of each scenario and measure; an experiment's automatic warm-up
is the largest truncation over them, so every scenario is compared over the same weeks.

The steady-state check compares the two halves of each run's outcome window: the paired
drift (second half - first half) gets a 95% t CI over replicates, and a scenario-measure
drifts when that CI excludes 0 and the drift exceeds the tolerance, a share
(SPREAD_SHARE) of the measure's spread: the SD between runs of their window means. A drift
that small moves no run's outcome by much against how runs differ anyway, whatever the
measure's units. "Steady" needs both tests to agree: no drift, and an MSER-5 point below
its limit (half the run); an MSER-5 point at its limit means the series had not settled
within the run, whatever the drift test says.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.analyse.stats import mean_ci

BATCH = 5
SPREAD_SHARE = 0.25


def mser5(series: np.ndarray) -> int:
    """MSER-5 truncation point of one series, in steps (a multiple of 5)."""
    y = np.asarray(series, dtype=float)
    k = len(y) // BATCH
    if k < 4:
        return 0
    z = y[: k * BATCH].reshape(k, BATCH).mean(axis=1)
    best, best_d = math.inf, 0
    for d in range(k // 2 + 1):
        tail = z[d:]
        stat = float(((tail - tail.mean()) ** 2).sum()) / (k - d) ** 2
        if stat < best - 1e-15:
            best, best_d = stat, d
    return best_d * BATCH


def mser_table(ts: pd.DataFrame, measures: list[str], scenarios: list[str]) -> pd.DataFrame:
    """Truncation point per scenario and measure (on the mean over runs at each step)."""
    rows = []
    for sc in scenarios:
        g = ts[ts["scenario"] == sc]
        if g.empty:
            continue
        mean = g.groupby("step")[measures].mean()
        for m in measures:
            rows.append({"scenario": sc, "measure": m, "mser5_warmup": mser5(mean[m].to_numpy())})
    return pd.DataFrame(rows)


def auto_warmup(ts: pd.DataFrame, measures: list[str], scenarios: list[str],
                steps: int) -> int:
    """One warm-up for the experiment: the largest MSER-5 truncation, below `steps`."""
    t = mser_table(ts, measures, scenarios)
    w = int(t["mser5_warmup"].max()) if not t.empty else 0
    return min(w, steps - 1)


def mser_limit(points: int) -> int:
    """The largest truncation MSER-5 can choose in a series of `points` values."""
    return (points // BATCH) // 2 * BATCH


def steady_state(ts: pd.DataFrame, measures: list[str], scenarios: list[str],
                 warmup: int, mser: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per scenario and measure: drift between the halves of the outcome window, and the
    verdict of the drift test and MSER-5 together."""
    rows = []
    limit = mser_limit(int(ts["step"].max()) + 1) if not ts.empty else 0
    points = ({(r["scenario"], r["measure"]): r["mser5_warmup"]
               for r in mser.to_dict("records")} if mser is not None and not mser.empty
              else {})
    for sc in scenarios:
        g = ts[(ts["scenario"] == sc) & (ts["step"] > warmup)]
        if g.empty:
            continue
        mid = warmup + (g["step"].max() - warmup) / 2
        first = g[g["step"] <= mid].groupby("run")[measures].mean()
        second = g[g["step"] > mid].groupby("run")[measures].mean()
        whole = g.groupby("run")[measures].mean()
        runs = first.index.intersection(second.index)
        for m in measures:
            d = (second.loc[runs, m] - first.loc[runs, m]).to_numpy()
            ci = mean_ci(d)
            spread = float(whole[m].std(ddof=1)) if len(whole) > 1 else math.nan
            tol = SPREAD_SHARE * spread
            excludes0 = bool(np.isfinite(ci["ci_low"]) and (ci["ci_low"] > 0
                                                          or ci["ci_high"] < 0))
            drifting = excludes0 and abs(ci["mean"]) > tol
            point = points.get((sc, m))
            settled = None if point is None else bool(point < limit)
            rows.append({"scenario": sc, "measure": m, "window_mean": float(g[m].mean()),
                         "drift": ci["mean"], "drift_ci_low": ci["ci_low"],
                         "drift_ci_high": ci["ci_high"], "spread": spread, "tolerance": tol,
                         "n": ci["n"], "mser5_warmup": point, "mser5_limit": limit,
                         "verdict": _verdict(ci["n"], drifting, settled)})
    return pd.DataFrame(rows)


def _verdict(n: int, drifting: bool, settled: bool | None) -> str:
    if n < 2:
        return "unknown (1 run)"
    if drifting:
        return "drifting"
    if settled is False:
        return "not settled"  # no drift found, but MSER-5 at its limit: they disagree
    return "steady"
