"""The community Party committee, its grid branches and building groups (A2a, B1)."""

from agents.party import params  # noqa: F401  (adds the section to the schema first)
from agents.party.agent import PartyBranch, PartyCommittee
from agents.party.leadership import PartyLeadership, install

__all__ = ["PartyBranch", "PartyCommittee", "PartyLeadership", "install"]
