"""The residents' committee (居委會) and its workstation staff (article A2b, B3).

Summary of rule: the committee's staff time, less the administrative work pushed down to
it, goes first to issues; whatever is left organises residents: activities with places
(guided participation) and, with resident channels on, consultation councils whose seats
are roles (self-governance); and a share of it goes door to door, inviting households to
take part (publicity and mobilisation, C1a; being asked is what most participants were).
So a committee that drowns in paperwork organises nobody,
whatever the reason its time is short (crowding-out, A2b), and one with time to spare
organises whatever the reason its time is free.
"""

from __future__ import annotations

import mesa
import numpy as np

from model.params import CALIBRATED, add_section
from model.schema import Param, param
from model.services import RC, CentralHandler

_G = "committee"

SPECS: list[Param] = [
    param("staff_capacity", float, 46.2, "issues the committee's staff could handle per "
          "management grid per week with no administrative burden", article="A2",
          group=_G, low=0, high=1000, unit="issues/grid/week",
          source=CALIBRATED),
    param("rc_competence", float, 0.75, "share of complexity the committee settles",
          article="A2b", group=_G, low=0, high=1, source="rationale"),
    param("rc_delay", int, 1, "weeks the committee takes to settle an issue it accepts",
          article="A2b", group=_G, low=0, high=52, unit="weeks", source="rationale"),
    param("cost_rc", float, 1.5, "public cost of one issue handled by the residents' committee",
          group="costs", low=0, high=100, unit="cost units", source="rationale"),
    param("grid_staff_share", float, 0.7, "share of the committee's staff who become grid "
          "workers under grid management (total staff is the same with or without grids)",
          article="A2c", group=_G, low=0, high=1, source="rationale"),
    param("rc_places_per_slot", float, 11.3, "places at activities the committee offers per "
          "unused issue slot of staff time (an activity for twenty takes a few staff hours)",
          article="A2b, B3", group=_G, low=0, high=100, unit="places/slot",
          source=CALIBRATED),
    param("rc_outreach_share", float, 0.3, "share of the committee's free staff time (after "
          "issues and councils) spent visiting households rather than running activities",
          article="A2b, C1", group=_G, low=0, high=1,
          source="rationale: with rc_visits_per_slot, at the baseline's burden about two "
                 "households in three are visited a year (0.67 at 60 x 60), near the common "
                 "norm of annual home visits to every household (入户走访全覆盖) in "
                 "committees' work rules"),
    param("rc_visits_per_slot", float, 2.0, "households visited (and invited to take part) "
          "per issue slot of committee staff time", article="A2b, C1", group=_G, low=0,
          high=100, unit="households/slot",
          source="rationale: an issue slot is about 1.5 staff hours (18 community workers "
                 "per 10,000 residents, about 1,000 residents per grid); a visit with the "
                 "walk takes 40-60 minutes"),
    param("channel_voice_saving", float, 0.5, "share of the time and chance-cost of voicing "
          "saved by resident channels (hotline, app, chat groups)", article="B3", group=_G,
          low=0, high=1, source="rationale"),
    param("council_seats_per_grid", float, 8.0, "seats on a grid's residents' consultation "
          "council (roles) under resident channels, when the committee has time to run it",
          article="B3", group=_G, low=0, high=1000, unit="seats/grid", source="rationale"),
    param("council_slots_per_grid", float, 2.0, "issue slots of committee time a council "
          "takes per grid and week", article="B3", group=_G, low=0, high=100,
          unit="slots/grid/week", source="rationale"),
]
add_section(SPECS)


class ResidentsCommittee(mesa.Agent):
    """Serves the whole community from one place; its time is what admin tasks leave over."""

    def __init__(self, model) -> None:
        super().__init__(model)
        self.burden = model.params["rc_admin_burden"]
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

    def staff_share(self) -> float:
        return 1.0 - self.model.params["grid_staff_share"] if self.model.grid_workers else 1.0

    def capacity(self) -> float:
        """Issues per week: total staff, less grid workers' share, less admin burden."""
        c = self.model.community
        return (self.model.params["staff_capacity"] * c.n_grids * self.staff_share()
                * (1.0 - self.burden))

    def offer(self, now: int) -> None:
        """Staff time left after this week's issues organises residents (A2b, B3).

        Councils first (under resident channels); of what is left, rc_outreach_share goes
        to home visits (visits = slots * rc_visits_per_slot, spread evenly over the grids,
        households picked at random) and the rest to activities: per management grid,
        places = slots * rc_places_per_slot. A player on the committee (`steer`) sets the
        two shares instead; the time, the councils' need and the yields stay the model's.
        """
        m, p = self.model, self.model.params
        c = m.community
        council_share, outreach = self.steer or (1.0, p["rc_outreach_share"])
        used = float(m.service_handlers[RC].used.sum())
        free = max(0.0, self.capacity() - used)
        self.free_slots = free
        self.council_seats = 0.0
        if m.mechanisms["resident_channels"] and p["council_slots_per_grid"] > 0:
            need = p["council_slots_per_grid"] * c.n_grids
            run = min(1.0, free * council_share / need)
            free -= run * need
            self.council_seats = run * p["council_seats_per_grid"] * c.n_grids
            m.population.offers.add_roles(
                "council", c.grid_of, np.full(c.n_grids, self.council_seats / c.n_grids))
        self.visit(free * outreach * p["rc_visits_per_slot"])
        free *= 1.0 - outreach
        self.places = free * p["rc_places_per_slot"]
        m.population.offers.add_places("committee", c.grid_of,
                                       np.full(c.n_grids, self.places / c.n_grids))

    def visit(self, visits: float) -> None:
        """Each household is visited this week with chance visits / households (at most 1)."""
        pop = self.model.population
        self.visits = min(visits, float(pop.n))
        chance = self.visits / pop.n
        who = (np.flatnonzero(self._visit_rng.random(pop.n) < chance) if chance > 0
               else np.zeros(0, dtype=np.intp))
        pop.invite(who)

    def voice_saving(self) -> float:
        m = self.model
        return m.params["channel_voice_saving"] if m.mechanisms["resident_channels"] else 0.0


class CommitteeHandler(CentralHandler):
    """The residents' committee's queue."""

    stage = RC
    office, prefix = "committee", "rc"


def install(model) -> None:
    model.committee = ResidentsCommittee(model)
    model.service_handlers[RC] = CommitteeHandler(model)
    model.submodels.append(model.committee)
