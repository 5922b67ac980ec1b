"""Validation: every figure in a targets file against the model, fitted and held out alike.

The model runs at the shipped point (a calibrated.toml, else the model's defaults) and at N
draws from a posterior (else N runs at the point: then the interval holds the run-to-run
noise only, no parameter uncertainty). Each run has its own seed, so the interval carries
the model's noise too. Held-out figures with their own conditions (a reform switched on) or
window run under them (Simulator.run_conditioned). Each figure gets one verdict, by rules
stated in RULES and in the report, so a reader can check every line:

- reproduced: the observed value lies within the posterior predictive 90% interval
  (5% and 95% quantiles of the runs), widened on each side by the target's sigma;
- direction only: not reproduced, but a point of a time path where the model's predictive
  median moves the same way (up or down) as the observed values from the path's previous
  point; the level is missed;
- cannot tell: the figure is a share and the interval widened by sigma covers at least
  90% of the range a share can take, so the test would pass almost any observed value: it
  cannot fail, so a pass says nothing (the posterior's spread, not the model, decides it);
- not reproduced: otherwise (also when the statistic was undefined in every run);
- not expressible: the model has no statistic that means what the source asked (the
  target's why_not), or not yet the measure it needs.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from experiments.calibration import config as config_mod
from experiments.calibration import outputs
from experiments.calibration import targets as targets_mod
from experiments.calibration.sampler import VALIDATION_STREAM, seeds
from experiments.calibration.simulate import Simulator
from experiments.calibration.targets import Target, TargetSet
from experiments.running.executors import make_executor
from experiments.running.fingerprint import model_fingerprint, model_signature
from experiments.running.provenance import code_version, git_commit
from experiments.specify import stale
from experiments.specify.params_file import load_params_file
from model.errors import InputError
from model.params import DEFAULTS_CALIBRATION

SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "calibrate_baseline.toml"
POINT_RUNS = 4  # runs at the shipped point (its value is their mean)
CI = (0.05, 0.95)
VERDICTS = ("reproduced", "cannot tell", "direction only", "not reproduced", "not expressible")
UNINFORMATIVE = 0.9  # share of [0, 1] the widened interval covers: the test cannot fail
RULES = {
    "reproduced": "the observed value lies within the posterior predictive 90% interval "
                  "(the 5% and 95% quantiles of the runs) widened on each side by the "
                  "target's sigma: low - sigma <= observed <= high + sigma",
    "cannot tell": "the observed value lies within that widened interval, but the figure is "
                   "a share and the widened interval covers at least 90% of [0, 1]: the "
                   "test would pass almost any observed value, so it says nothing",
    "direction only": "not reproduced, but the figure is a point of a time path and, from "
                      "the path's previous point (points ordered by the start of their "
                      "window), the model's predictive median moves the same way as the "
                      "observed values (both up or both down); the level is missed",
    "not reproduced": "neither of the above (also when the statistic was undefined in "
                      "every run)",
    "not expressible": "the model has no statistic that means what the source asked "
                       "(the reason is the target's why_not), or not yet the measure it "
                       "needs",
}


def _particles(path: Path, draws: int, seed: int) -> tuple[list[dict[str, Any]], str]:
    """`draws` parameter sets drawn (weighted, seeded) from a posterior.parquet."""
    if not path.is_file():
        raise InputError(f"option '--posterior' names {str(path)!r}, which is not a file; give "
                         "a calibration's posterior.parquet, or leave the option out to run "
                         "at the point only.")
    try:
        df, cid = outputs.read_posterior(path)
    except Exception as exc:  # pyarrow's errors are many; the user needs one paragraph
        raise InputError(f"option '--posterior': {str(path)!r} cannot be read as a posterior "
                         f"(Parquet with a 'weight' column): {exc}") from None
    if "weight" not in df or len(df) == 0:
        raise InputError(f"option '--posterior': {str(path)!r} has no particles with a "
                         "'weight' column; give a calibration's posterior.parquet.")
    stale.warn(path, "posterior")
    w = df.pop("weight").to_numpy(float)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(VALIDATION_STREAM,)))
    idx = rng.choice(len(df), size=draws, p=w / w.sum())
    # column by column: a row of mixed int and float columns would turn the ints to floats
    cols = {c: df[c].to_numpy() for c in df.columns}
    return [{c: v[i].item() for c, v in cols.items()} for i in idx], cid


def _time(t: Target, start: int) -> int:
    return t.window[0] if t.window else start


def verdicts(ts: TargetSet, point: list[dict[str, float]], pred: list[dict[str, float]],
             start: int) -> list[dict[str, Any]]:
    """One row per figure: observed, point value, predictive interval, verdict and why."""
    rows: dict[str, dict[str, Any]] = {}
    for t in ts.targets:
        row: dict[str, Any] = {"name": t.name, "role": "held out" if t.held_out else "fitted",
                               "path": t.path, "observed": t.value, "sigma": t.sigma,
                               "unit": t.unit, "description": t.description}
        rows[t.name] = row
        missing = t.missing_measures()
        if not t.expressible or missing:
            row.update(verdict="not expressible", why=t.why_not or (
                "the model has no measure " + ", ".join(map(repr, missing)) + " yet"))
            continue
        v = np.array([r.get(t.name, math.nan) for r in pred], float)
        v = v[np.isfinite(v)]
        p = np.array([r.get(t.name, math.nan) for r in point], float)
        p = p[np.isfinite(p)]
        row["point"] = float(p.mean()) if len(p) else None
        if not len(v):
            row.update(verdict="not reproduced", why="the statistic was undefined in every run")
            continue
        lo, med, hi = (float(x) for x in np.quantile(v, [CI[0], 0.5, CI[1]]))
        row.update(median=med, interval=[lo, hi], runs=len(v))
        if lo - t.sigma <= t.value <= hi + t.sigma:
            covered = min(hi + t.sigma, 1.0) - max(lo - t.sigma, 0.0)
            if t.unit == "share" and covered >= UNINFORMATIVE:
                row.update(verdict="cannot tell", why=(
                    f"the interval widened by sigma covers {covered:.0%} of the range of a "
                    "share: the test cannot fail"))
            else:
                row.update(verdict="reproduced", why="")
        else:
            side = "below" if t.value < lo - t.sigma else "above"
            row.update(verdict="not reproduced",
                       why=f"observed {side} the interval widened by sigma")
    for name in {t.path for t in ts.usable() if t.path}:
        path = sorted((t for t in ts.usable() if t.path == name), key=lambda t: _time(t, start))
        for prev, cur in itertools.pairwise(path):
            a, b = rows[prev.name], rows[cur.name]
            if b["verdict"] != "not reproduced" or "median" not in a or "median" not in b:
                continue
            model, seen = np.sign(b["median"] - a["median"]), np.sign(cur.value - prev.value)
            if model != 0 and model == seen:
                b.update(verdict="direction only", why=(
                    f"from {prev.name} the model moves {'up' if seen > 0 else 'down'} as "
                    "observed, but misses the level"))
    return [rows[t.name] for t in ts.targets]


def validate(params: Path | None, posterior: Path | None, draws: int,
             config_path: Path | None = None, targets_path: Path | None = None,
             executor: str = "processes", workers: int | None = None) -> dict[str, Any]:
    """Run the model at the point and at `draws` posterior draws; the validation result."""
    cfg = config_mod.load(config_path or SHIPPED_CONFIG)
    if targets_path is not None:
        cfg = replace(cfg, targets_path=str(targets_path))
    ts = targets_mod.load(cfg.targets_path)
    point, cid = load_params_file(params) if params else ({}, None)
    draws_params, post_id = (_particles(posterior, draws, cfg.seed) if posterior
                             else ([{}] * draws, None))
    start = cfg.window_start()

    def sim(extra: dict[str, Any]) -> Simulator:
        return Simulator(cfg.scenario, {**cfg.fixed(), **point, **extra}, (), cfg.steps,
                         start, ts)

    with make_executor(executor, workers) as pool:
        futs_point = [pool.submit(sim({}).run_all, {}, seeds(cfg.seed, VALIDATION_STREAM, 0,
                                                             k)[1]) for k in range(POINT_RUNS)]
        futs_pred = [pool.submit(sim(d).run_all, {}, seeds(cfg.seed, VALIDATION_STREAM, 1,
                                                           k)[1])
                     for k, d in enumerate(draws_params)]
        point_runs = [f.result() for f in futs_point]
        pred_runs = [f.result() for f in futs_pred]
    rows = verdicts(ts, point_runs, pred_runs, start)
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(), "git_commit": git_commit(),
        # what the stored result is valid for (tests/test_validate.py checks it is current)
        "model_fingerprint": model_fingerprint(), "signature": model_signature(),
        "targets_file": Path(cfg.targets_path).name, "setting": ts.setting,
        "config_file": Path(cfg.source).name, "scenario": cfg.scenario,
        "size": [cfg.width, cfg.height], "steps": cfg.steps, "window": cfg.window,
        "overrides": cfg.overrides, "root_seed": cfg.seed,
        "point": {"source": str(params) if params else None, "calibration_id": cid,
                  "stale_note": stale.note(params, "calibrated parameter file")
                  if params and stale.is_calibration(params) else None,
                  "defaults_calibration": None if params else DEFAULTS_CALIBRATION,
                  "values": point, "runs": POINT_RUNS},
        "posterior": {"source": str(posterior) if posterior else None,
                      "calibration_id": post_id, "draws": draws},
        "rules": RULES, "targets": rows,
        "counts": {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS},
    }
