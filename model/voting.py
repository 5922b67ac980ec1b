"""Voting in residents'-committee elections: who votes, for whom, and how turnout is counted.

Summary of rule: on election day each resident votes with a logit chance that rises with
civic consciousness, trust in government, Party membership (a trait), years lived here and
a recent invitation (canvassing), falls with the share of free hours going to the polls
takes, and differs by age band beyond all that (the life-cycle curve of turnout). Under
`election_mode = "household_representative"` the household's most willing resident votes
for the whole household (one ballot per household, as election rules allow: Organic Law
of Urban Residents' Committees, art. 8); under `"individual"` everyone decides for
themselves, and with `proxy_voting` a voter may also cast the ballots of household members
who stay home (Xiong 2008). Official turnout counts every ballot cast; personal turnout
counts residents who went themselves (what surveys ask). Voting is taking part: voters
learn a little civic consciousness (C4).
"""

from __future__ import annotations

import numpy as np

WEEKS_PER_YEAR = 52


class Voting:
    """Mixin of `Population`: one election's ballots."""

    def vote(self, rng: np.random.Generator) -> dict[str, float]:
        """One election day: who votes, and the turnout measures (kept as `last_election`)."""
        p = self.p
        free = self.free_hours()
        years = self.tenure[self.home] / WEEKS_PER_YEAR
        # the share of the week's free hours going to the polls takes (all of them at most)
        share = np.divide(p.hours_vote, free, out=np.ones(self.n), where=free > 0)
        z = (p.vote_base + p.vote_civic * self.civic + p.vote_trust * self.trust_gov
             + p.vote_party * self.party + p.vote_invited * self.invited
             + p.vote_tenure * (1.0 - np.exp(-years / p.vote_tenure_years))
             + np.array([p.vote_age_18_34, 0.0, p.vote_age_60_plus])[self.band]
             - p.vote_time * np.minimum(share, 1.0))
        chance = 1.0 / (1.0 + np.exp(-z))
        u = rng.random(self.n)
        if p.election_mode == "household_representative":
            # The most willing resident of each household goes, for all of it.
            order = np.lexsort((-chance, self.home))
            first = np.ones(self.n, dtype=bool)
            first[1:] = self.home[order][1:] != self.home[order][:-1]
            rep = np.zeros(self.n, dtype=bool)
            rep[order[first]] = True
            went = rep & (u < chance)
            ballot = self.per_household(went.astype(float))[self.home] > 0
        else:
            went = u < chance
            ballot = went.copy()
            if p.proxy_voting:
                someone = self.per_household(went.astype(float))[self.home] > 0
                ballot |= someone & (rng.random(self.n) < p.proxy_share)
        gain = p.vote_civic_gain
        self.civic[went] += gain * (1.0 - self.civic[went])
        out = {"official": float(ballot.mean()), "personal": float(went.mean())}
        for b, name in enumerate(("18_34", "35_59", "60_plus")):
            mine = self.band == b
            out[f"personal_{name}"] = float(went[mine].mean()) if mine.any() else float("nan")
        party = self.party
        out["personal_party"] = float(went[party].mean()) if party.any() else float("nan")
        out["personal_nonparty"] = float(went[~party].mean()) if (~party).any() else float("nan")
        self.last_election = out
        return out
