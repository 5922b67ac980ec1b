"""The batch-cluster route (dask-jobqueue), with its local stand-in, and a lost worker."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import runner
from experiments.spec import loads
from tests.test_experiments_storage import descendants

pytest.importorskip("dask_jobqueue")

ROOT = Path(__file__).resolve().parent.parent
TEXT = ('name = "t"\nscenarios = ["administrative", "grid_management"]\nreplicates = {r}\n'
        'steps = {s}\nmeasures = ["participation_rate", "trust_government"]\n'
        '[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\nburn_in = 26\n')


def frames(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs = pd.read_parquet(folder / "runs.parquet").drop(columns=["seconds"])
    return runs.sort_values("id").reset_index(drop=True), pd.read_parquet(
        folder / "timeseries.parquet")


def same(a: Path, b: Path) -> None:
    for x, y in zip(frames(a), frames(b), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)


@pytest.mark.slow
def test_jobqueue_stand_in_matches_serial(tmp_path):
    spec = loads(TEXT.format(r=2, s=4))
    runner.run_experiment(spec, tmp_path / "serial", executor="serial", progress=io.StringIO())
    man = runner.run_experiment(spec, tmp_path / "jq", executor="jobqueue-local", workers=2,
                                progress=io.StringIO())
    assert man["status"] == "complete" and man["executor"]["kind"] == "jobqueue-local"
    same(tmp_path / "serial", tmp_path / "jq")


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc (Linux)")
def test_lost_worker_then_resume_equals_uninterrupted(tmp_path):
    cfg = tmp_path / "t.toml"
    cfg.write_text(TEXT.format(r=10, s=150))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, str(ROOT / "run.py"), "experiment", str(cfg), "--executor",
           "jobqueue-local", "--workers", "2", "--out", str(tmp_path / "lost")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    runs_dir = tmp_path / "lost" / "runs"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if runs_dir.exists() and len(list(runs_dir.glob("[!.]*.json"))) >= 2:
                break
            time.sleep(0.1)
        jobs = [p for p in sorted(descendants(proc.pid)) if "dask_worker" in _cmdline(p)
                or "distributed.cli" in _cmdline(p)]
        assert jobs, "no worker job found"
        victim = jobs[0]
        for p in [victim, *descendants(victim)]:  # the whole job: nanny and worker
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, err = proc.communicate(timeout=300)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert proc.returncode in (0, 1), err  # rescheduled, or recorded as failed runs
    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert "finished runs kept" in again.stderr
    spec = loads(TEXT.format(r=10, s=150))
    runner.run_experiment(spec, tmp_path / "whole", executor="processes", workers=2,
                          progress=io.StringIO())
    same(tmp_path / "lost", tmp_path / "whole")
