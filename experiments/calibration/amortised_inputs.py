"""What a community gives the amortised network (amortised.py): its figures and its profile,
checked and put in the form the network was trained on.

Kept apart from the training code so the checks a researcher's input meets can be read in
one place: each figure is matched to a statistic by what it measures (not by its name),
must be a share within reach of the design's runs and carry an error in the trained range;
each profile parameter must lie in the trained box. Anything else is refused with one
paragraph, since the network would answer it with a confident extrapolation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration import targets as targets_mod
from model.errors import InputError


def design_ranges(folder: Path, meta: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Each statistic's range over the design's runs: a figure far outside it asks the
    network to extrapolate, where a confident posterior would mean nothing."""
    path = folder / "design.parquet"
    if not path.is_file():
        return {}
    df = pd.read_parquet(path, columns=list(meta["statistics"]))
    return {s: (float(df[s].min()), float(df[s].max())) for s in meta["statistics"]}


def figures_vector(meta: Mapping[str, Any], figures: targets_mod.TargetSet,
                   ranges: Mapping[str, tuple[float, float]] | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The figures as the network reads them: values, errors, presence (one row), and the
    name of the statistic each figure was matched to.

    Every statistic the network knows is a share, so a value in percent (48 for 48%) or
    outside [0, 1] is refused; so is one further than three of its errors from anything the
    design's runs produced (`ranges`), where the network would extrapolate."""
    sigs = list(meta["signatures"])
    x = np.zeros(len(sigs), "float32")
    s = np.zeros(len(sigs), "float32")
    m = np.zeros(len(sigs), bool)
    matched = []
    lo, hi = meta["sigma"]
    for t in figures.targets:
        if t.held_out:
            continue
        sig = t.signature
        if sig not in sigs:
            known = "; ".join(sorted(_readable(q) for q in sigs))
            raise InputError(f"figure {t.name!r}: the network knows no statistic {sig} "
                             "(measures, reduce, denominator) under the baseline's own "
                             f"conditions; it knows: {known}. Leave it out, or mark it "
                             "held_out = true.")
        j = sigs.index(sig)
        if m[j]:
            raise InputError(f"figure {t.name!r}: a second figure of the same statistic "
                             f"({meta['statistics'][j]}); give each statistic once.")
        if not lo <= t.sigma <= hi:
            fix = "widen mapping_sd" if t.sigma < lo else "narrow mapping_sd if it allows"
            raise InputError(f"figure {t.name!r}: its error (sigma = {t.sigma:.3g}, from se "
                             f"and mapping_sd) lies outside the errors the network was "
                             f"trained for, {lo} to {hi}; {fix}, or train again with a "
                             "wider range.")
        if t.unit != "share" or not 0.0 <= t.value <= 1.0:
            raise InputError(f"figure {t.name!r}: value = {t.value:g} (unit {t.unit!r}); the "
                             "network's statistics are shares, so give the value as a share "
                             "from 0 to 1 (0.48 for 48%) with unit = \"share\".")
        stat = meta["statistics"][j]
        if ranges and stat in ranges:
            low, high = ranges[stat]
            if not low - 3 * t.sigma <= t.value <= high + 3 * t.sigma:
                raise InputError(f"figure {t.name!r}: value = {t.value:g} lies more than "
                                 f"three errors (sigma = {t.sigma:.3g}) outside what any of "
                                 f"the design's communities produced for {stat} ({low:.3g} "
                                 f"to {high:.3g}); the network would extrapolate. Check the "
                                 "figure, or leave it out.")
        x[j], s[j], m[j] = t.value, t.sigma, True
        matched.append(f"{t.name} -> {meta['statistics'][j]}")
    if not m.any():
        raise InputError("the figures file has no fitted figure the network can use; give at "
                         "least one (held_out = false).")
    return x[None], s[None], m[None], matched


def _readable(signature_json: str) -> str:
    measures, reduce, denominator = json.loads(signature_json)
    if reduce == "ratio":
        return f"{measures[0]} over ({' + '.join(denominator)})"
    return f"{reduce} of {', '.join(measures)}"


def profile_vector(meta: Mapping[str, Any], params: Mapping[str, Any]) -> np.ndarray:
    """The profile's parameters on the trained box; a value outside it is refused (the
    network would extrapolate)."""
    out = []
    for name, lo, hi in meta["profile"]:
        v = float(params[name])
        if not lo <= v <= hi:
            raise InputError(f"community parameter {name} = {v:.4g} lies outside the range "
                             f"the network was trained on, {lo} to {hi} "
                             "(experiments/configs/calibrate_community_design.toml); its "
                             "posterior would be an extrapolation.")
        out.append((v - lo) / (hi - lo))
    return np.array([out], "float32")
