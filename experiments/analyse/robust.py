"""Effects at years 1, 3 and 8, their probability of being positive, and when to call them
robust (issue 19, item 7).

An effect is a paired difference: scenario minus reference in the same replicate, which
ran with the same seed and the same posterior particle. Over the replicates these
differences are draws of the effect with parameter and stochastic uncertainty together (the
particles are equally weighted draws from the posterior, experiments/specify/particles.py),
so:

- its value at a horizon is their mean, with the 5% and 95% quantiles of the draws (where
  90% of particle-replicates put the effect, not a CI of the mean);
- P(effect > 0) is the share of draws above zero (ties count for neither sign);
- it is **robust** only where that probability is at least ROBUST (0.95) at every horizon
  in the direction in question (the claim's, or else the direction of the mean over the
  horizons); otherwise it is "not robust", naming each horizon that fails.

A horizon is the mean of a year's 52 weeks: year 1 = weeks 1-52, year 3 = weeks 105-156,
year 8 = weeks 365-416 (week 0 is the settled start). The effect changes with the window
(the reviewers measured +0.068 in year 1, +0.033 in years 3-4 and +0.058 in year 8 for
one), so one window cannot stand for the others.

With fewer than MIN_DISTINCT (30) distinct particles, or none (the model's defaults), the
draws hold stochastic uncertainty only: the verdict then says parameter uncertainty is not
covered, and gives the seeds-only reading beside it, never "robust".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from experiments.specify.particles import MIN_DISTINCT

HORIZONS: dict[str, tuple[int, int]] = {"year 1": (1, 52), "year 3": (105, 156),
                                        "year 8": (365, 416)}
ROBUST = 0.95
QUANTILES = (0.05, 0.95)


def horizons_within(steps: int) -> dict[str, tuple[int, int]]:
    """The horizons a run of `steps` weeks reaches."""
    return {k: v for k, v in HORIZONS.items() if v[1] <= steps}


def effect_at(diffs: Any) -> dict[str, float]:
    """One horizon: n, mean, 5%/95% quantiles, P(effect > 0) and P(effect < 0)."""
    d = np.asarray(diffs, dtype=float)
    d = d[np.isfinite(d)]
    if not d.size:
        return {"n": 0, "mean": math.nan, "q05": math.nan, "q95": math.nan,
                "p_positive": math.nan, "p_negative": math.nan}
    lo, hi = np.quantile(d, QUANTILES)
    return {"n": int(d.size), "mean": float(d.mean()), "q05": float(lo), "q95": float(hi),
            "p_positive": float((d > 0).mean()), "p_negative": float((d < 0).mean())}


def judge(at: Mapping[str, Mapping[str, float]], particles: int,
          sign: int = 0) -> dict[str, Any]:
    """Robust or not over the horizons in `at` (horizon -> effect_at), in direction `sign`
    (+1, -1; 0: the direction of the mean over the horizons).

    Returns `robust` (True, False, or None when parameter uncertainty is not covered),
    `direction`, `failing` (horizons below ROBUST), `reading` (robust or not, as the shares
    stand) and `verdict` in words (the reading, or why it is across seeds only).
    """
    if not at:
        return {"robust": None, "direction": 0, "failing": [], "reading": "no horizon",
                "verdict": "no horizon"}
    if sign == 0:
        total = sum(e["mean"] for e in at.values() if math.isfinite(e["mean"]))
        sign = 1 if total >= 0 else -1
    key = "p_positive" if sign > 0 else "p_negative"
    failing = [h for h, e in at.items() if not e[key] >= ROBUST]  # NaN fails
    arrow = "up" if sign > 0 else "down"
    covered = particles >= MIN_DISTINCT
    # Without parameter uncertainty the word "robust" is never used, not even for seeds.
    yes, no = ("robust", "not robust") if covered else ("sign holds", "sign does not hold")
    if not failing:
        reading = f"{yes} ({arrow})"
    else:
        reading = f"{no} ({arrow}): " + ", ".join(
            f"{h} P(effect {'>' if sign > 0 else '<'} 0) = {at[h][key]:.2f}" for h in failing)
    if not covered:
        why = (f"{particles} distinct posterior particles" if particles else
               "no posterior: the model's defaults")
        return {"robust": None, "direction": sign, "failing": failing, "reading": reading,
                "verdict": f"parameter uncertainty not covered ({why}; {MIN_DISTINCT} "
                           f"needed); across seeds only: {reading}"}
    return {"robust": not failing, "direction": sign, "failing": failing, "reading": reading,
            "verdict": reading}


def window_means(ts: pd.DataFrame, measures: list[str], steps: int) -> pd.DataFrame:
    """Each run's mean of each measure over each horizon it reaches (long table)."""
    parts = []
    for label, (a, b) in horizons_within(steps).items():
        w = ts[(ts["step"] >= a) & (ts["step"] <= b)]
        g = w.groupby(["scenario", "replicate"], sort=False)[measures].mean().reset_index()
        g.insert(0, "horizon", label)
        parts.append(g)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def horizon_table(runs: pd.DataFrame, ts: pd.DataFrame, measures: list[str], reference: str,
                  steps: int) -> pd.DataFrame:
    """Every scenario against the reference, per measure and horizon: the effect's mean,
    quantiles and P(effect > 0), the distinct particles behind it, and the verdict (the
    same on each horizon row of an effect). Scenario designs only (one design point)."""
    ok = runs[runs["status"] == "ok"]
    means = window_means(ts, measures, steps) if not ts.empty else pd.DataFrame()
    if means.empty or reference not in set(ok["scenario"]):
        return pd.DataFrame()
    particle = ok.drop_duplicates("replicate").set_index("replicate")["particle"]
    scenarios = [sc for sc in dict.fromkeys(ok["scenario"]) if sc != reference]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for m in measures:
        for h in horizons_within(steps):
            piv = means[means["horizon"] == h].pivot(index="replicate", columns="scenario",
                                                     values=m)
            for sc in scenarios:
                both = piv[[sc, reference]].dropna() if sc in piv else piv.iloc[:0]
                e = found.setdefault((sc, m), {"at": {}, "drawn": []})
                e["at"][h] = effect_at(both[sc] - both[reference]) if len(both) \
                    else effect_at([])
                e["drawn"].append(int(particle.reindex(both.index).dropna().nunique()))
    rows = []
    for sc in scenarios:
        for m in measures:
            e = found[(sc, m)]
            # the horizon with the fewest distinct particles behind it speaks for all: a
            # verdict over every horizon needs the 30 at each
            particles = min(e["drawn"])
            verdict = judge(e["at"], particles)
            rows += [{"scenario": sc, "reference": reference, "measure": m, "horizon": h,
                      **at, "particles": particles, "robust": verdict["robust"],
                      "reading": verdict["reading"], "verdict": verdict["verdict"]}
                     for h, at in e["at"].items()]
    return pd.DataFrame(rows)


def wide(table: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """One row per effect: each horizon as 'mean [q05, q95], P(>0)', then the verdict
    (short: the report says above the table whether parameter uncertainty is covered)."""
    rows = []
    for (sc, m), g in table.groupby(["scenario", "measure"], sort=False):
        row = {"scenario": sc, "measure": m}
        for rec in g.to_dict("records"):
            row[rec["horizon"]] = (f"{rec['mean']:+.{digits}g} [{rec['q05']:+.{digits}g}, "
                                   f"{rec['q95']:+.{digits}g}], P(>0) = "
                                   f"{rec['p_positive']:.2f}")
        covered = g["particles"].iloc[0] >= MIN_DISTINCT
        row["verdict"] = g["reading"].iloc[0] if covered else \
            f"across seeds only: {g['reading'].iloc[0]}"
        rows.append(row)
    return pd.DataFrame(rows)


def robust_text(table: pd.DataFrame) -> str:
    """Two lines for the terminal: how many effects are robust, and whether parameter
    uncertainty is covered at all."""
    effects = table.drop_duplicates(["scenario", "measure"])
    particles = int(table["particles"].max()) if len(table) else 0
    labels = ", ".join(dict.fromkeys(table["horizon"]))
    if particles < MIN_DISTINCT:
        why = (f"{particles} distinct posterior particles" if particles else
               "no posterior: the model's defaults")
        return (f"Effects at {labels}: parameter uncertainty NOT covered ({why}; "
                f"{MIN_DISTINCT} distinct particles needed), so no effect is called robust; "
                "P(effect > 0) across seeds per effect in horizons.csv and report.md.")
    robust = effects[effects["robust"].astype(str) == "True"]
    return (f"Effects at {labels} over {particles} distinct posterior particles: "
            f"{len(robust)} of {len(effects)} robust (P >= {ROBUST:g} in one direction at "
            "every horizon); each effect in horizons.csv and report.md.")


def paired_horizons(steps: int, left: Mapping[int, np.ndarray], right: Mapping[int, np.ndarray],
                    particles: Mapping[int, Any]) -> dict[str, Any]:
    """Right minus left per replicate (each a weekly series, row 0 = week 0) at the horizons
    a run of `steps` weeks reaches: the effect with P(> 0) at each, both sides' means over
    the replicates both have, the robust verdict and each horizon's window. One function
    for the demo's live answers and the stored ones (experiments/studies/lessons.py), so
    both say the same thing of the same runs."""
    windows = horizons_within(steps)
    means = [{r: {h: float(row[lo:hi + 1].mean()) for h, (lo, hi) in windows.items()}
              for r, row in side.items()} for side in (left, right)]
    common = sorted(set(means[0]) & set(means[1]))
    at = {h: effect_at([means[1][r][h] - means[0][r][h] for r in common]) for h in windows}
    # per horizon, only the replicates whose difference is defined count (a measure with an
    # undefined week drops them from P(> 0)); the fewest over the horizons speaks for all
    finite = {h: [r for r in common if math.isfinite(means[1][r][h] - means[0][r][h])]
              for h in windows}
    distinct = min((len({particles.get(r) for r in rs} - {None}) for rs in finite.values()),
                   default=0)
    side = [{h: float(np.mean([m[r][h] for r in common])) if common else math.nan
             for h in windows} for m in means]
    return {"at": at, "particles": distinct, "judge": judge(at, distinct),
            "left": side[0], "right": side[1], "windows": windows}
