"""What a calibration's posterior supports: intervals, identification, and warnings when
it is too small to support much.

A parameter is "identified" when its 90% posterior interval is well inside its prior's
(narrower than IDENTIFIABILITY_RATIO of it), and only judged at all from
MIN_ESS_IDENTIFIED effective particles on: from fewer, a narrow interval may be an
accident of a few heavy particles (a population of 10 once called 7 of 8 parameters
identified). Small populations, few predictive draws and a low effective sample size
each get a warning in the report and on the command line. The thresholds are judgements,
stated here, in the report and in docs/CALIBRATION.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from experiments.calibration.config import CalibrationConfig, Prior

IDENTIFIABILITY_RATIO = 0.8
CI = (0.05, 0.95)
MIN_ESS_IDENTIFIED = 100  # effective particles needed before anything is called identified
MIN_POPULATION = 100  # particles per generation below which the posterior is a sketch
MIN_PREDICTIVE = 30  # predictive draws below which its intervals rest on too few runs


def wquantile(values: np.ndarray, weights: np.ndarray, q: float | list[float]) -> np.ndarray:
    return np.quantile(np.asarray(values, float), q, weights=np.asarray(weights, float),
                       method="inverted_cdf")


def effective_sample_size(w: np.ndarray) -> float:
    """Kish's effective sample size of normalised weights: 1 / sum(w^2)."""
    w = np.asarray(w, float) / np.sum(w)
    return float(1 / np.sum(np.square(w)))


def parameter_table(priors: tuple[Prior, ...], particles: np.ndarray, w: np.ndarray,
                    ess: float) -> list[dict[str, Any]]:
    """Prior and posterior of each parameter, and whether the targets identified it:
    True, False, or None (not assessed: fewer than MIN_ESS_IDENTIFIED effective
    particles)."""
    rows = []
    for j, p in enumerate(priors):
        lo, med, hi = wquantile(particles[:, j], w, [CI[0], 0.5, CI[1]])
        prior_width = (p.high - p.low) * (CI[1] - CI[0])
        ratio = (hi - lo) / prior_width
        rows.append({"name": p.name, "prior_low": p.low, "prior_high": p.high,
                     "prior_ci": [p.low + CI[0] * (p.high - p.low),
                                  p.low + CI[1] * (p.high - p.low)],
                     "median": float(med), "ci": [float(lo), float(hi)],
                     "mean": float(np.average(particles[:, j], weights=w)),
                     "width_ratio": float(ratio),
                     "identified": (bool(ratio < IDENTIFIABILITY_RATIO)
                                    if ess >= MIN_ESS_IDENTIFIED else None)})
    return rows


def config_warnings(cfg: CalibrationConfig) -> list[str]:
    """What the config alone says the result cannot support (shown before it runs)."""
    out = []
    if cfg.population_size < MIN_POPULATION:
        out.append(f"population_size {cfg.population_size} is below {MIN_POPULATION}: the "
                   "posterior is a rough sketch, its intervals unreliable, and with fewer "
                   f"than {MIN_ESS_IDENTIFIED} effective particles no parameter is called "
                   "identified")
    if cfg.predictive_draws < MIN_PREDICTIVE:
        out.append(f"predictive_draws {cfg.predictive_draws} is below {MIN_PREDICTIVE}: the "
                   "posterior predictive intervals and the 'consistent?' column rest on too "
                   "few runs to say much")
    return out


def size_warnings(cfg: CalibrationConfig, ess: float, draws: int,
                  particles: int | None = None) -> list[str]:
    """Every warning about the size of the result: the config's, and a low ESS."""
    out = config_warnings(cfg)
    if ess < MIN_ESS_IDENTIFIED:
        out.append(f"the effective sample size is {ess:.0f} (of "
                   f"{particles or cfg.population_size} "
                   f"particles), below {MIN_ESS_IDENTIFIED}: credible intervals are rough, "
                   "and identification is not assessed; raise population_size")
    if draws == 0 and cfg.predictive_draws == 0:
        out.append("no posterior predictive draws: the targets are not checked against the "
                   "fitted model")
    return out
