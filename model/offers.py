"""This week's places at activities and roles in self-governance, and who gets them.

Guided participation (rung 2) means attending an activity someone actually holds, and
self-governance (rung 3) means holding one of a limited number of roles; so how many
residents can stand on those rungs follows from what the institutions offer, not from a
cap. Institutions publish *sources* in their `prepare` hook: for every resident (or
household) the pool that serves them (-1: none) and each pool's capacity. Residents who
want the rung then
claim places source by source, incumbents first (people keep their seat in a group they
already belong to), the rest in a random order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.queues import group_order, integer_capacity, ranks_within_groups


@dataclass
class Source:
    """One offering institution's pools: the pool serving each resident, `capacity[p]`.

    Pools are kept as given, per resident or per household (`home` set: resident r's pool
    is `pools[home[r]]`); the take-up reads only those who want a slot, so a per-household
    source is never spread over every resident (one gather over all residents per source
    and week, for nothing).
    """

    name: str
    pools: np.ndarray
    capacity: np.ndarray
    home: np.ndarray | None = None  # each resident's household, when pools are per household

    @property
    def pool_of(self) -> np.ndarray:
        """The pool serving each resident (-1: none)."""
        return self.pools if self.home is None else self.pools[self.home]

    def pool_at(self, residents: np.ndarray) -> np.ndarray:
        """`pool_of[residents]`, reading only those residents."""
        return self.pools[residents if self.home is None else self.home[residents]]


class Offers:
    """Places (rung 2) and roles (rung 3) published this week, by source name.

    Pools are given per resident, or per household (an array as long as the households:
    each household's pool serves all its residents, the usual case: a grid's or a
    building's activities).
    """

    def __init__(self, n: int, home: np.ndarray) -> None:
        self.n = n
        self.home = home
        self.households = int(home.max()) + 1 if len(home) else 0
        self.places: list[Source] = []
        self.roles: list[Source] = []
        # Who holds what after this week's allocation: index into places / roles, -1 none.
        self.place_of = np.full(n, -1, dtype=np.int8)
        self.role_of = np.full(n, -1, dtype=np.int8)
        self.place_pool = np.full(n, -1, dtype=np.intp)

    def clear(self) -> None:
        self.places, self.roles = [], []

    def _source(self, name: str, pool_of: np.ndarray, capacity: np.ndarray) -> Source:
        if len(pool_of) == self.n:
            home = None
        elif len(pool_of) == self.households:
            home = self.home
        else:
            raise ValueError(f"pool_of has {len(pool_of)} entries: one per resident "
                             f"({self.n}) or per household ({self.households}) expected")
        return Source(name, pool_of, np.asarray(capacity, dtype=np.float64), home)

    def add_places(self, name: str, pool_of: np.ndarray, capacity: np.ndarray) -> None:
        self.places.append(self._source(name, pool_of, capacity))

    def add_roles(self, name: str, pool_of: np.ndarray, capacity: np.ndarray) -> None:
        self.roles.append(self._source(name, pool_of, capacity))

    def offered(self, kind: str) -> dict[str, float]:
        """Total capacity of each source of `kind` ('places' or 'roles')."""
        return {s.name: float(s.capacity.sum()) for s in getattr(self, kind)}


def allocate(sources: list[Source], want: np.ndarray, incumbent: np.ndarray,
             rng: np.random.Generator, pools: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Give each household in `want` a slot from the first source with room in its pool.

    Returns (source index per household, -1 for none; pool per household, -1 for none;
    the pools only with `pools`, else an empty array: a full array per resident costs).
    Incumbents (households that held a slot of this kind last week) queue first, so a
    shrinking offer pushes out newcomers before members; within each group the order is
    random. Fractional capacities are rounded at random with the mean kept.
    """
    n = len(want)
    got = np.full(n, -1, dtype=np.int8)
    pool = np.full(n if pools else 0, -1, dtype=np.intp)
    if not sources or not want.any():
        return got, pool
    # One queue in key order for every source: filtering keeps the order, so each pool's
    # queue below is this order restricted to the pool (the same as sorting by pool, then
    # key, for every source, at a fraction of the cost). Keys are distinct.
    queue = want.nonzero()[0]
    key = rng.random(len(queue))
    key -= incumbent[queue]
    queue = queue[np.argsort(key)]
    # The queue's households, filtered along with it: per-household sources read them
    # (one gather from `home` for all sources instead of one per source).
    home = next((src.home for src in sources if src.home is not None), None)
    homes = None if home is None else home[queue]
    for s, src in enumerate(sources):
        if len(queue) == 0:
            break
        if len(src.capacity) == 0:
            continue
        if src.home is None:
            g = src.pools[queue]
        elif src.home is home:
            g = src.pools[homes]
        else:
            g = src.pool_at(queue)
        served = (g >= 0).nonzero()[0]
        if len(served) == 0:
            continue
        g = g[served]
        cap = integer_capacity(src.capacity, rng)
        full = np.bincount(g, minlength=len(cap)) > cap
        ok = ~full[g]
        if full.any():  # only oversubscribed pools need the queue's order
            tight = (~ok).nonzero()[0]
            g_tight = g[tight]
            order = group_order(g_tight, len(cap))
            tight, g_tight = tight[order], g_tight[order]
            ok[tight[ranks_within_groups(g_tight) < cap[g_tight]]] = True
        seated = served[ok]
        who = queue[seated]
        got[who] = s
        if pools:
            pool[who] = g[ok]
        keep = np.ones(len(queue), dtype=bool)
        keep[seated] = False
        queue = queue[keep]
        if homes is not None:
            homes = homes[keep]
    return got, pool
