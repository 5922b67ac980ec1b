"""The organisations' submodel: their table, money, activities, learning, founding and exit.

Organisations exist in every scenario: a few are drawn at start from the "orgs" stream (so
one seed builds the same community whichever mechanisms are on), more are founded where
demand goes unmet, and those that stay in deficit exit. They solve issues of their kind
nearby (the ORG stage of the service chain), hold activities with places (guided
participation, B3) and take volunteers into roles (self-governance), in proportion to their
quality and staff. Their state is a table of arrays (one row per organisation); who they
reach is kept in agents/organizations/reach.py, the mechanisms' instruments in
instruments.py.
"""

from __future__ import annotations

import math

import numpy as np

from agents.organizations.agent import SocialOrganization
from agents.organizations.instruments import Instruments
from agents.organizations.ledger import PUBLIC_SOURCES, OrgLedger
from agents.organizations.params import OrgParams
from agents.organizations.reach import ReachMaps
from model.issues import HOUSEHOLD_KINDS, ORG
from model.ports import Handler, Model

_COLUMNS = {
    "kind": np.int8, "x": np.int32, "y": np.int32, "radius": np.int32,
    "quality": np.float64, "funds": np.float64, "age": np.int64, "deficit": np.int32,
    "rating": np.float64, "contracted": bool, "price": np.float64,
    "incubated_until": np.int64, "resolved": np.float64, "period_resolved": np.float64,
    "overlap": np.float64, "project_places": np.float64, "project_until": np.int64,
}


class OrgHandler(Handler):
    """The ORG stage: the nearest organisation of the issue's kind within reach takes it."""

    stage = ORG
    model: Model[OrgParams]

    def __init__(self, model: Model[OrgParams], sector: OrgSector) -> None:
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
        return self.model.p.org_unit_cost

    def on_resolved(self, idx: np.ndarray, group: np.ndarray) -> None:
        self.sector.paid_for_issues(group)


class OrgSector(Instruments):
    """The organisations' submodel: reach, activities, money, learning, founding and exit."""

    def __init__(self, model: Model[OrgParams]) -> None:
        super().__init__()
        self.model = model
        c = model.community
        self.table = {k: np.zeros(0, dtype=t) for k, t in _COLUMNS.items()}
        self.organizations: list[SocialOrganization] = []  # one agent per row, in row order
        self.ledger = OrgLedger()
        self.reach = ReachMaps(c, self.table)
        self.carrying = model.p.org_carrying_capacity * c.n / 1000.0
        self.pending: list[tuple[np.ndarray, float, str]] = []  # payments due next act

    def __len__(self) -> int:
        return len(self.table["kind"])

    # --- the table --------------------------------------------------------------------
    def found(self, kind: np.ndarray, x: np.ndarray, y: np.ndarray, quality: np.ndarray,
              age: np.ndarray, incubated_until: np.ndarray) -> None:
        """New organisations with their founders' money (booked as source 'founders')."""
        m, p = self.model, self.model.p
        count = len(kind)
        if count == 0:
            return
        start = len(self)
        new = {
            "kind": kind, "x": x, "y": y, "radius": np.full(count, p.org_radius),
            "quality": quality, "funds": np.full(count, p.org_start_funds), "age": age,
            "incubated_until": incubated_until,
        }
        for key, dtype in _COLUMNS.items():
            part = np.asarray(new[key], dtype=dtype) if key in new else np.zeros(count, dtype)
            self.table[key] = np.concatenate([self.table[key], part])
        self.ledger.credit("founders", p.org_start_funds * count)
        self.reach.add(count)
        grid = m.community.grid
        for row in range(start, start + count):
            cell = grid[(int(self.table["x"][row]), int(self.table["y"][row]))]
            self.organizations.append(SocialOrganization(m, self, row, cell))

    def close(self, rows: np.ndarray) -> None:
        """Organisations exit: their remaining funds (or debts) leave with them."""
        if len(rows) == 0:
            return
        self.ledger.written_off += float(self.table["funds"][rows].sum())
        keep = np.ones(len(self), dtype=bool)
        keep[rows] = False
        orgs = self.organizations
        for row in rows.tolist():
            orgs[row].remove()
        for key in self.table:
            self.table[key] = self.table[key][keep]
        self.reach.keep(keep)
        orgs[:] = [o for o, k in zip(orgs, keep.tolist(), strict=True) if k]
        for row, org in enumerate(orgs):
            org.row = row

    # --- money ------------------------------------------------------------------------
    def pay(self, rows: np.ndarray | int, amount: np.ndarray | float, source: str,
            distinct: bool = False) -> None:
        """Money into organisations; public sources are counted as government spending.

        `distinct`: the caller knows no row repeats, so a plain indexed add does what
        np.add.at does (one addition per row) without its per-call overhead.
        """
        amounts = np.asarray(amount, dtype=np.float64)
        if amounts.shape != np.shape(rows):  # one amount for every row: np.full, not the
            amounts = np.full(np.shape(rows), amounts)  # slower np.broadcast_to (same sums)
        if distinct:
            self.table["funds"][rows] += amounts
        else:
            np.add.at(self.table["funds"], rows, amounts)
        total = float(amounts.sum())
        self.ledger.credit(source, total)
        if source in PUBLIC_SOURCES:
            self.model.pay_public(total)

    def charge(self, amounts: np.ndarray, use: str) -> None:
        """Money out of every organisation (one amount per row)."""
        self.table["funds"] -= amounts
        self.ledger.debit(use, float(amounts.sum()))

    def paid_for_issues(self, group: np.ndarray) -> None:
        """Resolved issues: fees from residents, or the contract price from government."""
        p, t = self.model.p, self.table
        count = np.bincount(group, minlength=len(self)).astype(np.float64)
        t["resolved"] += count
        t["period_resolved"] += count
        self.charge(p.org_unit_cost * count, "handling")
        contracted = t["contracted"]
        rows = np.arange(len(self))
        self.pay(rows[~contracted], p.org_fee * count[~contracted], "fees", distinct=True)
        self.pay(rows[contracted], t["price"][contracted] * count[contracted], "procurement",
                 distinct=True)

    # --- reach (agents/organizations/reach.py) --------------------------------------------
    def owner_of(self, kind: np.ndarray, household: np.ndarray) -> np.ndarray:
        """Row of the nearest organisation of `kind` reaching each household (-1: none), as
        of the last sync_maps (the step's prepare; one that exited since reads -1). Cheap:
        a gather of the given pairs, no sync."""
        return self.reach.owner_of(kind, household)

    @property
    def owner(self) -> np.ndarray:
        """(kind, household) -> row of the nearest organisation of that kind within reach,
        the lowest row on ties, -1 if none. A fresh array, up to date with the table."""
        self.sync_maps()
        return self.reach.rows(self.reach.owner_id)

    @property
    def nearest(self) -> np.ndarray:
        """household -> row of the nearest organisation of any kind within reach (as owner)."""
        self.sync_maps()
        return self.reach.rows(self.reach.nearest_id)

    def overlap(self) -> np.ndarray:
        """Each organisation's overlap, up to date with the table (see sync_maps)."""
        self.sync_maps()
        return self.reach.overlap()

    def sync_maps(self) -> None:
        """Bring the reach maps up to date with the table; overlap too, unless coordination
        is on (then nothing reads it until it is off again)."""
        self.reach.sync(overlap_read=not self.model.mechanisms["org_coordination"])

    def rebuild_maps(self) -> None:
        self.reach.rebuild()

    @property
    def map_syncs(self) -> dict[str, int]:
        return self.reach.syncs

    def duplication(self) -> np.ndarray:
        """Share of effort kept after duplication where uncoordinated organisations overlap."""
        if self.model.mechanisms["org_coordination"]:
            return np.ones(len(self))
        return 1.0 - self.model.p.org_overlap_waste * self.reach.overlap()

    def capacities(self) -> np.ndarray:
        p, t = self.model.p, self.table
        boost = 1.0 + p.org_contract_boost * t["contracted"]
        return p.org_capacity * t["quality"] * boost * self.duplication()

    def strength(self) -> np.ndarray:
        """Staff and skill an organisation puts into activities: quality, less duplicated
        effort, more with a contract's paid staff (capacity's shape, without the issues)."""
        p, t = self.model.p, self.table
        boost = 1.0 + p.org_contract_boost * t["contracted"]
        return t["quality"] * self.duplication() * boost

    def prepare(self, now: int) -> None:
        """Reach is up to date; organisations learn of unreported needs nearby."""
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
        p, t = self.model.p, self.table
        offers = self.model.population.offers
        pool = self.reach.rows(self.reach.nearest_id).astype(np.intp)
        strength = self.strength()
        project = np.where(t["project_until"] > now, t["project_places"], 0.0)
        offers.add_places("organisation", pool, p.org_places * strength + project)
        offers.add_roles("org_volunteer", pool, p.org_roles * strength)

    def reach_out(self, now: int) -> None:
        """Organisations in touch with residents learn of unreported needs of their kind."""
        m, book = self.model, self.model.issues
        hidden = (~book.known & ~book.closed).nonzero()[0]
        if len(hidden) == 0:
            return
        org = self.owner_of(book.kind[hidden], book.household[hidden])
        hidden, org = hidden[org >= 0], org[org >= 0]
        chance = m.p.org_outreach * self.table["quality"][org] * self.duplication()[org]
        found = hidden[m.rng.random(len(hidden)) < chance]
        book.known[found] = True
        book.ready[found] = now
        book.arrived[found] = now
        m.tally["issues_detected"] += len(found)
        m.tally["org_outreach"] += len(found)

    def act(self, now: int) -> None:
        """Income, costs, learning, exit and founding, in that order."""
        m, p, t = self.model, self.model.p, self.table
        n = len(self)
        for rows, amount, source in self.pending:
            self.pay(rows, amount, source)
        self.pending = []
        exits = 0
        if n:
            rows = np.arange(n)
            self.pay(rows, p.org_grant, "grant", distinct=True)
            running = np.full(n, p.org_fixed_cost)
            if m.mechanisms["org_coordination"]:
                running *= 1.0 - p.org_shared_saving
            running *= 1.0 - p.org_incubation_rent * (t["incubated_until"] > now)
            self.charge(running, "running")
            contracted = rows[t["contracted"]]
            retainer = p.org_fixed_cost * p.org_contract_boost
            self.pay(contracted, retainer, "procurement", distinct=True)  # contracted staff
            extra = np.zeros(n)
            extra[contracted] = retainer
            self.charge(extra, "contract_staff")
            self.learn()
            t["age"] += 1
            t["deficit"] = np.where(t["funds"] < 0, t["deficit"] + 1, 0)
            newness = p.org_newness_hazard * np.exp(-t["age"] / p.org_newness_age)
            failing = (t["deficit"] >= p.org_deficit_steps) | (m.rng.random(n) < newness)
            exits = int(failing.sum())
            self.close(failing.nonzero()[0])
        births = self.found_where_unmet(now)
        t = self.table
        t["resolved"][:] = 0.0
        m.tally["org_births"] += births
        m.tally["org_exits"] += exits

    def learn(self) -> None:
        """Quality grows by doing and by training, and fades without practice (C2)."""
        p, t = self.model.p, self.table
        q = t["quality"]
        q += p.org_learning * t["resolved"] * (1.0 - q)
        q -= p.org_skill_decay * q
        surplus = np.maximum(0.0, t["funds"] - p.org_reserve)
        invest = p.org_invest_share * surplus
        self.charge(invest, "training")
        q += p.org_training_effect * invest * (1.0 - q)
        q.clip(0.0, 1.0, out=q)

    def found_where_unmet(self, now: int) -> int:
        """Density-dependent founding driven by unmet demand (Hannan and Freeman 1989).

        Unmet demand = known open issues of household kinds that have passed the
        organisation stage. New organisations start where such an issue is, serving its
        kind; coordinated leaders steer them to places nobody of that kind serves yet.
        """
        m, p, book = self.model, self.model.p, self.model.issues
        unmet = (book.known & (book.stage > ORG)
                 & (book.kind < HOUSEHOLD_KINDS)).nonzero()[0]
        room = self.carrying - len(self)
        if len(unmet) == 0 or room <= 0:
            return 0
        rate = p.org_founding_rate * len(unmet) * (1.0 - len(self) / self.carrying)
        if m.mechanisms["org_incubation"]:
            rate *= 1.0 + p.org_incubation_founding
        births = min(int(m.rng.poisson(rate)), math.floor(room))
        if births == 0:
            return 0
        if m.mechanisms["org_coordination"] and p.org_coordinated_founding:
            # Leaders know who has just closed: the maps are brought up to date with this
            # step's exits before they look for places nobody serves.
            self.sync_maps()
            free = unmet[self.owner_of(book.kind[unmet], book.household[unmet]) < 0]
            if len(free):
                unmet = free
        pick = m.rng.choice(unmet, births)
        hh = book.household[pick]
        c = m.community
        start_q = p.org_start_quality
        incubated = m.mechanisms["org_incubation"]
        if incubated:
            start_q += p.org_incubator_quality
        quality = (start_q + m.rng.normal(0.0, p.org_quality_sd, births)).clip(0.01, 1.0)
        until = now + (p.org_incubation_period if incubated else 0)
        self.found(book.kind[pick], c.x[hh], c.y[hh], quality, np.zeros(births),
                   np.full(births, until))
        return births

    def held(self) -> float:
        return float(self.table["funds"].sum())
