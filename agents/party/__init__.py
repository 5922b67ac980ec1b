"""The community Party committee, its grid branches and building groups (A2a, B1, A3).

Summary of rule: Party members are ordinary residents, drawn with them in every scenario
(by age band: model/people.py); under
party_leadership the committee organises them: a branch in every grid with enough members,
groups in buildings. Monthly work meetings raise the handlers' coordination in proportion
to the share of buildings whose group has a member taking part, and it drifts away
between meetings; branches hold activities (places for members' neighbours, in proportion
to members taking part) and organised members take group duties (roles only they can
take). Members' sense of duty is a trait of theirs (`party_duty`), not of the switch.

Claims: A2a (Party-building leadership of the community), B1 (work meetings: coordination,
information sharing, supervision; branch activities), A3 (Party groups as the backbone of
building self-governance, through agents/buildings).
"""

from __future__ import annotations

from agents.party.agent import PartyBranch, PartyCommittee
from agents.party.leadership import PartyLeadership
from agents.party.params import PartyParams
from model.actor import Actor, Parts
from model.measures import MeasureList
from model.pathways import Pathway
from model.ports import Model
from model.schema import Mechanism

__all__ = ["ACTOR", "PartyBranch", "PartyCommittee", "PartyLeadership", "PartyParams"]

MEASURES = MeasureList()


@MEASURES.measure("party_coverage", "share of buildings whose Party group has a member "
                  "taking part (0 while the Party organisation does not lead)", "share")
def party_coverage(party: PartyCommittee) -> float:
    return party.coverage if party.organised else 0.0


PATHWAYS = (
    Pathway("party_coordination", "party_leadership",
            "work meetings coordinate handlers", {"party_meeting_gain": 0.0}),
    Pathway("party_branch_activities", "party_leadership",
            "branches' activities are places for members' neighbours",
            {"party_places_per_member": 0.0}),
    Pathway("party_group_roles", "party_leadership",
            "duties in buildings' Party groups are roles for organised members",
            {"party_group_roles": 0.0}),
)


def install(model: Model[PartyParams]) -> Parts:
    """Create the committee over the residents who are members, and its leadership."""
    pop = model.population
    committee = PartyCommittee(model, pop.party.nonzero()[0])
    leadership = PartyLeadership(model, committee)  # kept alive for Mesa events
    return Parts(face=committee, public={"party": committee, "party_leadership": leadership},
                 prepare=leadership.prepare, offer=leadership.offer,
                 switch_on=leadership.switch_on, moved_out=leadership.moved_out)


ACTOR = Actor(
    "party", install, params=(PartyParams,),
    mechanisms=(Mechanism(
        "party_leadership", "A2a, B1", "the community Party committee with grid branches and "
        "building groups: work meetings raise coordination between handlers; branches hold "
        "activities (places) and organised members take group duties (roles)"),),
    measures=tuple(MEASURES), pathways=PATHWAYS)
