"""The article's claims, each read against a smallest effect of interest, at three horizons.

Which mechanisms move what the article says they move, by an amount that matters, in year
1, year 3 and year 8? Each claim is a scenario against the `administrative` baseline, one
measure and the direction the article gives. Design, fixed before it ran: 20 replicates
paired by seed, 60 x 60 households, 416 weeks after the burn-in; the outcome at a horizon
is the mean of that year's weeks. Parameters are the shipped defaults: parameter
uncertainty is not in these intervals (the calibration issue adds posterior draws).
"""

from __future__ import annotations

from typing import Any

from experiments.studies.effects import VERDICTS, fmt, paired_effect, sesoi
from experiments.studies.runs import Run, differences, paired
from governance import MEASURES as CATALOGUE

NAME = "claims"
QUESTION = ("Which of the article's claims hold in the model with an effect that matters, "
            "and at which horizon?")
SIZE = {"width": 60, "height": 60}
REPLICATES, STEPS, SEED = 20, 416, 20261205
HORIZONS = {"year 1": (1, 52), "year 3": (105, 156), "year 8": (365, 416)}
REFERENCE = "administrative"

# (claim, scenario, measure, direction the article gives: +1 up, -1 down)
CLAIMS: list[tuple[str, str, str, int]] = [
    ("A1a", "only_responsibility_list", "resolution_rate", +1),
    ("A1a", "only_responsibility_list", "issues_misrouted", -1),
    ("A1b", "only_info_platform", "speak_52w", +1),
    ("A1b", "only_info_platform", "resolution_rate", +1),
    ("A2b", "only_rc_deadministration", "participation_rate", +1),
    ("A2b", "only_rc_deadministration", "activity_26w", +1),
    ("A2c", "grid_management", "resolution_rate", +1),
    ("A2c", "grid_management", "share_resolved_below_government", +1),
    ("A2c", "grid_management", "participation_rate", +1),
    ("A2c", "grid_management", "trust_government", +1),
    ("A2a, B1", "only_party_leadership", "participation_rate", +1),
    ("A2a, B1", "only_party_leadership", "activity_26w", +1),
    ("A2a, B1, C1", "only_party_leadership", "gov_admin_cost", -1),
    ("A3", "party_led", "share_self_governing", +1),
    ("A3", "building_self_governance", "share_self_governing", +1),
    ("A3, C4", "building_self_governance", "trusting_neighbours", +1),
    ("B2", "social_collaboration", "activity_26w", +1),
    ("B2", "social_collaboration", "share_resolved_below_government", +1),
    ("B2 (ii), C2", "only_org_incentives", "org_mean_capacity", +1),
    ("B3", "only_resident_channels", "speak_52w", +1),
    ("B3", "only_resident_channels", "share_self_governing", +1),
    ("B4", "enterprise_assisted", "share_resolved_below_government", +1),
    ("C1", "collaborative", "share_resolved_below_government", +1),
    ("C1", "collaborative", "gov_admin_cost", -1),
    ("C4", "collaborative", "trust_government", +1),
    ("C4", "collaborative", "trusting_neighbours", +1),
    ("C4", "collaborative", "civic_consciousness", +1),
    ("B (combined)", "collaborative", "participation_rate", +1),
    ("B (combined)", "collaborative", "activity_26w", +1),
]
READS = sorted({c[2] for c in CLAIMS})


def scenarios() -> list[str]:
    out = [REFERENCE]
    for _, s, _, _ in CLAIMS:
        if s not in out:
            out.append(s)
    return out


def specs() -> list[dict[str, Any]]:
    return [{"name": "claims", "scenarios": scenarios(), "reference": REFERENCE,
             "replicates": REPLICATES, "steps": STEPS, "outcome": "mean", "warmup": 0,
             "seed": SEED, "measures": READS[:1], "overrides": dict(SIZE)}]



def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    rows = []
    for claim, scenario, measure, sign in CLAIMS:
        row: dict[str, Any] = {"claim": claim, "scenario": scenario, "measure": measure,
                               "sign": sign, "horizons": {}}
        for label, (first, last) in HORIZONS.items():
            by = paired(runs["claims"], lambda r: r.scenario,
                        lambda r, m=measure, a=first, b=last: r.mean(m, a, b))
            ref = by[REFERENCE]
            delta, why = sesoi(CATALOGUE[measure].unit, sum(ref.values()) / len(ref))
            e = paired_effect(differences(by[scenario], ref), delta, sign).as_dict()
            row["horizons"][label] = {**e, "reference_mean": sum(ref.values()) / len(ref),
                                      "rationale": why}
        rows.append(row)
    return {"question": QUESTION, "replicates": REPLICATES, "size": SIZE,
            "horizons": HORIZONS, "rows": rows}


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The ODD's claims table (section 9)."""
    r = result
    labels = list(r["horizons"])
    lines = [
        f"Generated from the stored `claims` study (`make studies ONLY=claims`): each "
        f"scenario against `administrative`, {r['replicates']} replicates paired by seed, "
        f"{r['size']['width']} x {r['size']['height']}, shipped defaults (no parameter "
        f"uncertainty). Each cell: the mean paired difference of that year's weekly values, "
        f"its 90% CI, and the verdict against the smallest effect of interest (SESOI: 0.01 "
        f"for shares and 0-1 attitudes, 5% of the baseline for costs and counts; "
        f"experiments/studies/effects.py) by two one-sided tests at 5%.",
        "",
        "| claim | scenario | measure | article says | " + " | ".join(labels) + " |",
        "|---|---|---|---|" + "---|" * len(labels),
    ]
    for row in r["rows"]:
        cells = []
        for label in labels:
            e = row["horizons"][label]
            cells.append(f"{fmt(e['mean'], e['sesoi'])} [{fmt(e['low'], e['sesoi'])}, "
                         f"{fmt(e['high'], e['sesoi'])}]: {VERDICTS[e['verdict']]}")
        lines.append(f"| {row['claim']} | `{row['scenario']}` | `{row['measure']}` | "
                     f"{'up' if row['sign'] > 0 else 'down'} | " + " | ".join(cells) + " |")
    return {("docs/ODD.md", "CLAIMS"): "\n".join(lines), ("README.md", "CLAIMS"): _render_readme(r)}


SHORT = {"matters": "holds", "unsettled": "direction only", "negligible": "no effect",
         "opposite": "**opposite**", "opposite_unsettled": "opposite, size unclear",
         "inconclusive": "inconclusive"}


def _render_readme(r: dict[str, Any]) -> str:
    """The README's short form: one verdict per claim and horizon, the size in year 3."""
    labels = list(r["horizons"])
    lines = [f"Generated from the stored `claims` study: {r['replicates']} replicates paired "
             f"by seed, {r['size']['width']} x {r['size']['height']}, the model's defaults "
             f"(no parameter uncertainty yet). A verdict reads the 90% CI of the paired "
             f"difference against a smallest effect that matters fixed before the runs "
             f"(0.01 for shares and 0-1 attitudes, 5% of the baseline for costs); "
             f"'direction only' means the sign is sure but not that the size matters. "
             f"Intervals and rationale: docs/ODD.md section 9.", "",
             "| claim | scenario | measure | article says | year-3 difference | "
             + " | ".join(labels) + " |",
             "|---|---|---|---|---|" + "---|" * len(labels)]
    for row in r["rows"]:
        mid = row["horizons"][labels[1]]
        lines.append(f"| {row['claim']} | `{row['scenario']}` | `{row['measure']}` | "
                     f"{'up' if row['sign'] > 0 else 'down'} | {fmt(mid['mean'], mid['sesoi'])}"
                     f" | " + " | ".join(SHORT[row["horizons"][h]["verdict"]] for h in labels)
                     + " |")
    return "\n".join(lines)


def check(result: dict[str, Any]) -> list[str]:
    """No guard on the verdicts: a claim may fail in the model, and the table says so."""
    return []
