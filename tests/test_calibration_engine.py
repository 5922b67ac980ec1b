"""The calibration loop end to end at a tiny size: outputs, reproducibility from the root
seed across executors, and resuming after SIGKILL without losing finished generations."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
import pytest

from experiments.calibration import config, engine, outputs

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "experiments" / "targets" / "china_urban_2010s.toml"


def tiny_config(tmp_path: Path, generations: int = 3, pop: int = 10) -> Path:
    p = tmp_path / "tiny.toml"
    p.write_text(f"""
name = "tiny"
targets = "{TARGETS}"
seed = 11
width = 20
height = 20
steps = 16
warmup = 8
[overrides]
grid_block = 10
burn_in = 26
[params.rc_admin_burden]
[params.issue_rate]
low = 0.005
high = 0.05
[abc]
population_size = {pop}
max_generations = {generations}
max_simulations = 100000
max_wall_minutes = 30
min_acceptance_rate = 0.0
predictive_draws = 4
""")
    return p


def populations(out: Path) -> list[pd.DataFrame]:
    h = pyabc.History("sqlite:///" + str(out / engine.DB), _id=1)
    return [h.get_distribution(m=0, t=t)[0].sort_index(axis=1) for t in range(h.max_t + 1)]


@pytest.mark.slow
def test_outputs_and_same_seed_same_posterior_on_any_executor(tmp_path):
    cfg = config.load(tiny_config(tmp_path))
    m1 = engine.calibrate(cfg, tmp_path / "serial", executor="serial", stream=io.StringIO())
    m2 = engine.calibrate(cfg, tmp_path / "procs", executor="processes", workers=2,
                          stream=io.StringIO())
    m4 = engine.calibrate(cfg, tmp_path / "dask", executor="dask", workers=2,
                          stream=io.StringIO())
    out = tmp_path / "serial"
    for name in ("posterior.parquet", "predictive.parquet", "calibrated.toml", "report.md",
                 "figures/marginals.png", "figures/pairs.png", "figures/predictive.png"):
        assert (out / name).exists(), name
    assert m1["calibration_id"] == m2["calibration_id"]
    assert len(m1["generations"]) == 3
    p1, cid = outputs.read_posterior(out / "posterior.parquet")
    p2, _ = outputs.read_posterior(tmp_path / "procs" / "posterior.parquet")
    assert cid == m1["calibration_id"]
    p4, _ = outputs.read_posterior(tmp_path / "dask" / "posterior.parquet")
    pd.testing.assert_frame_equal(p1, p2)  # bit-identical across executors and workers
    pd.testing.assert_frame_equal(p1, p4)
    assert m4["calibration_id"] == m1["calibration_id"]
    report = (out / "report.md").read_text()
    assert "held out" in report and "calibration id" in report and "skipped" in report
    # run --params takes calibrated.toml
    res = subprocess.run([sys.executable, str(ROOT / "run.py"), "run", "--steps", "2",
                          "--params", str(out / "calibrated.toml"), "--set", "width=20",
                          "--set", "height=20", "--set", "grid_block=10", "--out",
                          str(tmp_path / "run")], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    # running again reuses everything: no new generation
    m3 = engine.calibrate(cfg, out, executor="serial", stream=io.StringIO())
    assert m3["generations"] == m1["generations"]


def test_changed_setup_is_refused_without_fresh(tmp_path):
    cfg = config.load(tiny_config(tmp_path, generations=1))
    engine.calibrate(cfg, tmp_path / "o", executor="serial", stream=io.StringIO())
    other = config.load(tiny_config(tmp_path, generations=1, pop=12))
    with pytest.raises(engine.InputError, match="--fresh"):
        engine.calibrate(other, tmp_path / "o", executor="serial", stream=io.StringIO())
    engine.calibrate(other, tmp_path / "o", executor="serial", fresh=True,
                     stream=io.StringIO())


@pytest.mark.slow
def test_resume_after_sigkill_keeps_finished_generations(tmp_path):
    path = tiny_config(tmp_path, generations=5)
    out = tmp_path / "killed"
    cmd = [sys.executable, str(ROOT / "run.py"), "calibrate", str(path), "--out", str(out),
           "--executor", "serial"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            start_new_session=True, cwd=ROOT)
    deadline = time.monotonic() + 240
    for line in proc.stderr:  # kill in the middle of generation 2 (0 and 1 are done)
        if line.startswith("generation 2 (") or time.monotonic() > deadline:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    before = populations(out)
    assert 2 <= len(before) < 5, "the kill should land after generation 1, before the end"
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert f"resuming in {out}: {len(before)} finished generation(s) kept" in res.stderr
    after = populations(out)
    assert len(after) == 5
    for a, b in zip(before, after, strict=False):
        pd.testing.assert_frame_equal(a, b)
    # and the killed-and-resumed calibration ends where an uninterrupted one does
    straight = tmp_path / "straight"
    engine.calibrate(config.load(path), straight, executor="serial", stream=io.StringIO())
    p1, _ = outputs.read_posterior(out / "posterior.parquet")
    p2, _ = outputs.read_posterior(straight / "posterior.parquet")
    np.testing.assert_array_equal(p1.to_numpy(), p2.to_numpy())


def test_calibration_benchmark_script_runs(tmp_path):
    """Structure only: timings on a shared machine are not tested."""
    out = tmp_path / "bench.json"
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "calibration_bench.py"),
                          "--config", str(tiny_config(tmp_path, generations=1)),
                          "--executors", "serial", "--single-runs", "2", "--out", str(out)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["single_run_s"] > 0 and report["ceiling_sims_per_s"] > 0
    (row,) = report["runs"]
    assert row["executor"] == "serial" and row["generations"] == 1
    assert row["simulations"] == 10 + 4 and row["sims_per_s"] > 0
