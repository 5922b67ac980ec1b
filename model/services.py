"""The "last kilometre" service loop: issues arise, become known, are handled or escalated.

Issues are rows of a table of arrays (`IssueBook`). Handlers form a chain ordered from the
household upwards (`STAGES`); every step each stage takes the issues waiting at it, lets
each handler instance accept as many as its capacity allows (oldest first), resolves those
within its competence and escalates the rest, slower and costlier the higher they go. All of
it is array work: the only Python loop is over the seven stages.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.governance import GovernanceModel

# Issue kinds. Enterprise disputes arise only around enterprises (issue 3).
PUBLIC_SERVICE, COMMUNITY_AFFAIRS, BUILDING_MATTER, NEIGHBOUR_DISPUTE, ENTERPRISE_DISPUTE = range(5)
KINDS = ("public_service", "community_affairs", "building_matter", "neighbour_dispute",
         "enterprise_dispute")
HOUSEHOLD_KINDS = 4  # the kinds households raise themselves (enterprise disputes come apart)
DISPUTES = (NEIGHBOUR_DISPUTE, ENTERPRISE_DISPUTE)

STAGES = ("self", "building", "org", "enterprise", "grid", "rc", "government")
SELF, BUILDING, ORG, ENTERPRISE, GRID, RC, GOVERNMENT = range(len(STAGES))
# Stages whose outcomes are felt as the community's own (trust in neighbours) rather than
# as government answering (trust in government).
NEIGHBOURLY = (SELF, BUILDING, ORG)


def member_table(members: tuple[int, ...], size: int) -> np.ndarray:
    """A boolean look-up table: `table[codes]` tests membership in one gather, where
    np.isin costs a sort and tens of microseconds on every call (many calls per step).
    """
    table = np.zeros(size, dtype=bool)
    table[list(members)] = True
    return table


def draw_kinds(weights: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`rng.choice(len(weights), count, p=weights)` without its per-call checks of `p`.

    The same draws and the same result as numpy's `Generator.choice` with replacement: one
    uniform per item against the normalised cumulative weights (checked bit for bit in
    tests/test_services_fast.py). `weights` must be valid (kind_weights' are).
    """
    cdf = weights.cumsum()
    cdf /= cdf[-1]
    return cdf.searchsorted(rng.random(count), side="right")


def kind_weights(p: dict) -> np.ndarray:
    """Shares of the household issue kinds (schema: kind_share_*), normalised to sum 1."""
    w = np.array([p["kind_share_public"], p["kind_share_affairs"], p["kind_share_building"],
                  p["kind_share_dispute"]], dtype=np.float64)
    total = w.sum()
    return w / total if total > 0 else np.full(HOUSEHOLD_KINDS, 1.0 / HOUSEHOLD_KINDS)


IS_DISPUTE = member_table(DISPUTES, len(KINDS))
IS_NEIGHBOURS_MATTER = member_table((BUILDING_MATTER, NEIGHBOUR_DISPUTE), len(KINDS))
IS_NEIGHBOURLY = member_table(NEIGHBOURLY, len(STAGES))

_RESOLVED_BY = tuple(f"resolved_by_{name}" for name in STAGES)  # tally keys, by stage

_FIELDS = {
    "household": np.int64, "kind": np.int8, "created": np.int64, "complexity": np.float64,
    "known": bool, "voiced": bool, "stage": np.int8, "ready": np.int64, "arrived": np.int64,
    "done_at": np.int64, "handler": np.int8, "cost": np.float64, "closed": bool,
}


class IssueBook:
    """Open issues as a structure of arrays; closed ones are dropped every step."""

    def __init__(self) -> None:
        self.cols = {k: np.zeros(0, dtype=t) for k, t in _FIELDS.items()}

    def __len__(self) -> int:
        return len(self.cols["household"])

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["cols"][name]
        except KeyError:
            raise AttributeError(name) from None

    def add(self, **new: np.ndarray) -> None:
        count = len(new["household"])
        for key, dtype in _FIELDS.items():
            if key in new:
                part = np.asarray(new[key], dtype=dtype)
            else:
                part = np.full(count, -1 if key in ("done_at", "handler") else 0, dtype=dtype)
            self.cols[key] = np.concatenate([self.cols[key], part])

    def keep(self, mask: np.ndarray) -> None:
        for key in self.cols:
            self.cols[key] = self.cols[key][mask]


class Handler:
    """One rung of the handling chain. Subclasses say who may take an issue and how much.

    `groups` maps issues to handler instances (-1: this stage does not take it, pass it on),
    `capacity` gives each instance's issues per step (None: unlimited).
    """

    stage: int = -1
    public = False  # handled on the public payroll: cost is public
    misroutable = False  # issues can arrive here through the wrong door and bounce (A1a)
    competence = 1.0
    delay = 0

    def __init__(self, model: GovernanceModel) -> None:
        self.model = model
        self.used = np.zeros(0)

    def groups(self, idx: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def capacity(self) -> np.ndarray | None:
        return None

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray | float:
        return self.competence

    def cost(self) -> float:
        return 0.0

    def handling_delay(self) -> int:
        return self.delay

    def on_resolved(self, idx: np.ndarray, group: np.ndarray) -> None:
        """Hook for handlers that gain something from resolving (fees, reputation)."""


class SelfHandler(Handler):
    """Self-governing households (rung 3) settle their own non-public issues."""

    stage = SELF

    def groups(self, idx: np.ndarray) -> np.ndarray:
        book, pop = self.model.issues, self.model.population
        ok = (pop.level[book.household[idx]] == 3) & (book.kind[idx] != PUBLIC_SERVICE)
        ok &= book.kind[idx] != ENTERPRISE_DISPUTE
        return np.where(ok, 0, -1)

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> np.ndarray | float:
        return self.model.params["self_competence"]


class CentralHandler(Handler):
    """One office serving the whole community from one queue, on the public payroll.

    Issues reach it through the administrative line, so they can come through the wrong
    door (misrouting, A1a); the information platform can shorten its handling (A1b).
    Subclasses (the committee's, the government's) say whose capacity and which parameters.
    """

    public = True
    misroutable = True
    office = ""  # the model attribute of the agent whose capacity this is
    prefix = ""  # its parameters: <prefix>_competence, <prefix>_delay, cost_<prefix>

    def groups(self, idx: np.ndarray) -> np.ndarray:
        return np.zeros(len(idx), dtype=np.int64)

    def capacity(self) -> np.ndarray:
        return np.array([getattr(self.model, self.office).capacity()])

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> float:
        return self.model.params[f"{self.prefix}_competence"]

    def cost(self) -> float:
        return self.model.params[f"cost_{self.prefix}"]

    def handling_delay(self) -> int:
        return max(0, self.model.params[f"{self.prefix}_delay"]
                   - self.model.government.delay_saving())


class NoHandler(Handler):
    """A stage whose actors do not exist in this run: every issue passes on."""

    def __init__(self, model: GovernanceModel, stage: int) -> None:
        super().__init__(model)
        self.stage = stage

    def groups(self, idx: np.ndarray) -> np.ndarray:
        return np.full(len(idx), -1)


def group_order(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Stable order by group id: equal ids keep their order of arrival.

    With fewer than 65,536 groups the ids are sorted as uint16, which numpy sorts by radix
    (linear time, about ten times faster than its merge sort on 64-bit ints).
    """
    if n_groups <= np.iinfo(np.uint16).max:
        group = group.astype(np.uint16)
    return np.argsort(group, kind="stable")


def ranks_within_groups(group: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal (sorted) group ids."""
    if len(group) == 0:
        return group
    n = len(group)
    start = np.zeros(n, dtype=np.intp)  # at each run's first element, its own index
    first = np.flatnonzero(group[1:] != group[:-1]) + 1
    start[first] = first
    np.maximum.accumulate(start, out=start)  # carried to the rest of the run
    return np.arange(n) - start


def integer_capacity(cap: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whole issues per step, rounding fractions up at random so the mean is kept."""
    base = np.floor(cap)
    return (base + (rng.random(len(cap)) < cap - base)).astype(np.int64)


class ServiceLoop:
    """Runs one step of the issue loop and records what happened in the model's tally."""

    def __init__(self, model: GovernanceModel, handlers: list[Handler]) -> None:
        self.model = model
        self.book = model.issues
        self.handlers = handlers
        self._live: np.ndarray | None = None  # set during the stage loop (see step)
        assert [h.stage for h in handlers] == list(range(len(STAGES)))

    # --- the step -------------------------------------------------------------------------
    def step(self, now: int) -> None:
        m, rng = self.model, self.model.rng
        self.arise(now, rng)
        self.detect(now, rng)
        book = self.book
        # Issues a stage may take now (known, ready, not done, open), whatever their stage.
        # Within the loop an issue only ever leaves this set (bounced, done, lost, or handed
        # up with a delay), never enters it, so the stages keep it up to date themselves
        # instead of recomputing four comparisons over the book per stage.
        self._live = (book.known & (book.ready <= now) & (book.done_at < 0)
                      & ~book.closed)
        for handler in self.handlers:
            self.process(handler, now, rng)
        self._live = None
        self.finish(now)
        self.abandon(now)
        book = self.book
        book.keep(~book.closed)
        n = m.population.n
        m.issues_outcomes.flush(m.population, unknown=book.household[~book.known])
        m.population.open_issues = np.bincount(book.household, minlength=n)

    def arise(self, now: int, rng: np.random.Generator) -> None:
        """Households raise issues (a Poisson number in total, spread uniformly)."""
        m, p = self.model, self.model.params
        pop = m.population
        count = rng.poisson(p["issue_rate"] * pop.n)
        household = rng.integers(0, pop.n, count)
        kind = draw_kinds(kind_weights(p), count, rng)  # = rng.choice(4, count, p=...)
        extra = [fn(now, rng) for fn in m.issue_sources]  # e.g. enterprise disputes
        for hh, kd in extra:
            household, kind = np.concatenate([household, hh]), np.concatenate([kind, kd])
        count = len(household)
        level = pop.level[household]
        voiced = rng.random(count) < self.voice_probability(level, household)
        self.book.add(household=household, kind=kind, created=np.full(count, now),
                      complexity=rng.random(count), known=voiced, voiced=voiced,
                      stage=np.zeros(count), ready=np.full(count, now),
                      arrived=np.full(count, now))
        pop.last_contact[household[voiced]] = now
        t = m.tally
        t["issues_raised"] += count
        t["issues_voiced"] += int(voiced.sum())
        t["disputes_raised"] += int(IS_DISPUTE[kind].sum())

    def voice_probability(self, level: np.ndarray, household: np.ndarray) -> np.ndarray:
        """Active households voice most issues; a cheaper channel (time, steps) helps.

        P = clip(base[rung] - voice_cost * cost factor + voice_efficacy * efficacy), 0 on
        rung 0: the inactive do not voice. The cost factor is the government's and the
        committee's channels (info platform, resident channels): what voicing costs.
        """
        m, p = self.model, self.model.params
        cost = p["voice_cost"] * m.voice_cost_factor()
        base = np.array([0.0, p["voice_prob_1"], p["voice_prob_2"], p["voice_prob_3"]])[level]
        prob = base - cost + p["voice_efficacy"] * m.population.efficacy[household]
        return np.where(level >= 1, np.clip(prob, 0.0, 1.0), 0.0)

    def detect(self, now: int, rng: np.random.Generator) -> None:
        """Unvoiced issues are found by patrol (grid workers with free time) or by chance."""
        m, p, book = self.model, self.model.params, self.book
        hidden = np.flatnonzero(~book.known & ~book.closed)
        if len(hidden) == 0:
            return
        chance = np.full(len(hidden), p["base_detection"])
        chance += m.government.detection_bonus()
        if m.grid_workers:
            free = self.handlers[GRID].free_share
            grid = m.community.grid_of[book.household[hidden]]
            chance += p["patrol_rate"] * free[grid]
        found = hidden[rng.random(len(hidden)) < np.clip(chance, 0.0, 1.0)]
        m.population.last_contact[book.household[found]] = now
        book.known[found] = True
        book.ready[found] = now
        book.arrived[found] = now
        m.tally["issues_detected"] += len(found)

    def process(self, handler: Handler, now: int, rng: np.random.Generator) -> None:
        """One stage: pass on what it does not take, accept by capacity, resolve or escalate."""
        m, book, p = self.model, self.book, self.model.params
        s = handler.stage
        live = self._live
        idx = np.flatnonzero(live & (book.stage == s))
        if len(idx) == 0:
            handler.used = np.zeros(0)
            return
        group = np.asarray(handler.groups(idx), dtype=np.int64)
        skip = idx[group < 0]
        book.stage[skip] = s + 1
        book.arrived[skip] = now
        take, group = idx[group >= 0], group[group >= 0]
        if len(take) == 0:
            handler.used = np.zeros(0)
            return
        cap = handler.capacity()
        if cap is None:
            accepted, g_acc = take, group
            waiting = take[:0]
        else:
            created = book.created[take]  # oldest first (weeks: a narrow range)
            if (created[1:] < created[:-1]).any():  # the book is kept in arrival order
                low = created.min()
                order = group_order(created - low, int(created.max() - low) + 1)
                take, group = take[order], group[order]
            whole = integer_capacity(cap, rng)
            if len(cap) == 1:  # one queue (central offices, the platform): no sort needed
                ok = np.arange(len(take)) < whole[0]
            else:
                order = group_order(group, len(cap))
                take, group = take[order], group[order]
                ok = ranks_within_groups(group) < whole[group]
            accepted, g_acc, waiting = take[ok], group[ok], take[~ok]
            handler.used = np.bincount(g_acc, minlength=len(cap)).astype(np.float64)
        if handler.misroutable:
            bounced = rng.random(len(accepted)) < m.government.misroute_probability()
            b = accepted[bounced]
            book.ready[b] = now + 1
            live[b] = False
            bounce = m.government.escalation_cost()
            book.cost[b] += bounce
            m.tally["public_cost"] += len(b) * bounce
            m.tally["total_cost"] += len(b) * bounce
            m.tally["issues_misrouted"] += len(b)
            accepted, g_acc = accepted[~bounced], g_acc[~bounced]
        competence = (handler.competence_of(accepted, g_acc)
                      + p["coordination_competence"] * m.coordination)
        can = book.complexity[accepted] <= competence
        done, g_done = accepted[can], g_acc[can]
        book.done_at[done] = now + handler.handling_delay()
        live[done] = False
        book.handler[done] = s
        unit = handler.cost()
        book.cost[done] += unit
        m.tally["total_cost"] += unit * len(done)
        m.tally["public_cost" if handler.public else "social_cost"] += unit * len(done)
        handler.on_resolved(done, g_done)
        if s == len(STAGES) - 1:
            return
        self.escalate(accepted[~can], s, now, rng)
        stale = waiting[now - book.arrived[waiting] >= p["escalate_after"]]
        self.escalate(stale, s, now, rng)

    def escalate(self, idx: np.ndarray, stage: int, now: int, rng: np.random.Generator) -> None:
        """Send issues one level up; some are lost between handlers on the way."""
        m, book = self.model, self.book
        if len(idx) == 0:
            return
        lost = rng.random(len(idx)) < m.government.loss_probability()
        self.close_unresolved(idx[lost], now, lost=True)
        go = idx[~lost]
        delay = m.government.escalation_delay()
        live = self._live
        if live is not None:  # within the stage loop: lost ones are closed, delayed ones wait
            live[idx[lost]] = False
            if delay > 0:
                live[go] = False
        book.stage[go] = stage + 1
        book.ready[go] = now + delay
        book.arrived[go] = now + delay
        # Each level up is further from the household: the hand-over costs more.
        cost = m.government.escalation_cost() * (1 + stage / len(STAGES))
        book.cost[go] += cost
        m.tally["public_cost"] += cost * len(go)
        m.tally["total_cost"] += cost * len(go)
        m.tally["issues_escalated"] += len(go)

    def finish(self, now: int) -> None:
        """Issues whose handling is complete are resolved; households feel it."""
        book, m = self.book, self.model
        done = np.flatnonzero((book.done_at >= 0) & (book.done_at <= now) & ~book.closed)
        if len(done) == 0:
            return
        handler = book.handler[done]
        counts = np.bincount(handler, minlength=len(STAGES))
        t = m.tally
        for key, c in zip(_RESOLVED_BY, counts.tolist(), strict=True):
            t[key] += c
        t["issues_resolved"] += len(done)
        t["resolution_time_sum"] += float((now - book.created[done]).sum())
        kind = book.kind[done]
        disputes = IS_DISPUTE[kind]
        t["disputes_mediated"] += int((disputes & (handler != GOVERNMENT)).sum())
        t["disputes_closed"] += int(disputes.sum())
        m.population.last_contact[book.household[done]] = now
        m.issues_outcomes.resolved(book.household[done], book.voiced[done],
                                   IS_NEIGHBOURLY[handler], kind)
        book.closed[done] = True

    def abandon(self, now: int) -> None:
        """Issues unresolved for `issue_patience` steps are given up."""
        book = self.book
        old = np.flatnonzero((book.done_at < 0) & ~book.closed
                             & (now - book.created >= self.model.params["issue_patience"]))
        self.close_unresolved(old, now, lost=False)

    def close_unresolved(self, idx: np.ndarray, now: int, lost: bool) -> None:
        book, m = self.book, self.model
        if len(idx) == 0:
            return
        m.tally["issues_lost" if lost else "issues_abandoned"] += len(idx)
        m.tally["disputes_closed"] += int(IS_DISPUTE[book.kind[idx]].sum())
        m.issues_outcomes.failed(book.household[idx], book.voiced[idx], book.known[idx],
                                 book.kind[idx])
        book.closed[idx] = True


class Outcomes:
    """Per-household outcome counts of one step, turned into state changes at once."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parts: dict[str, list[np.ndarray]] = {}

    def _add(self, key: str, households: np.ndarray) -> None:
        self.parts.setdefault(key, []).append(households)

    def resolved(self, hh: np.ndarray, voiced: np.ndarray, neighbourly: np.ndarray,
                 kind: np.ndarray) -> None:
        self._add("resolved", hh)
        self._add("voiced_resolved", hh[voiced])
        self._add("public_resolved", hh[~neighbourly])
        neighbour = IS_NEIGHBOURS_MATTER[kind] & neighbourly
        self._add("neighbour_resolved", hh[neighbour])

    def failed(self, hh: np.ndarray, voiced: np.ndarray, known: np.ndarray,
               kind: np.ndarray) -> None:
        self._add("failed", hh)
        self._add("voiced_failed", hh[voiced])
        self._add("known_failed", hh[known])
        self._add("neighbour_failed", hh[IS_NEIGHBOURS_MATTER[kind] & known])

    def flush(self, population, unknown: np.ndarray) -> None:
        """Apply this step's outcomes to the households they concern, and only to those.

        `unknown` lists the household of every open issue nobody knows about (a household
        appears once per such issue). Most households have no outcome in a given week, so
        the work is proportional to outcomes, not to the community's size.
        """
        self._add("waiting_unknown", unknown)
        keys = list(self.parts)
        chunks = [np.concatenate(self.parts[k]) for k in keys]
        every = np.concatenate(chunks)
        # The sorted distinct households and each entry's place among them, by marking
        # (linear in the community's size) rather than by sorting the entries.
        present = np.zeros(population.n, dtype=bool)
        present[every] = True
        households = np.flatnonzero(present)
        place = np.empty(population.n, dtype=np.intp)
        place[households] = np.arange(len(households))
        where = place[every]
        bounds = [0, *itertools.accumulate(len(c) for c in chunks)]
        counts = {k: np.bincount(where[bounds[i]:bounds[i + 1]], minlength=len(households))
                  for i, k in enumerate(keys)}
        population.apply_outcomes(households, counts)
        self.parts = {}
