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

from pathlib import Path
from typing import Any

from experiments.spec import Spec, from_dict
from governance import SCENARIOS

REFERENCE = "administrative"
REPLICATES = 6
STEPS = 104  # two years of weeks
WINDOW = 52  # weeks averaged into each run's outcome: the last year
OUT = "results/main"
# The shipped calibration's posterior: each replicate draws its parameters from it, so the
# CIs hold parameter and stochastic uncertainty together.
POSTERIOR = str(Path(__file__).resolve().parent / "calibrations" / "baseline" / "posterior.parquet")


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
        "outcome": "mean", "warmup": max(0, steps - WINDOW), "posterior": POSTERIOR,
    }
    return from_dict(raw, source="built-in main job")
