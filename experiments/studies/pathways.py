"""Where the whole programme's effect comes from: each pathway closed in turn.

The `collaborative` programme against the `administrative` baseline, and against itself with
one pathway closed (every `collaborative_without_<pathway>` preset the house declares, so a
new pathway joins the study by being declared). Paired by replicate: for each replicate,

    whole effect   collaborative - administrative
    carried        collaborative - collaborative without the pathway

judged against the measure's smallest effect of interest (experiments/studies/effects.py),
with the carried share of the whole effect (ratio of means, bootstrap 95% interval over
replicates). Pathways overlap and interact, so shares need not add to 1. Design, fixed
before it ran: 10 replicates, 40 x 40 households, 156 weeks after the burn-in, outcome the
mean of the third year.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from experiments.studies.effects import fmt, paired_effect, sesoi
from experiments.studies.runs import Run, differences, paired
from governance import MEASURES as CATALOGUE
from governance import PATHWAYS, SCENARIOS

NAME = "pathways"
QUESTION = ("Which pathways carry the whole programme's effect on participation, trust, "
            "service and cost, by an amount that matters?")
SIZE = {"width": 40, "height": 40, "grid_block": 20, "building_block": 5}
REPLICATES, STEPS, SEED = 10, 156, 20261206
YEAR3 = (105, 156)
PROGRAMME, BASELINE = "collaborative", "administrative"
PREFIX = f"{PROGRAMME}_without_"
READS = ["participation_rate", "speak_52w", "activity_26w", "share_self_governing",
         "trust_government", "resolution_rate", "gov_admin_cost"]
SHOWN_IN_README = ("participation_rate", "activity_26w")
BOOT = 2000
WORDS = {
    "matters": "raises it, by an amount that matters",
    "unsettled": "raises it; size not shown to matter",
    "negligible": "no effect that matters",
    "opposite": "**lowers it**, by an amount that matters",
    "opposite_unsettled": "lowers it; size not shown to matter",
    "inconclusive": "inconclusive",
}


def arms() -> list[str]:
    return sorted(n for n in SCENARIOS if n.startswith(PREFIX))


def specs() -> list[dict[str, Any]]:
    return [{"name": "pathways", "scenarios": [PROGRAMME, BASELINE, *arms()],
             "reference": PROGRAMME, "replicates": REPLICATES, "steps": STEPS,
             "outcome": "mean", "warmup": YEAR3[0] - 1, "seed": SEED, "measures": READS[:1],
             "overrides": dict(SIZE)}]


def _share(carried: np.ndarray, whole: np.ndarray, rng: np.random.Generator
           ) -> tuple[float, float, float]:
    if len(carried) < 2 or whole.mean() == 0:
        return float("nan"), float("nan"), float("nan")
    idx = rng.integers(0, len(carried), (BOOT, len(carried)))
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = carried[idx].mean(axis=1) / whole[idx].mean(axis=1)
    boot = boot[np.isfinite(boot)]
    return (float(carried.mean() / whole.mean()), float(np.percentile(boot, 2.5)),
            float(np.percentile(boot, 97.5)))


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    rng = np.random.default_rng(SEED)
    rows = []
    for measure in READS:
        by = paired(runs["pathways"], lambda r: r.scenario,
                    lambda r, m=measure: r.mean(m, *YEAR3))
        ref = by[BASELINE]
        delta, why = sesoi(CATALOGUE[measure].unit, sum(ref.values()) / len(ref))
        whole = differences(by[PROGRAMME], ref)
        for arm in [BASELINE, *arms()]:
            name = "(whole programme)" if arm == BASELINE else arm[len(PREFIX):]
            carried = differences(by[PROGRAMME], by[arm])
            e = paired_effect(carried, delta).as_dict()
            share, low, high = _share(carried, whole, rng)
            pw = PATHWAYS.get(name)
            rows.append({"measure": measure, "pathway": name,
                         "mechanism": pw.mechanism if pw else "all", **e,
                         "share": share, "share_low": low, "share_high": high,
                         "rationale": why})
    return {"question": QUESTION, "replicates": REPLICATES, "size": SIZE,
            "window": list(YEAR3), "rows": rows}


def _table(result: dict[str, Any], measure: str) -> list[str]:
    rows = [r for r in result["rows"] if r["measure"] == measure]
    rows.sort(key=lambda r: (r["pathway"] != "(whole programme)", -r["mean"]))
    lines = [f"**`{measure}`** (smallest effect that matters: {rows[0]['sesoi']:.3g})", "",
             "| pathway | mechanism | carried, 90% CI | verdict | share of the whole "
             "(95% CI) |", "|---|---|---|---|---|"]
    for r in rows:
        d = r["sesoi"]
        share = ("" if not np.isfinite(r["share"]) else
                 f"{r['share']:.2f} [{r['share_low']:.2f}, {r['share_high']:.2f}]")
        lines.append(f"| {r['pathway']} | {r['mechanism']} | {fmt(r['mean'], d)} "
                     f"[{fmt(r['low'], d)}, {fmt(r['high'], d)}] | {WORDS[r['verdict']]} | "
                     f"{share} |")
    return lines


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    head = (f"Generated from the stored `pathways` study (`make studies ONLY=pathways`): "
            f"`{PROGRAMME}` minus `{PROGRAMME}` with one pathway closed, {r['replicates']} "
            f"replicates paired by seed, {r['size']['width']} x {r['size']['height']}, mean "
            f"of weeks {r['window'][0]}-{r['window'][1]} (the third year), shipped defaults. "
            "*Carried*: what closing the pathway takes away (positive: the pathway raises the "
            "measure), 90% CI, judged against the smallest effect that matters by two "
            "one-sided tests at 5%. *Share*: carried / whole effect. Pathways overlap and "
            "interact, so shares need not add to 1.")
    readme = [head, ""]
    for m in SHOWN_IN_README:
        readme += [*_table(r, m), ""]
    odd = [head, ""]
    for m in READS:
        odd += [*_table(r, m), ""]
    return {("README.md", "PATHWAYS"): "\n".join(readme).rstrip(),
            ("docs/ODD.md", "PATHWAY_EFFECTS"): "\n".join(odd).rstrip()}


def check(result: dict[str, Any]) -> list[str]:
    """No guard: a pathway may carry nothing, or pull the other way, and the table says so."""
    return []
