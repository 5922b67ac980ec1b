"""The demo's runs: one, or two on the same community stepping together.

Both runs get the same integer seed, so the community (households, Party members, initial
trust) is drawn identically and only the settings differ.
"""

from __future__ import annotations

from demo.closures import ClosedIssues
from demo.config import DemoConfig
from governance import GovernanceModel


class Classroom:
    """`runs` is [(label, model)], left first."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        left = GovernanceModel(rng=config.seed, **config.left_params())
        self.runs: list[tuple[str, GovernanceModel]] = [(config.scenario, left)]
        if config.compare:
            right = GovernanceModel(rng=config.seed, **config.right_params())
            self.runs.append((config.right_scenario(), right))
        # Watchers of each run's closed issues, set before the first step.
        self.closed = [ClosedIssues(model) for _, model in self.runs]
        self.applied: dict[int, int] = {}

    @property
    def step_count(self) -> int:
        return self.runs[0][1].step_count

    def step(self, steer: dict[int, int] | None = None) -> None:
        """One week of every run; `steer` = {household: rung wanted} for the left run's
        households that students play (participatory mode, `Population.steer`)."""
        self.applied = dict(steer or {})  # what the players asked for this step
        if steer is not None:
            pop = self.runs[0][1].population
            if hasattr(pop, "steer"):
                pop.steer[:] = -1
                for household, rung in steer.items():
                    pop.steer[household] = rung
        for _, run in self.runs:
            run.step()
