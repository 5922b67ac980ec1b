"""Statistical studies: the evidence the docs quote, kept out of the unit suite.

A study asks one question of the model with many runs (claims at three horizons,
crowding-out in every scenario, eight-year bounds, how settled week 0 is). `make studies`
runs them through the shared experiment runner and stores each result, with the model's
fingerprint, in `experiments/studies/results/`; the generated tables of the docs are
written from those stored results. `make test` stays fast: it checks that every stored
result is current (same fingerprint, same study code), that the docs show exactly what the
stored results say, and that the guards on the model's rules still hold in them.

A study module defines NAME, QUESTION, READS (measures it loads), specs() (experiment
specs as dicts), summarise(runs) -> result, render(result) -> {(doc, block): markdown} and
check(result) -> failures of its guards.
"""

from __future__ import annotations

from types import ModuleType

from experiments.studies import (
    amortised,
    claims,
    crowding,
    grid_assumptions,
    grid_scale,
    identify,
    lessons,
    long_run,
    pathways,
    point,
    recovery,
    screen,
    settle,
)

STUDIES: dict[str, ModuleType] = {m.NAME: m for m in (settle, crowding, long_run, claims,
                                                       grid_assumptions, pathways, screen,
                                                       recovery, identify, lessons,
                                                       point, amortised, grid_scale)}
