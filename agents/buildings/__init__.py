"""Building micro self-governance (A3): committees, covenants, seats and meetings."""

from agents.buildings import params  # noqa: F401  (adds the section to the schema first)
from agents.buildings.agent import BuildingCommittee, building_centre, elect
from agents.buildings.self_governance import BuildingHandler, BuildingSelfGovernance, install

__all__ = ["BuildingCommittee", "BuildingHandler", "BuildingSelfGovernance", "building_centre",
           "elect", "install"]
