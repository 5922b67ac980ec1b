"""`Resident`: a Mesa agent per household whose state lives in the population's arrays."""

from __future__ import annotations

from mesa.discrete_space import FixedAgent

# Attribute on the agent -> array on the population.
_VIEWS = {
    "participation": "level",
    "trust_government": "trust_gov",
    "trust_neighbors": "trust_nbr",
    "efficacy": "efficacy",
    "satisfaction": "satisfaction",
    "civic_consciousness": "civic",
    "party_member": "party",
    "employer": "employer",
    "threshold": "threshold",
    "open_issues": "open_issues",
    "free_hours": "hours",
    "fatigue": "fatigue",
}


def _view(array_name: str) -> property:
    def get(self: Resident):
        return getattr(self.model.population, array_name)[self.index].item()

    def set_(self: Resident, value) -> None:
        getattr(self.model.population, array_name)[self.index] = value

    return property(get, set_, doc=f"population.{array_name}[index]")


class Resident(FixedAgent):
    """A household. Reading `r.participation` reads `population.level[r.index]`.

    The views keep Mesa's agent API (cells, AgentSet queries, the demo's portrayal) while
    every update stays one vectorized array operation over all households.
    """

    def __init__(self, model, index: int, cell) -> None:
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def grid_id(self) -> int:
        return int(self.model.community.grid_of[self.index])

    @property
    def building_id(self) -> int:
        return int(self.model.community.building_of[self.index])


for _attr, _array in _VIEWS.items():
    setattr(Resident, _attr, _view(_array))
