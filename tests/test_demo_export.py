"""The exported picture (Export -> Picture) holds what the page shows beside each map: the
institutions strip above it and the escalation chain under it, for one run and for two side
by side (issue 22, item 7). Checked on the PNG the server sends, at the places where the
figure put each panel."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from demo import server
from demo.export import compose, to_png
from demo.export_panels import CENTRAL_MARKERS, SETTLED_COLOUR, WAITING_COLOUR
from demo.frames import frame
from demo.mapimage import RUNG_COLOURS

CHARTS = ["participation_rate", "ladder"]


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.uint8)


def region(img: np.ndarray, ax) -> tuple[np.ndarray, object]:
    """The PNG's pixels inside an axes (figure pixels: y from the bottom, PNG's from the top)."""
    box = ax.bbox
    h = img.shape[0]
    top, bottom = round(h - box.y1), round(h - box.y0)
    return img[max(0, top):bottom, max(0, int(box.x0)):int(box.x1)], box


def count(pixels: np.ndarray, colour: str) -> int:
    return int((pixels == rgb(colour)).all(axis=-1).sum())


def row_counts(img: np.ndarray, ax, colour: str, rows: int) -> list[int]:
    """Pixels of `colour` on the chain's row of each level (the bar's length in pixels),
    outside the row's texts: a number's anti-aliased edge may take any grey, the light
    grey of a waiting bar too."""
    h = img.shape[0]
    box = ax.bbox
    words = [t.get_window_extent() for t in ax.texts]
    out = []
    for r in range(rows):
        y = h - round(ax.transData.transform((0, r))[1])
        line = img[y, int(box.x0):int(box.x1)].copy()
        xs = np.arange(int(box.x0), int(box.x1))
        for w in words:
            if w.y0 - 1 <= h - y <= w.y1 + 1:
                line[(xs >= w.x0 - 1) & (xs <= w.x1 + 1)] = 255
        out.append(count(line[None], colour))
    return out


def assert_bars_follow(counts: list[int], values: list[int], exact_zero: bool = True) -> None:
    """A level with none has no bar; a larger number never has a shorter bar; the largest
    the longest."""
    for c, v in zip(counts, values, strict=True):
        if v == 0 and exact_zero:
            assert c == 0, (counts, values)
    for i, vi in enumerate(values):
        for j, vj in enumerate(values):
            if vi > vj:
                assert counts[i] + 1 >= counts[j], (counts, values)
    assert counts[int(np.argmax(values))] >= max(counts) - 1


def assert_only_on_rows(img: np.ndarray, ax, colour: str, values: list[int]) -> None:
    """Every pixel of `colour` in the chain lies on the row of a level with a number > 0."""
    h = img.shape[0]
    pixels, box = region(img, ax)
    ys = np.flatnonzero((pixels == rgb(colour)).all(axis=-1).any(axis=1))
    assert bool(len(ys)) == any(v > 0 for v in values), (len(ys), values)  # none: no bar
    top = h - round(box.y1)
    inverse = ax.transData.inverted()
    for y in ys:
        row = inverse.transform((box.x0, h - (top + y)))[1]
        r = round(row)
        assert abs(row - r) < 0.4 and 0 <= r < len(values) and values[r] > 0, (row, values)


@pytest.mark.parametrize(("compare", "lang"), [(False, "en"), (True, "zh")])
def test_exported_picture_holds_the_strip_and_the_chain(compare, lang) -> None:
    state = {"scenario": "collaborative", "size": 20, "seed": 3, "compare": compare,
             "scenario_b": "administrative"}
    sid = server.open_session({"state": state})["sid"]
    try:
        server.step({"sid": sid, "steps": 4})
        session = server.store.get(sid)
        sent = server.png_file({"sid": sid, "lang": lang, "charts": ",".join(CHARTS)})
        assert sent.media_type == "image/png"
        img = np.asarray(Image.open(io.BytesIO(sent.body)).convert("RGB"))
        fig = compose(session, CHARTS, None, lang)
        again = np.asarray(Image.open(io.BytesIO(to_png(fig))).convert("RGB"))
        assert np.array_equal(img, again)  # the layout below is the sent picture's
        axes = {ax.get_label(): ax for ax in fig.axes}
        runs = frame(session, CHARTS)["runs"]
        assert len(runs) == (2 if compare else 1)
        for k, run in enumerate(runs):
            strip, s_box = region(img, axes[f"strip-{k}"])
            mapped, m_box = region(img, axes[f"map-{k}"])
            chain, c_box = region(img, axes[f"chain-{k}"])
            # Top to bottom, inside the picture: strip, map, chain.
            assert s_box.y0 >= m_box.y1 - 1 and m_box.y0 >= c_box.y1 - 1 and c_box.y0 > 0
            assert strip.size and mapped.size and chain.size
            # Each institution present has its icon in the strip; an absent one has none.
            assert "Government" in run["central"] and "ResidentsCommittee" in run["central"]
            for kind, (_, colour) in CENTRAL_MARKERS.items():
                assert (count(strip, colour) > 20) == (kind in run["central"]), kind
            # The map is there, and the chain's bars are this week's numbers.
            assert sum(count(mapped, c) for c in RUNG_COLOURS) > 1000
            stages = run["flow"]["stages"]
            settled = row_counts(img, axes[f"chain-{k}"], SETTLED_COLOUR, len(stages))
            assert_bars_follow(settled, [s["settled"] for s in stages])
            assert_only_on_rows(img, axes[f"chain-{k}"], SETTLED_COLOUR,
                                [s["settled"] for s in stages])
            waiting = [s["waiting"] for s in stages]
            # A waiting bar is hatched: its light fill shows between the lines once it is a
            # few pixels wide, so the check is on bars of at least a tenth of the longest.
            wide = [w if w >= 0.1 * max(waiting) else 0 for w in waiting]
            counts = row_counts(img, axes[f"chain-{k}"], WAITING_COLOUR, len(stages))
            assert_bars_follow([c if w else 0 for c, w in zip(counts, wide, strict=True)],
                               wide)
            assert all(c == 0 for c, w in zip(counts, waiting, strict=True) if w == 0)
            assert max(counts) > 0
    finally:
        server.store.close(sid)
