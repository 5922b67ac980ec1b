"""The "shipped calibration" block of docs/CALIBRATION.md, generated from the stored
calibration (calibration.json beside the posterior), so the page quotes what the fit gave.

Run `python -m experiments.calibration.shipped_doc` after a calibration lands;
tests/test_calibration_targets_model3.py fails while the block is out of date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from experiments.studies import docblocks

DOC, BLOCK = "docs/CALIBRATION.md", "SHIPPED"
FOLDER = Path(__file__).resolve().parents[1] / "calibrations" / "baseline"


def _g(x: float) -> str:
    return f"{x:.3g}"


def n_missed(rows: list[dict[str, Any]]) -> int:
    return sum(1 for t in rows if not t["consistent"])


def markdown(m: dict[str, Any]) -> str:
    mc = m["mcmc"]
    params = m["parameters"]
    pinned = sorted((p for p in params if p["identified"]), key=lambda p: p["width_ratio"])
    loose = [p["name"] for p in params if p["identified"] is False]
    fitted = [t for t in m["targets"] if not t["held_out"] and "median" in t]
    held = [t for t in m["targets"] if t["held_out"] and "median" in t]
    missed = [t for t in m["targets"] if "median" in t and not t["consistent"]]
    outside = [t for t in fitted if not t["ci"][0] <= t["observed"] <= t["ci"][1]]
    sur = m.get("surrogate", {})
    ref = sur.get("refine", {})
    lines = [
        f"Generated from `experiments/calibrations/baseline/calibration.json` "
        f"(`{m['calibration_id']}`, git {(m.get('git_commit') or '?')[:10]}):",
        "",
        f"- {len(params)} free parameters, {len(fitted)} fitted targets, {len(held)} held-out "
        "ones the real simulator can express.",
        f"- Surrogate: {sur.get('design_runs', 0)} design runs over the prior and "
        f"{sur.get('refine_runs', 0)} where the targets could not be ruled out "
        f"({ref.get('not_ruled_out', 0)} of {ref.get('candidates', 0)} candidates, "
        f"{100 * ref.get('share_not_ruled_out', 0):.1f}% of the prior box, were within "
        f"{ref.get('cutoff', 0):g} SD of every target).",
        f"- Chain: {mc['walkers']} walkers x {mc['steps']} steps, autocorrelation time "
        f"{mc['autocorrelation_time']:.0f} steps, effective sample size {mc['ess']:.0f} "
        f"(`final`: {'yes' if m['final'] else 'no'}); {m['elapsed_seconds']:.0f} s for the "
        "chain and the predictive runs.",
        f"- Posterior predictive (real runs): {len(fitted) - n_missed(fitted)} of "
        f"{len(fitted)} fitted and {len(held) - n_missed(held)} of {len(held)} held-out targets "
        "consistent (within 2 combined SDs)"
        + (("; not reproduced: " + ", ".join(
            f"`{t['name']}` ({_g(t['observed'])} observed, predictive {_g(t['ci'][0])}-"
            f"{_g(t['ci'][1])})" for t in missed)) if missed else "") + ".",
    ]
    if outside:
        lines.append("- Fitted targets outside the predictive 90% interval (consistent only "
                     "through their stated error): " + ", ".join(
                         f"`{t['name']}` ({_g(t['observed'])} observed, predictive "
                         f"{_g(t['ci'][0])}-{_g(t['ci'][1])})" for t in outside) + ".")
    lines.append("- Pinned (90% interval under 80% of the prior's), narrowest first: "
                 + ", ".join(f"`{p['name']}` {_g(p['median'])} ({_g(p['ci'][0])}-"
                             f"{_g(p['ci'][1])}, {p['width_ratio']:.2f} of the prior)"
                             for p in pinned) + ".")
    lines.append(f"- Not identified ({len(loose)}): " + ", ".join(f"`{n}`" for n in loose)
                 + ".")
    return "\n".join(lines)


def stored() -> dict[str, Any]:
    return json.loads((FOLDER / "calibration.json").read_text())


if __name__ == "__main__":
    docblocks.write(DOC, BLOCK, markdown(stored()))
    print(f"updated {DOC}")
