"""A surrogate of the simulator: one Gaussian process per fitted statistic.

Why: a posterior needs tens of thousands of evaluations, and a Model 3 run costs about a
second. A Gaussian process fitted to a couple of thousand real runs (design.py) predicts
each statistic at any parameter point in about a millisecond: a mean, and a standard
deviation that holds the run-to-run noise (a white-noise term, estimated from the runs)
and the surrogate's own uncertainty (large where few runs lie). The posterior is sampled
on it (mcmc.py), with the surrogate's error on held-back real runs added to each target's
error (Wilkinson 2014, "Accelerating ABC methods using Gaussian processes", on why a
surrogate's doubt must widen, never sharpen, the posterior).

The kernel is a constant times an anisotropic Matern 5/2 (one length scale per free
parameter, on the prior box scaled to [0, 1]) plus white noise. Its hyperparameters are
fitted by maximum likelihood on at most FIT_POINTS runs (the gradient costs n^2 x d memory),
then held fixed while the process is conditioned on every run. `check` measures the
surrogate on runs it was not fitted to: R^2 and how often the run falls in the 90%
predictive interval; the report shows both, so a surrogate that is wrong says so.
"""

from __future__ import annotations

import warnings
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

FIT_POINTS = 300  # runs used to fit the hyperparameters (all runs condition the process):
# the likelihood's gradient costs n^2 x d per step; at 300 runs over 18 parameters the
# held-back runs are predicted with R^2 0.93-0.995 already (first Model 3 design)
Z90 = 1.6448536269514722


@dataclass
class StatisticGP:
    """One statistic's process on the unit box."""

    name: str
    gp: GaussianProcessRegressor

    def predict(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean, sd = self.gp.predict(np.atleast_2d(unit), return_std=True)
        return mean, sd


def _kernel(dims: int):
    return (ConstantKernel(1.0, (1e-3, 1e3))
            * Matern(length_scale=np.full(dims, 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5)
            + WhiteKernel(0.1, (1e-6, 1e1)))


def fit_statistic(name: str, unit: np.ndarray, y: np.ndarray, seed: int) -> StatisticGP:
    """Hyperparameters on a seeded subset, then the process conditioned on every run."""
    ok = np.isfinite(y)
    unit, y = unit[ok], y[ok]
    rng = np.random.default_rng(seed)
    sub = np.sort(rng.choice(len(y), size=min(FIT_POINTS, len(y)), replace=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tuned = GaussianProcessRegressor(_kernel(unit.shape[1]), normalize_y=True,
                                         n_restarts_optimizer=0, random_state=seed)
        tuned.fit(unit[sub], y[sub])
    full = GaussianProcessRegressor(tuned.kernel_, normalize_y=True, optimizer=None)
    full.fit(unit, y)
    return StatisticGP(name, full)


@dataclass
class Emulator:
    """The fitted statistics' processes, and the prior box they live on."""

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    stats: tuple[StatisticGP, ...]
    # RMSE per statistic on held-back real runs where the posterior lies: the run noise and
    # the surrogate's error together, added to each target's sigma^2 in the likelihood
    error: np.ndarray | None = None

    def unit(self, values: np.ndarray) -> np.ndarray:
        return (np.atleast_2d(np.asarray(values, float)) - self.low) / (self.high - self.low)

    def predict(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Means and SDs (points x statistics) of a new run's statistics."""
        u = self.unit(values)
        pairs = [s.predict(u) for s in self.stats]
        return (np.column_stack([m for m, _ in pairs]), np.column_stack([s for _, s in pairs]))

    def implausibility(self, values: np.ndarray, observed: np.ndarray, sigma: np.ndarray
                       ) -> np.ndarray:
        """Largest |observed - predicted| / combined SD over the statistics, per point."""
        mean, sd = self.predict(values)
        return np.max(np.abs(observed - mean) / np.sqrt(sd ** 2 + sigma ** 2), axis=1)


def fit(names: list[str], low: np.ndarray, high: np.ndarray, values: np.ndarray,
        table: dict[str, np.ndarray], seed: int, pool: Executor | None = None) -> Emulator:
    """One process per statistic, fitted in `pool`'s workers when given (each fit is seeded
    by its statistic's place, so the result does not depend on the pool)."""
    unit = (np.asarray(values, float) - low) / (high - low)
    args = [(n, unit, np.asarray(table[n], float), seed + i) for i, n in enumerate(names)]
    if pool is None:
        stats = tuple(fit_statistic(*a) for a in args)
    else:
        stats = tuple(f.result() for f in [pool.submit(fit_statistic, *a) for a in args])
    return Emulator(tuple(names), np.asarray(low, float), np.asarray(high, float), stats)


def check(em: Emulator, values: np.ndarray, table: dict[str, np.ndarray]
          ) -> dict[str, dict[str, float]]:
    """R^2 and 90% coverage on runs the emulator was not conditioned on."""
    mean, sd = em.predict(values)
    out = {}
    for j, name in enumerate(em.names):
        y = np.asarray(table[name], float)
        ok = np.isfinite(y)
        resid = y[ok] - mean[ok, j]
        var = float(np.var(y[ok]))
        out[name] = {
            "r2": float(1 - np.mean(resid ** 2) / var) if var > 0 else float("nan"),
            "coverage90": float(np.mean(np.abs(resid) <= Z90 * sd[ok, j])),
            "rmse": float(np.sqrt(np.mean(resid ** 2))),
            "runs": int(ok.sum()),
        }
    return out
