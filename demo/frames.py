"""What the page receives for one frame: map images, actors, issue flow, charts, readouts.

Everything is made from snapshots and recorded measures (never the live model), under the
session's lock, so a frame is one consistent week even while play goes on.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import numpy as np

from demo.charts import LADDER, Series
from demo.mapimage import map_png
from demo.session import Session
from governance import MEASURES
from model import InputError

DEFAULT_CHARTS = ("ladder", "participation_rate", "trust_government",
                  "share_resolved_below_government", "gov_admin_cost")
SHARE_UNITS = ("share", "0-1")


def check_charts(names: list[str]) -> list[str]:
    bad = [n for n in names if not isinstance(n, str) or (n != "ladder" and n not in MEASURES)]
    if bad:
        raise InputError(f"field 'charts' names {bad!r}, which are not recorded measures; "
                         f"choose from 'ladder' and {', '.join(MEASURES)}.")
    return list(dict.fromkeys(names))[:8]


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def is_share(name: str) -> bool:
    return MEASURES[name].unit in SHARE_UNITS


MAX_POINTS = 1040  # longer runs are thinned for the live charts (the CSV keeps every week)


def series(session: Session, name: str) -> list[Series]:
    """Each run's weekly values of a measure, with the seed band when one matches."""
    out = []
    job = session.seeds
    for k, rec in enumerate(session.records):
        values = np.array([row.get(name, np.nan) for row in rec.rows], dtype=float)
        band = job.band(k, name) if job is not None and job.matches(session) else None
        out.append(Series(values, band))
    return out


def ladder_shares(session: Session) -> list[np.ndarray]:
    """Each run's (weeks, 4) table of rung shares."""
    return [np.array([[row[m] for m in LADDER] for row in rec.rows], dtype=float)
            for rec in session.records]


def _list(a: np.ndarray, stride: int, length: int) -> list[float | None]:
    """Every `stride`-th value, padded with None to `length` points (JSON null)."""
    a = np.round(np.asarray(a, dtype=float)[::stride], 6)
    out = [None if v != v else float(v) for v in a]
    return out + [None] * (length - len(out))


def _value(v: float) -> float | None:
    """A measure's value for JSON: NaN (an election's turnout before the first election)
    becomes null, which the page shows as '—'."""
    return None if v != v else v


def chart_data(session: Session, name: str) -> dict[str, Any]:
    """What the page's chart library draws: one week axis, one list per run (and band)."""
    if name == "ladder":
        tables = ladder_shares(session)
        weeks = max(len(t) for t in tables)
        stride = max(1, -(-weeks // MAX_POINTS))
        x = list(range(0, weeks, stride))
        runs = [{"cum": [_list(col, stride, len(x)) for col in np.cumsum(t, axis=1).T]}
                for t in tables]
        return {"measure": name, "x": x, "share": True, "runs": runs}
    data = series(session, name)
    weeks = max(max(len(s.values), len(s.band[0]) if s.band else 0) for s in data)
    stride = max(1, -(-weeks // MAX_POINTS))
    x = list(range(0, weeks, stride))
    runs = []
    for s in data:
        run: dict[str, Any] = {"values": _list(s.values, stride, len(x))}
        if s.band is not None:
            run["band"] = [_list(s.band[0], stride, len(x)), _list(s.band[1], stride, len(x))]
        runs.append(run)
    return {"measure": name, "x": x, "share": is_share(name), "runs": runs}


def frame(session: Session, charts: list[str], week: int | None = None,
          step_ms: float = 0.0) -> dict[str, Any]:
    """The page's picture of `week` (default: the latest), with the chosen charts."""
    t0 = time.perf_counter()
    latest = session.week
    shown = latest if week is None else max(0, min(int(week), latest))
    runs = []
    for rec, (_, model) in zip(session.records, session.room.runs, strict=True):
        snap = rec.at(shown)
        c = model.community
        runs.append({
            "label": rec.label, "week": snap.week,
            "map": data_url(map_png(snap.levels, c.grid_block, c.building_block,
                                    snap.committees)),
            "width": c.width, "height": c.height, "grid_block": c.grid_block,
            "building_block": c.building_block, "committees": len(snap.committees),
            "actors": snap.actors, "central": snap.central,
            "marks": {k: v.tolist() for k, v in snap.marks.items()},
            "flow": snap.flow,
            "readouts": {n: _value(rec.rows[snap.week][n]) if snap.week < len(rec.rows)
                         else None for n in charts if n != "ladder"},
            "ladder": [rec.rows[snap.week][m] for m in LADDER],
        })
    if session.steering.residents:  # the class's households, circled on the left map
        model = session.room.runs[0][1]
        c = model.community
        h = sorted({int(model.population.home[r]) for r in session.steering.residents})
        runs[0]["players"] = [[int(c.x[i]), int(c.y[i])] for i in h]
    images = [chart_data(session, n) for n in charts]
    oldest = min(next(iter(rec.snaps)) for rec in session.records)
    return {"week": shown, "latest": latest, "oldest": oldest, "runs": runs, "charts": images,
            "timing": {"step_ms": round(step_ms, 2),
                       "draw_ms": round((time.perf_counter() - t0) * 1000, 2)}}
