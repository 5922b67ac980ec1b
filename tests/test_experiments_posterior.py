"""Calibrated parameter uncertainty carried into comparisons (issue 11, item 4)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli.main import main
from experiments.experiment import run_experiment
from experiments.specify import designs
from experiments.specify.check import loads
from experiments.specify.posterior import load_posterior
from tests.experiment_helpers import TINY


def write_posterior(path: Path, frame: pd.DataFrame, calibration_id: str | None = "cal-7"):
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if calibration_id is not None:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               b"calibration_id": calibration_id.encode()})
    pq.write_table(table, path)
    return path


@pytest.fixture
def posterior(tmp_path) -> Path:
    frame = pd.DataFrame({"issue_rate": [0.01, 0.02, 0.03, 0.04],
                          "initial_trust_government": [0.3, 0.4, 0.5, 0.6],
                          "weight": [1.0, 2.0, 0.0, 1.0]})
    return write_posterior(tmp_path / "post.parquet", frame)


def spec(post: Path, replicates: int = 4, extra: str = "") -> str:
    return (f'name = "p"\nscenarios = ["administrative", "grid_management"]\n'
            f'replicates = {replicates}\nsteps = 3\nposterior = "{post}"\n'
            f'measures = ["participation_rate", "trust_government"]\n{extra}{TINY}')


def test_each_replicate_draws_one_particle_shared_by_all_arms(tmp_path, posterior):
    s = loads(spec(posterior, replicates=12), "p.toml")
    tasks = designs.tasks(s)
    assert tasks == designs.tasks(s)  # reproducible
    by_rep: dict[int, set] = {}
    for t in tasks:
        by_rep.setdefault(t.replicate, set()).add(
            (t.particle, t.seed, t.overrides["issue_rate"],
             t.overrides["initial_trust_government"]))
    assert all(len(v) == 1 for v in by_rep.values())  # same draw and seed in every arm
    drawn = {next(iter(v))[0] for v in by_rep.values()}
    assert 2 not in drawn  # weight 0 is never drawn
    assert len(drawn) > 1


def test_draws_follow_the_weights():
    """Weights 1:3; over 4000 replicates (2000 resamplings to two slots, the light particle
    getting 0 or 1 slot with probability 1/2 each) the heavy particle's share is 0.75 with
    sd 0.25 / sqrt(2000) / 2 = 0.003: a margin of 0.03 was fixed before running."""
    frame = pd.DataFrame({"issue_rate": [0.01, 0.02], "weight": [1.0, 3.0]})
    from experiments.specify.posterior import Posterior

    post = Posterior("x", "0", None, ("issue_rate",), frame[["issue_rate"]],
                     frame["weight"].to_numpy() / 4)
    picks = post.draw_indices(5, range(4000))
    assert abs(np.mean(picks) - 0.75) < 0.03


def test_experiment_records_and_reports_the_posterior(tmp_path, posterior):
    out = tmp_path / "o"
    man = run_experiment(loads(spec(posterior), "p.toml"), out, executor="serial", figures=False,
                                progress=io.StringIO())
    post = man["posterior"]
    assert post["calibration_id"] == "cal-7" and len(post["sha256"]) == 64
    assert (out / "posterior.parquet").read_bytes() == posterior.read_bytes()
    runs = {r["id"]: r for r in man["runs"]}
    for r in runs.values():
        assert r["params"]["issue_rate"] in (0.01, 0.02, 0.04)
    text = (out / "report.md").read_text()
    # 4 replicates draw at most 3 distinct particles: too few to stand for the posterior
    assert "fewer than the 30 needed to stand for the posterior" in text
    assert "**parameter uncertainty is not covered**" in text
    assert "both parameter and stochastic uncertainty" not in text and "cal-7" in text


def test_overrides_win_over_the_draw_and_the_report_says_so(tmp_path, posterior):
    out = tmp_path / "o"
    text = spec(posterior, replicates=2).replace("building_block = 5\n",
                                                 "building_block = 5\nissue_rate = 0.015\n")
    man = run_experiment(loads(text, "p.toml"), out, executor="serial", figures=False,
                                progress=io.StringIO())
    assert all(r["params"]["issue_rate"] == 0.015 for r in man["runs"])
    assert {r["params"]["initial_trust_government"] for r in man["runs"]} <= {0.3, 0.4, 0.6}
    rec = json.loads(next((out / "runs").glob("*.json")).read_text())
    assert rec["posterior_overridden"] == ["issue_rate"]
    assert "Overridden draws: issue_rate" in (out / "report.md").read_text()


@pytest.mark.parametrize("frame,needle", [
    (pd.DataFrame({"issue_rat": [0.01], "weight": [1.0]}), "did you mean 'issue_rate'"),
    (pd.DataFrame({"issue_rate": [0.01, 7.0], "weight": [1.0, 1.0]}),
     "row 1, column 'issue_rate'"),
    (pd.DataFrame({"issue_rate": [0.01, 0.02], "weight": [0.0, 0.0]}), "no particle with a "
     "positive weight"),
    (pd.DataFrame({"issue_rate": [0.01]}), "no `weight` column"),
])
def test_bad_posterior_is_one_paragraph_exit_2(tmp_path, capsys, frame, needle):
    bad = write_posterior(tmp_path / "bad.parquet", frame)
    cfg = tmp_path / "p.toml"
    cfg.write_text(spec(bad))
    code = main(["experiment", str(cfg), "--executor", "serial", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and needle in err
    assert "field 'posterior'" in err and not (tmp_path / "o").exists()


def test_a_particle_that_breaks_the_community_is_refused(tmp_path, capsys):
    bad = write_posterior(tmp_path / "b.parquet",
                          pd.DataFrame({"grid_block": [10, 7], "weight": [1.0, 1.0]}))
    cfg = tmp_path / "p.toml"
    cfg.write_text(spec(bad).replace("grid_block = 10\n", ""))
    assert main(["experiment", str(cfg), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "row 1" in err and "grid_block" in err and "Traceback" not in err


def test_a_particle_the_profile_scales_out_of_range_is_refused(tmp_path, capsys):
    """The check must use what the runs start from, the profile scaled from each draw: 10
    staff for 400 households in one grid is 5.6 times the default staffing, so a drawn
    staff_capacity of 200 becomes 1,111, above the schema's 1,000 (row 1), while 40 is
    fine (row 0)."""
    profile = tmp_path / "c.toml"
    profile.write_text('[community]\nname = "c"\nsource = "test"\nhouseholds = 400\n'
                       'grids = 1\nhouseholds_per_building = 25\nstaff = 10\n')
    bad = write_posterior(tmp_path / "b.parquet",
                          pd.DataFrame({"staff_capacity": [40.0, 200.0], "weight": [1.0, 1.0]}))
    cfg = tmp_path / "p.toml"
    cfg.write_text(f'name = "p"\nscenarios = ["administrative"]\nreplicates = 2\nsteps = 2\n'
                   f'posterior = "{bad}"\ncommunity = "{profile}"\n[overrides]\nburn_in = 4\n')
    assert main(["experiment", str(cfg), "--executor", "serial", "--no-figures",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("error: ")
    assert "row 1" in err and "staff_capacity" in err and "1111" in err.replace(",", "")
    assert not (tmp_path / "o").exists()


def test_rerun_uses_the_folder_copy_of_the_posterior(tmp_path, posterior, capsys):
    out = tmp_path / "o"
    run_experiment(loads(spec(posterior, replicates=2), "p.toml"), out,
                   executor="serial", progress=io.StringIO(), figures=False)
    posterior.unlink()  # the original moved away: the copy in the folder is enough
    assert main(["rerun", str(out), "--out", str(tmp_path / "again"), "--no-figures",
                 "--executor", "serial"]) == 0
    assert "4 of 4 runs bit-identical" in capsys.readouterr().out


def test_missing_posterior(tmp_path, capsys):
    cfg = tmp_path / "p.toml"
    cfg.write_text(spec(tmp_path / "nowhere.parquet"))
    assert main(["experiment", str(cfg), "--out", str(tmp_path / "o")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_posterior_without_calibration_id(tmp_path):
    p = write_posterior(tmp_path / "p.parquet", pd.DataFrame({"issue_rate": [0.02],
                                                              "weight": [3]}), None)
    post = load_posterior(p)
    assert post.calibration_id is None and post.weights.tolist() == [1.0]
