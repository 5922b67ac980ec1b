"""What a calibration leaves behind: posterior.parquet, predictive.parquet, calibrated.toml,
and (through report.py) report.md and figures; summary.py judges what they support.

posterior.parquet has a fixed format that experiments read: one row per particle, one
column per free parameter named as in PARAMS (values as the model takes them, integers
rounded), a `weight` column summing to 1, and the Parquet key-value metadata
`calibration_id`.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.stats import gaussian_kde

from experiments.calibration import report
from experiments.calibration.config import CalibrationConfig, Prior
from experiments.calibration.sampler import PREDICTIVE_STREAM, seeds
from experiments.calibration.simulate import Simulator
from experiments.calibration.summary import (
    CI,
    effective_sample_size,
    parameter_table,
    size_warnings,
    wquantile,
)
from experiments.calibration.targets import TargetSet
from experiments.specify import stale


def coerce(priors: tuple[Prior, ...], particles: np.ndarray) -> pd.DataFrame:
    """Particles as the model takes them: one column per parameter, integers rounded."""
    cols = {}
    for j, p in enumerate(priors):
        vals = [p.coerce(v) for v in particles[:, j]]
        cols[p.name] = np.asarray(vals, dtype=np.int64 if p.is_int else float)
    return pd.DataFrame(cols)


def point_estimate(cfg: CalibrationConfig, particles: np.ndarray, w: np.ndarray,
                   exact_map: dict[str, float] | None = None) -> dict[str, Any]:
    """Posterior median of each marginal, or the particle of highest posterior density:
    on a surrogate the density is known (`exact_map`, the chain's best draw), else a kernel
    density estimate over the particles stands in for it."""
    if cfg.point == "map" and exact_map is not None:
        return {p.name: p.coerce(exact_map[p.name]) for p in cfg.priors}
    if cfg.point == "map" and len(particles) > len(cfg.priors) + 1:
        span = np.array([p.high - p.low for p in cfg.priors])
        z = (particles / span).T
        try:
            dens = gaussian_kde(z, weights=w)(z)
            best = particles[int(np.argmax(dens))]
            return {p.name: p.coerce(v) for p, v in zip(cfg.priors, best, strict=True)}
        except np.linalg.LinAlgError:
            pass  # a degenerate cloud (e.g. one distinct particle): fall back to the median
    return {p.name: p.coerce(wquantile(particles[:, j], w, 0.5))
            for j, p in enumerate(cfg.priors)}


def write_posterior(path: Path, priors: tuple[Prior, ...], particles: np.ndarray,
                    w: np.ndarray, calibration_id: str, scenario: str, code: str = "",
                    measures: list[str] | None = None) -> None:
    """The particles, with the fingerprint of the rules they were fitted to (stale.py):
    the run behind it pins the free parameters to the first particle's values, and hashes
    `measures` (today's when not given), which are recorded beside it."""
    df = coerce(priors, particles)
    df["weight"] = np.asarray(w, float) / np.sum(w)
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    pins = stale.first_particle(df)
    measures = measures or stale.rules_measures(scenario, pins)
    rules = stale.rules_fingerprint(scenario, pins, measures)
    meta.update({b"calibration_id": calibration_id.encode(), b"scenario": scenario.encode(),
                 b"code_version": code.encode(), b"rules_fingerprint": rules.encode(),
                 b"rules_measures": json.dumps(measures).encode()})
    pq.write_table(table.replace_schema_metadata(meta), path)


def read_posterior(path: str | Path) -> tuple[pd.DataFrame, str]:
    """(particles with weight, calibration_id) of a posterior.parquet."""
    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    return table.to_pandas(), meta.get(b"calibration_id", b"").decode()


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def write_calibrated(path: Path, cfg: CalibrationConfig, values: dict[str, Any],
                     calibration_id: str, code: str = "",
                     measures: list[str] | None = None) -> None:
    label = "posterior median" if cfg.point == "median" else "MAP draw (highest posterior density)"
    measures = measures or stale.rules_measures(cfg.scenario, values)
    listed = [", ".join(_toml_value(m) for m in measures[i:i + 4])
              for i in range(0, len(measures), 4)]
    rules = stale.rules_fingerprint(cfg.scenario, values, measures)
    lines = ["# A calibrated parameter set, written by `run.py calibrate`.",
             "# Use it with: python run.py run --scenario " + cfg.scenario +
             " --params " + path.name,
             f"# Calibrated at {cfg.width} x {cfg.height} households, {cfg.steps} steps "
             f"({cfg.warmup} warm-up).", "",
             f"calibration_id = {_toml_value(calibration_id)}",
             f"code_version = {_toml_value(code)}  # the model code it was fitted to",
             f"point = {_toml_value(label)}",
             f"scenario = {_toml_value(cfg.scenario)}",
             f"rules_fingerprint = {_toml_value(rules)}"
             "  # the rules it was fitted to (free parameters set to these values)",
             "# the measures those rules were checked on (a measure added later does not count)",
             "rules_measures = [", *(f"    {row}," for row in listed), "]",
             "", "[params]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def predictive(cfg: CalibrationConfig, simulator: Simulator, particles: np.ndarray,
               w: np.ndarray, pool: Executor, out: Path, calibration_id: str) -> pd.DataFrame:
    """Fresh runs at draws from the posterior (weighted), every usable target's statistic.

    Kept in predictive.parquet and reused when the calibration has not changed.
    """
    path = out / "predictive.parquet"
    if path.exists():
        old, cid = read_posterior(path)
        if cid == calibration_id and len(old) == cfg.predictive_draws:
            return old
    rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(PREDICTIVE_STREAM,)))
    if cfg.predictive_draws == 0:
        return pd.DataFrame()
    idx = rng.choice(len(particles), size=cfg.predictive_draws, p=w / w.sum())
    names = [p.name for p in cfg.priors]
    futs = [pool.submit(simulator.run_all, dict(zip(names, particles[i], strict=True)),
                        seeds(cfg.seed, PREDICTIVE_STREAM, 0, k)[1])
            for k, i in enumerate(idx)]
    rows = [f.result() for f in futs]
    df = pd.concat([coerce(cfg.priors, particles[idx]).reset_index(drop=True),
                    pd.DataFrame(rows)], axis=1)
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"calibration_id": calibration_id.encode()}), path)
    return df


def target_table(targets: TargetSet, pred: pd.DataFrame) -> list[dict[str, Any]]:
    """Observed against posterior predictive, per target (held-out ones marked).

    "consistent": the observed value lies within 2 combined SDs of the predictive median
    (the target's sigma and the predictive spread): a declared rule, not a test.
    """
    rows = []
    for t in targets.targets:
        row: dict[str, Any] = {"name": t.name, "observed": t.value, "sigma": t.sigma,
                               "held_out": t.held_out,
                               "skipped": bool(t.missing_measures()) or not t.expressible,
                               "why_not": t.why_not}
        if not row["skipped"] and t.name in pred and len(pred):
            v = pred[t.name].to_numpy(float)
            v = v[np.isfinite(v)]
            if len(v):
                lo, med, hi = np.quantile(v, [CI[0], 0.5, CI[1]])
                sd = float(np.std(v))
                row.update(median=float(med), ci=[float(lo), float(hi)], sd=sd,
                           consistent=bool(abs(med - t.value) <= 2 * math.hypot(t.sigma, sd)))
        rows.append(row)
    return rows


def write_all(cfg: CalibrationConfig, targets: TargetSet, out: Path, manifest: dict[str, Any],
              particles: np.ndarray, w: np.ndarray, pred: pd.DataFrame) -> None:
    cid = manifest["calibration_id"]
    w = w / w.sum()
    code = str(manifest.get("code_version", ""))
    measures = manifest.get("rules_measures")
    write_posterior(out / "posterior.parquet", cfg.priors, particles, w, cid, cfg.scenario, code,
                    measures)
    mcmc = manifest.get("mcmc") or {}
    point = point_estimate(cfg, particles, w, mcmc.get("map"))
    write_calibrated(out / "calibrated.toml", cfg, point, cid, code, measures)
    # a chain's draws are equally weighted but not independent: its ESS is the sampler's
    ess = float(mcmc["ess"]) if mcmc else effective_sample_size(w)
    manifest["ess"], manifest["n_particles"] = ess, len(w)
    manifest["parameters"] = parameter_table(cfg.priors, particles, w, ess)
    manifest["targets"] = target_table(targets, pred)
    manifest["point"] = point
    manifest["warnings"] = size_warnings(cfg, ess, len(pred), len(w))
    if not manifest.get("final", True):
        manifest["warnings"].insert(0, "the posterior is not final: the calibration "
                                    f"{manifest['stop_reason']}; run again with looser safety "
                                    "limits to continue it")
    report.write(cfg, targets, out, manifest, particles, w, pred)
