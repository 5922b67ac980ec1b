"""Building micro self-governance (A3): committees, covenants, seats and meetings.

Summary of rule: a building elects a committee when enough of its residents are willing
(rung >= 2) and someone carries it: an organised Party member (under party_leadership), or
else a self-governing (rung-3) resident with a larger willing share behind them. Seats are
roles (rung 3) and its meetings are places (rung 2) for the building's residents; it
handles the building's matters and neighbour disputes at the `building` stage of the
service chain, better the more residents signed its covenant. Members who stop taking part
(below rung 2) or move out leave, and a committee below its minimum dissolves. Elected
candidates must have the hours a role takes.

Claims: A3 (building micro self-governance with the Party group as its backbone; covenants
and neighbour disputes settled in the building).
"""

from __future__ import annotations

from agents.buildings.agent import BuildingCommittee, building_centre, elect
from agents.buildings.params import BuildingParams
from agents.buildings.self_governance import BuildingHandler, BuildingSelfGovernance, Party
from model.actor import Actor, Parts
from model.measures import MeasureList
from model.pathways import Pathway
from model.ports import Model
from model.schema import Mechanism

__all__ = ["ACTOR", "BuildingCommittee", "BuildingHandler", "BuildingParams",
           "BuildingSelfGovernance", "building_centre", "elect"]

MEASURES = MeasureList()


@MEASURES.measure("building_committees", "building self-governance committees in office",
                  "committees")
def building_committees(gov: BuildingSelfGovernance) -> float:
    return float(len(gov.committees))


PATHWAYS = (
    Pathway("building_meetings", "building_autonomy",
            "building committees' meetings are places", {"building_meeting_places": 0.0}),
    Pathway("building_handling", "building_autonomy",
            "building committees settle building matters and disputes",
            {"building_member_capacity": 0.0}),
)


def install(model: Model[BuildingParams], party: Party) -> Parts:
    gov = BuildingSelfGovernance(model, party)
    return Parts(face=gov, public={"buildings": gov},
                 handlers=(BuildingHandler(model, gov),), offer=gov.offer, act=gov.act,
                 moved_out=gov.moved_out)


ACTOR = Actor(
    "buildings", install, params=(BuildingParams,),
    mechanisms=(Mechanism(
        "building_autonomy", "A3", "buildings may elect a self-governance committee and write "
        "a covenant; it settles building matters and neighbour disputes"),),
    measures=tuple(MEASURES), pathways=PATHWAYS, needs=("party",))
