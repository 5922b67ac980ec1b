"""Parameters of building self-governance (A3).

Defaults and their reasons are discussed in docs/ODD.md (buildings section).
"""

from __future__ import annotations

from model.params import CoreParams
from model.schema import param, section


@section("buildings")
class BuildingParams(CoreParams):
    """When buildings elect committees, what committees settle and offer, and who is elected."""

    building_willing_share: float = param(
        0.15, "share of a building's households willing (rung >= 2) needed to form a "
        "committee when an organised Party member backs it", article="A3", low=0, high=1,
        unit="share",
        source="rationale: collective action needs a critical mass and someone who bears the "
               "start-up cost (Oliver, Marwell and Teixeira 1985); with a Party backbone (A3) "
               "a small one suffices; free in calibration")
    building_willing_share_unled: float = param(
        0.3, "willing share needed without Party backbone (then a self-governing, rung-3 "
        "resident must also live there)", article="A3", low=0, high=1, unit="share",
        source="rationale: about twice the backed share, since a spontaneous organiser bears "
               "the start-up cost alone (Marwell and Oliver 1993); free in calibration")
    building_formation_rate: float = param(
        0.25, "chance per step that an eligible building holds its founding election",
        article="A3", low=0, high=1, unit="1/step",
        source="rationale: organising a founding election takes about a month (mean wait "
               "1/0.25 = 4 weeks)")
    building_committee_size: int = param(
        3, "seats on a building committee", article="A3", low=1, high=100, unit="members",
        source="rationale: a building head (樓長) and a couple of activists, as fieldwork on "
               "building councils describes; free in calibration")
    building_committee_min: int = param(
        2, "members below which a committee dissolves (and willing households needed to found "
        "one)", article="A3", low=1, high=100, unit="members",
        source="rationale: below two members a committee is one volunteer, not a committee")
    building_member_capacity: float = param(
        0.3, "issues one committee member settles per step", article="A3", low=0, high=10,
        unit="issues/member/step",
        source="rationale: a volunteer settles a neighbours' matter every few weeks; free in "
               "calibration")
    building_competence: float = param(
        0.5, "share of complexity a building committee settles (building matters and "
        "neighbour disputes only)", article="A3", low=0, high=1,
        source="rationale: between a self-governing household (self_competence 0.35) and a "
               "grid worker (grid_competence 0.7)")
    covenant_weight: float = param(
        0.2, "competence added by a covenant signed by every household of the building",
        article="A3", low=0, high=1,
        source="Ostrom 1990, design principles 3 and 6 (rules made by those they bind; cheap "
               "local arenas for conflict); size: rationale, free in calibration")
    building_meeting_places: float = param(
        0.3, "places at a building committee's meetings and activities, as a share of the "
        "building's households", article="A3, B3", low=0, high=1, unit="share",
        source="rationale: a stairwell meeting")
    building_by_election_interval: int = param(
        4, "weeks between a committee's meetings at which covenants are re-signed and vacant "
        "seats filled", article="A3", low=1, high=520, unit="weeks",
        source="rationale: monthly")
    building_vote_floor: float = param(
        0.05, "vote weight of a candidate with no civic consciousness (weight = civic + floor)",
        article="A3", low=0.001, high=1, source="rationale: everyone can be elected")
    building_party_vote: float = param(
        1.0, "extra vote weight of an organised Party member under Party leadership (the "
        "group nominates them), relative", article="A3, B1", low=0, high=10,
        source="rationale: the backbone of A3")
    cost_building: float = param(
        0.2, "social (volunteer) cost of one issue settled by a building committee",
        group="costs", low=0, high=100, unit="cost units",
        source="rationale: volunteers' time, a fraction of a grid worker's cost_grid (1.0)")
