"""The 'export picture' PNG: what the page shows, in one picture titled in its language.

A column per run (one, or two side by side): the institutions strip, the map with its
actors, the escalation chain (demo.export_panels); under them one legend and the chosen
charts.
"""

from __future__ import annotations

import io
from base64 import b64decode

import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure
from PIL import Image

from demo import i18n
from demo.charts import LadderChart, LineChart
from demo.export_panels import chain_rows, draw_chain, draw_strip, strip_lines
from demo.frames import frame, is_share, ladder_shares, series
from demo.session import Session
from governance import MEASURES

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC",
             "SimHei", "Microsoft YaHei", "PingFang SC")


CJK_FILES = ("wqy", "notosanscjk", "sourcehansans", "simhei", "msyh", "pingfang")
# Actors drawn on the exported map: class name -> (marker, colour), as on the page.
MARKERS = {"PartyBranch": ("*", "#d7191c"), "GridWorker": ("o", "#e6550d"),
           "SocialOrganization": ("^", "#31a354"), "Enterprise": ("D", "#fdd835")}


def fonts() -> list[str]:
    """DejaVu Sans for Latin text, then an installed CJK font for Chinese.

    Matplotlib's font cache may predate the CJK font's installation, so system font files
    with a known CJK name are added to it once.
    """
    manager = font_manager.fontManager
    have = {f.name for f in manager.ttflist}
    if not any(f in have for f in CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if any(k in path.lower().replace("-", "").replace("_", "") for k in CJK_FILES):
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        have = {f.name for f in manager.ttflist}
    return ["DejaVu Sans", *[f for f in CJK_FONTS if f in have][:1]]


def _actors(ax, run: dict, lang: str, seen: dict) -> None:
    """The located actors over the map image (pixel coordinates, y from the top)."""
    k = _image(run["map"]).shape[1] / run["width"]
    for kind, rows in run["actors"].items():
        if kind not in MARKERS or not rows:
            continue
        marker, colour = MARKERS[kind]
        xy = np.asarray(rows, dtype=float)[:, :2]
        shift = {"PartyBranch": 0.6, "GridWorker": -0.6}.get(kind, 0.0) * run["width"] / 40
        seen[kind] = ax.scatter((xy[:, 0] + 0.5 + shift) * k,
                                (run["height"] - xy[:, 1] - 0.5) * k, s=60, marker=marker,
                                c=colour, edgecolors="black", linewidths=0.7, zorder=3,
                                label=i18n.name(lang, "actor", kind))


def _image(url: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(b64decode(url.split(",", 1)[1]))).convert("RGB"))


def _legend(ax, runs: list[dict], seen: dict, family: list[str],
            lang: str) -> None:
    """One legend under the maps: rungs, committee outline, actors, and the runs' lines."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from demo.charts import RUN_STYLES
    from demo.mapimage import COMMITTEE_COLOUR, RUNG_COLOURS

    handles = [Patch(facecolor=c, edgecolor="#555555", label=i18n.t(lang, f"rung.{r}"))
               for r, c in enumerate(RUNG_COLOURS)]
    if any(r["committees"] for r in runs):
        handles.append(Patch(facecolor="none", edgecolor=COMMITTEE_COLOUR, linewidth=2,
                             label=i18n.name(lang, "actor", "BuildingCommittee")))
    handles += list(seen.values())
    for k, run in enumerate(runs if len(runs) > 1 else []):
        style, marker, colour = RUN_STYLES[k]
        handles.append(Line2D([], [], linestyle=style, marker=marker, color=colour,
                              label=i18n.scenario_label(lang, run["label"])))
    ax.set_axis_off()
    ax.legend(handles=handles, loc="center", ncol=min(4, len(handles)),
              prop={"family": family, "size": 10}, frameon=False)


# Heights of the picture's rows, in inches: the maps, one strip line, the chain's rows, the
# legend and a row of charts. The figure is sized from them, so nothing overlaps whatever
# the number of institutions, levels or charts.
MAP_IN, STRIP_LINE_IN, CHAIN_ROW_IN, LEGEND_IN, CHART_IN = 4.9, 0.34, 0.22, 1.1, 3.2
COLUMN_IN, DPI = 5.4, 100
TITLE_IN = 0.8


def compose(session: Session, charts: list[str], week: int | None, lang: str) -> Figure:
    """The exported picture as one figure, a column per run: the institutions strip, the map
    with its actors, the escalation chain; then one legend and the chosen charts.

    Every panel's axes carries a label (`strip-k`, `map-k`, `chain-k`, `legend`,
    `chart-<name>`), so a test finds where each one was drawn.
    """
    data = frame(session, charts, week)
    runs = data["runs"]
    cols = max(2, len(runs))
    family = fonts()
    left, right, wspace = 0.03, 0.97, 0.08
    column_px = COLUMN_IN * cols * DPI * (right - left) / (cols + (cols - 1) * wspace)
    strip = max(len(strip_lines([i18n.name(lang, "actor", k) for k in r["central"]],
                                family, column_px, DPI)) for r in runs)
    chain = max(chain_rows(r) for r in runs)
    chart_rows = -(-len(charts) // cols)
    heights = [STRIP_LINE_IN * strip + 0.1, MAP_IN, CHAIN_ROW_IN * chain, LEGEND_IN]
    heights += [CHART_IN] * chart_rows
    total = sum(heights) + TITLE_IN + 0.25 * len(heights)
    fig = Figure(figsize=(COLUMN_IN * cols, total), dpi=DPI)
    grid = fig.add_gridspec(len(heights), cols, height_ratios=heights, hspace=0.25 * len(
        heights) / sum(heights), wspace=wspace, left=left, right=right,
        top=1 - TITLE_IN / total, bottom=0.15 / total)
    week_text = i18n.t(lang, "ui.week", week=data["week"])
    fig.suptitle(f"{i18n.t(lang, 'app.title')} — {week_text}", fontsize=15, family=family,
                 y=1 - 0.12 / total, va="top")
    seen: dict = {}
    for k, run in enumerate(runs):
        label = i18n.scenario_label(lang, run["label"])
        ax = fig.add_subplot(grid[0, k], label=f"strip-{k}")
        draw_strip(ax, run, lang, family, column_px, DPI)
        ax.set_title(label, fontsize=13, family=family, loc="left")
        ax = fig.add_subplot(grid[1, k], label=f"map-{k}")
        ax.imshow(_image(run["map"]))
        _actors(ax, run, lang, seen)
        ax.set_axis_off()
        title = i18n.t(lang, "ui.flow") + (f" — {label}" if len(runs) > 1 else "")
        draw_chain(fig.add_subplot(grid[2, k], label=f"chain-{k}"), run, lang, family, title,
                   column_px, DPI)
    _legend(fig.add_subplot(grid[3, :], label="legend"), runs, seen, family, lang)
    cursor = None if data["week"] == data["latest"] else data["week"]
    for k, name in enumerate(charts):
        if name == "ladder":
            png = LadderChart(len(runs)).draw(ladder_shares(session), cursor)
        else:
            png = LineChart().draw(series(session, name), is_share(name), cursor)
        ax = fig.add_subplot(grid[4 + k // cols, k % cols], label=f"chart-{name}")
        ax.imshow(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))
        ax.set_axis_off()
        ax.set_title(_chart_title(name, lang), fontsize=11, family=family)
    return fig


def _chart_title(name: str, lang: str) -> str:
    """The measure (or the ladder) with its unit, and what the axes show."""
    cat = i18n.catalogue(lang)
    if name == "ladder":
        title, unit_text = i18n.t(lang, "ui.ladder"), cat.get("unit.share")
    else:
        unit = MEASURES[name].unit
        unit_text = cat.get("unit." + unit, unit)
        title = f"{i18n.name(lang, 'measure', name)} ({unit_text})"
    return f"{title}\n{i18n.t(lang, 'ui.weeks_axis', unit=unit_text)}"


def to_png(fig: Figure) -> bytes:
    """The figure as it was laid out (no cropping: a panel's place in the figure is its
    place in the PNG)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def export_png(session: Session, charts: list[str], week: int | None, lang: str) -> bytes:
    return to_png(compose(session, charts, week, lang))
