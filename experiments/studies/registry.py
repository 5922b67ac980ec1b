"""Every study, in the order `make studies` runs them (registry.py, so that importing the
package or one study does not import them all)."""

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
