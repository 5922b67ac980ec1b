"""How every figure of an experiment looks, and the check that its text fits.

Lines differ by colour *and* line style (and marker where points matter), bars by hatch,
so figures read in greyscale; every axis names its measure and unit. Every saved figure is
checked for text cut off at its edges or overlapping other titles and labels
(`text_problems`); what cannot be fixed by a layout engine is kept in PROBLEMS and listed
in the report.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np

from governance import MEASURES, PARAMS

STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 2)), (0, (8, 2)),
          (0, (3, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
GREYS = ("0.0", "0.35", "0.55", "0.2", "0.45", "0.65", "0.1", "0.5")
# Okabe and Ito's colour-blind-safe palette; paired with line styles for greyscale
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
PROBLEMS: dict[str, list[str]] = {}  # figure path -> text problems left after saving


def line_style(i: int) -> dict[str, object]:
    """Line i's look: style and marker both differ between any two of the first 8 lines."""
    return {"linestyle": STYLES[i % len(STYLES)], "marker": MARKERS[i % len(MARKERS)],
            "color": GREYS[i % len(GREYS)]}


def label(measure: str) -> str:
    m = MEASURES.get(measure)
    unit = f" ({m.unit})" if m is not None and m.unit else ""
    return f"{measure.replace('_', ' ')}{unit}"


def param_label(name: str) -> str:
    p = PARAMS.get(name)
    unit = p.unit if p is not None and p.unit else "share" if p is not None and p.high == 1 \
        else ""
    return name.replace("_", " ") + (f" ({unit})" if unit else "")


def grid(n: int) -> tuple[plt.Figure, np.ndarray]:
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def text_problems(fig: plt.Figure) -> list[str]:
    """Text cut off at the figure's edges, or titles and axis labels overlapping."""
    from matplotlib.text import Text

    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    w, h = fig.bbox.width, fig.bbox.height
    out = []
    all_ticks, drawn = set(), set()  # tick labels exist beyond the view; only drawn ones count
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                all_ticks |= {id(tick.label1), id(tick.label2)}
            if ax.get_visible():
                for tick in axis._update_ticks():
                    drawn |= {id(tick.label1), id(tick.label2)}
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        if id(t) in all_ticks and id(t) not in drawn:
            continue
        bb = t.get_window_extent(r)
        if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > w + 1 or bb.y1 > h + 1:
            out.append(f"clipped: {t.get_text()[:60]!r}")
    labels = [fig._suptitle] if fig._suptitle is not None else []
    for ax in fig.axes:
        if ax.get_visible():
            labels += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label,
                       ax.yaxis.label]
    boxes = [(repr(t.get_text()[:40]), t.get_window_extent(r)) for t in labels
             if t is not None and t.get_visible() and t.get_text().strip()]
    legends = [lg for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
               if lg is not None and lg.get_visible()]
    boxes += [(f"legend {', '.join(t.get_text() for t in lg.get_texts())[:40]!r}",
               lg.get_window_extent(r)) for lg in legends]
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            if ba.overlaps(bb):
                out.append(f"overlap: {a} and {b}")
    return out


DPI = 110


def save(fig: plt.Figure, path: Path) -> Path:
    """Save, after making room for any text the layout cut off or stacked.

    The check draws the figure at the saving resolution; when it finds nothing, that
    drawing is what is written (one rendering, not two).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.set_dpi(DPI)
    problems = text_problems(fig)
    if problems:
        try:
            fig.set_layout_engine("constrained")
        except RuntimeError:  # a colorbar pins the engine: fall back to a tight bbox
            pass
        problems = text_problems(fig)
    if problems:
        fig.savefig(path, dpi=DPI, bbox_inches="tight")
    else:
        mpimg.imsave(path, np.asarray(fig.canvas.buffer_rgba()), dpi=DPI)
    if problems:
        problems = [p for p in problems if not p.startswith("clipped")]
    PROBLEMS[str(path)] = problems
    plt.close(fig)
    return path
