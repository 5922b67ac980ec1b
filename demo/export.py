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
from model.measures import MEASURES

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC",
             "SimHei", "Microsoft YaHei", "PingFang SC")


def fonts() -> list[str]:
    """DejaVu Sans for Latin text, then the first installed CJK font for Chinese."""
    have = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *[f for f in CJK_FONTS if f in have][:1]]


def _image(url: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(b64decode(url.split(",", 1)[1]))).convert("RGB"))


def export_png(session: Session, charts: list[str], week: int | None, lang: str) -> bytes:
    data = frame(session, charts, week)
    runs = data["runs"]
    cols = max(2, len(runs))
    chart_rows = -(-len(charts) // cols)
    fig = Figure(figsize=(5.2 * cols, 5.6 + 3.2 * chart_rows), dpi=100)
    grid = fig.add_gridspec(1 + chart_rows, cols, height_ratios=[5.6] + [3.2] * chart_rows,
                            hspace=0.35, wspace=0.08, left=0.03, right=0.97, top=0.94,
                            bottom=0.03)
    family = fonts()
    week_text = i18n.t(lang, "ui.week", week=data["week"])
    fig.suptitle(f"{i18n.t(lang, 'app.title')} — {week_text}", fontsize=15, family=family)
    for k, run in enumerate(runs):
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(_image(run["map"]))
        ax.set_axis_off()
        ax.set_title(i18n.name(lang, "scenario", run["label"]), fontsize=13, family=family)
    cursor = None if data["week"] == data["latest"] else data["week"]
    for k, name in enumerate(charts):
        if name == "ladder":
            png = LadderChart(len(runs)).draw(ladder_shares(session), cursor)
        else:
            png = LineChart().draw(series(session, name), is_share(name), cursor)
        ax = fig.add_subplot(grid[1 + k // cols, k % cols])
        ax.imshow(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))
        ax.set_axis_off()
        if name == "ladder":
            title = i18n.t(lang, "ui.ladder")
        else:
            unit = MEASURES[name].unit
            title = (f"{i18n.name(lang, 'measure', name)} "
                     f"({i18n.catalogue(lang).get('unit.' + unit, unit)})")
        ax.set_title(title, fontsize=11, family=family)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
