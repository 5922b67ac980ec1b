"""The main job (`python run.py` with no arguments): the article's scenarios side by side.

Every scenario registered with kind "mechanism" is compared with the administrative
baseline at the default community size, a few replicates each, so a fresh checkout shows
the article's argument in a few minutes on two cores. Each replicate's parameters are drawn
from the shipped calibration's posterior (experiments/calibrations/baseline), shared by all
scenarios of that replicate.

Outcome window: a run's outcome is the mean of its last WINDOW (52) weeks, after the
first year's transition, the same window as every shipped config in experiments/configs
(checked by a test). One week's value is noisier and its order between scenarios can flip
from one week to the next.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from experiments.spec import Spec, from_dict
from governance import SCENARIOS
from model.errors import InputError

REFERENCE = "administrative"
REPLICATES = 6
STEPS = 104  # two years of weeks
WINDOW = 52  # weeks averaged into each run's outcome: the last year
OUT = "results/main"
# The shipped calibration's posterior: each replicate draws its parameters from it, so the
# CIs hold parameter and stochastic uncertainty together.
POSTERIOR = str(Path(__file__).resolve().parent / "calibrations" / "baseline" / "posterior.parquet")


def usable_posterior(path: str = POSTERIOR) -> str | None:
    """The shipped posterior if it fits this model's parameters, else None (and a note):
    a calibration of other model code must not be drawn from as if it were this model's."""
    from experiments.posterior import load_posterior

    try:
        load_posterior(path)
    except InputError as exc:
        print(f"note: the shipped calibration cannot be used with this model: {exc} The main "
              "job runs at the schema's defaults, so its intervals hold stochastic "
              "uncertainty only. To recalibrate: python run.py calibrate "
              "experiments/configs/calibrate_baseline.toml", file=sys.stderr)
        return None
    return path


def main_spec(replicates: int = REPLICATES, steps: int = STEPS, seed: int = 20240601,
              out: str = OUT) -> Spec:
    scenarios = [REFERENCE] + [n for n, s in SCENARIOS.items()
                               if s.kind == "mechanism" and n != REFERENCE]
    raw: dict[str, Any] = {
        "name": "main",
        "description": "Built-in comparison of the article's governance mechanisms against "
                       "the administrative baseline (`python run.py`).",
        "scenarios": scenarios, "reference": REFERENCE, "replicates": replicates,
        "steps": steps, "seed": seed, "out": out,
        "outcome": "mean", "warmup": max(0, steps - WINDOW),
    }
    posterior = usable_posterior()
    if posterior is not None:
        raw["posterior"] = posterior
    return from_dict(raw, source="built-in main job")
