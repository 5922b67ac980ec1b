"""The classroom lessons' answers at the page's default seed, stored so a lesson answers at
once instead of after two minutes of runs.

Each lesson's answer is an experiment (experiments/specify/lessons.py: both presets, paired
replicates each drawing its own particle of the shipped posterior, 40 x 40, 416 weeks). This
study runs those specs through the shared runner and keeps what the page shows of them: per
measure, each side's band (the runs' 2.5-97.5 percentiles, week by week), its outcomes by
replicate, and the paired effect at years 1, 3 and 8 with P(> 0) and the robust verdict
(analyse/robust.paired_horizons, the function the live answer uses). The demo serves a
stored answer only for the same spec, the same posterior file and a current record; any
other seed, size or posterior is answered live.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from experiments.analyse.robust import paired_horizons
from experiments.running.store import Store
from experiments.specify import lessons as questions
from experiments.studies.runs import WORK, Run
from governance import MEASURES as CATALOGUE

NAME = "lessons"
QUESTION = "What does each classroom lesson's answer say at the page's default seed?"
ASKED = [q for q in questions.QUESTIONS if q.available()]
READS = sorted({m for q in ASKED for m in q.measures()})
DIGITS = 6  # significant digits kept of the bands (the page draws them at pixel scale)


def specs() -> list[dict[str, Any]]:
    return [questions.answer_spec(q, questions.ANSWER_SEED, questions.ANSWER_SEEDS)
            for q in ASKED]


def _round(values: np.ndarray) -> list[float | None]:
    return [None if not math.isfinite(v) else float(f"{v:.{DIGITS}g}") for v in values]


def _records(raw: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    """The runs' own records (the particle each drew, its outcomes), which a Run does not
    carry: (scenario, replicate) -> record."""
    recs = Store(WORK / NAME / raw["name"]).records().values()
    return {(r["scenario"], r["replicate"]): r for r in recs if r.get("status") == "ok"}


def _answer(q: questions.Question, raw: dict[str, Any], runs: list[Run]) -> dict[str, Any]:
    sides = [sorted((r for r in runs if r.scenario == sc), key=lambda r: r.replicate)
             for sc in (q.left, q.right)]
    recs = _records(raw)
    particles = {r.replicate: recs[(r.scenario, r.replicate)].get("particle") for r in runs}
    measures = {}
    for m in q.measures():
        band = []
        for side in sides:
            table = np.array([r.series[m] for r in side], dtype=float)
            low, high = np.percentile(table, questions.BAND, axis=0)
            band.append([_round(low), _round(high)])
        outcomes = [[float(recs[(r.scenario, r.replicate)]["outcomes"][m]) for r in side]
                    for side in sides]
        measures[m] = {
            "band": band, "outcomes": outcomes,
            "horizons": paired_horizons(raw["steps"], *({r.replicate: r.series[m] for r in side}
                                                         for side in sides), particles)}
    return {"spec": questions.comparable(raw),
            "posterior_sha": questions.posterior_sha(raw.get("posterior")),
            "replicates": [[r.replicate for r in side] for side in sides],
            "particles": {str(k): v for k, v in particles.items()}, "measures": measures}


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    raws = {raw["name"]: raw for raw in specs()}
    return {"question": QUESTION, "seed": questions.ANSWER_SEED,
            "lessons": {str(q.number): _answer(q, raws[f"lesson_{q.number}_answer"],
                                               runs[f"lesson_{q.number}_answer"])
                        for q in ASKED}}


def _cell(e: dict[str, float], unit: str) -> str:
    k = 100.0 if unit in ("share", "0-1") else 1.0
    return f"{e['mean'] * k:+.2f} (P>0 {e['p_positive']:.2f})"


def _basis(entry: dict[str, Any]) -> str:
    """What one lesson's numbers rest on: replicates, distinct particles, size, horizons."""
    spec, hz = entry["spec"], next(iter(entry["measures"].values()))["horizons"]
    windows = ", ".join(f"{h} = weeks {lo}-{hi}" for h, (lo, hi) in hz["windows"].items())
    return (f"{spec['replicates']} replicates paired by seed {spec['seed']}, "
            f"{hz['particles']} distinct posterior particles, {spec['overrides']['width']} x "
            f"{spec['overrides']['height']} households; {windows}")


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    first = next(iter(result["lessons"].values()))
    lines = ["Generated from the stored `lessons` study (`make studies ONLY=lessons`): each "
             "lesson's answer at the page's default seed (the teacher's key; the page shows "
             f"the same): {_basis(first)}. Right minus left, paired by replicate: in points "
             "of 100 for shares and 0-1 scales, in its own unit for any other measure; P>0 "
             "over the particle-replicates; robust = P in one direction at least 0.95 at "
             "every year (with fewer than 30 distinct particles no answer is called robust).",
             "",
             "| lesson | measure | year 1 | year 3 | year 8 | verdict |",
             "|---|---|---|---|---|---|"]
    for number, entry in result["lessons"].items():
        for m, block in entry["measures"].items():
            hz = block["horizons"]
            cells = [_cell(hz["at"][h], CATALOGUE[m].unit) if h in hz["at"] else "-"
                     for h in ("year 1", "year 3", "year 8")]
            judge = hz["judge"]
            word = ("parameter uncertainty not covered" if judge["robust"] is None else
                    ("robust, " + ("higher" if judge["direction"] > 0 else "lower"))
                    if judge["robust"] else "not robust")
            lines.append(f"| {number} | `{m}` | " + " | ".join(cells) + f" | {word} |")
    return {("README.md", "lessons-answers"): "\n".join(lines)}


def check(result: dict[str, Any]) -> list[str]:
    """Every lesson answered, from the posterior the demo would draw from now."""
    problems = []
    for q, raw in zip(ASKED, specs(), strict=True):
        entry = result["lessons"].get(str(q.number))
        if entry is None:
            problems.append(f"lesson {q.number}: no stored answer")
        elif entry["spec"] != questions.comparable(raw):
            problems.append(f"lesson {q.number}: stored for another spec")
        elif entry["posterior_sha"] != questions.posterior_sha(raw.get("posterior")):
            problems.append(f"lesson {q.number}: stored with another posterior")
    return problems
