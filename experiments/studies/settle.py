"""A settled start: is week 0 the baseline's steady state, and how much does it still drift?

Three ways to reach week 0 of the `administrative` baseline, paired by seed (the same
community): the shipped accelerated spin-up, the same burn-in without speed-up, and a plain
ten-year burn-in (520 weeks, no speed-up). Each runs eight years on. For every share or
mean in [0, 1] the study reports week 0, the change from year 1 to year 8 and the mean
year-on-year change (least-squares slope of the yearly means), and how far the spin-up's
week 0 lies from the ten-year burn-in's. Design fixed before it ran: 60 x 60, 4 replicates.
The guard is Model 2's documented property: the spin-up at least halves the drift of trust
in government and of participation in year 2 against no speed-up.
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
ARMS = {"spin-up": {}, "no speed-up": {"spinup_speedup": 1.0},
        "ten-year burn-in": {"spinup_speedup": 1.0, "burn_in": 520}}
READS = [m.name for m in CATALOGUE.values() if m.unit in ("share", "0-1")]


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
                       "slope_per_year": slope,
                       "year2_minus_week0": float(np.mean(
                           [r.mean(m, 53, 104) - r.series[m][0] for r in mine]))}
        arms[arm] = rows
    gap = {m: arms["spin-up"][m]["week0"] - arms["ten-year burn-in"][m]["week0"] for m in READS}
    worst = max(READS, key=lambda m: abs(arms["spin-up"][m]["change_1_to_8"]))
    return {"question": QUESTION, "replicates": REPLICATES, "size": SIZE, "arms": arms,
            "week0_gap_to_ten_years": gap, "largest_drift": worst}


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    shown = ["participation_rate", "trust_government", "civic_consciousness", "efficacy",
             "satisfaction", "trust_neighbors"]
    lines = [f"Generated from the stored `settle` study (`make studies ONLY=settle`): the "
             f"`administrative` baseline, {r['size']['width']} x {r['size']['height']}, "
             f"{r['replicates']} replicates paired by seed. Week 0, the change from year 1 "
             f"to year 8, and the mean change per year, for three ways to reach week 0.", "",
             "| measure | " + " | ".join(f"{arm}: week 0 / year 1->8 / per year"
                                         for arm in r["arms"]) + " | spin-up's week 0 minus "
             "ten-year burn-in's |", "|---|" + "---|" * (len(r["arms"]) + 1)]
    for m in shown:
        cells = [f"{a[m]['week0']:.3f} / {a[m]['change_1_to_8']:+.3f} / "
                 f"{a[m]['slope_per_year']:+.4f}" for a in r["arms"].values()]
        lines.append(f"| `{m}` | " + " | ".join(cells)
                     + f" | {r['week0_gap_to_ten_years'][m]:+.3f} |")
    d = r["arms"]["spin-up"][r["largest_drift"]]
    lines += ["", f"Largest drift under the spin-up: `{r['largest_drift']}`, "
              f"{d['change_1_to_8']:+.3f} from year 1 to year 8."]
    return {("docs/ODD.md", "SETTLE"): "\n".join(lines)}


def check(result: dict[str, Any]) -> list[str]:
    """Model 2's property: the spin-up at least halves the year-2 drift of trust in
    government and of participation, against the same burn-in without speed-up."""
    out = []
    for m in ("trust_government", "participation_rate"):
        sped = result["arms"]["spin-up"][m]["year2_minus_week0"]
        plain = result["arms"]["no speed-up"][m]["year2_minus_week0"]
        if abs(sped) > 0.5 * abs(plain):
            out.append(f"{m}: the spin-up leaves a year-2 drift of {sped:+.4f}, more than "
                       f"half of {plain:+.4f} without it")
    return out
