"""'Run N seeds' and the lessons' answers go through the batch runner's own spec and stats."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from demo import lessons, stored_answers
from demo.config import DemoConfig
from demo.seeds import SeedJob, spec_dict, spec_toml, switch_edits_dropped, verdict
from experiments.specify import check as spec_mod
from experiments.specify import lessons as questions
from governance import SCENARIOS


def config(**kw) -> DemoConfig:
    cfg = DemoConfig.for_scenario("administrative", seed=11, **kw)
    return DemoConfig(**{**cfg.__dict__, "size": 20})


def test_exported_spec_is_the_setting_and_reads_back() -> None:
    cfg = config().with_setting("rc_admin_burden", 0.2).with_setting("grid_management", True)
    raw = spec_dict(cfg, 10, 52, ["participation_rate", "ladder", "nope"])
    spec = spec_mod.loads(spec_toml(raw))
    assert spec.scenarios == ("administrative",) and spec.replicates == 10
    assert spec.overrides == {"rc_admin_burden": 0.2, "grid_management": True,
                              "width": 20, "height": 20}
    assert spec.measures == ("participation_rate",) and spec.seed == 11


def test_side_by_side_spec_pairs_the_two_scenarios() -> None:
    cfg = config(compare=True, scenario_b="grid_management").with_setting("issue_rate", 0.5)
    raw = spec_dict(cfg, 4, 20, ["trust_government"])
    assert raw["scenarios"] == ["administrative", "grid_management"]
    assert raw["reference"] == "administrative" and raw["overrides"]["issue_rate"] == 0.5
    assert not switch_edits_dropped(cfg)
    assert switch_edits_dropped(cfg.with_setting("info_platform", True))


def test_verdict_follows_the_confidence_interval() -> None:
    assert verdict({"diff_ci_low": 0.1, "diff_ci_high": 0.3}) == "higher"
    assert verdict({"diff_ci_low": -0.3, "diff_ci_high": -0.1}) == "lower"
    assert verdict({"diff_ci_low": -0.1, "diff_ci_high": 0.3}) == "unclear"
    assert verdict({"diff_ci_low": math.nan, "diff_ci_high": math.nan}) == "unclear"


@pytest.mark.slow
def test_seed_job_runs_through_the_runner_and_gives_bands_and_paired_ci() -> None:
    """At seed 5, the seed of the lesson's answer below: both run administrative at 20 x 20
    with three replicates, so they settle the same three communities once (the session's
    burn-in folder), whichever runs first."""
    cfg = replace(config(compare=True, scenario_b="grid_management"), seed=5)
    job = SeedJob(cfg, seeds=3, weeks=8, measures=["participation_rate", "resolved_by_grid"])
    job.start().thread.join(timeout=240)
    assert job.finished and not job.error, job.error
    low, high = job.band(0, "participation_rate")
    assert len(low) == 9 and np.all(low <= high)
    rows = {r["measure"]: r for r in job.table()}
    grid = rows["resolved_by_grid"]
    assert grid["means"][0]["mean"] == 0  # no grid workers in the baseline
    assert grid["diff"]["mean"] > 0 and grid["diff"]["verdict"] in ("higher", "unclear")


@pytest.mark.slow
def test_lesson_answer_is_computed_from_a_run_in_points_with_marks(monkeypatch) -> None:
    """Every number of the answer comes from the paired runs: the difference in points of
    100 for shares at each year the runs reach, each run's mean there for the chart's
    marks, and how sure it is (here at the defaults: parameter uncertainty not covered)."""
    monkeypatch.setattr(questions, "answer_setup", lambda seed, seeds: (None, seeds, 40, 416))
    lesson = lessons.LESSONS[1]  # Party leadership alone against the baseline: all shares
    job = lessons.answer_job(lesson, seed=5, seeds=3, size=20, weeks=60)
    job.start().thread.join(timeout=240)
    assert job.finished and not job.error, job.error
    out = lessons.answer("en", job)
    assert "3 paired runs (20 × 20 households, 60 weeks)" in out["intro"]
    assert "parameter uncertainty is not covered" in out["sure"]
    assert [m["measure"] for m in out["marks"]] == lesson.answer_measures()
    for line, mark in zip(out["lines"], out["marks"], strict=True):
        hz = job.horizons(mark["measure"])
        assert "percentage points" in line and "year 1" in line and "year 3" not in line
        assert line.endswith("Not judged robust: parameter uncertainty is not covered.")
        assert (mark["from"], mark["to"]) == (1, 52) and mark["verdict"] == "unclear"
        assert mark["left"] == hz["left"]["year 1"] and mark["right"] == hz["right"]["year 1"]
        shown = float(mark["label"].split(" ")[0].replace("−", "-"))
        assert shown == pytest.approx(100 * hz["at"]["year 1"]["mean"], abs=0.051)
    zh = lessons.answer("zh", job)
    assert zh["intro"].startswith("在3对配对运行中") and "个百分点" in zh["lines"][0]


def _answered(particles) -> SeedJob:
    """A lesson's job with its runs filled in (no model run): the right preset is 0.02
    above the left at every week in every replicate, plus noise."""
    lesson = lessons.LESSONS[1]
    job = SeedJob(lesson.config(5, 20), len(particles), 416, lesson.answer_measures())
    job.lesson = lesson.number
    rng = np.random.default_rng(3)
    for m in job.spec.measures:
        base = rng.normal(0.3, 0.02, (len(particles), 417))
        job.series[(0, m)] = base
        job.series[(1, m)] = base + 0.02 + rng.normal(0, 0.002, base.shape)
    job.replicates = {0: list(range(len(particles))), 1: list(range(len(particles)))}
    job.particles = dict(enumerate(particles))
    return job


def test_lesson_answer_reads_years_1_3_8_and_is_robust_only_from_30_particles() -> None:
    out = lessons.answer("en", _answered(list(range(30))))
    line = out["lines"][0]
    for year in ("year 1 +2.0", "year 3 +2.0", "year 8 +2.0"):
        assert year in line
    assert "(P > 0: 1.00)" in line and "Robust: " in line and "is higher than" in line
    assert "30 distinct sets" in out["sure"] and out["marks"][0]["verdict"] == "higher"
    assert (out["marks"][0]["from"], out["marks"][0]["to"]) == (365, 416)
    few = lessons.answer("en", _answered([0, 1, 2, 3, 4] * 6))
    assert "Not judged robust" in few["lines"][0] and "only 5 distinct" in few["sure"]
    zh = lessons.answer("zh", _answered(list(range(30))))
    assert "第8年" in zh["lines"][0] and "稳健" in zh["lines"][0]


def test_lessons_follow_the_article_and_their_presets_exist() -> None:
    assert [ls.number for ls in lessons.LESSONS] == [1, 2, 3, 4, 5, 6, 7]
    for ls in lessons.LESSONS:
        assert ls.available() and ls.left in SCENARIOS and ls.right in SCENARIOS
        cfg = ls.config(seed=1)
        assert cfg.compare and cfg.left_params() and cfg.right_params()
        texts = lessons.lesson_texts(ls, "zh")
        assert "{" not in "".join(texts.values())
    assert lessons.phase_weeks("staged_rollout") != "—"
    assert lessons.phase_weeks("staged_rollout", "zh") == "第27周和第53周"


def test_each_lesson_changes_one_thing_or_says_it_changes_the_whole() -> None:
    from governance import MECHANISMS, scenario_params

    for ls in lessons.LESSONS:
        a, b = scenario_params(ls.left), scenario_params(ls.right)
        switched = [k for k in MECHANISMS if a[k] != b[k]]
        text = lessons.changed(ls, "en")
        if ls.number == 7:  # the article's claim about the whole programme
            assert "whole programme" in text
        elif ls.number == 6:  # the same switch under the other documented staffing choice
            assert not switched and text == (
                "one modelling choice, Who staffs the grids: seconded from the committee → "
                "hired in addition")
            assert [k for k in a if a[k] != b[k]] == ["grid_staffing"]
        else:
            assert len(switched) <= 1, (ls.number, switched)
            assert text.startswith(("one switch", "one pathway", "only the timing"))


def test_seed_jobs_take_turns_on_the_cores_in_arrival_order() -> None:
    """With one core, a second and a third job wait in line, in order, until the first
    finishes; a cancelled job leaves the line without running."""
    import threading
    import time
    from types import SimpleNamespace

    from demo.seeds import Cancelled, Cores

    cores = Cores(1)
    jobs = [SimpleNamespace(cancelled=threading.Event()) for _ in range(4)]
    ran: list[int] = []
    release = threading.Event()

    def work(k: int) -> None:
        try:
            with cores.turn(jobs[k]):
                ran.append(k)
                if k == 0:
                    release.wait(10)
        except Cancelled:
            ran.append(-k)

    threads = [threading.Thread(target=work, args=(0,))]
    threads[0].start()
    while not ran:
        time.sleep(0.01)
    for k in (1, 2, 3):
        threads.append(threading.Thread(target=work, args=(k,)))
        threads[-1].start()
        while cores.place(jobs[k]) != k:
            time.sleep(0.01)
    assert [cores.place(j) for j in jobs] == [0, 1, 2, 3]  # the first runs, three wait
    jobs[2].cancelled.set()
    while cores.place(jobs[2]):
        time.sleep(0.01)
    assert cores.place(jobs[3]) == 2
    release.set()
    for th in threads:
        th.join(10)
    assert ran == [0, -2, 1, 3]


def test_the_default_page_gets_the_stored_answers_and_other_seeds_run_live() -> None:
    """The stored `lessons` study answers the page's default seed at once (its currency is
    tests/test_studies.py's to check); another seed or another number of seeds is a
    different question, answered live. A stored answer reads as a live one does."""
    from demo.config import DEFAULT_SEED
    from demo.seeds import DEFAULT_SEEDS

    assert (DEFAULT_SEED, DEFAULT_SEEDS) == (questions.ANSWER_SEED, questions.ANSWER_SEEDS)
    for ls in lessons.LESSONS:
        job = lessons.answer_job(ls, DEFAULT_SEED, DEFAULT_SEEDS)
        assert stored_answers.restore(job), ls.number
        assert job.finished and job.done == job.total and not job.thread.is_alive()
        out = lessons.answer("en", job)
        assert len(out["marks"]) == len(ls.answer_measures())
        assert all((m["from"], m["to"]) == (365, 416) for m in out["marks"])
        assert "30 distinct sets" in out["sure"] or "not covered" in out["sure"]
        assert len(job.table()) == len(ls.answer_measures())
        low, high = job.band(1, ls.answer_measures()[0])
        assert low.shape == (417,) and np.all(low[np.isfinite(low)] <= high[np.isfinite(low)])
        assert job.band(0, "gov_admin_cost" if "gov_admin_cost" not in ls.answer else
                        "participation_rate") is None  # no band for a measure not answered
    ls = lessons.LESSONS[1]
    assert not stored_answers.restore(lessons.answer_job(ls, DEFAULT_SEED + 1, DEFAULT_SEEDS))
    assert not stored_answers.restore(lessons.answer_job(ls, DEFAULT_SEED, DEFAULT_SEEDS,
                                                         size=20))
