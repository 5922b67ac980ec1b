"""Enterprises (B4, C3): firms, their disputes, the consultation and participation platforms.

Summary of rule: firms stand in the community in every scenario, employ nearby residents,
and raise disputes with the households around them (noise, parking, labour), which cost
them goodwill. The consultation platform (B4 i) mediates those disputes before they climb
the chain, and learns what firms' staff need. The participation platform (B4 ii) runs a
monthly round in which firms pledge to organisations' projects: a pledge pays for places at
the organisation's activities, and firms that give release paid volunteer hours to their
staff (time, not willingness). What a project brings back (goodwill of the neighbours and
satisfaction of the staff who took part) reinforces the firm's propensity to give against
an aspiration that adapts (Bush-Mosteller learning), so social responsibility lasts only
where giving pays.

Claims: B4 (i) consultation and mediation, (ii) participation: pledges to projects; C3
(social responsibility learnt from mutual benefit, or lost without it).
"""

from __future__ import annotations

import numpy as np

from agents.enterprises.agent import Enterprise
from agents.enterprises.params import EnterpriseParams
from agents.enterprises.sector import (
    CONSULTATION,
    PARTICIPATION,
    ConsultationHandler,
    EnterpriseSector,
    Organisations,
)
from model.actor import Actor, Parts
from model.measures import MeasureList
from model.pathways import Pathway
from model.ports import Model
from model.schema import Mechanism

__all__ = ["ACTOR", "ConsultationHandler", "Enterprise", "EnterpriseParams",
           "EnterpriseSector"]

MECHANISMS = (
    Mechanism(CONSULTATION, "B4(i)", "community-enterprise consultation platform that "
              "mediates disputes between enterprises, employees and residents"),
    Mechanism(PARTICIPATION, "B4(ii), C3", "participation platform matching enterprise "
              "donations to social organisations' public-interest projects"),
)

PATHWAYS = (
    Pathway("project_places", PARTICIPATION,
            "firms' pledges pay for places at projects", {"project_places": 0.0}),
    Pathway("volunteer_hours", PARTICIPATION,
            "firms release paid volunteer time to staff", {"enterprise_volunteer_hours": 0.0}),
    Pathway("enterprise_mediation", CONSULTATION,
            "the consultation platform mediates disputes with firms",
            {"consultation_capacity": 0.0}),
)

MEASURES = MeasureList()
MEASURES.tally("enterprise_donations", "yuan pledged by enterprises through the "
               "participation platform this step", "yuan/step")


def _firm_mean(attr: str):
    """Mean of an attribute over the enterprises (0 where there are none)."""

    def mean(sector: EnterpriseSector) -> float:
        firms = sector.firms
        return float(np.mean([getattr(f, attr) for f in firms])) if firms else 0.0

    return mean


MEASURES.add("enterprise_csr", "mean propensity of enterprises to give in a project round "
             "(social responsibility, C3)", "0-1", _firm_mean("propensity"))
MEASURES.add("enterprise_reputation", "mean reputation of enterprises with the households "
             "they touch (opinion 0-1)", "0-1", _firm_mean("reputation"))
MEASURES.tally("enterprise_disputes", "disputes with enterprises raised this step (part of "
               "disputes_raised)", "disputes/step")


@MEASURES.measure("enterprise_fund", "yuan pledged and waiting in the community fund for an "
                  "organisation's project", "yuan")
def enterprise_fund(sector: EnterpriseSector) -> float:
    return sector.fund


def install(model: Model[EnterpriseParams], organizations: Organisations) -> Parts:
    """Build the firms (always) and plug the two platforms into the model."""
    sector = EnterpriseSector(model, organizations)
    return Parts(face=sector, public={"enterprise_sector": sector, "enterprises": sector.firms},
                 handlers=(ConsultationHandler(model, sector),), issues=sector.disputes,
                 switch_on=sector.switch_on, prepare=sector.prepare, act=sector.act,
                 moved_out=sector.moved_out)


ACTOR = Actor("enterprises", install, params=(EnterpriseParams,), mechanisms=MECHANISMS,
              measures=tuple(MEASURES), pathways=PATHWAYS, needs=("organizations",))
