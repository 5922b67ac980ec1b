"""The main job (`python run.py` with no arguments): the article's scenarios side by side.

Every scenario registered with kind "mechanism" is compared with the administrative
baseline, each replicate with its own posterior particle (experiments/calibrations/baseline,
shared by all scenarios of the replicate), and each effect is read at years 1, 3 and 8
with its probability of being positive (experiments/analyse/robust.py). So:

- Replicates: as many as it takes for MIN_DISTINCT (30) distinct particles
  (`Posterior.replicates_for`; 30 when every slot is a particle of its own, a few more when
  the posterior repeats heavy particles), or MIN_DISTINCT at the defaults when the shipped
  posterior cannot be used (the report then says parameter uncertainty is not covered).
- Steps: STEPS = 416, eight years after the settled start, so year 8 is in every run.
- Size: SIZE x SIZE = 40 x 40 households (1,600; four management grids of the default
  20 x 20). 30 replicates x 9 scenarios x 416 weeks must fit in a few minutes on two cores
  for a new user. A 40 x 40 run of 416 weeks costs 1.2-1.5 s of CPU and a burn-in about
  1.3 s, paid once per replicate and burn-in key (model/settled.py shares it across the
  scenarios, whose mechanisms are off in the burn-in; kept on disk so both workers share
  it; `grid_management_added` has a key of its own, as its `grid_staffing` is not a
  switch). Measured at the defaults: 270 runs, 584 s of CPU with the report, so about five
  minutes on two free cores. 30 x 30 saves only about 15% (per-step costs that do not
  scale with households dominate), 60 x 60 doubles the cost. The calibration fits at
  30 x 30, so 40 x 40 is no further from the size the posterior was fitted at than the
  studies' 60 x 60.

Outcome window: a run's outcome (the comparison table) is the mean of its last WINDOW (52)
weeks, year 8 here, the same window length as every shipped config in experiments/configs
(checked by a test). One week's value is noisier and its order between scenarios can flip
from one week to the next.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from experiments.specify.check import from_dict
from experiments.specify.particles import MIN_DISTINCT
from experiments.specify.spec import Spec
from governance import SCENARIOS
from model.errors import InputError

REFERENCE = "administrative"
STEPS = 416  # eight years of weeks: the horizons are years 1, 3 and 8
WINDOW = 52  # weeks averaged into each run's outcome: the last year
SIZE = 40  # households per side (module docstring: what it costs)
BURN_IN_CACHE = "results/.burn_in"  # burn-in end states shared by the workers
OUT = "results/main"
# The shipped calibration's posterior: each replicate draws its parameters from it, so the
# CIs hold parameter and stochastic uncertainty together.
POSTERIOR_NAME = "experiments/calibrations/baseline/posterior.parquet"  # from the repo root
POSTERIOR = str(Path(__file__).resolve().parents[2] / POSTERIOR_NAME)


_NOTED: set[str] = set()  # posteriors already refused in this process (say it once)


def usable_posterior(path: str = POSTERIOR) -> str | None:
    """The shipped posterior if it fits this model's parameters, else None (and a note):
    a calibration of other model code must not be drawn from as if it were this model's."""
    from experiments.specify.posterior import load_posterior

    try:
        load_posterior(path)
    except InputError as exc:
        if path in _NOTED:
            return None
        _NOTED.add(path)
        print(f"note: the shipped calibration cannot be used with this model: {exc} The main "
              "job runs at the schema's defaults, so its intervals hold stochastic "
              "uncertainty only and it calls no effect robust. To recalibrate: python "
              "run.py calibrate experiments/configs/calibrate_baseline.toml",
              file=sys.stderr)
        return None
    return path


def share_burn_in(folder: str = BURN_IN_CACHE) -> None:
    """Keep burn-in end states on disk for the worker processes (model/settled.py), unless
    the user chose a cache already: each replicate's burn-in is then paid once, not once
    per worker that runs one of its scenarios."""
    import os

    from model import settled

    os.environ.setdefault(settled.ENV, folder)


def replicates_needed(seed: int, posterior: str | None) -> int:
    """Replicates for MIN_DISTINCT distinct particles of `posterior` (MIN_DISTINCT without
    one, or when it cannot give them: the report then says so)."""
    if posterior is None:
        return MIN_DISTINCT
    from experiments.specify.posterior import load_posterior

    return load_posterior(posterior).replicates_for(seed) or MIN_DISTINCT


def main_spec(replicates: int | None = None, steps: int = STEPS, seed: int = 20240601,
              out: str = OUT, overrides: dict[str, Any] | None = None) -> Spec:
    """The main job's spec; `overrides` (e.g. a smaller community) apply to every run.
    `replicates` None: as many as MIN_DISTINCT distinct particles need."""
    scenarios = [REFERENCE] + [n for n, s in SCENARIOS.items()
                               if s.kind == "mechanism" and n != REFERENCE]
    posterior = usable_posterior()
    if replicates is None:
        replicates = replicates_needed(seed, posterior)
    raw: dict[str, Any] = {
        "name": "main",
        "description": "Built-in comparison of the article's governance mechanisms against "
                       "the administrative baseline (`python run.py`).",
        "scenarios": scenarios, "reference": REFERENCE, "replicates": replicates,
        "steps": steps, "seed": seed, "out": out,
        "outcome": "mean", "warmup": max(0, steps - WINDOW),
        "overrides": {"width": SIZE, "height": SIZE, **(overrides or {})},
    }
    if posterior is not None:
        raw["posterior"] = posterior
    return from_dict(raw, source="built-in main job")
