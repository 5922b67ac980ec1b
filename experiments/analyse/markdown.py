"""Tables as text: markdown for reports, plain text for what the commands print."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

COMPARISON_COLUMNS = {"point", "scenario", "reference", "measure", "mean", "reference_mean",
                      "diff", "diff_ci_low", "diff_ci_high", "p_value", "p_holm", "cohens_dz",
                      "vd_a", "n_pairs"}


def fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.4g}"
    return str(v)


def markdown_table(df: pd.DataFrame, columns: list[str]) -> str:
    cols = [c for c in columns if c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for rec in df[cols].to_dict("records"):
        lines.append("| " + " | ".join(fmt(rec[c]) for c in cols) + " |")
    return "\n".join(lines)


def comparison_text(comparison: pd.DataFrame) -> str:
    """The comparison table as printed by `compare` and the main job."""
    if comparison.empty:
        return "(no comparison: no finished runs, or only the reference scenario)"
    c = comparison
    table = pd.DataFrame({
        "scenario": c["scenario"], "measure": c["measure"],
        "mean": c["mean"].map(fmt), "reference": c["reference_mean"].map(fmt),
        "diff": c["diff"].map(fmt),
        "95% CI of diff": [f"[{fmt(lo)}, {fmt(hi)}]"
                           for lo, hi in zip(c["diff_ci_low"], c["diff_ci_high"], strict=True)],
        "p (Holm)": c["p_holm"].map(lambda v: fmt(float(v))) if "p_holm" in c else "",
        "d_z": c["cohens_dz"].map(lambda v: fmt(float(v))),
        "A12": c["vd_a"].map(lambda v: f"{v:.2f}"), "n": c["n_pairs"]})
    extra = [k for k in c.columns if k not in COMPARISON_COLUMNS]
    if "point" in c.columns and c["point"].nunique() > 1:
        extra.insert(0, "point")
    for col in extra[::-1]:
        table.insert(1, col, c[col])
    return table.to_string(index=False)
