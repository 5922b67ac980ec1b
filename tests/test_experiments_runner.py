"""Running experiments: same results on every executor, failures isolated, resume exact."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.analyse.report import build
from experiments.experiment import run_experiment
from experiments.rerun import same_run
from experiments.running import runner
from experiments.running.store import Store
from experiments.specify.check import loads
from experiments.specify.designs import replicate_seed
from model.errors import InputError
from tests.experiment_helpers import ROOT, assert_same_records, frames
from tests.experiment_helpers import spec_text as tiny_spec
from tests.test_experiments_storage import kill_parent_only


def spec_text(replicates: int = 2, steps: int = 12, extra: str = "") -> str:
    return tiny_spec(replicates, steps, extra)


results = frames


def test_serial_run_writes_the_whole_folder(tmp_path):
    spec = loads(spec_text(), "t.toml")
    man = run_experiment(spec, tmp_path, executor="serial", progress=open(os.devnull, "w"))
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
    for name, kind, workers in (("serial", "serial", None), ("p1", "processes", 1),
                                ("p2", "processes", 2)):
        run_experiment(spec, tmp_path / name, executor=kind, workers=workers, progress=quiet,
                       build_report=False)
    assert_same_records(tmp_path / "serial", tmp_path / "p1")
    assert_same_records(tmp_path / "serial", tmp_path / "p2")


@pytest.mark.slow
def test_dask_local_cluster_matches_serial(tmp_path):
    pytest.importorskip("distributed")
    spec = loads(spec_text(replicates=2), "t.toml")
    quiet = open(os.devnull, "w")
    run_experiment(spec, tmp_path / "serial", executor="serial", progress=quiet,
                   build_report=False)
    run_experiment(spec, tmp_path / "dask", executor="dask", workers=1, progress=quiet,
                   build_report=False)
    assert_same_records(tmp_path / "serial", tmp_path / "dask")


def test_failing_run_is_isolated(tmp_path, monkeypatch):
    real = runner.GovernanceModel.from_scenario

    def flaky(name, rng=None, **kw):
        if name == "grid_management" and rng == replicate_seed(20240601, 1):
            raise RuntimeError("boom in replicate 1")
        return real(name, rng=rng, **kw)

    monkeypatch.setattr(runner.GovernanceModel, "from_scenario", flaky)
    spec = loads(spec_text(replicates=3), "t.toml")
    man = run_experiment(spec, tmp_path, executor="serial", figures=False,
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
    man = run_experiment(spec, tmp_path, executor="serial", figures=False,
                                progress=open(os.devnull, "w"))
    assert man["status"] == "complete" and not man["failed"]


def test_resume_skips_finished_runs_and_refuses_a_changed_spec(tmp_path):
    quiet = open(os.devnull, "w")
    spec = loads(spec_text(), "t.toml")
    run_experiment(spec, tmp_path, executor="serial", progress=quiet, build_report=False)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    run_experiment(spec, tmp_path, executor="serial", progress=quiet, build_report=False)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}
    assert before == after  # nothing was run again
    changed = loads(spec_text(steps=13), "t.toml")
    with pytest.raises(InputError, match=r"spec has changed.*--fresh"):
        run_experiment(changed, tmp_path, executor="serial", progress=quiet)
    man = run_experiment(changed, tmp_path, executor="serial", progress=quiet,
                         fresh=True, figures=False)
    assert man["status"] == "complete"
    assert len(pd.read_parquet(tmp_path / "timeseries.parquet")) == 4 * 14


def test_report_rebuilds_from_a_partial_folder(tmp_path):
    quiet = open(os.devnull, "w")
    spec = loads(spec_text(replicates=3), "t.toml")
    run_experiment(spec, tmp_path, executor="serial", progress=quiet, figures=False)
    for p in list((tmp_path / "runs").glob("*r0002.json")):
        p.unlink()
    for name in ("runs.parquet", "summary.csv", "report.md"):
        (tmp_path / name).unlink()
    man = build(tmp_path, figures=False)
    assert man["status"] == "partial"
    assert len(pd.read_parquet(tmp_path / "runs.parquet")) == 4
    assert "partial" in (tmp_path / "report.md").read_text()
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert (summary["n"] == 2).all()


def test_a_half_written_temp_file_is_ignored(tmp_path):
    quiet = open(os.devnull, "w")
    spec = loads(spec_text(), "t.toml")
    run_experiment(spec, tmp_path, executor="serial", progress=quiet, build_report=False)
    (tmp_path / "runs" / ".tmp-abc.json").write_text('{"id": "administr')
    assert len(Store(tmp_path).records()) == 4


def test_sequential_replication_adds_replicates_until_precise(tmp_path):
    quiet = open(os.devnull, "w")
    extra = "[precision]\ntarget = 1e-9\nmax_replicates = 4\nbatch = 1\n"
    spec = loads(spec_text(replicates=2, extra=extra), "t.toml")
    man = run_experiment(spec, tmp_path, executor="serial", progress=quiet,
                         build_report=False)
    prec = man["precision"]
    assert prec["replicates"] == 4 and prec["met"] is False  # unreachable target: capped
    assert len(Store(tmp_path).records()) == 8
    loose = loads(spec_text(replicates=2, extra=extra.replace("1e-9", "10")), "t.toml")
    man = run_experiment(loose, tmp_path / "b", executor="serial", progress=quiet,
                         build_report=False)
    assert man["precision"]["met"] and man["precision"]["replicates"] == 2
    assert all(r["half_width"] <= 10 for r in man["precision"]["half_widths"])


def finished_files(runs_dir: Path) -> list[Path]:
    """Whole run records (pathlib's `*` also matches the store's hidden .tmp- files)."""
    return [p for p in runs_dir.glob("*.json") if not p.name.startswith(".tmp-")]


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc (Linux)")
def test_sigkill_midway_then_continue_equals_uninterrupted(tmp_path):
    """SIGKILL to the experiment's process alone: its worker processes die with it (no
    orphans running on), a half-written record is never read, and the same spec continues
    to exactly what an uninterrupted run gives."""
    cfg = tmp_path / "t.toml"
    # Long enough (40 runs of 20 steps, about 3 s of work) that the kill lands midway: it
    # comes as soon as 4 runs are on disk.
    total = 40
    cfg.write_text(spec_text(replicates=total // 2, steps=20))
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
    try:
        kill_parent_only(proc)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    n_before = len(finished_files(runs_dir))
    # A write cut off by the kill leaves only a temporary file, which is never read as a run.
    assert 4 <= n_before < total, "the kill must land midway"
    err = io.StringIO()  # the same spec continues (here in this process)
    run_experiment(loads(cfg.read_text(), str(cfg)), tmp_path / "killed", executor="processes",
                   workers=2, progress=err, figures=False)
    assert f"{n_before} finished runs kept" in err.getvalue()
    history = json.loads((tmp_path / "killed" / "manifest.json").read_text())["history"]
    assert history[0]["runs_added"] == n_before and history[0]["interrupted"]  # counted
    assert f"| {n_before} (interrupted) |" in (tmp_path / "killed" / "report.md").read_text()
    run_experiment(loads(cfg.read_text(), str(cfg)), tmp_path / "whole", executor="processes",
                   workers=2, progress=open(os.devnull, "w"), build_report=False)
    killed, whole = Store(tmp_path / "killed").records(), Store(tmp_path / "whole").records()
    assert len(killed) == total and set(killed) == set(whole)
    assert all(same_run(killed[i], whole[i]) for i in whole)  # bit-identical, run by run


def test_two_factor_sweep_gives_heatmaps(tmp_path):
    extra = ("[design]\ntype = \"factorial\"\n[design.factors]\nissue_rate = [0.01, 0.03]\n"
             "rc_admin_burden = [0.2, 0.8]\n")
    spec = loads(spec_text(replicates=2, steps=6, extra=extra), "t.toml")
    man = run_experiment(spec, tmp_path, executor="serial",
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
    run_experiment(spec, tmp_path, executor="serial", progress=open(os.devnull, "w"))
    sens = pd.read_csv(tmp_path / "sensitivity.csv")
    assert set(sens["index"]) == {"mu_star", "sigma"}
    assert set(sens["parameter"]) == {"issue_rate", "social_weight"}
    mu = sens[sens["index"] == "mu_star"]
    assert (mu["ci_low"] <= mu["value"]).all() and (mu["value"] <= mu["ci_high"]).all()
    assert (tmp_path / "figures" / "sensitivity_participation_rate_grid_management.png").exists()
    assert "Sensitivity (morris)" in (tmp_path / "report.md").read_text()
