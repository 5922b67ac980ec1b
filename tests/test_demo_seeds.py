"""'Run N seeds' and the lessons' answers go through the batch runner's own spec and stats."""

from __future__ import annotations

import math

import numpy as np
import pytest

from demo import lessons
from demo.config import DemoConfig
from demo.seeds import SeedJob, spec_dict, spec_toml, switch_edits_dropped, verdict
from experiments import spec as spec_mod
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
def test_lesson_answer_is_worded_from_a_run() -> None:
    lesson = lessons.LESSONS[0]
    job = lessons.answer_job(lesson, seed=5, size=20, seeds=3, weeks=8)
    job.start().thread.join(timeout=240)
    assert job.finished and not job.error, job.error
    lines = lessons.answer_text("en", job)
    assert "3 paired seeds" in lines[0] and len(lines) == 1 + len(lesson.answer_measures())
    table = {r["measure"]: r for r in job.table()}
    for line, m in zip(lines[1:], lesson.answer_measures(), strict=True):
        d = table[m]["diff"]
        assert f"{d['mean']:.3g}" in line  # the number comes from this run
    assert lessons.answer_text("zh", job)[0].startswith("在3对种子中")


def test_lessons_follow_the_article_and_their_presets_exist() -> None:
    assert [ls.number for ls in lessons.LESSONS] == [1, 2, 3, 4]
    for ls in lessons.LESSONS:
        assert ls.available() and ls.left in SCENARIOS and ls.right in SCENARIOS
        cfg = ls.config(seed=1)
        assert cfg.compare and cfg.left_params() and cfg.right_params()
        texts = lessons.lesson_texts(ls, "zh")
        assert "{" not in "".join(texts.values())
    assert lessons.phase_weeks("staged_rollout") != "—"
