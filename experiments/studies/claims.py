"""The article's claims, each read against a smallest effect of interest, at three horizons.

Which mechanisms move what the article says they move, by an amount that matters, in year
1, year 3 and year 8, and is the direction robust to what the calibration leaves open? Each
claim is a scenario against the `administrative` baseline, one measure and the direction
the article gives. Design, fixed before it ran: 60 x 60 households, 416 weeks after the
burn-in, the outcome at a horizon the mean of that year's weeks (experiments/analyse/
robust.py). Each replicate runs with its own particle of the shipped posterior, the same
in every scenario of the replicate, and there are as many replicates as 30 distinct
particles need (experiments/specify/particles.py); when the shipped posterior cannot be
used with this model, 30 replicates at the defaults, and the table says parameter
uncertainty is not covered.

Two readings per claim and horizon: the SESOI verdict on the 90% CI of the mean paired
difference (effects.py), and P(effect > 0) over the particle-replicates; a claim is robust
only where the share in the article's direction is at least 0.95 at every horizon.
"""

from __future__ import annotations

from typing import Any

from experiments.analyse.robust import effect_at, judge
from experiments.specify import main_job
from experiments.specify.designs import tasks
from experiments.specify.particles import MIN_DISTINCT
from experiments.specify.posterior import load_posterior
from experiments.studies.effects import VERDICTS, fmt, paired_effect, sesoi
from experiments.studies.runs import Run, differences, paired, spec_of
from governance import MEASURES as CATALOGUE

NAME = "claims"
QUESTION = ("Which of the article's claims hold in the model with an effect that matters, "
            "and at which horizon?")
SIZE = {"width": 60, "height": 60}
STEPS, SEED = 416, 20261205
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
    posterior = main_job.usable_posterior()
    raw = {"name": "claims", "scenarios": scenarios(), "reference": REFERENCE,
           "replicates": main_job.replicates_needed(SEED, posterior), "steps": STEPS,
           "outcome": "mean", "warmup": 0, "seed": SEED, "measures": READS[:1],
           "overrides": dict(SIZE)}
    if posterior is not None:
        raw["posterior"] = posterior
    return [raw]


def posterior_used(raw: dict[str, Any]) -> dict[str, Any] | None:
    """Which posterior the runs drew from (path, sha256), None at the defaults."""
    if not raw.get("posterior"):
        return None
    post = load_posterior(raw["posterior"])
    return {"path": main_job.POSTERIOR_NAME, "sha256": post.sha256,
            "calibration_id": post.calibration_id}


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    raw = specs()[0]
    drawn = {t.replicate: t.particle for t in tasks(spec_of(NAME, raw))}
    rows = []
    for claim, scenario, measure, sign in CLAIMS:
        row: dict[str, Any] = {"claim": claim, "scenario": scenario, "measure": measure,
                               "sign": sign, "horizons": {}}
        at = {}
        for label, (first, last) in HORIZONS.items():
            by = paired(runs["claims"], lambda r: r.scenario,
                        lambda r, m=measure, a=first, b=last: r.mean(m, a, b))
            ref = by[REFERENCE]
            delta, why = sesoi(CATALOGUE[measure].unit, sum(ref.values()) / len(ref))
            diffs = differences(by[scenario], ref)
            e = paired_effect(diffs, delta, sign).as_dict()
            at[label] = effect_at(diffs)
            row["horizons"][label] = {**e, **{k: at[label][k] for k in (
                "p_positive", "p_negative", "q05", "q95")},
                "reference_mean": sum(ref.values()) / len(ref), "rationale": why}
        particles = len({p for p in drawn.values() if p is not None})
        row["robust"] = judge(at, particles, sign)
        rows.append(row)
    return {"question": QUESTION, "replicates": raw["replicates"], "size": SIZE,
            "horizons": HORIZONS, "posterior": posterior_used(raw),
            "particles": len({p for p in drawn.values() if p is not None}), "rows": rows}


def coverage(r: dict[str, Any]) -> str:
    """What the intervals hold: parameter uncertainty only from MIN_DISTINCT particles."""
    n = r.get("particles", 0)
    post = r.get("posterior")
    if post and n >= MIN_DISTINCT:
        return (f"each replicate with its own particle of `{post['path']}` (calibration "
                f"`{post.get('calibration_id')}`, sha256 {post['sha256'][:12]}; {n} distinct "
                "particles), the same in every scenario of the replicate: the intervals and "
                "P(>0) hold parameter and stochastic uncertainty")
    why = f"{n} distinct posterior particles" if post else "the model's defaults"
    return (f"**parameter uncertainty not covered** ({why}; {MIN_DISTINCT} distinct "
            "particles needed): the intervals and P(>0) hold stochastic uncertainty only, and "
            "no claim is called robust")


def _p(e: dict[str, Any]) -> str:
    return f"; P(>0) = {e['p_positive']:.2f}" if "p_positive" in e else ""


def _robust(row: dict[str, Any]) -> str:
    if "robust" not in row:
        return "not assessed"
    r = row["robust"]
    return r["reading"] if r["robust"] is not None else f"across seeds only: {r['reading']}"


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The ODD's claims table (section 9)."""
    r = result
    labels = list(r["horizons"])
    lines = [
        f"Generated from the stored `claims` study (`make studies ONLY=claims`): each "
        f"scenario against `administrative`, {r['replicates']} replicates paired by seed, "
        f"{r['size']['width']} x {r['size']['height']}, {coverage(r)}. Each cell: the mean "
        f"paired difference of that year's weekly values, its 90% CI, and the verdict "
        f"against the smallest effect of interest (SESOI: 0.01 for shares and 0-1 "
        f"attitudes, 5% of the baseline for costs and counts; experiments/studies/"
        f"effects.py) by two one-sided tests at 5%; then P(>0), the share of replicates "
        f"whose effect is above 0. *Robust*: the share in the article's direction is at "
        f"least 0.95 at every horizon (experiments/analyse/robust.py).",
        "",
        "| claim | scenario | measure | article says | " + " | ".join(labels) + " | robust |",
        "|---|---|---|---|" + "---|" * len(labels) + "---|",
    ]
    for row in r["rows"]:
        cells = []
        for label in labels:
            e = row["horizons"][label]
            cells.append(f"{fmt(e['mean'], e['sesoi'])} [{fmt(e['low'], e['sesoi'])}, "
                         f"{fmt(e['high'], e['sesoi'])}]: {VERDICTS[e['verdict']]}{_p(e)}")
        lines.append(f"| {row['claim']} | `{row['scenario']}` | `{row['measure']}` | "
                     f"{'up' if row['sign'] > 0 else 'down'} | " + " | ".join(cells)
                     + f" | {_robust(row)} |")
    return {("docs/ODD.md", "CLAIMS"): "\n".join(lines), ("README.md", "CLAIMS"): _render_readme(r)}


SHORT = {"matters": "holds", "unsettled": "direction only", "negligible": "no effect",
         "opposite": "**opposite**", "opposite_unsettled": "opposite, size unclear",
         "inconclusive": "inconclusive"}


def _render_readme(r: dict[str, Any]) -> str:
    """The README's short form: one verdict per claim and horizon, the size in year 3, and
    whether the direction is robust."""
    labels = list(r["horizons"])
    lines = [f"Generated from the stored `claims` study: {r['replicates']} replicates paired "
             f"by seed, {r['size']['width']} x {r['size']['height']}, {coverage(r)}. A "
             f"verdict reads the 90% CI of the paired difference against a smallest effect "
             f"that matters fixed before the runs (0.01 for shares and 0-1 attitudes, 5% of "
             f"the baseline for costs and counts); 'direction only' means the sign is sure "
             f"but not that the size matters. *Robust*: at least 95% of the replicates' "
             f"effects go the article's way at every horizon. Intervals, P(>0) and rationale: "
             f"docs/ODD.md section 9.", "",
             "| claim | scenario | measure | article says | year-3 difference | "
             + " | ".join(labels) + " | robust |",
             "|---|---|---|---|---|" + "---|" * len(labels) + "---|"]
    for row in r["rows"]:
        mid = row["horizons"][labels[1]]
        robust = row.get("robust", {}).get("robust")
        lines.append(f"| {row['claim']} | `{row['scenario']}` | `{row['measure']}` | "
                     f"{'up' if row['sign'] > 0 else 'down'} | {fmt(mid['mean'], mid['sesoi'])}"
                     f" | " + " | ".join(SHORT[row["horizons"][h]["verdict"]] for h in labels)
                     + f" | {'—' if robust is None else 'yes' if robust else 'no'} |")
    return "\n".join(lines)


def check(result: dict[str, Any]) -> list[str]:
    """No guard on the verdicts (a claim may fail in the model, and the table says so); but
    the stored result must come from the posterior that is shipped now (or, both, from none):
    a new calibration makes the table stale like a change to the model."""
    now = posterior_used({"posterior": main_job.usable_posterior()})
    made = result.get("posterior")
    if (now or {}).get("sha256") != (made or {}).get("sha256"):
        return [f"the stored claims were made with posterior "
                f"{(made or {}).get('sha256', 'none (defaults)')[:12]}, but the shipped one "
                f"is {(now or {}).get('sha256', 'none usable')[:12]}: run `make studies "
                "ONLY=claims`"]
    return []
