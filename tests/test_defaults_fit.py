"""Issue 19, item 5: one joint point of the shipped calibration (calibrated.toml, the chain's
draw of highest posterior density), checked by simulation: there every fitted target's
statistic (mean of a few seeded runs at the calibration's own size and window) lies within the
target's sigma, except the misses named below, each with its reason.

The point is the model's defaults (scripts/apply_calibration.py wrote it into the schema);
the `point` study (docs/CALIBRATION.md, "The joint point") compares it with Model 2's values,
the defaults before."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from experiments.calibration import config, targets
from experiments.calibration.simulate import Simulator
from governance import PARAMS

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "experiments" / "configs" / "calibrate_baseline.toml"
POINT = ROOT / "experiments" / "calibrations" / "baseline" / "calibrated.toml"
SEEDS = (101, 102, 103, 104, 105, 106)
# Fitted targets the model does not reach at any point of the posterior: the surrogate's
# best draw is 1.85 sigma below it (the model's weekly-contact share is bounded by the
# contact rate that keeps "never chats" at its own target). Listed, not hidden: the test
# fails when such a target comes within its sigma too, so the list stays true.
KNOWN_MISSES = {"neighbour_chat_weekly_2017"}


@pytest.fixture(scope="module")
def at_defaults() -> tuple[targets.TargetSet, dict[str, float]]:
    cfg = config.load(SHIPPED)
    ts = targets.load(cfg.targets_path)
    sim = Simulator.from_config(cfg, ts)
    # The schema's defaults (the point, by the test below), not the file's values.
    free = {p.name: PARAMS[p.name].default for p in cfg.priors}
    runs = [sim.run(free, seed) for seed in SEEDS]
    return ts, {t.name: float(np.mean([r[t.name] for r in runs])) for t in ts.fitted()}


def test_defaults_are_the_shipped_calibrations_point():
    cfg = config.load(SHIPPED)
    point = tomllib.loads(POINT.read_text())["params"]
    assert {p.name for p in cfg.priors} == set(point)
    for name, value in point.items():
        assert PARAMS[name].default == pytest.approx(value, rel=1e-5), name


def test_the_defaults_reproduce_every_fitted_target_within_its_sigma(at_defaults):
    ts, mean = at_defaults
    z = {t.name: (mean[t.name] - t.value) / t.sigma for t in ts.fitted()}
    within = {n for n, v in z.items() if abs(v) <= 1.0}
    assert within == set(z) - KNOWN_MISSES, {n: round(v, 2) for n, v in z.items()}
    # a known miss is still a near miss, not a different model
    assert all(abs(z[n]) <= 2.5 for n in KNOWN_MISSES), z
