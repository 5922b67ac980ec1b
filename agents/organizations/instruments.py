"""The instruments of the organisation mechanisms (B2): incubation, incentives, procurement.

Each changes the organisations' conditions when switched on, never their outcomes: young
organisations move into the incubator (free space, B2 i); quarterly assessments publish
ratings and reward the best (B2 ii); yearly open tenders give the best bids contracts that
expand their capacity and reach, paid by government (B2 ii, C1). Coordination (B2 iii)
acts inside the sector's own rules (sector.py: no duplicated effort, shared running costs,
foundings steered to unserved places).
"""

from __future__ import annotations

import math

import numpy as np
from mesa.time import Schedule

from agents.organizations.params import OrgParams
from model.ports import Model


class Instruments:
    """The mechanisms' part of the organisations' submodel (`OrgSector` is one).

    It reads and writes the sector's table (`table`, one row per organisation; `len` is
    their number) and books rewards as the sector's pending payments (`pending`).
    """

    model: Model[OrgParams]
    table: dict[str, np.ndarray]
    pending: list[tuple[np.ndarray, float, str]]

    def __init__(self) -> None:
        self.events: dict[str, object] = {}  # Mesa EventGenerators, kept alive here
        self.tenders = 0
        self.assessments = 0

    def switch_on(self, name: str) -> None:
        """Start a mechanism now; recurring assessments and tenders follow every interval."""
        m, p = self.model, self.model.p
        if name == "org_incubation":
            # Organisations still young when the incubator opens move in for what is left
            # of their incubation period.
            t = self.table
            now = m.clock
            left = np.maximum(0, p.org_incubation_period - t["age"])
            t["incubated_until"] = np.maximum(t["incubated_until"], now + left)
        elif name == "org_incentives":
            self.assess(reward=False)  # ratings published from the start, rewards earned
            self.events[name] = m.schedule_recurring(
                self.assess, Schedule(interval=p.org_assessment_interval,
                                      start=m.time + p.org_assessment_interval))
        elif name == "org_procurement":
            self.tender()
            self.events[name] = m.schedule_recurring(
                self.tender, Schedule(interval=p.org_tender_interval,
                                      start=m.time + p.org_tender_interval))

    def assess(self, reward: bool = True) -> None:
        """Quarterly assessment: score on quality and work done, rate by rank, reward the best.

        Rewards are paid with the next step's income so they count as that step's public
        spending.
        """
        p, t = self.model.p, self.table
        n = len(self)
        self.assessments += 1
        if n == 0:
            return
        done = t["period_resolved"]
        work = done / done.max() if done.max() > 0 else np.zeros(n)
        w = p.org_assessment_quality_weight
        score = w * t["quality"] + (1.0 - w) * work
        rank = np.empty(n)
        rank[np.argsort(score, kind="stable")] = np.arange(n)
        t["rating"] = rank / (n - 1) if n > 1 else np.ones(n)
        t["period_resolved"][:] = 0.0
        if reward:
            best = math.ceil(p.org_reward_share * n - 1e-9)
            if best > 0 and p.org_reward > 0:
                self.pending.append((np.flatnonzero(rank >= n - best), p.org_reward,
                                     "reward"))

    def tender(self) -> None:
        """Open tender: bids scored on quality, price and rating; the best win contracts.

        A bid's price is the bidder's own cost per issue at full capacity (cost-plus), so
        better organisations bid lower; contracts last until the next tender.
        """
        m, p, t = self.model, self.model.p, self.table
        self.tenders += 1
        t["contracted"][:] = False
        t["radius"][:] = p.org_radius  # the next sync_maps sees the new reach
        n = len(self)
        if n == 0:
            return
        price = p.org_unit_cost + p.org_fixed_cost / np.maximum(
            p.org_capacity * t["quality"], 1e-6)
        t["price"] = price
        eligible = np.flatnonzero(price <= p.org_price_cap)
        wanted = math.ceil(p.org_contracts_per_1000 * m.community.n / 1000.0 - 1e-9)
        if len(eligible) == 0 or wanted == 0:
            return
        score = (p.org_tender_quality_weight * t["quality"]
                 + p.org_tender_price_weight * price[eligible].min() / price)
        if m.mechanisms["org_incentives"]:
            score = score + p.org_tender_rating_weight * t["rating"]
        order = eligible[np.argsort(-score[eligible], kind="stable")]
        winners = order[:wanted]
        t["contracted"][winners] = True
        t["radius"][winners] += p.org_contract_reach
