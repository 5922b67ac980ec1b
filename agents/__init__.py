"""The institutions (ordinary Mesa agents) and the thin `Resident` view."""

from agents.committee import ResidentsCommittee
from agents.government import Government
from agents.grid_worker import GridWorker
from agents.resident import Resident

__all__ = ["Government", "GridWorker", "Resident", "ResidentsCommittee"]
