"""Complete provenance, and `run.py rerun` reproducing an experiment bit for bit."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from cli.main import main
from experiments import runner
from experiments.spec import load
from governance import PARAMS

SPEC = ('# a comment that must survive\nname = "prov"\n'
        'scenarios = ["administrative", "grid_management"]\nreplicates = 2\nsteps = 3\n'
        'measures = ["participation_rate", "trust_government"]\n'
        '[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\nburn_in = 26\n')


@pytest.fixture
def experiment(tmp_path) -> Path:
    cfg = tmp_path / "prov.toml"
    cfg.write_text(SPEC)
    out = tmp_path / "prov"
    runner.run_experiment(load(cfg), out, executor="serial", progress=io.StringIO())
    return out


def test_manifest_holds_everything_needed(experiment):
    man = json.loads((experiment / "manifest.json").read_text())
    assert man["spec_text"] == SPEC
    assert (experiment / "spec.toml").read_text() == SPEC
    for run in man["runs"]:
        assert set(run["params"]) == set(PARAMS)  # fully resolved, not just overrides
        assert run["params"]["width"] == 20 and isinstance(run["seed"], int)
    hashes = man["code_hashes"]
    assert {"model", "agents", "experiments", "cli", "all"} <= set(hashes)
    assert isinstance(man["git_modified"], bool | None)
    assert len(man["packages"]) > 20 and man["packages"]["pytest"]  # pip-freeze level
    seeds = man["seeds"]
    assert seeds["root"] == 20240601 and isinstance(seeds["bootstrap"], int)
    assert isinstance(seeds["design"], int)
    assert man["history"][0]["changes"] == ["started"]


def test_rerun_reproduces_bit_for_bit(experiment, tmp_path, capsys):
    new = tmp_path / "again"
    code = main(["rerun", str(experiment / "manifest.json"), "--out", str(new),
                 "--executor", "serial"])
    out = capsys.readouterr().out
    assert code == 0
    assert "4 of 4 runs bit-identical" in out
    for name in ("runs.parquet", "timeseries.parquet"):
        a = pd.read_parquet(experiment / name).drop(columns=["seconds"], errors="ignore")
        b = pd.read_parquet(new / name).drop(columns=["seconds"], errors="ignore")
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert (new / "spec.toml").read_text() == SPEC


def test_rerun_notices_a_difference(experiment, tmp_path, capsys):
    path = next((experiment / "runs").glob("grid_management*r0001.json"))
    rec = json.loads(path.read_text())
    rec["timeseries"]["trust_government"][-1] += 1e-12  # one bit-level change
    path.write_text(json.dumps(rec))
    code = main(["rerun", str(experiment), "--out", str(tmp_path / "again"),
                 "--executor", "serial"])
    captured = capsys.readouterr()
    assert code == 1
    assert "3 of 4 runs bit-identical" in captured.out
    assert path.stem in captured.err


def test_rerun_refuses_an_existing_experiment_folder(experiment, capsys):
    code = main(["rerun", str(experiment), "--out", str(experiment), "--executor", "serial"])
    assert code == 2 and "original folder" in capsys.readouterr().err


@pytest.mark.slow
def test_rerun_reproduces_the_main_job(tmp_path, capsys):
    out = tmp_path / "main"
    assert main(["main", "--replicates", "2", "--steps", "3", "--executor", "serial",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["rerun", str(out), "--executor", "processes", "--workers", "2"]) == 0
    text = capsys.readouterr().out
    n = len(json.loads((out / "manifest.json").read_text())["runs"])
    assert f"{n} of {n} runs bit-identical" in text
    assert (tmp_path / "main-rerun" / "report.md").exists()
