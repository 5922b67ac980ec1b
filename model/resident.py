"""`Household`: a Mesa agent per dwelling whose state lives in the population's arrays.

Residents (people aged 18+) are rows of the population's per-resident arrays; a household
agent is the place they live, and lists them.
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import FixedAgent

# Attribute on the agent -> per-household array on the population.
_VIEWS = {
    "open_issues": "open_issues",
    "tenure": "tenure",
    "adults": "adults",
}


def _view(array_name: str) -> property:
    def get(self: Household):
        return getattr(self.model.population, array_name)[self.index].item()

    return property(get, doc=f"population.{array_name}[index]")


class Household(FixedAgent):
    """A dwelling and its household. `residents` are its people's ids in the population.

    The views keep Mesa's agent API (cells, AgentSet queries, the demo's portrayal) while
    every update stays one vectorized array operation over all residents.
    """

    def __init__(self, model, index: int, cell) -> None:
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def residents(self) -> np.ndarray:
        return self.model.population.residents_of(np.array([self.index]))

    @property
    def participation(self) -> int:
        """The highest rung among the household's residents."""
        return int(self.model.population.level[self.residents].max())

    @property
    def grid_id(self) -> int:
        return int(self.model.community.grid_of[self.index])

    @property
    def building_id(self) -> int:
        return int(self.model.community.building_of[self.index])


for _attr, _array in _VIEWS.items():
    setattr(Household, _attr, _view(_array))

Resident = Household  # the name Model 2's code and tests used for the per-dwelling agent
