"""Enterprises (B4, C3): firms, their disputes, the consultation and participation platforms."""

from agents.enterprises import params  # noqa: F401  (adds the section to the schema first)
from agents.enterprises.agent import Enterprise
from agents.enterprises.sector import ConsultationHandler, EnterpriseSector, install

__all__ = ["ConsultationHandler", "Enterprise", "EnterpriseSector", "install"]
