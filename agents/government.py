"""District government and street office: the meta-governor (article A1)."""

from __future__ import annotations

import mesa


class Government(mesa.Agent):
    """Handles what is escalated to it and pushes administrative tasks down (A1, A2b).

    Its handling capacity scales with the community's size; its cost per issue is the
    highest of all handlers (a parameter), which is what makes settling affairs lower down
    cheaper for the public purse.
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
