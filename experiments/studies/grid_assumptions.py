"""Grid management's signs under each documented choice they rest on (issue 18, item 5).

Two assumptions decide what grid management does to participation and trust: whether its
grid workers are taken from the committee's staff or hired in addition (`grid_staffing`),
and whether a household's own problem that nobody knows of wears down its trust in
government as it waits (`trust_rule`). Neither has a source that settles it (docs/ODD.md
section 9), so this study gives grid management against the baseline under all four
combinations. Design, fixed before it ran: 20 replicates paired by seed, 60 x 60, 416
weeks; each measure at years 1, 3 and 8, judged against its smallest effect of interest.
"""

from __future__ import annotations

from typing import Any

from experiments.studies.effects import VERDICTS, fmt, paired_effect, sesoi
from experiments.studies.runs import Run, differences, paired
from governance import MEASURES as CATALOGUE

NAME = "grid_assumptions"
QUESTION = ("Does grid management raise or lower participation and trust, under each "
            "staffing choice and each trust rule?")
SIZE = {"width": 60, "height": 60}
REPLICATES, STEPS, SEED = 20, 416, 20261207
HORIZONS = {"year 1": (1, 52), "year 3": (105, 156), "year 8": (365, 416)}
CHOICES = [(staffing, rule) for staffing in ("from_committee", "added")
           for rule in ("known_failures", "felt_problems")]
READS = ["participation_rate", "organised_participation", "speak_52w", "trust_government",
         "resolution_rate", "reports_per_resident_year"]


def _name(staffing: str, rule: str) -> str:
    return f"grid-{staffing.replace('_', '-')}-{rule.replace('_', '-')}"


def specs() -> list[dict[str, Any]]:
    return [{"name": _name(staffing, rule), "scenarios": ["administrative", "grid_management"],
             "reference": "administrative", "replicates": REPLICATES, "steps": STEPS,
             "outcome": "mean", "warmup": 0, "seed": SEED, "measures": READS[:1],
             "overrides": {**SIZE, "grid_staffing": staffing, "trust_rule": rule}}
            for staffing, rule in CHOICES]


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    rows = []
    for staffing, rule in CHOICES:
        mine = runs[_name(staffing, rule)]
        for measure in READS:
            row: dict[str, Any] = {"grid_staffing": staffing, "trust_rule": rule,
                                   "measure": measure, "horizons": {}}
            for label, (first, last) in HORIZONS.items():
                by = paired(mine, lambda r: r.scenario,
                            lambda r, m=measure, a=first, b=last: r.mean(m, a, b))
                ref = by["administrative"]
                ref_mean = sum(ref.values()) / len(ref)
                delta, _ = sesoi(CATALOGUE[measure].unit, ref_mean)
                row["horizons"][label] = paired_effect(
                    differences(by["grid_management"], ref), delta, +1).as_dict()
            rows.append(row)
    return {"question": QUESTION, "replicates": REPLICATES, "size": SIZE,
            "horizons": HORIZONS, "rows": rows}


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    labels = list(r["horizons"])
    lines = [f"Generated from the stored `grid_assumptions` study (`make studies "
             f"ONLY=grid_assumptions`): `grid_management` minus `administrative`, "
             f"{r['replicates']} replicates paired by seed, {r['size']['width']} x "
             f"{r['size']['height']}; 90% CI and the verdict against the smallest effect of "
             "interest (read as 'up': 'opposite' means the measure falls).", "",
             "| grid_staffing | trust_rule | measure | " + " | ".join(labels) + " |",
             "|---|---|---|" + "---|" * len(labels)]
    for row in r["rows"]:
        cells = []
        for label in labels:
            e = row["horizons"][label]
            cells.append(f"{fmt(e['mean'], e['sesoi'])} [{fmt(e['low'], e['sesoi'])}, "
                         f"{fmt(e['high'], e['sesoi'])}]: {VERDICTS[e['verdict']]}")
        lines.append(f"| `{row['grid_staffing']}` | `{row['trust_rule']}` | "
                     f"`{row['measure']}` | " + " | ".join(cells) + " |")
    return {("docs/ODD.md", "GRID"): "\n".join(lines)}


def check(result: dict[str, Any]) -> list[str]:
    """Guard on the rules: grid workers who patrol and handle issues never lower the
    resolution rate by an amount that matters, whoever staffs them."""
    return [f"{row['grid_staffing']}/{row['trust_rule']}: resolution falls in {label}"
            for row in result["rows"] if row["measure"] == "resolution_rate"
            for label, e in row["horizons"].items() if e["verdict"] == "opposite"]
