"""Social organisations (A2b, B2, C2): an ecology of service providers, and four mechanisms.

Organisations exist in every scenario: a few are drawn at start from the "orgs" stream (so
one seed builds the same community whichever mechanisms are on), more are founded where
demand goes unmet, and those that stay in deficit exit. They solve issues of their kind
nearby (the ORG stage of the service chain), hold activities with places (guided
participation, B3) and take volunteers into roles (self-governance), in proportion to their
quality and staff. The mechanisms change their conditions, never their
outcomes: incubation (more and stronger foundings, free space), incentives (quarterly
ratings, rewards, published ratings), procurement (yearly open tenders: contracts that
expand winners' capacity and reach, paid by government) and coordination (no duplicated
effort where they overlap, shared resources, new ones placed where nobody serves yet).

Organisations' state is a table of arrays (one row per organisation); their reach is kept
as per-kind maps over households (nearest serving organisation), so a step costs array
look-ups, not loops over households. The maps are updated, not rebuilt, when organisations
are founded or exit: in a large community that happens in almost every step, and a rebuild
enumerates every (organisation, cell within reach) pair (~110,000 at 300 x 300, a fifth of
a step) while a birth or an exit touches one organisation's square.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from mesa.time import Schedule

from agents.organizations.agent import SocialOrganization
from model import services
from model.measures import measure, tally_measure
from model.scenarios import Scenario, register

if TYPE_CHECKING:
    from model.governance import GovernanceModel

MECHANISMS = ("org_incubation", "org_incentives", "org_procurement", "org_coordination")
HOUSEHOLD_KINDS = services.HOUSEHOLD_KINDS  # organisations serve household issue kinds
# Money sources paid from the public purse: the ledger adds them to government.spent.
PUBLIC_SOURCES = ("grant", "reward", "procurement")

# A reach-map cell packs (Chebyshev distance << 32) | organisation id into one int64, so "the
# nearest, the lowest id on ties" is a plain minimum. _NONE (no organisation in reach) is the
# largest int64: its low 32 bits read -1 as an int32 id.
_ID_BITS = 32
_NONE = np.iinfo(np.int64).max
_MIN_PAINTS = 64  # below this many square paints an update never falls back to a rebuild

_COLUMNS = {
    "kind": np.int8, "x": np.int32, "y": np.int32, "radius": np.int32,
    "quality": np.float64, "funds": np.float64, "age": np.int64, "deficit": np.int32,
    "rating": np.float64, "contracted": bool, "price": np.float64,
    "incubated_until": np.int64, "resolved": np.float64, "period_resolved": np.float64,
    "overlap": np.float64, "project_places": np.float64, "project_until": np.int64,
}


class OrgLedger:
    """Every cost unit that enters or leaves the sector, so money is conserved.

    received (by source) - spent (by use) = funds held by active organisations
    + funds written off when organisations exited (positive: assets wound up; negative:
    debts left behind).
    """

    def __init__(self) -> None:
        self.received: dict[str, float] = {}
        self.spent: dict[str, float] = {}
        self.written_off = 0.0
        self.step_received: dict[str, float] = {}  # this step only (reset in prepare)

    def credit(self, source: str, amount: float) -> None:
        self.received[source] = self.received.get(source, 0.0) + amount
        self.step_received[source] = self.step_received.get(source, 0.0) + amount

    def debit(self, use: str, amount: float) -> None:
        self.spent[use] = self.spent.get(use, 0.0) + amount

    def balance_error(self, held: float) -> float:
        """Zero (up to rounding) when every cost unit is accounted for."""
        return (sum(self.received.values()) - sum(self.spent.values()) - held
                - self.written_off)

    def public_this_step(self) -> float:
        return sum(self.step_received.get(s, 0.0) for s in PUBLIC_SOURCES)


class OrgHandler(services.Handler):
    """The ORG stage: the nearest organisation of the issue's kind within reach takes it."""

    stage = services.ORG

    def __init__(self, model: GovernanceModel, sector: OrgSector) -> None:
        super().__init__(model)
        self.sector = sector

    def groups(self, idx: np.ndarray) -> np.ndarray:
        book = self.model.issues
        return self.sector.owner_of(book.kind[idx], book.household[idx])

    def capacity(self) -> np.ndarray:
        return self.sector.capacities()

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray:
        return self.sector.table["quality"][group]

    def cost(self) -> float:
        return self.model.params["org_unit_cost"]

    def on_resolved(self, idx: np.ndarray, group: np.ndarray) -> None:
        self.sector.paid_for_issues(group)


class OrgSector:
    """The organisations' submodel: reach, activities, money, learning, founding and exit.

    Reach maps. Rows are renumbered whenever an organisation exits, so the maps hold stable
    ids instead (founding order: id order is row order, so "lowest id" is "lowest row") and
    are translated to rows when read (`owner_of`, the `owner` and `nearest` views). Each
    map cell packs (distance, id) into one int64 (see _NONE), one plane per issue kind plus
    one over all kinds; `_cover` counts, per kind and cell, the organisations that reach it
    (for overlap). `sync_maps` (in prepare) compares the table's geometry with the geometry
    the maps were built from and updates only what changed, so the maps are always what a
    rebuild from the table would give.
    """

    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        c = model.community
        self.table = {k: np.zeros(0, dtype=t) for k, t in _COLUMNS.items()}
        self.ledger = OrgLedger()
        kinds = len(services.KINDS)
        # planes indexed [kind, x, y]; a cell's flat index x * height + y is a household
        self._key = np.full((kinds, c.width, c.height), _NONE, dtype="<i8")
        self._near_key = np.full((c.width, c.height), _NONE, dtype="<i8")
        self._cover = np.zeros((kinds, c.width, c.height), dtype=np.int32)
        # The ids: the low 32 bits of each key, as views (little-endian by construction).
        self._owner_id = self._key.reshape(kinds, c.n).view("<i4")[:, 0::2]
        self._nearest_id = self._near_key.reshape(c.n).view("<i4")[0::2]
        self._ids = np.zeros(0, dtype=np.int64)  # id of each row
        self._next_id = 0
        # per id: (kind, x, y, radius) as painted in the maps; kind -1 if not in them
        self._mapped = np.full((0, 4), -1, dtype=np.int64)
        self._row_of_id: np.ndarray | None = None  # cache; index -1 (no organisation) -> -1
        self._templates: dict[int, np.ndarray] = {}  # per radius: its square's distances
        self._overlap_stale = False
        self.map_syncs = {"full": 0, "incremental": 0}
        self.carrying = model.params["org_carrying_capacity"] * c.n / 1000.0
        self.pending: list[tuple[np.ndarray, float, str]] = []  # payments due next act
        self.events: dict[str, object] = {}  # Mesa EventGenerators, kept alive here
        self.tenders = 0
        self.assessments = 0

    # --- the table --------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.table["kind"])

    def found(self, kind: np.ndarray, x: np.ndarray, y: np.ndarray, quality: np.ndarray,
              age: np.ndarray, incubated_until: np.ndarray) -> None:
        """New organisations with their founders' money (booked as source 'founders')."""
        m, p = self.model, self.model.params
        count = len(kind)
        if count == 0:
            return
        start = len(self)
        new = {
            "kind": kind, "x": x, "y": y, "radius": np.full(count, p["org_radius"]),
            "quality": quality, "funds": np.full(count, p["org_start_funds"]), "age": age,
            "incubated_until": incubated_until,
        }
        for key, dtype in _COLUMNS.items():
            part = np.asarray(new[key], dtype=dtype) if key in new else np.zeros(count, dtype)
            self.table[key] = np.concatenate([self.table[key], part])
        self.ledger.credit("founders", p["org_start_funds"] * count)
        self._ids = np.concatenate([self._ids, self._next_id + np.arange(count)])
        self._next_id += count
        self._row_of_id = None
        grid = m.community.grid
        for row in range(start, start + count):
            cell = grid[(int(self.table["x"][row]), int(self.table["y"][row]))]
            m.organizations.append(SocialOrganization(m, row, cell))

    def close(self, rows: np.ndarray) -> None:
        """Organisations exit: their remaining funds (or debts) leave with them."""
        if len(rows) == 0:
            return
        m = self.model
        self.ledger.written_off += float(self.table["funds"][rows].sum())
        keep = np.ones(len(self), dtype=bool)
        keep[rows] = False
        for row in rows.tolist():
            m.organizations[row].remove()
        for key in self.table:
            self.table[key] = self.table[key][keep]
        self._ids = self._ids[keep]
        self._row_of_id = None
        m.organizations[:] = [o for o, k in zip(m.organizations, keep.tolist(), strict=True) if k]
        for row, org in enumerate(m.organizations):
            org.row = row

    # --- money ------------------------------------------------------------------------
    def pay(self, rows: np.ndarray | int, amount: np.ndarray | float, source: str,
            distinct: bool = False) -> None:
        """Money into organisations; public sources are counted as government spending.

        `distinct`: the caller knows no row repeats, so a plain indexed add does what
        np.add.at does (one addition per row) without its per-call overhead.
        """
        amounts = np.broadcast_to(np.asarray(amount, dtype=np.float64), np.shape(rows))
        if distinct:
            self.table["funds"][rows] += amounts
        else:
            np.add.at(self.table["funds"], rows, amounts)
        total = float(amounts.sum())
        self.ledger.credit(source, total)
        if source in PUBLIC_SOURCES:
            self.model.government.spent += total

    def charge(self, amounts: np.ndarray, use: str) -> None:
        """Money out of every organisation (one amount per row)."""
        self.table["funds"] -= amounts
        self.ledger.debit(use, float(amounts.sum()))

    def paid_for_issues(self, group: np.ndarray) -> None:
        """Resolved issues: fees from residents, or the contract price from government."""
        p, t = self.model.params, self.table
        count = np.bincount(group, minlength=len(self)).astype(np.float64)
        t["resolved"] += count
        t["period_resolved"] += count
        self.charge(p["org_unit_cost"] * count, "handling")
        contracted = t["contracted"]
        rows = np.arange(len(self))
        self.pay(rows[~contracted], p["org_fee"] * count[~contracted], "fees", distinct=True)
        self.pay(rows[contracted], t["price"][contracted] * count[contracted], "procurement",
                 distinct=True)

    # --- reach ------------------------------------------------------------------------
    def owner_of(self, kind: np.ndarray, household: np.ndarray) -> np.ndarray:
        """Row of the nearest organisation of `kind` reaching each household (-1: none), as
        of the last sync_maps (the step's prepare; one that exited since reads -1). Cheap:
        a gather of the given pairs, no sync."""
        return self._rows(self._owner_id[kind, household])

    @property
    def owner(self) -> np.ndarray:
        """(kind, household) -> row of the nearest organisation of that kind within reach,
        the lowest row on ties, -1 if none. A fresh array, up to date with the table."""
        self.sync_maps()
        return self._rows(self._owner_id)

    @property
    def nearest(self) -> np.ndarray:
        """household -> row of the nearest organisation of any kind within reach (as owner)."""
        self.sync_maps()
        return self._rows(self._nearest_id)

    def overlap(self) -> np.ndarray:
        """Each organisation's overlap, up to date with the table (see sync_maps)."""
        self.sync_maps()
        return self._fresh_overlap()

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        if self._row_of_id is None:
            self._row_of_id = np.full(self._next_id + 1, -1, dtype=np.int32)
            self._row_of_id[self._ids] = np.arange(len(self), dtype=np.int32)
        return self._row_of_id[ids]

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
        c, t = self.model.community, self.table
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

    def rebuild_maps(self) -> None:
        """Nearest serving organisation per kind and household, and overlap per organisation,
        from scratch.

        All (organisation, cell within its reach) pairs at once: each cell keeps the closest
        organisation (Chebyshev distance), the lowest id (= row) on ties; an organisation's
        overlap is the share of its in-bounds cells that another of its kind also reaches.
        Used at start-up and when many organisations change reach at once (a tender); other
        changes go through sync_maps' update.
        """
        c, t = self.model.community, self.table
        n = len(self)
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
        self._overlap_stale = False
        self._grow_mapped()
        self._mapped[:] = -1
        self._mapped[self._ids] = self._geometry()
        self._row_of_id = None
        self.map_syncs["full"] += 1

    def sync_maps(self) -> None:
        """Bring the reach maps (and overlap) up to date with the table, touching only what
        changed since the last sync.

        An organisation founded (or whose reach changed) takes, in its square, the cells it
        is nearer to than their current owner (or as near with a lower id). The square an
        exited organisation (or the old reach of a changed one) covered is cleared and
        repainted from the organisations whose squares meet it. The result is exactly what
        rebuild_maps would give; when the update would paint more squares than a rebuild
        (start-up, a tender), it rebuilds. Overlap is updated only for organisations whose
        squares meet a changed one, and not at all while coordination is on (then nothing
        reads it): it is recomputed when read again.
        """
        self._grow_mapped()
        geom = self._geometry()
        was = self._mapped[self._ids]
        moved = np.flatnonzero((was != geom).any(axis=1))  # founded, or reach changed
        live = np.zeros(len(self._mapped), dtype=bool)
        live[self._ids] = True
        gone = np.flatnonzero((self._mapped[:, 0] >= 0) & ~live)  # ids that exited
        if len(moved) or len(gone):
            stale = was[moved]
            old = np.concatenate([self._mapped[gone], stale[stale[:, 0] >= 0]])
            changed = self._update_maps(geom, old, moved, gone)  # None: rebuilt, overlap too
            if changed is not None:
                if self.model.mechanisms["org_coordination"]:
                    self._overlap_stale = True
                elif not self._overlap_stale:
                    self._overlap_rows(changed)
        if not self.model.mechanisms["org_coordination"]:
            self._fresh_overlap()

    def _update_maps(self, geom: np.ndarray, old: np.ndarray, moved: np.ndarray,
                     gone: np.ndarray) -> np.ndarray | None:
        """Clear and repaint the `old` squares, paint the `moved` rows; returns the rows whose
        overlap may have changed (None after falling back to a rebuild)."""
        c = self.model.community
        w, h = c.width, c.height
        n_old, limit = len(old), max(_MIN_PAINTS, len(self))
        if 2 * len(moved) + n_old > limit:
            self.rebuild_maps()
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
            self.rebuild_maps()
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
        self.map_syncs["incremental"] += 1
        return np.flatnonzero(same.any(axis=0))

    def _overlap_rows(self, rows: np.ndarray) -> None:
        """overlap of the given rows: share of their in-bounds cells another of their kind
        also reaches (the same sums as rebuild_maps)."""
        if len(rows) == 0:
            return
        t = self.table
        cell, _, which = self._pairs(rows)
        slot = t["kind"][rows][which].astype(np.int64) * self.model.community.n + cell
        crowded = self._cover.reshape(-1)[slot] >= 2
        per_row = np.bincount(which, minlength=len(rows))
        t["overlap"][rows] = np.bincount(which, weights=crowded, minlength=len(rows)) / \
            np.maximum(per_row, 1)

    def _fresh_overlap(self) -> np.ndarray:
        if self._overlap_stale:
            self._overlap_rows(np.arange(len(self)))
            self._overlap_stale = False
        return self.table["overlap"]

    def duplication(self) -> np.ndarray:
        """Share of effort kept after duplication where uncoordinated organisations overlap."""
        if self.model.mechanisms["org_coordination"]:
            return np.ones(len(self))
        return 1.0 - self.model.params["org_overlap_waste"] * self._fresh_overlap()

    def capacities(self) -> np.ndarray:
        p, t = self.model.params, self.table
        boost = 1.0 + p["org_contract_boost"] * t["contracted"]
        return p["org_capacity"] * t["quality"] * boost * self.duplication()

    def strength(self) -> np.ndarray:
        """Staff and skill an organisation puts into activities: quality, less duplicated
        effort, more with a contract's paid staff (capacity's shape, without the issues)."""
        p, t = self.model.params, self.table
        boost = 1.0 + p["org_contract_boost"] * t["contracted"]
        return t["quality"] * self.duplication() * boost

    def prepare(self, now: int) -> None:
        """Reach is up to date; organisations learn of unvoiced needs nearby."""
        self.ledger.step_received = {}
        self.sync_maps()
        if len(self) == 0:
            return
        self.reach_out(now)

    def offer(self, now: int) -> None:
        """Activities (places) and volunteer roles for households within reach (B2, B3).

        A household is served by the nearest organisation of any kind within reach. Places
        = org_places * strength + places a funded project pays for while it runs; roles =
        org_roles * strength.
        """
        if len(self) == 0:
            return
        p, t = self.model.params, self.table
        offers = self.model.population.offers
        pool = self._rows(self._nearest_id).astype(np.intp)
        strength = self.strength()
        project = np.where(t["project_until"] > now, t["project_places"], 0.0)
        offers.add_places("organisation", pool, p["org_places"] * strength + project)
        offers.add_roles("org_volunteer", pool, p["org_roles"] * strength)

    def reach_out(self, now: int) -> None:
        """Organisations in touch with residents learn of unvoiced needs of their kind."""
        m, book = self.model, self.model.issues
        hidden = np.flatnonzero(~book.known & ~book.closed)
        if len(hidden) == 0:
            return
        org = self.owner_of(book.kind[hidden], book.household[hidden])
        hidden, org = hidden[org >= 0], org[org >= 0]
        chance = m.params["org_outreach"] * self.table["quality"][org] * self.duplication()[org]
        found = hidden[m.rng.random(len(hidden)) < chance]
        book.known[found] = True
        book.ready[found] = now
        book.arrived[found] = now
        m.tally["issues_detected"] += len(found)
        m.tally["org_outreach"] += len(found)

    def act(self, now: int) -> None:
        """Income, costs, learning, exit and founding, in that order."""
        m, p, t = self.model, self.model.params, self.table
        n = len(self)
        for rows, amount, source in self.pending:
            self.pay(rows, amount, source)
        self.pending = []
        exits = 0
        if n:
            rows = np.arange(n)
            self.pay(rows, p["org_grant"], "grant", distinct=True)
            running = np.full(n, p["org_fixed_cost"])
            if m.mechanisms["org_coordination"]:
                running *= 1.0 - p["org_shared_saving"]
            running *= 1.0 - p["org_incubation_rent"] * (t["incubated_until"] > now)
            self.charge(running, "running")
            contracted = rows[t["contracted"]]
            retainer = p["org_fixed_cost"] * p["org_contract_boost"]
            self.pay(contracted, retainer, "procurement", distinct=True)  # contracted staff
            extra = np.zeros(n)
            extra[contracted] = retainer
            self.charge(extra, "contract_staff")
            self.learn()
            t["age"] += 1
            t["deficit"] = np.where(t["funds"] < 0, t["deficit"] + 1, 0)
            newness = p["org_newness_hazard"] * np.exp(-t["age"] / p["org_newness_age"])
            failing = (t["deficit"] >= p["org_deficit_steps"]) | (m.rng.random(n) < newness)
            exits = int(failing.sum())
            self.close(np.flatnonzero(failing))
        births = self.found_where_unmet(now)
        t = self.table
        t["resolved"][:] = 0.0
        m.tally["org_births"] += births
        m.tally["org_exits"] += exits

    def learn(self) -> None:
        """Quality grows by doing and by training, and fades without practice (C2)."""
        p, t = self.model.params, self.table
        q = t["quality"]
        q += p["org_learning"] * t["resolved"] * (1.0 - q)
        q -= p["org_skill_decay"] * q
        surplus = np.maximum(0.0, t["funds"] - p["org_reserve"])
        invest = p["org_invest_share"] * surplus
        self.charge(invest, "training")
        q += p["org_training_effect"] * invest * (1.0 - q)
        np.clip(q, 0.0, 1.0, out=q)

    def found_where_unmet(self, now: int) -> int:
        """Density-dependent founding driven by unmet demand (Hannan and Freeman 1989).

        Unmet demand = known open issues of household kinds that have passed the
        organisation stage. New organisations start where such an issue is, serving its
        kind; coordinated leaders steer them to places nobody of that kind serves yet.
        """
        m, p, book = self.model, self.model.params, self.model.issues
        unmet = np.flatnonzero(book.known & (book.stage > services.ORG)
                               & (book.kind < HOUSEHOLD_KINDS))
        room = self.carrying - len(self)
        if len(unmet) == 0 or room <= 0:
            return 0
        rate = p["org_founding_rate"] * len(unmet) * (1.0 - len(self) / self.carrying)
        if m.mechanisms["org_incubation"]:
            rate *= 1.0 + p["org_incubation_founding"]
        births = min(int(m.rng.poisson(rate)), math.floor(room))
        if births == 0:
            return 0
        if m.mechanisms["org_coordination"] and p["org_coordinated_founding"]:
            # Leaders know who has just closed: the maps are brought up to date with this
            # step's exits before they look for places nobody serves.
            self.sync_maps()
            free = unmet[self.owner_of(book.kind[unmet], book.household[unmet]) < 0]
            if len(free):
                unmet = free
        pick = m.rng.choice(unmet, births)
        hh = book.household[pick]
        c = m.community
        start_q = p["org_start_quality"]
        incubated = m.mechanisms["org_incubation"]
        if incubated:
            start_q += p["org_incubator_quality"]
        quality = np.clip(start_q + m.rng.normal(0.0, p["org_quality_sd"], births), 0.01, 1.0)
        until = now + (p["org_incubation_period"] if incubated else 0)
        self.found(book.kind[pick], c.x[hh], c.y[hh], quality, np.zeros(births),
                   np.full(births, until))
        return births

    # --- mechanisms ---------------------------------------------------------------------
    def switch_on(self, name: str) -> None:
        """Start a mechanism now; recurring assessments and tenders follow every interval."""
        m, p = self.model, self.model.params
        if name == "org_incubation":
            # Organisations still young when the incubator opens move in for what is left
            # of their incubation period.
            t = self.table
            now = m.clock
            left = np.maximum(0, p["org_incubation_period"] - t["age"])
            t["incubated_until"] = np.maximum(t["incubated_until"], now + left)
        elif name == "org_incentives":
            self.assess(reward=False)  # ratings published from the start, rewards earned
            self.events[name] = m.schedule_recurring(
                self.assess, Schedule(interval=p["org_assessment_interval"],
                                      start=m.time + p["org_assessment_interval"]))
        elif name == "org_procurement":
            self.tender()
            self.events[name] = m.schedule_recurring(
                self.tender, Schedule(interval=p["org_tender_interval"],
                                      start=m.time + p["org_tender_interval"]))

    def assess(self, reward: bool = True) -> None:
        """Quarterly assessment: score on quality and work done, rate by rank, reward the best.

        Rewards are paid with the next step's income so they count as that step's public
        spending.
        """
        p, t = self.model.params, self.table
        n = len(self)
        self.assessments += 1
        if n == 0:
            return
        done = t["period_resolved"]
        work = done / done.max() if done.max() > 0 else np.zeros(n)
        w = p["org_assessment_quality_weight"]
        score = w * t["quality"] + (1.0 - w) * work
        rank = np.empty(n)
        rank[np.argsort(score, kind="stable")] = np.arange(n)
        t["rating"] = rank / (n - 1) if n > 1 else np.ones(n)
        t["period_resolved"][:] = 0.0
        if reward:
            best = math.ceil(p["org_reward_share"] * n - 1e-9)
            if best > 0 and p["org_reward"] > 0:
                self.pending.append((np.flatnonzero(rank >= n - best), p["org_reward"],
                                     "reward"))

    def tender(self) -> None:
        """Open tender: bids scored on quality, price and rating; the best win contracts.

        A bid's price is the bidder's own cost per issue at full capacity (cost-plus), so
        better organisations bid lower; contracts last until the next tender.
        """
        m, p, t = self.model, self.model.params, self.table
        self.tenders += 1
        t["contracted"][:] = False
        t["radius"][:] = p["org_radius"]  # the next sync_maps sees the new reach
        n = len(self)
        if n == 0:
            return
        price = p["org_unit_cost"] + p["org_fixed_cost"] / np.maximum(
            p["org_capacity"] * t["quality"], 1e-6)
        t["price"] = price
        eligible = np.flatnonzero(price <= p["org_price_cap"])
        wanted = math.ceil(p["org_contracts_per_1000"] * m.community.n / 1000.0 - 1e-9)
        if len(eligible) == 0 or wanted == 0:
            return
        score = (p["org_tender_quality_weight"] * t["quality"]
                 + p["org_tender_price_weight"] * price[eligible].min() / price)
        if m.mechanisms["org_incentives"]:
            score = score + p["org_tender_rating_weight"] * t["rating"]
        order = eligible[np.argsort(-score[eligible], kind="stable")]
        winners = order[:wanted]
        t["contracted"][winners] = True
        t["radius"][winners] += p["org_contract_reach"]

    # --- views --------------------------------------------------------------------------
    def held(self) -> float:
        return float(self.table["funds"].sum())


def _paint(plane: np.ndarray, square: np.ndarray, x: int, y: int, r: int, oid: int,
           x0: int, x1: int, y0: int, y1: int) -> None:
    """Organisation `oid` at (x, y) with reach r takes the cells of plane[x0:x1, y0:y1] it is
    nearer to (or as near, with a lower id); `square` holds its square's distances << 32."""
    a0, a1 = max(x0, x - r), min(x1, x + r + 1)
    b0, b1 = max(y0, y - r), min(y1, y + r + 1)
    if a0 < a1 and b0 < b1:
        sub = plane[a0:a1, b0:b1]
        np.minimum(sub, square[a0 - x + r:a1 - x + r, b0 - y + r:b1 - y + r] + oid, out=sub)


def install(model: GovernanceModel) -> None:
    """Draw the initial organisations (always, from the 'orgs' stream) and plug in."""
    p, c = model.params, model.community
    model.organizations = []
    sector = OrgSector(model)
    model.org_sector = sector  # keeps the recurring events alive (Mesa holds them weakly)
    model.org_ledger = sector.ledger
    rng = model.stream("orgs")
    count = round(p["org_initial_density"] * c.n / 1000.0)
    where = rng.integers(0, c.n, count)
    kind = rng.choice(HOUSEHOLD_KINDS, count, p=services.kind_weights(p))
    quality = rng.uniform(p["org_initial_quality_low"], p["org_initial_quality_high"], count)
    age = rng.integers(0, p["org_initial_max_age"] + 1, count)
    sector.found(kind, c.x[where], c.y[where], quality, age, np.zeros(count))
    sector.sync_maps()
    model.service_handlers[services.ORG] = OrgHandler(model, sector)
    model.submodels.append(sector)


@measure("orgs_active", "social organisations active at the end of the step (C2)", "orgs")
def orgs_active(m: GovernanceModel) -> float:
    return float(len(m.organizations))


@measure("org_mean_capacity", "mean quality (competence 0-1) of active social organisations; "
         "0 when there are none (C2)", "0-1")
def org_mean_capacity(m: GovernanceModel) -> float:
    q = m.org_sector.table["quality"]
    return float(q.mean()) if len(q) else 0.0


tally_measure("org_births", "social organisations founded this step (C2)", "orgs/step")
tally_measure("org_exits", "social organisations that exited this step (C2)", "orgs/step")


@measure("orgs_contracted", "social organisations holding a government service contract "
         "(B2 ii)", "orgs")
def orgs_contracted(m: GovernanceModel) -> float:
    return float(m.org_sector.table["contracted"].sum())


@measure("org_public_share", "share of social organisations' income this step paid by "
         "government (grants, rewards, contracts): C2 says it falls as they mature", "share")
def org_public_share(m: GovernanceModel) -> float:
    led = m.org_ledger
    income = sum(v for k, v in led.step_received.items() if k != "founders")
    return led.public_this_step() / income if income > 0 else 0.0


register(Scenario(
    "social_collaboration",
    "Social-organisation collaboration (B2): incubation, ratings and rewards, open tenders "
    "and coordination between organisations, all on.",
    {"rc_admin_burden": 0.7, "org_incubation": True, "org_incentives": True,
     "org_procurement": True, "org_coordination": True},
    notice="More organisations are founded and survive; contracted ones take issues that "
           "would climb to the committee and government; guided participation grows around "
           "well-rated organisations while weak ones exit.",
    try_="Switch one mechanism off at a time, or lower org_grant to see which organisations "
         "survive without public money.",
))
