"""The residents' committee (居委會) and its workstation staff (article A2, A2b, B3, C1).

Summary of rule: the committee's staff time, less the administrative work government
pushes down to it, goes first to issues; whatever is left organises residents: with
resident channels on, consultation councils whose seats are roles (self-governance);
answers to residents' suggestions on community affairs (speaking up, rung 1); a share goes
door to door, inviting every resident of the households visited to take part (publicity
and mobilisation, C1a; being asked is what most participants were); the rest runs
activities with places (guided participation). So a committee that drowns in paperwork
organises nobody, whatever the reason its time is short (crowding-out, A2b), and one with
time to spare organises whatever the reason its time is free. Under grid management a
share of its staff become the grid workers, unless they are hired in addition
(agents/grid_worker.py).

Claims: A2 (the committee's staff), A2b (administrative burden crowds out organising), B3
(resident channels, councils, answers to suggestions), C1(a, b, c) (visits: publicity and
mobilisation; answers: consultation).
"""

from __future__ import annotations

from typing import Protocol

import mesa
import numpy as np

from model.actor import Actor, Parts
from model.handlers import CentralHandler
from model.issues import RC
from model.params import CoreParams
from model.pathways import Pathway
from model.ports import Model
from model.schema import CALIBRATED, Mechanism, calibrated, param, section


class Government(Protocol):
    """What the committee needs of government: the administrative work it pushes down."""

    def admin_burden(self) -> float: ...


# The slot-length tension the staff rule's change exposed (said once, in three sources).
SLOT_NOTE = ("the calibrated staff_capacity per 100 households makes a slot about 25 "
             "staff minutes at the norm's 0.45 workers per 100 households and 40-hour weeks "
             "(docs/CALIBRATION.md, 'The grid size the calibration assumed')")


@section("committee")
class CommitteeParams(CoreParams):
    """The committee's staff, how it spends free time, and the resident channels (B3)."""

    staff_capacity: float = param(
        42.4723, "issues the committee's staff could handle per 100 households per week with no "
        "administrative burden (staff scale with the households served, not with how the "
        "community is cut into grids)", article="A2", low=0, high=1000,
        unit="issues/100 households/week",
        source=calibrated(CALIBRATED))
    rc_competence: float = param(
        0.502121, "share of complexity the committee settles", article="A2b", low=0, high=1,
        source=calibrated("rationale"))
    rc_delay: int = param(
        1, "weeks the committee takes to settle an issue it accepts", article="A2b", low=0,
        high=52, unit="weeks", source="rationale")
    cost_rc: float = param(
        1.5, "public cost of one issue handled by the residents' committee", group="costs",
        low=0, high=100, unit="cost units", source="rationale")
    grid_staff_share: float = param(
        0.7, "share of the committee's staff who become grid workers under grid management "
        "when grid_staffing = 'from_committee' (total staff is the same with or without "
        "grids)", article="A2c", low=0, high=1,
        source="rationale: grid work takes most of a community's workers where grids are "
               "relabelled committees (Pei 2021)")
    rc_reply_share: float = param(
        0.2, "share of the committee's free staff time (after issues and councils) spent "
        "answering residents' suggestions on community affairs", article="B3, C1b", low=0,
        high=1,
        source="rationale: consultation work (协商议事) is a standing duty of committees "
               "(Organic Law art. 3); free in calibration")
    rc_replies_per_slot: float = param(
        4.0, "suggestions the committee can answer per issue slot of staff time",
        article="B3", low=0, high=100, unit="suggestions/slot",
        source="rationale: a reply, with looking into the matter, about 20 minutes, and an "
               "issue slot about 1.5 staff hours, as when staff were per 400-household grid; "
               + SLOT_NOTE)
    rc_places_per_slot: float = param(
        30.8043, "places at activities the committee offers per unused issue slot of staff time "
        "(an activity for twenty takes a few staff hours)", article="A2b, B3", low=0, high=100,
        unit="places/slot", source=calibrated(CALIBRATED))
    rc_outreach_share: float = param(
        0.3, "share of the committee's free staff time (after issues and councils) spent "
        "visiting households rather than running activities", article="A2b, C1", low=0, high=1,
        source="rationale: the common norm of annual home visits to every household "
               "(入户走访全覆盖) in committees' work rules; with rc_visits_per_slot, at the "
               "baseline's burden, 0.67 visits per household a year at 60 x 60 while staff "
               "were per 400-household grid, 2.7 now (the calibrated staff per household, "
               "also at the calibration's grids): above the norm, kept because the fit was "
               "made with it; the next recalibration should fix or fit it")
    rc_visits_per_slot: float = param(
        2.0, "households visited (and invited to take part) per issue slot of committee staff "
        "time", article="A2b, C1", low=0, high=100, unit="households/slot",
        source="rationale: a visit with the walk takes 40-60 minutes, and an issue slot "
               "about 1.5 staff hours (18 community workers per 10,000 residents, 1.8 per "
               "400-household grid of about 1,000 residents, as when staff were per grid); "
               + SLOT_NOTE)
    channel_voice_saving: float = param(
        0.5, "share of the time and chance-cost of voicing saved by resident channels "
        "(hotline, app, chat groups)", article="B3", low=0, high=1, source="rationale")
    council_seats_per_grid: float = param(
        8.0, "seats on a grid's residents' consultation council (roles) under resident "
        "channels, when the committee has time to run it", article="B3", low=0, high=1000,
        unit="seats/grid", source="rationale")
    council_slots_per_grid: float = param(
        2.0, "issue slots of committee time a council takes per grid and week", article="B3",
        low=0, high=100, unit="slots/grid/week", source="rationale")


MECHANISMS = (
    Mechanism("resident_channels", "B3", "voicing channels (hotline, app, chat groups, "
              "mailbox) that cut the time voicing takes, and residents' consultation "
              "councils whose seats are roles"),
)

PATHWAYS = (
    Pathway("cheaper_voice_channels", "resident_channels",
            "channels cut the time of speaking up and the chance-cost of reporting",
            {"channel_voice_saving": 0.0}),
    Pathway("council_roles", "resident_channels",
            "consultation councils' seats are roles (committee time permitting)",
            {"council_seats_per_grid": 0.0, "council_slots_per_grid": 0.0}),
    Pathway("committee_activities", "residents' committee",
            "free committee time becomes places at activities", {"rc_places_per_slot": 0.0}),
    Pathway("committee_visits", "residents' committee",
            "free committee time goes door to door, inviting residents to take part",
            {"rc_visits_per_slot": 0.0}),
    Pathway("committee_replies", "residents' committee",
            "free committee time answers residents' suggestions on community affairs",
            {"rc_replies_per_slot": 0.0}),
)


class ResidentsCommittee(mesa.Agent):
    """Serves the whole community from one place; its time is what admin tasks leave over."""

    model: Model[CommitteeParams]

    def __init__(self, model: Model[CommitteeParams], government: Government) -> None:
        super().__init__(model)
        self._government = government
        self._handler = CommitteeHandler(model, self.capacity)
        self.burden = government.admin_burden()  # share of staff time on pushed-down work
        self._staff_share = 1.0  # of the staff the committee keeps (the rest: grid workers)
        self.free_slots = 0.0  # issue slots of staff time unused this week
        self.places = 0.0  # places at activities offered this week
        self.council_seats = 0.0
        self.visits = 0.0  # households visited this week
        # A player's split of the free time (the classroom demo's participatory mode):
        # (share the councils may take, share of the rest for visits). None in every
        # experiment: the rule, (1, rc_outreach_share). See `offer` and docs/ODD.md 7.8.
        self.steer: tuple[float, float] | None = None
        # Its own stream: opening or closing the visits leaves every other draw alone, so
        # comparisons with and without them stay paired.
        self._visit_rng = model.stream("committee visits")

    def prepare(self, now: int) -> None:
        """This week's administrative load, as government pushes it down (A2b)."""
        self.burden = self._government.admin_burden()

    def second_staff(self) -> None:
        """Grid management (A2c) takes grid_staff_share of the staff into the grids; the
        total staff is the same with or without grids."""
        self._staff_share = 1.0 - self.model.p.grid_staff_share

    def seconded_capacity(self) -> float:
        """Issues per week the staff seconded to grids could handle with no burden."""
        p = self.model.p
        return p.staff_capacity * p.grid_staff_share * self.model.community.hundreds

    def capacity(self) -> float:
        """Issues per week: total staff, less grid workers' share, less admin burden.

        Staff are per household served (staffing norms count workers per resident), so
        cutting the same community into smaller grids does not add staff; at the
        calibration's grids of 100 households this is the old per-grid rule exactly."""
        c = self.model.community
        return (self.model.p.staff_capacity * c.hundreds * self._staff_share
                * (1.0 - self.burden))

    def offer(self, now: int) -> None:
        """Staff time left after this week's issues organises residents (A2b, B3).

        Councils first (under resident channels); of what is left, rc_reply_share answers
        suggestions (rc_replies_per_slot each), rc_outreach_share of the rest goes to home
        visits (visits = slots * rc_visits_per_slot, households picked at random, every
        resident of a visited household invited) and the rest to activities: places =
        slots * rc_places_per_slot, spread evenly over the management grids. A player on the
        committee (`steer`) sets the council and visit shares instead; the time, the
        councils' need and the yields stay the model's.
        """
        m, p = self.model, self.model.p
        c = m.community
        council_share, outreach = self.steer or (1.0, p.rc_outreach_share)
        used = float(self._handler.used.sum())
        free = max(0.0, self.capacity() - used)
        self.free_slots = free
        self.council_seats = 0.0
        if m.mechanisms["resident_channels"] and p.council_slots_per_grid > 0:
            need = p.council_slots_per_grid * c.n_grids
            run = min(1.0, free * council_share / need)
            free -= run * need
            self.council_seats = run * p.council_seats_per_grid * c.n_grids
            m.population.offers.add_roles(
                "council", c.grid_of, np.full(c.n_grids, self.council_seats / c.n_grids))
        replying = free * p.rc_reply_share
        m.population.reply_capacity += replying * p.rc_replies_per_slot
        free -= replying
        self.visit(free * outreach * p.rc_visits_per_slot)
        free *= 1.0 - outreach
        self.places = free * p.rc_places_per_slot
        m.population.offers.add_places("committee", c.grid_of,
                                       np.full(c.n_grids, self.places / c.n_grids))

    def visit(self, visits: float) -> None:
        """Each household is visited this week with chance visits / households (at most 1);
        its residents are invited."""
        pop = self.model.population
        self.visits = min(visits, float(pop.households))
        chance = self.visits / pop.households
        who = ((self._visit_rng.random(pop.households) < chance).nonzero()[0]
               if chance > 0 else np.zeros(0, dtype=np.intp))
        pop.invite(pop.residents_of(who))

    def voice_saving(self) -> float:
        m = self.model
        return m.p.channel_voice_saving if m.mechanisms["resident_channels"] else 0.0


class CommitteeHandler(CentralHandler):
    """The residents' committee's queue."""

    stage = RC
    model: Model[CommitteeParams]

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> float:
        return self.model.p.rc_competence

    def cost(self) -> float:
        return self.model.p.cost_rc

    def weeks(self) -> int:
        return self.model.p.rc_delay


def install(model: Model[CommitteeParams], government: Government) -> Parts:
    committee = ResidentsCommittee(model, government)
    return Parts(face=committee, public={"committee": committee},
                 handlers=(committee._handler,), prepare=committee.prepare,
                 offer=committee.offer, voice_saving=committee.voice_saving)


ACTOR = Actor("committee", install, params=(CommitteeParams,), mechanisms=MECHANISMS,
              pathways=PATHWAYS, needs=("government",))
