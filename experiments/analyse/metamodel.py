"""Multi-factor designs: regression metamodels (statsmodels) and effect summaries.

The metamodel is ordinary least squares on every run's outcome (replicates kept, so the
residual holds the model's noise) with the design factors in coded units: a numeric factor
is mapped linearly from its design range to [-1, 1], so a coefficient is half the change
across the whole range and coefficients of different factors compare; a switch or choice
becomes 0/1 indicator columns against its first value. Two-way interactions are products
of the coded columns. R², adjusted R² and each coefficient's 95% CI come from statsmodels.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def coded_columns(frame: pd.DataFrame, factors: dict[str, list[Any]]) -> pd.DataFrame:
    """Design values in coded units: numeric to [-1, 1], others as 0/1 indicators."""
    cols = {}
    for name, levels in factors.items():
        x = frame[name]
        if _numeric(levels):
            lo, hi = float(min(levels)), float(max(levels))
            if hi > lo:
                cols[name] = 2 * (x.astype(float) - lo) / (hi - lo) - 1
        else:
            for lev in levels[1:]:
                cols[f"{name}={lev}"] = (x == lev).astype(float)
    return pd.DataFrame(cols, index=frame.index)


def metamodel(runs: pd.DataFrame, factors: dict[str, list[Any]], measures: list[str],
              scenarios: list[str], interactions: bool = True
              ) -> tuple[pd.DataFrame, list[str]]:
    """OLS per scenario and measure: coefficient, 95% CI, p, with the fit's R², condition
    number and residual degrees of freedom; and notes on what could not be estimated.

    A model is fitted only when the design has more distinct points than the model has
    terms and its matrix has full rank: replicates repeat a point, they do not identify a
    term. Where two-way interactions make too many terms they are dropped (and the notes
    say so); where even the main effects are too many, nothing is fitted.
    """
    import statsmodels.api as sm

    rows, notes = [], []
    for sc in scenarios:
        g = runs[(runs["scenario"] == sc) & (runs["status"] == "ok")]
        if g.empty:
            continue
        x, note = identifiable_terms(g, factors, interactions)
        if note:
            notes.append(f"{sc}: {note}")
        if x is None:
            continue
        for m in measures:
            y = g[m].astype(float)
            if not np.all(np.isfinite(y)):
                continue
            fit = sm.OLS(y.to_numpy(), x.to_numpy()).fit()
            ci = fit.conf_int(0.05)
            for j, term in enumerate(x.columns):
                rows.append({"scenario": sc, "measure": m, "term": term,
                             "coef": float(fit.params[j]), "ci_low": float(ci[j, 0]),
                             "ci_high": float(ci[j, 1]), "p_value": float(fit.pvalues[j]),
                             "r2": float(fit.rsquared), "r2_adj": float(fit.rsquared_adj),
                             "n": int(fit.nobs), "points": distinct_points(g, factors),
                             "df_resid": int(fit.df_resid),
                             "condition_number": float(fit.condition_number)})
    return pd.DataFrame(rows), notes


def distinct_points(frame: pd.DataFrame, factors: dict[str, list[Any]]) -> int:
    """Design points among the runs: replicates of one point count once."""
    return len(frame[list(factors)].astype(str).drop_duplicates())


def identifiable_terms(frame: pd.DataFrame, factors: dict[str, list[Any]],
                       interactions: bool) -> tuple[pd.DataFrame | None, str]:
    """The design matrix (with a constant) the runs can identify, and a note on what was
    dropped or why nothing can be fitted ("" when the full model fits)."""
    import statsmodels.api as sm

    main = coded_columns(frame, factors)
    points = distinct_points(frame, factors)
    x, note = main, ""
    if interactions:
        full = with_interactions(main)
        if points > full.shape[1] + 1:
            x = full
        elif full.shape[1] > main.shape[1]:
            dropped = [c for c in full.columns if c not in main.columns]
            note = (f"two-way interactions dropped ({', '.join(dropped)}): {points} distinct "
                    f"design points do not exceed the {full.shape[1] + 1} terms of the model "
                    "with interactions; main effects only")
    x = sm.add_constant(x, has_constant="add")
    if points <= x.shape[1]:
        return None, (f"no metamodel: {points} distinct design points do not exceed the "
                      f"{x.shape[1]} terms of even a main-effects model, so its coefficients "
                      "cannot be estimated (add design points)")
    rank = int(np.linalg.matrix_rank(x.to_numpy(dtype=float)))
    if rank < x.shape[1]:
        return None, (f"no metamodel: the design matrix has rank {rank} for {x.shape[1]} "
                      "terms (factors move together in this design), so the terms cannot be "
                      "told apart")
    return x, note


def with_interactions(x: pd.DataFrame) -> pd.DataFrame:
    """Coded columns and the products of every two columns of different factors."""
    out = x.copy()
    owner = {c: c.split("=")[0] for c in x.columns}
    for a, b in itertools.combinations(list(x.columns), 2):
        if owner[a] != owner[b]:
            out[f"{a} x {b}"] = x[a] * x[b]
    return out


def factor_levels(spec_design: Any) -> dict[str, list[Any]]:
    """Levels per factor: factorial values, or the [low, high] of a sampled range."""
    if spec_design.factors:
        return {k: list(v) for k, v in spec_design.factors.items()}
    return {k: list(v) for k, v in spec_design.ranges.items()}


def binned(frame: pd.DataFrame, factor: str, levels: list[Any], bins: int = 5) -> pd.Series:
    """The factor's value, or for a sampled (continuous) factor the centre of its bin."""
    x = frame[factor]
    if len(levels) > 2 or not _numeric(levels) or x.nunique() <= bins:
        return x
    edges = np.linspace(float(levels[0]), float(levels[1]), bins + 1)
    idx = np.clip(np.digitize(x.astype(float), edges[1:-1]), 0, bins - 1)
    centres = (edges[:-1] + edges[1:]) / 2
    return pd.Series(centres[idx], index=frame.index)
