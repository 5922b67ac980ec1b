"""The community picture: households as one image, institutions as a few marker layers.

Drawing 10,000 households as markers would take seconds per frame; one `imshow` of the
rung array takes milliseconds, so a step with redraw stays far below half a second.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

if TYPE_CHECKING:
    from model.governance import GovernanceModel

RUNG_LABELS = ("inactive", "voice", "guided participation", "self-governance")
# Light to dark (luminance falls monotonically), so the ladder stays readable in greyscale.
RUNG_COLOURS = ("#f2f2f2", "#a6cee3", "#3b83b8", "#08306b")
RUNG_CMAP = ListedColormap(RUNG_COLOURS, name="rungs")
RUNG_NORM = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], RUNG_CMAP.N)

# Located institutions, found by class name so the demo draws whatever actors exist today.
# name -> (legend label, marker, face colour, size in points^2 at 100 x 100)
SYMBOLS: dict[str, tuple[str, str, str, float]] = {
    "GridWorker": ("grid worker", "o", "#e6550d", 60.0),
    "SocialOrganization": ("social organisation", "^", "#31a354", 55.0),
    "Enterprise": ("enterprise", "D", "#fdd835", 50.0),
    "PartyCommittee": ("Party committee", "*", "#d7191c", 160.0),
}


def located_agents(model: GovernanceModel) -> dict[str, np.ndarray]:
    """Cell coordinates of each drawable institution type present, as (n, 2) arrays."""
    found: dict[str, list[tuple[int, int]]] = {}
    for cls, agents in model.agents_by_type.items():
        name = cls.__name__
        if name not in SYMBOLS:
            continue
        for agent in agents:
            if getattr(agent, "active", True) is False:
                continue
            cell = getattr(agent, "cell", None)
            if cell is not None:
                found.setdefault(name, []).append(tuple(cell.coordinate))
    return {k: np.asarray(v, dtype=float).reshape(-1, 2) for k, v in found.items()}


def committee_buildings(model: GovernanceModel) -> list[int]:
    """Buildings that have a self-governance committee (empty when that actor is absent)."""
    out = []
    for cls, agents in model.agents_by_type.items():
        if cls.__name__ != "BuildingCommittee":
            continue
        for agent in agents:
            if getattr(agent, "active", True) is not False and hasattr(agent, "building_id"):
                out.append(int(agent.building_id))
    return sorted(set(out))


def _borders(n: int, block: int, length: int, vertical: bool) -> np.ndarray:
    cuts = np.arange(block, n, block) - 0.5
    lo, hi = -0.5, length - 0.5
    if vertical:
        return np.array([[(c, lo), (c, hi)] for c in cuts]).reshape(-1, 2, 2)
    return np.array([[(lo, c), (hi, c)] for c in cuts]).reshape(-1, 2, 2)


def _building_corners(model: GovernanceModel) -> np.ndarray:
    """Lowest (x, y) cell of every building, from the community's index arrays."""
    c = model.community
    first = np.full(c.n_buildings, -1, dtype=np.int64)
    first[c.building_of[::-1]] = np.arange(c.n)[::-1]
    return np.stack([c.x[first], c.y[first]], axis=1).astype(float)


class CommunityPanel:
    """One community on one Axes: static borders drawn once, dynamic layers redrawn."""

    def __init__(self, ax: Axes, model: GovernanceModel, label: str) -> None:
        self.ax, self.model, self.label = ax, model, label
        c = model.community
        w, h = c.width, c.height
        # levels[x, y]; imshow wants rows = y, so transpose and put the origin bottom-left.
        self.image = ax.imshow(
            model.household_levels().T, cmap=RUNG_CMAP, norm=RUNG_NORM, origin="lower",
            extent=(-0.5, w - 0.5, -0.5, h - 0.5), interpolation="nearest",
        )
        if c.building_block < min(w, h):
            segs = np.concatenate([_borders(w, c.building_block, h, True),
                                   _borders(h, c.building_block, w, False)])
            ax.add_collection(LineCollection(segs, colors="#9e9e9e", linewidths=0.4))
        segs = np.concatenate([_borders(w, c.grid_block, h, True),
                               _borders(h, c.grid_block, w, False)])
        if len(segs):
            ax.add_collection(LineCollection(segs, colors="black", linewidths=1.6))
        self.corners = _building_corners(model)
        self.scale = 100.0 / max(w, h)  # symbols keep their size relative to 100 x 100
        self.layers: dict[str, object] = {}
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(-0.5, h - 0.5)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
        self.update()

    def update(self) -> list[str]:
        """Redraw households and institutions; return the layer names now shown."""
        m, c, ax = self.model, self.model.community, self.ax
        self.image.set_data(m.household_levels().T)
        for artist in self.layers.values():
            artist.remove()
        self.layers = {}
        committees = committee_buildings(m)
        if committees:
            xy = self.corners[np.asarray(committees)] + (c.building_block - 1) / 2
            side_pts = 72 * 5.2 * c.building_block / max(c.width, c.height) * 0.8
            self.layers["BuildingCommittee"] = ax.scatter(
                xy[:, 0], xy[:, 1], s=side_pts ** 2 * 0.5, marker="s", facecolors="none",
                edgecolors=COMMITTEE_COLOUR, linewidths=1.5, zorder=3)
        for name, xy in located_agents(m).items():
            _label, marker, colour, size = SYMBOLS[name]
            self.layers[name] = ax.scatter(xy[:, 0], xy[:, 1], s=size * self.scale,
                                           marker=marker, c=colour, edgecolors="black",
                                           linewidths=0.8, zorder=4)
        ax.set_title(f"{self.label} — week {m.step_count}", fontsize=10)
        return list(self.layers)


COMMITTEE_COLOUR = "#d95f02"


def legend_handles(layers: list[str]) -> list:
    """Rung patches plus one symbol per institution type shown."""
    handles = [Patch(facecolor=col, edgecolor="#555555", label=lab)
               for col, lab in zip(RUNG_COLOURS, RUNG_LABELS, strict=True)]
    if "BuildingCommittee" in layers:
        handles.append(Line2D([], [], marker="s", linestyle="none", markerfacecolor="none",
                              markeredgecolor=COMMITTEE_COLOUR, markeredgewidth=1.5,
                              label="building committee"))
    for name, (label, marker, colour, _size) in SYMBOLS.items():
        if name in layers:
            handles.append(Line2D([], [], marker=marker, linestyle="none",
                                  markerfacecolor=colour, markeredgecolor="black", label=label))
    return handles


class CommunityBoard:
    """The picture: one panel per run (two in side-by-side mode), one shared legend.

    Built once per run set and updated in place each step; building a figure costs more
    than drawing it.
    """

    def __init__(self, models: list[tuple[str, GovernanceModel]], width: float = 5.2) -> None:
        n = len(models)
        self.fig = Figure(figsize=(width * n, width + 0.75), dpi=90)
        self.fig.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.13, wspace=0.04)
        axes = self.fig.subplots(1, n, squeeze=False)[0]
        self.panels = [CommunityPanel(ax, model, label)
                       for ax, (label, model) in zip(axes, models, strict=True)]
        self.legend = None
        self._shown: tuple[str, ...] | None = None
        self.update(redraw_panels=False)

    def update(self, redraw_panels: bool = True) -> Figure:
        shown: set[str] = set()
        for panel in self.panels:
            shown.update(panel.update() if redraw_panels else panel.layers)
        key = tuple(sorted(shown))
        if key != self._shown:  # a new kind of institution appeared: rebuild the legend
            if self.legend is not None:
                self.legend.remove()
            handles = legend_handles(list(key))
            self.legend = self.fig.legend(handles=handles, loc="lower center",
                                          ncol=min(4, len(handles)), fontsize=8,
                                          frameon=False)
            self._shown = key
        return self.fig


def community_figure(models: list[tuple[str, GovernanceModel]], width: float = 5.2) -> Figure:
    """A fresh picture of the run(s) (for one-off use; the app keeps a CommunityBoard)."""
    return CommunityBoard(models, width).fig


def figure_png(fig: Figure) -> bytes:
    """PNG bytes of a figure (what the browser receives)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
