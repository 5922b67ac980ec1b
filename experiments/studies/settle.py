"""A settled start: is week 0 the baseline's steady state, and how much does it still drift?

Three ways to reach week 0 of the `administrative` baseline, paired by seed (the same
community): the shipped plain ten-year burn-in, a plain twenty-year burn-in (the reference
for "settled"), and an accelerated spin-up (three years with the slow rates four times
faster, the option the schema keeps). Each runs eight years on. For every share or mean in
[0, 1] the study reports week 0, the change from year 1 to year 8, the mean year-on-year
change (least-squares slope of the yearly means), and how far week 0 lies from the
twenty-year burn-in's. Design fixed before it ran: 60 x 60 (replicates below).

The guards are issue 18's bounds for the shipped burn-in: every share or mean in [0, 1]
changes by at most 0.04 between year 1 and year 8 and by at most 0.005 a year; an election's
turnout is left out (it is an event, constant between elections and redrawn at each).
Judged with the seeds' spread: each replicate's own change and slope, and the 90% interval
of their mean. A measure is beyond a bound when the whole interval is (the guard fails),
within when the whole interval is, and otherwise the runs cannot tell (reported, not
failed): a lumpy measure, such as the mean quality of a dozen organisations at 60 x 60,
moved 0.006-0.045 from year 1 to year 8 between two sets of four seeds of the same model.
Eight replicates (four until 2026-12-06, when that spread was found). Drift the guard
knows of and cannot fix yet is listed in KNOWN with its reason; the guard fails when such a
measure is found within both bounds, so the list stays true.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from experiments.analyse.stats import mean_ci
from experiments.studies.runs import Run
from governance import MEASURES as CATALOGUE

NAME = "settle"
QUESTION = "Is week 0 settled, and how much does the baseline drift over eight years?"
SIZE = {"width": 60, "height": 60}
REPLICATES, STEPS, SEED = 8, 416, 20261206
LEVEL = 0.90
SHIPPED, REFERENCE = "ten-year burn-in", "twenty-year burn-in"
ARMS = {SHIPPED: {}, REFERENCE: {"burn_in": 1040},
        "spin-up": {"burn_in": 182, "spinup_speedup": 4.0, "spinup_settle": 26}}
READS = [m.name for m in CATALOGUE.values()
         if m.unit in ("share", "0-1") and not m.name.startswith("turnout_")]
BOUND_8_YEARS, BOUND_PER_YEAR = 0.04, 0.005
# Drift the guard knows of, with why it is not fixed yet: `check` fails on any other measure
# beyond a bound and on a measure listed here that is now within both (so the list cannot
# outlive the drift; "cannot tell" is not yet "settled"). Each is said in the generated
# block and in docs/CALIBRATION.md.
KNOWN = {
    "org_mean_capacity": "found 2026-12-06, when the committee's staff became per household "
    "(the default grids had had a quarter of the fitted staff): at the calibrated staff the "
    "organisations' quality and funding mix take more than ten years to settle (the "
    "twenty-year burn-in's runs cannot tell them from the bound). The burn-in is part of the "
    "calibration's set-up, so lengthening it waits for the next refit",
}
KNOWN["org_public_share"] = KNOWN["org_mean_capacity"]


def _spec_name(arm: str) -> str:
    return "settle-" + arm.replace(" ", "-")


def specs() -> list[dict[str, Any]]:
    return [{"name": _spec_name(arm), "scenarios": ["administrative"],
             "reference": "administrative", "replicates": REPLICATES, "steps": STEPS,
             "outcome": "mean", "warmup": 0, "seed": SEED, "measures": READS[:1],
             "overrides": {**SIZE, **extra}} for arm, extra in ARMS.items()]


def _yearly(r: Run, m: str) -> np.ndarray:
    return r.series[m][1:STEPS + 1].reshape(STEPS // 52, 52).mean(axis=1)


def _verdict(ci: dict[str, float], bound: float) -> str:
    lo, hi = ci["ci_low"], ci["ci_high"]
    if -bound <= lo and hi <= bound:
        return "within"
    return "beyond" if lo > bound or hi < -bound else "cannot tell"


def drift(mine: list[Run], reads: list[str]) -> dict[str, dict[str, Any]]:
    """Per measure: week 0, years 1 and 8, the replicates' mean change from year 1 to
    year 8 and mean yearly slope, each with its interval, and the verdict against the
    bounds (beyond if either is beyond, within if both are within, else cannot tell)."""
    rows = {}
    x = np.arange(1, STEPS // 52 + 1)
    for m in reads:
        years = np.array([_yearly(r, m) for r in mine])  # replicate x year
        change = mean_ci(years[:, -1] - years[:, 0], level=LEVEL)
        slope = mean_ci(np.polyfit(x, years.T, 1)[0], level=LEVEL)
        verdicts = {_verdict(change, BOUND_8_YEARS), _verdict(slope, BOUND_PER_YEAR)}
        verdict = "beyond" if "beyond" in verdicts else \
            "within" if verdicts == {"within"} else "cannot tell"
        rows[m] = {"week0": float(np.mean([r.series[m][0] for r in mine])),
                   "year1": float(years[:, 0].mean()), "year8": float(years[:, -1].mean()),
                   "change_1_to_8": change["mean"], "change_low": change["ci_low"],
                   "change_high": change["ci_high"], "slope_per_year": slope["mean"],
                   "slope_low": slope["ci_low"], "slope_high": slope["ci_high"],
                   "verdict": verdict}
    return rows


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    arms = {arm: drift(sorted(runs[_spec_name(arm)], key=lambda r: r.replicate), READS)
            for arm in ARMS}
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
              f"({n} measures): `{r['largest_drift']}`, {d['change_1_to_8']:+.3f} "
              f"[{d['change_low']:+.3f}, {d['change_high']:+.3f}] from year 1 to year 8 "
              f"(bound {r['bounds']['change_1_to_8']}), {d['slope_per_year']:+.4f} "
              f"[{d['slope_low']:+.4f}, {d['slope_high']:+.4f}] a year (bound "
              f"{r['bounds']['per_year']}); in brackets the {LEVEL:.0%} interval of the "
              f"replicates' mean.", ""]
    known = [m for m, row in r["arms"][SHIPPED].items()
             if row["verdict"] == "beyond" and m in KNOWN]
    if known:
        reasons = "; ".join(dict.fromkeys(KNOWN[m] for m in known))
        lines += [f"**The shipped burn-in does not settle {', '.join(f'`{m}`' for m in known)}"
                  f"**: beyond issue 18's bounds, a known drift ({reasons}).", ""]
    for arm, rows in r["arms"].items():
        beyond = [m for m, row in rows.items() if row["verdict"] == "beyond"]
        unclear = [m for m, row in rows.items() if row["verdict"] == "cannot tell"]
        lines.append(f"- {arm}: {n - len(beyond) - len(unclear)} of {n} measures within both "
                     f"bounds; beyond: " + (", ".join(f"`{m}`" for m in beyond) or "none")
                     + "; the runs cannot tell: "
                     + (", ".join(f"`{m}`" for m in unclear) or "none") + ".")
    return {("docs/ODD.md", "SETTLE"): "\n".join(lines)}


def check(result: dict[str, Any]) -> list[str]:
    """Issue 18's bounds on the shipped burn-in, for every share or mean in [0, 1]: fails
    where the runs show a measure beyond a bound, not where they cannot tell."""
    bounds = result["bounds"]
    missing = sorted(set(READS) - set(result["arms"][SHIPPED]))
    out = [f"the stored result lacks {len(missing)} measure(s) added since it ran "
           f"({', '.join(missing)}): run `make studies ONLY={NAME}`"] if missing else []
    for m in sorted(m for m in KNOWN
                    if result["arms"][SHIPPED].get(m, {}).get("verdict") == "within"):
        out.append(f"{m} is listed as a known drift but is now within both bounds: take it "
                   "off settle.KNOWN")
    for m, row in result["arms"][SHIPPED].items():
        if row["verdict"] == "beyond" and m not in KNOWN:
            out.append(f"{m}: changes by {row['change_1_to_8']:+.3f} [{row['change_low']:+.3f},"
                       f" {row['change_high']:+.3f}] from year 1 to year 8 (bound "
                       f"{bounds['change_1_to_8']}), {row['slope_per_year']:+.4f} a year "
                       f"(bound {bounds['per_year']})")
    return out
