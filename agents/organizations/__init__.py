"""Social organisations (A2b, B2, C2): an ecology of service providers, and four mechanisms.

Summary of rule: organisations exist in every scenario; more are founded where demand goes
unmet (density-dependent), they learn by doing and by training, fade without practice, and
exit after weeks in deficit. Each serves one kind of household issue within its reach: it
settles those issues (the `org` stage), finds unreported ones, holds activities (places) and
takes volunteers (roles), all in proportion to its quality and staff. Its money comes from
fees or contract prices, routine grants, rewards and firms' pledges, and is booked so none
is lost. The mechanisms change conditions, never outcomes: incubation (more and stronger
foundings, free space), incentives (quarterly ratings, rewards), procurement (yearly
tenders: contracts that expand winners' capacity and reach, paid by government) and
coordination (no duplicated effort where they overlap, shared costs, new ones placed where
nobody serves yet).

Claims: A2b (socialised service providers take on what the committee cannot), B2 (i)
incubation, (ii) incentives and procurement, (iii) coordination, C2 (organisations'
capacity grows by doing, and their public share of income falls as they mature).
"""

from __future__ import annotations

import numpy as np

from agents.organizations.agent import KIND_NAMES, SocialOrganization
from agents.organizations.ledger import OrgLedger
from agents.organizations.params import OrgParams
from agents.organizations.sector import OrgHandler, OrgSector
from model.actor import Actor, Parts
from model.issues import HOUSEHOLD_KINDS, kind_weights
from model.measures import MeasureList
from model.pathways import Pathway
from model.ports import Model
from model.schema import Mechanism

__all__ = ["ACTOR", "KIND_NAMES", "OrgHandler", "OrgLedger", "OrgParams", "OrgSector",
           "SocialOrganization"]

MECHANISMS = (
    Mechanism("org_incubation", "B2(i)", "free space and professional incubators: more "
              "social organisations are founded and they start stronger"),
    Mechanism("org_incentives", "B2(ii)", "periodic assessment and rating of social "
              "organisations, rewards for the best, ratings used in tenders"),
    Mechanism("org_procurement", "B2(ii), C1", "government buys services from social "
              "organisations by open tender (rowing to steering)"),
    Mechanism("org_coordination", "B2(iii)", "organisations' leaders coordinate: less "
              "overlap, shared resources"),
)

PATHWAYS = (
    Pathway("org_activities", "social organisations",
            "organisations' activities are places", {"org_places": 0.0}),
    Pathway("org_roles", "social organisations",
            "organisations' volunteer roles", {"org_roles": 0.0}),
    Pathway("org_placement", "org_coordination",
            "coordinated leaders steer new organisations to unserved places",
            {"org_coordinated_founding": False}),
    Pathway("org_services", "social organisations",
            "organisations settle issues of their kind", {"org_capacity": 0.0}),
)

MEASURES = MeasureList()


@MEASURES.measure("orgs_active", "social organisations active at the end of the step (C2)",
                  "orgs")
def orgs_active(sector: OrgSector) -> float:
    return float(len(sector.organizations))


@MEASURES.measure("org_mean_capacity", "mean quality (competence 0-1) of active social "
                  "organisations; 0 when there are none (C2)", "0-1")
def org_mean_capacity(sector: OrgSector) -> float:
    q = sector.table["quality"]
    return float(q.mean()) if len(q) else 0.0


MEASURES.tally("org_births", "social organisations founded this step (C2)", "orgs/step")
MEASURES.tally("org_exits", "social organisations that exited this step (C2)", "orgs/step")


@MEASURES.measure("orgs_contracted", "social organisations holding a government service "
                  "contract (B2 ii)", "orgs")
def orgs_contracted(sector: OrgSector) -> float:
    return float(sector.table["contracted"].sum())


@MEASURES.measure("org_public_share", "share of social organisations' income this step paid "
                  "by government (grants, rewards, contracts): C2 says it falls as they "
                  "mature", "share")
def org_public_share(sector: OrgSector) -> float:
    led = sector.ledger
    income = sum(v for k, v in led.step_received.items() if k != "founders")
    return led.public_this_step() / income if income > 0 else 0.0


def install(model: Model[OrgParams]) -> Parts:
    """Draw the initial organisations (always, from the 'orgs' stream) and plug in."""
    p, c = model.p, model.community
    sector = OrgSector(model)  # keeps the recurring events alive (Mesa holds them weakly)
    rng = model.stream("orgs")
    count = round(p.org_initial_density * c.n / 1000.0)
    where = rng.integers(0, c.n, count)
    kind = rng.choice(HOUSEHOLD_KINDS, count, p=kind_weights(p))
    quality = rng.uniform(p.org_initial_quality_low, p.org_initial_quality_high, count)
    age = rng.integers(0, p.org_initial_max_age + 1, count)
    sector.found(kind, c.x[where], c.y[where], quality, age, np.zeros(count))
    sector.sync_maps()
    return Parts(face=sector,
                 public={"organizations": sector.organizations, "org_sector": sector,
                         "org_ledger": sector.ledger},
                 handlers=(OrgHandler(model, sector),), prepare=sector.prepare,
                 offer=sector.offer, act=sector.act, switch_on=sector.switch_on)


ACTOR = Actor("organizations", install, params=(OrgParams,), mechanisms=MECHANISMS,
              measures=tuple(MEASURES), pathways=PATHWAYS)
