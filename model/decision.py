"""The participation rule: each household reconsiders its rung and takes what it can have.

Random-utility choice with social interactions (McFadden 1974; Brock and Durlauf 2001) over
the participation ladder (article B3), and the Granovetter (1978) threshold rule kept for
docking. A rung must be had: rung 2 needs a place at an activity and rung 3 a role, offered
this week by the institutions (model/offers.py), so the rule reads wants, and take-up
decides who stands where (docs/ODD.md 7.5).
"""

from __future__ import annotations

import numpy as np

from model.community import Community, moore_sum
from model.offers import Offers, allocate
from model.params import CoreParams

LEVELS = 4
RUNGS = (1, 2, 3)
# Utilities beyond +-60 change no probability in float32 (exp(-60) ~ 1e-26).
_BOUND = np.float32(60.0)


def _rows(x: np.ndarray, who: np.ndarray | None) -> np.ndarray:
    """Every household's value, or only those of `who` (in that order)."""
    return x if who is None else x[who]


class Ladder:
    """The rule's part of the households (`Population` is one): utilities, odds, decisions.

    It reads the households' state arrays and writes `level`, `concern`, `last_move` and
    the offers' holders; the arrays themselves are declared by `Population`.
    """

    p: CoreParams
    n: int
    community: Community
    hours: np.ndarray
    extra_hours: np.ndarray
    level: np.ndarray
    trust_gov: np.ndarray
    trust_nbr: np.ndarray
    efficacy: np.ndarray
    civic: np.ndarray
    fatigue: np.ndarray
    concern: np.ndarray
    invited: np.ndarray
    cost_shift: np.ndarray
    threshold: np.ndarray
    party: np.ndarray
    open_issues: np.ndarray
    rung_hours: np.ndarray
    steer: np.ndarray
    offers: Offers
    last_move: np.ndarray
    _table: np.ndarray
    _cols: np.ndarray

    # --- what the rule reads: time and the neighbours' example -------------------------
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

    # --- the rule --------------------------------------------------------------------------
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
