"""Residents'-committee elections (居委会换届选举): every five years the residents vote.

Summary of rule: the residents' committee is an elected body of residents' self-government
(居民自治). Its term is five years (Organic Law of Urban Residents' Committees, art. 8, as
amended on 2018-12-29; three years before). In the weeks before election day the
committee's home visits and, under grid management, the grid workers canvass households
(an invitation, as for activities); on election day residents vote by the core's rule
(model/voting.py), in person, by household representative or by proxy as `election_mode`
and `proxy_voting` say. The election writes no one's mind: it records who voted, and voters
learn a little civic consciousness by doing it (C4). Elections are held in every scenario,
on the same calendar, drawn from their own random stream.

Claims: A2 (the committee as an elected body of residents' self-government), B3 (voting
as participation), C4 (consciousness formed by real participation).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from model.actor import Actor, Parts
from model.params import CoreParams
from model.ports import Model
from model.schema import param, section


class GridWorkers(Protocol):
    """What the campaign needs of grid management: whom its workers can canvass."""

    def canvass_chance(self) -> np.ndarray | None: ...


@section("elections")
class ElectionParams(CoreParams):
    """The election calendar and how ballots may be cast (the voting rule is the core's)."""

    election_term: int = param(
        260, "weeks between residents'-committee elections (the committee's term)",
        article="A2, B3", low=1, high=5000, unit="weeks",
        source="Organic Law of Urban Residents' Committees art. 8 as amended 2018-12-29: "
               "'居民委员会每届任期五年' (NPC Standing Committee decision; confirmed in the "
               "explanation of the 2025 revision, npc.gov.cn 2025-10-30)")
    election_offset: int = param(
        0, "week (counted from week 0) of an election day; the others are a whole number of "
        "terms before and after it, in the burn-in too", low=0, high=5000, unit="weeks",
        source="rationale: an election in the burn-in's last week, so week 0 reports the "
               "turnout of a settled community and an eight-year run sees one more, in year 5 "
               "(with no burn-in, turnout is undefined until the first election)")
    election_mode: str = param(
        "individual", "who votes: 'individual' (every resident aged 18+ decides) or "
        "'household_representative' (the household's most willing resident votes for all of "
        "it)", article="B3", choices=("individual", "household_representative"),
        source="Organic Law art. 8: members are elected by all residents with the right to "
               "vote, or by one representative of each household (户代表), or by residents' "
               "group representatives; Xiong 2008: the household is the usual voting unit")
    proxy_voting: bool = param(
        True, "whether a voter may also cast the ballots of household members who stay home "
        "(委托投票)",
        source="Xiong 2008 (社会 28(3)): proxy voting is unrestricted in Shanghai's "
               "residents'-committee elections, which is why official turnout is high")
    proxy_share: float = param(
        0.8, "chance that a resident who does not vote but lives with a voter has their "
        "ballot cast by proxy (proxy_voting on)", low=0, high=1,
        source="rationale: official turnout is about 90% (e.g. 91% in one sub-district: "
               "31,088 of 34,157 registered voters, chxf.gov.cn) against 48% who say they "
               "voted (SUNS 2017): most of the gap is ballots cast for others; free in "
               "calibration")
    election_campaign: int = param(
        4, "weeks before election day in which the committee's visits and the grid workers "
        "canvass voters", low=0, high=52, unit="weeks",
        source="rationale: the voter registration and publicity period of an election (about "
               "a month)")


class Elections:
    """The submodel: the election calendar, the canvass, election day."""

    model: Model[ElectionParams]

    def __init__(self, model: Model[ElectionParams], grid_worker: GridWorkers) -> None:
        self.model = model
        self._grids = grid_worker
        # Its own stream: elections draw the same in every scenario (common random numbers)
        # and leave every other draw alone.
        self.rng = model.stream("elections")
        self.held = 0

    def weeks_to_election(self) -> int:
        """Weeks from now to the next election day (0 on the day)."""
        p = self.model.p
        return (p.election_offset - self.model.step_count) % p.election_term

    def prepare(self, now: int) -> None:
        """Campaign weeks: grid workers with free time canvass households of their grid."""
        left = self.weeks_to_election()
        if not 0 < left <= self.model.p.election_campaign:
            return
        chance = self._grids.canvass_chance()
        if chance is None:
            return
        pop = self.model.population
        visited = (self.rng.random(pop.households) < chance).nonzero()[0]
        pop.canvass(pop.residents_of(visited))

    def act(self, now: int) -> None:
        """Election day: residents vote (the turnout measures read the result)."""
        if self.weeks_to_election() != 0:
            return
        self.model.population.vote(self.rng)
        self.held += 1


def install(model: Model[ElectionParams], grid_worker: GridWorkers) -> Parts:
    elections = Elections(model, grid_worker)
    return Parts(face=elections, public={"elections": elections}, prepare=elections.prepare,
                 act=elections.act)


ACTOR = Actor("elections", install, params=(ElectionParams,), needs=("grid_worker",))
