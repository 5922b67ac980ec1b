"""Amortised posteriors: any community's figures, in seconds (issue 19, item 9).

Why: a calibration of one community on the simulator takes an hour of runs (design.py). A
neural posterior estimator trained once per model version over the prior *and* the space
of community profiles turns a community's profile and figures into a posterior in
seconds. The network learns p(free parameters | figures, their errors, the profile).

How, and why so:

- Training data come from the Gaussian-process surrogates (emulator.py) of the community
  design (`experiments/configs/calibrate_community_design.toml`: real runs over the shipped
  calibration's prior crossed with a box of profile parameters). The surrogates give each
  statistic's mean and its run-to-run spread at any point, so the network sees as many
  simulated communities as it needs (Wilkinson 2014; the surrogate's doubt is in the
  spread) while the simulator ran a few thousand times.
- A community gives some figures, not all, each with its own error. Each training draw
  therefore keeps a random subset of the statistics (at least one) and draws each kept
  one's stated error from [SIGMA_LOW, SIGMA_HIGH]; the network is told which statistics it
  has, their values and their errors (values and errors of missing ones are zero).
- Free parameters are learned on the logit of their place in the prior box (uniform
  priors: every draw is inside the box); the profile's parameters are conditions, scaled
  to [0, 1] by the profile box.
- A network is tied to the rules its design was run under and to the design itself
  (`network.json`); a command that finds none, or one made for other rules, says so and
  how long training takes.

The checks (simulation-based calibration, agreement with the shipped MCMC) are in
amortised_check.py; the command in cli/calibrate_cmd.py.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
from scipy.stats import qmc

from experiments.calibration import config as config_mod
from experiments.calibration import design, emulator
from experiments.calibration import targets as targets_mod
from experiments.calibration.amortised_inputs import design_ranges
from experiments.calibration.config import CalibrationConfig, Prior
from model.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "experiments" / "configs" / "calibrate_community_design.toml"
FOLDER = ROOT / "experiments" / "calibrations" / "community_design"
NETWORK, META = "network.keras", "network.json"
# The parameters a community profile sets (docs/COMMUNITIES.md); the rest of the config's
# priors are the free parameters the network infers.
PROFILE = ("share_age_60_plus", "share_age_18_34", "child_share", "party_member_share",
           "move_out_rate", "org_initial_density")
SIGMA_LOW, SIGMA_HIGH = 0.01, 0.15  # stated errors a figure may have (shares)
KEEP = 0.6  # chance that a statistic is among a training draw's figures
POINTS = 40_000  # surrogate points the network trains on (fresh errors and subsets each epoch)
EPOCHS, BATCH = 150, 256  # 60 at first: its fatigue_rate posterior was too wide (SBC)
SEED = 20261206
EPS = 1e-4


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


@dataclass(frozen=True)
class Space:
    """What the network maps: statistics (with their definitions), free and profile priors."""

    statistics: tuple[str, ...]
    signatures: tuple[str, ...]
    free: tuple[Prior, ...]
    profile: tuple[Prior, ...]


def space(cfg: CalibrationConfig | None = None) -> Space:
    cfg = cfg or config_mod.load(CONFIG)
    ts = targets_mod.load(cfg.targets_path)
    seen: dict[str, str] = {}
    for t in ts.plain():
        if t.expressible and not t.missing_measures():
            seen.setdefault(t.signature, t.name)  # one column per distinct statistic
    free = tuple(p for p in cfg.priors if p.name not in PROFILE)
    prof = tuple(p for n in PROFILE for p in cfg.priors if p.name == n)
    return Space(tuple(seen.values()), tuple(seen), free, prof)


def _unit(priors: tuple[Prior, ...], values: np.ndarray) -> np.ndarray:
    return design.to_unit(priors, values)


def _logit(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, EPS, 1 - EPS)
    return np.log(u) - np.log1p(-u)


def design_key(folder: Path = FOLDER) -> str:
    """The key the community design's runs are stored under (empty when it has none)."""
    return json.loads((folder / "calibration.json").read_text()).get("surrogate_design_key", "")


def surrogates(cfg: CalibrationConfig, sp: Space, folder: Path, stream: TextIO
               ) -> tuple[emulator.Emulator, pd.DataFrame]:
    """One Gaussian process per statistic, fitted on the design's runs less one in eight
    (held back for the real-run check), and the design itself."""
    key = design_key(folder)
    df = design.read(folder, key) if key else pd.DataFrame()
    if df.empty:
        raise InputError(f"no design runs in {folder}: run `python run.py calibrate "
                         f"{_rel(CONFIG)} --out {_rel(FOLDER)}` first "
                         "(about 3,000 runs, 30-60 minutes on 2 cores).")
    fit = df[~held_back(df)]
    names = [p.name for p in cfg.priors]
    lo = np.array([p.low for p in cfg.priors])
    hi = np.array([p.high for p in cfg.priors])
    print(f"fitting {len(sp.statistics)} surrogates on {len(fit)} design runs ...",
          file=stream, flush=True)
    em = emulator.fit(list(sp.statistics), lo, hi, fit[names].to_numpy(float),
                      {s: fit[s].to_numpy(float) for s in sp.statistics}, SEED % 2**31)
    return em, df


def held_back(df: pd.DataFrame) -> np.ndarray:
    return (df["index"].to_numpy() % 8) == 7


def training_points(cfg: CalibrationConfig, sp: Space, em: emulator.Emulator, n: int,
                    seed: int) -> dict[str, np.ndarray]:
    """n points over the whole box: free parameters (logit), profile (unit), and each
    statistic's surrogate mean and spread there."""
    rng = np.random.default_rng(seed)
    unit = qmc.LatinHypercube(d=len(cfg.priors), rng=rng).random(n)
    values = design.to_params(cfg.priors, unit)
    mean, sd = [], []
    for chunk in np.array_split(np.arange(n), max(1, n // 2000)):
        m, s = em.predict(values[chunk])
        mean.append(m)
        sd.append(s)
    pos = {p.name: j for j, p in enumerate(cfg.priors)}
    return {"theta": _logit(unit[:, [pos[p.name] for p in sp.free]]).astype("float32"),
            "profile": unit[:, [pos[p.name] for p in sp.profile]].astype("float32"),
            "mean": np.vstack(mean).astype("float32"), "sd": np.vstack(sd).astype("float32")}


def conditions(values: np.ndarray, sigma: np.ndarray, mask: np.ndarray,
               profile: np.ndarray) -> np.ndarray:
    """What the network reads: each statistic's value, error and presence, then the
    profile (rows: communities)."""
    m = mask.astype("float32")
    return np.concatenate([values * m, sigma * m, m, profile], axis=1).astype("float32")


class Augment:
    """Fresh figures for every batch: a subset of the statistics, their errors, and
    observations drawn around the surrogate's mean with its spread and the error."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        mean, sd = batch["mean"], batch["sd"]
        rng = self.rng
        mask = rng.random(mean.shape) < KEEP
        mask[np.arange(len(mask)), rng.integers(0, mean.shape[1], len(mask))] = True
        sigma = rng.uniform(SIGMA_LOW, SIGMA_HIGH, mean.shape)
        x = mean + rng.standard_normal(mean.shape) * np.sqrt(sd ** 2 + sigma ** 2)
        return {"theta": batch["theta"],
                "conditions": conditions(x, sigma, mask, batch["profile"])}


def _keras():
    # JAX, whatever the environment says: the stored network was trained and checked on it,
    # and torch's CPU wheels are not on this project's dependency list
    os.environ["KERAS_BACKEND"] = "jax"
    # bayesflow's import calls logging.basicConfig(level=INFO), which makes every library
    # chatty (Mesa then logs each model step: 1,144 lines in one study). A handler placed
    # on the root logger for the import makes that call a no-op; afterwards the root logger
    # is as it was and bayesflow and jax keep only their warnings.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = logging.NullHandler()
    root.addHandler(quiet)
    try:
        import bayesflow as bf
        import keras
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    for name in ("bayesflow", "jax"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return bf, keras


def workflow(seed: int | None = SEED):
    """The network's workflow. Training seeds Keras (which also seeds Python's and numpy's
    global generators: fine in the training process, which owns them); loading a trained
    network for posteriors passes seed=None, since sampling takes its own seed and a
    researcher's process must not have its global random state reset by a library call."""
    bf, keras = _keras()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return bf.BasicWorkflow(inference_network=bf.networks.CouplingFlow(),
                            inference_variables=["theta"], inference_conditions=["conditions"],
                            standardize=["inference_variables", "inference_conditions"])


def train(folder: Path = FOLDER, points: int = POINTS, epochs: int = EPOCHS,
          stream: TextIO | None = None, config: Path = CONFIG) -> dict[str, Any]:
    """Fit the surrogates, train the network, store both's record beside the design."""
    import sys

    stream = stream or sys.stderr
    cfg = config_mod.load(config)
    sp = space(cfg)
    start = time.monotonic()
    em, df = surrogates(cfg, sp, folder, stream)
    data = training_points(cfg, sp, em, points, SEED)
    val = training_points(cfg, sp, em, 2000, SEED + 1)
    aug = Augment(SEED + 2)
    wf = workflow()
    print(f"training on {points} surrogate points x {epochs} epochs ...", file=stream,
          flush=True)
    valid = Augment(SEED + 3)(val)
    wf.fit_offline({k: data[k] for k in ("theta", "profile", "mean", "sd")}, epochs=epochs,
                   batch_size=BATCH, augmentations=aug, validation_data=valid,
                   verbose=2)  # a line per epoch: long work shows its progress
    wf.estimator.save(str(folder / NETWORK))
    manifest = json.loads((folder / "calibration.json").read_text())
    meta = {"design_key": manifest.get("surrogate_design_key"),
            "rules_fingerprint": manifest.get("rules_fingerprint"),
            "rules_measures": manifest.get("rules_measures"),
            "statistics": list(sp.statistics), "signatures": list(sp.signatures),
            "free": [[p.name, p.low, p.high] for p in sp.free],
            "profile": [[p.name, p.low, p.high] for p in sp.profile],
            "config": _rel(config), "design_runs": len(df), "points": points,
            "epochs": epochs, "seed": SEED,
            "sigma": [SIGMA_LOW, SIGMA_HIGH], "keep": KEEP,
            "surrogate_check": _check(em, cfg, df, sp),
            "seconds": round(time.monotonic() - start, 1)}
    (folder / META).write_text(json.dumps(meta, indent=2))
    return meta


def _check(em: emulator.Emulator, cfg: CalibrationConfig, df: pd.DataFrame, sp: Space
           ) -> dict[str, dict[str, float]]:
    """R^2, RMSE and 90% coverage of each surrogate on the held-back real runs."""
    back = df[held_back(df)]
    names = [p.name for p in cfg.priors]
    chk = emulator.check(em, back[names].to_numpy(float),
                         {s: back[s].to_numpy(float) for s in sp.statistics})
    return {s: {k: round(v[k], 4) for k in ("r2", "rmse", "coverage90")}
            for s, v in chk.items()}


@contextlib.contextmanager
def _global_random_kept() -> Iterator[None]:
    """Keras draws seeds for new layers and generators from Python's global generator (and
    may touch numpy's); a researcher's script that uses either must see them unchanged."""
    py, legacy = random.getstate(), np.random.get_state()  # noqa: NPY002
    try:
        yield
    finally:
        random.setstate(py)
        np.random.set_state(legacy)  # noqa: NPY002


@dataclass
class Network:
    """A trained network and what it was trained for."""

    workflow: Any
    meta: dict[str, Any]
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def free(self) -> list[Prior]:
        return [Prior(n, lo, hi) for n, lo, hi in self.meta["free"]]

    @property
    def profile(self) -> list[Prior]:
        return [Prior(n, lo, hi) for n, lo, hi in self.meta["profile"]]

    def sample(self, cond: np.ndarray, draws: int, seed: int) -> np.ndarray:
        """Free parameters (draws x parameters) for each row of `cond` (rows x draws x F)."""
        with _global_random_kept():
            z = self.workflow.sample(num_samples=draws, conditions={"conditions": cond},
                                     seed=seed)["theta"]
        u = 1.0 / (1.0 + np.exp(-np.asarray(z, float)))
        lo = np.array([p.low for p in self.free])
        hi = np.array([p.high for p in self.free])
        return lo + u * (hi - lo)


def load_network(folder: Path | None = None) -> Network:
    """The stored network, refused with the command and the time to train when missing or
    made for other model rules."""
    from experiments.specify import stale

    folder = folder or FOLDER
    meta_path, net = folder / META, folder / NETWORK
    how = (f"train it with `python -m experiments.calibration.amortised train` (about "
           "11 minutes on 2 cores, after the community design's runs: `python run.py "
           f"calibrate {_rel(CONFIG)} --out {_rel(FOLDER)}`, "
           "30-60 minutes)")
    if not (meta_path.is_file() and net.is_file()):
        raise InputError(f"no trained network in {folder} for community posteriors; {how}.")
    meta = json.loads(meta_path.read_text())
    cfg = config_mod.load(ROOT / meta.get("config", CONFIG))
    now = stale.rules_fingerprint(cfg.scenario, cfg.midpoints(), meta.get("rules_measures"))
    if now != meta.get("rules_fingerprint"):
        raise InputError(f"the network in {folder} was trained for model rules "
                         f"{meta.get('rules_fingerprint')}, but this model's rules are {now}: "
                         f"its posteriors would not describe this model; {how}, after "
                         "running the design again for these rules.")
    _, keras = _keras()
    with _global_random_kept():
        wf = workflow(None)
        wf.estimator = keras.saving.load_model(str(net))
    return Network(wf, meta, design_ranges(folder, meta))


def main(argv: list[str] | None = None) -> int:
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] != ["train"]:
        print("usage: python -m experiments.calibration.amortised train", file=sys.stderr)
        return 2
    try:
        meta = train()
    except InputError as err:  # no design yet, or made for other rules: one paragraph
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"trained in {meta['seconds']:.0f} s; stored in {FOLDER}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
