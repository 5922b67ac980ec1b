"""Enterprises (社區企業) located in the community (article B4, C3).

A firm stands at a fixed cell, employs some residents, and has a propensity to give to
community projects. The propensity is not a fixed trait: it is learnt from what giving brings
back, by the Bush-Mosteller rule (Bush and Mosteller 1955; Macy and Flache 2002), so social
responsibility lasts only where giving pays the firm in reputation and employees' morale.
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import FixedAgent

from agents.enterprises.params import EnterpriseParams
from model.ports import Model


class Enterprise(FixedAgent):
    """One firm: where it is, whom it employs, how willing it is to give."""

    model: Model[EnterpriseParams]

    def __init__(self, model: Model[EnterpriseParams], index: int, x: int, y: int,
                 employees: np.ndarray, propensity: float, need: int) -> None:
        super().__init__(model)
        self.index = index
        self.cell = model.community.grid[(int(x), int(y))]
        self.x, self.y = int(x), int(y)
        self.employees = employees  # resident ids (those who move away leave)
        self.propensity = float(propensity)
        self.need = int(need)  # kind of organisation service its staff need (issue kind)
        self.reputation = float(model.p.initial_opinion)  # mean opinion (set each step)
        self.given = 0.0  # yuan given over the run
        self.rounds_given = 0
        self.last_return = 0.0  # reputation + morale gained by its last gift
        self.mediated = 0  # its disputes mediated on the platform over the run
        self.aspiration = float(model.p.csr_aspiration)  # adapts to what giving brings

    def pledge(self) -> float:
        """Yuan offered when it gives this round: in proportion to its local workforce."""
        return self.model.p.enterprise_giving * len(self.employees)

    def reinforce(self, payoff: float) -> float:
        """Bush-Mosteller update of the propensity to give, after a round it gave in.

        Stimulus s = clip((payoff - A) / A, -1, 1) with aspiration A; a satisfying outcome
        moves the propensity towards 1 by l * (1 - p) * s, a disappointing one towards 0
        by l * p * |s|. The aspiration then moves toward the payoff (habituation, Macy and
        Flache 2002): A <- A + h * (payoff - A), floored at the schema's lowest aspiration.
        Returns the stimulus.
        """
        p = self.model.p
        aspiration = self.aspiration
        s = float(np.clip((payoff - aspiration) / aspiration, -1.0, 1.0))
        self.aspiration = max(aspiration + p.csr_habituation * (payoff - aspiration),
                              p.csr_aspiration_floor)
        rate = p.csr_learning
        if s >= 0:
            self.propensity += rate * (1.0 - self.propensity) * s
        else:
            self.propensity += rate * self.propensity * s
        self.propensity = float(np.clip(self.propensity, 0.0, 1.0))
        self.last_return = payoff
        return s
