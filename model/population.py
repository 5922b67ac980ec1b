"""Residents as a structure of arrays, with vectorized participation rules.

Households are many and alike, so their state lives in numpy arrays indexed by household and
every per-step update is one array expression; the `Resident` Mesa agents are thin views.

Participation ladder (article B3): 0 inactive, 1 voice, 2 guided participation,
3 self-governance.
"""

from __future__ import annotations

import numpy as np

from model.community import Community, moore_sum

LEVELS = 4
RUNGS = (1, 2, 3)


class Population:
    """State of every household, one array per variable (index = household id)."""

    def __init__(self, community: Community, params: dict, rng: np.random.Generator) -> None:
        n = community.n
        self.community, self.p, self.n = community, params, n
        sd = params["trust_sd"]

        def around(mean: float) -> np.ndarray:
            return np.clip(rng.normal(mean, sd, n), 0.0, 1.0)

        active = rng.random(n) < params["initial_participation"]
        upper = rng.random(n)
        level = np.where(active, 1 + (upper < 0.25) + (upper < 0.05), 0)
        self.level = level.astype(np.int8)
        self.trust_gov = around(params["initial_trust_government"])
        self.trust_nbr = around(params["initial_trust_neighbors"])
        self.efficacy = around(0.5)
        self.satisfaction = around(0.6)
        self.civic = around(0.2)
        # Persistent differences in what taking part costs a household (time, health,
        # work): without them every household faces the same odds and the whole
        # community moves in lock-step once neighbours pull.
        self.cost_shift = rng.normal(0.0, params["cost_sd"], n)
        self.threshold = np.clip(
            rng.normal(params["threshold_mean"], params["threshold_sd"], n), 0.0, 1.0
        )
        self.party = np.zeros(n, dtype=bool)  # set by the Party committee when it exists
        self.employer = np.full(n, -1, dtype=np.int32)  # enterprise index, -1 = none
        self.open_issues = np.zeros(n, dtype=np.int32)
        # Last step the household was in touch with the governance system (an issue of its
        # heard or answered, or taking part in organised activity); -inf = never.
        self.last_contact = np.full(n, -10**9, dtype=np.int64)
        # Extra utility of each rung from channels, organisers and neighbours' example, rebuilt
        # every step by the mechanisms that are on (index 0 unused).
        self.support = np.zeros((LEVELS, n))
        self._table = np.empty((LEVELS + 1, n), dtype=np.float32)  # rung utilities, reused
        self._table[0], self._table[LEVELS] = np.inf, -np.inf
        self._cols = np.arange(n, dtype=np.intp)
        self.burden = 0.0  # committee's effective administrative burden, set by the model
        # Running share of each grid's closed issues that were answered (word of mouth).
        self.grid_record = np.full(community.n_grids, 0.5)

    # --- views ---------------------------------------------------------------------------
    def shares(self) -> np.ndarray:
        """Share of households on each rung (sums to 1)."""
        return self.level_counts() / self.n

    def level_counts(self) -> np.ndarray:
        """Households on each rung."""
        return np.bincount(self.level, minlength=LEVELS)

    def scope_share_at_least(self, rung: int) -> np.ndarray:
        """Per household: share of its influence scope standing on `rung` or above."""
        on = self.level >= rung
        scope = self.p["influence_scope"]
        c = self.community
        if scope == "global":
            return np.full(self.n, on.mean())
        if scope == "building":
            per = np.bincount(c.building_of, weights=on, minlength=c.n_buildings)
            return (per / c.building_size)[c.building_of]
        return moore_sum(on.reshape(c.width, c.height)).ravel() / c.moore_count

    # --- rules ---------------------------------------------------------------------------
    def rung_utilities(self, social: dict[int, np.ndarray]) -> np.ndarray:
        """Utility of standing on each rung rather than the one below it (logit choice).

        Random-utility binary choice with social interactions (McFadden 1974; Brock and
        Durlauf 2001): the pull of neighbours already on the rung (`social[r]`), trust,
        efficacy and civic consciousness against the rung's cost, plus whatever the active
        mechanisms offer; rungs 2 and 3 also need trust in neighbours and suffer from the
        committee's administrative burden. Row L of the result is the utility of rung L;
        row 0 is +inf (nobody falls below 0) and row 4 is -inf (nobody climbs above 3), so a
        household on rung L keeps it with utility row[L] and climbs with row[L + 1].

        The table is float32 and reused: utilities only feed a random draw, where seven
        significant digits are plenty, and at this width the transcendental functions run
        several times faster than in float64 (benchmarks/README.md). State stays float64.
        """
        p = self.p
        table = self._table
        base = self.common_utility()
        support = self.saturated_support()
        for r in RUNGS:
            row = table[r]
            np.multiply(social[r], p["social_weight"], out=row, casting="same_kind")
            row += base
            row += support[r - 1]
            row -= np.float32(p[("cost_voice", "cost_guided", "cost_self")[r - 1]])
            if r == 1:  # what rungs 2 and 3 add in common
                base += (p["neighbor_trust_weight"] * self.trust_nbr).astype(np.float32)
                base -= np.float32(p["admin_crowding_weight"] * self.burden)
        return table

    def common_utility(self) -> np.ndarray:
        """The part of every rung's utility that does not depend on the rung (float32)."""
        p = self.p
        out = p["trust_weight"] * self.trust_gov
        out += p["efficacy_weight"] * self.efficacy
        out += p["civic_weight"] * self.civic
        out -= self.cost_shift
        return out.astype(np.float32)

    def saturated_support(self) -> np.ndarray:
        """What the mechanisms offer for rungs 1-3 (rows), with diminishing returns.

        A household has only so many evenings: the fifth channel or activity adds less
        than the first, so support S enters as cap * (1 - exp(-S / cap)) (linear for small
        S, never above `support_cap`).
        """
        cap = self.p["support_cap"]
        s = self.support[1:]
        if cap <= 0:
            return np.zeros(s.shape, dtype=np.float32)
        # 1/cap is bounded so that a vanishing cap cannot overflow float32 (0 * inf = nan);
        # below 1e-30 the saturated support is 0 either way.
        out = np.multiply(s, -min(1.0 / cap, 1e30), dtype=np.float32)
        np.expm1(out, out=out)
        out *= np.float32(-cap)
        return out

    def decide(self, rng: np.random.Generator) -> None:
        """Every household reconsiders its rung once, all at the same time (synchronous).

        It climbs one rung with probability P_up = rate * logistic(utility of the rung
        above), otherwise falls one with probability P_down = rate * logistic(-utility of
        its own rung). One uniform draw u per household decides both: climb when
        u < P_up, fall when P_up <= u < P_up + (1 - P_up) P_down, which has exactly the
        probabilities of two independent draws.
        """
        n = self.n
        social = {r: self.scope_share_at_least(r) for r in RUNGS}
        flat = self.rung_utilities(social).reshape(-1)
        at = self.level.astype(np.intp)
        at *= n
        at += self._cols  # flat index of (own rung, household)
        keep = flat.take(at)
        at += n
        up = flat.take(at)
        half_rate = np.float32(0.5 * self.p["adjustment_rate"])
        # rate * logistic(z) = half_rate * (1 + tanh(z / 2)), overflow-free.
        for z, sign in ((up, 0.5), (keep, -0.5)):
            z *= np.float32(sign)
            np.tanh(z, out=z)
            z += np.float32(1.0)
            z *= half_rate
        u = rng.random(n, dtype=np.float32)
        climb = u < up
        keep *= np.float32(1.0) - up  # P(fall) = (1 - P_up) P_down, on top of P_up
        keep += up
        fall = u < keep
        fall &= ~climb
        new = self.level + climb
        new -= fall
        if self.p["decision_rule"] == "threshold":
            # Granovetter (1978): active next step exactly when the active share one sees
            # now reaches one's threshold; the logit rule only moves active households
            # between rungs 1-3.
            active = social[1] >= self.threshold
            new = np.where(active, np.clip(np.maximum(new, 1), 1, 3), 0)
        self.level = np.clip(new, 0, 3).astype(np.int8)

    def learn(self) -> None:
        """Civic consciousness grows only by taking part (article C4), never by decree."""
        rate = self.p["civic_learning"]
        # Each rung above 0 is one more chance to learn: gain 1 - (1 - rate)^rung, which is
        # rate * rung for small rates and never overshoots 1; c <- c + gain * (1 - c).
        # Unused civic skills fade slowly among those who no longer take part (rung 0):
        # c <- c * (1 - rate). Both are c <- c * keep[rung] + gain[rung] (gain[0] = 0).
        gain = 1.0 - (1.0 - rate) ** np.arange(LEVELS)
        keep = 1.0 - gain
        keep[0] = 1.0 - rate
        rung = self.level.astype(np.intp)  # numpy gathers by int8 indices are 2x slower
        self.civic *= keep[rung]
        self.civic += gain[rung]

    def apply_outcomes(self, households: np.ndarray, counts: dict[str, np.ndarray]) -> None:
        """Move satisfaction, trust and efficacy by this step's issue outcomes.

        `counts[key][i]` is how many outcomes of a kind household `households[i]` had: keys
        resolved, failed, voiced_resolved, voiced_failed, public_resolved, known_failed,
        neighbour_resolved, neighbour_failed, waiting_unknown (missing keys count zero).
        Trust follows the asymmetry principle (Slovic 1993): each answered issue adds
        gain * (1 - trust), each ignored one removes loss * trust with loss > gain.
        """
        p, h = self.p, households
        zero = np.zeros(len(h))

        def n(key: str) -> np.ndarray:
            return counts.get(key, zero)

        def rise(x: np.ndarray, rate: float, k: np.ndarray) -> np.ndarray:
            return 1.0 - (1.0 - x) * (1.0 - rate) ** k

        def fall(x: np.ndarray, rate: float, k: np.ndarray) -> np.ndarray:
            return x * (1.0 - rate) ** k

        rate, g, lo, e = p["satisfaction_rate"], p["trust_gain"], p["trust_loss"], EFFICACY_RATE
        sat = fall(rise(self.satisfaction[h], rate, n("resolved")), rate, n("failed"))
        self.satisfaction[h] = fall(sat, 0.2 * rate, n("waiting_unknown"))
        self.trust_gov[h] = fall(rise(self.trust_gov[h], g, n("public_resolved")), lo,
                                 n("known_failed"))
        self.trust_nbr[h] = fall(rise(self.trust_nbr[h], g, n("neighbour_resolved")), lo,
                                 n("neighbour_failed"))
        self.efficacy[h] = fall(rise(self.efficacy[h], e, n("voiced_resolved")), e,
                                n("voiced_failed"))
        self.hear_from_neighbours(h, n("resolved"), n("failed"))

    def hear_from_neighbours(self, households: np.ndarray, resolved: np.ndarray,
                             failed: np.ndarray) -> None:
        """Word of mouth: trust in government also follows how the grid's issues fare.

        A household meets the system about once a year, but hears of its neighbours' cases
        all the time (vicarious experience, Bandura 1997). Each grid keeps a running record
        of the share of its closed issues that were answered; trust moves toward it, faster
        for those who take part (they hear more), and faster down than up (Slovic 1993).
        """
        c, p = self.community, self.p
        grid = c.grid_of[households]
        res_g = np.bincount(grid, weights=resolved, minlength=c.n_grids)
        closed = res_g + np.bincount(grid, weights=failed, minlength=c.n_grids)
        seen = closed > 0
        self.grid_record[seen] += RECORD_MEMORY * (res_g[seen] / closed[seen]
                                                   - self.grid_record[seen])
        gap = self.grid_record[c.grid_of]
        gap -= self.trust_gov
        # Speed by (direction, rung): a table of eight, looked up once per household.
        speed = p["word_of_mouth"] * (1.0 + np.arange(LEVELS))
        down = p["trust_loss"] / p["trust_gain"] if p["trust_gain"] > 0 else 1.0
        table = np.clip(np.concatenate([speed * down, speed]), 0.0, 1.0)
        key = (gap > 0).astype(np.intp)
        key *= LEVELS
        key += self.level  # intp indices: numpy gathers by int8 ones are 2x slower
        gap *= table[key]
        self.trust_gov += gap


# Weight of one step's outcomes in a grid's running record of answered issues.
RECORD_MEMORY = 0.1
# Efficacy moves symmetrically: a voiced issue resolved or not is equally informative.
EFFICACY_RATE = 0.1
