"""Eight years: does participation stay plausible without any cap (ODD pattern 1)?

Every mechanism and growth scenario for 416 weeks after the burn-in, 60 x 60 households,
4 replicates paired by seed. Bounds fixed before any run (issue 10, item 6): in year 8 no
scenario has more than a quarter of households on the top rung or a participation rate of
0.9, and trust and civic consciousness do not pile up at 1 (year-8 mean below 0.95), in
every replicate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from experiments.analyse.stats import mean_ci
from experiments.studies.runs import Run

NAME = "long_run"
QUESTION = "Do eight years of any scenario stay within plausible bounds, without caps?"
SIZE = {"width": 60, "height": 60}
REPLICATES, STEPS, SEED = 4, 416, 20261129
YEAR7, YEAR8 = (313, 364), (365, 416)
SCENARIOS = ["administrative", "grid_management", "building_self_governance",
             "enterprise_assisted", "social_collaboration", "party_led", "collaborative",
             "staged_rollout", "low_trust_start", "busy_households", "high_turnover",
             "heavy_paperwork"]
READS = ["participation_rate", "share_guided", "share_self_governing", "trust_government",
         "civic_consciousness", "trust_neighbors", "fatigue", "speak_52w", "activity_26w"]
YEARS = [(1 + 52 * k, 52 * (k + 1)) for k in range(8)]  # weeks of years 1..8
BOUNDS = {"participation_rate": 0.9, "share_self_governing": 0.25, "trust_government": 0.95,
          "civic_consciousness": 0.95}


def specs() -> list[dict[str, Any]]:
    return [{"name": "long_run", "scenarios": SCENARIOS, "reference": "administrative",
             "replicates": REPLICATES, "steps": STEPS, "outcome": "mean", "warmup": STEPS - 52,
             "seed": SEED, "measures": READS, "overrides": dict(SIZE)}]


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    rows = []
    for scenario in SCENARIOS:
        mine = [r for r in runs["long_run"] if r.scenario == scenario]
        row: dict[str, Any] = {"scenario": scenario, "measures": {}}
        for m in READS:
            y8 = [r.mean(m, *YEAR8) for r in mine]
            y7 = [r.mean(m, *YEAR7) for r in mine]
            ci = mean_ci(y8, bounded=True)
            row["measures"][m] = {"year8": ci["mean"], "low": ci["ci_low"],
                                  "high": ci["ci_high"], "max_replicate": float(max(y8)),
                                  "change_7_to_8": float(np.mean(y8) - np.mean(y7))}
        # Year by year, so a reader sees levelling off rather than being told it.
        row["years"] = {m: [mean_ci([r.mean(m, *yr) for r in mine], bounded=True)
                            for yr in YEARS] for m in READS}
        rows.append(row)
    return {"question": QUESTION, "replicates": REPLICATES, "size": SIZE, "bounds": BOUNDS,
            "rows": rows}


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    shown = ["participation_rate", "share_self_governing", "trust_government",
             "civic_consciousness", "trust_neighbors"]
    lines = [f"Generated from the stored `long_run` study (`make studies ONLY=long_run`): "
             f"mean of year 8 with its 95% CI over {r['replicates']} replicates, "
             f"{r['size']['width']} x {r['size']['height']}; in brackets the change from "
             f"year 7 to year 8 (levelling off).", "",
             "| scenario | " + " | ".join(f"`{m}`" for m in shown) + " |",
             "|---|" + "---|" * len(shown)]
    for row in r["rows"]:
        cells = [f"{c['year8']:.3f} [{c['low']:.3f}, {c['high']:.3f}] ({c['change_7_to_8']:+.3f})"
                 for c in (row["measures"][m] for m in shown)]
        lines.append(f"| `{row['scenario']}` | " + " | ".join(cells) + " |")
    short = ["participation_rate", "speak_52w", "share_self_governing", "trust_government"]
    readme = [f"Generated from the stored `long_run` study: mean of year 8 over "
              f"{r['replicates']} replicates paired by seed, {r['size']['width']} x "
              f"{r['size']['height']} households (95% CIs, and the whole table: docs/ODD.md "
              f"section 9). Bounds fixed before any run: " + ", ".join(
                  f"`{m}` < {b}" for m, b in r["bounds"].items()) + ".", "",
              "| scenario | " + " | ".join(f"`{m}`, year 8 (year 7)" if m == short[0]
                                          else f"`{m}`" for m in short) + " |",
              "|---|" + "---|" * len(short)]
    for row in r["rows"]:
        c = row["measures"]
        first = c[short[0]]
        cells = [f"{first['year8']:.3f} ({first['year8'] - first['change_7_to_8']:.3f})"]
        cells += [f"{c[m]['year8']:.3f}" for m in short[1:]]
        readme.append(f"| `{row['scenario']}` | " + " | ".join(cells) + " |")
    return {("docs/ODD.md", "LONGRUN"): "\n".join(lines), ("README.md", "LONG"): "\n".join(readme)}


def figures(result: dict[str, Any], docs: Path) -> list[Path]:
    """docs/long_run.png, drawn from the stored result."""
    from experiments.studies.long_run_figure import draw

    return [draw(result, docs / "long_run.png")]


def check(result: dict[str, Any]) -> list[str]:
    """Every replicate of every scenario within the bounds in year 8."""
    return [f"{row['scenario']}: {m} reaches {row['measures'][m]['max_replicate']:.3f} in "
            f"year 8 (bound {bound})"
            for row in result["rows"] for m, bound in result["bounds"].items()
            if row["measures"][m]["max_replicate"] >= bound]
