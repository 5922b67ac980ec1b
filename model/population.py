"""Households and their residents as a structure of arrays: who they are, their time, their moves.

Households are many and alike, so their state lives in numpy arrays and every per-step
update is one array expression; the `Household` Mesa agents are thin views.

Two index spaces. A *household* is a dwelling (one per cell): issues arise there, it
reports them, it moves out and in. A *resident* is a person aged 18 or over living in a
household (model/people.py): residents climb the participation ladder, speak up, take part,
vote and meet their neighbours, each with their own free time. `home[r]` is resident r's
household; a household's residents are stored next to each other.

The participation ladder (article B3), per resident: 0 not active; 1 speaking up on
community affairs (建言献策: suggestions through the channels on offer); 2 guided
participation (attending an activity someone holds: it needs a place); 3 self-governance
(holding a role: it needs one). Reporting one's own problem is not a rung: it is a
household's use of the service loop (model/services.py).

The rules live in mixins by theme, each in its own module: the decision and take-up
(`model/ladder.py`), what experience does to attitudes (`model/experience.py`), speaking
up and its answers (`model/speaking.py`), everyday neighbouring (`model/neighbouring.py`)
and voting in committee elections (`model/voting.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from model.community import Community, moore_sum
from model.decision import LEVELS, RUNGS, Ladder
from model.experience import Experience
from model.neighbouring import Neighbouring
from model.offers import Offers
from model.params import CoreParams
from model.people import (
    CARING,
    MAX_PERSONS,
    RETIRED,
    STUDENT,
    WORKING,
    cumulative,
    draw_bands,
    draw_layout,
    draw_situations,
)
from model.recall import LastDone, YearOfCounts
from model.speaking import Speaking
from model.voting import Voting

__all__ = ["LEVELS", "RUNGS", "WEEKS_PER_YEAR", "Population"]

WEEKS_PER_YEAR = 52
T = TypeVar("T")
# What residents did, remembered for the survey-style prevalence measures.
ACTS = ("speak", "activity", "role")


def size_shares(p: CoreParams) -> np.ndarray:
    """Shares of households of 1 .. 5+ persons (schema: household_size_*)."""
    return np.array([getattr(p, f"household_size_{k}") for k in range(1, MAX_PERSONS + 1)])


def band_shares(p: CoreParams) -> np.ndarray:
    return np.array([p.share_age_18_34, max(0.0, 1.0 - p.share_age_18_34
                                               - p.share_age_60_plus),
                     p.share_age_60_plus])


def party_shares(p: CoreParams) -> np.ndarray:
    """Party membership by age band: the age profile (party_age_*) scaled so that the share
    over all residents is party_member_share."""
    profile = np.array([p.party_age_18_34, p.party_age_35_59, p.party_age_60_plus])
    bands = band_shares(p)
    mean = float((profile * bands).sum())
    return np.clip(p.party_member_share * profile / mean, 0.0, 1.0) if mean > 0 else \
        np.zeros(3)


def situation_table(p: CoreParams) -> np.ndarray:
    """Rows: age bands; columns: working, retired, caring, student (schema: situation_*)."""
    table = np.zeros((3, 4))
    for b, band in enumerate(("18_34", "35_59", "60_plus")):
        for s, name in ((RETIRED, "retired"), (CARING, "caring"), (STUDENT, "student")):
            key = f"situation_{name}_{band}"
            table[b, s] = getattr(p, key, 0.0)
        table[b, WORKING] = max(0.0, 1.0 - table[b].sum())
    return table


class DrawTables:
    """What newcomers' draws read from the parameters (`Population.for_params`).

    Households move in every week, a few at a time: rebuilding these small tables from the
    parameters on each call cost more than the draws themselves.
    """

    def __init__(self, p: CoreParams) -> None:
        self.band_cdf = cumulative(band_shares(p))
        self.situation_cdf = cumulative(situation_table(p))
        self.party = party_shares(p)
        self.hours = np.array([p.hours_working, p.hours_retired, p.hours_caring,
                               p.hours_student])


class Population(Ladder, Experience, Speaking, Neighbouring, Voting):
    """Every household and every resident, one array per variable."""

    def __init__(self, community: Community, params: CoreParams,
                 rng: np.random.Generator) -> None:
        p = params
        self.community, self.p = community, p
        self.households = community.n
        self.layout = draw_layout(self.households, size_shares(p), p.child_share, rng)
        lay = self.layout
        n = lay.n_residents
        self.n = n
        self.home = lay.home
        self.adults = lay.adults  # residents per household
        self.grid_of = community.grid_of[self.home]
        self.building_of = community.building_of[self.home]
        self.building_residents = np.bincount(self.building_of, minlength=community.n_buildings)
        # --- per resident -------------------------------------------------------------
        self.level = np.zeros(n, dtype=np.int8)
        self.band = np.zeros(n, dtype=np.int8)  # age band: 18-34, 35-59, 60+
        self.situation = np.zeros(n, dtype=np.int8)  # working, retired, caring, student
        self.trust_gov = np.zeros(n)
        self.trust_nbr = np.zeros(n)
        self.efficacy = np.zeros(n)
        self.satisfaction = np.zeros(n)
        self.civic = np.zeros(n)
        self.fatigue = np.zeros(n)
        # A recent personal invitation (a committee home visit, a canvasser before an
        # election): 1 in the week of the visit, fading week by week.
        self.invited = np.zeros(n)
        self.hours = np.zeros(n)  # weekly hours the resident can give to community life
        self.cost_shift = np.zeros(n)
        self.threshold = np.zeros(n)
        self.party = np.zeros(n, dtype=bool)  # a Party member (drawn with the resident)
        self.sociability = np.zeros(n)  # persistent log-rate of contact with neighbours
        self.employer = np.full(n, -1, dtype=np.int32)  # enterprise index, -1 = none
        # Hours given to residents this week by others (an employer's paid volunteer time).
        self.extra_hours = np.zeros(n)
        self.last_move = np.zeros(n, dtype=np.int8)  # -1 fell, 0 stayed, +1 climbed
        # A human player's wish for a resident (demo's participatory mode): -1 = the rule.
        self.steer = np.full(n, -1, dtype=np.int8)
        self.done = LastDone(n, ACTS)
        self.contacts = YearOfCounts(n)  # contacts with neighbours, last 52 weeks
        self.contacts_now = np.zeros(n, dtype=np.int32)
        # --- per household ------------------------------------------------------------
        self.tenure = np.zeros(self.households, dtype=np.int64)  # weeks since moving in
        self.tenure_step = 1  # weeks of tenure a week adds (the spin-up runs it faster)
        self.open_issues = np.zeros(self.households, dtype=np.int32)
        # Open issues about community affairs or building matters (what neighbours see).
        self.open_affairs = np.zeros(self.households, dtype=np.int32)
        # Last step the household was in touch with the governance system; -inf = never.
        self.last_contact = np.full(self.households, -10**9, dtype=np.int64)
        self.reported = LastDone(self.households, ("report",))
        # Answers to residents' suggestions there is staff time for this week, set by the
        # institutions (the committee's free time, the platform's departments).
        self.reply_capacity = 0.0
        # Turnout of the last residents'-committee election (empty before the first).
        self.last_election: dict[str, float] = {}
        self.moved_out = 0  # households replaced this step
        # Hours each rung adds to the one below it this week (index 0 unused), set by the
        # model from the channels on offer; standing on rung r takes `hours_needed()[r]`.
        self.rung_hours = np.zeros(LEVELS)
        self.offers = Offers(n, self.home)
        self.everyone = np.arange(n, dtype=np.intp)
        self._for_params: dict = {}  # see for_params
        self.draw_residents(np.arange(self.households), rng)
        self.level[:] = (rng.random(n) < p.initial_participation).astype(np.int8)
        self._table = np.empty((LEVELS + 1, n), dtype=np.float32)  # rung utilities, reused
        self._table[0], self._table[LEVELS] = np.inf, -np.inf
        self._cols = np.arange(n, dtype=np.intp)
        # Residents of each dwelling and its Moore neighbours' (a dwelling's size is fixed).
        self._moore_people = moore_sum(self.adults.astype(np.float64).reshape(
            community.width, community.height))
        # Head counts of a 3 x 3 block of dwellings fit int16: a fraction of float64's
        # memory traffic for the per-step Moore sums in `scope_shares`.
        self._moore_dtype = np.int16 \
            if 9 * int(self.adults.max(initial=0)) <= np.iinfo(np.int16).max \
            else np.int64
        # Running share of each grid's closed, known issues that were answered (word of mouth).
        self.grid_record = np.full(community.n_grids, p.initial_trust_government)

    # --- who the residents are ------------------------------------------------------------
    def draw_residents(self, households: np.ndarray, rng: np.random.Generator) -> None:
        """New residents for `households` (at the start, or a household moving in).

        Age band and life situation (people.py); free hours by situation, a lognormal
        spread around the situation's mean (the long right tail of time-use data);
        Party membership by age band; a persistent personal cost of taking part
        (`cost_shift`: health, habits), without which the community moves in lock-step;
        attitudes around the newcomers' means; nothing done here yet.
        """
        p = self.p
        tables = self.for_params("draws", DrawTables)
        who, head = self.layout.members_and_heads(households)
        k = len(who)
        band = self.band[who] = draw_bands(head, tables.band_cdf, p.household_same_band, rng)
        situation = draw_situations(band, tables.situation_cdf, rng)
        self.situation[who] = situation
        means = tables.hours[situation]
        sd = p.hours_spread
        self.hours[who] = means * np.exp(rng.normal(-0.5 * sd * sd, sd, k))
        self.cost_shift[who] = rng.normal(0.0, p.cost_sd, k)
        self.threshold[who] = rng.normal(p.threshold_mean, p.threshold_sd, k).clip(0.0, 1.0)
        self.party[who] = rng.random(k) < tables.party[band]
        self.sociability[who] = rng.normal(0.0, p.nb_sd, k)
        sd = p.trust_sd

        def around(mean: float) -> np.ndarray:
            return rng.normal(mean, sd, k).clip(0.0, 1.0)

        self.trust_gov[who] = around(p.initial_trust_government)
        self.trust_nbr[who] = around(p.initial_trust_neighbors)
        self.efficacy[who] = around(p.initial_efficacy)
        self.satisfaction[who] = around(p.initial_satisfaction)
        self.civic[who] = around(p.initial_civic)
        self.fatigue[who] = 0.0
        self.invited[who] = 0.0
        self.level[who] = 0
        self.steer[who] = -1
        self.done.forget(who)
        self.contacts.forget(who)
        self.contacts_now[who] = 0
        self.employer[who] = -1
        self.tenure[households] = 0
        self.last_contact[households] = -10**9
        self.reported.forget(households)

    def for_params(self, name: str, build: Callable[[CoreParams], T]) -> T:
        """`build(p)` for the current parameters, made once per parameter set: small tables
        the per-step rules read that only the parameters change (the spin-up swaps them)."""
        cache = self._for_params
        if cache.get(None) is not self.p:
            cache.clear()
            cache[None] = self.p
        if name not in cache:
            cache[name] = build(self.p)
        return cache[name]

    # --- views ---------------------------------------------------------------------------
    def shares(self) -> np.ndarray:
        """Share of residents on each rung (sums to 1)."""
        return self.level_counts() / self.n

    def level_counts(self) -> np.ndarray:
        """Residents on each rung."""
        # one comparison and count per rung: bincount would first copy the int8 rungs
        # into intp (the same counts, a few times slower)
        level = self.level
        return np.array([np.count_nonzero(level == r) for r in range(LEVELS)])

    def hours_needed(self) -> np.ndarray:
        """Weekly hours standing on each rung takes (one climbs with what is below too)."""
        return np.cumsum(self.rung_hours)

    def free_hours(self, who: np.ndarray | None = None) -> np.ndarray:
        """Hours a resident can give this week: their own, plus time given to them, less
        fatigue (every resident, or only those in `who`)."""
        if who is None:
            free = self.hours + self.extra_hours
            free *= 1.0 - self.fatigue
            return free
        return (self.hours[who] + self.extra_hours[who]) * (1.0 - self.fatigue[who])

    def per_household(self, values: np.ndarray) -> np.ndarray:
        """Sum of a per-resident quantity over each household's residents."""
        return np.bincount(self.home, weights=values, minlength=self.households)

    def household_mean(self, values: np.ndarray) -> np.ndarray:
        return self.per_household(values) / self.adults

    def household_mean_at(self, values: np.ndarray, households: np.ndarray) -> np.ndarray:
        """`household_mean(values)[households]`, summing only those households' residents.

        The same numbers: `np.bincount` adds each household's residents in their stored
        order either way, and the quotient is by the same head count.
        """
        who = self.layout.members(households)
        counts = self.adults[households]
        row = np.arange(len(households)).repeat(counts)
        return np.bincount(row, weights=values[who], minlength=len(households)) / counts

    def self_organised_roles(self) -> np.ndarray:
        """Organiser roles per building: one per `self_group_size` guided participants there.

        Spontaneous self-governing action (B3 level 3) needs followers: a resident-run group
        has an organiser only where enough neighbours already take part.
        """
        c = self.community
        # an integer count of the participants (as float, the same numbers as a float sum
        # of ones, without converting a mask over every resident to floats)
        part = np.bincount(self.building_of[self.level >= 2], minlength=c.n_buildings)
        return np.floor(part / self.p.self_group_size)

    def scope_share_at_least(self, rung: int) -> np.ndarray:
        """Per resident: share of the residents in their influence scope on `rung` or above."""
        return self.scope_shares()[rung]

    def scope_shares(self, who: np.ndarray | None = None) -> dict[int, np.ndarray]:
        """Per resident (every one, or those of `who`), for each rung r >= 1: the share of
        the residents in their influence scope on r or above.

        One integer count of residents per (place, rung) serves all three rungs; counts
        are whole numbers, so the shares are the same numbers whichever way they are
        summed.
        """
        scope = self.p.influence_scope
        c = self.community
        if scope == "global":
            above = np.bincount(self.level, minlength=LEVELS)[::-1].cumsum()[::-1]
            k = self.n if who is None else len(who)
            return {r: np.full(k, above[r] / self.n) for r in RUNGS}
        if scope == "building":
            place, places = self.building_of, c.n_buildings
        else:  # Moore: the residents of the household's own and its 8 neighbours' dwellings
            place, places = self.home, self.households
        # residents per (rung, place), then on that rung or above, rung 3 down to 1
        key = self.level.astype(np.intp)
        key *= places
        key += place
        per = np.bincount(key, minlength=LEVELS * places)
        above = per.reshape(LEVELS, places)[1:]
        above[1] += above[2]
        above[0] += above[1]
        at = place if who is None else place[who]
        if scope == "building":
            return {r: (above[r - 1] / self.building_residents)[at] for r in RUNGS}
        # The three rungs' Moore sums in one pass, in small integers (at most 8 dwellings'
        # residents: exact, as the float sums of whole counts were), divided only where read.
        count = moore_sum(above.astype(self._moore_dtype).reshape(len(RUNGS), c.width,
                                                                  c.height))
        share = count.reshape(len(RUNGS), -1)[:, at] / self._moore_people.reshape(-1)[at]
        return {r: share[r - 1] for r in RUNGS}

    def remember(self, now: int) -> None:
        """What residents did this week, for the period-prevalence measures."""
        self.done.mark("speak", self.level >= 1, now)
        self.done.mark("activity", self.level >= 2, now)
        self.done.mark("role", self.level >= 3, now)

    # --- households moving ----------------------------------------------------------------
    def turnover(self, rng: np.random.Generator) -> np.ndarray:
        """Households move out at an annual rate; newcomers arrive with fresh residents.

        Weekly chance annual / 52: the expected moves per dwelling and year are the rate.
        The newcomers live in the same dwelling (same cell, building, grid, and the same
        number of residents: a flat's size) but are new people: new ages, situations, time
        budgets and costs, attitudes drawn as at the start, on rung 0, not in touch with
        anyone and not yet known to the neighbours. Returns the households replaced
        (actors drop their residents from their rolls).
        """
        annual = self.p.move_out_rate
        self.tenure += self.tenure_step
        if annual <= 0:
            self.moved_out = 0
            return np.zeros(0, dtype=np.intp)
        weekly = annual / WEEKS_PER_YEAR
        gone = (rng.random(self.households) < weekly).nonzero()[0]
        self.draw_residents(gone, rng)
        self.moved_out = len(gone)
        return gone

    def residents_of(self, households: np.ndarray) -> np.ndarray:
        """Every resident of the given households."""
        return self.layout.members(households)
