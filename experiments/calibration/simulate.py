"""One calibration simulation: free parameters and a seed in, target statistics out.

`Simulator` is a plain picklable object (it travels to process and Dask workers); it holds
the fixed part of the set-up and the targets, so a worker computes the statistics itself and
only a few floats come back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.calibration.config import CalibrationConfig, Prior
from experiments.calibration.targets import TargetSet
from governance import GovernanceModel


@dataclass(frozen=True)
class Simulator:
    scenario: str
    fixed: dict[str, Any]
    priors: tuple[Prior, ...]
    steps: int
    window_start: int
    targets: TargetSet

    @classmethod
    def from_config(cls, cfg: CalibrationConfig, targets: TargetSet) -> Simulator:
        return cls(cfg.scenario, cfg.fixed(), cfg.priors, cfg.steps, cfg.window_start(),
                   targets)

    def model_params(self, free: dict[str, float]) -> dict[str, Any]:
        """Free values as the model takes them (integers rounded, clipped to the prior)."""
        return {p.name: p.coerce(free[p.name]) for p in self.priors}

    def series(self, free: dict[str, float], seed: int, steps: int,
               extra: dict[str, Any] | None = None) -> dict[str, np.ndarray]:
        """One run's per-step measures (index k: after step k + 1)."""
        model = GovernanceModel.from_scenario(
            self.scenario, rng=seed, **{**self.fixed, **self.model_params(free), **(extra or {})})
        model.run(steps)
        df = model.datacollector.get_model_vars_dataframe()
        # Row 0 is the initial state; row k is after step k. The window is the last steps.
        return {c: df[c].to_numpy()[1:] for c in df.columns}

    def run(self, free: dict[str, float], seed: int) -> dict[str, float]:
        """Every plain target's statistic for one run; NaN where it is undefined."""
        stats = self.targets.statistics(self.series(free, seed, self.steps), self.window_start)
        return {k: (v if math.isfinite(v) else math.nan) for k, v in stats.items()}

    def run_conditioned(self, free: dict[str, float], seed: int) -> dict[str, float]:
        """The held-out targets with their own conditions (a reform phased in) or window:
        one run per set of overrides, as long as the longest window needs, same seed."""
        out: dict[str, float] = {}
        spy = self.targets.steps_per_year
        for overrides, group in self.targets.groups().items():
            steps = max([self.steps, *(t.window[1] for t in group if t.window)])
            series = self.series(free, seed, steps, dict(overrides))
            for t in group:
                v = t.statistic(series, self.window_start, spy)
                out[t.name] = v if math.isfinite(v) else math.nan
        return out

    def run_all(self, free: dict[str, float], seed: int) -> dict[str, float]:
        """Every usable target's statistic: the posterior predictive's draw."""
        return {**self.run(free, seed), **self.run_conditioned(free, seed)}

