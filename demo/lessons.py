"""Short lessons in the article's order: structure (A), mechanisms (B), capacities (C), the
order of introduction, and two claims of the article put to the model (grid management, with
the staffing assumption its signs may rest on, and the programme's cost).

Each lesson is a side-by-side pair that changes one thing against a stated baseline (one
switch, one pathway closed, one documented modelling choice, or only the timing), except the
last, which tests the article's claim about the whole programme and says so. Its charts,
what to watch and its questions live in the catalogues. The answer is never written down: it
is computed by running both presets with the batch runner (demo.seeds) as the main job reads
its effects: paired runs, each replicate with its own calibrated parameter set (30 distinct
ones) where the shipped calibration fits the model, over eight years, and worded from the
paired differences at years 1, 3 and 8 with P(effect > 0) and whether the direction is
robust (at least 0.95 at every year), in percentage points for shares, with year 8 and its
difference drawn on the charts, so it stays true when the model changes. Without a usable
calibration the answer says parameter uncertainty is not covered and calls nothing robust.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from demo import i18n
from demo.config import DemoConfig
from demo.seeds import SeedJob
from experiments.specify import lessons as questions
from governance import MEASURES, MECHANISMS, SCENARIOS, scenario_params

# Measures on a 0-1 scale are answered in points of 100 (percentage points for shares).
HUNDRED = ("share", "0-1")


@dataclass(frozen=True)
class Lesson:
    """A question (its pair and its answer's measures: experiments/specify/lessons.py) and
    what the page shows of it."""

    question: questions.Question
    charts: tuple[str, ...]

    @property
    def number(self) -> int:
        return self.question.number

    @property
    def left(self) -> str:  # the stated baseline
        return self.question.left

    @property
    def right(self) -> str:  # the baseline with one thing changed
        return self.question.right

    @property
    def answer(self) -> tuple[str, ...]:  # measures the model's answer speaks about
        return self.question.answer

    def available(self) -> bool:
        return self.question.available()

    def config(self, seed: int, size: int = 0) -> DemoConfig:
        cfg = DemoConfig.for_scenario(self.left, seed=seed, compare=True,
                                      scenario_b=self.right)
        return replace(cfg, size=size)

    def shown_charts(self) -> list[str]:
        return [c for c in self.charts if c == "ladder" or c in MEASURES]

    def answer_measures(self) -> list[str]:
        return self.question.measures()


# What each lesson's page shows; the pairs and the answers' measures are the questions'
# (experiments/specify/lessons.py).
CHARTS: dict[int, tuple[str, ...]] = {
    1: ("share_resolved_below_government", "gov_admin_cost", "resolved_by_grid"),
    2: ("ladder", "participation_rate", "share_guided", "share_self_governing",
        "activity_26w"),
    3: ("capacity_mobilization", "capacity_integration", "trust_neighbors",
        "civic_consciousness"),
    4: ("ladder", "participation_rate", "trust_government", "share_resolved_below_government"),
    5: ("participation_rate", "activity_26w", "speak_52w", "trust_government"),
    6: ("participation_rate", "activity_26w", "speak_52w", "trust_government"),
    7: ("gov_admin_cost", "cost_per_resolved_issue", "resolution_rate"),
}
LESSONS = tuple(Lesson(q, CHARTS[q.number]) for q in questions.QUESTIONS)


def phase_weeks(scenario: str, lang: str = "en") -> str:
    """The weeks at which the scenario switches mechanisms on (from its preset), in words:
    'weeks 27 and 53', '第27周和第53周'."""
    over = SCENARIOS[scenario].overrides
    weeks = sorted({int(over[f"{m}_start"]) for m in MECHANISMS
                    if over.get(m) and over.get(f"{m}_start", 0) > 1})
    if not weeks:
        return "—"
    if lang == "zh":
        return "和".join(f"第{w}周" for w in weeks)
    text = ", ".join(map(str, weeks[:-1])) + (" and " if len(weeks) > 1 else "") + str(weeks[-1])
    return ("weeks " if len(weeks) > 1 else "week ") + text


def changed(lesson: Lesson, lang: str) -> str:
    """What the right run changes against the baseline, from the two presets themselves."""
    parts = i18n.pathway_parts(lesson.right)
    if parts is not None:
        return i18n.t(lang, "lesson_change.pathway", pathway=i18n.name(lang, "pathway",
                                                                       parts[1]))
    a, b = scenario_params(lesson.left), scenario_params(lesson.right)
    diff = [k for k in b if a.get(k) != b[k]]
    switches = [k for k in diff if k in MECHANISMS]
    if not switches and diff and all(k.endswith("_start") for k in diff):
        return i18n.t(lang, "lesson_change.timing", weeks=phase_weeks(lesson.right, lang))
    if len(switches) == 1 and len(diff) == 1:
        return i18n.t(lang, "lesson_change.switch",
                      switch=i18n.name(lang, "param", switches[0]))
    if not switches and len(diff) == 1:  # one modelling choice or parameter
        name = diff[0]
        return i18n.t(lang, "lesson_change.setting", setting=i18n.name(lang, "param", name),
                      left=_value(lang, name, a[name]), right=_value(lang, name, b[name]))
    return i18n.t(lang, "lesson_change.programme", n=len(switches))


def _value(lang: str, name: str, value: Any) -> str:
    """A parameter's value in words (a choice's label), or as it is."""
    return i18n.name(lang, f"choice.{name}", str(value)) if isinstance(value, str) \
        else str(value)


def lesson_texts(lesson: Lesson, lang: str) -> dict[str, str]:
    weeks = phase_weeks(lesson.right, lang)
    key = f"lesson.{lesson.number}"
    texts = {part: i18n.t(lang, f"{key}.{part}").replace("{weeks}", weeks)
             for part in ("title", "preset", "watch", "questions")}
    texts["changes"] = i18n.t(lang, "lesson_change.intro",
                              left=i18n.scenario_label(lang, lesson.left),
                              right=i18n.scenario_label(lang, lesson.right),
                              change=changed(lesson, lang))
    return texts


def catalogue(lang: str) -> list[dict[str, Any]]:
    return [{"number": ls.number, "left": ls.left, "right": ls.right,
             "charts": ls.shown_charts(), "answer": ls.answer_measures(),
             **lesson_texts(ls, lang)}
            for ls in LESSONS if ls.available()]


def get(number: int) -> Lesson:
    from model.errors import InputError

    for ls in LESSONS:
        if ls.number == number and ls.available():
            return ls
    raise InputError(f"field 'lesson' got {number!r}, but it must be one of "
                     f"{', '.join(str(ls.number) for ls in LESSONS if ls.available())}.")


def answer_job(lesson: Lesson, seed: int, seeds: int, size: int | None = None,
               weeks: int | None = None) -> SeedJob:
    """The lesson's answer: both presets over paired runs with the main job's posterior,
    community size and eight years (questions.answer_spec), whatever the page shows; `size`
    and `weeks` replace those two (tests). For the page's default seed the answer is the
    stored one (demo/stored_answers.py) when it was made by this model."""
    raw = questions.answer_spec(lesson.question, seed, seeds, size, weeks)
    job = SeedJob(lesson.config(seed, raw["overrides"]["width"]), raw=raw)
    job.lesson = lesson.number
    return job


def scale(measure: str) -> float:
    """100 for shares and 0-1 scales (answers in points of 100), 1 otherwise."""
    return 100.0 if MEASURES[measure].unit in HUNDRED else 1.0


def unit_words(lang: str, measure: str) -> str:
    unit = MEASURES[measure].unit
    if unit == "share":
        return i18n.t(lang, "ui.pp")
    if unit == "0-1":
        return i18n.t(lang, "ui.points100")
    return i18n.catalogue(lang).get(f"unit.{unit}", unit)


def _num(v: float | None, signed: bool = False) -> str:
    if v is None:
        return "—"
    text = f"{v:+.2f}" if abs(v) < 1 else f"{v:+.1f}"
    return text if signed else text.lstrip("+")


def answer(lang: str, job: SeedJob) -> dict[str, Any]:
    """The model's answer: one sentence per measure with its unit, the difference at each
    year and P(> 0), and whether the direction is robust; the marks the page draws on the
    charts (the last year's window, both runs' means there and the difference); and how
    sure the model is."""
    names = {"left": i18n.scenario_label(lang, job.spec.scenarios[0]),
             "right": i18n.scenario_label(lang, job.spec.scenarios[1])}
    lines, marks, particles, last, covered = [], [], 0, 1, False
    for m in job.spec.measures:
        hz = job.horizons(m)
        if not hz["at"] or not any(e["n"] for e in hz["at"].values()):
            continue
        k = scale(m)
        parts = [i18n.t(lang, "ui.answer_at", horizon=_year(lang, h), p=f"{e['p_positive']:.2f}",
                        diff=_num(e["mean"] * k, True)) for h, e in hz["at"].items()]
        lines.append(i18n.t(lang, "ui.answer_horizons", measure=i18n.name(lang, "measure", m),
                            unit=unit_words(lang, m), parts="; ".join(parts),
                            verdict=_judged(lang, hz["judge"], names)))
        h = list(hz["at"])[-1]
        last, e = int(h.split()[-1]), hz["at"][h]
        first, end = hz["windows"][h]
        marks.append({"measure": m, "from": first, "to": end, "left": hz["left"][h],
                      "right": hz["right"][h], "label": f"{_num(e['mean'] * k, True)} "
                      f"{unit_words(lang, m)}, P > 0: {e['p_positive']:.2f}",
                      "verdict": _direction(hz["judge"])})
        particles = max(particles, hz["particles"])
        covered |= hz["judge"]["robust"] is not None  # 30 distinct particles behind it
    if covered:
        sure = i18n.t(lang, "ui.answer_sure", particles=particles, last=last)
    elif particles:
        sure = i18n.t(lang, "ui.answer_sure_few", particles=particles, last=last)
    else:
        sure = i18n.t(lang, "ui.answer_sure_defaults", last=last)
    side = job.spec.overrides.get("width", "?")
    intro = i18n.t(lang, "ui.answer_intro", n=job.spec.replicates, weeks=job.spec.steps,
                   size=side)
    return {"intro": intro, "lines": lines, "marks": marks, "sure": sure}


def _year(lang: str, horizon: str) -> str:
    return i18n.t(lang, "ui.answer_year", n=horizon.split()[-1])


def _judged(lang: str, judge: dict[str, Any], names: dict[str, str]) -> str:
    if judge["robust"] is None:
        return i18n.t(lang, "ui.answer_not_covered")
    if judge["robust"]:
        key = "ui.answer_robust_up" if judge["direction"] > 0 else "ui.answer_robust_down"
        return i18n.t(lang, key, **names)
    sep = "、" if lang == "zh" else ", "
    return i18n.t(lang, "ui.answer_not_robust",
                  years=sep.join(_year(lang, h) for h in judge["failing"]))


def _direction(judge: dict[str, Any]) -> str:
    """The chart mark's word: 'higher' or 'lower' where robust, else 'unclear'."""
    if not judge["robust"]:
        return "unclear"
    return "higher" if judge["direction"] > 0 else "lower"


def answer_text(lang: str, job: SeedJob) -> list[str]:
    """The answer as plain sentences (intro, one per measure, how sure)."""
    out = answer(lang, job)
    return [out["intro"], *out["lines"], out["sure"]]
