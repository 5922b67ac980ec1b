"""District government and street office: the meta-governor (article A1, A1a, A1b, A2b).

Summary of rule: handle what is escalated, push administrative work down, and set the
rules of the service line: responsibility lists (A1a) cut misrouting, the information
platform (A1b) makes voicing cheaper, detection likelier, hand-overs faster and surer, and
de-administration (A2b) lifts part of the work pushed down to the committee. Every one of
these changes a condition of the service loop; none touches residents' minds.

Claims: A1 (government as meta-governor: it handles what is escalated, dearly), A1a
(responsibility lists), A1b (the information platform), A2b (de-administration).
"""

from __future__ import annotations

import mesa
import numpy as np

from model.actor import Actor, Parts
from model.handlers import CentralHandler
from model.issues import GOVERNMENT
from model.params import CoreParams
from model.pathways import Pathway
from model.ports import Model, ServiceLine
from model.schema import Mechanism, param, section

RESIDENTS_PER_UNIT = 1000.0  # platform_replies is per 1,000 residents


@section("services")
class AdministrativeBurden(CoreParams):
    """The administrative work government pushes down (A2b): a condition of the whole
    service line, listed with the core's service parameters."""

    rc_admin_burden: float = param(
        0.7, "share of committee and grid-worker capacity eaten by administrative tasks "
        "pushed down from above (the baseline's value; rc_deadministration removes part of "
        "it)", article="A2b", low=0, high=1, main=True,
        source="rationale: reports on community workers commonly put administrative tasks "
               "pushed down from above at most of their time (the reason for the 2015 减负 "
               "notices); not a measured share, free in calibration")
    deadministration_relief: float = param(
        0.7, "share of the administrative burden removed by rc_deadministration", article="A2b",
        low=0, high=1, source="rationale")


@section("government")
class GovernmentParams(AdministrativeBurden):
    """The street office's handling and the reforms of the line (A1, A1a, A1b)."""

    gov_capacity: float = param(
        0.002, "issues the street office / government can handle per household per week",
        article="A1", low=0, high=1, unit="issues/household/week",
        source="rationale: a small share of the load")
    gov_competence: float = param(
        1.0, "share of complexity government settles", article="A1", low=0, high=1,
        source="rationale: can settle anything")
    gov_delay: int = param(
        3, "weeks government takes to settle an issue it accepts", article="A1", low=0, high=52,
        unit="weeks", source="rationale")
    cost_gov: float = param(
        5.0, "public cost of one issue handled by the street office / government",
        group="costs", low=0, high=100, unit="cost units",
        source="rationale: the dearest level")
    responsibility_misroute_factor: float = param(
        0.2, "misrouting left under responsibility lists (times misroute_prob)", article="A1a",
        low=0, high=1, source="rationale")
    platform_detection: float = param(
        0.05, "weekly chance the information platform brings an unreported issue to light (on "
        "top of base_detection)", article="A1b", low=0, high=1, unit="1/week",
        source="rationale")
    platform_loss_factor: float = param(
        0.5, "loss between handlers left with the platform (times loss_prob)", article="A1b",
        low=0, high=1, source="rationale")
    platform_voice_saving: float = param(
        0.5, "share of the time of speaking up and the chance-cost of reporting saved by "
        "one-stop channels on the platform", article="A1b", low=0, high=1,
        source="rationale")
    platform_replies: float = param(
        0.5, "suggestions on community affairs the platform's departments answer per 1,000 "
        "residents a week (routed to whoever is responsible)", article="A1b, B3", low=0,
        high=100, unit="suggestions/1000 residents/week",
        source="rationale: suggestions are 0.6-2.2% of 12345 hotline requests (Tangshan Nov "
               "2024; Yichun May 2023; Sichuan Jul 2024) and are answered with them")
    platform_delay_saving: int = param(
        1, "weeks the platform saves on central handling and on each hand-over", article="A1b",
        low=0, high=52, unit="weeks", source="rationale")


MECHANISMS = (
    Mechanism("responsibility_list", "A1a", "responsibility lists fix duties between "
              "district, street and community: fewer issues misrouted or bounced between "
              "levels"),
    Mechanism("info_platform", "A1b", "one-stop information platform linking district, "
              "street, community, grid and household: voicing is cheaper, detection higher, "
              "routing and escalation faster"),
    Mechanism("rc_deadministration", "A2b", "the residents' committee sheds part of the "
              "administrative work pushed down by government; whatever staff time is free "
              "goes to organising activities"),
)

PATHWAYS = (
    Pathway("cheaper_voice_platform", "info_platform",
            "one-stop speaking up and reporting on the platform cost less time and chance",
            {"platform_voice_saving": 0.0}),
    Pathway("platform_detection", "info_platform",
            "the platform brings unreported problems to light", {"platform_detection": 0.0}),
    Pathway("platform_replies", "info_platform",
            "suggestions routed by the platform are answered by the departments responsible",
            {"platform_replies": 0.0}),
    Pathway("platform_handovers", "info_platform",
            "fewer issues lost, faster handling and hand-overs",
            {"platform_loss_factor": 1.0, "platform_delay_saving": 0}),
    Pathway("fewer_misroutes", "responsibility_list",
            "responsibility lists cut misrouting", {"responsibility_misroute_factor": 1.0}),
    Pathway("committee_time", "rc_deadministration",
            "less administrative burden: more committee time for issues and organising",
            {"deadministration_relief": 0.0}),
)


class Government(mesa.Agent):
    """Handles what is escalated to it and pushes administrative tasks down (A1, A2b).

    Its handling capacity scales with the community's size; its cost per issue is the
    highest of all handlers, which is what makes settling affairs lower down cheaper for
    the public purse.
    """

    model: Model[GovernmentParams]

    def capacity(self) -> float:
        return self.model.p.gov_capacity * self.model.population.households

    def admin_burden(self) -> float:
        """Share of the committee's time taken by tasks pushed down from above (A2b)."""
        p, m = self.model.p, self.model.mechanisms
        relief = p.deadministration_relief if m["rc_deadministration"] else 0.0
        return p.rc_admin_burden * (1.0 - relief)


class Reforms(ServiceLine):
    """The service line as government's reforms leave it (A1a, A1b, B1).

    Responsibility lists scale misrouting; the platform scales losses between handlers,
    saves weeks on central handling and on every hand-over, brings unvoiced issues to light
    and makes voicing cheaper. Off, each leaves the baseline line as it is.
    """

    model: Model[GovernmentParams]

    def _on(self, name: str) -> bool:
        return self.model.mechanisms[name]

    def misroute_factor(self) -> float:
        return self.model.p.responsibility_misroute_factor if self._on(
            "responsibility_list") else 1.0

    def loss_factor(self) -> float:
        return self.model.p.platform_loss_factor if self._on("info_platform") else 1.0

    def delay_saving(self) -> int:
        return self.model.p.platform_delay_saving if self._on("info_platform") else 0

    def detection(self, hidden: np.ndarray) -> float:
        """Extra weekly chance the platform brings an unvoiced issue to light."""
        return self.model.p.platform_detection if self._on("info_platform") else 0.0

    def voice_saving(self) -> float:
        return self.model.p.platform_voice_saving if self._on("info_platform") else 0.0

    def prepare(self, now: int) -> None:
        """The platform's departments stand ready to answer suggestions routed to them."""
        if self._on("info_platform"):
            pop = self.model.population
            pop.reply_capacity += self.model.p.platform_replies * pop.n / RESIDENTS_PER_UNIT


class GovernmentHandler(CentralHandler):
    """Street office and district departments: can settle anything, slowly and dearly."""

    stage = GOVERNMENT
    model: Model[GovernmentParams]

    def competence_of(self, idx: np.ndarray, group: np.ndarray) -> float:
        return self.model.p.gov_competence

    def cost(self) -> float:
        return self.model.p.cost_gov

    def weeks(self) -> int:
        return self.model.p.gov_delay


def install(model: Model[GovernmentParams]) -> Parts:
    government = Government(model)
    reforms = Reforms(model)
    return Parts(face=government, public={"government": government},
                 handlers=(GovernmentHandler(model, government.capacity),), line=reforms,
                 detect=reforms.detection, voice_saving=reforms.voice_saving,
                 prepare=reforms.prepare)


ACTOR = Actor("government", install, params=(AdministrativeBurden, GovernmentParams),
              mechanisms=MECHANISMS, pathways=PATHWAYS)
