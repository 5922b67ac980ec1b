"""The "last kilometre" service loop: issues arise, become known, are handled or escalated.

Issues are rows of the issue book (model/issues.py). Handlers form a chain ordered from the
household upwards (`STAGES`); every step each stage takes the issues waiting at it, lets
each handler instance accept as many as its capacity allows (oldest first), resolves those
within its competence and escalates the rest, slower and costlier the higher they go. The
actors are met only through the ports: handlers, the line's rules, detectors and issue
sources. All of it is array work: the only Python loop is over the seven stages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from model.issues import (
    GOVERNMENT,
    IS_AFFAIRS,
    IS_DISPUTE,
    IS_NEIGHBOURLY,
    STAGES,
    draw_kinds,
    kind_weights,
)
from model.outcomes import Outcomes
from model.ports import Detector, Handler, IssueSource, Model
from model.queues import group_order, integer_capacity, ranks_within_groups

_RESOLVED_BY = tuple(f"resolved_by_{name}" for name in STAGES)  # tally keys, by stage


class ServiceLoop:
    """Runs one step of the issue loop and records what happened in the model's tally."""

    def __init__(self, model: Model, handlers: Sequence[Handler],
                 detectors: Sequence[Detector] = (),
                 sources: Sequence[IssueSource] = ()) -> None:
        self.model = model
        self.book = model.issues
        self.handlers = list(handlers)
        self.detectors = tuple(detectors)
        self.sources = tuple(sources)
        self.outcomes = Outcomes(model.population.households)  # this week's, felt at its end
        self._live: np.ndarray | None = None  # set during the stage loop (see step)
        assert [h.stage for h in self.handlers] == list(range(len(STAGES)))

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
        pop = m.population
        n = pop.households
        hidden = ~book.known
        felt = hidden & (now - book.created >= self.felt_after())
        self.outcomes.flush(pop, unknown=book.household[hidden], felt=book.household[felt])
        pop.open_issues = np.bincount(book.household, minlength=n)
        pop.open_affairs = np.bincount(book.household[IS_AFFAIRS[book.kind]], minlength=n)

    def felt_after(self) -> int:
        """Weeks after which a problem nobody knows of is felt as government's failure
        (`trust_rule = "felt_problems"`); never under "known_failures"."""
        p = self.model.p
        return p.felt_after if p.trust_rule == "felt_problems" else 10**9

    def arise(self, now: int, rng: np.random.Generator) -> None:
        """Households meet problems (a Poisson number in total, spread uniformly) and report
        them or not."""
        m, p = self.model, self.model.p
        pop = m.population
        count = rng.poisson(p.issue_rate * pop.households)
        household = rng.integers(0, pop.households, count)
        kind = draw_kinds(kind_weights(p), count, rng)  # = rng.choice(4, count, p=...)
        extra = [source(now, rng) for source in self.sources]  # e.g. enterprise disputes
        for hh, kd in extra:
            household, kind = np.concatenate([household, hh]), np.concatenate([kind, kd])
        count = len(household)
        reported = rng.random(count) < self.report_probability(household)
        self.book.add(household=household, kind=kind, created=np.full(count, now),
                      complexity=rng.random(count), known=reported, reported=reported,
                      stage=np.zeros(count), ready=np.full(count, now),
                      arrived=np.full(count, now))
        pop.last_contact[household[reported]] = now
        pop.reported.mark("report", household[reported], now)
        t = m.tally
        t["issues_raised"] += count
        t["issues_reported"] += int(reported.sum())
        t["disputes_raised"] += int(IS_DISPUTE[kind].sum())

    def report_probability(self, household: np.ndarray) -> np.ndarray:
        """A household reports a problem of its own to the committee, the hotline or the
        platform with P = clip(report_base - report_cost * channel cost factor +
        report_efficacy * its residents' mean efficacy): service use, open to every
        household whatever its residents' rung. Cheaper channels (the platform, resident
        channels: `voice_cost_factor`) raise it; so does having been answered before.
        """
        m, p = self.model, self.model.p
        cost = p.report_cost * m.voice_cost_factor()
        efficacy = m.population.household_mean_at(m.population.efficacy, household)
        return (p.report_base - cost + p.report_efficacy * efficacy).clip(0.0, 1.0)

    def detect(self, now: int, rng: np.random.Generator) -> None:
        """Unreported issues become known by chance, or found by the actors' detectors."""
        m, book = self.model, self.book
        hidden = (~book.known & ~book.closed).nonzero()[0]
        if len(hidden) == 0:
            return
        chance = np.full(len(hidden), m.p.base_detection)
        for detector in self.detectors:
            extra = detector(hidden)
            if extra is not None:
                chance += extra
        found = hidden[rng.random(len(hidden)) < chance.clip(0.0, 1.0)]
        m.population.last_contact[book.household[found]] = now
        book.known[found] = True
        book.ready[found] = now
        book.arrived[found] = now
        m.tally["issues_detected"] += len(found)

    def process(self, handler: Handler, now: int, rng: np.random.Generator) -> None:
        """One stage: pass on what it does not take, accept by capacity, resolve or escalate."""
        m, book, p = self.model, self.book, self.model.p
        s = handler.stage
        live = self._live
        idx = (live & (book.stage == s)).nonzero()[0]
        if len(idx) == 0:
            handler.used = np.zeros(0)
            return
        group = np.asarray(handler.groups(idx), dtype=np.int64)
        passes = group < 0
        if passes.any():
            skip = idx[passes]
            book.stage[skip] = s + 1
            book.arrived[skip] = now
            stays = ~passes
            take, group = idx[stays], group[stays]
        else:  # this stage takes every issue waiting at it (a central office)
            take = idx
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
            bounced = rng.random(len(accepted)) < m.line.misroute_probability()
            b = accepted[bounced]
            book.ready[b] = now + 1
            live[b] = False
            bounce = m.line.escalation_cost()
            book.cost[b] += bounce
            m.tally["public_cost"] += len(b) * bounce
            m.tally["total_cost"] += len(b) * bounce
            m.tally["issues_misrouted"] += len(b)
            accepted, g_acc = accepted[~bounced], g_acc[~bounced]
        competence = (handler.competence_of(accepted, g_acc)
                      + p.coordination_competence * m.coordination)
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
        stale = waiting[now - book.arrived[waiting] >= p.escalate_after]
        self.escalate(stale, s, now, rng)

    def escalate(self, idx: np.ndarray, stage: int, now: int, rng: np.random.Generator) -> None:
        """Send issues one level up; some are lost between handlers on the way."""
        m, book = self.model, self.book
        if len(idx) == 0:
            return
        lost = rng.random(len(idx)) < m.line.loss_probability()
        self.close_unresolved(idx[lost], now, lost=True)
        go = idx[~lost]
        delay = m.line.escalation_delay()
        live = self._live
        if live is not None:  # within the stage loop: lost ones are closed, delayed ones wait
            live[idx[lost]] = False
            if delay > 0:
                live[go] = False
        book.stage[go] = stage + 1
        book.ready[go] = now + delay
        book.arrived[go] = now + delay
        # Each level up is further from the household: the hand-over costs more.
        cost = m.line.escalation_cost() * (1 + stage / len(STAGES))
        book.cost[go] += cost
        m.tally["public_cost"] += cost * len(go)
        m.tally["total_cost"] += cost * len(go)
        m.tally["issues_escalated"] += len(go)

    def finish(self, now: int) -> None:
        """Issues whose handling is complete are resolved; households feel it."""
        book, m = self.book, self.model
        done = ((book.done_at >= 0) & (book.done_at <= now) & ~book.closed).nonzero()[0]
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
        self.outcomes.resolved(book.household[done], book.reported[done],
                                   IS_NEIGHBOURLY[handler], kind)
        book.closed[done] = True

    def abandon(self, now: int) -> None:
        """Issues unresolved for `issue_patience` steps are given up."""
        book = self.book
        old = ((book.done_at < 0) & ~book.closed
               & (now - book.created >= self.model.p.issue_patience)).nonzero()[0]
        self.close_unresolved(old, now, lost=False)

    def close_unresolved(self, idx: np.ndarray, now: int, lost: bool) -> None:
        book, m = self.book, self.model
        if len(idx) == 0:
            return
        m.tally["issues_lost" if lost else "issues_abandoned"] += len(idx)
        m.tally["disputes_closed"] += int(IS_DISPUTE[book.kind[idx]].sum())
        self.outcomes.failed(book.household[idx], book.reported[idx], book.known[idx],
                                 book.kind[idx])
        book.closed[idx] = True
