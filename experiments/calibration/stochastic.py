"""ABC in which the stated errors set the posterior's width (issue 19, item 3).

A plain ABC-SMC accepts a particle when a distance falls under a threshold; the posterior's
width is then set by where the threshold stopped, not by the targets' errors. Here the
targets' errors are the acceptance kernel: pyabc's StochasticAcceptor accepts a simulation x
with probability (N(x_0; x, Sigma) / c)^(1/T), where N is an independent normal density with
each fitted target's sigma^2 on the diagonal (sigma = sqrt(se^2 + mapping_sd^2)), c the
largest density found so far (importance weights correct for any density above c) and T a
temperature that pyabc.Temperature lowers to 1. At T = 1 the accepted particles are draws
from the posterior under the model "observed = simulated + N(0, sigma^2)" (Wilkinson 2013):
exact given that error model, and as wide as the errors say.

The engine builds a fresh ABCSMC for every generation from the database (see engine.py), so
everything that pyabc keeps in memory between generations is rebuilt here from what the
database holds: the temperatures (stored as each generation's epsilon), the acceptance rates
(the ratio scheme's state is replayed from them) and the largest density found (c).
An uninterrupted calibration and one killed and resumed therefore take the same path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyabc
from pyabc.acceptor import StochasticAcceptor, pdf_norm_max_found
from pyabc.distance import IndependentNormalKernel
from pyabc.epsilon import AcceptanceRateScheme, ExpDecayFixedRatioScheme, Temperature

from experiments.calibration.summary import effective_sample_size
from experiments.calibration.targets import TargetSet


class TargetKernel(IndependentNormalKernel):
    """pyabc's independent normal kernel (log density) with each fitted target's sigma^2 as
    its variance. A statistic the run could not compute (NaN: e.g. no issue closed in the
    window) has density 0 (log -inf): the particle is never accepted."""

    def __init__(self, targets: TargetSet) -> None:
        fitted = targets.fitted()
        super().__init__(var=[t.sigma ** 2 for t in fitted], keys=[t.name for t in fitted])

    def __call__(self, x: dict, x_0: dict, t: int | None = None, par: dict | None = None
                 ) -> float:
        d = float(super().__call__(x, x_0, t, par))
        return d if math.isfinite(d) else -math.inf


class ResumableAcceptor(StochasticAcceptor):
    """StochasticAcceptor with c = the largest density found (pyabc's pdf_norm_max_found),
    where 'found' is every generation the database holds (`density_floor`); the prior
    calibration sample counts for generation 0 only, since the database does not keep it."""

    def __init__(self, density_floor: float | None = None) -> None:
        super().__init__(pdf_norm_method=pdf_norm_max_found)
        self.density_floor = density_floor

    def initialize(self, t: int, get_weighted_distances: Callable[[], pd.DataFrame],
                   distance_function, x_0: dict) -> None:
        if self.density_floor is not None and math.isfinite(self.density_floor):
            self.pdf_norms = {t - 1: self.density_floor}
        super().initialize(t, get_weighted_distances, distance_function, x_0)


class ResumableTemperature(Temperature):
    """pyabc.Temperature with its open-ended default schemes (the acceptance-rate scheme,
    aiming at 30% acceptance, and a geometric decay by at least half per generation; the
    lower of the two proposals wins), never above the previous temperature and never below 1.

    The schedule is open-ended (max_nr_populations = inf): the engine asks pyabc for one
    generation at a time, and pyabc would otherwise force the "last" generation to T = 1.
    At generation t > 0 the previous temperatures and acceptance rates come from the
    database; the acceptance-rate scheme reads the last population, each particle with its
    weight (the proposal of generation t is fitted to that weighted population)."""

    def __init__(self, temperatures: Sequence[float] = (),
                 acceptance_rates: Sequence[float] = ()) -> None:
        super().__init__(schemes=[AcceptanceRateScheme(), ExpDecayFixedRatioScheme()],
                         initial_temperature=AcceptanceRateScheme())
        self.previous = [float(v) for v in temperatures]
        self.rates = [float(v) for v in acceptance_rates]

    def initialize(self, t: int, get_weighted_distances: Callable[[], pd.DataFrame],
                   get_all_records: Callable[[], list[dict]], max_nr_populations: int,
                   acceptor_config: dict) -> None:
        self.max_nr_populations = np.inf
        self.temperatures = dict(enumerate(self.previous[:t]))
        none: Any = None
        for s in range(1, t):  # replay the ratio scheme's state (its alpha) from the rates
            for scheme in self.schemes:
                if isinstance(scheme, ExpDecayFixedRatioScheme):
                    scheme(s, none, none, np.inf, 0.0, "", self.previous[s - 1],
                           self.rates[s - 1])

        def weighted_records() -> list[dict]:
            df = get_weighted_distances()
            return [{"distance": d, "transition_pd_prev": 1.0, "transition_pd": w,
                     "accepted": True} for d, w in zip(df["distance"], df["w"], strict=True)]

        self._update(t, get_weighted_distances, weighted_records,
                     self.rates[t - 1] if 0 < t <= len(self.rates) else 1.0, acceptor_config)

    def update(self, *args, **kwargs) -> None:
        """Nothing: the next generation's temperature is set by `initialize`, from the
        database, in the fresh ABCSMC that runs it."""

    def configure_sampler(self, sampler) -> None:
        """Nothing: rejected particles need not be kept (the schemes read the population)."""


def build(targets: TargetSet, rows: list[dict[str, Any]]
          ) -> tuple[TargetKernel, ResumableAcceptor, ResumableTemperature]:
    """Kernel, acceptor and temperature for the next generation, given the finished ones."""
    floor = max((r["max_density"] for r in rows), default=None)
    return (TargetKernel(targets), ResumableAcceptor(floor),
            ResumableTemperature([r["temperature"] for r in rows],
                                 [r["acceptance_rate"] for r in rows]))


def population_size(start: int, cap: int, min_ess: int, rows: list[dict[str, Any]]) -> int:
    """Particles in the next generation: `start`, and once the temperature is 1 and the last
    generation's ESS fell short of `min_ess`, enough more that the same ESS-to-particles
    ratio would reach it (10% spare), up to `cap`. Never fewer than the last generation."""
    if not rows:
        return start
    last = rows[-1]
    n = max(start, int(last["particles"]))
    if last["temperature"] <= 1.0 and last["ess"] < min_ess:
        ratio = max(last["ess"], 1.0) / max(int(last["particles"]), 1)
        n = max(n, math.ceil(1.1 * min_ess / ratio - 1e-9))
    return min(n, cap)


def generation_stats(history: pyabc.History, t: int) -> dict[str, float]:
    """ESS (Kish: 1 / sum w^2), largest weight and largest density of population t."""
    df = history.get_weighted_distances(t=t)
    w = np.asarray(df["w"], float)
    d = np.asarray(df["distance"], float)
    d = d[np.isfinite(d)]
    return {"ess": effective_sample_size(w), "max_weight": float(w.max() / w.sum()),
            "max_density": float(d.max()) if len(d) else -math.inf}
