"""Parameters of the Party actors (A2a, B1).

Defaults and their sources are discussed in docs/ODD.md (Party section).
"""

from __future__ import annotations

from model.params import CoreParams
from model.schema import param, section


@section("party")
class PartyParams(CoreParams):
    """Branches, work meetings and what organised members offer (who is a member is the
    core's: model/params_people.py)."""

    party_branch_min: int = param(
        3, "Party members a management grid needs to form a branch (CPC Constitution art. 30: "
        "three or more full members)", article="A2a", low=1, high=1000, unit="members",
        source="CPC Constitution art. 30: a primary Party organisation needs three or more "
               "full members")
    party_meeting_interval: int = param(
        4, "steps between the Party committee's work meetings (4 = monthly)", article="B1(ii)",
        low=1, high=52, unit="steps",
        source="rationale: the monthly work meeting of community Party committees")
    party_meeting_gain: float = param(
        0.3, "coordination gained at a work meeting with full coverage: c += gain * coverage "
        "* (1 - c)", article="B1(ii)", low=0, high=1, source="rationale; free in calibration")
    coordination_decay: float = param(
        0.05, "share of coordination lost per step without meetings (handlers drift apart)",
        article="B1(ii)", low=0, high=1, unit="1/step",
        source="Darr, Argote and Epple 1995 (knowledge depreciation); size: rationale")
    party_group_roles: float = param(
        1.0, "duties (roles) in a building's Party group open to its organised members (a "
        "group leader)", article="A3, B1", low=0, high=100, unit="roles/building",
        source="rationale: one group leader per building group")
    party_places_per_member: float = param(
        3.0, "places at a branch's activities per organised member taking part (members "
        "organise, neighbours attend)", article="B1(iii)", low=0, high=100,
        unit="places/member", source="rationale; free in calibration")
