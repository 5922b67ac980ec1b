"""The community-governance simulation: no printing, no files, no CLI in here."""

from model.errors import InputError
from model.governance import GovernanceModel

__all__ = ["GovernanceModel", "InputError"]
