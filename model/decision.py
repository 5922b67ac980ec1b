"""The participation ladder's rule: each resident reconsiders, the rung must be had, time wears.

Summary of rule: a resident who reconsiders this week climbs, stays or steps down by a
multinomial logit over the rungs' utilities (McFadden 1974; Brock and Durlauf 2001): the
pull of neighbours already on the rung (as far as the resident knows them), trust,
efficacy, civic consciousness, local problems worth speaking up about, a Party member's
sense of duty on the organised rungs, against each rung's cost, its share of the resident's
free hours, and fatigue. A rung must then be had: rung 3 needs a role and rung 2 a place at
an activity, offered this week by the institutions (model/offers.py); a resident who wants
them and finds none stands one rung lower. No term reads a mechanism's switch.
"""

from __future__ import annotations

import numpy as np

from model.offers import allocate

LEVELS = 4
RUNGS = (1, 2, 3)
# Utilities beyond +-60 change no probability in float32 (exp(-60) ~ 1e-26).
_BOUND = np.float32(60.0)


def _rows(x: np.ndarray, who: np.ndarray | None) -> np.ndarray:
    """Every resident's value, or only those of `who` (in that order)."""
    return x if who is None else x[who]


class Ladder:
    """Mixin of `Population`: the decision, take-up and the time it costs."""

    def rung_utilities(self, social: dict[int, np.ndarray], free: np.ndarray,
                       who: np.ndarray | None = None) -> np.ndarray:
        """Utility of standing on each rung rather than the one below it.

        Row L is the utility of rung L; row 0 is +inf and row 4 -inf, so a resident on
        rung L keeps it with utility row[L] and climbs with row[L + 1]. A rung whose hours
        (with those of the rungs below) exceed the resident's free hours is out of reach
        (-inf). Rung 1 (speaking up on community affairs) also weighs the local problems a
        resident sees in their building: open issues about community affairs and building
        matters (Hirschman 1970: voice answers a felt problem; here a shared one, not one's
        own service request). Rungs 2 and 3 also need trust in neighbours (one acts with
        them) and count a Party member's sense of duty (a trait, in every scenario); on
        rung 2 a fresh invitation saves part of the cost. The table is float32 (utilities
        only feed a random draw); state stays float64. With `who`, only those residents'
        columns are computed; `free` is then still every resident's, and `social` (each
        rung's share of the scope on it or above: `scope_shares`) is always for the
        residents of the table.
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
        pull = p.social_weight * self.familiarity(who)
        for r in RUNGS:
            row = table[r]
            np.multiply(social[r], pull, out=row, casting="same_kind")
            row += base
            row -= np.float32((p.cost_speak, p.cost_guided, p.cost_self)[r - 1])
            need = self.rung_hours[r]
            if need > 0:  # the share of free hours this rung adds to the one below
                # Almost no free hours make the share overflow float32 to inf: the rung is
                # then out of reach (utility -inf), as it is with no free hours at all.
                with np.errstate(over="ignore"):
                    np.multiply(inv_free, need, out=share, casting="same_kind")
                share *= np.float32(p.time_weight)
                row -= share
            if total[r] > 0:
                np.putmask(row, free < total[r], -np.inf)  # not enough hours this week
            if r == 1:
                row += (p.affairs_weight * self.local_problems(who)).astype(
                    np.float32)
                # what rungs 2 and 3 add in common
                base += (p.neighbor_trust_weight * _rows(self.trust_nbr, who)
                         + p.party_duty * _rows(self.party, who)).astype(np.float32)
            if r == 2 and p.invitation_saving > 0:  # an invitation is information
                row += (p.invitation_saving * p.cost_guided
                        * _rows(self.invited, who)).astype(np.float32)
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

    def local_problems(self, who: np.ndarray | None = None) -> np.ndarray:
        """Per resident (or those of `who`): share of the households in their building with
        an open issue about community affairs or a building matter (what there is to speak
        up about)."""
        c = self.community
        open_ = np.bincount(c.building_of[self.open_affairs > 0],  # whole counts: exact
                            minlength=c.n_buildings)
        return (open_ / c.building_size)[_rows(self.building_of, who)]

    def choice_probabilities(self, flat: np.ndarray, who: np.ndarray | None = None,
                             rate: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """P(climb) and P(fall) of every resident (or of `who`) this week.

        A resident reconsiders with probability `adjustment_rate`; if so, they pick fall,
        stay or climb by a multinomial logit over utilities (-U[L], 0, U[L + 1]). The rate
        multiplies every move alike, so it sets the speed of adjustment and leaves the
        stationary shares alone; with rungs 2-3 priced out the rule reduces to Brock and
        Durlauf's binary logit (tests/test_docking.py). `flat` is the raveled table of
        `rung_utilities` for the same residents; `rate` = 1 gives the logit's own chances.
        """
        level = self.level if who is None else self.level[who]
        k = len(level)
        at = level.astype(np.intp)
        at *= k
        at += self._cols[:k]  # flat index of (own rung, resident)
        keep = flat.take(at)
        at += k
        up = flat.take(at)
        down = -keep
        # A rung the resident cannot afford this week (-inf) must be left; otherwise
        # utilities are bounded so that inf - inf never arises.
        forced = down == np.inf
        up.clip(-_BOUND, _BOUND, out=up)
        down.clip(-_BOUND, _BOUND, out=down)
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
        """Every resident reconsiders their rung, all at the same time (synchronous).

        One uniform draw u per resident: they reconsider when u < rate (then v = u / rate
        is again uniform), and pick climb (v < P_up), fall (P_up <= v < P_up + P_down) or
        stay by the logit's chances; a resident whose own rung is out of reach this week
        falls whatever u. Utilities are computed only for the residents who move. Then the
        rung must be had (`take_up`). A resident steered by a human player (the demo's
        participatory mode, `steer` >= 0) wants the player's rung, or the highest below it
        their free hours cover, and takes places and roles by the same take-up.
        """
        rate = self.p.adjustment_rate
        threshold = self.p.decision_rule == "threshold"
        social = self.scope_shares() if threshold else None  # everyone's: see below
        free = self.free_hours()
        u = rng.random(self.n, dtype=np.float32)
        own = self.hours_needed()[self.level.astype(np.intp)]
        forced = (own > 0) & (free < own)  # as the -inf of rung_utilities
        who = ((u < np.float32(rate)) | forced).nonzero()[0]
        mine = self.scope_shares(who) if social is None else {r: social[r][who] for r in RUNGS}
        flat = self.rung_utilities(mine, free, who).reshape(-1)
        up, down = self.choice_probabilities(flat, who, rate=1.0)
        v = u[who]
        if rate > 0:
            v /= np.float32(rate)
        want = self.level.copy()
        want[who] += v < up
        want[who] -= ((v >= up) & (v < up + down)) | forced[who]
        if threshold:
            # Granovetter (1978), the docking rule: active next step exactly when the
            # active share one sees now reaches one's threshold; the logit rule only moves
            # active residents between rungs 1-3.
            active = social[1] >= self.threshold
            want = np.where(active, np.clip(np.maximum(want, 1), 1, 3), 0)
        played = (self.steer >= 0).nonzero()[0]
        if len(played):
            afford = (self.hours_needed()[None, :] <= free[played, None]).sum(axis=1) - 1
            want[played] = np.minimum(self.steer[played], afford)
        want = want.clip(0, 3).astype(np.int8)
        self.level = self.take_up(want, rng)

    def invite(self, who: np.ndarray) -> None:
        """This week's visits: the visited are invited afresh, earlier invitations fade.

        Being asked is among the strongest predictors of taking part (Verba, Schlozman and
        Brady 1995; Rosenstone and Hansen 1993): an invitation tells one what is on, when
        and where, and that someone expects one. It saves part of the cost of guided
        participation (rung 2), and is forgotten at `invitation_fade` a week. `who` are
        residents.
        """
        self.invited *= 1.0 - self.p.invitation_fade
        self.invited[who] = 1.0

    def canvass(self, who: np.ndarray) -> None:
        """A further personal visit this week (a canvasser before an election): the visited
        residents are invited afresh, without another week's fading."""
        self.invited[who] = 1.0

    def take_up(self, want: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Rungs as they can be had: roles for rung 3, then places for rung 2."""
        o = self.offers
        old = self.level
        role, _ = allocate(o.roles, want >= 3, old >= 3, rng, pools=False)
        has_role = role >= 0
        # A role is itself taking part: role holders do not need a place at an activity.
        place, pool = allocate(o.places, (want >= 2) & ~has_role, old == 2, rng)
        has_place = place >= 0
        # 1 for wanting any rung, raised to 2 with a place, 3 with a role: as masked writes
        # of 2 then 3, by branch-free int8 arithmetic (2 | 3 = 3; a write through a random
        # mask costs several times more)
        level = np.minimum(want, 1).astype(np.int8)
        held = has_place.view(np.int8) << 1
        held |= has_role.view(np.int8) * np.int8(3)
        np.maximum(level, held, out=level)
        o.role_of, o.place_of, o.place_pool = role, place, pool
        # the sign of level - old, in int8 without a detour through int16
        move = (level > old).view(np.int8)
        move -= (level < old).view(np.int8)
        self.last_move = move
        return level

    def spend_time(self) -> None:
        """Fatigue: effort beyond what one has worn down; rest restores (ODD 7.5).

        f <- f (1 - recovery) + fatigue_rate * (hours this rung takes / free hours), capped
        at 1; unanswered effort adds on top (experience.py).
        """
        p = self.p
        used = self.hours_needed()[self.level.astype(np.intp)]
        own = self.hours + self.extra_hours
        load = np.divide(used, own, out=np.zeros(self.n), where=own > 0)
        self.fatigue *= 1.0 - p.fatigue_recovery
        self.fatigue += p.fatigue_rate * np.minimum(load, 1.0)
        np.minimum(self.fatigue, 1.0, out=self.fatigue)
