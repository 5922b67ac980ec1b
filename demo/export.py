"""The 'export picture' PNG: the map(s) and the chosen charts, titled in the page's language."""

from __future__ import annotations

import io
from base64 import b64decode

import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure
from PIL import Image

from demo import i18n
from demo.charts import LadderChart, LineChart
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


def export_png(session: Session, charts: list[str], week: int | None, lang: str) -> bytes:
    data = frame(session, charts, week)
    runs = data["runs"]
    cols = max(2, len(runs))
    chart_rows = -(-len(charts) // cols)
    fig = Figure(figsize=(5.2 * cols, 6.8 + 3.2 * chart_rows), dpi=100)
    grid = fig.add_gridspec(2 + chart_rows, cols, height_ratios=[5.6, 1.2] + [3.2] * chart_rows,
                            hspace=0.35, wspace=0.08, left=0.03, right=0.97, top=0.94,
                            bottom=0.03)
    family = fonts()
    week_text = i18n.t(lang, "ui.week", week=data["week"])
    fig.suptitle(f"{i18n.t(lang, 'app.title')} — {week_text}", fontsize=15, family=family)
    seen: dict = {}
    for k, run in enumerate(runs):
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(_image(run["map"]))
        _actors(ax, run, lang, seen)
        ax.set_axis_off()
        ax.set_title(i18n.scenario_label(lang, run["label"]), fontsize=13, family=family)
    _legend(fig.add_subplot(grid[1, :]), runs, seen, family, lang)
    cursor = None if data["week"] == data["latest"] else data["week"]
    for k, name in enumerate(charts):
        if name == "ladder":
            png = LadderChart(len(runs)).draw(ladder_shares(session), cursor)
        else:
            png = LineChart().draw(series(session, name), is_share(name), cursor)
        ax = fig.add_subplot(grid[2 + k // cols, k % cols])
        ax.imshow(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))
        ax.set_axis_off()
        if name == "ladder":
            title = i18n.t(lang, "ui.ladder")
        else:
            unit = MEASURES[name].unit
            title = (f"{i18n.name(lang, 'measure', name)} "
                     f"({i18n.catalogue(lang).get('unit.' + unit, unit)})")
        unit_text = i18n.catalogue(lang).get("unit.share") if name == "ladder" else \
            i18n.catalogue(lang).get("unit." + MEASURES[name].unit, MEASURES[name].unit)
        axes_text = i18n.t(lang, "ui.weeks_axis", unit=unit_text)
        ax.set_title(f"{title}\n{axes_text}", fontsize=11, family=family)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.15)
    return buf.getvalue()
