"""The experiment commands: exit codes, messages without tracebacks, the main job."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.main import main
from experiments.running import runner
from tests.experiment_helpers import TINY_SET, spec_text

ROOT = Path(__file__).resolve().parent.parent
TINY = TINY_SET  # the tiny community (tests/experiment_helpers.py)


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
            "--steps", "5", "--executor", "serial", "--no-figures", "--out", str(out), *TINY]
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
    """`--no-figures` writes tables and report without pictures; `report` draws them."""
    out = tmp_path / "cmp"
    assert main(["compare", "--scenarios", "administrative,grid_management", "--replicates",
                 "2", "--steps", "4", "--executor", "serial", "--no-figures", "--out", str(out),
                 *TINY]) == 0
    assert not (out / "figures").exists() and (out / "comparison.csv").exists()
    assert "Not drawn (`--no-figures`)" in (out / "report.md").read_text()
    (out / "report.md").unlink()
    assert main(["report", str(out)]) == 0
    assert (out / "report.md").exists() and (out / "figures" / "outcomes.png").exists()
    assert "complete" in capsys.readouterr().out


def test_experiment_params_file_sets_what_the_spec_leaves(tmp_path, capsys):
    """`--params` (e.g. a calibration's calibrated.toml): every run starts from its values;
    a scenario, [overrides] or the design win; the manifest and the report say so."""
    params = tmp_path / "calibrated.toml"
    params.write_text('calibration_id = "c"\n[params]\nissue_rate = 0.031\n'
                      'grid_management = false\n')
    cfg = tmp_path / "s.toml"
    cfg.write_text(spec_text(replicates=1, steps=2))
    out = tmp_path / "o"
    assert main(["experiment", str(cfg), "--params", str(params), "--executor", "serial",
                 "--no-figures", "--out", str(out)]) == 0
    man = json.loads((out / "manifest.json").read_text())
    assert man["params"]["values"] == {"issue_rate": 0.031, "grid_management": False}
    runs = {r["scenario"]: r for r in man["runs"]}
    assert runs["administrative"]["params"]["issue_rate"] == 0.031
    assert runs["grid_management"]["params"]["grid_management"] is True  # the scenario wins
    assert runs["grid_management"]["params_overridden"] == ["grid_management"]
    assert (out / "params.toml").read_text() == params.read_text()
    assert "Starting parameters ([params] file)" in (out / "report.md").read_text()
    # the values decide the runs: other values in the same folder are refused, by name
    params.write_text('[params]\nissue_rate = 0.02\n')
    capsys.readouterr()
    assert main(["experiment", str(cfg), "--params", str(params), "--executor", "serial",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "params.issue_rate: 0.031 -> 0.02" in err
    assert "params.grid_management: false -> (unset)" in err


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400"])
def test_non_finite_values_exit_2(tmp_path, capsys, value):
    for args in (["compare", "--scenarios", "administrative", "--set", f"width={value}"],
                 ["run", "--set", f"width={value}"],
                 ["run", "--set", f"issue_rate={value}"]):
        assert main([*args, "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert "parameter 'width'" in err or "parameter 'issue_rate'" in err
    cfg = tmp_path / "s.toml"
    cfg.write_text(spec_text(extra="").replace("width = 20", f"width = {value}"))
    assert main(["experiment", str(cfg), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "field 'overrides.width'" in err and "finite number" in err
    assert not (tmp_path / "o").exists()


def test_slurm_without_sbatch_exits_2_at_once(tmp_path, capsys, monkeypatch):
    """The cluster path used to hang for over ten minutes with no message."""
    monkeypatch.setenv("PATH", str(tmp_path))  # no sbatch, no qsub
    cfg = tmp_path / "s.toml"
    cfg.write_text(spec_text())
    for args in (["--executor", "slurm", "--workers", "2"], ["--executor", "pbs"],
                 ["--submit", "slurm"], ["--submit", "pbs"]):
        t0 = time.monotonic()
        assert main(["experiment", str(cfg), *args, "--out", str(tmp_path / "o")]) == 2
        assert time.monotonic() - t0 < 5
        err = capsys.readouterr().err
        assert "`sbatch`" in err or "`qsub`" in err
        assert "not on PATH" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
