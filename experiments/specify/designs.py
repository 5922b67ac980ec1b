"""Designs: which runs an experiment is made of, and the seed of each.

Seeds come from one root: `SeedSequence(root).spawn(2)` gives a stream for drawing the
design and a stream whose children are the replicates. Replicate r gets the same seed in
every scenario and design point (common random numbers), so scenario differences are
paired, and adding replicates later never changes the seeds of earlier ones.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import qmc

from experiments.specify.posterior import Posterior, load_posterior
from experiments.specify.spec import Spec
from governance import PARAMS, get_scenario

BOOTSTRAP_SEED_NOTE = "seed of SALib's bootstrap of sensitivity CIs: root seed mod 2**32"


@dataclass(frozen=True)
class Task:
    """One run: everything a worker needs, nothing it must look up."""

    id: str
    scenario: str
    point: int
    replicate: int
    seed: int
    overrides: dict[str, Any]
    design_values: dict[str, Any]
    steps: int
    warmup: int | str
    outcome: str
    particle: int | None = None  # posterior row this replicate drew
    overridden: tuple[str, ...] = ()  # drawn parameters a scenario or the spec set instead
    params_overridden: tuple[str, ...] = ()  # the same for the spec's [params] file


def _root(spec: Spec) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    design_ss, runs_ss = np.random.SeedSequence(spec.seed).spawn(2)
    return design_ss, runs_ss


def replicate_seed(root: int, replicate: int) -> int:
    """Seed of replicate `replicate`: child `replicate` of the runs stream, as a 63-bit int.

    Equal to `SeedSequence(root).spawn(2)[1].spawn(n)[replicate]` for any n > replicate,
    computed directly so it does not depend on how many replicates exist.
    """
    child = np.random.SeedSequence(root, spawn_key=(1, replicate))
    return int(child.generate_state(1, np.uint64)[0] & np.uint64(2**63 - 1))


def design_seed(spec: Spec) -> int:
    design_ss, _ = _root(spec)
    return int(design_ss.generate_state(1, np.uint32)[0])


def bootstrap_seed(spec: Spec) -> int:
    return spec.seed % 2**32


def salib_problem(spec: Spec) -> dict[str, Any]:
    names = list(spec.design.ranges)
    return {"num_vars": len(names), "names": names,
            "bounds": [list(spec.design.ranges[n]) for n in names]}


def sample_matrix(spec: Spec) -> np.ndarray | None:
    """The raw sample matrix of a sampled design (rows = points), before rounding."""
    d = spec.design
    if d.type == "lhs":
        sampler = qmc.LatinHypercube(d=len(d.ranges), rng=np.random.default_rng(
            design_seed(spec)))
        lows = [r[0] for r in d.ranges.values()]
        highs = [r[1] for r in d.ranges.values()]
        return qmc.scale(sampler.random(d.samples), lows, highs)
    if d.type == "sobol":
        from SALib.sample import sobol

        return sobol.sample(salib_problem(spec), d.samples, calc_second_order=d.second_order,
                            seed=design_seed(spec))
    if d.type == "morris":
        from SALib.sample import morris

        return morris.sample(salib_problem(spec), d.samples, num_levels=d.levels,
                             seed=design_seed(spec))
    return None


def points(spec: Spec) -> list[dict[str, Any]]:
    """Parameter values of each design point (one empty point for a scenario design)."""
    d = spec.design
    if d.type == "scenarios":
        return [{}]
    if d.type == "factorial":
        names = list(d.factors)
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(d.factors[n] for n in names))]
    matrix = sample_matrix(spec)
    names = list(d.ranges)
    out = []
    for row in matrix:
        pt = {}
        for name, value in zip(names, row, strict=True):
            p = PARAMS[name]
            pt[name] = p.check(round(float(value))) if p.type is int else p.check(float(value))
        out.append(pt)
    return out


def point_key(spec: Spec, index: int, values: dict[str, Any]) -> str:
    """A design point's name in run ids.

    Factorial points are named by their values, so adding a value to a factor later keeps
    the names (and the finished runs) of the old points; sampled points by their index.
    """
    if spec.design.type == "factorial":
        text = json.dumps(values, sort_keys=True)
        return "f" + hashlib.sha256(text.encode()).hexdigest()[:10]
    return f"p{index:05d}"


def run_id(scenario: str, point: int | str, replicate: int) -> str:
    key = point if isinstance(point, str) else f"p{point:05d}"
    return f"{scenario}__{key}__r{replicate:04d}"


def tasks(spec: Spec, replicates: range | None = None,
          posterior: Posterior | None = None) -> list[Task]:
    """Every run of the spec for the given replicate indices (default: all of them).

    Ordered replicate-major so a partial or interrupted experiment has whole replicates
    of every scenario first, which keeps partial comparisons paired. With a posterior,
    replicate r draws one particle (particles.py), used by all its scenarios and design
    points; what a scenario, the spec's overrides or the design sets wins over the draw.
    The values of a [params] file are the layer below: a draw, a scenario, overrides and
    the design win. A community profile's parameters lie over the file and the draw
    (scaled from them: Spec.start_values).
    """
    replicates = range(spec.replicates) if replicates is None else replicates
    if spec.posterior and posterior is None:
        posterior = load_posterior(spec.posterior)
    pts = points(spec)
    keys = [point_key(spec, i, pt) for i, pt in enumerate(pts)]
    base = spec.run_overrides()
    fixed = {sc: set(get_scenario(sc).overrides) for sc in spec.scenarios}
    rows = posterior.draw_indices(spec.seed, replicates) if posterior is not None else []
    out = []
    for j, r in enumerate(replicates):
        seed = replicate_seed(spec.seed, r)
        particle = rows[j] if posterior is not None else None
        drawn = posterior.values_of(particle) if posterior is not None else {}
        begin = spec.start_values(drawn)
        for i, pt in enumerate(pts):
            for sc in spec.scenarios:
                set_here = fixed[sc] | set(base) | set(pt)
                start = {k: v for k, v in begin.items() if k not in set_here}
                over = tuple(sorted(set(drawn) & set_here))
                p_over = tuple(sorted(set(spec.param_values) & set_here))
                out.append(Task(run_id(sc, keys[i], r), sc, i, r, seed,
                                {**start, **base, **pt}, dict(pt), spec.steps,
                                spec.warmup, spec.outcome, particle, over, p_over))
    return out
