"""Uncertainty carried into every answer (issue 19, item 7): 30+ distinct particles drawn
reproducibly, effects at years 1, 3 and 8 with P(effect > 0), robust only at >= 0.95 at
every horizon, and no claim of parameter uncertainty from fewer than 30 particles."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analyse import robust
from experiments.experiment import run_experiment
from experiments.specify import designs, main_job
from experiments.specify.check import loads
from experiments.specify.posterior import load_posterior
from tests.test_experiments_posterior import write_posterior

SMALL = ("[overrides]\nwidth = 10\nheight = 10\ngrid_block = 10\nbuilding_block = 5\n"
         "burn_in = 4\n")


def synthetic(path: Path, distinct: int, rows: int = 40, weights=None) -> Path:
    """`rows` particles over issue_rate, of which `distinct` differ (rows repeat them)."""
    values = [0.010 + 0.0002 * (i % distinct) for i in range(rows)]
    w = np.ones(rows) if weights is None else np.asarray(weights, dtype=float)
    return write_posterior(path, pd.DataFrame({"issue_rate": values, "weight": w}))


def test_thirty_replicates_hold_thirty_distinct_particles_reproducibly(tmp_path):
    post = load_posterior(synthetic(tmp_path / "p.parquet", 40))
    assert post.replicates_for(7) == 30
    first = post.draw_indices(7, range(30))
    assert len(set(first)) == 30
    assert post.draw_indices(7, range(10)) == first[:10]  # more replicates change no draw
    assert post.draw_indices(7, range(30)) == first  # same root, same draws
    assert post.draw_indices(8, range(30)) != first  # another root, another order
    # two cycles over the 40 slots: every particle exactly twice
    assert np.bincount(post.draw_indices(7, range(80)), minlength=40).tolist() == [2] * 40


def test_five_distinct_particles_cannot_cover_parameter_uncertainty(tmp_path):
    """40 rows, 5 distinct parameter sets: rows repeating a set are one particle."""
    post = load_posterior(synthetic(tmp_path / "p.parquet", 5))
    rows, mass = post.distinct()
    assert rows.tolist() == [0, 1, 2, 3, 4] and np.allclose(mass, 0.2)
    assert post.replicates_for(7) is None
    assert set(post.draw_indices(7, range(50))) == {0, 1, 2, 3, 4}


def test_a_heavy_particle_takes_its_share_and_more_replicates_reach_thirty(tmp_path):
    """One particle of 100 carries half the weight: it fills half the slots (50 of 100 in
    each resampling), so 30 distinct particles need more than 30 replicates, and exactly
    as many as replicates_for says."""
    w = np.r_[99.0, np.ones(99)]
    post = load_posterior(synthetic(tmp_path / "p.parquet", 100, rows=100, weights=w))
    n = post.replicates_for(3)
    draws = post.draw_indices(3, range(n))
    assert n > 30 and len(set(draws)) == 30 and len(set(draws[:-1])) == 29
    assert np.mean(np.array(post.draw_indices(3, range(1000))) == 0) == pytest.approx(0.5)


def test_scenarios_of_a_replicate_share_particle_and_seed(tmp_path):
    post = synthetic(tmp_path / "p.parquet", 40)
    text = (f'name = "u"\nscenarios = ["administrative", "grid_management"]\n'
            f'replicates = 30\nsteps = 52\nposterior = "{post}"\n{SMALL}')
    tasks = designs.tasks(loads(text, "u.toml"))
    by_rep = {}
    for t in tasks:
        by_rep.setdefault(t.replicate, set()).add((t.particle, t.seed,
                                                   t.overrides["issue_rate"]))
    assert all(len(v) == 1 for v in by_rep.values())
    assert len({next(iter(v))[0] for v in by_rep.values()}) == 30


def _effects(values: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {h: robust.effect_at(v) for h, v in values.items()}


def test_robust_only_at_095_at_every_horizon_with_30_particles():
    up = [0.1] * 19 + [-0.1]  # P(> 0) = 0.95
    weak = [0.1] * 18 + [-0.1] * 2  # 0.90
    at = _effects({"year 1": up, "year 3": up, "year 8": up})
    assert robust.judge(at, 30) == {"robust": True, "direction": 1, "failing": [],
                                    "reading": "robust (up)", "verdict": "robust (up)"}
    at = _effects({"year 1": up, "year 3": weak, "year 8": up})
    v = robust.judge(at, 30)
    assert v["robust"] is False and v["failing"] == ["year 3"]
    assert v["verdict"] == "not robust (up): year 3 P(effect > 0) = 0.90"
    down = _effects({"year 1": [-x for x in up], "year 3": [-x for x in up]})
    assert robust.judge(down, 40)["verdict"] == "robust (down)"
    assert robust.judge(down, 40, sign=+1)["robust"] is False  # the claim's direction
    few = robust.judge(at, 29)
    assert few["robust"] is None and few["verdict"].startswith(
        "parameter uncertainty not covered (29 distinct posterior particles; 30 needed)")
    assert "no posterior" in robust.judge(at, 0)["verdict"]
    assert "robust" not in few["reading"] and few["reading"].startswith("sign does not hold")
    e = robust.effect_at([0.0, 1.0, -1.0, 2.0])  # a tie counts for neither sign
    assert (e["p_positive"], e["p_negative"], e["mean"]) == (0.5, 0.25, 0.5)


def _frames(particles: list[int | None], effect: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two scenarios over 416 weeks: `a` is `effect` above `ref` plus noise, each week."""
    rng = np.random.default_rng(2)
    runs, ts = [], []
    for r, p in enumerate(particles):
        base = rng.normal(size=417)
        for sc, shift in (("ref", 0.0), ("a", effect)):
            runs.append({"scenario": sc, "replicate": r, "status": "ok", "particle": p})
            ts.append(pd.DataFrame({"scenario": sc, "replicate": r, "step": np.arange(417),
                                    "m": base + shift + rng.normal(0, 0.01, 417)}))
    return pd.DataFrame(runs), pd.concat(ts, ignore_index=True)


def test_horizon_table_reads_years_1_3_8_and_counts_distinct_particles():
    runs, ts = _frames(list(range(30)), 0.5)
    t = robust.horizon_table(runs, ts, ["m"], "ref", 416)
    assert t["horizon"].tolist() == ["year 1", "year 3", "year 8"]
    assert (t["p_positive"] == 1).all() and (t["particles"] == 30).all()
    assert t["mean"].between(0.49, 0.51).all() and t["robust"].all()
    runs, ts = _frames([None] * 30, 0.5)  # the defaults: seeds only
    t = robust.horizon_table(runs, ts, ["m"], "ref", 160)
    assert t["horizon"].tolist() == ["year 1", "year 3"] and t["robust"].isna().all()
    assert "NOT covered (no posterior" in robust.robust_text(t)


def test_a_failed_run_or_an_undefined_week_cannot_leave_30_particles_claimed():
    # found by a review: a failed reference run left 29 pairs while the report's header
    # counted 30 particles; NaN weeks dropped replicates from P(> 0) but not from the count
    from experiments.analyse.report_sections import posterior

    runs = [{"scenario": sc, "point": 0, "replicate": r, "particle": r,
             "status": "failed" if (sc, r) == ("ref", 7) else "ok"}
            for r in range(30) for sc in ("ref", "a")]
    manifest = {"runs": runs, "posterior": {"path": "p", "calibration_id": "c", "sha256": "0" * 64,
                                            "particles": 30, "parameters": ["x"]}}
    text = "\n".join(posterior(manifest))
    assert "29 distinct particles" in text and "not covered" in text
    left = {r: np.zeros(417) for r in range(30)}
    right = {r: np.full(417, 0.5) for r in range(30)}
    for r in range(25):  # one undefined week in each window of 25 replicates
        right[r][[10, 120, 400]] = np.nan
    out = robust.paired_horizons(416, left, right, {r: r for r in range(30)})
    assert out["at"]["year 1"]["n"] == 5 and out["particles"] == 5
    assert out["judge"]["robust"] is None  # not "robust (up)" from 5 draws


@pytest.mark.parametrize("distinct,covered", [(40, True), (5, False)])
def test_reports_cover_parameter_uncertainty_only_from_30_particles(tmp_path, distinct,
                                                                     covered):
    post = synthetic(tmp_path / "p.parquet", distinct)
    text = (f'name = "u"\nscenarios = ["administrative", "grid_management"]\n'
            f'replicates = {30 if covered else 6}\nsteps = 52\nposterior = "{post}"\n'
            f'measures = ["participation_rate", "resolution_rate"]\n{SMALL}')
    out = tmp_path / "o"
    run_experiment(loads(text, "u.toml"), out, executor="serial", figures=False,
                   progress=io.StringIO())
    report = (out / "report.md").read_text()
    t = pd.read_csv(out / "horizons.csv")
    assert t["horizon"].tolist() == ["year 1", "year 1"]
    assert "## Effects at years 1, 3 and 8" in report and "year 1 only" in report
    if covered:
        assert (t["particles"] == 30).all() and t["robust"].notna().all()
        assert "both parameter and stochastic uncertainty" in report
        assert "Parameter uncertainty is covered: 30 distinct" in report
        assert "Robust at every horizon:" in report
    else:
        assert (t["particles"] == 5).all() and t["robust"].isna().all()
        assert "**Parameter uncertainty is not covered** (5 distinct" in report
        assert "Robust at every horizon" not in report
        assert "robust (" not in report and "across seeds only: sign hold" in report


def test_main_job_draws_thirty_distinct_particles_over_eight_years(tmp_path, monkeypatch):
    assert main_job.STEPS == 416 and main_job.main_spec().replicates >= 30
    post = synthetic(tmp_path / "p.parquet", 40)
    monkeypatch.setattr(main_job, "POSTERIOR", str(post))
    monkeypatch.setattr(main_job.usable_posterior, "__defaults__", (str(post),))
    spec = main_job.main_spec(seed=11)
    assert spec.posterior == str(post) and spec.replicates == 30
    drawn = {t.particle for t in designs.tasks(spec, range(spec.replicates))}
    assert len(drawn) == 30


def _claims_runs(study, effect: float, replicates: int) -> list:
    """Synthetic runs of every claims scenario: each is the baseline + `effect` on every
    measure, with per-replicate noise (the pairing cancels the baseline's own noise)."""
    from experiments.studies.runs import Run

    rng = np.random.default_rng(4)
    out = []
    for r in range(replicates):
        base = {m: rng.normal(0.5, 0.05, 417) for m in study.READS}
        for sc in study.scenarios():
            shift = 0.0 if sc == study.REFERENCE else effect
            out.append(Run(sc, r, {}, {m: v + shift + rng.normal(0, 0.01, 417)
                                       for m, v in base.items()}))
    return out


def test_claims_study_draws_particles_reports_p_and_robust(tmp_path, monkeypatch):
    from experiments.studies import claims

    post = synthetic(tmp_path / "p.parquet", 40)
    monkeypatch.setattr(main_job.usable_posterior, "__defaults__", (str(post),))
    raw = claims.specs()[0]
    assert raw["posterior"] == str(post) and raw["replicates"] == 30 and raw["steps"] == 416
    result = claims.summarise({"claims": _claims_runs(claims, 0.05, 30)})
    assert result["particles"] == 30 and result["posterior"]["sha256"]
    for row in result["rows"]:  # every effect is +0.05: robust where the article says up
        assert row["horizons"]["year 8"]["p_positive"] == 1.0
        assert row["robust"]["robust"] is (row["sign"] > 0)
    odd = claims.render(result)[("docs/ODD.md", "CLAIMS")]
    assert "P(>0) = 1.00" in odd and "| robust (up) |" in odd and "30 distinct" in odd
    assert "not covered" not in odd and claims.check(result) == []
    # a stored result made without this posterior is stale against it
    assert claims.check({**result, "posterior": None})
    # five distinct particles: never robust, and the table says parameter uncertainty is
    # not covered
    few = synthetic(tmp_path / "few.parquet", 5)
    monkeypatch.setattr(main_job.usable_posterior, "__defaults__", (str(few),))
    raw = claims.specs()[0]
    result = claims.summarise({"claims": _claims_runs(claims, 0.05, raw["replicates"])})
    assert result["particles"] == 5
    assert all(row["robust"]["robust"] is None for row in result["rows"])
    readme = claims.render(result)[("README.md", "CLAIMS")]
    assert "**parameter uncertainty not covered** (5 distinct" in readme
    assert "| yes |" not in readme
