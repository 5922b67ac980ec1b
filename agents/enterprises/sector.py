"""Enterprises (B4, C3): firms, their disputes, the consultation and participation platforms.

Firms, their employees and the disputes they have with residents exist in every scenario
(the community is built from the `enterprises` stream, so one seed gives the same firms
whichever mechanisms are on). Two mechanisms change what happens around them:

- `enterprise_consultation` (B4 i): a community-enterprise consultation platform mediates
  enterprise disputes before they climb to grid worker, committee and government, and, by
  visiting firms, learns what their employees need;
- `enterprise_participation` (B4 ii, C3): a monthly project round in which firms pledge to
  social organisations' projects. A pledge pays for places at the organisation's activities
  while the project runs; firms that give also release paid volunteer time to their staff
  (hours, not willingness). The firm's return is what actually happened: the goodwill of
  nearby households who took part in the project's activities and the satisfaction of its
  own staff who did, when the project meets their need; what giving brings back reinforces
  the propensity to give against an aspiration that adapts (agents/enterprises/agent.py).

Money is conserved: every yuan pledged is either received by an organisation or waits in
the community fund until one exists (`EnterpriseSector.ledger`).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from agents.enterprises.agent import Enterprise
from agents.enterprises.params import EnterpriseParams
from model.issues import ENTERPRISE, ENTERPRISE_DISPUTE, HOUSEHOLD_KINDS
from model.people import WORKING
from model.ports import Handler, Model

CONSULTATION = "enterprise_consultation"
PARTICIPATION = "enterprise_participation"
# Kinds of service organisations offer (one per household issue kind); a firm's staff need one.
SERVICE_KINDS = HOUSEHOLD_KINDS


class Organisations(Protocol):
    """What the participation platform needs of the social organisations: the active ones
    (agents with a cell, a quality and a kind, that receive money and run projects)."""

    organizations: list


class EnterpriseSector:
    """The community's firms and the two platforms, kept as one submodel.

    Households touched by a firm (its employees, else residents within `enterprise_reach`
    of the nearest firm) are attributed to that one firm: `firm_of` (-1 = none). Their
    opinion of it (`opinion`, 0-1) is what the firm's reputation is made of.
    """

    def __init__(self, model: Model[EnterpriseParams], orgs: Organisations) -> None:
        self.model = model
        self.orgs = orgs
        p, c, pop = model.p, model.community, model.population
        rs = model.stream("enterprises")  # set-up draws: unconditional (common random numbers)
        k = min(p.enterprise_count, pop.households)
        sites = rs.choice(pop.households, size=k, replace=False)
        propensity = np.clip(rs.normal(p.csr_initial, p.csr_sd, k), 0.0, 1.0)
        need = (rs.random(k) * SERVICE_KINDS).astype(np.int64)  # kind of service staff need
        staff = rs.poisson(p.enterprise_staff, k)
        # A firm hires one working resident of a household (its first working resident);
        # households without one are not hired from.
        working = np.flatnonzero(pop.situation == WORKING)[::-1]
        worker = np.full(pop.households, -1, dtype=np.int64)
        worker[pop.home[working]] = working  # the first working resident of each household
        employer = np.full(pop.households, -1, dtype=np.int32)
        self.firms: list[Enterprise] = []
        for e in range(k):
            cx, cy = c.x[sites[e]], c.y[sites[e]]
            weight = np.exp(-c.distance(c.x, c.y, cx, cy) / p.enterprise_commute)
            weight[(employer >= 0) | (worker < 0)] = 0.0
            hired = np.zeros(0, dtype=np.int64)
            size = min(int(staff[e]), int(np.count_nonzero(weight)))
            if size > 0:
                homes = np.sort(rs.choice(pop.households, size=size, replace=False,
                                          p=weight / weight.sum()))
                employer[homes] = e
                hired = worker[homes]
                pop.employer[hired] = e
            self.firms.append(Enterprise(model, e, cx, cy, hired, propensity[e], need[e]))
        # Nearest firm within reach (lowest index on ties); employees belong to their employer.
        firm_of = np.full(pop.households, -1, dtype=np.int32)
        best = np.full(pop.households, np.inf)
        for f in self.firms:
            d = c.distance(c.x, c.y, f.x, f.y).astype(np.float64)
            closer = (d <= p.enterprise_reach) & (d < best)
            firm_of[closer], best[closer] = f.index, d[closer]
        self.firm_of = np.where(employer >= 0, employer, firm_of).astype(np.int32)
        self.exposed = np.flatnonzero(self.firm_of >= 0)
        self.touched = np.bincount(self.firm_of[self.exposed], minlength=k)
        self.opinion = np.full(pop.households, p.initial_opinion)
        self.propensity_arr = np.array([f.propensity for f in self.firms])
        # Ledger of the participation platform (yuan, over the run).
        self.donated = 0.0
        self.received = 0.0
        self.fund = 0.0
        self.participation_from: int | None = None
        # Projects funded last round whose return the firm has yet to see: (firm, org, yuan)
        self.pending: list = []

    # --- plug-in points ----------------------------------------------------------------------
    def disputes(self, now: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Issue source: disputes with firms arise whether or not any platform exists."""
        n_exposed = len(self.exposed)
        count = rng.poisson(self.model.p.enterprise_dispute_rate * n_exposed) \
            if n_exposed else 0
        hh = self.exposed[rng.integers(0, n_exposed, count)] if count else self.exposed[:0]
        # A grievance: each dispute costs the firm some of the household's good opinion.
        loss = self.model.p.trust_loss
        if count:  # most weeks have none (np.unique costs ~10 us even on nothing)
            who, times = np.unique(hh, return_counts=True)  # only the households concerned
            self.opinion[who] *= (1.0 - loss) ** times
        self.model.tally["enterprise_disputes"] += count
        return hh.astype(np.int64), np.full(count, ENTERPRISE_DISPUTE, dtype=np.int8)

    def switch_on(self, name: str) -> None:
        if name == PARTICIPATION:
            # Switched on at set-up (time 0) or after step S-1: rounds start at step S.
            self.participation_from = self.model.clock + 1

    def prepare(self, now: int) -> None:
        """Firms that give release paid volunteer time to their staff (hours, B4 ii)."""
        if not self.model.mechanisms[PARTICIPATION] or not self.firms:
            return
        pop = self.model.population
        staff = pop.employer >= 0
        pop.extra_hours[staff] += (self.model.p.enterprise_volunteer_hours
                                   * self.propensity_arr[pop.employer[staff]])

    def moved_out(self, households: np.ndarray) -> None:
        """A newcomer has no grudge against, nor goodwill for, the firm next door, and
        works elsewhere: the firms lose the employees who moved away."""
        self.opinion[households] = self.model.p.initial_opinion
        gone = np.zeros(self.model.population.n, dtype=bool)
        gone[self.model.population.residents_of(households)] = True
        for firm in self.firms:
            if len(firm.employees) and gone[firm.employees].any():
                firm.employees = firm.employees[~gone[firm.employees]]

    def act(self, now: int) -> None:
        self.reap_returns()
        due = (self.model.mechanisms[PARTICIPATION] and self.participation_from is not None
               and (now - self.participation_from) % self.model.p.project_interval == 0)
        if due:
            self.project_round()
        self.update_reputation()

    # --- consultation (B4 i) -----------------------------------------------------------------
    def mediated(self, households: np.ndarray) -> None:
        """A dispute settled by consultation, with the firm at the table, wins some goodwill."""
        gain = self.model.p.trust_gain
        who, times = np.unique(households, return_counts=True)
        self.opinion[who] = 1.0 - (1.0 - self.opinion[who]) * (1.0 - gain) ** times
        per_firm = np.bincount(self.firm_of[households], minlength=len(self.firms))
        for f in self.firms:
            f.mediated += int(per_firm[f.index])

    def update_reputation(self) -> None:
        if not self.firms:
            return
        k = len(self.firms)
        total = np.bincount(self.firm_of[self.exposed], weights=self.opinion[self.exposed],
                            minlength=k)
        rep = np.where(self.touched > 0, total / np.maximum(self.touched, 1),
                       self.model.p.initial_opinion)
        for f in self.firms:
            f.reputation = float(rep[f.index])

    # --- participation (B4 ii, C3) -----------------------------------------------------------
    def project_round(self) -> None:
        """Firms decide to give, pledges are matched to projects, giving is reinforced."""
        m = self.model
        orgs = self.organizations()
        projects = self.projects(orgs)
        draws = m.rng.random(len(self.firms))
        for f in self.firms:
            if draws[f.index] >= f.propensity:
                continue
            amount = f.pledge()
            if amount <= 0:
                continue
            self.donated += amount
            f.given += amount
            f.rounds_given += 1
            m.tally["enterprise_donations"] += amount
            if not orgs:
                self.fund += amount  # waits for a project to exist; the firm sees no return
                f.reinforce(0.0)
                continue
            org = orgs[self.match(f, projects)]
            self.pay(org, amount)
            self.start_project(org, amount)
            self.pending.append((f, org, amount))
        if orgs and self.fund > 0:
            # Waiting pledges go to the best-rated organisation (first listed on ties).
            waiting, self.fund = self.fund, 0.0
            self.pay(orgs[int(np.argmax(projects["quality"]))], waiting)
        self.propensity_arr = np.array([f.propensity for f in self.firms])

    def pay(self, org, amount: float) -> None:
        """Yuan to an organisation, converted to the model's cost units it keeps books in.

        A sum too small to be worth anything in cost units (underflow) waits in the fund
        rather than vanishing.
        """
        units = amount / self.model.p.yuan_per_cost_unit
        if units <= 0:
            self.fund += amount
            return
        org.receive(units, "enterprise")
        self.received += amount

    def organizations(self) -> list:
        """The active social organisations, as they stand now."""
        return list(self.orgs.organizations)

    @staticmethod
    def projects(orgs: list) -> dict[str, np.ndarray]:
        """Where each organisation's projects are, how good and of what kind: read once per
        round, since every firm's matching looks at all of them.
        """
        xy = np.array([o.cell.coordinate for o in orgs], dtype=np.float64).reshape(-1, 2)
        return {"x": xy[:, 0], "y": xy[:, 1],
                "quality": np.clip(np.array([float(o.quality) for o in orgs]), 0.0, None),
                "kind": np.array([int(o.kind) for o in orgs], dtype=np.int64)}

    def match(self, firm: Enterprise, projects: dict[str, np.ndarray]) -> int:
        """The platform's matching: good projects near the firm; its needs if it knows them.

        Score = quality * (1 + [kind meets the firm's need]) / (1 + distance / reach); the
        need term counts only when the consultation platform has visited the firm (B4 i).
        Returns the chosen organisation's row (first on ties).
        """
        dist = np.maximum(np.abs(projects["x"] - firm.x), np.abs(projects["y"] - firm.y))
        score = projects["quality"] / (1.0 + dist / self.model.p.enterprise_reach)
        if self.model.mechanisms[CONSULTATION]:
            score = score * (1.0 + (projects["kind"] == firm.need))
        return int(np.argmax(score))

    def start_project(self, org, amount: float) -> None:
        """The pledge pays for places at the organisation for `project_interval` weeks."""
        m, p = self.model, self.model.p
        org.fund_project(amount / p.project_cost * p.project_places,
                         m.clock + p.project_interval)

    def reap_returns(self) -> None:
        """A week after a round, each giving firm sees what its project brought back."""
        if not self.pending:
            return
        live = {id(o) for o in self.organizations()}
        for firm, org, amount in self.pending:
            payoff = self.project_effect(firm, org, amount) if id(org) in live else 0.0
            firm.reinforce(payoff)
        self.pending = []
        self.propensity_arr = np.array([f.propensity for f in self.firms])

    def project_effect(self, firm: Enterprise, org, amount: float) -> float:
        """What the project brought the firm: measured on who took part in its first week.

        Goodwill of the households attributed to the firm who take part in the
        organisation's activities, and the satisfaction of its own staff who take part when
        the project's kind is what they need (they were served by it). Returns the mean
        opinion gain over the firm's households plus the mean satisfaction gain over its
        staff: the payoff its propensity to give is reinforced by.
        """
        p, pop = self.model.p, self.model.population
        scale = min(1.0, amount / p.project_cost) * float(np.clip(org.quality, 0.0, 1.0))
        there = np.zeros(pop.n, dtype=bool)
        there[org.participants()] = True
        household_there = pop.per_household(there.astype(np.float64)) > 0
        mine = self.exposed[self.firm_of[self.exposed] == firm.index]
        seen = mine[household_there[mine]]
        before = self.opinion[seen]
        self.opinion[seen] = before + p.project_reputation_gain * scale * (1.0 - before)
        d_rep = float((self.opinion[seen] - before).sum()) / max(len(mine), 1)
        d_staff = 0.0
        staff = firm.employees
        if len(staff) and int(org.kind) == firm.need:
            came = staff[there[staff]]
            d_staff = pop.served(came, p.project_satisfaction_gain * scale) / len(staff)
        return d_rep + d_staff

    def ledger(self) -> dict[str, float]:
        """Yuan pledged, paid to organisations, and waiting in the community fund."""
        return {"donated": self.donated, "received": self.received, "fund": self.fund}


class ConsultationHandler(Handler):
    """The consultation platform's mediators: enterprise disputes only, when it exists."""

    stage = ENTERPRISE
    model: Model[EnterpriseParams]

    def __init__(self, model: Model[EnterpriseParams], sector: EnterpriseSector) -> None:
        super().__init__(model)
        self.sector = sector

    def groups(self, idx: np.ndarray) -> np.ndarray:
        if not self.model.mechanisms[CONSULTATION] or not self.sector.firms:
            return np.full(len(idx), -1)
        book = self.model.issues
        ours = (book.kind[idx] == ENTERPRISE_DISPUTE) \
            & (self.sector.firm_of[book.household[idx]] >= 0)
        return np.where(ours, 0, -1)

    def capacity(self) -> np.ndarray:
        return np.array([self.model.p.consultation_capacity * len(self.sector.firms)])

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> float:
        return self.model.p.consultation_competence

    def handling_delay(self) -> int:
        return self.model.p.consultation_delay

    def cost(self) -> float:
        return self.model.p.cost_consultation

    def on_resolved(self, idx: np.ndarray, group: np.ndarray) -> None:
        self.sector.mediated(self.model.issues.household[idx])
