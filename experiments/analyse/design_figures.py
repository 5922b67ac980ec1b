"""Figures of multi-factor designs: heatmaps of two swept factors, main effects and the
interaction of the first two factors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analyse import plots
from experiments.analyse.metamodel import binned, factor_levels
from experiments.specify.spec import Spec


def heatmaps(spec: Spec, summary: pd.DataFrame, comparison: pd.DataFrame,
             scen: list[str], fig_dir: Path) -> list[Path]:
    """Mean heatmaps sharing one scale per measure; paired-difference heatmaps likewise."""
    d = spec.design
    fx, fy = list(d.factors)
    if not all(isinstance(v, int | float) and not isinstance(v, bool)
               for vals in d.factors.values() for v in vals):
        return []
    out = []
    for m in spec.measures:
        s = summary[summary["measure"] == m]
        lo, hi = float(s["mean"].min()), float(s["mean"].max())
        for sc in scen:
            t = s[s["scenario"] == sc].pivot_table(index=fy, columns=fx, values="mean")
            out.append(plots.heatmap(t, fx, fy, fig_dir / f"heatmap_{m}_{sc}.png", lo, hi,
                                     f"{m} under {sc}: mean over replicates\n(one colour "
                                     "scale for all scenarios)", f"mean {plots.label(m)}"))
        c = comparison[comparison["measure"] == m] if not comparison.empty else comparison
        if c.empty:
            continue
        finite = np.abs(c["diff"].to_numpy(dtype=float))
        finite = finite[np.isfinite(finite)]
        lim = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        for sc in dict.fromkeys(c["scenario"]):
            t = c[c["scenario"] == sc].pivot_table(index=fy, columns=fx, values="diff")
            out.append(plots.heatmap(t, fx, fy, fig_dir / f"heatmap_diff_{m}_{sc}.png", -lim,
                                     lim, f"{m}: {sc} - {spec.reference}, paired by "
                                     "replicate\n(one colour scale per measure)",
                                     f"difference in {plots.label(m)}", diverging=True))
    return out


def effects(spec: Spec, ok: pd.DataFrame, scen: list[str], fig_dir: Path) -> list[Path]:
    """Main-effect plots per measure, and an interaction plot of the first two factors."""
    levels = factor_levels(spec.design)
    frame = ok.copy()
    for f, lev in levels.items():
        frame[f"_{f}"] = binned(frame, f, lev)
    names = list(levels)
    out = []
    kind = "binned into fifths of its range" if spec.design.type == "lhs" else "per level"
    for m in spec.measures:
        out.append(plots.effects(frame, names, m, scen, fig_dir / f"effects_{m}.png",
                                 f"Main effects on {m} ({kind}), mean with 95% CI"))
        if len(names) >= 2:
            sc = spec.reference if spec.reference in scen else scen[0]
            out.append(plots.interaction(frame[frame["scenario"] == sc], names[0], names[1], m,
                                         fig_dir / f"interaction_{m}.png",
                                         f"Interaction of {names[0]} and {names[1]} on {m}"
                                         f"\n({sc}; parallel lines = no interaction)"))
    return out
