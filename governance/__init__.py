"""The composition root: the article's actors put together into one model.

It lists the actors (in installation order: the order of their hooks within each phase of
a step) and the article's programme (the order of the mechanisms), builds the frozen
registries from the actors' declarations (`HOUSE`), and gives the model of the article's
community, `GovernanceModel`. Everything above it (the CLI, experiments, the demo, the
benchmarks) reads the registries from here:

    from governance import GovernanceModel, PARAMS, SCENARIOS, MEASURES, PATHWAYS
"""

from __future__ import annotations

from agents import (
    buildings,
    committee,
    elections,
    enterprises,
    government,
    grid_worker,
    organizations,
    party,
)
from agents.buildings import BuildingSelfGovernance
from agents.committee import ResidentsCommittee
from agents.elections import Elections
from agents.enterprises import Enterprise, EnterpriseSector
from agents.government import Government
from agents.grid_worker import GridWorker
from agents.organizations import OrgLedger, OrgSector, SocialOrganization
from agents.party import PartyCommittee, PartyLeadership
from governance.presets import presets
from model.house import assemble
from model.simulation import CommunityModel

ACTORS = (government.ACTOR, committee.ACTOR, grid_worker.ACTOR, party.ACTOR, buildings.ACTOR,
          organizations.ACTOR, enterprises.ACTOR, elections.ACTOR)

# The article's programme, in the order the schema and every table list its switches.
PROGRAMME = ("responsibility_list", "info_platform", "grid_management", "rc_deadministration",
             "party_leadership", "building_autonomy", "org_incubation", "org_incentives",
             "org_procurement", "org_coordination", "enterprise_consultation",
             "enterprise_participation", "resident_channels")

# Pathways closed together: single sources substitute for one another (closing one,
# households find a place at another), so a group can carry more than its members' sum.
PATHWAY_GROUPS = (
    ("all_places", "every source of places",
     ("committee_activities", "party_branch_activities", "building_meetings",
      "org_activities", "project_places")),
    ("all_roles", "every source of roles beyond the baseline's",
     ("council_roles", "party_group_roles", "org_roles")),
    ("all_cheaper_voice", "cheaper voicing through both channels",
     ("cheaper_voice_channels", "cheaper_voice_platform")),
)

HOUSE = assemble(ACTORS, PROGRAMME, presets=presets, pathway_groups=PATHWAY_GROUPS,
                 module=__name__)
Parameters = HOUSE.parameters  # every parameter as a typed, frozen field

PARAMS = HOUSE.params
GROUPS = HOUSE.groups
MECHANISMS = HOUSE.mechanisms
MEASURES = HOUSE.measures
PATHWAYS = HOUSE.pathways
SCENARIOS = HOUSE.scenarios
defaults = HOUSE.defaults
validate = HOUSE.validate
parse_assignments = HOUSE.parse_assignments
get_scenario = HOUSE.scenario
scenario_params = HOUSE.scenario_params


class GovernanceModel(CommunityModel):
    """Multi-actor community governance: the core with the article's actors (docs/ODD.md).

    `GovernanceModel(rng=seed, **params)` runs the burn-in; `from_scenario(name, ...)`
    starts from a preset. The actors' objects are its attributes below.
    """

    house = HOUSE
    government: Government
    committee: ResidentsCommittee
    grid_workers: list[GridWorker]
    party: PartyCommittee
    party_leadership: PartyLeadership
    buildings: BuildingSelfGovernance
    organizations: list[SocialOrganization]
    org_sector: OrgSector
    org_ledger: OrgLedger
    enterprise_sector: EnterpriseSector
    enterprises: list[Enterprise]
    elections: Elections


__all__ = ["ACTORS", "GROUPS", "HOUSE", "MEASURES", "MECHANISMS", "PARAMS", "PATHWAYS",
           "PATHWAY_GROUPS", "PROGRAMME", "SCENARIOS", "GovernanceModel", "Parameters",
           "defaults", "get_scenario", "parse_assignments", "scenario_params", "validate"]
