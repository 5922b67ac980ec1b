"""A settled start: is week 0 the baseline's steady state, and how much does it still drift?

Three ways to reach week 0 of the `administrative` baseline, paired by seed (the same
community): the shipped plain ten-year burn-in, a plain twenty-year burn-in (the reference
for "settled"), and an accelerated spin-up (three years with the slow rates four times
faster, the option the schema keeps). Each runs eight years on. For every share or mean in
[0, 1] the study reports week 0, the change from year 1 to year 8, the mean year-on-year
change (least-squares slope of the yearly means), and how far week 0 lies from the
twenty-year burn-in's. Design fixed before it ran: 60 x 60, 4 replicates.

The guards are issue 18's bounds for the shipped burn-in: every share or mean in [0, 1]
changes by at most 0.04 between year 1 and year 8 and by at most 0.005 a year; an election's
turnout is left out (it is an event, constant between elections and redrawn at each).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from experiments.studies.runs import Run
from governance import MEASURES as CATALOGUE

NAME = "settle"
QUESTION = "Is week 0 settled, and how much does the baseline drift over eight years?"
SIZE = {"width": 60, "height": 60}
REPLICATES, STEPS, SEED = 4, 416, 20261206
SHIPPED, REFERENCE = "ten-year burn-in", "twenty-year burn-in"
ARMS = {SHIPPED: {}, REFERENCE: {"burn_in": 1040},
        "spin-up": {"burn_in": 182, "spinup_speedup": 4.0, "spinup_settle": 26}}
READS = [m.name for m in CATALOGUE.values()
         if m.unit in ("share", "0-1") and not m.name.startswith("turnout_")]
BOUND_8_YEARS, BOUND_PER_YEAR = 0.04, 0.005


def _spec_name(arm: str) -> str:
    return "settle-" + arm.replace(" ", "-")


def specs() -> list[dict[str, Any]]:
    return [{"name": _spec_name(arm), "scenarios": ["administrative"],
             "reference": "administrative", "replicates": REPLICATES, "steps": STEPS,
             "outcome": "mean", "warmup": 0, "seed": SEED, "measures": READS[:1],
             "overrides": {**SIZE, **extra}} for arm, extra in ARMS.items()]


def _yearly(r: Run, m: str) -> np.ndarray:
    return r.series[m][1:STEPS + 1].reshape(STEPS // 52, 52).mean(axis=1)


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    arms: dict[str, Any] = {}
    for arm in ARMS:
        mine = sorted(runs[_spec_name(arm)], key=lambda r: r.replicate)
        rows = {}
        for m in READS:
            years = np.array([_yearly(r, m) for r in mine])  # replicate x year
            mean_years = years.mean(axis=0)
            slope = float(np.polyfit(np.arange(1, len(mean_years) + 1), mean_years, 1)[0])
            rows[m] = {"week0": float(np.mean([r.series[m][0] for r in mine])),
                       "year1": float(mean_years[0]), "year8": float(mean_years[-1]),
                       "change_1_to_8": float(mean_years[-1] - mean_years[0]),
                       "slope_per_year": slope}
        arms[arm] = rows
    gap = {arm: {m: arms[arm][m]["week0"] - arms[REFERENCE][m]["week0"] for m in READS}
           for arm in ARMS if arm != REFERENCE}
    worst = max(READS, key=lambda m: abs(arms[SHIPPED][m]["change_1_to_8"]))
    return {"question": QUESTION, "replicates": REPLICATES, "size": SIZE, "arms": arms,
            "week0_gap_to_reference": gap, "largest_drift": worst,
            "bounds": {"change_1_to_8": BOUND_8_YEARS, "per_year": BOUND_PER_YEAR}}


SHOWN = ["participation_rate", "organised_participation", "speak_52w", "activity_26w",
         "trust_government", "civic_consciousness", "efficacy", "satisfaction",
         "trust_neighbors", "neighbour_contact_weekly"]


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    arms = list(r["arms"])
    lines = [f"Generated from the stored `settle` study (`make studies ONLY=settle`): the "
             f"`administrative` baseline, {r['size']['width']} x {r['size']['height']}, "
             f"{r['replicates']} replicates paired by seed. Week 0, the change from year 1 "
             f"to year 8, and the mean change per year, for three ways to reach week 0; the "
             f"last columns give week 0 minus the twenty-year burn-in's.", "",
             "| measure | " + " | ".join(f"{arm}: week 0 / year 1->8 / per year"
                                         for arm in arms)
             + " | " + " | ".join(f"{arm} minus reference at week 0"
                                  for arm in r["week0_gap_to_reference"]) + " |",
             "|---|" + "---|" * (len(arms) + len(r["week0_gap_to_reference"]))]
    for m in SHOWN:
        cells = [f"{a[m]['week0']:.3f} / {a[m]['change_1_to_8']:+.3f} / "
                 f"{a[m]['slope_per_year']:+.4f}" for a in r["arms"].values()]
        gaps = [f"{g[m]:+.3f}" for g in r["week0_gap_to_reference"].values()]
        lines.append(f"| `{m}` | " + " | ".join(cells + gaps) + " |")
    d = r["arms"][SHIPPED][r["largest_drift"]]
    n = len(r["arms"][SHIPPED])
    lines += ["", f"Largest drift under the shipped burn-in, over every share or mean in [0, 1] "
              f"({n} measures): `{r['largest_drift']}`, {d['change_1_to_8']:+.3f} from "
              f"year 1 to year 8 (bound {r['bounds']['change_1_to_8']}), "
              f"{d['slope_per_year']:+.4f} a year (bound {r['bounds']['per_year']})."]
    return {("docs/ODD.md", "SETTLE"): "\n".join(lines)}


def check(result: dict[str, Any]) -> list[str]:
    """Issue 18's bounds on the shipped burn-in, for every share or mean in [0, 1]."""
    bounds = result["bounds"]
    out = []
    for m, row in result["arms"][SHIPPED].items():
        if abs(row["change_1_to_8"]) > bounds["change_1_to_8"]:
            out.append(f"{m}: changes by {row['change_1_to_8']:+.3f} from year 1 to year 8")
        if abs(row["slope_per_year"]) > bounds["per_year"]:
            out.append(f"{m}: moves {row['slope_per_year']:+.4f} a year")
    return out
