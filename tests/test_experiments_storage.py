"""Storage you can kill: runs on disk as they finish, workers die with the parent, a lock,
nothing created before every check has passed, provenance files readable."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.main import main
from experiments import runner
from experiments.spec import loads
from experiments.store import FILE_MODE, Store

ROOT = Path(__file__).resolve().parent.parent
TINY = "[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\nburn_in = 26\n"
TINY_SET = ["--set", "width=20", "--set", "height=20", "--set", "grid_block=10",
            "--set", "building_block=5", "--set", "burn_in=26"]


def spec_text(replicates: int = 2, steps: int = 4, extra: str = "") -> str:
    return (f'name = "t"\nscenarios = ["administrative", "grid_management"]\n'
            f'replicates = {replicates}\nsteps = {steps}\n'
            f'measures = ["participation_rate", "trust_government"]\n{extra}{TINY}')


def test_serial_runs_are_written_one_by_one(tmp_path, monkeypatch):
    """Run k starts only after runs 0..k-1 are on disk (the serial executor used to run
    everything inside submit() and write nothing until the end)."""
    seen = []
    real = runner.GovernanceModel.from_scenario

    def spy(name, rng=None, **kw):
        seen.append(len(list((tmp_path / "runs").glob("[!.]*.json"))))
        return real(name, rng=rng, **kw)

    monkeypatch.setattr(runner.GovernanceModel, "from_scenario", spy)
    err = io.StringIO()
    runner.run_experiment(loads(spec_text(replicates=3), "t.toml"), tmp_path,
                          executor="serial", progress=err)
    assert seen == list(range(6))
    lines = [ln for ln in err.getvalue().splitlines() if ln.startswith("runs:")]
    # progress: the first line announces the work before any is done, the last has none left
    assert "0 done" in lines[0] and "6 left" in lines[0]
    assert "6 done, 0 failed, 0 left" in lines[-1]


def test_second_invocation_is_told_who_holds_the_folder(tmp_path, capsys):
    out = tmp_path / "busy"
    with Store(out).lock("run.py experiment other.toml"):
        code = main(["compare", "--scenarios", "administrative", "--replicates", "1",
                     "--steps", "2", "--executor", "serial", "--out", str(out), *TINY_SET])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"in use by process {os.getpid()}" in err and "other.toml" in err
    assert not (out / "manifest.json").exists() and not (out / "runs").exists()


def test_busy_folder_is_refused_before_an_executor_starts(tmp_path, capsys, monkeypatch):
    out = tmp_path / "busy"
    started = []
    monkeypatch.setattr(runner, "make_executor", lambda *a, **k: started.append(1))
    with Store(out).lock("run.py experiment other.toml"):
        code = main(["compare", "--scenarios", "administrative", "--replicates", "1",
                     "--steps", "2", "--out", str(out), *TINY_SET])
    assert code == 2 and not started
    assert "in use by process" in capsys.readouterr().err


def test_contradictory_options_create_nothing(tmp_path, capsys):
    out = tmp_path / "never"
    code = main(["compare", "--scenarios", "administrative", "--replicates", "1", "--steps",
                 "2", "--out", str(out), *TINY_SET, "--executor", "processes", "--scheduler",
                 "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "'--scheduler'" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow
def test_unreachable_scheduler_creates_nothing(tmp_path, capsys):
    pytest.importorskip("distributed")
    out = tmp_path / "never"
    code = main(["compare", "--scenarios", "administrative", "--replicates", "1", "--steps",
                 "2", "--out", str(out), *TINY_SET, "--executor", "dask", "--scheduler",
                 "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "no Dask scheduler answered" in err
    assert not out.exists()


def test_provenance_files_are_readable_like_the_rest(tmp_path):
    runner.run_experiment(loads(spec_text(replicates=1, steps=2), "t.toml"), tmp_path,
                          executor="serial", progress=io.StringIO())
    files = [tmp_path / "manifest.json", tmp_path / "spec.toml",
             *(tmp_path / "runs").glob("*.json")]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == FILE_MODE, f
    assert stat.S_IMODE((tmp_path / "report.md").stat().st_mode) == FILE_MODE


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc)."""
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.add(k)
            todo.append(k)
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_killing_the_parent_takes_its_workers_down(tmp_path, executor):
    if executor == "dask":
        pytest.importorskip("distributed")
    cfg = tmp_path / "t.toml"
    cfg.write_text(spec_text(replicates=20, steps=300))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "experiment", str(cfg),
                             "--executor", executor, "--workers", "2", "--out",
                             str(tmp_path / "o")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    runs = tmp_path / "o" / "runs"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (
                runs.exists() and len(list(runs.glob("[!.]*.json"))) >= 2):
            time.sleep(0.1)
        workers = descendants(proc.pid)
        assert len(workers) >= 2, "the workers did not start"
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, not its process group
        proc.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "workers outlived their parent"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
