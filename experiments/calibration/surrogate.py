"""The surrogate the ABC runs on: two waves of real runs, two fits, and their checks.

One run in eight of each wave (index % HOLD == HOLD - 1) is held back from the surrogate
that is checked, so the report can say how well it predicts runs it never saw: over the
whole prior (wave 0's held-back runs) and where the posterior lies (wave 1's). The surrogate
the ABC uses is then conditioned on every run, with the checked one's hyperparameters.
"""

from __future__ import annotations

import pickle
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from experiments.calibration import design, emulator
from experiments.calibration.config import CalibrationConfig
from experiments.calibration.sampler import DESIGN_STREAM
from experiments.calibration.simulate import Simulator
from experiments.calibration.targets import TargetSet

HOLD = 8
CACHE = "surrogate.pkl"


def _held(df: pd.DataFrame) -> np.ndarray:
    return (df["index"].to_numpy() % HOLD) == HOLD - 1


def _fit(cfg: CalibrationConfig, names: list[str], df: pd.DataFrame, salt: int,
         pool: Executor | None = None) -> emulator.Emulator:
    params = [p.name for p in cfg.priors]
    lo = np.array([p.low for p in cfg.priors])
    hi = np.array([p.high for p in cfg.priors])
    return emulator.fit(names, lo, hi, df[params].to_numpy(float),
                        {n: df[n].to_numpy(float) for n in names}, cfg.seed % 2**31 + salt,
                        pool)


def _check(cfg: CalibrationConfig, em: emulator.Emulator, df: pd.DataFrame
           ) -> dict[str, dict[str, float]]:
    params = [p.name for p in cfg.priors]
    return emulator.check(em, df[params].to_numpy(float),
                          {n: df[n].to_numpy(float) for n in em.names})


def condition_all(em: emulator.Emulator, cfg: CalibrationConfig, df: pd.DataFrame
                  ) -> emulator.Emulator:
    """The same hyperparameters, conditioned on every run (held-back ones too)."""
    from sklearn.gaussian_process import GaussianProcessRegressor

    params = [p.name for p in cfg.priors]
    unit = em.unit(df[params].to_numpy(float))
    stats = []
    for s in em.stats:
        y = df[s.name].to_numpy(float)
        ok = np.isfinite(y)
        gp = GaussianProcessRegressor(s.gp.kernel_, normalize_y=True, optimizer=None)
        gp.fit(unit[ok], y[ok])
        stats.append(emulator.StatisticGP(s.name, gp))
    return emulator.Emulator(em.names, em.low, em.high, tuple(stats))


def refine_points(cfg: CalibrationConfig, targets: TargetSet, em: emulator.Emulator
                  ) -> tuple[np.ndarray, dict[str, Any]]:
    """Wave 1: candidates the first surrogate cannot rule out, a seeded random choice."""
    sur = cfg.surrogate
    assert sur is not None
    cand = design.hypercube(cfg.priors, sur.candidates, cfg.seed, 1)
    fitted = {t.name: t for t in targets.fitted()}
    obs = np.array([fitted[n].value for n in em.names])
    sig = np.array([fitted[n].sigma for n in em.names])
    imp = np.concatenate([em.implausibility(chunk, obs, sig)
                          for chunk in np.array_split(cand, max(1, len(cand) // 2000))])
    keep = np.flatnonzero(imp < sur.cutoff)
    rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(DESIGN_STREAM, 9)))
    if len(keep) >= sur.refine:
        chosen = np.sort(rng.choice(keep, size=sur.refine, replace=False))
    else:  # too few plausible candidates: the least implausible ones
        chosen = np.sort(np.argsort(imp, kind="stable")[:sur.refine])
    info = {"candidates": len(cand), "not_ruled_out": len(keep),
            "share_not_ruled_out": float(len(keep) / len(cand)), "cutoff": sur.cutoff,
            "refine_from_least_implausible": bool(len(keep) < sur.refine)}
    return cand[chosen], info


def _drop_changed(done: pd.DataFrame, wave: int, points: np.ndarray, params: list[str]
                  ) -> pd.DataFrame:
    """Stored runs of `wave` whose values are not this wave's point any more are dropped
    (the refining wave depends on the surrogate's settings)."""
    if done.empty:
        return done
    mine = done["wave"].to_numpy() == wave
    idx = done.loc[mine, "index"].to_numpy()
    same = np.zeros(len(done), bool)
    same[~mine] = True
    ok = idx < len(points)
    rows = np.flatnonzero(mine)
    match = np.zeros(len(idx), bool)
    match[ok] = np.all(np.isclose(done.loc[mine, params].to_numpy(float)[ok],
                                  points[idx[ok]], rtol=0, atol=1e-12), axis=1)
    same[rows[match]] = True
    return done[same].reset_index(drop=True)


def build(cfg: CalibrationConfig, targets: TargetSet, simulator: Simulator, out: Path,
          key: str, pool: Executor, stream: TextIO) -> tuple[emulator.Emulator, dict[str, Any]]:
    """Run (or finish) both waves, fit and check; kept in out/surrogate.pkl by `key`."""
    sur = cfg.surrogate
    assert sur is not None
    cache = out / CACHE
    if cache.exists():
        try:
            stored = pickle.loads(cache.read_bytes())
            if stored.get("key") == (key, sur):
                return stored["emulator"], stored["info"]
        except Exception:  # a damaged cache costs a refit, never a run
            pass
    params = [p.name for p in cfg.priors]
    names = [t.name for t in targets.fitted()]
    done = design.read(out, key)
    pts0 = design.hypercube(cfg.priors, sur.design, cfg.seed, 0)
    done = _drop_changed(done, 0, pts0, params)
    df = design.run_wave(simulator, pts0, 0, cfg.seed, out, key, pool, stream, done)
    w0 = df[df["wave"] == 0]
    print("fitting the first surrogate ...", file=stream, flush=True)
    em0 = _fit(cfg, names, w0[~_held(w0)], 0, pool)
    info: dict[str, Any] = {"design_runs": len(w0), "check_prior": _check(
        cfg, em0, w0[_held(w0)])}
    if sur.refine:
        pts1, info["refine"] = refine_points(cfg, targets, em0)
        df = _drop_changed(df, 1, pts1, params)
        df = design.run_wave(simulator, pts1, 1, cfg.seed, out, key, pool, stream, df)
    w1 = df[df["wave"] == 1]
    print("fitting the surrogate ...", file=stream, flush=True)
    em = _fit(cfg, names, df[~_held(df)], 1, pool)
    info["refine_runs"] = len(w1)
    info["check_prior_final"] = _check(cfg, em, w0[_held(w0)])
    if len(w1):
        info["check_posterior_region"] = _check(cfg, em, w1[_held(w1)])
    em = condition_all(em, cfg, df)
    check = info.get("check_posterior_region") or info["check_prior_final"]
    em.error = np.array([check[n]["rmse"] for n in em.names])
    info["kernels"] = {s.name: str(s.gp.kernel_) for s in em.stats}
    tmp = out / (CACHE + ".tmp")
    tmp.write_bytes(pickle.dumps({"key": (key, sur), "emulator": em, "info": info}))
    tmp.replace(cache)
    return em, info
