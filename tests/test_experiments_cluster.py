"""The batch-cluster routes: a job array submitted through a fake `sbatch` that runs the
array's tasks on this machine, a queue that never starts a worker, dask-jobqueue's local
stand-in, and a lost worker job."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import dask
import pytest

from cli.main import main
from experiments.experiment import run_experiment
from experiments.running.array import job_script
from experiments.running.store import Store
from experiments.specify.check import loads
from tests.experiment_helpers import ROOT, assert_same_records, spec_text
from tests.test_experiments_storage import descendants

pytest.importorskip("dask_jobqueue")

# A stand-in for SLURM's sbatch: reads the #SBATCH --array range of the script it is given,
# runs every task of the array here (two at a time, each with its SLURM_ARRAY_TASK_ID),
# waits for them, and answers as sbatch does. Each task's output goes to its log. The task
# numbered FAKE_SBATCH_LOSE (if set) is lost, as a pre-empted job would be.
FAKE_SBATCH = r"""#!/bin/bash
script="${@: -1}"
range=$(sed -n 's/^#SBATCH --array=\([0-9]*\)-\([0-9]*\)$/\1 \2/p' "$script")
set -- $range
for i in $(seq "$1" "$2"); do
    if [[ "$i" == "$FAKE_SBATCH_LOSE" ]]; then continue; fi  # this task is pre-empted
    SLURM_ARRAY_TASK_ID=$i bash "$script" > "$(dirname "$script")/fake-task-$i.log" 2>&1 &
    if (( (i - $1) % 2 == 1 )); then wait; fi
done
wait
echo "Submitted batch job 4242"
"""


def fake_batch_system(folder: Path, sbatch: str) -> Path:
    folder.mkdir()
    for name, body in (("sbatch", sbatch), ("scancel", "#!/bin/bash\nexit 0\n")):
        path = folder / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return folder


def test_job_array_with_a_fake_sbatch_equals_the_serial_executor(tmp_path, capsys,
                                                                 monkeypatch):
    """40 runs as a job array of 2 tasks through `--submit slurm`, nothing running on the
    login node between submit and collect; one task is lost, `--collect` says what is
    missing, `--submit` again submits only that, and the result is what the serial
    executor gives, bit for bit."""
    bin_dir = fake_batch_system(tmp_path / "bin", FAKE_SBATCH)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SBATCH_LOSE", "1")
    cfg = tmp_path / "sweep.toml"
    cfg.write_text(spec_text(replicates=20, steps=4))
    out = tmp_path / "array"
    assert main(["experiment", str(cfg), "--submit", "slurm", "--array-tasks", "2",
                 "--out", str(out)]) == 0
    assert "submitted 40 runs as job array 4242 of 2 tasks" in capsys.readouterr().err
    script = next((out / "array").glob("submission-*.slurm.sh")).read_text()
    assert "#SBATCH --array=0-1" in script and "array-task" in script
    assert len(Store(out).finished_ids()) == 20  # task 1's slice was lost
    assert main(["experiment", str(cfg), "--collect", "--no-figures", "--out", str(out)]) == 1
    assert "20 run(s) are not on disk yet" in capsys.readouterr().err
    monkeypatch.delenv("FAKE_SBATCH_LOSE")
    assert main(["experiment", str(cfg), "--submit", "slurm", "--array-tasks", "1",
                 "--out", str(out)]) == 0
    assert "submitted 20 runs as job array 4242 of 1 tasks" in capsys.readouterr().err
    assert main(["experiment", str(cfg), "--collect", "--no-figures", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["missing"] == 0
    assert [h["runs_added"] for h in manifest["history"]] == [20, 20]
    assert "job array 4242" in (out / "report.md").read_text()
    spec = loads(cfg.read_text(), str(cfg))
    run_experiment(spec, tmp_path / "serial", executor="serial", progress=io.StringIO(),
                   build_report=False)
    assert_same_records(out, tmp_path / "serial")


def test_collect_says_what_is_missing(tmp_path, capsys, monkeypatch):
    """Before the array has run (the fake queue accepts and runs nothing), --collect
    reports the missing runs and exits 1; an array task refuses code that changed."""
    bin_dir = fake_batch_system(tmp_path / "bin", "#!/bin/bash\necho 'Submitted batch job 7'\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    cfg = tmp_path / "s.toml"
    cfg.write_text(spec_text(replicates=2, steps=3))
    out = tmp_path / "o"
    assert main(["experiment", str(cfg), "--submit", "slurm", "--out", str(out)]) == 0
    assert main(["experiment", str(cfg), "--collect", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "4 run(s) are not on disk yet" in err
    assert json.loads((out / "manifest.json").read_text())["status"] == "partial"
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["code_version"] = "another"
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert main(["array-task", str(out), "submission-001", "0"]) == 2
    assert "model code has changed since the array was submitted" in \
        capsys.readouterr().err


def test_pbs_job_script_is_an_array_over_the_submission(tmp_path):
    slurm = job_script("slurm", "sweep", tmp_path, "submission-001", 5)
    pbs = job_script("pbs", "sweep", tmp_path, "submission-001", 1)
    assert "#SBATCH --array=0-4" in slurm and '"${SLURM_ARRAY_TASK_ID}"' in slurm
    assert "#PBS -J 0-1" in pbs and '"${PBS_ARRAY_INDEX}"' in pbs  # PBS needs two indices
    for text in (slurm, pbs):
        assert f"array-task {tmp_path.resolve()} submission-001" in text
        assert text.startswith("#!/bin/bash\n")


def test_a_queue_that_starts_no_worker_gives_up_with_a_message(tmp_path, capsys,
                                                               monkeypatch):
    """sbatch accepts the worker jobs, none ever starts: a paragraph and exit 2 after the
    first-worker timeout, not a silent wait."""
    bin_dir = fake_batch_system(tmp_path / "bin", "#!/bin/bash\necho 'Submitted batch job 9'\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    cfg = tmp_path / "s.toml"
    cfg.write_text(spec_text(replicates=1, steps=2))
    with dask.config.set({"governance.first-worker-timeout": 2}):
        t0 = time.monotonic()
        code = main(["experiment", str(cfg), "--executor", "slurm", "--workers", "1",
                     "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "no worker job started within 2 s" in err and "--submit slurm" in err
    assert time.monotonic() - t0 < 30
    assert not list((tmp_path / "o" / "runs").glob("*.json")) if (tmp_path / "o").exists() \
        else True


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc (Linux)")
def test_lost_worker_then_resume_equals_uninterrupted(tmp_path):
    """dask-jobqueue's local stand-in (jobs started as local processes): one worker job is
    killed midway; the experiment goes on or records the lost runs, the same spec
    continues, and every run equals the serial executor's, bit for bit (so the runs the
    jobqueue workers made do too)."""
    cfg = tmp_path / "t.toml"
    cfg.write_text(spec_text(replicates=8, steps=60))
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
            time.sleep(0.05)
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
    manifest = json.loads((tmp_path / "lost" / "manifest.json").read_text())
    assert manifest["executor"]["kind"] == "jobqueue-local"
    spec = loads(cfg.read_text())
    again = io.StringIO()  # the same spec continues (here on this process)
    run_experiment(spec, tmp_path / "lost", executor="serial", progress=again,
                   build_report=False)
    assert "finished runs kept" in again.getvalue()
    run_experiment(spec, tmp_path / "whole", executor="serial", progress=io.StringIO(),
                   build_report=False)
    assert_same_records(tmp_path / "lost", tmp_path / "whole")
