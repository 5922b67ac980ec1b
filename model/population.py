"""Residents as a structure of arrays: their state, their time, what they learn, their moves.

Households are many and alike, so their state lives in numpy arrays indexed by household and
every per-step update is one array expression; the `Resident` Mesa agents are thin views.

Participation ladder (article B3): 0 inactive, 1 voice, 2 guided participation (attending an
activity someone holds: it needs a place), 3 self-governance (holding a role: it needs one);
the rule that moves households on it is in model/decision.py. What holds participation back
lives here: a weekly time budget that differs between households, fatigue, civic skills
that fade, and households moving out (docs/ODD.md 7.5); and how issues' outcomes move
satisfaction, trust and efficacy.
"""

from __future__ import annotations

import numpy as np

from model.community import Community
from model.decision import LEVELS, Ladder
from model.offers import Offers
from model.params import CoreParams

# Household life situations, which set the weekly time a household can give.
WORKING, RETIRED, CARING = range(3)
WEEKS_PER_YEAR = 52


class Population(Ladder):
    """State of every household, one array per variable (index = household id)."""

    def __init__(self, community: Community, params: CoreParams,
                 rng: np.random.Generator) -> None:
        n = community.n
        self.community, self.p, self.n = community, params, n
        self.level = np.zeros(n, dtype=np.int8)
        self.trust_gov = np.zeros(n)
        self.trust_nbr = np.zeros(n)
        self.efficacy = np.zeros(n)
        self.satisfaction = np.zeros(n)
        self.civic = np.zeros(n)
        self.fatigue = np.zeros(n)
        # Something to raise: 1 while an own issue is open, fading once all are closed.
        self.concern = np.zeros(n)
        # A recent personal invitation to organised activity (a committee visit): 1 in the
        # week of the visit, fading week by week.
        self.invited = np.zeros(n)
        self.hours = np.zeros(n)  # weekly hours the household can give to community life
        self.situation = np.zeros(n, dtype=np.int8)  # WORKING, RETIRED or CARING
        self.cost_shift = np.zeros(n)
        self.threshold = np.zeros(n)
        self.tenure = np.zeros(n, dtype=np.int64)  # weeks since the household moved in
        everyone = np.arange(n, dtype=np.intp)
        self.draw_traits(everyone, rng)
        self.draw_start(everyone, rng)
        self.party = np.zeros(n, dtype=bool)  # set by the Party actor
        self.employer = np.full(n, -1, dtype=np.int32)  # enterprise index, -1 = none
        self.open_issues = np.zeros(n, dtype=np.int32)
        # Last step the household was in touch with the governance system (an issue of its
        # heard or answered, or taking part in organised activity); -inf = never.
        self.last_contact = np.full(n, -10**9, dtype=np.int64)
        # Hours given to households this week by others (an employer's paid volunteer time).
        self.extra_hours = np.zeros(n)
        # Hours each rung adds to the one below it this week (index 0 unused), set by the
        # model from the channels on offer; standing on rung r takes `hours_needed()[r]`.
        self.rung_hours = np.zeros(LEVELS)
        self.offers = Offers(n)
        self.last_move = np.zeros(n, dtype=np.int8)  # -1 fell, 0 stayed, +1 climbed
        # The rung a human player wants for a household this week (-1: the rule decides).
        self.steer = np.full(n, -1, dtype=np.int8)
        self.moved_out = 0  # households replaced this step
        self._table = np.empty((LEVELS + 1, n), dtype=np.float32)  # rung utilities, reused
        self._table[0], self._table[LEVELS] = np.inf, -np.inf
        self._cols = np.arange(n, dtype=np.intp)
        # Running share of each grid's closed, known issues that were answered (word of mouth).
        self.grid_record = np.full(community.n_grids, params.initial_trust_government)

    # --- who the households are ------------------------------------------------------------
    def draw_traits(self, who: np.ndarray, rng: np.random.Generator) -> None:
        """Persistent traits of a household, drawn when it moves in.

        Free hours: life situation (working, retired, caring for someone) sets the mean; a
        lognormal spread around it (mean kept) gives the long right tail of time-use data.
        `cost_shift`: persistent differences in what taking part costs (health, habits);
        without them every household faces the same odds and the community moves in
        lock-step once neighbours pull.
        """
        p, k = self.p, len(who)
        u = rng.random(k)
        situation = np.where(u < p.share_retired, RETIRED,
                             np.where(u < p.share_retired + p.share_caring, CARING,
                                      WORKING))
        mean = np.array([p.hours_working, p.hours_retired, p.hours_caring])[situation]
        sd = p.hours_spread
        self.hours[who] = mean * np.exp(rng.normal(-0.5 * sd * sd, sd, k))
        self.situation[who] = situation
        self.cost_shift[who] = rng.normal(0.0, p.cost_sd, k)
        self.threshold[who] = np.clip(rng.normal(p.threshold_mean, p.threshold_sd, k),
                                      0.0, 1.0)

    def draw_start(self, who: np.ndarray, rng: np.random.Generator) -> None:
        """State of a household at the start (or a newcomer): attitudes, not yet involved."""
        p, k = self.p, len(who)
        sd = p.trust_sd

        def around(mean: float) -> np.ndarray:
            return np.clip(rng.normal(mean, sd, k), 0.0, 1.0)

        self.trust_gov[who] = around(p.initial_trust_government)
        self.trust_nbr[who] = around(p.initial_trust_neighbors)
        self.efficacy[who] = around(p.initial_efficacy)
        self.satisfaction[who] = around(p.initial_satisfaction)
        self.civic[who] = around(p.initial_civic)
        self.fatigue[who] = 0.0
        self.concern[who] = 0.0
        self.invited[who] = 0.0
        self.tenure[who] = 0
        active = rng.random(k) < p.initial_participation
        self.level[who] = active.astype(np.int8)

    # --- views ---------------------------------------------------------------------------
    def shares(self) -> np.ndarray:
        """Share of households on each rung (sums to 1)."""
        return self.level_counts() / self.n

    def level_counts(self) -> np.ndarray:
        """Households on each rung."""
        return np.bincount(self.level, minlength=LEVELS)

    def self_organised_roles(self) -> np.ndarray:
        """Organiser roles per building: one per `self_group_size` guided participants there.

        Spontaneous self-governing action (B3 level 3) needs followers: a resident-run group
        has an organiser only where enough neighbours already take part.
        """
        c = self.community
        part = np.bincount(c.building_of, weights=self.level >= 2, minlength=c.n_buildings)
        return np.floor(part / self.p.self_group_size)

    # --- rules ---------------------------------------------------------------------------
    def invite(self, who: np.ndarray) -> None:
        """This week's visits: the visited are invited afresh, earlier invitations fade.

        Being asked is among the strongest predictors of taking part (Verba, Schlozman and
        Brady 1995; Rosenstone and Hansen 1993): an invitation tells one what is on, when
        and where, and that someone expects one. It saves part of the cost of guided
        participation (rung 2), and is forgotten at `invitation_fade` a week.
        """
        self.invited *= 1.0 - self.p.invitation_fade
        self.invited[who] = 1.0

    def spend_time(self) -> None:
        """Fatigue: effort beyond what one has worn down; rest restores (ODD 7.5).

        f <- f (1 - recovery) + fatigue_rate * (hours this rung takes / free hours), capped
        at 1; unanswered effort adds on top (apply_outcomes).
        """
        p = self.p
        used = self.hours_needed()[self.level.astype(np.intp)]
        own = self.hours + self.extra_hours
        load = np.divide(used, own, out=np.zeros(self.n), where=own > 0)
        self.fatigue *= 1.0 - p.fatigue_recovery
        self.fatigue += p.fatigue_rate * np.minimum(load, 1.0)
        np.minimum(self.fatigue, 1.0, out=self.fatigue)

    def learn(self) -> None:
        """Civic consciousness grows only by taking part (article C4), never by decree.

        Each rung above 0 is one more chance to learn: gain 1 - (1 - rate)^rung, which is
        rate * rung for small rates and never overshoots 1; c <- c + gain * (1 - c). What is
        not practised fades, for everyone, at civic_fade; practice renews it. Together
        c <- c * (1 - gain[rung]) * (1 - fade) + gain[rung] (gain[0] = 0): a household on
        rung r settles near gain / (gain + fade), below 1, and one on rung 0 forgets.
        """
        rate = self.p.civic_learning
        gain = 1.0 - (1.0 - rate) ** np.arange(LEVELS)
        keep = (1.0 - gain) * (1.0 - self.p.civic_fade)
        rung = self.level.astype(np.intp)  # numpy gathers by int8 indices are 2x slower
        self.civic *= keep[rung]
        self.civic += gain[rung]

    def neighbourly_contact(self) -> None:
        """Taking part alongside one's neighbours builds trust among them (C4, A3).

        t <- t + rate * (share of the building taking part, rung >= 2) * (1 - t), for every
        household on rung >= 2: repeated cooperation in a small, stable group is how
        interpersonal trust is learnt (Putnam 1993; Ostrom 1998). No switch enters here:
        only who actually takes part, and with whom.
        """
        c = self.community
        active = self.level >= 2
        per = np.bincount(c.building_of, weights=active, minlength=c.n_buildings)
        share = (per / c.building_size)[c.building_of]
        self.trust_nbr += self.p.neighbour_trust_rate * active * share * (1.0 - self.trust_nbr)

    def turnover(self, rng: np.random.Generator) -> np.ndarray:
        """Households move out at an annual rate; newcomers arrive with fresh traits.

        Weekly chance annual / 52: the expected moves per dwelling and year are the rate
        (what the moves_per_year measure reads and move-rate statistics count). The
        newcomer lives in the same dwelling (same cell, building, grid, employer) but is a
        new household: new time budget and costs,
        attitudes drawn as at the start, on rung 0 and not yet in touch with anyone.
        Returns the ids replaced (actors drop them from their rolls).
        """
        annual = self.p.move_out_rate
        self.tenure += 1
        if annual <= 0:
            self.moved_out = 0
            return np.zeros(0, dtype=np.intp)
        weekly = annual / WEEKS_PER_YEAR
        who = np.flatnonzero(rng.random(self.n) < weekly)
        self.draw_traits(who, rng)
        self.draw_start(who, rng)
        self.level[who] = 0
        self.last_contact[who] = -10**9
        self.moved_out = len(who)
        return who

    def apply_outcomes(self, households: np.ndarray, counts: dict[str, np.ndarray]) -> None:
        """Move satisfaction, trust, efficacy and fatigue by this step's issue outcomes.

        `counts[key][i]` is how many outcomes of a kind household `households[i]` had: keys
        resolved, failed, voiced_resolved, voiced_failed, public_resolved, known_failed,
        neighbour_resolved, neighbour_failed, waiting_unknown (missing keys count zero).
        Trust follows the asymmetry principle (Slovic 1993): each answered issue adds
        gain * (1 - trust), each known failure removes loss * trust with loss > gain. Trust
        in government moves only on what the household knows government was asked to do.
        """
        p, h = self.p, households
        zero = np.zeros(len(h))

        def n(key: str) -> np.ndarray:
            return counts.get(key, zero)

        def rise(x: np.ndarray, rate: float, k: np.ndarray) -> np.ndarray:
            return 1.0 - (1.0 - x) * (1.0 - rate) ** k

        def fall(x: np.ndarray, rate: float, k: np.ndarray) -> np.ndarray:
            return x * (1.0 - rate) ** k

        rate, g, lo, e = (p.satisfaction_rate, p.trust_gain, p.trust_loss,
                          p.efficacy_rate)
        sat = fall(rise(self.satisfaction[h], rate, n("resolved")), rate, n("failed"))
        self.satisfaction[h] = fall(sat, p.waiting_dissatisfaction * rate,
                                    n("waiting_unknown"))
        self.trust_gov[h] = fall(rise(self.trust_gov[h], g, n("public_resolved")), lo,
                                 n("known_failed"))
        self.trust_nbr[h] = fall(rise(self.trust_nbr[h], g, n("neighbour_resolved")), lo,
                                 n("neighbour_failed"))
        self.efficacy[h] = fall(rise(self.efficacy[h], e, n("voiced_resolved")), e,
                                n("voiced_failed"))
        # Effort that went unanswered wears one down (drop-out after unanswered effort).
        self.fatigue[h] = np.minimum(1.0, self.fatigue[h]
                                     + p.fatigue_unanswered * n("voiced_failed"))
        self.hear_from_neighbours(h, n("public_resolved"), n("known_failed"))

    def hear_from_neighbours(self, households: np.ndarray, resolved: np.ndarray,
                             failed: np.ndarray) -> None:
        """Word of mouth: trust in government also follows how the grid's known issues fare.

        A household meets the system about once a year, but hears of its neighbours' cases
        all the time (vicarious experience, Bandura 1997). Each grid keeps a running record
        of the share of its closed, known issues that the public line (grid worker,
        committee, government) answered, as direct trust counts them (an issue nobody ever
        heard of is nobody's failure to tell of); trust moves toward it, faster for those
        who take part (they hear more), and faster down than up (Slovic 1993).
        """
        c, p = self.community, self.p
        grid = c.grid_of[households]
        res_g = np.bincount(grid, weights=resolved, minlength=c.n_grids)
        closed = res_g + np.bincount(grid, weights=failed, minlength=c.n_grids)
        seen = closed > 0
        self.grid_record[seen] += p.record_memory * (res_g[seen] / closed[seen]
                                                        - self.grid_record[seen])
        gap = self.grid_record[c.grid_of]
        gap -= self.trust_gov
        # Speed by (direction, rung): a table of eight, looked up once per household.
        speed = p.word_of_mouth * (1.0 + np.arange(LEVELS))
        down = p.trust_loss / p.trust_gain if p.trust_gain > 0 else 1.0
        table = np.clip(np.concatenate([speed * down, speed]), 0.0, 1.0)
        key = (gap > 0).astype(np.intp)
        key *= LEVELS
        key += self.level  # intp indices: numpy gathers by int8 ones are 2x slower
        gap *= table[key]
        self.trust_gov += gap
