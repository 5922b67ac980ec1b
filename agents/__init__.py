"""The article's actors, one home each; `model.governance` composes them into a model.

Small actors are one module (government, committee, grid_worker, resident); bigger ones a
small package (party, buildings, organizations, enterprises) holding the agent class, its
vectorised state, its pathways, parameters, measures and presets.
"""

from agents.buildings import BuildingCommittee
from agents.committee import ResidentsCommittee
from agents.enterprises import Enterprise
from agents.government import Government
from agents.grid_worker import GridWorker
from agents.organizations import SocialOrganization
from agents.party import PartyBranch, PartyCommittee
from agents.resident import Resident

__all__ = ["BuildingCommittee", "Enterprise", "Government", "GridWorker", "PartyBranch",
           "PartyCommittee", "Resident", "ResidentsCommittee", "SocialOrganization"]
