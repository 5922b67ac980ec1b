"""Does the calibrated point hold at the default grid size as well as at the calibration's?

Found by a review (2026-12-06): the committee's staff capacity was `staff_capacity` per
management grid times the number of grids, so cutting the same community into smaller
grids added staff. The shipped calibration was fitted at 30 x 30 with grids of 10 x 10 =
100 households (experiments/configs/calibrate_baseline.toml); the default community's grids
are 20 x 20 = 400 households, so every run at the default layout gave the committee a
quarter of the fitted capacity per household, and 7 of 12 fitted targets lay within one
sigma there against 11 of 12 at the calibration's grids. Since then `staff_capacity` is per
100 households (agents/committee.py): exactly the old rule at grids of 100, so the fit is
unchanged, and the same per household at any grid size. This study checks that the fitted
targets now hold at both layouts, and measures what the grid size still changes (grid
workers, councils and places are still per grid).

Design, fixed before it first ran: the shipped calibration's set-up (scenario, 104 weeks
after the burn-in, its window and statistics, the schema's defaults = the calibrated point)
at 40 x 40 households, so both grid sizes fit: grid_block 10 (16 grids of 100, the
calibration's) against 20 (4 grids of 400, the default's), SEEDS paired by seed. Per fitted
target: each layout's mean, the paired difference with its 95% t interval, and each
layout's distance from the observed figure in units of its sigma. A difference matters when
it is at least half the target's sigma (the smallest effect that matters, as in the
identify study); a layout reproduces a target when its mean lies within one sigma.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from experiments.analyse.stats import mean_ci
from experiments.calibration import config as config_mod
from experiments.calibration import targets as targets_mod
from experiments.calibration.simulate import Simulator
from experiments.running.executors import make_executor
from experiments.studies.runs import Run
from governance import PARAMS

NAME = "grid_scale"
QUESTION = ("Does the calibrated point reproduce the fitted targets at the default grids of "
            "400 households as well as at the calibration's of 100?")
ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "experiments" / "configs" / "calibrate_baseline.toml"
SIDE, GRIDS, SEEDS = 40, (10, 20), tuple(range(101, 109))
MATTERS = 0.5  # of a target's sigma
READS: list[str] = []


def specs() -> list[dict[str, Any]]:
    """No experiment specs: the runs are the calibration's own simulator at two layouts."""
    return []


def _run(grid: int, seed: int) -> dict[str, float]:
    cfg = config_mod.load(SHIPPED)
    cfg = dataclasses.replace(cfg, width=SIDE, height=SIDE,
                              overrides={**cfg.overrides, "grid_block": grid})
    sim = Simulator.from_config(cfg, targets_mod.load(cfg.targets_path))
    return sim.run({p.name: PARAMS[p.name].default for p in cfg.priors}, seed)


def summarise(runs: dict[str, list[Run]]) -> dict[str, Any]:
    cfg = config_mod.load(SHIPPED)
    fitted = targets_mod.load(cfg.targets_path).fitted()
    jobs = [(g, s) for g in GRIDS for s in SEEDS]
    with make_executor("processes", 2) as pool:
        runs_out = pool.map(_run, [g for g, _ in jobs], [s for _, s in jobs])
        out = dict(zip(jobs, runs_out, strict=True))
    rows = []
    for t in fitted:
        by = {g: [out[(g, s)][t.name] for s in SEEDS] for g in GRIDS}
        diff = mean_ci([a - b for a, b in zip(by[GRIDS[1]], by[GRIDS[0]], strict=True)])
        means = {str(g): float(np.mean(v)) for g, v in by.items()}
        rows.append({"target": t.name, "observed": t.value, "sigma": t.sigma, "mean": means,
                     "z": {g: (m - t.value) / t.sigma for g, m in means.items()},
                     "difference": {k: diff[k] for k in ("mean", "ci_low", "ci_high")},
                     "matters": abs(diff["mean"]) >= MATTERS * t.sigma})
    return {"question": QUESTION, "side": SIDE, "grids": list(GRIDS), "seeds": len(SEEDS),
            "steps": cfg.steps, "window": cfg.window,
            "households_per_grid": [g * g for g in GRIDS], "rows": rows}


def render(result: dict[str, Any]) -> dict[tuple[str, str], str]:
    r = result
    small, large = (str(g) for g in r["grids"])
    hs, hl = r["households_per_grid"]
    within = {g: sum(abs(row["z"][g]) <= 1 for row in r["rows"]) for g in (small, large)}
    lines = [f"Generated from the stored `grid_scale` study (`make studies ONLY=grid_scale`): "
             f"the calibrated point (the schema's defaults) at the shipped calibration's "
             f"set-up ({r['steps']} weeks after the burn-in, its outcome window the last "
             f"{r['window']} weeks), {r['side']} x {r['side']} households, {r['seeds']} seeds "
             f"paired, each target's statistic the mean over the seeds, cut "
             f"into grids of {hs} households (the calibration's) or {hl} (the default "
             f"community's). Fitted targets within one sigma: **{within[small]} of "
             f"{len(r['rows'])}** with grids of {hs}, **{within[large]} of "
             f"{len(r['rows'])}** with grids of {hl}. A difference matters at half the "
             "target's sigma.", "",
             f"| target | observed (sigma) | grids of {hs} (z) | grids of {hl} (z) | "
             f"difference, {hl} - {hs} [95% CI] | matters |", "|---|---|---|---|---|---|"]
    for row in r["rows"]:
        d = row["difference"]
        lines.append(f"| `{row['target']}` | {row['observed']:.3f} ({row['sigma']:.3f}) | "
                     f"{row['mean'][small]:.3f} ({row['z'][small]:+.1f}) | "
                     f"{row['mean'][large]:.3f} ({row['z'][large]:+.1f}) | "
                     f"{d['mean']:+.3f} [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}] | "
                     f"{'yes' if row['matters'] else 'no'} |")
    worst = min(r["rows"], key=lambda row: -abs(row["z"][large]))
    mattering = [row["target"] for row in r["rows"] if row["matters"]]
    holds = within[large] >= within[small] and not mattering
    verdict = ("**the calibrated point holds at the default community's grids as at the "
               "calibration's.**" if holds else
               "**the calibrated point does not hold as well at the default community's "
               "grids as at the calibration's.**")
    moved = (f"the grid size moves {len(mattering)} target(s) by half a sigma or more "
             f"({', '.join(f'`{m}`' for m in mattering)})" if mattering else
             "no target moves by half its sigma between the two")
    readme = (f"Generated from the stored `grid_scale` study: {verdict} The committee's staff "
              f"is `staff_capacity` per 100 households (per management grid until "
              f"2026-12-06, when the same community cut into smaller grids had more staff); "
              f"the fit used grids of {hs} households and the default community (the main "
              f"job, the claims, the lessons, the demo) has grids of {hl}: there "
              f"{within[large]} of {len(r['rows'])} fitted targets lie within one sigma "
              f"(against {within[small]} of {len(r['rows'])} at the calibration's grids), "
              f"the farthest `{worst['target']}` at {worst['z'][large]:+.1f} sigma, and "
              f"{moved} (docs/CALIBRATION.md, \"The grid size the calibration assumed\").")
    return {("docs/CALIBRATION.md", "GRIDSCALE"): "\n".join(lines),
            ("README.md", "GRIDSCALE"): readme}


def check(result: dict[str, Any]) -> list[str]:
    """A report, not a guard on the rules; only that every target was computed."""
    return [f"{row['target']}: no value" for row in result["rows"]
            if not all(np.isfinite(v) for v in row["mean"].values())]
