"""Chart images for the exported picture (the page draws its live charts itself, uPlot).

The export titles each chart in the page's language; the PNG holds the axes, lines and
bands. Runs are told apart by line style and marker as well as colour (readable in
greyscale), seed bands by hatching on the second run.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from demo.mapimage import RUNG_COLOURS

LADDER = ("share_inactive", "share_speaking", "share_guided", "share_self_governing")
LADDER_HATCHES = (None, "..", "//", None)
RUN_STYLES = (("-", "o", "#1b1b1b"), ("--", "s", "#c2410c"))
BAND_ALPHA = 0.22


@dataclass
class Series:
    """One run's values of one measure (index = week), with an optional seed band."""

    values: np.ndarray
    band: tuple[np.ndarray, np.ndarray] | None = None  # (low, high) per week


def _png(fig: Figure, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


class LineChart:
    """One measure over weeks for one or two runs; kept and updated between frames."""

    def __init__(self, size: tuple[float, float] = (5.6, 3.0), dpi: int = 80) -> None:
        self.dpi = dpi
        self.fig = Figure(figsize=size, dpi=dpi)
        self.ax = self.fig.add_axes((0.11, 0.12, 0.86, 0.84))
        self.ax.tick_params(labelsize=11)
        self.ax.grid(True, color="#dddddd", linewidth=0.6)
        self.lines = []
        self.bands: list = []
        self.cursor = self.ax.axvline(0, color="#888888", linewidth=1.0, visible=False)

    def draw(self, runs: Sequence[Series], share: bool, cursor: int | None = None) -> bytes:
        ax = self.ax
        while len(self.lines) < len(runs):
            style, marker, colour = RUN_STYLES[len(self.lines) % 2]
            (line,) = ax.plot([], [], style, marker=marker, color=colour, linewidth=2.0,
                              markersize=5)
            self.lines.append(line)
        for band in self.bands:
            band.remove()
        self.bands = []
        longest = 1
        lo_all, hi_all = [], []
        for k, (line, run) in enumerate(zip(self.lines, runs, strict=False)):
            v = np.asarray(run.values, dtype=float)
            weeks = np.arange(len(v))
            line.set_data(weeks, v)
            line.set_markevery(max(1, len(v) // 8))
            longest = max(longest, len(v) - 1)
            if len(v):
                lo_all.append(np.nanmin(v))
                hi_all.append(np.nanmax(v))
            if run.band is not None:
                low, high = run.band
                colour = RUN_STYLES[k % 2][2]
                self.bands.append(ax.fill_between(np.arange(len(low)), low, high, color=colour,
                                                  alpha=BAND_ALPHA, linewidth=0,
                                                  hatch="//" if k else None))
                longest = max(longest, len(low) - 1)
                lo_all.append(np.nanmin(low))
                hi_all.append(np.nanmax(high))
        ax.set_xlim(0, longest)
        if share:
            ax.set_ylim(0, 1)
        else:
            lo = min(0.0, min(lo_all, default=0.0))
            hi = max(hi_all, default=1.0)
            ax.set_ylim(lo, hi * 1.08 if hi > 0 else 1.0)
        self.cursor.set_visible(cursor is not None)
        if cursor is not None:
            self.cursor.set_xdata([cursor, cursor])
        return _png(self.fig, self.dpi)


class LadderChart:
    """The four rung shares stacked over weeks, one panel per run."""

    def __init__(self, runs: int, size: tuple[float, float] = (5.6, 3.0), dpi: int = 80) -> None:
        self.dpi = dpi
        self.fig = Figure(figsize=size, dpi=dpi)
        self.axes = self.fig.subplots(1, runs, squeeze=False)[0]
        self.fig.subplots_adjust(left=0.11, right=0.98, top=0.96, bottom=0.12, wspace=0.12)
        for ax in self.axes:
            ax.tick_params(labelsize=11)
            ax.set_ylim(0, 1)
        self.cursors = [ax.axvline(0, color="#d00000", linewidth=1.2, visible=False)
                        for ax in self.axes]

    def draw(self, shares: Sequence[np.ndarray], cursor: int | None = None) -> bytes:
        """`shares[k]` is a (weeks, 4) array of run k's rung shares."""
        for ax, table, cur in zip(self.axes, shares, self.cursors, strict=False):
            for coll in list(ax.collections):
                coll.remove()
            weeks = np.arange(len(table))
            polys = ax.stackplot(weeks, *np.asarray(table, dtype=float).T, colors=RUNG_COLOURS,
                                 edgecolor="#555555", linewidth=0.5)
            for poly, hatch in zip(polys, LADDER_HATCHES, strict=True):
                if hatch:
                    poly.set_hatch(hatch)
            ax.set_xlim(0, max(1, len(table) - 1))
            cur.set_visible(cursor is not None)
            if cursor is not None:
                cur.set_xdata([cursor, cursor])
        return _png(self.fig, self.dpi)
