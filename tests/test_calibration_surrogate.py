"""The surrogate route of the calibration (design.py, emulator.py, surrogate.py) at a tiny
size: two waves of real runs, a Gaussian process per fitted statistic, the ABC on it, the
predictive on the real simulator; reproducible on any executor and after a kill mid-design."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli.main import main
from experiments.calibration import config, design, emulator, engine, outputs
from tests.test_calibration_engine import tiny_targets


def surrogate_config(tmp_path: Path, design_runs: int = 32, refine: int = 12) -> Path:
    p = tmp_path / "tiny_surrogate.toml"
    p.write_text(f"""
name = "tiny_surrogate"
targets = "{tiny_targets(tmp_path)}"
seed = 5
width = 12
height = 12
steps = 8
warmup = 4
[overrides]
grid_block = 6
building_block = 3
burn_in = 2
[params.rc_admin_burden]
[params.issue_rate]
low = 0.005
high = 0.05
[abc]
population_size = 20
min_ess = 15
max_generations = 30
max_wall_minutes = 30
predictive_draws = 2
[surrogate]
design = {design_runs}
refine = {refine}
candidates = 1000
""")
    return p


@pytest.fixture(scope="module")
def straight(tmp_path_factory) -> tuple[Path, Path, dict]:
    """The tiny surrogate calibration, uninterrupted and serial: the reference."""
    folder = tmp_path_factory.mktemp("sur")
    cfg_path = surrogate_config(folder)
    manifest = engine.calibrate(config.load(cfg_path), folder / "serial", executor="serial",
                                stream=io.StringIO())
    return cfg_path, folder / "serial", manifest


def test_surrogate_calibration_runs_both_waves_and_checks_itself(straight):
    _, out, m = straight
    runs = pd.read_parquet(out / design.FILE)
    assert list(runs["wave"].value_counts().sort_index()) == [32, 12]
    assert runs[["wave", "index"]].equals(runs[["wave", "index"]].sort_values(
        ["wave", "index"]).reset_index(drop=True))
    info = m["surrogate"]
    assert info["design_runs"] == 32 and info["refine_runs"] == 12
    assert 0 < info["refine"]["not_ruled_out"] <= 1000
    for part in ("check_prior", "check_prior_final", "check_posterior_region"):
        assert set(info[part]) == set(m["fitted"])  # one check per fitted target
        assert all(np.isfinite(v["rmse"]) for v in info[part].values())
    assert m["final"] and m["mcmc"]["ess"] >= 15 and m["generations"] == []
    assert m["mcmc"]["steps"] - m["mcmc"]["burn_in"] >= 50 * m["mcmc"]["autocorrelation_time"]
    # the likelihood's SD per target: the stated sigma widened by the surrogate's error
    for t, sd in m["mcmc"]["likelihood_sd"].items():
        assert sd >= next(r["sigma"] for r in m["targets"] if r["name"] == t)
    pred = pd.read_parquet(out / "predictive.parquet")
    assert len(pred) == 2  # the real simulator at posterior draws
    stored = json.loads((out / "calibration.json").read_text())
    assert stored["surrogate"]["design_runs"] == 32
    report = (out / "report.md").read_text()
    assert "surrogate" in report.lower() and "## Sampling" in report


def test_same_posterior_on_processes_and_after_a_kill_mid_design(straight, tmp_path):
    path, out, m = straight
    cfg = config.load(path)
    other = tmp_path / "procs"
    other.mkdir()
    # a design killed after its first 15 runs: the stored file holds only those
    runs = pd.read_parquet(out / design.FILE)
    key = json.loads((out / "calibration.json").read_text())["surrogate_design_key"]
    design._write(other, runs.iloc[:15], key)
    m2 = engine.calibrate(cfg, other, executor="processes", workers=2, stream=io.StringIO())
    assert m2["calibration_id"] == m["calibration_id"]
    pd.testing.assert_frame_equal(pd.read_parquet(other / design.FILE), runs)
    p1, _ = outputs.read_posterior(out / "posterior.parquet")
    p2, _ = outputs.read_posterior(other / "posterior.parquet")
    pd.testing.assert_frame_equal(p1, p2)


def test_emulator_learns_a_known_function_and_knows_its_noise():
    """y = sin(3 x0) + x1^2 + N(0, 0.05^2): R^2 near 1 and the 90% interval holds about 90%
    of fresh draws (the white-noise term is estimated, not given)."""
    rng = np.random.default_rng(3)
    x = rng.random((300, 3))

    def f(u: np.ndarray) -> np.ndarray:
        return np.sin(3 * u[:, 0]) + u[:, 1] ** 2 + rng.normal(0, 0.05, len(u))

    em = emulator.fit(["y"], np.zeros(3), np.ones(3), x, {"y": f(x)}, seed=1)
    fresh = rng.random((400, 3))
    chk = emulator.check(em, fresh, {"y": f(fresh)})["y"]
    assert chk["r2"] > 0.95
    assert 0.8 <= chk["coverage90"] <= 0.97
    noise = float(np.exp(em.stats[0].gp.kernel_.k2.theta[0]) ** 0.5)  # normalised units
    assert noise < 0.2


def test_bad_surrogate_table_is_one_paragraph(tmp_path, capsys):
    p = surrogate_config(tmp_path)
    p.write_text(p.read_text().replace("design = 32", "design = 10"))
    assert main(["calibrate", str(p), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "surrogate.design" in err and "10" in err and "Traceback" not in err
