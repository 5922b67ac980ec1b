"""Crowding-out (article A2b): does a heavier administrative burden on the residents'
committee lower participation, with the same mechanisms on, in every scenario?

Design, fixed before it ran: burden 0.9 against 0.3 in every preset (pathway-closing presets
aside), 40 replicates paired by seed, 40 x 40 households, 104 weeks after the burn-in; the
outcome is the mean of weeks 53-104. Two measures: all participation (rung >= 1) and
organised participation (rung >= 2). Each effect (light minus heavy) is judged against the
smallest effect of interest (effects.py). The size: the largest sd of paired differences
seen in the Model 2 pilots was 0.022, and 40 pairs give a 90% interval of +-0.006 at that
sd, narrow enough to tell an effect that matters (0.01) from one that does not.
Then: does de-administration relieve crowding-out? The burden's effect with
`only_rc_deadministration` against `administrative`, paired by replicate.

The burden acts only through the committee's free staff time (fewer issues handled, fewer
places, fewer home visits; docs/ODD.md 7.8): no term of anyone's utility reads it.
"""

from __future__ import annotations

from typing import Any

from experiments.studies.effects import VERDICTS, fmt, paired_effect, sesoi
from experiments.studies.runs import Run, differences, paired
from governance import SCENARIOS, scenario_params

NAME = "crowding"
QUESTION = ("Does a heavier administrative burden on the residents' committee lower "
            "participation in every scenario, by an amount that matters (A2b)?")
SIZE = {"width": 40, "height": 40, "grid_block": 20, "building_block": 5}
LIGHT, HEAVY = 0.3, 0.9
REPLICATES, STEPS, FIRST, LAST = 40, 104, 53, 104
READS = ["participation_rate", "share_guided", "share_self_governing"]
SEED = 20261204


def scenarios() -> list[str]:
    return sorted(n for n, s in SCENARIOS.items() if s.kind != "pathway")


def specs() -> list[dict[str, Any]]:
    """One experiment: every scenario at both burdens, replicates paired by seed."""
    return [{
        "name": "crowding", "scenarios": scenarios(), "reference": "administrative",
        "replicates": REPLICATES, "steps": STEPS, "outcome": "mean", "warmup": FIRST - 1,
        "seed": SEED, "measures": READS[:1], "overrides": dict(SIZE),
        "design": {"type": "factorial", "factors": {"rc_admin_burden": [LIGHT, HEAVY]}},
    }]


def _outcomes(r: Run) -> tuple[float, float]:
    guided = r.series["share_guided"] + r.series["share_self_governing"]
    return (r.mean("participation_rate", FIRST, LAST), float(guided[FIRST:LAST + 1].mean()))


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    by = paired(runs["crowding"], lambda r: (r.scenario, r.design["rc_admin_burden"]),
                _outcomes)
    delta, why = sesoi("share", 0.0)
    rows, diffs_all = [], {}
    for name in scenarios():
        light, heavy = by[(name, LIGHT)], by[(name, HEAVY)]
        row: dict[str, Any] = {"scenario": name,
                               "deadministration": bool(scenario_params(name)[
                                   "rc_deadministration"])}
        for k, key in enumerate(("all", "organised")):
            d = differences({r: v[k] for r, v in light.items()},
                            {r: v[k] for r, v in heavy.items()})
            row[key] = paired_effect(d, delta).as_dict()
            if k == 0:
                diffs_all[name] = {r: light[r][0] - heavy[r][0] for r in light if r in heavy}
        rows.append(row)
    relief = differences(diffs_all["administrative"], diffs_all["only_rc_deadministration"])
    return {"question": QUESTION, "sesoi": delta, "sesoi_rationale": why,
            "replicates": REPLICATES, "size": SIZE, "burdens": [LIGHT, HEAVY],
            "window": [FIRST, LAST], "rows": rows,
            "relief": paired_effect(relief, delta).as_dict()}


def _cell(e: dict[str, Any]) -> str:
    return (f"{fmt(e['mean'], e['sesoi'])} [{fmt(e['low'], e['sesoi'])}, "
            f"{fmt(e['high'], e['sesoi'])}]: {VERDICTS[e['verdict']]}")


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The ODD's crowding-out table (section 9), from the stored result."""
    r = result
    count = {k: sum(row[k]["verdict"] == "matters" for row in r["rows"])
             for k in ("all", "organised")}
    lines = [
        f"Generated from the stored `crowding` study (`make studies ONLY=crowding`): "
        f"participation at burden {r['burdens'][0]} minus at {r['burdens'][1]}, same "
        f"mechanisms, {r['replicates']} replicates paired by seed, "
        f"{r['size']['width']} x {r['size']['height']}, mean of weeks "
        f"{r['window'][0]}-{r['window'][1]}; paired 90% CI, judged against the smallest "
        f"effect of interest {r['sesoi']} ({r['sesoi_rationale']}) by two one-sided tests "
        f"at 5%. Crowding-out matters in {count['all']} of {len(r['rows'])} scenarios for "
        f"all participation and {count['organised']} for organised participation.",
        "",
        "| scenario | de-administration on | all participation (rung >= 1) | organised "
        "(rung >= 2) |",
        "|---|---|---|---|",
    ]
    for row in r["rows"]:
        lines.append(f"| `{row['scenario']}` | {'yes' if row['deadministration'] else 'no'} "
                     f"| {_cell(row['all'])} | {_cell(row['organised'])} |")
    lines += ["", "De-administration relieves crowding-out (the burden's effect on all "
              "participation under `administrative` minus under `only_rc_deadministration`, "
              f"paired): {_cell(r['relief'])}."]
    return {("docs/ODD.md", "CROWDING"): "\n".join(lines)}


def check(result: dict[str, Any]) -> list[str]:
    """Guards on the rules: a heavier burden must never raise participation in a way that
    matters (that would mean the committee's time works backwards)."""
    return [f"{row['scenario']}: a heavier burden raises {k} participation"
            for row in result["rows"] for k in ("all", "organised")
            if row[k]["verdict"] == "opposite"]
