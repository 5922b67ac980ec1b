"""The pathways through which the mechanisms act, each with the settings that close it.

A mechanism never adds utility, trust or satisfaction; it changes conditions, and each
changed condition is a pathway: cheaper voicing, staff time for activities, places at
activities, roles, detection, coordination of handlers... To ask how much of an effect
goes through one pathway, run the programme with that pathway closed (its parameters set
to the neutral values below) and compare, paired, with the programme whole. Every pathway
has a preset `<programme>_without_<pathway>` (kind "pathway") for experiments
(experiments/configs/pathways.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Pathway:
    name: str
    mechanism: str  # the mechanism (or actor) whose condition it is
    meaning: str
    closed: dict[str, Any] = field(default_factory=dict)  # settings that close it


PATHWAYS: dict[str, Pathway] = {}


def register_pathway(pathway: Pathway) -> None:
    if pathway.name in PATHWAYS:
        raise ValueError(f"pathway {pathway.name!r} registered twice")
    PATHWAYS[pathway.name] = pathway


for _p in (
    Pathway("cheaper_voice_channels", "resident_channels",
            "channels cut the time and chance-cost of voicing",
            {"channel_voice_saving": 0.0}),
    Pathway("council_roles", "resident_channels",
            "consultation councils' seats are roles (committee time permitting)",
            {"council_seats_per_grid": 0.0, "council_slots_per_grid": 0.0}),
    Pathway("cheaper_voice_platform", "info_platform",
            "one-stop voicing on the platform costs less time and chance",
            {"platform_voice_saving": 0.0}),
    Pathway("platform_detection", "info_platform",
            "the platform brings unvoiced issues to light", {"platform_detection": 0.0}),
    Pathway("platform_handovers", "info_platform",
            "fewer issues lost, faster handling and hand-overs",
            {"platform_loss_factor": 1.0, "platform_delay_saving": 0}),
    Pathway("fewer_misroutes", "responsibility_list",
            "responsibility lists cut misrouting", {"responsibility_misroute_factor": 1.0}),
    Pathway("committee_time", "rc_deadministration",
            "less administrative burden: more committee time for issues and organising",
            {"deadministration_relief": 0.0}),
    Pathway("committee_activities", "residents' committee",
            "free committee time becomes places at activities", {"rc_places_per_slot": 0.0}),
    Pathway("committee_visits", "residents' committee",
            "free committee time goes door to door, inviting households to take part",
            {"rc_visits_per_slot": 0.0}),
    Pathway("grid_patrol", "grid_management",
            "grid workers with free time find unvoiced issues", {"patrol_rate": 0.0}),
    Pathway("party_coordination", "party_leadership",
            "work meetings coordinate handlers", {"party_meeting_gain": 0.0}),
    Pathway("party_branch_activities", "party_leadership",
            "branches' activities are places for members' neighbours",
            {"party_places_per_member": 0.0}),
    Pathway("party_group_roles", "party_leadership",
            "duties in buildings' Party groups are roles for organised members",
            {"party_group_roles": 0.0}),
    Pathway("building_meetings", "building_autonomy",
            "building committees' meetings are places", {"building_meeting_places": 0.0}),
    Pathway("building_handling", "building_autonomy",
            "building committees settle building matters and disputes",
            {"building_member_capacity": 0.0}),
    Pathway("org_activities", "social organisations",
            "organisations' activities are places", {"org_places": 0.0}),
    Pathway("org_roles", "social organisations",
            "organisations' volunteer roles", {"org_roles": 0.0}),
    Pathway("org_placement", "org_coordination",
            "coordinated leaders steer new organisations to unserved places",
            {"org_coordinated_founding": False}),
    Pathway("org_services", "social organisations",
            "organisations settle issues of their kind", {"org_capacity": 0.0}),
    Pathway("project_places", "enterprise_participation",
            "firms' pledges pay for places at projects", {"project_places": 0.0}),
    Pathway("volunteer_hours", "enterprise_participation",
            "firms release paid volunteer time to staff", {"enterprise_volunteer_hours": 0.0}),
    Pathway("enterprise_mediation", "enterprise_consultation",
            "the consultation platform mediates disputes with firms",
            {"consultation_capacity": 0.0}),
):
    register_pathway(_p)

# Groups: places from every source, roles from every source, cheaper voicing from both
# channels. Single sources substitute for one another (closing one, households find a place
# at another), so a group can carry more than the sum of its members.
_GROUPS = {
    "all_places": ("every source of places",
                   ("committee_activities", "party_branch_activities", "building_meetings",
                    "org_activities", "project_places")),
    "all_roles": ("every source of roles beyond the baseline's",
                  ("council_roles", "party_group_roles", "org_roles")),
    "all_cheaper_voice": ("cheaper voicing through both channels",
                          ("cheaper_voice_channels", "cheaper_voice_platform")),
}
for _name, (_meaning, _members) in _GROUPS.items():
    _closed: dict[str, Any] = {}
    for _m in _members:
        _closed.update(PATHWAYS[_m].closed)
    register_pathway(Pathway(_name, "group", _meaning, _closed))
