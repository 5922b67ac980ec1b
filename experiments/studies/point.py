"""The shipped calibration's point as the defaults: would week 0 be settled, and how far do
its answers lie from today's defaults'? (issue 19, item 5)

The defaults are still Model 2's values; the calibration's point (calibrated.toml, the
chain's draw of highest posterior density) is what the fitted figures support. Before the
point can become the defaults, two things must be known: whether the baseline settles at it
within the shipped burn-in (the settle study's bounds), and how much the answers that tests,
the demo and plain `run.py run` give at the defaults differ from the point's.

Design fixed before it ran: 60 x 60, 8 replicates paired by seed, 416 weeks. Arms: the
defaults and the point, each in `administrative` and `collaborative` after the shipped
burn-in; the point's `administrative` also after fifteen and twenty years. Drift uses the
settle study's measures and bounds (every share or mean in [0, 1]; 0.04 from year 1 to
year 8, 0.005 a year), judged with the seeds' spread: each replicate's own change from year 1
to year 8, and the 90% interval of their mean. A measure is beyond the bound when the whole
interval is, within it when the whole interval is, and otherwise the runs cannot tell (a
lumpy measure such as organisations' mean quality, from a dozen organisations at 60 x 60,
moves 0.01-0.05 between sets of four seeds). The collaborative programme's effect is
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
QUESTION = ("Would the calibrated point, as the defaults, start settled, and how far are "
            "its answers from today's defaults'?")
POINT_FILE = Path("experiments") / "calibrations" / "baseline" / "calibrated.toml"
ROOT = Path(__file__).resolve().parents[2]
SIZE = {"width": 60, "height": 60}
REPLICATES, STEPS, SEED = 8, 416, 20261207
BASELINE, PROGRAMME = "administrative", "collaborative"
# arm -> (uses the point, extra overrides, scenarios)
ARMS: dict[str, tuple[bool, dict[str, Any], list[str]]] = {
    "defaults": (False, {}, [BASELINE, PROGRAMME]),
    "point": (True, {}, [BASELINE, PROGRAMME]),
    "point, fifteen-year burn-in": (True, {"burn_in": 780}, [BASELINE]),
    "point, twenty-year burn-in": (True, {"burn_in": 1040}, [BASELINE]),
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
    return "point-" + arm.replace(", ", "-").replace(" ", "-")


def specs() -> list[dict[str, Any]]:
    point = point_values()
    return [{"name": _spec_name(arm), "scenarios": scenarios, "reference": BASELINE,
             "replicates": REPLICATES, "steps": STEPS, "outcome": "mean", "warmup": 0,
             "seed": SEED, "measures": READS[:1],
             "overrides": {**SIZE, **(point if uses_point else {}), **extra}}
            for arm, (uses_point, extra, scenarios) in ARMS.items()]


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    windows = horizons_within(STEPS)
    arms: dict[str, Any] = {}
    for arm, (_, _, scenarios) in ARMS.items():
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
              "(collaborative minus administrative, mean over replicates) at "
              + ", ".join(horizons) + ":", "",
              "| measure | baseline, defaults | baseline, point | effect, defaults | "
              "effect, point |", "|---|---|---|---|---|"]
    first = horizons[0]
    for m in SHOWN:
        eff = [" / ".join(f"{arms[arm]['effect'][m][h]['mean']:+.3f}" for h in horizons)
               for arm in ("defaults", "point")]
        lines.append(f"| `{m}` | {arms['defaults']['levels'][BASELINE][m][first]:.3f} | "
                     f"{arms['point']['levels'][BASELINE][m][first]:.3f} | {eff[0]} | "
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
