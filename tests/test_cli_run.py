"""The command line, end to end, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL_SET = ["--set", "width=20", "--set", "height=20", "--set", "grid_block=10",
             "--set", "burn_in=26"]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_run_writes_its_three_files(tmp_path):
    out = tmp_path / "one"
    res = cli("run", "--scenario", "grid_management", "--steps", "6", "--seed", "3",
              "--out", str(out), *SMALL_SET)
    assert res.returncode == 0, res.stderr
    assert {p.name for p in out.iterdir()} == {"timeseries.csv", "final.json", "overview.png"}
    final = json.loads((out / "final.json").read_text())
    assert final["meta"]["seed"] == 3 and final["params"]["grid_management"] is True
    assert final["params"]["width"] == 20
    lines = (out / "timeseries.csv").read_text().splitlines()
    assert len(lines) == 1 + 7  # header + steps 0..6
    assert "participation_rate" in res.stdout


@pytest.mark.parametrize("args, words", [
    (["run", "--set", "grid_managment=true"], ["grid_managment", "grid_management"]),
    (["run", "--set", "width=101"], ["width", "101", "multiple of grid_block"]),
    (["run", "--set", "rc_admin_burden=1.5"], ["rc_admin_burden", "1.5", "from 0 to 1"]),
    (["run", "--set", "grid_management=maybe"], ["grid_management", "maybe", "true or false"]),
    (["run", "--set", "decision_rule=vote"], ["decision_rule", "vote", "'logit'"]),
    (["run", "--set", "width"], ["--set", "name=value"]),
    (["run", "--scenario", "administrativ"], ["administrativ", "administrative"]),
    (["run", "--steps", "0"], ["--steps", "0"]),
    (["run", "--seed", "x"], ["--seed", "x"]),
])
def test_bad_input_is_one_clear_paragraph(tmp_path, args, words):
    out = tmp_path / "never"
    res = cli(*args, "--out", str(out))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    for w in words:
        assert w in res.stderr, (w, res.stderr)
    assert not out.exists()
    assert not any(tmp_path.iterdir())


def test_params_and_scenarios_list_the_schema():
    from governance import PARAMS, SCENARIOS

    res = cli("params")
    assert res.returncode == 0
    for name in PARAMS:
        assert name in res.stdout
    res = cli("scenarios")
    assert res.returncode == 0
    for s in SCENARIOS.values():
        assert s.name in res.stdout and s.description in res.stdout
