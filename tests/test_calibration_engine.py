"""The calibration loop end to end at a tiny size (20 x 20, a 2-week burn-in, 10 steps):
the stochastic acceptor stops on temperature 1 and the ESS, outputs, reproducibility from the
root seed across executors, and resuming after SIGKILL without losing finished generations.

At this size a run's noise is large against the targets' stated errors, and the temperature
would need many costly generations at T = 1; the tiny targets double each mapping allowance,
so two generations reach T = 1 with min_ess 8 (about 8 s on one core)."""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
import pytest

from cli.main import main
from experiments.calibration import config, engine, outputs, stochastic
from tests.conftest import MODEL2_VALUES

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "experiments" / "targets" / "china_urban_2010s.toml"
# One worker runs this file, so each module fixture's calibration is made once, not once on
# each worker.
pytestmark = pytest.mark.xdist_group("calibration_engine")


def tiny_targets(tmp_path: Path) -> Path:
    """The 2010s targets with each mapping allowance doubled (see the module's docstring)."""
    p = tmp_path / "tiny_targets.toml"
    p.write_text(re.sub(r"mapping_sd = ([0-9.]+)",
                        lambda m: f"mapping_sd = {2 * float(m.group(1)):.4f}",
                        TARGETS.read_text(encoding="utf-8")), encoding="utf-8")
    return p


# The machinery's fixtures were sized on Model 2's behaviour (several generations before
# temperature 1); at the calibrated point the first generation already fits.
MODEL2_TOML = "".join(f"{k} = {v}\n" for k, v in MODEL2_VALUES.items())


def tiny_config(tmp_path: Path, generations: int = 30, pop: int = 10, draws: int = 4,
                min_ess: int = 8) -> Path:
    p = tmp_path / "tiny.toml"
    p.write_text(f"""
name = "tiny"
targets = "{tiny_targets(tmp_path)}"
seed = 11
width = 20
height = 20
steps = 10
warmup = 5
[overrides]
grid_block = 10
burn_in = 2
{MODEL2_TOML}[params.rc_admin_burden]
[params.issue_rate]
low = 0.005
high = 0.05
[abc]
population_size = {pop}
min_ess = {min_ess}
max_generations = {generations}
max_simulations = 100000
max_wall_minutes = 30
min_acceptance_rate = 0.0
predictive_draws = {draws}
""")
    return p


def populations(out: Path) -> list[pd.DataFrame]:
    h = pyabc.History("sqlite:///" + str(out / engine.DB), _id=1)
    return [h.get_distribution(m=0, t=t)[0].sort_index(axis=1) for t in range(h.max_t + 1)]


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> tuple[Path, Path, dict]:
    """The tiny calibration, uninterrupted, on the serial executor: the reference."""
    tmp = tmp_path_factory.mktemp("cal")
    path = tiny_config(tmp)
    out = tmp / "serial"
    return path, out, engine.calibrate(config.load(path), out, executor="serial",
                                       stream=io.StringIO())


def test_outputs_and_same_seed_same_posterior_on_any_executor(serial, tmp_path):
    """Serial and two worker processes give the same posterior. (The sampler only submits
    to a `concurrent.futures` executor, so Dask, covered for experiments in
    test_experiments_runner, adds nothing here but a cluster's start-up.)"""
    path, out, m1 = serial
    cfg = config.load(path)
    m2 = engine.calibrate(cfg, tmp_path / "procs", executor="processes", workers=2,
                          stream=io.StringIO())
    for name in ("posterior.parquet", "predictive.parquet", "calibrated.toml", "report.md",
                 "figures/marginals.png", "figures/pairs.png", "figures/predictive.png"):
        assert (out / name).exists(), name
    assert m1["calibration_id"] == m2["calibration_id"]
    # stopped on the rule, not a generation count: temperature 1 and ESS >= min_ess
    gens = m1["generations"]
    assert m1["final"] and m1["stop_reason"].startswith("final")
    assert gens[-1]["temperature"] == 1.0 and gens[-1]["ess"] >= 8
    assert 1 < len(gens) < 30 and gens[0]["temperature"] > 1
    assert all(a["temperature"] >= b["temperature"] for a, b in itertools.pairwise(gens))
    p1, cid = outputs.read_posterior(out / "posterior.parquet")
    p2, _ = outputs.read_posterior(tmp_path / "procs" / "posterior.parquet")
    assert cid == m1["calibration_id"]
    pd.testing.assert_frame_equal(p1, p2)  # bit-identical across executors and workers
    report = (out / "report.md").read_text()
    assert "held out" in report and "calibration id" in report and "skipped" in report
    # the report shows each generation's temperature, ESS, largest weight and acceptance
    assert "| generation | temperature | particles | ESS | largest weight | acceptance |" in report
    for g in gens:
        assert (f"| {g['t']} | {g['temperature']:.4g} | {g['particles']} | {g['ess']:.0f} | "
                f"{g['max_weight']:.3f} | {g['acceptance_rate']:.3f} |") in report
    assert "**final: the temperature reached 1" in report
    stored = json.loads((out / "calibration.json").read_text())
    assert [g["ess"] for g in stored["generations"]] == [g["ess"] for g in gens]
    # population 10, 4 predictive draws: warned about, and nothing called identified
    assert "population_size 10 is below 100" in report and "predictive_draws 4" in report
    assert all(r["identified"] is None for r in m1["parameters"])
    assert report.count("not assessed (ESS < 100)") == 2  # both parameters
    # run --params takes calibrated.toml
    assert main(["run", "--steps", "2", "--params", str(out / "calibrated.toml"),
                 "--set", "width=20", "--set", "height=20", "--set", "grid_block=10",
                 "--set", "burn_in=2", "--out", str(tmp_path / "run")]) == 0
    # running again reuses everything: no new generation
    m3 = engine.calibrate(cfg, out, executor="serial", stream=io.StringIO())
    assert m3["generations"] == m1["generations"]


@pytest.fixture(scope="module")
def one_generation(tmp_path_factory) -> tuple[Path, dict]:
    """The tiny calibration cut to one generation without predictive draws."""
    tmp = tmp_path_factory.mktemp("cal1")
    cfg = config.load(tiny_config(tmp, generations=1, draws=0))
    return tmp / "o", engine.calibrate(cfg, tmp / "o", executor="serial", stream=io.StringIO())


def test_changed_setup_is_refused_without_fresh(one_generation, tmp_path):
    shutil.copytree(one_generation[0], tmp_path / "o")  # the fixture's folder stays as it is
    other = config.load(tiny_config(tmp_path, generations=1, pop=12, draws=0))
    with pytest.raises(engine.InputError, match="--fresh"):
        engine.calibrate(other, tmp_path / "o", executor="serial", stream=io.StringIO())
    engine.calibrate(other, tmp_path / "o", executor="serial", fresh=True,
                     stream=io.StringIO())


def test_resume_after_sigkill_keeps_finished_generations(serial, tmp_path):
    path, straight, _ = serial
    out = tmp_path / "killed"
    cmd = [sys.executable, str(ROOT / "run.py"), "calibrate", str(path), "--out", str(out),
           "--executor", "serial"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            start_new_session=True, cwd=ROOT)
    deadline = time.monotonic() + 120
    for line in proc.stderr:  # kill once generation 0 is done: generation 1 is under way
        if line.startswith("generation 0 done") or time.monotonic() > deadline:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    before = populations(out)
    n = len(serial[2]["generations"])
    assert 1 <= len(before) < n, "the kill should land after generation 0, before the end"
    err = io.StringIO()  # the same command again, in this process
    engine.calibrate(config.load(path), out, executor="serial", stream=err)
    assert f"resuming in {out}: {len(before)} finished generation(s) kept" in err.getvalue()
    after = populations(out)
    assert len(after) == n
    for a, b in zip(before, after, strict=False):
        pd.testing.assert_frame_equal(a, b)
    # and the killed-and-resumed calibration ends where the uninterrupted one does
    p1, _ = outputs.read_posterior(out / "posterior.parquet")
    p2, _ = outputs.read_posterior(straight / "posterior.parquet")
    np.testing.assert_array_equal(p1.to_numpy(), p2.to_numpy())


def test_calibration_benchmark_script_runs(tmp_path):
    """Structure only: timings on a shared machine are not tested. (The script's main, in
    this process: its own interpreter would only add start-up.)"""
    out = tmp_path / "bench.json"
    bench = runpy.run_path(str(ROOT / "benchmarks" / "calibration_bench.py"))
    assert bench["main"](["--config", str(tiny_config(tmp_path, generations=1)),
                          "--executors", "serial", "--single-runs", "2",
                          "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["single_run_s"] > 0 and report["ceiling_sims_per_s"] > 0
    (row,) = report["runs"]
    assert row["executor"] == "serial" and row["generations"] == 1
    assert row["simulations"] > 10 + 4 and row["sims_per_s"] > 0  # prior sample, draws
    assert row["stop_reason"].startswith("stopped early")  # one generation: not final


def test_population_grows_only_at_temperature_1_when_the_ess_falls_short():
    row = {"temperature": 1.0, "particles": 100, "ess": 50.0}
    grow = stochastic.population_size
    assert grow(100, 400, 200, []) == 100
    assert grow(100, 400, 200, [{**row, "temperature": 3.0}]) == 100  # still hot: no growth
    assert grow(100, 400, 200, [row]) == 400  # ratio 0.5: 1.1 * 200 / 0.5 = 440, capped
    assert grow(100, 1000, 200, [row]) == 440
    assert grow(100, 1000, 200, [{**row, "ess": 250.0}]) == 100  # enough: final anyway
    assert grow(100, 1000, 200, [{**row, "particles": 300, "ess": 250.0}]) == 300  # no shrink


def test_a_safety_limit_reports_the_posterior_not_final(one_generation):
    """One generation allowed: the run stops before temperature 1 and says so plainly."""
    out, m = one_generation
    assert not m["final"]
    assert m["stop_reason"] == ("stopped early: the posterior is not final (reached "
                                "max_generations, 1)")
    report = (out / "report.md").read_text()
    assert "**stopped early: the posterior is not final" in report
    assert "> **Warning:** the posterior is not final" in report


def test_a_folder_fitted_to_other_figures_is_refused(tmp_path):
    # the fingerprint hashes the targets file, not which figures the model can compute:
    # a measure added since the folder began changes the fitted set, not the fingerprint
    from experiments.calibration.engine import MANIFEST, _prepare_folder
    from model.errors import InputError

    (tmp_path / MANIFEST).write_text(json.dumps({"fingerprint": "fp", "fitted": ["a"]}))
    assert _prepare_folder(tmp_path, "fp", False, ["a"])["fitted"] == ["a"]
    with pytest.raises(InputError, match=r"fitted to other figures.*b fitted"):
        _prepare_folder(tmp_path, "fp", False, ["a", "b"])
    assert _prepare_folder(tmp_path, "fp", True, ["a", "b"]) is None  # --fresh starts over
