"""What experience does to residents' attitudes: outcomes of their household's issues, word of
mouth, learning by taking part, and trust learnt by acting with neighbours.

Summary of rule: trust, satisfaction and efficacy move only on what residents experience or
hear of (their household's issues answered or failed, their grid's record, their own
suggestions answered); civic consciousness grows only by taking part and fades without it
(article C4); trust in neighbours grows by acting with them. Trust follows the asymmetry
principle: gained slowly, lost fast (Slovic 1993). No switch enters here.
"""

from __future__ import annotations

import numpy as np

from model.decision import LEVELS
from model.params import CoreParams

_POWERS: dict[tuple[float, int], np.ndarray] = {}  # (base, top) -> base ** 0 .. base ** top


def powers(base: float, k: np.ndarray) -> np.ndarray:
    """`base ** k` for whole counts k >= 0 (an integer array), by look-up in a table of
    `base ** 0 .. base ** max(k)`: counts are small and many, and a gather is several
    times cheaper than `pow` per element. The table is made by the same `**`, so the
    numbers are the same; it is kept for the next call with the same base and top count
    (a few a step; the bases are rates, fixed within a run)."""
    if len(k) == 0:
        return np.ones(0)
    top = int(k.max())
    table = _POWERS.get((base, top))
    if table is None:
        if len(_POWERS) > 4096:  # many parameter sets in one process (a study's runs)
            _POWERS.clear()
        table = _POWERS[base, top] = base ** np.arange(top + 1)
    return table[k]


def _word_of_mouth(p: CoreParams) -> np.ndarray:
    """Word of mouth's pull by (trust falling or rising, rung): `hear_from_neighbours`."""
    speed = p.word_of_mouth * (1.0 + np.arange(LEVELS))
    down = p.trust_loss / p.trust_gain if p.trust_gain > 0 else 1.0
    return np.concatenate([speed * down, speed]).clip(0.0, 1.0)


def _rise(x: np.ndarray, rate: float, k: np.ndarray) -> np.ndarray:
    return 1.0 - (1.0 - x) * powers(1.0 - rate, k)


def _fall(x: np.ndarray, rate: float, k: np.ndarray) -> np.ndarray:
    return x * powers(1.0 - rate, k)


class Experience:
    """Mixin of `Population`: outcomes, word of mouth, civic learning, neighbourly trust."""

    def apply_outcomes(self, households: np.ndarray, counts: dict[str, np.ndarray]) -> None:
        """Move the attitudes of the residents of `households` by this step's issue outcomes.

        `counts[key][i]` is how many outcomes of a kind household `households[i]` had: keys
        resolved, failed, reported_resolved, reported_failed, public_resolved,
        known_failed, neighbour_resolved, neighbour_failed, waiting_unknown, felt_waiting
        (missing keys count zero). Every resident of the household lives with its issues.
        Trust in government moves on what the household knows government was asked to do
        and failed (`trust_rule = "known_failures"`); under `trust_rule = "felt_problems"`
        a problem of its own left unanswered for `felt_after` weeks also wears it down
        each week, whether or not anyone was told (disorder lowers trust in those held
        responsible: Bradford and Myhill 2015; negativity bias: Olsen 2015).
        """
        p = self.p
        members = self.layout.members(households)
        reps = self.adults[households]
        zero = np.zeros(len(members), dtype=np.intp)

        def n(key: str) -> np.ndarray:
            c = counts.get(key)
            return zero if c is None else np.repeat(c, reps)

        h = members
        rate, g, lo, e = (p.satisfaction_rate, p.trust_gain, p.trust_loss,
                          p.efficacy_rate)
        sat = _fall(_rise(self.satisfaction[h], rate, n("resolved")), rate, n("failed"))
        self.satisfaction[h] = _fall(sat, p.waiting_dissatisfaction * rate,
                                     n("waiting_unknown"))
        trust = _fall(_rise(self.trust_gov[h], g, n("public_resolved")), lo, n("known_failed"))
        if p.trust_rule == "felt_problems":
            trust = _fall(trust, lo * p.felt_weight, n("felt_waiting"))
        self.trust_gov[h] = trust
        self.trust_nbr[h] = _fall(_rise(self.trust_nbr[h], g, n("neighbour_resolved")), lo,
                                  n("neighbour_failed"))
        self.efficacy[h] = _fall(_rise(self.efficacy[h], e, n("reported_resolved")), e,
                                 n("reported_failed"))
        # Effort that went unanswered wears one down (drop-out after unanswered effort).
        self.fatigue[h] = np.minimum(1.0, self.fatigue[h]
                                     + p.fatigue_unanswered * n("reported_failed"))
        self.hear_from_neighbours(households, counts.get("public_resolved"),
                                  counts.get("known_failed"))

    def served(self, who: np.ndarray, gain: float) -> float:
        """Residents served by a service that meets their need (a firm's project for its own
        staff, B4 ii): satisfaction s <- s + gain * (1 - s), as an issue resolved for them.
        Returns the total rise (what the firm sees of its staff's morale)."""
        old = self.satisfaction[who]
        self.satisfaction[who] = old + gain * (1.0 - old)
        return float((self.satisfaction[who] - old).sum())

    def hear_from_neighbours(self, households: np.ndarray, resolved: np.ndarray | None,
                             failed: np.ndarray | None) -> None:
        """Word of mouth: trust in government also follows how the grid's known issues fare.

        A household meets the system about once a year, but hears of its neighbours' cases
        all the time (vicarious experience, Bandura 1997). Each grid keeps a running record
        of the share of its closed, known issues that the public line answered; every
        resident's trust moves toward it, faster for those who take part (they hear more),
        and faster down than up (Slovic 1993).
        """
        c, p = self.community, self.p
        zero = np.zeros(len(households))
        resolved = zero if resolved is None else resolved
        failed = zero if failed is None else failed
        grid = c.grid_of[households]
        res_g = np.bincount(grid, weights=resolved, minlength=c.n_grids)
        closed = res_g + np.bincount(grid, weights=failed, minlength=c.n_grids)
        seen = closed > 0
        self.grid_record[seen] += p.record_memory * (res_g[seen] / closed[seen]
                                                        - self.grid_record[seen])
        gap = self.grid_record[self.grid_of]
        gap -= self.trust_gov
        table = self.for_params("word_of_mouth", _word_of_mouth)
        key = (gap > 0).astype(np.intp)
        key *= LEVELS
        key += self.level  # intp indices: numpy gathers by int8 ones are 2x slower
        gap *= table[key]
        self.trust_gov += gap

    def learn(self) -> None:
        """Civic consciousness grows only by taking part (article C4), never by decree.

        Each rung above 0 is one more chance to learn: gain 1 - (1 - rate)^rung, which is
        rate * rung for small rates and never overshoots 1; c <- c + gain * (1 - c). What is
        not practised fades, for everyone, at civic_fade; practice renews it. Together
        c <- c * (1 - gain[rung]) * (1 - fade) + gain[rung] (gain[0] = 0): a resident on
        rung r settles near gain / (gain + fade), below 1, and one on rung 0 forgets.
        """
        rate = self.p.civic_learning
        gain = 1.0 - (1.0 - rate) ** np.arange(LEVELS)
        keep = (1.0 - gain) * (1.0 - self.p.civic_fade)
        rung = self.level.astype(np.intp)
        self.civic *= keep[rung]
        self.civic += gain[rung]

    def act_together(self) -> None:
        """Taking part alongside one's neighbours builds trust among them (C4, A3).

        t <- t + rate * (share of the building's residents taking part, rung >= 2) * (1 - t),
        for every resident on rung >= 2: repeated cooperation in a small, stable group is
        how interpersonal trust is learnt (Putnam 1993; Ostrom 1998).
        """
        c = self.community
        active = (self.level >= 2).nonzero()[0]
        building = self.building_of[active]
        per = np.bincount(building, minlength=c.n_buildings)  # whole counts
        # Only the active residents' trust moves (everyone else's gained rate * 0 * ... =
        # +0.0 exactly), so only they are computed, with the same operations in order.
        t = self.trust_nbr[active]
        t += self.p.neighbour_trust_rate * (per / self.building_residents)[building] * (1.0 - t)
        self.trust_nbr[active] = t
