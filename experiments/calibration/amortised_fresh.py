"""The amortised network's second real-run check: a fresh test set and a corrected rule.

Why: the first real-run check (amortised_check.py) failed on `fatigue_rate` alone, by 0.004
on one of 54 coverage comparisons, under a rule that fails a perfectly calibrated network in
13-15% of checks (its bands are not corrected for their number) and on a test set (the
design's held-back runs) that every network is checked against. A second failure there says
little. This check was stated, and committed, before it was first evaluated:

- Test set: FRESH_TESTS new real runs of the community design's simulator (30 x 30, the
  design's scenario, steps and statistics), at a scrambled Latin hypercube over the design's
  whole box (free parameters and profile) from the design's root seed with wave FRESH_WAVE,
  which the design never ran; the network and its surrogates never saw them. Each run's
  figures get a random subset and random errors as in training, from a noise seed the first
  check did not use.
- Rule: for every free parameter and every level in 50/80/95%, the two-sided exact binomial
  test of the share of truths inside the central interval against the level has
  p >= 0.05 / (3 x parameters) (Bonferroni over the 54 comparisons); and each parameter's
  ranks pass the chi-square test of uniformity (10 bins) at 0.01 / parameters, as before.
  The rule's own false-alarm rate is simulated and reported beside the verdict.
- The verdict is reported as it comes: pass or fail. Neither the first check's verdicts nor
  the network change with it, and no retraining follows a failure without a new statement.

    .venv/bin/python -m experiments.calibration.amortised_fresh   # run the test set (resumes)
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import pandas as pd

from experiments.calibration import amortised as am
from experiments.calibration import config as config_mod
from experiments.calibration import design
from experiments.calibration import targets as targets_mod
from experiments.calibration.simulate import Simulator
from experiments.running.executors import make_executor

FRESH_WAVE = 9
FRESH_TESTS = 384
NOISE_SEED = 7  # the first real-run check used 2
FOLDER = am.ROOT / "experiments" / "calibrations" / "community_sbc_fresh"


def run(workers: int = 2, stream: TextIO = sys.stderr) -> pd.DataFrame:
    """Run (or finish) the fresh test set; kept in FOLDER/design.parquet."""
    cfg = config_mod.load(am.CONFIG)
    sim = Simulator.from_config(cfg, targets_mod.load(cfg.targets_path))
    points = design.hypercube(cfg.priors, FRESH_TESTS, cfg.seed, FRESH_WAVE)
    FOLDER.mkdir(parents=True, exist_ok=True)
    key = am.design_key()
    done = design.read(FOLDER, key)
    with make_executor("processes", workers) as pool:
        return design.run_wave(sim, points, FRESH_WAVE, cfg.seed, FOLDER, key, pool, stream,
                               done)


def stored() -> pd.DataFrame:
    """The finished fresh runs, or empty when they are missing or from other rules: they
    are stored under the design's own key, so they are valid exactly while the design's
    runs are (and the network refuses to load under other rules)."""
    return design.read(FOLDER, am.design_key())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    df = run(args.workers)
    print(f"{len(df)} fresh runs in {FOLDER}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
