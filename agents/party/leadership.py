"""Party-building leadership (A2a, B1): installs the Party committee into a model.

Who is a Party member is drawn in every model from the "party" stream, so the same seed
builds the same community in every scenario; `party_leadership` only organises them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.time import Schedule

from agents.party.agent import PartyCommittee
from model.measures import measure
from model.scenarios import Scenario, register

if TYPE_CHECKING:
    from model.governance import GovernanceModel

MECHANISM = "party_leadership"


class PartyLeadership:
    """The submodel: coordination drifts every step, meetings restore it, branches organise."""

    def __init__(self, model: GovernanceModel, committee: PartyCommittee) -> None:
        self.model, self.committee = model, committee
        self.meetings = None  # Mesa EventGenerator of the monthly work meetings

    def switch_on(self, name: str) -> None:
        """Organise branches and groups, hold the first meeting now, then every interval."""
        if name != MECHANISM:
            return
        m, party = self.model, self.committee
        party.organise()
        party.work_meeting()
        m.coordination = party.coordination
        interval = m.params["party_meeting_interval"]
        # Meetings run after the step at their time, so their effect is felt from the next.
        self.meetings = m.schedule_recurring(
            self.meet, Schedule(interval=interval, start=m.time + interval))

    def meet(self) -> None:
        self.committee.work_meeting()
        self.model.coordination = self.committee.coordination

    def prepare(self, now: int) -> None:
        if not self.model.mechanisms[MECHANISM]:
            return
        party = self.committee
        party.drift()
        self.model.coordination = party.coordination

    def offer(self, now: int) -> None:
        if self.model.mechanisms[MECHANISM]:
            self.committee.offer()

    def moved_out(self, households) -> None:
        """Newcomers are Party members at the community's share, like everyone else."""
        m = self.model
        m.population.party[households] = (m.rng.random(len(households))
                                           < m.params["party_member_share"])
        self.committee.refresh_members()


def install(model: GovernanceModel) -> None:
    """Draw the members (always), create the committee, add the submodel."""
    pop = model.population
    draw = model.stream("party").random(pop.n)
    pop.party = draw < model.params["party_member_share"]
    committee = PartyCommittee(model, pop.party.nonzero()[0])
    model.party = committee
    model.party_leadership = PartyLeadership(model, committee)  # kept alive for Mesa events
    model.submodels.append(model.party_leadership)


@measure("party_coverage", "share of buildings whose Party group has a member taking part "
         "(0 while the Party organisation does not lead)", "share")
def party_coverage(m: GovernanceModel) -> float:
    return m.party.coverage if m.party.organised else 0.0


register(Scenario(
    "party_led",
    "Party-building leadership (A2a, B1, A3): branches and groups hold monthly work meetings, "
    "members recruit neighbours and back building committees.",
    {"rc_admin_burden": 0.7, "party_leadership": True, "building_autonomy": True},
    notice="Coordination rises in monthly steps and fewer issues are lost; branch activities "
           "offer places around active members; building committees appear where members "
           "lead.",
    try_="Lower party_member_share (few_party_members), or switch building_autonomy off.",
))

register(Scenario(
    "few_party_members",
    "Party-led community with few Party members (2% of households): the backbone is thin.",
    {"rc_admin_burden": 0.7, "party_leadership": True, "building_autonomy": True,
     "party_member_share": 0.02},
    notice="Coverage and coordination stay low, few building committees form.",
    try_="Raise party_member_share step by step and watch coverage and building_committees.",
    kind="growth",
))
