"""Run (or continue) a calibration: ABC-SMC with pyabc, one generation at a time.

The acceptance step is stochastic, with the targets' errors as its kernel and a temperature
lowered to 1 (stochastic.py). Every generation starts from pyabc's database (abc.db in the
output folder): a fresh ABCSMC object loads the last finished population, fits its
transition, and rebuilds the temperature, the acceptor's normalisation and the population
size from what the database holds, then samples one generation. An uninterrupted run and one
killed and resumed therefore take the same path, and a kill loses at most the generation in
flight.

The calibration is final when the temperature has reached 1 and the last generation's
effective sample size is at least min_ess. Safety limits (generations, simulations, wall
time summed over sessions, acceptance rate) stop it early, and then the result says plainly
that the posterior is not final. The wall-time limit also cuts a generation short.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pyabc

from experiments.calibration import mcmc, outputs, stochastic, surrogate
from experiments.calibration import targets as targets_mod
from experiments.calibration.config import CalibrationConfig
from experiments.calibration.emulator import Emulator
from experiments.calibration.sampler import OrderedSampler, current_seed
from experiments.calibration.simulate import Simulator
from experiments.calibration.summary import config_warnings
from experiments.calibration.targets import TargetSet
from experiments.running.executors import default_workers, make_executor
from experiments.running.provenance import code_version, git_commit, package_versions
from experiments.running.store import Store
from experiments.specify import stale
from model.errors import InputError

MANIFEST = "calibration.json"
DB = "abc.db"
logging.getLogger("ABC").setLevel(logging.WARNING)


class PyabcModel:
    """The simulator as pyabc calls it: parameters in, statistics out, seeded by the task."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    def __call__(self, pars: dict[str, float]) -> dict[str, float]:
        stats = self.simulator.run(dict(pars), current_seed())
        return {k: stats[k] for k in self.fitted}

    @property
    def fitted(self) -> list[str]:
        return [t.name for t in self.simulator.targets.fitted()]


class Progress:
    """Generation, epsilon, acceptance, simulations so far and time left, on one line."""

    def __init__(self, stream: TextIO, stop, sims_before: int, elapsed_before: float) -> None:
        self.stream, self.stop = stream, stop
        self.sims_before, self.elapsed_before = sims_before, elapsed_before
        self.sims_start = sims_before  # for the pace: simulations run in this session
        self.t0 = time.monotonic()
        self.last = 0.0
        self.eps_of: Any = None  # the temperature of the generation under way
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def elapsed(self) -> float:
        return self.elapsed_before + time.monotonic() - self.t0

    def time_left(self, total_sims: int) -> str:
        wall_left = self.stop.max_wall_minutes * 60 - self.elapsed()
        rate = (total_sims - self.sims_start) / max(time.monotonic() - self.t0, 1e-9)
        sims_left = (self.stop.max_simulations - total_sims) / rate if rate > 0 else math.inf
        return f"at most ~{max(0.0, min(wall_left, sims_left)):.0f}s"

    def tick(self, info: dict[str, Any]) -> None:
        now = time.monotonic()
        if not (self.tty or now - self.last >= 2):
            return
        self.last = now
        total = self.sims_before + info["evaluated"]
        rate = info["accepted"] / info["evaluated"] if info["evaluated"] else math.nan
        temps = getattr(self.eps_of, "temperatures", {})
        eps = temps.get(info["t"], math.nan)
        line = (f"generation {info['t']} (temperature {eps:.3g}): accepted "
                f"{info['accepted']}/{info['n']}, "
                f"acceptance {rate:.2f}, simulations {total}; elapsed {self.elapsed():.0f}s, "
                f"time left {self.time_left(total)}")
        print(("\r" if self.tty else "") + line, end="" if self.tty else "\n",
              file=self.stream, flush=True)

    def generation(self, row: dict[str, Any]) -> None:
        if self.tty:
            print(file=self.stream)
        print(f"generation {row['t']} done: temperature {row['temperature']:.3g}, ESS "
              f"{row['ess']:.0f}, largest weight {row['max_weight']:.3f}, acceptance "
              f"{row['acceptance_rate']:.3f} ({row['particles']}/{row['samples']}), "
              f"simulations so far {row['total_simulations']}; elapsed {self.elapsed():.0f}s, "
              f"time left {self.time_left(row['total_simulations'])}",
              file=self.stream, flush=True)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str))
    os.replace(tmp, path)


def generations(history: pyabc.History) -> list[dict[str, Any]]:
    """One row per finished generation, from the database (the source of truth)."""
    if history.n_populations == 0:
        return []
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    total = int(history.total_nr_simulations) - int(pops.samples.sum())  # prior sample, if any
    rows = []
    for r in pops.itertuples():
        total += int(r.samples)
        rows.append({"t": int(r.t), "temperature": float(r.epsilon), "samples": int(r.samples),
                     "particles": int(r.particles),
                     "acceptance_rate": float(r.particles) / max(int(r.samples), 1),
                     "total_simulations": total,
                     **stochastic.generation_stats(history, int(r.t))})
    return rows


EARLY = "stopped early: the posterior is not final"


def is_final(cfg: CalibrationConfig, rows: list[dict[str, Any]]) -> bool:
    """Temperature 1 reached and the last generation's ESS at least min_ess."""
    return bool(rows) and rows[-1]["temperature"] <= 1.0 and (
        rows[-1]["ess"] >= cfg.stopping.min_ess)


def _stop_reason(cfg: CalibrationConfig, rows: list[dict[str, Any]], elapsed: float
                 ) -> str | None:
    s = cfg.stopping
    if not rows:
        return None
    last = rows[-1]
    if is_final(cfg, rows):
        return (f"final: the temperature reached 1 and the last generation's effective sample "
                f"size is {last['ess']:.0f} (min_ess {s.min_ess})")
    if len(rows) >= s.max_generations:
        return f"{EARLY} (reached max_generations, {s.max_generations})"
    if last["total_simulations"] >= s.max_simulations:
        return f"{EARLY} (reached max_simulations, {s.max_simulations})"
    if elapsed >= s.max_wall_minutes * 60:
        return f"{EARLY} (reached max_wall_minutes, {s.max_wall_minutes:g})"
    if len(rows) > 1 and last["acceptance_rate"] < s.min_acceptance_rate:
        return (f"{EARLY} (acceptance rate {last['acceptance_rate']:.3f} below "
                f"min_acceptance_rate {s.min_acceptance_rate:g})")
    return None


def _on_surrogate(cfg: CalibrationConfig, targets: TargetSet, em: Emulator,
                  manifest: dict[str, Any], fp: str, elapsed, stream: TextIO
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The posterior on the surrogate's likelihood (mcmc.py), in this process: the fitted
    processes (hundreds of MB) stay here; the result does not depend on the executor."""
    fitted = {t.name: t for t in targets.fitted()}
    observed = np.array([fitted[n].value for n in em.names])
    sigma = np.array([fitted[n].sigma for n in em.names])
    error = em.error if em.error is not None else np.zeros(len(em.names))
    budget = max(mcmc.CHUNK, cfg.stopping.max_simulations)  # steps, on the surrogate
    particles, info = mcmc.run(em, [p.name for p in cfg.priors], observed,
                               sigma ** 2 + error ** 2, cfg.seed, cfg.stopping.min_ess,
                               budget, stream)
    info["likelihood_sd"] = {n: float(v) for n, v in zip(
        em.names, np.sqrt(sigma ** 2 + error ** 2), strict=True)}
    reason = ("final: the chain is at least 50 autocorrelation times long and its effective "
              f"sample size is at least {cfg.stopping.min_ess}" if info["final"] else
              f"{EARLY} (the step budget, max_simulations = {budget}, ran out first)")
    print(f"stopped: {reason}", file=stream)
    manifest.update(status="finished", stop_reason=reason, mcmc=info, generations=[],
                    final=info["final"], elapsed_seconds=elapsed(),
                    finished=datetime.now(UTC).isoformat(timespec="seconds"),
                    calibration_id=f"{cfg.name}-{fp}-mcmc{info['steps']}")
    return particles, np.ones(len(particles))


def _recorded_measures(out: Path) -> list[str] | None:
    """The measures the calibration in `out` recorded with its rules (None: none recorded)."""
    return stale.recorded_measures(out / MANIFEST) if (out / MANIFEST).exists() else None


def _prepare_folder(out: Path, fingerprint: str, fresh: bool,
                    fitted: list[str] | None = None) -> dict[str, Any] | None:
    old = None
    if (out / MANIFEST).exists():
        old = json.loads((out / MANIFEST).read_text())
    if old is not None and old.get("fingerprint") != fingerprint and not fresh:
        raise InputError(f"output folder {str(out)!r} holds a calibration with another set-up "
                         "(config, targets or model code changed); run with --fresh to delete "
                         "it and start over, or give another --out.")
    # The fingerprint hashes the targets file, not which of its figures the model can
    # compute: a measure added since the folder began turns a skipped target into a fitted
    # one, and resuming would mix generations fitted to different figures.
    was = (old or {}).get("fitted")
    if was is not None and fitted is not None and was != fitted and not fresh:
        raise InputError(f"output folder {str(out)!r} holds a calibration fitted to other "
                         f"figures ({', '.join(sorted(set(was) ^ set(fitted)))} fitted in one "
                         "and not the other, since a measure was added or removed); run with "
                         "--fresh to delete it and start over, or give another --out.")
    if fresh or (old is None and (out / DB).exists()):
        for name in (MANIFEST, DB):
            (out / name).unlink(missing_ok=True)
        shutil.rmtree(out / "figures", ignore_errors=True)
        old = None
    out.mkdir(parents=True, exist_ok=True)
    return old


def calibrate(cfg: CalibrationConfig, out: str | Path | None = None,
              executor: str = "processes", workers: int | None = None,
              scheduler: str | None = None, fresh: bool = False,
              stream: TextIO | None = None, targets: TargetSet | None = None,
              emulator: Emulator | None = None) -> dict[str, Any]:
    """Run or continue the calibration `cfg` in folder `out`; write outputs; return manifest.
    A second calibration into a folder in use is refused (the store's folder lock).
    `targets` (other observed values of the same statistics) and a ready `emulator` are for
    the recovery study: synthetic figures, fitted on the shipped surrogate."""
    out = Path(out) if out is not None else cfg.output_dir()
    with Store(out).lock(f"run.py calibrate {cfg.source}"):
        return _calibrate(cfg, out, executor, workers, scheduler, fresh,
                          sys.stderr if stream is None else stream,
                          targets or targets_mod.load(cfg.targets_path), emulator)


def _calibrate(cfg: CalibrationConfig, out: Path, executor: str, workers: int | None,
               scheduler: str | None, fresh: bool, stream: TextIO, targets: TargetSet,
               ready: Emulator | None) -> dict[str, Any]:
    for line in [*targets.skipped_lines(), *config_warnings(cfg)]:
        print(f"warning: {line}", file=stream)
    code = code_version()
    # The rules the fit is valid for (stale.py): a new default of a fitted parameter, a
    # refactor or a new measure keeps a calibration folder and its design runs. The measures
    # that count are those the folder recorded when it began (all of today's when it is new,
    # or when it predates the record).
    measures = None if fresh else _recorded_measures(out)
    measures = measures or stale.rules_measures(cfg.scenario, cfg.midpoints())
    rules = stale.rules_fingerprint(cfg.scenario, cfg.midpoints(), measures)
    fp = cfg.fingerprint(targets.digest, rules)
    old = _prepare_folder(out, fp, fresh, [t.name for t in targets.fitted()])
    db_url = "sqlite:///" + str((out / DB).resolve())
    manifest: dict[str, Any] = {
        "name": cfg.name, "config_file": cfg.source, "fingerprint": fp, "code_version": code,
        "rules_fingerprint": rules, "rules_measures": measures,
        "git_commit": git_commit(), "packages": package_versions(), "root_seed": cfg.seed,
        "targets_file": cfg.targets_path, "targets_digest": targets.digest,
        "created": (old or {}).get("created", datetime.now(UTC).isoformat(timespec="seconds")),
        "run_id": (old or {}).get("run_id"), "elapsed_seconds": (old or {}).get(
            "elapsed_seconds", 0.0), "status": "running", "stop_reason": None,
        "executor": {"kind": executor, "workers": workers, "scheduler": scheduler},
        "skipped_targets": [t.name for t in targets.skipped()],
        "fitted": [t.name for t in targets.fitted()],
    }
    simulator = Simulator.from_config(cfg, targets)
    model = PyabcModel(simulator)
    prior = pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low)
                                  for p in cfg.priors})
    x0 = {t.name: t.value for t in targets.fitted()}
    elapsed_before = float(manifest["elapsed_seconds"])
    history = pyabc.History(db_url, _id=manifest["run_id"]) if manifest["run_id"] else None
    rows = generations(history) if history else []
    if rows:
        print(f"resuming in {out}: {len(rows)} finished generation(s) kept, "
              f"{rows[-1]['total_simulations']} simulations", file=stream)
    bar = Progress(stream, cfg.stopping, rows[-1]["total_simulations"] if rows else 0,
                   elapsed_before)
    slots = workers or default_workers()
    saved = [time.monotonic()]

    def on_tick(info: dict[str, Any]) -> None:
        """Show progress; every 10 s, record the time spent (a kill then loses little of it)."""
        bar.tick(info)
        if time.monotonic() - saved[0] >= 10 and manifest["run_id"] is not None:
            saved[0] = time.monotonic()
            manifest["elapsed_seconds"] = bar.elapsed()
            _write_json(out / MANIFEST, manifest)

    with make_executor(executor, workers, scheduler) as pool:
        em = ready
        if ready is not None:
            manifest["surrogate"] = {"given": True}
        elif cfg.surrogate is not None:
            key = manifest["surrogate_design_key"] = cfg.design_key(
                targets.statistics_digest(), rules)
            em, manifest["surrogate"] = surrogate.build(cfg, targets, simulator, out, key,
                                                        pool, stream)
        if em is not None:
            particles, w = _on_surrogate(cfg, targets, em, manifest, fp, bar.elapsed, stream)
        else:
            while (reason := _stop_reason(cfg, rows, bar.elapsed())) is None:
                deadline = time.monotonic() + cfg.stopping.max_wall_minutes * 60 - bar.elapsed()
                sampler = OrderedSampler(pool, cfg.seed, slots, deadline=deadline,
                                         progress=on_tick)
                kernel, acceptor, temperature = stochastic.build(targets, rows)
                size = stochastic.population_size(cfg.population_size,
                                                  cfg.stopping.max_population_size,
                                                  cfg.stopping.min_ess, rows)
                abc = pyabc.ABCSMC(model, prior, kernel, population_size=size, sampler=sampler,
                                   eps=temperature, acceptor=acceptor)
                if manifest["run_id"] is None:
                    history = abc.new(db_url, x0, meta_info={"calibration": cfg.name,
                                                             "fingerprint": fp})
                    manifest["run_id"] = history.id
                    _write_json(out / MANIFEST, manifest)
                else:
                    history = abc.load(db_url, manifest["run_id"])
                bar.sims_before = rows[-1]["total_simulations"] if rows else 0
                n_before = len(rows)
                bar.eps_of = abc.eps
                abc.run(max_nr_populations=1,
                        min_acceptance_rate=cfg.stopping.min_acceptance_rate)
                rows = generations(history)
                manifest["elapsed_seconds"] = bar.elapsed()
                _write_json(out / MANIFEST, manifest)
                if len(rows) == n_before:
                    reason = (f"{EARLY} (reached max_wall_minutes during a generation; it was "
                              "dropped)" if sampler.timed_out else
                              f"{EARLY} (the acceptance rate fell below min_acceptance_rate; the "
                              "generation was dropped)")
                    break
                bar.generation(rows[-1])
            if not rows:
                raise InputError(f"calibration {cfg.name!r} stopped before a first generation "
                                 f"finished ({reason}); raise max_wall_minutes or max_simulations.")
            print(f"stopped: {reason}", file=stream)
            manifest.update(status="finished", stop_reason=reason, generations=rows,
                            final=is_final(cfg, rows),
                            elapsed_seconds=bar.elapsed(),
                            finished=datetime.now(UTC).isoformat(timespec="seconds"))
            manifest["calibration_id"] = f"{cfg.name}-{fp}-g{rows[-1]['t']}"
            df, w = history.get_distribution(m=0, t=history.max_t)
            particles = df[[p.name for p in cfg.priors]].to_numpy(dtype=float)
        predictive = outputs.predictive(cfg, simulator, particles, np.asarray(w, float), pool,
                                        out, manifest["calibration_id"])
    outputs.write_all(cfg, targets, out, manifest, particles, np.asarray(w, float), predictive)
    _write_json(out / MANIFEST, manifest)
    return manifest
