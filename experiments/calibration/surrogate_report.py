"""The report's account of the surrogate: what it was trained on and how well it predicts
runs it never saw (a surrogate that is wrong must say so where the posterior is read)."""

from __future__ import annotations

from typing import Any


def lines(m: dict[str, Any]) -> list[str]:
    info = m.get("surrogate")
    if not info:
        return []
    if info.get("given"):
        return ["## The surrogate", "", "The likelihood above is evaluated on a surrogate "
                "fitted elsewhere (the shipped calibration's), given by the caller.", ""]
    out = ["## The surrogate", "",
           "The likelihood above is evaluated on a Gaussian-process surrogate of the "
           "simulator (one process per fitted statistic, its mean standing for the run's "
           f"statistic), trained on {info['design_runs']} real runs over the whole prior"]
    ref = info.get("refine")
    if ref:
        out[-1] += (f" and {info['refine_runs']} more where the first surrogate could not rule "
                    f"the targets out ({ref['not_ruled_out']} of {ref['candidates']} "
                    f"candidates, {100 * ref['share_not_ruled_out']:.1f}% of the prior box, "
                    f"were within {ref['cutoff']:g} SD of every target)")
    out[-1] += (". The posterior predictive below runs the real simulator. One run in eight "
                "was held back from the checked surrogate: how it predicts them.")
    out += ["", "| target | R² (prior) | 90% coverage (prior) | R² (posterior region) | "
            "90% coverage (posterior region) |", "|---|---|---|---|---|"]
    prior = info.get("check_prior_final", {})
    post = info.get("check_posterior_region", {})
    for name, row in prior.items():
        p = post.get(name, {})
        out.append(f"| {name} | {row['r2']:.3f} | {row['coverage90']:.2f} | "
                   f"{p.get('r2', float('nan')):.3f} | {p.get('coverage90', float('nan')):.2f} |")
    return [*out, ""]


def method_bullet(m: dict[str, Any]) -> str:
    mc = m["mcmc"]
    return (f"- posterior sampled on a Gaussian-process surrogate of the simulator (emcee "
            f"ensemble sampler, {mc['walkers']} walkers, {mc['steps']} steps); each target's "
            f"likelihood SD is its sigma and the surrogate's error on held-back runs together; "
            f"{m['elapsed_seconds']:.0f} s")


def sampling_lines(m: dict[str, Any], min_ess: int) -> list[str]:
    mc = m["mcmc"]
    lines = ["## Sampling", "",
             "The posterior under the error model \"observed = simulated + N(0, sigma^2)\", "
             "its likelihood evaluated on the surrogate (the stochastic acceptor's target at "
             "temperature 1, in closed form). The first half of the chain is burn-in; the "
             "calibration is final when the kept half is at least 50 integrated "
             "autocorrelation times long and its effective sample size (walkers x kept steps "
             f"/ autocorrelation time) is at least {min_ess}.", "",
             "| walkers | steps | burn-in | autocorrelation time (steps, largest) | ESS | "
             "acceptance | samples kept (thinned) |", "|---|---|---|---|---|---|---|",
             f"| {mc['walkers']} | {mc['steps']} | {mc['burn_in']} | "
             f"{mc['autocorrelation_time']:.0f} | {mc['ess']:.0f} | {mc['acceptance']:.3f} | "
             f"{mc['samples']} |", "", "Likelihood SD per target (sigma and surrogate error "
             "together):", "", "| target | SD |", "|---|---|"]
    lines += [f"| {n} | {v:.3f} |" for n, v in mc.get("likelihood_sd", {}).items()]
    return lines
