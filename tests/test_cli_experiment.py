"""The experiment commands: exit codes, messages without tracebacks, the main job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cli.main import main
from experiments import runner
from governance import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--set", "width=20", "--set", "height=20", "--set", "grid_block=10",
        "--set", "building_block=5", "--set", "burn_in=26"]


def test_bad_spec_exits_2_without_traceback(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('name = "x"\nscenarios = ["administrative"]\nstepz = 3\n')
    proc = subprocess.run([sys.executable, "run.py", "experiment", str(cfg)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{cfg}, line 3: field 'stepz'" in proc.stderr


@pytest.mark.parametrize("args,needle", [
    (["compare", "--scenarios", "administrative,nowhere"], "scenario 'nowhere'"),
    (["compare", "--scenarios", "administrative", "--set", "issue_rate=7"], "issue_rate"),
    (["compare", "--scenarios", "administrative,grid_management", "--reference", "x"],
     "reference"),
    (["experiment", "no/such/file.toml"], "does not exist"),
    (["report", "no/such/folder"], "does not exist"),
])
def test_bad_input_exits_2(args, needle, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_compare_prints_table_and_failed_runs_exit_1(tmp_path, capsys, monkeypatch):
    out = tmp_path / "cmp"
    args = ["compare", "--scenarios", "administrative,grid_management", "--replicates", "2",
            "--steps", "5", "--executor", "serial", "--out", str(out), *TINY]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "grid_management" in captured.out and "95% CI of diff" in captured.out
    assert "runs: 4 done, 0 failed, 0 left" in captured.err
    # a changed spec in the same folder is refused (exit 2), --fresh starts over
    assert main([*args[:-len(TINY)], *TINY, "--seed", "9"]) == 2
    assert "--fresh" in capsys.readouterr().err
    real = runner.GovernanceModel.from_scenario

    def broken(name, rng=None, **kw):
        if name == "grid_management":
            raise ValueError("no grid today")
        return real(name, rng=rng, **kw)

    monkeypatch.setattr(runner.GovernanceModel, "from_scenario", broken)
    assert main([*args, "--seed", "9", "--fresh"]) == 1
    err = capsys.readouterr().err
    assert "2 run(s) failed: grid_management__p00000__r0000, grid_management__p00000__r0001" \
        in err


def test_report_command_rebuilds(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "--scenarios", "administrative,grid_management", "--replicates",
                 "2", "--steps", "4", "--executor", "serial", "--out", str(out), *TINY]) == 0
    (out / "report.md").unlink()
    (out / "figures" / "outcomes.png").unlink()
    assert main(["report", str(out)]) == 0
    assert (out / "report.md").exists() and (out / "figures" / "outcomes.png").exists()
    assert "complete" in capsys.readouterr().out


@pytest.mark.slow
def test_main_job_compares_every_mechanism_scenario(tmp_path, capsys):
    out = tmp_path / "main"
    assert main(["main", "--replicates", "2", "--steps", "2", "--executor", "serial",
                 "--out", str(out)]) == 0
    comp = pd.read_csv(out / "comparison.csv")
    mech = {n for n, s in SCENARIOS.items() if s.kind == "mechanism"} - {"administrative"}
    assert set(comp["scenario"]) == mech
    assert (comp["reference"] == "administrative").all()
    assert "each scenario against 'administrative'" in capsys.readouterr().out
