"""Social organisations (A2b, B2, C2): an ecology of service providers and four mechanisms."""

from agents.organizations import params  # noqa: F401  (adds the section to the schema first)
from agents.organizations.agent import KIND_NAMES, SocialOrganization
from agents.organizations.sector import OrgHandler, OrgLedger, OrgSector, install

__all__ = ["KIND_NAMES", "OrgHandler", "OrgLedger", "OrgSector", "SocialOrganization",
           "install"]
