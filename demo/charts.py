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
from matplotlib.patches import Patch

from demo.drawing import RUNG_COLOURS, RUNG_LABELS
from model.measures import MEASURES

if TYPE_CHECKING:
    from model.governance import GovernanceModel

LADDER = ("share_inactive", "share_voice", "share_guided", "share_self_governing")
RUN_STYLES = ("-", "--")
LADDER_HATCHES = (None, "..", "//", None)
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


def _ladder(ax, label: str, model: GovernanceModel) -> list:
    data = _series(model, LADDER)
    if not data:
        return []
    weeks = np.arange(len(next(iter(data.values()))))
    stack = [data.get(name, np.zeros(len(weeks))) for name in LADDER]
    polys = ax.stackplot(weeks, *stack, colors=RUNG_COLOURS, edgecolor="#555555",
                         linewidth=0.5)
    for poly, hatch in zip(polys, LADDER_HATCHES, strict=True):
        if hatch:
            poly.set_hatch(hatch)
    ax.set_xlim(0, max(1, weeks[-1]))
    return polys


class ChartBoard:
    """A chart figure built once per run set and updated in place after each step.

    Creating axes costs tens of milliseconds each; updating line data costs microseconds,
    which keeps a step with redraw well under half a second.
    """

    def __init__(self, models: list[tuple[str, GovernanceModel]], width: float = 7.0) -> None:
        self.models = models
        self.panels = [p for p in PANELS if any(_known(n) for n in p.measures)]
        n_panels = len(models) + len(self.panels)
        rows = -(-n_panels // 2)
        self.fig = Figure(figsize=(width, 2.2 * rows + 0.3), dpi=90)
        self.fig.subplots_adjust(left=0.09, right=0.98, top=1 - 0.32 / rows,
                                 bottom=0.55 / rows, hspace=0.55, wspace=0.3)
        axes = list(self.fig.subplots(rows, 2, squeeze=False).ravel())
        self.ladder_axes = [axes.pop(0) for _ in models]
        self.line_axes = []
        self.lines: list[tuple] = []  # (Line2D, run index, measure, share axis)
        for ax, (label, _model) in zip(self.ladder_axes, models, strict=True):
            ax.set_title(f"participation ladder — {label}", fontsize=9)
            ax.set_ylabel("share of households", fontsize=8)
            ax.set_ylim(0, 1)
        handles = [Patch(facecolor=c, edgecolor="#555555", hatch=h, label=lab)
                   for c, h, lab in zip(RUNG_COLOURS, LADDER_HATCHES, RUNG_LABELS, strict=True)]
        self.ladder_axes[0].legend(handles=handles[::-1], loc="lower left", fontsize=6.5,
                                   framealpha=0.9)
        for panel in self.panels:
            ax = axes.pop(0)
            self.line_axes.append(ax)
            ax.set_title(panel.title, fontsize=9)
            ax.set_ylabel(panel.ylabel, fontsize=8)
            if panel.share:
                ax.set_ylim(0, 1)
            for run, (label, _model) in enumerate(models):
                names = [n for n in (FALLBACK.get(m, m) if m not in MEASURES else m
                                     for m in panel.measures) if n in MEASURES]
                for k, name in enumerate(names):
                    colour, marker = MEASURE_STYLES[k % len(MEASURE_STYLES)]
                    text = name.replace("_", " ")
                    (line,) = ax.plot([], [], RUN_STYLES[run % 2], color=colour, marker=marker,
                                      markersize=3.5, linewidth=1.3,
                                      label=f"{text} ({label})" if len(models) > 1 else text)
                    self.lines.append((line, run, name, panel.share))
            ax.legend(fontsize=6.5, framealpha=0.85, loc="best")
        for ax in axes:
            ax.set_visible(False)
        for ax in self.ladder_axes + self.line_axes:
            ax.tick_params(labelsize=7)
            ax.set_xlabel("week", fontsize=8)
        self.update()

    def update(self) -> Figure:
        """Refresh every series from the models' tables; return the figure."""
        tables = [m.datacollector.get_model_vars_dataframe() for _, m in self.models]
        weeks_max = max(1, len(tables[0]) - 1)
        for ax, (label, model) in zip(self.ladder_axes, self.models, strict=True):
            for coll in list(ax.collections):
                coll.remove()
            _ladder(ax, label, model)
            ax.set_xlim(0, weeks_max)
        for line, run, name, _share in self.lines:
            values = tables[run][name].to_numpy(dtype=float)
            line.set_data(np.arange(len(values)), values)
            line.set_markevery(max(1, len(values) // 8))
        for ax, panel in zip(self.line_axes, self.panels, strict=True):
            ax.set_xlim(0, weeks_max)
            if not panel.share:
                ax.relim()
                ax.set_autoscaley_on(True)  # set_ylim below switched it off last time
                ax.autoscale_view(scalex=False)
                ax.set_ylim(bottom=0)
        return self.fig


def _known(name: str) -> bool:
    return name in MEASURES or FALLBACK.get(name, "") in MEASURES


def charts_figure(models: list[tuple[str, GovernanceModel]], width: float = 7.0) -> Figure:
    """A fresh chart figure (for one-off pictures; the app keeps a ChartBoard)."""
    return ChartBoard(models, width).fig
