"""Short lessons in the article's order: structure (A), mechanisms (B), capacities (C), and
the order of introduction (staged rollout).

Each lesson is a side-by-side preset, the charts to show, what to watch and questions (in
the catalogues), and the measures its answer is about. The answer is never written down:
it is computed by running both presets over paired seeds with the batch runner
(demo.seeds) and worded from the paired differences and their CIs, so it stays true when
the model changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from demo import i18n
from demo.config import DemoConfig
from demo.seeds import SeedJob
from governance import MEASURES, MECHANISMS, SCENARIOS


@dataclass(frozen=True)
class Lesson:
    number: int
    left: str
    right: str
    charts: tuple[str, ...]
    answer: tuple[str, ...]  # measures the model's answer speaks about

    def available(self) -> bool:
        return self.left in SCENARIOS and self.right in SCENARIOS

    def config(self, seed: int, size: int = 0) -> DemoConfig:
        cfg = DemoConfig.for_scenario(self.left, seed=seed, compare=True,
                                      scenario_b=self.right)
        return DemoConfig(**{**cfg.__dict__, "size": size})

    def shown_charts(self) -> list[str]:
        return [c for c in self.charts if c == "ladder" or c in MEASURES]

    def answer_measures(self) -> list[str]:
        return [m for m in self.answer if m in MEASURES]


LESSONS = (
    Lesson(1, "administrative", "grid_management",
           ("ladder", "share_resolved_below_government", "gov_admin_cost", "resolved_by_grid"),
           ("share_resolved_below_government", "gov_admin_cost", "mean_resolution_time")),
    Lesson(2, "grid_management", "party_led",
           ("ladder", "participation_rate", "share_self_governing", "building_committees"),
           ("participation_rate", "share_self_governing", "building_committees")),
    Lesson(3, "administrative", "collaborative",
           ("capacity_publicity", "capacity_negotiation", "capacity_mobilization",
            "capacity_integration", "trust_government"),
           ("capacity_publicity", "capacity_negotiation", "capacity_mobilization",
            "capacity_integration", "trust_government")),
    Lesson(4, "collaborative", "staged_rollout",
           ("ladder", "participation_rate", "trust_government",
            "share_resolved_below_government"),
           ("participation_rate", "trust_government", "share_resolved_below_government")),
)


def phase_weeks(scenario: str) -> str:
    """The weeks at which the scenario switches mechanisms on (from its preset)."""
    over = SCENARIOS[scenario].overrides
    weeks = sorted({int(over[f"{m}_start"]) for m in MECHANISMS
                    if over.get(m) and over.get(f"{m}_start", 0) > 1})
    return ", ".join(map(str, weeks)) or "—"


def lesson_texts(lesson: Lesson, lang: str) -> dict[str, str]:
    weeks = phase_weeks(lesson.right)
    key = f"lesson.{lesson.number}"
    return {part: i18n.t(lang, f"{key}.{part}").replace("{weeks}", weeks)
            for part in ("title", "preset", "watch", "questions")}


def catalogue(lang: str) -> list[dict[str, Any]]:
    return [{"number": ls.number, "left": ls.left, "right": ls.right,
             "charts": ls.shown_charts(), **lesson_texts(ls, lang)}
            for ls in LESSONS if ls.available()]


def get(number: int) -> Lesson:
    from model.errors import InputError

    for ls in LESSONS:
        if ls.number == number and ls.available():
            return ls
    raise InputError(f"field 'lesson' got {number!r}, but it must be one of "
                     f"{', '.join(str(ls.number) for ls in LESSONS if ls.available())}.")


def answer_job(lesson: Lesson, seed: int, size: int, seeds: int, weeks: int) -> SeedJob:
    return SeedJob(lesson.config(seed, size), seeds, weeks, lesson.answer_measures())


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.3g}"


def answer_text(lang: str, job: SeedJob) -> list[str]:
    """The model's answer in sentences, from the job's paired differences."""
    left = i18n.scenario_label(lang, job.spec.scenarios[0])
    right = i18n.scenario_label(lang, job.spec.scenarios[1])
    lines = [i18n.t(lang, "ui.answer_intro", n=job.spec.replicates, weeks=job.spec.steps)]
    for row in job.table():
        d = row.get("diff")
        if d is None:
            continue
        vals = {"measure": i18n.name(lang, "measure", row["measure"]), "left": left,
                "right": right, "diff": _fmt(d["mean"]), "lo": _fmt(d["low"]),
                "hi": _fmt(d["high"])}
        if d["verdict"] == "unclear":
            lines.append(i18n.t(lang, "ui.answer_same", **vals))
        else:
            word = i18n.t(lang, f"ui.word_{d['verdict']}")
            lines.append(i18n.t(lang, "ui.answer_line", verdict=word, **vals))
    return lines
