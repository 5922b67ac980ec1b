"""The demo's runs: one, or two on the same community stepping together.

Both runs get the same integer seed, so the community (households, Party members, initial
trust) is drawn identically and only the settings differ.
"""

from __future__ import annotations

from demo.closures import ClosedIssues
from demo.config import DemoConfig
from demo.steering import Steering
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
        self.applied = Steering()  # what the players asked for in the last step

    @property
    def step_count(self) -> int:
        return self.runs[0][1].step_count

    def step(self, steering: Steering | None = None) -> None:
        """One week of every run; the players' choices (participatory mode) enter the left
        run through the model's hooks (demo.steering)."""
        if steering is not None:
            self.applied = steering.copy()
            steering.apply(self.runs[0][1])
        for _, run in self.runs:
            run.step()
