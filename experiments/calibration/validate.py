"""Validation: every figure in a targets file against the model, fitted and held out alike.

The model runs at the shipped point (a calibrated.toml, else the model's defaults) and at N
draws from a posterior (else N runs at the point: then the interval holds the run-to-run
noise only, no parameter uncertainty). Each run has its own seed, so the interval carries
the model's noise too. Held-out figures with their own conditions (a reform switched on) or
window run under them (Simulator.run_conditioned). Each figure gets one verdict, by rules
stated in RULES and in the report, so a reader can check every line:

- reproduced: the observed value lies within the 90% interval of what the figure would
  read if the model were true: each run's value plus draws of the figure's own error
  (normal, the target's sigma), so run noise, parameter spread and the figure's error
  combine as they would in a new observation;
- direction only: not reproduced, but a point of a time path where at least 90% of the
  runs (each draw and seed paired with itself) move the same way (up or down) as the
  observed values from the path's previous point; the level is missed;
- cannot tell: the figure is a share and that interval covers at least 90% of the range a
  share can take, so the test would pass almost any observed value: it cannot fail, so a
  pass says nothing (the posterior's spread, not the model, decides it);
- not reproduced: otherwise (also when the statistic was undefined in every run);
- not expressible: the model has no statistic that means what the source asked (the
  target's why_not), or not yet the measure it needs.

A held-out figure whose statistic is the same as a fitted figure's (same measures,
reduction, window and conditions) is marked `same_as`: its verdict is not independent
evidence. (Until 2026-12-06 the interval was the runs' 5-95% quantiles widened by one sigma
on each side, and "direction only" compared medians, which a 0.003 move passed; a review
found both.)
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
UNINFORMATIVE = 0.9  # share of [0, 1] the predictive interval covers: the test cannot fail
ERROR_DRAWS = 200  # draws of the figure's error per run, for the predictive interval
DIRECTION = 0.9  # share of paired runs that must move as observed for "direction only"
RULES = {
    "reproduced": "the observed value lies within the 90% predictive interval of the figure: "
                  "the 5% and 95% quantiles of every run's value plus draws of the figure's "
                  "own error, normal with the target's sigma",
    "cannot tell": "the observed value lies within that interval, but the figure is a share "
                   "and the interval covers at least 90% of [0, 1]: the test would pass "
                   "almost any observed value, so it says nothing",
    "direction only": "not reproduced, but the figure is a point of a time path and, from "
                      "the path's previous point (points ordered by the start of their "
                      "window), at least 90% of the runs (each paired with itself) move the "
                      "same way as the observed values (both up or both down); the level is "
                      "missed",
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


def _statistic(t: Target) -> tuple:
    return (t.signature, t.window, t.overrides)


def verdicts(ts: TargetSet, point: list[dict[str, float]], pred: list[dict[str, float]],
             start: int, seed: int = 0) -> list[dict[str, Any]]:
    """One row per figure: observed, point value, predictive interval, verdict and why."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(VALIDATION_STREAM, 2)))
    fitted = {_statistic(t): t.name for t in ts.targets if not t.held_out}
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
        seen = v[:, None] + rng.normal(0.0, t.sigma, (len(v), ERROR_DRAWS))
        plo, phi = (float(x) for x in np.quantile(seen, CI))
        row.update(median=med, interval=[lo, hi], predictive=[plo, phi], runs=len(v))
        if t.held_out and fitted.get(_statistic(t)):
            row["same_as"] = fitted[_statistic(t)]
        if plo <= t.value <= phi:
            covered = min(phi, 1.0) - max(plo, 0.0)
            if t.unit == "share" and covered >= UNINFORMATIVE:
                row.update(verdict="cannot tell", why=(
                    f"the predictive interval covers {covered:.0%} of the range of a "
                    "share: the test cannot fail"))
            else:
                row.update(verdict="reproduced", why="")
        else:
            side = "below" if t.value < plo else "above"
            row.update(verdict="not reproduced",
                       why=f"observed {side} the predictive interval")
    for name in {t.path for t in ts.usable() if t.path}:
        path = sorted((t for t in ts.usable() if t.path == name), key=lambda t: _time(t, start))
        for prev, cur in itertools.pairwise(path):
            b = rows[cur.name]
            if b["verdict"] != "not reproduced":
                continue
            moves = np.array([r.get(cur.name, math.nan) - r.get(prev.name, math.nan)
                              for r in pred], float)
            moves = moves[np.isfinite(moves)]
            seen = np.sign(cur.value - prev.value)
            share = float(np.mean(np.sign(moves) == seen)) if len(moves) and seen else 0.0
            b["direction_share"] = share
            if share >= DIRECTION:
                b.update(verdict="direction only", why=(
                    f"from {prev.name} {share:.0%} of the runs move "
                    f"{'up' if seen > 0 else 'down'} as observed, but the level is missed"))
            elif len(moves):
                b["why"] += (f"; from {prev.name} only {share:.0%} of the runs move as "
                             "observed")
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
    rows = verdicts(ts, point_runs, pred_runs, start, cfg.seed)
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
                      "calibration_id": post_id, "draws": draws,
                      "stale_note": stale.note(posterior, "posterior") if posterior else None},
        "rules": RULES, "targets": rows,
        "counts": {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS},
    }
