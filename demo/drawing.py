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


def draw_community(ax: Axes, model: GovernanceModel, title: str = "") -> dict[str, object]:
    """Draw the community on `ax`; return the artists by layer (the tests read them)."""
    c = model.community
    w, h = c.width, c.height
    artists: dict[str, object] = {}
    # levels[x, y]; imshow wants rows = y, so transpose and put the origin bottom-left.
    artists["households"] = ax.imshow(
        model.household_levels().T, cmap=RUNG_CMAP, norm=RUNG_NORM, origin="lower",
        extent=(-0.5, w - 0.5, -0.5, h - 0.5), interpolation="nearest",
    )
    scale = 100.0 / max(w, h)  # markers keep their size relative to a 100 x 100 community
    lines = []
    if c.building_block < min(w, h):
        lines.append(np.concatenate([_borders(w, c.building_block, h, True),
                                     _borders(h, c.building_block, w, False)]))
        artists["buildings"] = ax.add_collection(
            LineCollection(lines[-1], colors="#9e9e9e", linewidths=0.4))
    grid_lines = np.concatenate([_borders(w, c.grid_block, h, True),
                                 _borders(h, c.grid_block, w, False)])
    artists["grids"] = ax.add_collection(
        LineCollection(grid_lines, colors="black", linewidths=1.6))
    handles = [Patch(facecolor=col, edgecolor="#555555", label=lab)
               for col, lab in zip(RUNG_COLOURS, RUNG_LABELS, strict=True)]
    committees = committee_buildings(model)
    if committees:
        first = np.full(c.n_buildings, -1, dtype=np.int64)
        first[c.building_of[::-1]] = np.arange(c.n)[::-1]
        idx = first[np.asarray(committees)]
        half = (c.building_block - 1) / 2
        bx, by = c.x[idx] + half, c.y[idx] + half
        side = c.building_block * 0.55
        artists["BuildingCommittee"] = ax.scatter(
            bx, by, s=(side * 4.2 * scale) ** 2 / 4, marker="s", facecolors="none",
            edgecolors="#d95f02", linewidths=1.4, zorder=3)
        handles.append(Line2D([], [], marker="s", linestyle="none", markerfacecolor="none",
                              markeredgecolor="#d95f02", label="building committee"))
    for name, xy in located_agents(model).items():
        label, marker, colour, size = SYMBOLS[name]
        artists[name] = ax.scatter(xy[:, 0], xy[:, 1], s=size * scale, marker=marker,
                                   c=colour, edgecolors="black", linewidths=0.8, zorder=4)
        handles.append(Line2D([], [], marker=marker, linestyle="none", markerfacecolor=colour,
                              markeredgecolor="black", label=label))
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(-0.5, h - 0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    ax.set_title(title or f"week {model.step_count}", fontsize=10)
    artists["legend_handles"] = handles
    return artists


def community_figure(models: list[tuple[str, GovernanceModel]], width: float = 5.2) -> Figure:
    """One panel per model (two in side-by-side mode) and one shared legend below."""
    n = len(models)
    fig = Figure(figsize=(width * n, width + 0.9), dpi=90, layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    handles: dict[str, object] = {}
    for ax, (label, model) in zip(axes, models, strict=True):
        art = draw_community(ax, model, title=f"{label} — week {model.step_count}")
        for hnd in art["legend_handles"]:
            handles.setdefault(hnd.get_label(), hnd)
    fig.legend(handles=list(handles.values()), loc="outside lower center",
               ncol=min(4, len(handles)), fontsize=8, frameon=False)
    return fig


def figure_png(fig: Figure) -> bytes:
    """PNG bytes of a figure (what the browser receives)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
