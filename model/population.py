"""Residents as a structure of arrays: their state, their time, their choices, their moves.

Households are many and alike, so their state lives in numpy arrays indexed by household and
every per-step update is one array expression; the `Resident` Mesa agents are thin views.

Participation ladder (article B3): 0 inactive, 1 voice, 2 guided participation (attending an
activity someone holds: it needs a place), 3 self-governance (holding a role: it needs one).
What holds participation back lives here too: a weekly time budget that differs between
households, fatigue, civic skills that fade, and households moving out (docs/ODD.md 7.5).
"""

from __future__ import annotations

import numpy as np

from model.community import Community, moore_sum
from model.offers import Offers, allocate
from model.params import CoreParams

LEVELS = 4
RUNGS = (1, 2, 3)
# Household life situations, which set the weekly time a household can give.
WORKING, RETIRED, CARING = range(3)
WEEKS_PER_YEAR = 52
# Utilities beyond +-60 change no probability in float32 (exp(-60) ~ 1e-26).
_BOUND = np.float32(60.0)


def _rows(x: np.ndarray, who: np.ndarray | None) -> np.ndarray:
    """Every household's value, or only those of `who` (in that order)."""
    return x if who is None else x[who]


class Population:
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

    def hours_needed(self) -> np.ndarray:
        """Weekly hours standing on each rung takes (one climbs with what is below too)."""
        return np.cumsum(self.rung_hours)

    def free_hours(self, who: np.ndarray | None = None) -> np.ndarray:
        """Hours a household can give this week: its own, plus time given to it, less fatigue
        (every household, or only those in `who`)."""
        if who is None:
            free = self.hours + self.extra_hours
            free *= 1.0 - self.fatigue
            return free
        return (self.hours[who] + self.extra_hours[who]) * (1.0 - self.fatigue[who])

    def self_organised_roles(self) -> np.ndarray:
        """Organiser roles per building: one per `self_group_size` guided participants there.

        Spontaneous self-governing action (B3 level 3) needs followers: a resident-run group
        has an organiser only where enough neighbours already take part.
        """
        c = self.community
        part = np.bincount(c.building_of, weights=self.level >= 2, minlength=c.n_buildings)
        return np.floor(part / self.p.self_group_size)

    def scope_share_at_least(self, rung: int) -> np.ndarray:
        """Per household: share of its influence scope standing on `rung` or above."""
        on = self.level >= rung
        scope = self.p.influence_scope
        c = self.community
        if scope == "global":
            return np.full(self.n, on.mean())
        if scope == "building":
            per = np.bincount(c.building_of, weights=on, minlength=c.n_buildings)
            return (per / c.building_size)[c.building_of]
        return moore_sum(on.reshape(c.width, c.height)).ravel() / c.moore_count

    # --- rules ---------------------------------------------------------------------------
    def rung_utilities(self, social: dict[int, np.ndarray], free: np.ndarray,
                       who: np.ndarray | None = None) -> np.ndarray:
        """Utility of standing on each rung rather than the one below it (logit choice).

        Random-utility choice with social interactions (McFadden 1974; Brock and Durlauf
        2001): the pull of the influence scope already on the rung, trust, efficacy and
        civic consciousness, and on rung 1 a live concern (something of one's own to
        raise), against the rung's own cost (on rung 2 less what a recent invitation saves:
        knowing what is on, and someone expecting one), the share of the household's free
        hours it adds to the rung below, and fatigue. Rungs 2 and 3 also need trust in
        neighbours (one acts with them), and a Party member's sense of duty counts there (a
        trait, in every scenario). A rung whose hours (with those of the rungs below)
        exceed the household's free hours is out of reach (-inf). Row L is the utility of
        rung L; row 0 is +inf and row 4 -inf, so a household on rung L keeps it with
        utility row[L] and climbs with row[L + 1].

        The table is float32: utilities only feed a random draw, where seven significant
        digits are plenty (benchmarks/README.md). State stays float64. With `who`, only
        those households' columns are computed (in that order); `free` and `social` are
        then still every household's.
        """
        p = self.p
        if who is None:
            table, k = self._table, self.n
        else:
            k = len(who)
            table = np.empty((LEVELS + 1, k), dtype=np.float32)
            table[0], table[LEVELS] = np.inf, -np.inf
            free = free[who]

        base = self.common_utility(who)
        share = np.empty(k, dtype=np.float32)
        inv_free = np.divide(1.0, free, out=np.full(k, np.inf), where=free > 0)
        total = self.hours_needed()
        for r in RUNGS:
            row = table[r]
            np.multiply(_rows(social[r], who), p.social_weight, out=row, casting="same_kind")
            row += base
            row -= np.float32((p.cost_voice, p.cost_guided, p.cost_self)[r - 1])
            need = self.rung_hours[r]
            if need > 0:  # the share of free hours this rung adds to the one below
                np.multiply(inv_free, need, out=share, casting="same_kind")
                share *= np.float32(p.time_weight)
                row -= share
            if total[r] > 0:
                np.putmask(row, free < total[r], -np.inf)  # not enough hours this week
            if r == 2 and p.invitation_saving > 0:  # an invitation is information
                row += (p.invitation_saving * p.cost_guided
                        * _rows(self.invited, who)).astype(np.float32)
            if r == 1:  # voice is worth its time to those with something to raise
                row += (p.concern_weight * _rows(self.concern, who)).astype(np.float32)
                # what rungs 2 and 3 add in common
                base += (p.neighbor_trust_weight * _rows(self.trust_nbr, who)
                         + p.party_duty * _rows(self.party, who)).astype(np.float32)
        return table

    def common_utility(self, who: np.ndarray | None = None) -> np.ndarray:
        """The part of every rung's utility that does not depend on the rung (float32)."""
        p = self.p
        out = p.trust_weight * _rows(self.trust_gov, who)
        out += p.efficacy_weight * _rows(self.efficacy, who)
        out += p.civic_weight * _rows(self.civic, who)
        out -= p.fatigue_weight * _rows(self.fatigue, who)
        out -= _rows(self.cost_shift, who)
        return out.astype(np.float32)

    def choice_probabilities(self, flat: np.ndarray, who: np.ndarray | None = None,
                             rate: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """P(climb) and P(fall) of every household (or of `who`) this week.

        A household reconsiders with probability `adjustment_rate`; if it does, it picks
        fall, stay or climb by a multinomial logit over utilities (-U[L], 0, U[L + 1]).
        The rate multiplies every move alike, so it sets the speed of adjustment and leaves
        the stationary shares alone; and with rungs 2-3 priced out the rule reduces to
        Brock and Durlauf's binary logit (tests/test_docking.py). `flat` is the raveled
        table of `rung_utilities` for the same households; `rate` = 1 gives the logit's
        own chances, given that the household reconsiders.
        """
        level = self.level if who is None else self.level[who]
        k = len(level)
        at = level.astype(np.intp)
        at *= k
        at += self._cols[:k]  # flat index of (own rung, household)
        keep = flat.take(at)
        at += k
        up = flat.take(at)
        down = -keep
        # A rung the household cannot afford this week (-inf: not enough hours) must be
        # left; otherwise utilities are bounded so that inf - inf never arises.
        forced = down == np.inf
        np.clip(up, -_BOUND, _BOUND, out=up)
        np.clip(down, -_BOUND, _BOUND, out=down)
        top = np.maximum(np.maximum(up, down), np.float32(0.0))
        up -= top
        np.exp(up, out=up)
        down -= top
        np.exp(down, out=down)
        stay = np.exp(-top)
        total = up + down + stay
        rate = np.float32(self.p.adjustment_rate if rate is None else rate)
        up *= rate / total
        down *= rate / total
        up[forced] = 0.0
        down[forced] = 1.0
        return up, down

    def decide(self, rng: np.random.Generator) -> None:
        """Every household reconsiders its rung, all at the same time (synchronous).

        One uniform draw u per household: it reconsiders when u < rate (then v = u / rate
        is again uniform), and picks climb (v < P_up), fall (P_up <= v < P_up + P_down) or
        stay by the logit's chances; a household whose own rung is out of reach this week
        falls whatever u. This is the rule of `choice_probabilities` (P = rate x the
        logit's chance), with utilities computed only for the households that move: about
        `adjustment_rate` of them. Then the rung must be had: rung 3 needs a role and rung
        2 a place at an activity, offered this week by the institutions (model/offers.py);
        a household that wants them and finds none stands one rung lower.

        A household a human player steers (`steer` >= 0, the classroom's participatory
        mode) wants the player's rung instead, or the highest rung below it that its free
        hours cover; it then takes places and roles by the same take-up as everyone else.
        """
        self.feel_concerns()
        rate = self.p.adjustment_rate
        social = {r: self.scope_share_at_least(r) for r in RUNGS}
        free = self.free_hours()
        u = rng.random(self.n, dtype=np.float32)
        own = self.hours_needed()[self.level.astype(np.intp)]
        forced = (own > 0) & (free < own)  # as the -inf of rung_utilities
        who = np.flatnonzero((u < np.float32(rate)) | forced)
        flat = self.rung_utilities(social, free, who).reshape(-1)
        up, down = self.choice_probabilities(flat, who, rate=1.0)
        v = u[who]
        if rate > 0:
            v /= np.float32(rate)
        want = self.level.copy()
        want[who] += v < up
        want[who] -= ((v >= up) & (v < up + down)) | forced[who]
        if self.p.decision_rule == "threshold":
            # Granovetter (1978), the docking rule: active next step exactly when the
            # active share one sees now reaches one's threshold; the logit rule only moves
            # active households between rungs 1-3.
            active = social[1] >= self.threshold
            want = np.where(active, np.clip(np.maximum(want, 1), 1, 3), 0)
        want = np.clip(want, 0, 3).astype(np.int8)
        steered = np.flatnonzero(self.steer >= 0)
        if len(steered):  # the same hours limit as the rule's -inf: no rung beyond F
            rungs = np.arange(LEVELS)
            fits = (self.hours_needed() <= free[steered, None]) | (rungs == 0)
            fits &= rungs <= self.steer[steered, None]
            want[steered] = (fits * rungs).max(axis=1)
        self.level = self.take_up(want, rng)

    def feel_concerns(self) -> None:
        """A household with an open issue has something to raise; once its issues are
        closed the concern fades (c <- c (1 - concern_fade)). Voice (rung 1) is worth its
        time mostly to those with a concern (Hirschman 1970), so how many voice follows
        from how many have issues, not only from what voicing costs."""
        self.concern *= 1.0 - self.p.concern_fade
        self.concern[self.open_issues > 0] = 1.0

    def invite(self, who: np.ndarray) -> None:
        """This week's visits: the visited are invited afresh, earlier invitations fade.

        Being asked is among the strongest predictors of taking part (Verba, Schlozman and
        Brady 1995; Rosenstone and Hansen 1993): an invitation tells one what is on, when
        and where, and that someone expects one. It saves part of the cost of guided
        participation (rung 2), and is forgotten at `invitation_fade` a week.
        """
        self.invited *= 1.0 - self.p.invitation_fade
        self.invited[who] = 1.0

    def take_up(self, want: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Rungs as they can be had: roles for rung 3, then places for rung 2."""
        o = self.offers
        old = self.level
        role, _ = allocate(o.roles, want >= 3, old >= 3, rng)
        has_role = role >= 0
        # A role is itself taking part: role holders do not need a place at an activity.
        place, pool = allocate(o.places, (want >= 2) & ~has_role, old == 2, rng)
        has_place = place >= 0
        level = np.minimum(want, 1).astype(np.int8)
        level[has_place] = 2
        level[has_role] = 3
        o.role_of, o.place_of, o.place_pool = role, place, pool
        self.last_move = np.sign(level.astype(np.int16) - old).astype(np.int8)
        return level

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
