"""The shipped calibration's point, now the defaults, against Model 2's values that were the
defaults before (issue 19, item 5): does week 0 settle at the point, and how far do its
answers lie from those the tests, the demo and plain runs gave until then?

Design fixed before it ran: 60 x 60, 8 replicates paired by seed, 416 weeks. Arms: Model 2's
values of the eighteen fitted parameters and the point (the defaults), each in
`administrative` and `collaborative` after the shipped burn-in; the point's
`administrative` also after fifteen and twenty years. Drift uses the settle study's
measures, bounds and verdict (each replicate's own change from year 1 to year 8 and yearly
slope, the 90% interval of their mean: beyond, within, or the runs cannot tell; a lumpy
measure such as organisations' mean quality, from a dozen organisations at 60 x 60, moves
0.01-0.05 between sets of four seeds). The collaborative programme's effect is
collaborative minus administrative per replicate at years 1, 3 and 8 (seeds only: no
parameter spread here).
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from experiments.analyse.robust import effect_at, horizons_within
from experiments.analyse.stats import mean_ci
from experiments.studies.runs import Run
from experiments.studies.settle import BOUND_8_YEARS, BOUND_PER_YEAR, LEVEL, drift
from experiments.studies.settle import READS as DRIFT_READS

NAME = "point"
QUESTION = ("Does the calibrated point, now the defaults, start settled, and how far are its "
            "answers from Model 2's values'?")
POINT_FILE = Path("experiments") / "calibrations" / "baseline" / "calibrated.toml"
ROOT = Path(__file__).resolve().parents[2]
SIZE = {"width": 60, "height": 60}
REPLICATES, STEPS, SEED = 8, 416, 20261207
BASELINE, PROGRAMME = "administrative", "collaborative"
# Model 2's values of the eighteen parameters Model 3's calibration fitted: the defaults
# until the point replaced them. The tests use them for a livelier community (tests/conftest).
MODEL2_VALUES = {"cost_speak": 3.0, "efficacy_weight": 2.0, "staff_capacity": 46.2,
                 "rc_places_per_slot": 11.3, "fatigue_rate": 0.02, "rc_competence": 0.75,
                 "report_base": 0.7, "waiting_dissatisfaction": 0.2, "vote_tenure": 1.0,
                 "vote_party": 0.8, "vote_age_60_plus": 0.5, "hours_per_contact": 0.5,
                 "nb_trust_rate": 0.02, "initial_trust_government": 0.5,
                 "initial_satisfaction": 0.6, "trust_loss": 0.12, "issue_patience": 16,
                 "suggestion_rate": 0.1}
MODEL2, POINT = "Model 2's values", "point (the defaults)"
# arm -> (overrides, scenarios); the point is the schema's defaults
ARMS: dict[str, tuple[dict[str, Any], list[str]]] = {
    MODEL2: (MODEL2_VALUES, [BASELINE, PROGRAMME]),
    POINT: ({}, [BASELINE, PROGRAMME]),
    "point, fifteen-year burn-in": ({"burn_in": 780}, [BASELINE]),
    "point, twenty-year burn-in": ({"burn_in": 1040}, [BASELINE]),
}
SHOWN = ["participation_rate", "organised_participation", "speak_52w", "activity_26w",
         "share_self_governing", "trust_government", "satisfaction", "org_mean_capacity"]
DRAWN = ["participation_rate", "organised_participation", "trust_government",
         "org_mean_capacity"]
READS = sorted(set(DRIFT_READS) | set(SHOWN))


def point_values() -> dict[str, Any]:
    return tomllib.loads((ROOT / POINT_FILE).read_text(encoding="utf-8"))["params"]


def point_sha() -> str:
    return hashlib.sha256((ROOT / POINT_FILE).read_bytes()).hexdigest()[:12]


def _spec_name(arm: str) -> str:
    return "point-" + "".join(c if c.isalnum() else "-" for c in arm).strip("-")


def specs() -> list[dict[str, Any]]:
    return [{"name": _spec_name(arm), "scenarios": scenarios, "reference": BASELINE,
             "replicates": REPLICATES, "steps": STEPS, "outcome": "mean", "warmup": 0,
             "seed": SEED, "measures": READS[:1], "overrides": {**SIZE, **extra}}
            for arm, (extra, scenarios) in ARMS.items()]


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    windows = horizons_within(STEPS)
    arms: dict[str, Any] = {}
    for arm, (_, scenarios) in ARMS.items():
        mine = runs[_spec_name(arm)]
        by = {s: sorted((r for r in mine if r.scenario == s), key=lambda r: r.replicate)
              for s in scenarios}
        rows = drift(by[BASELINE], DRIFT_READS)
        beyond = sorted(m for m, d in rows.items() if d["verdict"] == "beyond")
        unclear = sorted(m for m, d in rows.items() if d["verdict"] == "cannot tell")
        worst = max(rows, key=lambda m: abs(rows[m]["change_1_to_8"]))
        levels = {s: {m: {h: float(np.mean([r.mean(m, lo, hi) for r in by[s]]))
                          for h, (lo, hi) in windows.items()} for m in SHOWN}
                  for s in scenarios}
        # Year by year with 95% bands over replicates, for the figure.
        yearly = {sc: {m: [mean_ci([r.mean(m, 1 + 52 * k, 52 * (k + 1)) for r in by[sc]],
                                   bounded=True) for k in range(STEPS // 52)]
                       for m in DRAWN} for sc in scenarios}
        entry: dict[str, Any] = {"drift": rows, "beyond": beyond, "cannot_tell": unclear,
                                 "largest_drift": worst, "levels": levels, "years": yearly}
        if PROGRAMME in by:
            entry["effect"] = {m: {h: effect_at([b.mean(m, lo, hi) - a.mean(m, lo, hi)
                                                 for a, b in zip(by[BASELINE], by[PROGRAMME],
                                                                 strict=True)])
                                   for h, (lo, hi) in windows.items()} for m in SHOWN}
        arms[arm] = entry
    return {"question": QUESTION, "replicates": REPLICATES, "size": SIZE, "arms": arms,
            "point": point_values(), "point_sha": point_sha(),
            "bounds": {"change_1_to_8": BOUND_8_YEARS, "per_year": BOUND_PER_YEAR}}


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    arms = r["arms"]
    lines = [f"Generated from the stored `point` study (`make studies ONLY=point`): "
             f"{r['size']['width']} x {r['size']['height']}, {r['replicates']} replicates "
             f"paired by seed, the point of `{POINT_FILE.as_posix()}` (sha {r['point_sha']}).",
             "", "Drift of the `administrative` baseline over eight years: the change from "
             f"year 1 to year 8 against the settle study's bound of {r['bounds']['change_1_to_8']}"
             f", with the {LEVEL:.0%} interval of the replicates' mean change (the settle study's "
             "verdict: beyond when the whole interval of the change or of the yearly slope is "
             "outside its bound; cannot tell when one straddles it):", "",
             f"| arm | largest change, year 1 -> 8 [{LEVEL:.0%} interval] | beyond the bound | "
             "cannot tell |", "|---|---|---|---|"]
    for arm, a in arms.items():
        d = a["drift"][a["largest_drift"]]
        lines.append(f"| {arm} | `{a['largest_drift']}` {d['change_1_to_8']:+.3f} "
                     f"[{d['change_low']:+.3f}, {d['change_high']:+.3f}] | "
                     + (", ".join(f"`{m}`" for m in a["beyond"]) or "none") + " | "
                     + (", ".join(f"`{m}`" for m in a["cannot_tell"]) or "none") + " |")
    horizons = list(next(iter(arms.values()))["levels"][BASELINE]["participation_rate"])
    lines += ["", "Levels in year 1 of the baseline, and the collaborative programme's effect "
              f"(collaborative minus administrative, mean over the {r['replicates']} replicates "
              "paired by seed: run-to-run noise only, no parameter spread; the claims study "
              "carries the posterior's) at " + ", ".join(horizons) + ":", "",
              "| measure | baseline, Model 2's values | baseline, point | effect, Model 2's "
              "values | effect, point |", "|---|---|---|---|---|"]
    first = horizons[0]
    for m in SHOWN:
        eff = [" / ".join(f"{arms[arm]['effect'][m][h]['mean']:+.3f}" for h in horizons)
               for arm in (MODEL2, POINT)]
        lines.append(f"| `{m}` | {arms[MODEL2]['levels'][BASELINE][m][first]:.3f} | "
                     f"{arms[POINT]['levels'][BASELINE][m][first]:.3f} | {eff[0]} | "
                     f"{eff[1]} |")
    return {("docs/CALIBRATION.md", "POINT"): "\n".join(lines)}


def check(result: dict[str, Any]) -> list[str]:
    """The stored answer is about the point shipped now (it is evidence, not a guard)."""
    if result["point_sha"] != point_sha():
        return [f"{POINT_FILE.as_posix()} changed since the study ran: run `make studies "
                f"ONLY=point`"]
    return []


def figures(result: dict[str, Any], docs: Path) -> list[Path]:
    """docs/point.png, drawn from the stored result."""
    from experiments.studies.point_figure import draw

    return [draw(result, docs / "point.png")]
