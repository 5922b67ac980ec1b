"""Live charts beside the picture, read from the models' DataCollector tables.

Measures are looked up in `MEASURES` by name and a panel is skipped when its measure is not
registered (yet), so the charts follow the model as actors are added. In side-by-side mode
each scenario gets its own ladder panel and the other panels overlay both runs, solid for
the left run and dashed for the right one (readable in greyscale).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from demo.drawing import RUNG_COLOURS, RUNG_LABELS
from model.measures import MEASURES

if TYPE_CHECKING:
    from model.governance import GovernanceModel

LADDER = ("share_inactive", "share_voice", "share_guided", "share_self_governing")
RUN_STYLES = ("-", "--")
MEASURE_STYLES = (("#1b1b1b", "o"), ("#7a7a7a", "s"), ("#3b83b8", "^"))


@dataclass(frozen=True)
class Panel:
    title: str
    measures: tuple[str, ...]  # first one present is drawn; several = several lines
    ylabel: str
    share: bool = False  # y axis fixed to 0..1


PANELS = (
    Panel("trust", ("trust_government", "trust_neighbors"), "mean trust (0-1)", share=True),
    Panel("issues resolved", ("resolution_rate",), "share of closed issues resolved",
          share=True),
    Panel("government cost", ("gov_admin_cost",), "public cost per week"),
    Panel("social organisations", ("orgs_active",), "organisations active"),
)
FALLBACK = {"resolution_rate": "issues_resolved"}


def _series(model: GovernanceModel, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    table = model.datacollector.get_model_vars_dataframe()
    out = {}
    for name in names:
        if name not in MEASURES:
            name = FALLBACK.get(name, name)
        if name in MEASURES and name in table:
            out[name] = table[name].to_numpy(dtype=float)
    return out


def _ladder(ax, label: str, model: GovernanceModel) -> None:
    data = _series(model, LADDER)
    if not data:
        return
    weeks = np.arange(len(next(iter(data.values()))))
    stack = [data.get(name, np.zeros_like(weeks, dtype=float)) for name in LADDER]
    hatches = (None, "..", "//", None)
    polys = ax.stackplot(weeks, *stack, colors=RUNG_COLOURS, labels=RUNG_LABELS,
                         edgecolor="#555555", linewidth=0.5)
    for poly, hatch in zip(polys, hatches, strict=True):
        if hatch:
            poly.set_hatch(hatch)
    ax.set_ylim(0, 1)
    ax.set_xlim(0, max(1, weeks[-1]))
    ax.set_title(f"participation ladder — {label}", fontsize=9)
    ax.set_ylabel("share of households", fontsize=8)
    ax.legend(loc="upper left", fontsize=6.5, framealpha=0.85, reverse=True)


def _lines(ax, panel: Panel, models: list[tuple[str, GovernanceModel]]) -> bool:
    drew = False
    for run, (label, model) in enumerate(models):
        for k, (name, values) in enumerate(_series(model, panel.measures).items()):
            colour, marker = MEASURE_STYLES[k % len(MEASURE_STYLES)]
            weeks = np.arange(len(values))
            every = max(1, len(values) // 8)
            text = name.replace("_", " ")
            ax.plot(weeks, values, RUN_STYLES[run % 2], color=colour, marker=marker,
                    markevery=every, markersize=3.5, linewidth=1.3,
                    label=f"{text} ({label})" if len(models) > 1 else text)
            drew = True
    if not drew:
        return False
    ax.set_title(panel.title, fontsize=9)
    ax.set_ylabel(panel.ylabel, fontsize=8)
    if panel.share:
        ax.set_ylim(0, 1)
    else:
        ax.set_ylim(bottom=0)
    ax.legend(fontsize=6.5, framealpha=0.85, loc="best")
    return True


def charts_figure(models: list[tuple[str, GovernanceModel]], width: float = 7.0) -> Figure:
    """Ladder panel(s) plus the trust, resolution, cost and organisation panels present."""
    line_panels = [p for p in PANELS
                   if any(FALLBACK.get(n, n) in MEASURES or n in MEASURES for n in p.measures)]
    n_panels = len(models) + len(line_panels)
    cols = 2
    rows = -(-n_panels // cols)
    fig = Figure(figsize=(width, 2.3 * rows), dpi=90, layout="constrained")
    axes = list(fig.subplots(rows, cols, squeeze=False).ravel())
    for label, model in models:
        _ladder(axes.pop(0), label, model)
    for panel in line_panels:
        ax = axes.pop(0)
        if not _lines(ax, panel, models):
            ax.set_visible(False)
    for ax in axes:
        ax.set_visible(False)
    for ax in fig.axes:
        ax.tick_params(labelsize=7)
        if ax.get_visible():
            ax.set_xlabel("week", fontsize=8)
    return fig
