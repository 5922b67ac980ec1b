"""The report's account of the surrogate: what it was trained on and how well it predicts
runs it never saw (a surrogate that is wrong must say so where the posterior is read)."""

from __future__ import annotations

from typing import Any


def lines(m: dict[str, Any]) -> list[str]:
    info = m.get("surrogate")
    if not info:
        return []
    if info.get("given"):
        return ["## The surrogate the ABC ran on", "", "The ABC's simulations are draws from "
                "a surrogate fitted elsewhere (the shipped calibration's), given by the "
                "caller.", ""]
    out = ["## The surrogate the ABC ran on", "",
           "The ABC's simulations above are draws from a Gaussian-process surrogate of the "
           "simulator (one per fitted statistic: a mean and an SD that holds the run-to-run "
           f"noise and the surrogate's own doubt), trained on {info['design_runs']} real runs "
           "over the whole prior"]
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
