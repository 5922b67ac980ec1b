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

from governance import PARAMS


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
              scenarios: list[str], interactions: bool = True) -> pd.DataFrame:
    """OLS per scenario and measure: coefficient, 95% CI, p, with the fit's R²."""
    import statsmodels.api as sm

    rows = []
    for sc in scenarios:
        g = runs[(runs["scenario"] == sc) & (runs["status"] == "ok")]
        if g.empty:
            continue
        x = coded_columns(g, factors)
        if interactions:
            owner = {c: c.split("=")[0] for c in x.columns}
            for a, b in itertools.combinations(list(x.columns), 2):
                if owner[a] != owner[b]:
                    x[f"{a} x {b}"] = x[a] * x[b]
        x = sm.add_constant(x, has_constant="add")
        if len(g) <= x.shape[1]:
            continue  # not enough runs to fit this many terms
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
                             "n": int(fit.nobs)})
    return pd.DataFrame(rows)


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


def param_unit(name: str) -> str:
    p = PARAMS.get(name)
    return p.unit if p is not None and p.unit else ""
