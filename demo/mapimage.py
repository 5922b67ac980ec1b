"""The households as one PNG: rung colours, grid and building borders, committee outlines.

Encoding a (width, height) array straight to a PNG costs a few milliseconds at 100 x 100,
far less than a plotting library's figure; actors and issue marks are drawn over it by the
browser (SVG), so they stay sharp and clickable and the legend lives in the page.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

# Light to dark (luminance falls monotonically), so the ladder stays readable in greyscale.
RUNG_COLOURS = ("#f2f2f2", "#a6cee3", "#3b83b8", "#08306b")
COMMITTEE_COLOUR = "#d95f02"
GRID_COLOUR = "#000000"
BUILDING_COLOUR = "#9e9e9e"
TARGET_PX = 600  # the map's side in pixels, about


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


PALETTE = np.array([_rgb(c) for c in RUNG_COLOURS], dtype=np.uint8)


def cell_pixels(width: int, height: int) -> int:
    """Pixels per household so the map is about TARGET_PX across."""
    return max(2, TARGET_PX // max(width, height))


def map_png(levels: np.ndarray, grid_block: int, building_block: int,
            committees: list[int] | np.ndarray = ()) -> bytes:
    """PNG bytes of the community: row 0 of the image is the top (largest y)."""
    w, h = levels.shape
    k = cell_pixels(w, h)
    img = PALETTE[np.clip(levels, 0, 3).T[::-1]]  # rows = y from the top
    img = np.repeat(np.repeat(img, k, axis=0), k, axis=1)
    if k >= 4 and building_block < min(w, h):
        _lines(img, building_block * k, _rgb(BUILDING_COLOUR), 1)
    if len(committees):
        _committee_rings(img, np.asarray(committees, dtype=int), w, h, building_block, k)
    _lines(img, grid_block * k, _rgb(GRID_COLOUR), 2)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _lines(img: np.ndarray, step: int, colour: tuple[int, int, int], width: int) -> None:
    """Border lines every `step` pixels, `width` pixels wide, starting one pixel before."""
    rows, cols = img.shape[:2]
    for pos in range(step, cols, step):
        img[:, pos - 1:pos - 1 + width] = colour
    for pos in range(step, rows, step):
        img[pos - 1:pos - 1 + width, :] = colour


def _committee_rings(img: np.ndarray, buildings: np.ndarray, w: int, h: int, block: int,
                     k: int) -> None:
    """A thin ring just inside each committee building's border: the rungs stay visible."""
    bh = h // block
    side = block * k
    t = 1 if side < 16 else 2
    colour = _rgb(COMMITTEE_COLOUR)
    for b in buildings:
        bx, by = divmod(int(b), bh)
        x0 = bx * side
        y0 = (bh - 1 - by) * side  # image rows count from the top
        img[y0 + 1:y0 + 1 + t, x0 + 1:x0 + side - 1] = colour
        img[y0 + side - 1 - t:y0 + side - 1, x0 + 1:x0 + side - 1] = colour
        img[y0 + 1:y0 + side - 1, x0 + 1:x0 + 1 + t] = colour
        img[y0 + 1:y0 + side - 1, x0 + side - 1 - t:x0 + side - 1] = colour
