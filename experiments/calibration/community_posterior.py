"""`run.py calibrate --community PROFILE --figures FIGURES`: one community's posterior from
the amortised network (amortised.py), in seconds.

The profile (docs/COMMUNITIES.md) gives the community's composition, which the network
reads as conditions; the figures file (the targets format, docs/CALIBRATION.md) gives its
own figures, each matched to a statistic the network knows by what it measures. Out come
the posterior of the free parameters (posterior.parquet, equally weighted draws, usable by
experiments as any posterior) and its median (calibrated.toml, for `run.py run/compare
--params ... --community PROFILE`).

`staff_capacity` is capacity per 100 households, whatever the grids, so the value the
network infers is the one this community's runs need: that is what the command prints.
The files hold the value the profile scales from (community.py multiplies
`staff_capacity` by its staffing per household against the reference's), so that
`--params FILE --community PROFILE` gives back exactly what was printed; their prior box
is scaled the same way, so no draw is clipped.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from experiments.calibration import amortised as am
from experiments.calibration import amortised_inputs as ai
from experiments.calibration import config as config_mod
from experiments.calibration import outputs
from experiments.calibration import targets as targets_mod
from experiments.running.provenance import code_version
from experiments.specify.community import load_profile
from governance import validate

SCALED = ("staff_capacity",)  # free parameters a profile multiplies (community.py)
UNTRAINED = (*(f"household_size_{k}" for k in range(1, 6)), "enterprise_count")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "community"


def calibrate_community(profile_path: Path, figures_path: Path, out: Path | None,
                        draws: int, seed: int, stream: TextIO) -> dict[str, Any]:
    start = time.monotonic()
    prof = load_profile(profile_path)
    if not Path(figures_path).is_file():
        from model.errors import InputError

        raise InputError(f"option '--figures' names {str(figures_path)!r}, which is not a "
                         "file; give a targets file (docs/CALIBRATION.md, 'Targets') with "
                         "the community's own figures.")
    figures = targets_mod.load(figures_path)
    net = am.load_network()
    default = validate({})
    given = prof.params(None)
    params = {**default, **given}  # a figure the profile leaves out keeps the default
    pv = ai.profile_vector(net.meta, params)
    untrained = sorted(n for n in UNTRAINED if n in given and given[n] != default[n])
    if untrained:
        print("note: the network was trained with the default "
              + ", ".join(untrained) + "; this profile's values are used by runs, not by the "
              "posterior (docs/COMMUNITIES.md, what is not covered yet).", file=stream)
    x, s, m, matched = ai.figures_vector(net.meta, figures, net.ranges)
    sample = net.sample(am.conditions(x, s, m, pv), draws, seed)[0]
    names = [p.name for p in net.free]
    cfg = config_mod.load(am.ROOT / net.meta["config"])
    base, priors = sample.copy(), list(net.free)
    factor = {}
    for n in (n for n in SCALED if n in names):
        j, profile_factor = names.index(n), prof.params({n: 1.0})[n]
        factor[n] = {"profile_multiplies_by": profile_factor}
        base[:, j] /= profile_factor
        p = priors[j]
        priors[j] = config_mod.Prior(n, p.low / profile_factor, p.high / profile_factor)
    out = Path(out or f"results/community-{_slug(prof.name)}")
    out.mkdir(parents=True, exist_ok=True)
    cid = f"community-{_slug(prof.name)}-{net.meta['rules_fingerprint']}-s{seed}"
    meta = json.loads((am.FOLDER / "calibration.json").read_text())
    priors = tuple(priors)
    outputs.write_posterior(out / "posterior.parquet", priors, base, np.ones(len(base)), cid,
                            cfg.scenario, code_version(), meta.get("rules_measures"))
    point = {p.name: p.coerce(float(np.median(base[:, j]))) for j, p in enumerate(priors)}
    outputs.write_calibrated(out / "calibrated.toml", dataclasses.replace(cfg, point="median"),
                             point, cid, code_version(), meta.get("rules_measures"))
    rows = []
    for j, p in enumerate(net.free):
        q = np.quantile(sample[:, j], [0.05, 0.5, 0.95])
        rows.append({"name": p.name, "median": float(q[1]), "ci": [float(q[0]), float(q[2])],
                     "width_share_of_prior": float((q[2] - q[0]) / (p.high - p.low))})
    result = {"calibration_id": cid, "profile": str(profile_path),
              "community": prof.name, "figures": str(figures_path), "matched": matched,
              "profile_parameters": {p.name: params[p.name] for p in net.profile},
              "scaled_by_profile": factor, "draws": draws, "seed": seed,
              "network": {k: net.meta[k] for k in ("rules_fingerprint", "design_key",
                                                    "points", "epochs")},
              "parameters": rows, "seconds": round(time.monotonic() - start, 2)}
    (out / "community_posterior.json").write_text(json.dumps(result, indent=2))
    print(f"community {prof.name!r}: {len(matched)} figure(s) matched "
          f"({'; '.join(matched)})", file=stream)
    return {**result, "out": str(out)}
