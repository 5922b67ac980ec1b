"""The demo's model: one run, or two runs on the same community stepping together.

Mesa's `ModelController` steps and rebuilds a single model object; wrapping the run(s) in
one `mesa.Model` lets the standard step / play / pause / reset buttons drive the
side-by-side mode too. Both runs get the same integer seed, so the community (households,
party members, initial trust) is drawn identically and only the mechanisms differ.
"""

from __future__ import annotations

import mesa

from demo.config import DemoConfig
from model.governance import GovernanceModel


class Classroom(mesa.Model):
    """Steps every run once per step; `runs` is [(label, model)], left first."""

    def __init__(self, config: DemoConfig | None = None, rng: int | None = None) -> None:
        config = config or DemoConfig.for_scenario(DemoConfig().scenario)
        super().__init__(rng=config.seed if rng is None else rng)
        self.config = config
        seed = config.seed
        left = GovernanceModel(rng=seed, **config.left_params())
        label = config.scenario + (" (edited)" if config.edits() else "")
        self.runs: list[tuple[str, GovernanceModel]] = [(label, left)]
        if config.compare:
            right = GovernanceModel(rng=seed, **config.right_params())
            self.runs.append((config.right_scenario(), right))

    @property
    def step_count(self) -> int:
        return self.runs[0][1].step_count

    def step(self) -> None:
        for _, run in self.runs:
            run.step()
