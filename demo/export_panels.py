"""The exported picture's panels beside each map, drawn as the page draws them: the
institutions strip (the actors without a place in the community) and the escalation chain
(诉求办理链条: this week's issues settled and waiting at each level, each on its own scale,
with the numbers beside the bars).

They are drawn from the same frame the page gets (`demo.frames.frame`), so the picture says
what the screen said that week. Settled bars are solid, waiting bars light and hatched:
the two stay apart in greyscale.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from demo import i18n

# Unlocated actors: class name -> (marker, colour), the page's symbols (demo/static/core.js).
HOUSE = [(0, 0.6), (0.55, 0.05), (0.4, 0.05), (0.4, -0.5), (-0.4, -0.5), (-0.4, 0.05),
         (-0.55, 0.05), (0, 0.6)]
CENTRAL_MARKERS: dict[str, tuple[Any, str]] = {
    "Government": ("s", "#6a3d9a"), "ResidentsCommittee": (HOUSE, "#1f78b4"),
    "PartyCommittee": ("*", "#d7191c")}
SETTLED_COLOUR = "#3b83b8"
WAITING_COLOUR = "#d9d9d9"
WAITING_HATCH_COLOUR = "#555555"
CHAIN_FONT = 9.5  # points
NUMBER_PX = 40  # room for the count beside a bar


STRIP_FONT = 10.5  # points
ICON_PX, GAP_PX = 26, 14  # an icon with its space, and the gap after a name


def text_px(texts: list[str], family: list[str], size: float, dpi: int) -> list[float]:
    """Widths in pixels of texts as they will be drawn (the same fonts and fallback)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = RendererAgg(8, 8, dpi)
    prop = FontProperties(family=family, size=size)
    return [renderer.get_text_width_height_descent(t, prop, False)[0] for t in texts]


def strip_lines(names: list[str], family: list[str], width_px: float, dpi: int
                ) -> list[list[tuple[int, float]]]:
    """The strip's lines: (institution, left edge in pixels) of each, as many as fit a line
    of `width_px` (names measured in the font they are drawn in), never none on a line."""
    lines: list[list[tuple[int, float]]] = [[]]
    x = 0.0
    for k, w in enumerate(text_px(names, family, STRIP_FONT, dpi)):
        width = ICON_PX + w
        if lines[-1] and x + width > width_px:
            lines.append([])
            x = 0.0
        lines[-1].append((k, x))
        x += width + GAP_PX
    return lines


def draw_strip(ax: Axes, run: dict[str, Any], lang: str, family: list[str],
               width_px: float, dpi: int) -> None:
    """Icon and name of each institution above the map, wrapped as the page wraps them."""
    ax.set_axis_off()
    ax.set_xlim(0, width_px)
    kinds = list(run["central"])
    names = [i18n.name(lang, "actor", kind) for kind in kinds]
    lines = strip_lines(names, family, width_px, dpi)
    ax.set_ylim(len(lines) - 0.5, -0.5)
    for row, members in enumerate(lines):
        for k, x in members:
            marker, colour = CENTRAL_MARKERS.get(kinds[k], ("o", "#777777"))
            ax.scatter([x + ICON_PX * 0.4], [row], marker=marker, s=170, c=colour,
                       edgecolors="black", linewidths=0.7, clip_on=False)
            ax.text(x + ICON_PX, row, names[k], va="center", fontsize=STRIP_FONT,
                    family=family)


def draw_chain(ax: Axes, run: dict[str, Any], lang: str, family: list[str], title: str,
               width_px: float, dpi: int) -> None:
    """The escalation chain: one row per level, lowest first, as on the page. The names'
    column is as wide as the longest name; the settled and the waiting bars share the rest."""
    flow = run["flow"]
    stages = flow["stages"]
    n = len(stages)
    names = [i18n.name(lang, "stage", s["stage"]) for s in stages]
    name_px = max(text_px(names, family, CHAIN_FONT, dpi)) + 8
    span = (width_px - name_px) / 2 - NUMBER_PX  # each bar column's longest bar
    ax.set_axis_off()
    ax.set_xlim(0, width_px)
    ax.set_ylim(n + 1.6, -2.4)  # rows 0..n-1, a header above, the totals below
    text = {"family": family, "fontsize": CHAIN_FONT, "va": "center"}
    ax.text(0, -1.9, title, fontsize=12, family=family, va="center")
    ax.text(0, -0.9, i18n.t(lang, "ui.flow_raised", n=flow["raised"]), **text)
    columns = {"settled": name_px, "waiting": name_px + span + NUMBER_PX}
    for key, x0 in columns.items():
        ax.text(x0, -0.9, i18n.t(lang, f"ui.flow_{key}"), color="#555555", **text)
    most = {key: max(1, *(s[key] for s in stages)) for key in columns}
    for row, s in enumerate(stages):
        ax.text(0, row, names[row], **text)
        for key, x0 in columns.items():
            width = span * s[key] / most[key]
            if s[key]:
                style = ({"color": SETTLED_COLOUR} if key == "settled" else
                         {"color": WAITING_COLOUR, "hatch": "////",
                          "edgecolor": WAITING_HATCH_COLOUR, "linewidth": 0.6})
                ax.barh(row, max(width, 1.5), left=x0, height=0.62, **style)
            ax.text(x0 + width + 5, row, str(s[key]), **text)
    ax.text(0, n + 0.9, i18n.t(lang, "ui.flow_escalated", n=flow["escalated"]) + " · "
            + i18n.t(lang, "ui.flow_given_up", n=flow["given_up"]), **text)


def chain_rows(run: dict[str, Any]) -> int:
    """Rows the chain takes (levels, header, title and totals): the figure sizes by it."""
    return len(run["flow"]["stages"]) + 4
