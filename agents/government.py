"""District government and street office: the meta-governor (article A1, A1a, A1b).

Summary of rule: handle what is escalated, push administrative work down, and set the
rules of the service line: responsibility lists (A1a) cut misrouting, the information
platform (A1b) makes voicing cheaper, detection likelier, hand-overs faster and surer.
Every one of these changes a condition of the service loop; none touches residents' minds.
"""

from __future__ import annotations

import mesa

from model.params import add_section
from model.schema import Param, param
from model.services import GOVERNMENT, CentralHandler

_G = "government"

SPECS: list[Param] = [
    param("gov_capacity", float, 0.002, "issues the street office / government can handle per "
          "household per week", article="A1", group=_G, low=0, high=1,
          unit="issues/household/week", source="rationale: a small share of the load"),
    param("gov_competence", float, 1.0, "share of complexity government settles",
          article="A1", group=_G, low=0, high=1, source="rationale: can settle anything"),
    param("gov_delay", int, 3, "weeks government takes to settle an issue it accepts",
          article="A1", group=_G, low=0, high=52, unit="weeks", source="rationale"),
    param("cost_gov", float, 5.0, "public cost of one issue handled by the street office / "
          "government", group="costs", low=0, high=100, unit="cost units",
          source="rationale: the dearest level"),
    param("responsibility_misroute_factor", float, 0.2, "misrouting left under responsibility "
          "lists (times misroute_prob)", article="A1a", group=_G, low=0, high=1,
          source="rationale"),
    param("platform_detection", float, 0.05, "weekly chance the information platform brings "
          "an unvoiced issue to light (on top of base_detection)", article="A1b", group=_G,
          low=0, high=1, unit="1/week", source="rationale"),
    param("platform_loss_factor", float, 0.5, "loss between handlers left with the platform "
          "(times loss_prob)", article="A1b", group=_G, low=0, high=1, source="rationale"),
    param("platform_voice_saving", float, 0.5, "share of the time and chance-cost of voicing "
          "saved by one-stop voicing on the platform", article="A1b", group=_G, low=0,
          high=1, source="rationale"),
    param("platform_delay_saving", int, 1, "weeks the platform saves on central handling and "
          "on each hand-over", article="A1b", group=_G, low=0, high=52, unit="weeks",
          source="rationale"),
]
add_section(SPECS)


class Government(mesa.Agent):
    """Handles what is escalated to it and pushes administrative tasks down (A1, A2b).

    Its handling capacity scales with the community's size; its cost per issue is the
    highest of all handlers, which is what makes settling affairs lower down cheaper for
    the public purse.
    """

    def __init__(self, model) -> None:
        super().__init__(model)
        self.spent = 0.0  # public money spent this step beyond issue handling (grants, contracts)

    def capacity(self) -> float:
        return self.model.params["gov_capacity"] * self.model.population.n

    def admin_burden(self) -> float:
        """Share of the committee's time taken by tasks pushed down from above (A2b)."""
        p, m = self.model.params, self.model.mechanisms
        relief = p["deadministration_relief"] if m["rc_deadministration"] else 0.0
        return p["rc_admin_burden"] * (1.0 - relief)

    def push_down(self) -> None:
        """Hand the committee its administrative load for this step."""
        self.spent = 0.0
        self.model.committee.burden = self.admin_burden()

    # --- the rules of the service line (A1a, A1b, B1) --------------------------------------
    def _on(self, name: str) -> bool:
        return self.model.mechanisms[name]

    def misroute_probability(self) -> float:
        p = self.model.params
        prob = p["misroute_prob"]
        if self._on("responsibility_list"):
            prob *= p["responsibility_misroute_factor"]
        return prob * (1.0 - p["coordination_relief"] * self.model.coordination)

    def loss_probability(self) -> float:
        p = self.model.params
        prob = p["loss_prob"] * (1.0 - self.model.coordination)
        return prob * (p["platform_loss_factor"] if self._on("info_platform") else 1.0)

    def escalation_cost(self) -> float:
        p = self.model.params
        return p["cost_escalation"] * (1.0 - p["coordination_relief"] * self.model.coordination)

    def delay_saving(self) -> int:
        return self.model.params["platform_delay_saving"] if self._on("info_platform") else 0

    def escalation_delay(self) -> int:
        """Weeks a hand-over between levels takes (one, less what the platform saves)."""
        return max(0, 1 - self.delay_saving())

    def detection_bonus(self) -> float:
        return self.model.params["platform_detection"] if self._on("info_platform") else 0.0

    def voice_saving(self) -> float:
        return self.model.params["platform_voice_saving"] if self._on("info_platform") else 0.0


class GovernmentHandler(CentralHandler):
    """Street office and district departments: can settle anything, slowly and dearly."""

    stage = GOVERNMENT
    office, prefix = "government", "gov"


def install(model) -> None:
    model.government = Government(model)
    model.service_handlers[GovernmentHandler.stage] = GovernmentHandler(model)
