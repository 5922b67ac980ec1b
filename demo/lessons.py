"""Short lessons in the article's order: structure (A), mechanisms (B), capacities (C), the
order of introduction, and two claims of the article put to the model (grid management, with
the staffing assumption its signs may rest on, and the programme's cost).

Each lesson is a side-by-side pair that changes one thing against a stated baseline (one
switch, one pathway closed, one documented modelling choice, or only the timing), except the
last, which tests the article's claim about the whole programme and says so. Its charts,
what to watch and its questions live in the catalogues. The answer is never written down: it
is computed by running both presets over paired seeds with the batch runner (demo.seeds) and
worded from the paired differences and their CIs, in percentage points for shares, with the
averaged window and the difference drawn on the charts, so it stays true when the model
changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from demo import i18n
from demo.config import DemoConfig
from demo.seeds import SeedJob
from governance import MEASURES, MECHANISMS, SCENARIOS, scenario_params

# Measures on a 0-1 scale are answered in points of 100 (percentage points for shares).
HUNDRED = ("share", "0-1")


@dataclass(frozen=True)
class Lesson:
    number: int
    left: str  # the stated baseline
    right: str  # the baseline with one thing changed
    charts: tuple[str, ...]
    answer: tuple[str, ...]  # measures the model's answer speaks about

    def available(self) -> bool:
        return self.left in SCENARIOS and self.right in SCENARIOS

    def config(self, seed: int, size: int = 0) -> DemoConfig:
        cfg = DemoConfig.for_scenario(self.left, seed=seed, compare=True,
                                      scenario_b=self.right)
        return replace(cfg, size=size)

    def shown_charts(self) -> list[str]:
        return [c for c in self.charts if c == "ladder" or c in MEASURES]

    def answer_measures(self) -> list[str]:
        return [m for m in self.answer if m in MEASURES]


LESSONS = (
    Lesson(1, "administrative", "grid_management",
           ("share_resolved_below_government", "gov_admin_cost", "resolved_by_grid"),
           ("share_resolved_below_government", "gov_admin_cost", "mean_resolution_time")),
    Lesson(2, "administrative", "only_party_leadership",
           ("ladder", "participation_rate", "share_guided", "share_self_governing",
            "activity_26w"),
           ("participation_rate", "share_guided", "share_self_governing", "activity_26w")),
    Lesson(3, "collaborative", "collaborative_without_all_places",
           ("capacity_mobilization", "capacity_integration", "trust_neighbors",
            "civic_consciousness"),
           ("capacity_mobilization", "capacity_integration", "trust_neighbors",
            "civic_consciousness")),
    Lesson(4, "collaborative", "staged_rollout",
           ("ladder", "participation_rate", "trust_government",
            "share_resolved_below_government"),
           ("participation_rate", "trust_government", "share_resolved_below_government")),
    Lesson(5, "administrative", "grid_management",
           ("participation_rate", "activity_26w", "speak_52w", "trust_government"),
           ("participation_rate", "activity_26w", "speak_52w", "trust_government")),
    # The same switch under the other documented staffing choice (grid_staffing): whether
    # lesson 5's signs rest on who staffs the grids is the paired runs' to say.
    Lesson(6, "grid_management", "grid_management_added",
           ("participation_rate", "activity_26w", "speak_52w", "trust_government"),
           ("participation_rate", "activity_26w", "speak_52w", "trust_government")),
    Lesson(7, "administrative", "collaborative",
           ("gov_admin_cost", "cost_per_resolved_issue", "resolution_rate"),
           ("gov_admin_cost", "cost_per_resolved_issue", "resolution_rate")),
)


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


def answer_job(lesson: Lesson, seed: int, size: int, seeds: int, weeks: int) -> SeedJob:
    job = SeedJob(lesson.config(seed, size), seeds, weeks, lesson.answer_measures())
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
    """The model's answer: one sentence per measure with its unit, the marks the page draws
    on the charts (the averaged window, both runs' means and the difference with its CI),
    and how sure the model is."""
    left = i18n.scenario_label(lang, job.spec.scenarios[0])
    right = i18n.scenario_label(lang, job.spec.scenarios[1])
    start, end = job.spec.warmup, job.spec.steps
    lines, marks = [], []
    for row in job.table():
        d, m = row.get("diff"), row["measure"]
        if d is None or d.get("mean") is None:
            continue
        k = scale(m)
        vals = {"measure": i18n.name(lang, "measure", m), "left": left, "right": right,
                "diff": _num(d["mean"] * k, True), "lo": _num(_opt(d["low"], k), True),
                "hi": _num(_opt(d["high"], k), True), "unit": unit_words(lang, m)}
        key = "ui.answer_same" if d["verdict"] == "unclear" else "ui.answer_line"
        word = i18n.t(lang, f"ui.word_{d['verdict']}") if d["verdict"] != "unclear" else ""
        text = i18n.t(lang, key, verdict=word, **vals)
        lines.append(text)
        means = [r["mean"] for r in row["means"]]
        marks.append({"measure": m, "from": start, "to": end, "left": means[0],
                      "right": means[1], "label": f"{vals['diff']} [{vals['lo']}, {vals['hi']}]"
                      f" {vals['unit']}", "verdict": d["verdict"]})
    sure = i18n.t(lang, "ui.answer_sure", n=job.spec.replicates)
    intro = i18n.t(lang, "ui.answer_intro", n=job.spec.replicates, weeks=job.spec.steps,
                   start=start, end=end)
    return {"intro": intro, "lines": lines, "marks": marks, "sure": sure}


def _opt(v: float | None, k: float) -> float | None:
    return None if v is None else v * k


def answer_text(lang: str, job: SeedJob) -> list[str]:
    """The answer as plain sentences (intro, one per measure, how sure)."""
    out = answer(lang, job)
    return [out["intro"], *out["lines"], out["sure"]]
