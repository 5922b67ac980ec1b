"""The posterior on the surrogate, sampled directly (emcee's affine-invariant ensemble).

Why not the stochastic-acceptor ABC here too: on a surrogate the error model's likelihood is
known in closed form. The ABC at temperature 1 accepts a draw x with probability
N(observed; x, sigma^2) / c; with x ~ N(mu(theta), e^2) that is the likelihood
N(observed; mu(theta), sigma^2 + e^2) up to c. Sampling that density directly gives the
same posterior without the acceptance step, whose rate at 12 targets fell to 3% at
temperature 5.7 on the first Model 3 run (the rate at temperature 1 would have needed some
10^5 draws a generation). The ensemble sampler (Goodman and Weare 2010; emcee, Foreman-Mackey
et al. 2013) is run until its chain is long against its integrated autocorrelation time and
its effective sample size reaches `min_ess`.

The likelihood, per fitted target i: N(observed_i; mu_i(theta), sigma_i^2 + e_i^2), where
mu_i is the surrogate's mean, sigma_i the target's stated error and e_i the surrogate's
root-mean-square error on held-back runs in the refined region: real runs, so e_i holds the
run-to-run noise of one community-sized run and the surrogate's own error together (the
"model discrepancy" term of history matching). The prior is uniform on the box.

The chain moves in logit coordinates z = log(u / (1 - u)) of the unit box (u the parameter's
place in its prior range), with the Jacobian u(1 - u) in the density, and with differential-
evolution proposals (ter Braak 2006; ter Braak and Vrugt 2008, the snooker update) rather than
emcee's default stretch move. Measured on the first Model 3 posterior (18 parameters, half of
them barely constrained and piled against a bound): the stretch move in the box had an
autocorrelation time of 2,300 steps after 60,000 and still growing; in logit coordinates 220;
in logit coordinates with these proposals 90 (8,000 steps each, 48 walkers).

Walkers start at the design runs with the highest posterior density (distinct points near
the targets, so no long search from the prior box), from a stream seeded by the root seed;
emcee's generator is a RandomState seeded from it, never the global one.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any, TextIO

import emcee
import numpy as np

from experiments.calibration.emulator import Emulator
from experiments.calibration.sampler import DESIGN_STREAM

WALKERS = 48
CHUNK = 500  # steps between checks of the autocorrelation time
MIN_TAUS = 50  # the kept chain must be at least this many autocorrelation times long


EDGE = 1e-9  # starting points are kept this far (in unit coordinates) inside the box


def to_values(em: Emulator, z: np.ndarray) -> np.ndarray:
    """Parameter values of logit coordinates."""
    return em.low + (em.high - em.low) / (1.0 + np.exp(-z))


def to_logit(em: Emulator, x: np.ndarray) -> np.ndarray:
    u = np.clip((x - em.low) / (em.high - em.low), EDGE, 1 - EDGE)
    return np.log(u) - np.log1p(-u)


def log_posterior_logit(em: Emulator, observed: np.ndarray, var: np.ndarray):
    """The posterior density in logit coordinates: the box's density times the Jacobian
    u(1 - u) per parameter, in a form that does not overflow far out (log u + log(1 - u)
    = -|z| - 2 log(1 + exp(-|z|)))."""
    logp = log_posterior_fn(em, observed, var)

    def logp_z(z: np.ndarray) -> np.ndarray:
        z = np.atleast_2d(z)
        a = np.abs(z)
        return logp(to_values(em, z)) - np.sum(a + 2.0 * np.log1p(np.exp(-a)), axis=1)

    return logp_z


def log_posterior_fn(em: Emulator, observed: np.ndarray, var: np.ndarray):
    """Vectorised log posterior over rows of parameter values (uniform prior on the box)."""

    def logp(x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        out = np.full(len(x), -np.inf)
        inside = np.all((x >= em.low) & (x <= em.high), axis=1)
        if inside.any():
            u = em.unit(x[inside])
            mean = np.column_stack([s.gp.predict(u) for s in em.stats])
            out[inside] = -0.5 * np.sum((observed - mean) ** 2 / var + np.log(var), axis=1)
        return out

    return logp


def run(em: Emulator, params: list[str], observed: np.ndarray, var: np.ndarray, seed: int,
        min_ess: int, max_steps: int, stream: TextIO) -> tuple[np.ndarray, dict[str, Any]]:
    """Posterior samples (rows) and the sampler's account: steps, autocorrelation, ESS."""
    logp = log_posterior_fn(em, observed, var)
    pts = em.low + em.stats[0].gp.X_train_ * (em.high - em.low)  # the design runs' points
    dens = np.concatenate([logp(c) for c in np.array_split(pts, max(1, len(pts) // 200))])
    order = np.argsort(-dens, kind="stable")
    start = pts[order[np.arange(WALKERS) % len(order)]]  # a small design repeats its best
    ss = np.random.SeedSequence(seed, spawn_key=(DESIGN_STREAM, 7))
    # a tiny seeded jitter, so no two walkers coincide whatever the design
    jitter = np.random.default_rng(ss).normal(0, 1e-6, start.shape) * (em.high - em.low)
    start = to_logit(em, start + jitter)
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(WALKERS, len(params), log_posterior_logit(
        em, observed, var), vectorize=True, moves=moves)
    sampler.random_state = np.random.RandomState(
        int(ss.generate_state(1)[0])).get_state()
    state, steps, t0, tau = start, 0, time.monotonic(), math.inf
    ess, final = 0.0, False
    while steps < max_steps:
        state = sampler.run_mcmc(state, CHUNK, progress=False)
        steps += CHUNK
        kept = steps // 2  # the first half is burn-in
        chain = sampler.get_chain()[steps - kept:]
        # quiet: a short chain's estimate is reported below and judged by MIN_TAUS; emcee's
        # own warning of it (a logger message per check) would drown the progress lines
        emcee_log = logging.getLogger("emcee")
        level, emcee_log.level = emcee_log.level, logging.ERROR
        try:
            tau = float(np.max(emcee.autocorr.integrated_time(chain, quiet=True)))
        finally:
            emcee_log.setLevel(level)
        ess = WALKERS * kept / tau
        final = kept >= MIN_TAUS * tau and ess >= min_ess
        print(f"posterior sampling: {steps} steps x {WALKERS} walkers, autocorrelation time "
              f"{tau:.0f} steps, effective sample size {ess:.0f}; "
              f"{time.monotonic() - t0:.0f}s", file=stream, flush=True)
        if final:
            break
    kept = steps // 2
    thin = max(1, int(tau // 2))
    samples = to_values(em, sampler.get_chain(discard=steps - kept, thin=thin, flat=True))
    # The joint point for `point = "map"`: the kept draw of highest posterior density in the
    # parameters' own coordinates (the box's, not the logit's, whose Jacobian would move it)
    density = log_posterior_fn(em, observed, var)(samples)
    best = int(np.argmax(density))
    info = {"method": "emcee ensemble sampler (differential-evolution moves, logit "
                      "coordinates) on the surrogate's likelihood",
            "walkers": WALKERS, "steps": steps, "burn_in": steps - kept,
            "autocorrelation_time": tau, "thin": thin, "ess": ess, "samples": len(samples),
            "acceptance": float(np.mean(sampler.acceptance_fraction)), "final": final,
            "map": dict(zip(params, map(float, samples[best]), strict=True)),
            "map_log_density": float(density[best])}
    return samples, info
