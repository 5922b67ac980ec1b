"""Incremental experiments: only new runs are made; tables are recomputed from stored series."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from experiments import runner
from experiments.spec import loads

TINY = "[overrides]\nwidth = 20\nheight = 20\ngrid_block = 10\nbuilding_block = 5\nburn_in = 26\n"


def text(scenarios='["administrative", "grid_management"]', replicates=2,
         measures='["participation_rate"]', extra="", name="inc", outcome="") -> str:
    return (f'name = "{name}"\nscenarios = {scenarios}\nreplicates = {replicates}\nsteps = 4\n'
            f'measures = {measures}\n{outcome}{extra}{TINY}')


def go(tmp_path, t):
    return runner.run_experiment(loads(t, "i.toml"), tmp_path, executor="serial",
                                 progress=io.StringIO())


def mtimes(tmp_path):
    return {p.name: p.stat().st_mtime_ns for p in (tmp_path / "runs").glob("*.json")}


def test_more_replicates_and_scenarios_run_only_the_new_runs(tmp_path):
    go(tmp_path, text())
    before = mtimes(tmp_path)
    man = go(tmp_path, text(replicates=3))
    assert man["history"][-1]["runs_added"] == 2
    after = mtimes(tmp_path)
    assert {k: after[k] for k in before} == before  # old runs untouched
    man = go(tmp_path, text(scenarios='["administrative", "grid_management", "party_led"]',
                            replicates=3))
    assert man["history"][-1]["runs_added"] == 3 and man["status"] == "complete"
    report = (tmp_path / "report.md").read_text()
    assert "## History" in report
    assert "replicates: 2 -> 3" in report and "added ['party_led']" in report


def test_new_factor_values_run_only_the_new_points(tmp_path):
    design = '[design]\ntype = "factorial"\n[design.factors]\nissue_rate = {}\n'
    go(tmp_path, text(extra=design.format("[0.01, 0.02]")))
    man = go(tmp_path, text(extra=design.format("[0.01, 0.02, 0.03]")))
    assert man["history"][-1]["runs_added"] == 2 * 2  # one new value x 2 scenarios x 2 reps
    assert "design.factors.issue_rate: added values [0.03]" in (tmp_path / "report.md"
                                                               ).read_text()
    # dropping a value leaves its runs on disk but out of the tables
    man = go(tmp_path, text(extra=design.format("[0.01, 0.03]")))
    assert man["history"][-1]["runs_added"] == 0
    assert len(man["runs_kept_aside"]) == 4
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(summary["issue_rate"]) == {0.01, 0.03}


def test_changing_measures_name_or_window_recomputes_without_runs(tmp_path):
    go(tmp_path, text())
    before = mtimes(tmp_path)
    man = go(tmp_path, text(measures='["participation_rate", "trust_government"]',
                            name="renamed", outcome='outcome = "mean"\nwarmup = 1\n'))
    assert man["history"][-1]["runs_added"] == 0 and mtimes(tmp_path) == before
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(summary["measure"]) == {"participation_rate", "trust_government"}
    # the outcome is recomputed from the stored series: mean of steps 2..4 (to the last
    # bits, not bit for bit: the stored mean and this sum need not round alike; another
    # window would differ in the second decimal)
    rec = json.loads(next((tmp_path / "runs").glob("administrative*r0000.json")).read_text())
    runs = pd.read_parquet(tmp_path / "runs.parquet").set_index("id")
    series = rec["timeseries"]["trust_government"]
    assert runs.loc[rec["id"], "trust_government"] == pytest.approx(
        sum(series[2:]) / 3, rel=1e-12, abs=0)
    assert "renamed" in (tmp_path / "report.md").read_text()


def test_sobol_and_morris_samples_grow_by_appending():
    """SALib's samples for a larger N start with those for a smaller N: the property that
    lets more Sobol/Morris samples run only the new points."""
    from experiments.designs import sample_matrix

    for design in ('type = "sobol"\nsamples = {n}\n', 'type = "morris"\nsamples = {n}\n'):
        small, large = (loads('name = "g"\nscenarios = ["administrative"]\n[design]\n'
                              + design.format(n=n) + '[design.ranges]\n'
                              'issue_rate = [0.005, 0.03]\nrc_admin_burden = [0.1, 0.9]\n')
                        for n in (4, 8))
        a, b = sample_matrix(small), sample_matrix(large)
        assert len(b) > len(a) and (b[: len(a)] == a).all()


def test_more_morris_trajectories_run_only_the_new_points(tmp_path):
    design = ('[design]\ntype = "morris"\nsamples = {n}\n[design.ranges]\n'
              'issue_rate = [0.005, 0.03]\nrc_admin_burden = [0.1, 0.9]\n')
    one = '["grid_management"]'
    go(tmp_path, text(scenarios=one, replicates=1, extra=design.format(n=2)))
    before = mtimes(tmp_path)
    man = go(tmp_path, text(scenarios=one, replicates=1, extra=design.format(n=3)))
    assert man["history"][-1]["runs_added"] == 3  # one trajectory of 2 parameters + 1
    after = mtimes(tmp_path)
    assert {k: after[k] for k in before} == before
    assert "design.samples: 2 -> 3 (points appended)" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "sensitivity.csv").exists()
