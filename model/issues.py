"""The issue book: households' open issues as a table of arrays, their kinds and stages.

An issue is a row: whose it is, what kind, when it arose, how complex, whether anyone knows
of it, at which stage of the handling chain it waits, and what handling it has cost. Kinds
and stages are small integers so that every test of them is one gather from a look-up table.
"""

from __future__ import annotations

import numpy as np

from model.params import ServiceParams

# Issue kinds. Enterprise disputes arise only around enterprises (issue 3).
PUBLIC_SERVICE, COMMUNITY_AFFAIRS, BUILDING_MATTER, NEIGHBOUR_DISPUTE, ENTERPRISE_DISPUTE = range(5)
KINDS = ("public_service", "community_affairs", "building_matter", "neighbour_dispute",
         "enterprise_dispute")
HOUSEHOLD_KINDS = 4  # the kinds households raise themselves (enterprise disputes come apart)
DISPUTES = (NEIGHBOUR_DISPUTE, ENTERPRISE_DISPUTE)

# The handling chain, from the household upwards; an actor handles issues at its stage.
STAGES = ("self", "building", "org", "enterprise", "grid", "rc", "government")
SELF, BUILDING, ORG, ENTERPRISE, GRID, RC, GOVERNMENT = range(len(STAGES))
# Stages whose outcomes are felt as the community's own (trust in neighbours) rather than
# as government answering (trust in government).
NEIGHBOURLY = (SELF, BUILDING, ORG)


def member_table(members: tuple[int, ...], size: int) -> np.ndarray:
    """A boolean look-up table: `table[codes]` tests membership in one gather, where
    np.isin costs a sort and tens of microseconds on every call (many calls per step).
    """
    table = np.zeros(size, dtype=bool)
    table[list(members)] = True
    return table


IS_DISPUTE = member_table(DISPUTES, len(KINDS))
IS_NEIGHBOURS_MATTER = member_table((BUILDING_MATTER, NEIGHBOUR_DISPUTE), len(KINDS))
IS_NEIGHBOURLY = member_table(NEIGHBOURLY, len(STAGES))
# What neighbours see and may speak up about: community affairs and building matters.
IS_AFFAIRS = member_table((COMMUNITY_AFFAIRS, BUILDING_MATTER), len(KINDS))


def kind_weights(p: ServiceParams) -> np.ndarray:
    """Shares of the household issue kinds (schema: kind_share_*), normalised to sum 1."""
    w = np.array([p.kind_share_public, p.kind_share_affairs, p.kind_share_building,
                  p.kind_share_dispute], dtype=np.float64)
    total = w.sum()
    return w / total if total > 0 else np.full(HOUSEHOLD_KINDS, 1.0 / HOUSEHOLD_KINDS)


def draw_kinds(weights: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """`rng.choice(len(weights), count, p=weights)` without its per-call checks of `p`.

    The same draws and the same result as numpy's `Generator.choice` with replacement: one
    uniform per item against the normalised cumulative weights (checked bit for bit in
    tests/test_services_fast.py). `weights` must be valid (kind_weights' are).
    """
    cdf = weights.cumsum()
    cdf /= cdf[-1]
    return cdf.searchsorted(rng.random(count), side="right")


_FIELDS = {
    "household": np.int64, "kind": np.int8, "created": np.int64, "complexity": np.float64,
    "known": bool, "reported": bool, "stage": np.int8, "ready": np.int64, "arrived": np.int64,
    "done_at": np.int64, "handler": np.int8, "cost": np.float64, "closed": bool,
}


class IssueBook:
    """Open issues as a structure of arrays; closed ones are dropped every step.

    Each column is a plain instance attribute (`book.stage`), not a look-up through
    `__getattr__`: the service loop reads columns a few hundred times a step, and a
    `__getattr__` call costs about half a microsecond more than an attribute read.
    """

    def __init__(self) -> None:
        for k, t in _FIELDS.items():
            setattr(self, k, np.zeros(0, dtype=t))

    @property
    def cols(self) -> dict[str, np.ndarray]:
        """Every column by name, in `_FIELDS` order."""
        return {k: getattr(self, k) for k in _FIELDS}

    def __len__(self) -> int:
        return len(self.household)

    def add(self, **new: np.ndarray) -> None:
        count = len(new["household"])
        for key, dtype in _FIELDS.items():
            if key in new:
                part = np.asarray(new[key], dtype=dtype)
            else:
                part = np.full(count, -1 if key in ("done_at", "handler") else 0, dtype=dtype)
            setattr(self, key, np.concatenate([getattr(self, key), part]))

    def keep(self, mask: np.ndarray) -> None:
        for key in _FIELDS:
            setattr(self, key, getattr(self, key)[mask])
