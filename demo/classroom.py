"""The demo's runs: one, or two on the same community stepping together.

Both runs get the same integer seed, so the community (households, residents, Party
members, initial trust) is drawn identically and only the settings differ; where they
differ only in their mechanisms they start from the same settled burn-in (demo.settling).
"""

from __future__ import annotations

from demo.closures import ClosedIssues
from demo.config import DemoConfig
from demo.settling import BUILDER
from demo.steering import Steering
from governance import GovernanceModel


class Classroom:
    """`runs` is [(label, model)], left first."""

    def __init__(self, config: DemoConfig, ticket: str | None = None) -> None:
        """`ticket`: the request's name for the progress of its burn-ins (demo.settling)."""
        self.config = config
        params = [config.left_params()] + ([config.right_params()] if config.compare else [])
        BUILDER.plan(ticket, params, config.seed)
        try:
            models = [BUILDER.build(p, config.seed, ticket) for p in params]
        finally:
            BUILDER.finish(ticket)
        labels = [config.scenario, config.right_scenario()]
        self.runs: list[tuple[str, GovernanceModel]] = list(zip(labels, models,
                                                                strict=False))
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
