"""Everyday neighbouring: chatting, visiting, small help between neighbours (A3, C4).

Summary of rule: each week a resident has a Poisson number of contacts with neighbours,
at a rate that differs between people (sociability, a persistent trait) and is higher
for those at home in the daytime (retired, caring for family), for those who trust their
neighbours, and for those who have lived here longer (one knows
more people); each contact takes time, so a resident whose free hours are spent on
community activities has fewer. Contact builds trust in neighbours, which fades slowly
without it; and it is how a resident knows what the neighbours do, so the ladder's social
pull is felt through acquaintance (`familiarity`). Neighbouring is not a rung: it needs no
place or role, and nobody organises it.
"""

from __future__ import annotations

import numpy as np

from model.people import CARING, RETIRED

WEEKS = 52.0
_INT32_MAX = int(np.iinfo(np.int32).max)  # made once: np.iinfo costs microseconds a call


class Neighbouring:
    """Mixin of `Population`: contacts with neighbours, trust, familiarity."""

    def meet_neighbours(self, rng: np.random.Generator) -> None:
        p = self.p
        at_home = (self.situation == RETIRED) | (self.situation == CARING)
        # the tenure term is the household's: computed per household, read per resident
        years = self.tenure / WEEKS
        known = 1.0 - np.exp(-years / p.nb_tenure_years)
        known *= p.nb_tenure
        log_rate = p.nb_log_rate + self.sociability
        log_rate += p.nb_at_home * at_home
        log_rate += p.nb_trust * self.trust_nbr
        log_rate += known[self.home]
        contacts = rng.poisson(np.exp(log_rate, out=log_rate))
        if p.hours_per_contact > 0:
            left = self.free_hours()
            left -= self.hours_needed()[self.level.astype(np.intp)]
            np.maximum(left, 0.0, out=left)
            # a tiny hours_per_contact makes the room infinite (an overflow, not an error):
            # cap it before the integer cast
            with np.errstate(over="ignore"):
                left /= p.hours_per_contact
            np.minimum(left, _INT32_MAX, out=left)
            room = np.floor(left, out=left).astype(np.int64)
            np.minimum(contacts, room, out=contacts)
        self.contacts_now = contacts.astype(np.int32)
        self.contacts.push(self.contacts_now)
        met = contacts > 0
        t = self.trust_nbr
        t *= 1.0 - p.nb_trust_fade
        t += p.nb_trust_rate * met * (1.0 - t)

    def familiarity(self, who: np.ndarray | None = None) -> np.ndarray:
        """How far a resident (every one, or those of `who`) knows what the neighbours do:
        1 - pull * exp(-contacts / k), with the contacts of the last 52 weeks (`nb_pull` =
        0: everyone is fully aware, the Model 2 rule)."""
        p = self.p
        total = self.contacts.total if who is None else self.contacts.total[who]
        if p.nb_pull <= 0:
            return np.ones(len(total))
        return 1.0 - p.nb_pull * np.exp(-total / p.nb_familiar_contacts)
