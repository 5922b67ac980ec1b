"""'Run N seeds' and the lessons' answers go through the batch runner's own spec and stats."""

from __future__ import annotations

import math

import numpy as np
import pytest

from demo import lessons
from demo.config import DemoConfig
from demo.seeds import SeedJob, spec_dict, spec_toml, switch_edits_dropped, verdict
from experiments.specify import check as spec_mod
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
    cfg = config(compare=True, scenario_b="grid_management")
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
def test_lesson_answer_is_computed_from_a_run_in_points_with_marks() -> None:
    """Every number of the answer comes from the paired runs: the difference in points of
    100 for shares, each run's mean for the chart's marks, and how sure it is."""
    lesson = lessons.LESSONS[1]  # Party leadership alone against the baseline: all shares
    job = lessons.answer_job(lesson, seed=5, size=20, seeds=3, weeks=8)
    job.start().thread.join(timeout=240)
    assert job.finished and not job.error, job.error
    out = lessons.answer("en", job)
    assert "3 paired seeds" in out["intro"] and "weeks 4–8" in out["intro"]
    assert "parameter uncertainty is not yet included" in out["sure"]
    table = {r["measure"]: r for r in job.table()}
    assert [m["measure"] for m in out["marks"]] == lesson.answer_measures()
    for line, mark in zip(out["lines"], out["marks"], strict=True):
        d = table[mark["measure"]]["diff"]
        assert "percentage points" in line
        assert mark["left"] == table[mark["measure"]]["means"][0]["mean"]
        assert mark["right"] == table[mark["measure"]]["means"][1]["mean"]
        shown = float(mark["label"].split(" ")[0].replace("−", "-"))
        assert shown == pytest.approx(100 * d["mean"], abs=0.051)
    zh = lessons.answer("zh", job)
    assert zh["intro"].startswith("在3对种子中") and "个百分点" in zh["lines"][0]


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
