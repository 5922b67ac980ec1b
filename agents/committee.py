"""The residents' committee (居委會) and its workstation staff (article A2b)."""

from __future__ import annotations

import mesa

# Share of the committee's staff that becomes grid workers under grid management; the rest
# stays at the committee. Total staff is the same with or without grids (issue 2).
GRID_STAFF_SHARE = 0.7
# Rung-2 utility per unit of committee time freed from administrative work and turned to
# organising residents (rung 3 gets half of it).
ORGANIZING_EFFECT = 1.0


class ResidentsCommittee(mesa.Agent):
    """Serves the whole community from one place; its time is what admin tasks leave over."""

    def __init__(self, model) -> None:
        super().__init__(model)
        self.burden = model.params["rc_admin_burden"]

    def staff_share(self) -> float:
        return 1.0 - GRID_STAFF_SHARE if self.model.grid_workers else 1.0

    def capacity(self) -> float:
        """Issues per step: total staff, less grid workers' share, less admin burden."""
        c = self.model.community
        return (self.model.params["staff_capacity"] * c.n_grids * self.staff_share()
                * (1.0 - self.burden))

    def organizing(self) -> float:
        """Time freed from administrative tasks that now goes into organising residents."""
        return max(0.0, self.model.params["rc_admin_burden"] - self.burden)

    def support_residents(self) -> None:
        """De-administration lets the committee organise activities and consultation."""
        freed = self.organizing()
        if freed > 0:
            support = self.model.population.support
            support[2] += ORGANIZING_EFFECT * freed
            support[3] += 0.5 * ORGANIZING_EFFECT * freed
