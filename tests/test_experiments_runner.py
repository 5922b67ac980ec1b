"""Running experiments: same results on every executor, failures isolated, resume exact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import report, runner
from experiments.spec import loads
from experiments.store import Store
from model.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
TINY = "[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\nburn_in = 26\n"


def spec_text(replicates: int = 2, steps: int = 12, extra: str = "") -> str:
    return (f'name = "t"\nscenarios = ["administrative", "grid_management"]\n'
            f'replicates = {replicates}\nsteps = {steps}\n'
            f'measures = ["participation_rate", "trust_government"]\n{extra}{TINY}')


def results(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs = pd.read_parquet(folder / "runs.parquet").drop(columns=["seconds"])
    ts = pd.read_parquet(folder / "timeseries.parquet")
    return runs.sort_values("id").reset_index(drop=True), ts


def assert_same(a: Path, b: Path) -> None:
    ra, ta = results(a)
    rb, tb = results(b)
    pd.testing.assert_frame_equal(ra, rb, check_exact=True)
    pd.testing.assert_frame_equal(ta, tb, check_exact=True)


def test_serial_run_writes_the_whole_folder(tmp_path):
    spec = loads(spec_text(), "t.toml")
    man = runner.run_experiment(spec, tmp_path, executor="serial", progress=open(os.devnull, "w"))
    assert man["status"] == "complete" and not man["failed"]
    for name in ("manifest.json", "runs.parquet", "timeseries.parquet", "summary.csv",
                 "comparison.csv", "report.md", "figures/timeseries.png",
                 "figures/outcomes.png"):
        assert (tmp_path / name).exists(), name
    runs, ts = results(tmp_path)
    assert len(runs) == 4 and set(runs["status"]) == {"ok"}
    assert len(ts) == 4 * 13  # row 0 is the initial state
    # the paired seed: both scenarios of a replicate share it
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()
    assert {r["id"] for r in man["runs"]} == set(runs["id"])
    assert {"mesa", "numpy"} <= set(man["packages"]) and man["code_version"]
    comp = pd.read_csv(tmp_path / "comparison.csv")
    assert set(comp["measure"]) == {"participation_rate", "trust_government"}
    assert (comp["scenario"] == "grid_management").all()


@pytest.mark.slow
def test_processes_match_serial_for_any_worker_count(tmp_path):
    spec = loads(spec_text(replicates=3), "t.toml")
    quiet = open(os.devnull, "w")
    runner.run_experiment(spec, tmp_path / "serial", executor="serial", progress=quiet)
    runner.run_experiment(spec, tmp_path / "p1", executor="processes", workers=1,
                          progress=quiet)
    runner.run_experiment(spec, tmp_path / "p2", executor="processes", workers=2,
                          progress=quiet)
    assert_same(tmp_path / "serial", tmp_path / "p1")
    assert_same(tmp_path / "serial", tmp_path / "p2")


@pytest.mark.slow
def test_dask_local_cluster_matches_serial(tmp_path):
    pytest.importorskip("distributed")
    spec = loads(spec_text(replicates=2), "t.toml")
    quiet = open(os.devnull, "w")
    runner.run_experiment(spec, tmp_path / "serial", executor="serial", progress=quiet)
    runner.run_experiment(spec, tmp_path / "dask", executor="dask", workers=2, progress=quiet)
    assert_same(tmp_path / "serial", tmp_path / "dask")


def test_failing_run_is_isolated(tmp_path, monkeypatch):
    real = runner.GovernanceModel.from_scenario

    def flaky(name, rng=None, **kw):
        if name == "grid_management" and rng == runner.designs.replicate_seed(20240601, 1):
            raise RuntimeError("boom in replicate 1")
        return real(name, rng=rng, **kw)

    monkeypatch.setattr(runner.GovernanceModel, "from_scenario", flaky)
    spec = loads(spec_text(replicates=3), "t.toml")
    man = runner.run_experiment(spec, tmp_path, executor="serial",
                                progress=open(os.devnull, "w"))
    assert man["failed"] == ["grid_management__p00000__r0001"]
    assert man["status"] == "failed"
    rec = json.loads((tmp_path / "runs" / "grid_management__p00000__r0001.json").read_text())
    assert rec["error"] == "RuntimeError: boom in replicate 1"
    assert "Traceback" in rec["traceback"] and "flaky" in rec["traceback"]
    runs, _ = results(tmp_path)
    assert (runs["status"] == "ok").sum() == 5
    # the comparison pairs only the replicates both scenarios finished
    comp = pd.read_csv(tmp_path / "comparison.csv")
    assert (comp["n_pairs"] == 2).all()
    # the same command again retries the failed run only (now it succeeds)
    monkeypatch.setattr(runner.GovernanceModel, "from_scenario", real)
    man = runner.run_experiment(spec, tmp_path, executor="serial",
                                progress=open(os.devnull, "w"))
    assert man["status"] == "complete" and not man["failed"]


def test_resume_skips_finished_runs_and_refuses_a_changed_spec(tmp_path):
    quiet = open(os.devnull, "w")
    spec = loads(spec_text(), "t.toml")
    runner.run_experiment(spec, tmp_path, executor="serial", progress=quiet)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    runner.run_experiment(spec, tmp_path, executor="serial", progress=quiet)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    assert before == after  # nothing was run again
    changed = loads(spec_text(steps=13), "t.toml")
    with pytest.raises(InputError, match=r"spec has changed.*--fresh"):
        runner.run_experiment(changed, tmp_path, executor="serial", progress=quiet)
    man = runner.run_experiment(changed, tmp_path, executor="serial", progress=quiet,
                                fresh=True)
    assert man["status"] == "complete"
    assert len(pd.read_parquet(tmp_path / "timeseries.parquet")) == 4 * 14


def test_report_rebuilds_from_a_partial_folder(tmp_path):
    quiet = open(os.devnull, "w")
    spec = loads(spec_text(replicates=3), "t.toml")
    runner.run_experiment(spec, tmp_path, executor="serial", progress=quiet)
    for p in list((tmp_path / "runs").glob("*r0002.json")):
        p.unlink()
    for name in ("runs.parquet", "summary.csv", "report.md"):
        (tmp_path / name).unlink()
    man = report.build(tmp_path)
    assert man["status"] == "partial"
    assert len(pd.read_parquet(tmp_path / "runs.parquet")) == 4
    assert "partial" in (tmp_path / "report.md").read_text()
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert (summary["n"] == 2).all()


def test_a_half_written_temp_file_is_ignored(tmp_path):
    quiet = open(os.devnull, "w")
    spec = loads(spec_text(), "t.toml")
    runner.run_experiment(spec, tmp_path, executor="serial", progress=quiet)
    (tmp_path / "runs" / ".tmp-abc.json").write_text('{"id": "administr')
    assert len(Store(tmp_path).records()) == 4


def test_sequential_replication_adds_replicates_until_precise(tmp_path):
    quiet = open(os.devnull, "w")
    extra = "[precision]\ntarget = 1e-9\nmax_replicates = 4\nbatch = 1\n"
    spec = loads(spec_text(replicates=2, extra=extra), "t.toml")
    man = runner.run_experiment(spec, tmp_path, executor="serial", progress=quiet)
    prec = man["precision"]
    assert prec["replicates"] == 4 and prec["met"] is False  # unreachable target: capped
    assert len(man["runs"]) == 8
    loose = loads(spec_text(replicates=2, extra=extra.replace("1e-9", "10")), "t.toml")
    man = runner.run_experiment(loose, tmp_path / "b", executor="serial", progress=quiet)
    assert man["precision"]["met"] and man["precision"]["replicates"] == 2
    assert all(r["half_width"] <= 10 for r in man["precision"]["half_widths"])


def finished_files(runs_dir: Path) -> list[Path]:
    """Whole run records (pathlib's `*` also matches the store's hidden .tmp- files)."""
    return [p for p in runs_dir.glob("*.json") if not p.name.startswith(".tmp-")]


@pytest.mark.slow
def test_sigkill_midway_then_continue_equals_uninterrupted(tmp_path):
    cfg = tmp_path / "t.toml"
    # Long enough (40 runs of 200 steps) that the kill lands midway however fast the
    # machine: it comes as soon as 4 runs are on disk.
    total = 40
    cfg.write_text(spec_text(replicates=total // 2, steps=200))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, str(ROOT / "run.py"), "experiment", str(cfg), "--workers", "2"]
    proc = subprocess.Popen([*cmd, "--out", str(tmp_path / "killed")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    runs_dir = tmp_path / "killed" / "runs"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if runs_dir.exists() and len(finished_files(runs_dir)) >= 4:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    n_before = len(finished_files(runs_dir))
    # A write cut off by the kill leaves only a temporary file, which is never read as a run.
    assert 4 <= n_before < total, "the kill must land midway"
    done = subprocess.run([*cmd, "--out", str(tmp_path / "killed")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{n_before} finished runs kept" in done.stderr
    whole = subprocess.run([*cmd, "--out", str(tmp_path / "whole")], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    assert_same(tmp_path / "killed", tmp_path / "whole")
    runs = pd.read_parquet(tmp_path / "killed" / "runs.parquet")
    assert len(runs) == total and runs["id"].is_unique


def test_two_factor_sweep_gives_heatmaps(tmp_path):
    extra = ("[design]\ntype = \"factorial\"\n[design.factors]\nissue_rate = [0.01, 0.03]\n"
             "rc_admin_burden = [0.2, 0.8]\n")
    spec = loads(spec_text(replicates=2, steps=6, extra=extra), "t.toml")
    man = runner.run_experiment(spec, tmp_path, executor="serial",
                                progress=open(os.devnull, "w"))
    assert man["status"] == "complete" and len(man["runs"]) == 4 * 2 * 2
    figs = {p.name for p in (tmp_path / "figures").glob("*.png")}
    assert "heatmap_participation_rate_grid_management.png" in figs
    comp = pd.read_csv(tmp_path / "comparison.csv")
    assert {"issue_rate", "rc_admin_burden"} <= set(comp.columns)
    assert len(comp) == 4 * 2  # per design point and measure
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert (summary["n"] == 2).all() and len(summary) == 2 * 4 * 2


def test_morris_design_writes_sensitivity_with_cis(tmp_path):
    extra = ("[design]\ntype = \"morris\"\nsamples = 3\n[design.ranges]\n"
             "issue_rate = [0.005, 0.03]\nsocial_weight = [0.5, 4.0]\n")
    text = spec_text(replicates=1, steps=6, extra=extra).replace(
        '["administrative", "grid_management"]', '["grid_management"]')
    spec = loads(text, "t.toml")
    runner.run_experiment(spec, tmp_path, executor="serial", progress=open(os.devnull, "w"))
    sens = pd.read_csv(tmp_path / "sensitivity.csv")
    assert set(sens["index"]) == {"mu_star", "sigma"}
    assert set(sens["parameter"]) == {"issue_rate", "social_weight"}
    mu = sens[sens["index"] == "mu_star"]
    assert (mu["ci_low"] <= mu["value"]).all() and (mu["value"] <= mu["ci_high"]).all()
    assert (tmp_path / "figures" / "sensitivity_participation_rate_grid_management.png").exists()
    assert "Sensitivity (morris)" in (tmp_path / "report.md").read_text()
