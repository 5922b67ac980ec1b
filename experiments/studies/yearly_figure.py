"""Year-by-year panels for the studies' pictures: one panel per measure, one line per series,
95% bands over replicates, drawn from a stored result. Line styles, markers and greys, never
colours, tell the lines apart, so the figures read in greyscale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


class Series(NamedTuple):
    """One line: its label and look, and its yearly CIs (mean_ci dicts) for a measure."""

    label: str
    linestyle: Any
    marker: str
    cis: Callable[[str], list[dict[str, float]]]
    grey: str = "0.1"


def draw(series: list[Series], panels: dict[str, str], title: str, path: Path,
         figsize: tuple[float, float] = (10, 7), legend_size: float | None = None) -> Path:
    """A 2 x 2 grid of yearly means with their bands; the legend below, the title above."""
    fig, axes = plt.subplots(2, 2, figsize=figsize, sharex=True)
    for ax, (measure, label) in zip(axes.flat, panels.items(), strict=True):
        for s in series:
            cis = s.cis(measure)
            years = list(range(1, len(cis) + 1))
            ax.fill_between(years, [c["ci_low"] for c in cis], [c["ci_high"] for c in cis],
                            color="0.6", alpha=0.25, linewidth=0)
            ax.plot(years, [c["mean"] for c in cis], linestyle=s.linestyle, marker=s.marker,
                    color=s.grey, markersize=4, linewidth=1.2, label=s.label)
        ax.set_ylabel(label)
        ax.grid(True, color="0.9")
    for ax in axes[1]:
        ax.set_xlabel("year after the settled start (mean of its 52 weeks)")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, fontsize=legend_size)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.08, 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
