"""Complete provenance, and `run.py rerun` reproducing an experiment bit for bit."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from cli.main import main
from experiments.experiment import run_experiment
from experiments.running import provenance
from experiments.specify import main_job
from experiments.specify.check import load
from governance import PARAMS, SCENARIOS
from tests.experiment_helpers import TINY_PARAMS, spec_text

SPEC = '# a comment that must survive\n' + spec_text(replicates=2, steps=3, name="prov")


@pytest.fixture
def experiment(tmp_path) -> Path:
    cfg = tmp_path / "prov.toml"
    cfg.write_text(SPEC)
    out = tmp_path / "prov"
    run_experiment(load(cfg), out, executor="serial", progress=io.StringIO(), figures=False)
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
    code = main(["rerun", str(experiment / "manifest.json"), "--out", str(new), "--no-figures",
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
    code = main(["rerun", str(experiment), "--out", str(tmp_path / "again"), "--no-figures",
                 "--executor", "serial"])
    captured = capsys.readouterr()
    assert code == 1
    assert "3 of 4 runs bit-identical" in captured.out
    assert path.stem in captured.err


def test_rerun_refuses_an_existing_experiment_folder(experiment, capsys):
    code = main(["rerun", str(experiment), "--out", str(experiment), "--executor", "serial"])
    assert code == 2 and "original folder" in capsys.readouterr().err


def test_main_job_and_its_rerun(tmp_path, capsys, monkeypatch):
    """The built-in spec (no spec file; replicates draw from the shipped posterior), on the
    tiny community: it compares every mechanism scenario with the baseline, and two worker
    processes reproduce it bit for bit."""
    real = main_job.main_spec
    monkeypatch.setattr(main_job, "main_spec",
                        lambda **kw: real(**kw, overrides=TINY_PARAMS))
    out = tmp_path / "main"
    assert main(["main", "--replicates", "2", "--steps", "3", "--executor", "serial",
                 "--no-figures", "--out", str(out)]) == 0
    # the main job compares every mechanism scenario with the administrative baseline
    comp = pd.read_csv(out / "comparison.csv")
    mech = {n for n, s in SCENARIOS.items() if s.kind == "mechanism"} - {"administrative"}
    assert set(comp["scenario"]) == mech and (comp["reference"] == "administrative").all()
    assert "each scenario against 'administrative'" in capsys.readouterr().out
    assert main(["rerun", str(out), "--executor", "processes", "--workers", "2",
                 "--no-figures"]) == 0
    text = capsys.readouterr().out
    n = len(json.loads((out / "manifest.json").read_text())["runs"])
    assert f"{n} of {n} runs bit-identical" in text
    assert (tmp_path / "main-rerun" / "report.md").exists()


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_a_dirty_tree_leaves_a_patch_that_rebuilds_it(tmp_path, monkeypatch):
    """The manifest used to record only that the tree was dirty: now its patch (tracked
    changes and untracked code files) is kept, and applied to the commit it rebuilds the
    tree exactly."""
    repo = tmp_path / "repo"
    (repo / "model").mkdir(parents=True)
    (repo / "model" / "rule.py").write_text("RATE = 1\n")
    (repo / "run.py").write_text("print('hi')\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    monkeypatch.setattr(provenance, "_ROOT", repo)
    assert provenance.git_modified() is False and provenance.save_diff(tmp_path, None) is None
    (repo / "model" / "rule.py").write_text("RATE = 2  # changed, not committed\n")
    (repo / "model" / "new_rule.py").write_text("NEW = True\n")
    folder = tmp_path / "exp"
    folder.mkdir()
    info = provenance.save_diff(folder, lambda p, t: p.write_text(t))
    assert info["file"] == "source.diff" and len(info["sha256"]) == 64
    clean = tmp_path / "clean"
    clean.mkdir()
    archive = subprocess.run(["git", "-C", str(repo), "archive", "HEAD"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(clean)], input=archive, check=True)
    subprocess.run(["git", "apply", str(folder / "source.diff")], cwd=clean, check=True)
    for name in ("model/rule.py", "model/new_rule.py", "run.py"):
        assert (clean / name).read_text() == (repo / name).read_text(), name


def test_rerun_with_the_original_code_applies_the_patch(experiment, tmp_path, capfd):
    """`rerun --apply-diff` rebuilds the code (the commit plus the recorded patch) in a
    scratch folder and reruns there; a patch that does not apply is refused."""
    man_path = experiment / "manifest.json"
    man = json.loads(man_path.read_text())
    probe = ("diff --git a/scripts/rerun_probe.py b/scripts/rerun_probe.py\n"
             "new file mode 100644\n--- /dev/null\n+++ b/scripts/rerun_probe.py\n"
             "@@ -0,0 +1 @@\n+PROBE = 1\n")
    patch = experiment / "source.diff"
    patch.write_text((patch.read_text() if man.get("git_diff") else "") + probe)
    man.update(git_modified=True, git_diff={"file": "source.diff"})
    man_path.write_text(json.dumps(man))
    code = main(["rerun", str(experiment), "--apply-diff", "--out", str(tmp_path / "again"),
                 "--executor", "serial", "--no-figures"])
    captured = capfd.readouterr()  # the rerun runs in a child process: read its output too
    assert code == 0, captured.err
    assert "rerunning with the original code: commit" in captured.err
    assert "plus source.diff" in captured.err and "4 of 4 runs bit-identical" in captured.out
    patch.write_text(probe.replace("/dev/null", "a/scripts/missing.py"))
    code = main(["rerun", str(experiment), "--apply-diff", "--out", str(tmp_path / "bad"),
                 "--executor", "serial"])
    err = capfd.readouterr().err
    assert code == 2 and "does not apply" in err and not (tmp_path / "bad").exists()
