"""The long-run study's picture: year-by-year means with their 95% bands, from the stored
result only (so `run.py studies --docs` redraws it without a run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# Scenarios drawn (the table beside the figure has all of them): the baseline and the
# article's mechanism groups. Markers and line styles, not colours, tell them apart, so the
# figure reads in greyscale.
DRAWN = ["administrative", "grid_management", "building_self_governance",
         "social_collaboration", "party_led", "collaborative"]
STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1)), "v"),
          ((0, (1, 1)), "x")]
PANELS = [("participation_rate", "speaking up or more this week\n(share of residents)"),
          ("speak_52w", "spoke up at least once in 52 weeks\n(share of residents)"),
          ("share_self_governing", "top rung (self-governance)\n(share of residents)"),
          ("trust_government", "trust in government\n(mean, 0-1 scale)")]


def draw(result: dict[str, Any], path: Path) -> Path:
    """Four panels of yearly means (95% CI bands over replicates), one line per scenario."""
    rows = {r["scenario"]: r for r in result["rows"]}
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    for ax, (measure, label) in zip(axes.flat, PANELS, strict=True):
        for name, (ls, marker) in zip(DRAWN, STYLES, strict=True):
            cis = rows[name]["years"][measure]
            years = list(range(1, len(cis) + 1))
            mean = [c["mean"] for c in cis]
            ax.fill_between(years, [c["ci_low"] for c in cis], [c["ci_high"] for c in cis],
                            color="0.6", alpha=0.25, linewidth=0)
            ax.plot(years, mean, linestyle=ls, marker=marker, color="0.1", markersize=4,
                    linewidth=1.2, label=name)
        ax.set_ylabel(label)
        ax.grid(True, color="0.9")
    for ax in axes[1]:
        ax.set_xlabel("year after the settled start (mean of its 52 weeks)")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False)
    w, h = result["size"]["width"], result["size"]["height"]
    fig.suptitle(f"Eight years without caps: {w} x {h} households, {result['replicates']} "
                 "replicates paired by seed; bands are 95% CIs")
    fig.tight_layout(rect=(0, 0.08, 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
