"""Who serves whom: the organisations' reach as maps over households, kept up to date.

For every issue kind and household the nearest organisation of that kind within reach
(Chebyshev distance, the lowest id on ties), for every household the nearest of any kind,
and for every organisation its overlap: the share of its cells that another of its kind
also reaches. A step costs array look-ups, not loops over households.

The maps are updated, not rebuilt, when organisations are founded or exit or their reach
changes: in a large community that happens in almost every step, and a rebuild enumerates
every (organisation, cell within reach) pair (~110,000 at 300 x 300, a fifth of a step)
while a birth or an exit touches one organisation's square.

Rows of the organisations' table are renumbered whenever one exits, so the maps hold
stable ids instead (founding order: id order is row order, so "lowest id" is "lowest row")
and translate them to rows when read. Each map cell packs (distance, id) into one int64
(see _NONE), one plane per issue kind plus one over all kinds; `_cover` counts, per kind and
cell, the organisations that reach it (for overlap). `sync` compares the table's geometry
with the geometry the maps were painted from and updates only what changed, so the maps
are always what a rebuild from the table would give.
"""

from __future__ import annotations

import numpy as np

from model.community import Community
from model.issues import KINDS

# A reach-map cell packs (Chebyshev distance << 32) | organisation id into one int64, so "the
# nearest, the lowest id on ties" is a plain minimum. _NONE (no organisation in reach) is the
# largest int64: its low 32 bits read -1 as an int32 id.
_ID_BITS = 32
_NONE = np.iinfo(np.int64).max
_MIN_PAINTS = 64  # below this many square paints an update never falls back to a rebuild


class ReachMaps:
    """The reach of the organisations in `table` (columns kind, x, y, radius, overlap)."""

    def __init__(self, community: Community, table: dict[str, np.ndarray]) -> None:
        c = community
        self.community, self.table = c, table
        kinds = len(KINDS)
        # planes indexed [kind, x, y]; a cell's flat index x * height + y is a household
        self._key = np.full((kinds, c.width, c.height), _NONE, dtype="<i8")
        self._near_key = np.full((c.width, c.height), _NONE, dtype="<i8")
        self._cover = np.zeros((kinds, c.width, c.height), dtype=np.int32)
        self._id_views()
        self._ids = np.zeros(0, dtype=np.int64)  # id of each row
        self._next_id = 0
        # per id: (kind, x, y, radius) as painted in the maps; kind -1 if not in them
        self._mapped = np.full((0, 4), -1, dtype=np.int64)
        self._row_of_id: np.ndarray | None = None  # cache; index -1 (no organisation) -> -1
        self._templates: dict[int, np.ndarray] = {}  # per radius: its square's distances
        self.overlap_stale = False
        self.syncs = {"full": 0, "incremental": 0}

    def _id_views(self) -> None:
        """The ids: the low 32 bits of each key, as views (little-endian by construction)."""
        kinds, width, height = self._key.shape
        self.owner_id = self._key.reshape(kinds, width * height).view("<i4")[:, 0::2]
        self.nearest_id = self._near_key.reshape(width * height).view("<i4")[0::2]

    def __getstate__(self) -> dict:
        """Pickled (a settled burn-in, model/settled.py) without the views: a pickled view
        would be a copy, no longer following the keys."""
        state = dict(vars(self))
        state.pop("owner_id", None)
        state.pop("nearest_id", None)
        return state

    def __setstate__(self, state: dict) -> None:
        vars(self).update(state)
        self._id_views()

    # --- ids of the table's rows ------------------------------------------------------
    def add(self, count: int) -> None:
        """`count` organisations were appended to the table (not painted until `sync`)."""
        self._ids = np.concatenate([self._ids, self._next_id + np.arange(count)])
        self._next_id += count
        self._row_of_id = None

    def keep(self, mask: np.ndarray) -> None:
        """The table kept only the rows in `mask` (the others exited)."""
        self._ids = self._ids[mask]
        self._row_of_id = None

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows of organisation ids (-1, no organisation, reads -1)."""
        if self._row_of_id is None:
            self._row_of_id = np.full(self._next_id + 1, -1, dtype=np.int32)
            self._row_of_id[self._ids] = np.arange(len(self._ids), dtype=np.int32)
        return self._row_of_id[ids]

    def owner_of(self, kind: np.ndarray, household: np.ndarray) -> np.ndarray:
        """Row of the nearest organisation of `kind` reaching each household (-1: none), as
        of the last sync (one that exited since reads -1). A gather, no sync."""
        return self.rows(self.owner_id[kind, household])

    # --- geometry ---------------------------------------------------------------------
    def _geometry(self) -> np.ndarray:
        t = self.table
        return np.stack([t["kind"].astype(np.int64), t["x"].astype(np.int64),
                         t["y"].astype(np.int64), t["radius"].astype(np.int64)], axis=1)

    def _square(self, r: int) -> np.ndarray:
        """Chebyshev distances from the centre of a (2r + 1)-square, shifted into key place."""
        sq = self._templates.get(r)
        if sq is None:
            off = np.abs(np.arange(-r, r + 1, dtype=np.int64))
            sq = np.maximum(off[:, None], off[None, :]) << _ID_BITS
            self._templates[r] = sq
        return sq

    def _pairs(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(cell, distance, index into rows) for every cell within reach of the given rows.

        Grouped by reach radius (there are only a few radii), so there is no loop over
        organisations.
        """
        c, t = self.community, self.table
        h = c.height
        radius = t["radius"][rows]
        cells, dists, which = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], \
            [np.zeros(0, np.int64)]
        for r in np.unique(radius).tolist():
            js = np.flatnonzero(radius == r)
            off = np.arange(-r, r + 1)
            dx, dy = np.repeat(off, len(off)), np.tile(off, len(off))
            xs = t["x"][rows[js], None].astype(np.int64) + dx[None, :]
            ys = t["y"][rows[js], None].astype(np.int64) + dy[None, :]
            ok = (xs >= 0) & (xs < c.width) & (ys >= 0) & (ys < h)
            cells.append((xs * h + ys)[ok])
            dists.append(np.broadcast_to(np.maximum(np.abs(dx), np.abs(dy)), ok.shape)[ok])
            which.append(np.broadcast_to(js[:, None], ok.shape)[ok])
        return (np.concatenate(cells), np.concatenate(dists).astype(np.int64),
                np.concatenate(which).astype(np.int64))

    def _grow_mapped(self) -> None:
        if len(self._mapped) < self._next_id:
            more = np.full((self._next_id - len(self._mapped), 4), -1, dtype=np.int64)
            self._mapped = np.concatenate([self._mapped, more])

    # --- keeping the maps ---------------------------------------------------------------
    def rebuild(self) -> None:
        """Nearest serving organisation per kind and household, and overlap per organisation,
        from scratch.

        All (organisation, cell within its reach) pairs at once: each cell keeps the closest
        organisation (Chebyshev distance), the lowest id (= row) on ties; an organisation's
        overlap is the share of its in-bounds cells that another of its kind also reaches.
        Used at start-up and when many organisations change reach at once (a tender); other
        changes go through sync's update.
        """
        c, t = self.community, self.table
        n = len(self._ids)
        cell, dist, row = self._pairs(np.arange(n))
        slot = t["kind"][row].astype(np.int64) * c.n + cell  # (kind, cell) pairs
        key = (dist << _ID_BITS) | self._ids[row]
        flat = self._key.reshape(-1)
        flat.fill(_NONE)
        np.minimum.at(flat, slot, key)
        near = self._near_key.reshape(-1)
        near.fill(_NONE)
        np.minimum.at(near, cell, key)
        cover = self._cover.reshape(-1)
        cover[:] = np.bincount(slot, minlength=len(cover))
        crowded = cover[slot] >= 2
        per_row = np.bincount(row, minlength=n)
        t["overlap"] = np.bincount(row, weights=crowded, minlength=n) / np.maximum(per_row, 1)
        self.overlap_stale = False
        self._grow_mapped()
        self._mapped[:] = -1
        self._mapped[self._ids] = self._geometry()
        self._row_of_id = None
        self.syncs["full"] += 1

    def sync(self, overlap_read: bool) -> None:
        """Bring the maps (and overlap) up to date with the table, touching only what
        changed since the last sync.

        An organisation founded (or whose reach changed) takes, in its square, the cells it
        is nearer to than their current owner (or as near with a lower id). The square an
        exited organisation (or the old reach of a changed one) covered is cleared and
        repainted from the organisations whose squares meet it. The result is exactly what
        `rebuild` would give; when the update would paint more squares than a rebuild
        (start-up, a tender), it rebuilds. Overlap is updated only for organisations whose
        squares meet a changed one, and not at all while nobody reads it (`overlap_read`
        false: under coordination): it is then recomputed when read again.
        """
        self._grow_mapped()
        geom = self._geometry()
        was = self._mapped[self._ids]
        moved = ((was != geom).any(axis=1)).nonzero()[0]  # founded, or reach changed
        live = np.zeros(len(self._mapped), dtype=bool)
        live[self._ids] = True
        gone = ((self._mapped[:, 0] >= 0) & ~live).nonzero()[0]  # ids that exited
        if len(moved) or len(gone):
            stale = was[moved]
            old = np.concatenate([self._mapped[gone], stale[stale[:, 0] >= 0]])
            changed = self._update(geom, old, moved, gone)  # None: rebuilt, overlap too
            if changed is not None:
                if not overlap_read:
                    self.overlap_stale = True
                elif not self.overlap_stale:
                    self._overlap_rows(changed)
        if overlap_read:
            self.overlap()

    def _update(self, geom: np.ndarray, old: np.ndarray, moved: np.ndarray,
                gone: np.ndarray) -> np.ndarray | None:
        """Clear and repaint the `old` squares, paint the `moved` rows; returns the rows whose
        overlap may have changed (None after falling back to a rebuild)."""
        c = self.community
        w, h = c.width, c.height
        n_old, limit = len(old), max(_MIN_PAINTS, len(self._ids))
        if 2 * len(moved) + n_old > limit:
            self.rebuild()
            return None
        boxes = np.concatenate([old, geom[moved]])  # (kind, x, y, r) of every changed square
        bk, bx, by, br = boxes.T
        x0, x1 = np.maximum(bx - br, 0), np.minimum(bx + br + 1, w)
        y0, y1 = np.maximum(by - br, 0), np.minimum(by + br + 1, h)
        kind, x, y, r = geom.T
        # Which organisations' squares (current reach) meet each changed square.
        meet = ((x + r >= x0[:, None]) & (x - r < x1[:, None])
                & (y + r >= y0[:, None]) & (y - r < y1[:, None]))
        same = meet & (kind == bk[:, None])
        if 2 * len(moved) + int(meet[:n_old].sum()) + int(same[:n_old].sum()) > limit:
            self.rebuild()
            return None
        bk, x0, x1, y0, y1 = (a.tolist() for a in (bk, x0, x1, y0, y1))
        xs, ys, rs, ids = x.tolist(), y.tolist(), r.tolist(), self._ids.tolist()
        kinds = kind.tolist()
        for i in range(len(boxes)):
            self._cover[bk[i], x0[i]:x1[i], y0[i]:y1[i]] += -1 if i < n_old else 1
        for i in range(n_old):
            box = (x0[i], x1[i], y0[i], y1[i])
            plane = self._key[bk[i]]
            plane[x0[i]:x1[i], y0[i]:y1[i]] = _NONE
            for j in np.flatnonzero(same[i]).tolist():
                _paint(plane, self._square(rs[j]), xs[j], ys[j], rs[j], ids[j], *box)
            self._near_key[x0[i]:x1[i], y0[i]:y1[i]] = _NONE
            for j in np.flatnonzero(meet[i]).tolist():
                _paint(self._near_key, self._square(rs[j]), xs[j], ys[j], rs[j], ids[j], *box)
        for j in moved.tolist():
            sq = self._square(rs[j])
            _paint(self._key[kinds[j]], sq, xs[j], ys[j], rs[j], ids[j], 0, w, 0, h)
            _paint(self._near_key, sq, xs[j], ys[j], rs[j], ids[j], 0, w, 0, h)
        self._mapped[gone] = -1
        self._mapped[self._ids[moved]] = geom[moved]
        self._row_of_id = None
        self.syncs["incremental"] += 1
        return same.any(axis=0).nonzero()[0]

    def _overlap_rows(self, rows: np.ndarray) -> None:
        """overlap of the given rows: share of their in-bounds cells another of their kind
        also reaches (the same sums as rebuild)."""
        if len(rows) == 0:
            return
        t = self.table
        cell, _, which = self._pairs(rows)
        slot = t["kind"][rows][which].astype(np.int64) * self.community.n + cell
        crowded = self._cover.reshape(-1)[slot] >= 2
        per_row = np.bincount(which, minlength=len(rows))
        t["overlap"][rows] = np.bincount(which, weights=crowded, minlength=len(rows)) / \
            np.maximum(per_row, 1)

    def overlap(self) -> np.ndarray:
        """Each organisation's overlap as of the last sync (recomputed if it went stale)."""
        if self.overlap_stale:
            self._overlap_rows(np.arange(len(self._ids)))
            self.overlap_stale = False
        return self.table["overlap"]


def _paint(plane: np.ndarray, square: np.ndarray, x: int, y: int, r: int, oid: int,
           x0: int, x1: int, y0: int, y1: int) -> None:
    """Organisation `oid` at (x, y) with reach r takes the cells of plane[x0:x1, y0:y1] it is
    nearer to (or as near, with a lower id); `square` holds its square's distances << 32."""
    a0, a1 = max(x0, x - r), min(x1, x + r + 1)
    b0, b1 = max(y0, y - r), min(y1, y + r + 1)
    if a0 < a1 and b0 < b1:
        sub = plane[a0:a1, b0:b1]
        np.minimum(sub, square[a0 - x + r:a1 - x + r, b0 - y + r:b1 - y + r] + oid, out=sub)
