"""Participatory mode: students play households of the class's run (HubNet's idea).

The teacher makes one run the class's run; each student who joins gets one household of its
left run and, each week, chooses the rung it wants (-1: let the model's rule decide). The
choice is written into `Population.steer` before the next step, so the household takes
places and roles by the same take-up, with the same hours, as every simulated household
(docs/ODD.md 7.5.2). Nothing here changes an outcome: the model decides what the choice
gets. The teacher's view compares the class's households with the model's households of
the same kind (the same life situation, which sets free time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from model.issues import KINDS, STAGES

if TYPE_CHECKING:
    from demo.session import Session
    from governance import GovernanceModel

CHOICES = (-1, 0, 1, 2, 3)
MAX_NAME = 24


@dataclass
class Player:
    client: str
    name: str
    household: int


class Players:
    """The class's players on one session (the class run), by classroom client id."""

    def __init__(self) -> None:
        self.by_client: dict[str, Player] = {}

    def join(self, session: Session, client: str, name: str) -> Player:
        """A household for a new player (the same one again for a returning player)."""
        player = self.by_client.get(client)
        if player is not None and player.household in session.steer:
            return player
        model = session.room.runs[0][1]
        household = pick_household(model, set(session.steer), len(self.by_client),
                                   session.config.seed)
        name = " ".join(str(name).split())[:MAX_NAME] or f"#{len(self.by_client) + 1}"
        player = Player(client, name, household)
        self.by_client[client] = player
        session.steer[household] = -1
        return player

    def of(self, session: Session, client: str) -> Player | None:
        player = self.by_client.get(client)
        if player is None or player.household not in session.steer:
            return None  # not joined, or its household went with a smaller community
        return player


def pick_household(model: GovernanceModel, taken: set[int], k: int, seed: int) -> int:
    """A household with time for guided participation in an ordinary week, in a building
    no other player has if one is left, drawn from the class's seed (reproducible)."""
    pop, c = model.population, model.community
    rng = np.random.default_rng([seed, k, 7])
    free = np.ones(pop.n, dtype=bool)
    free[list(taken)] = False
    busy = {int(c.building_of[h]) for h in taken}
    roomy = free & (pop.hours >= pop.hours_needed()[2])
    for pool in (roomy & ~np.isin(c.building_of, list(busy)), roomy, free):
        if pool.any():
            return int(rng.choice(np.flatnonzero(pool)))
    raise ValueError("every household already has a player")


def _sources(model: GovernanceModel, h: int, kind: str) -> list[dict[str, Any]]:
    """Offers serving household h (last week's): capacity, taken, held by h."""
    o = model.population.offers
    held = o.place_of if kind == "places" else o.role_of
    out = []
    for s, src in enumerate(getattr(o, kind)):
        pool = int(src.pool_of[h]) if len(src.pool_of) > h else -1
        if pool < 0 or pool >= len(src.capacity):
            continue
        same = (held == s) & (src.pool_of == pool)
        out.append({"source": src.name, "capacity": round(float(src.capacity[pool]), 1),
                    "taken": int(same.sum()), "held": bool(held[h] == s)})
    return out


def reason(model: GovernanceModel, h: int, wanted: int) -> str:
    """Why the household stands below the rung its player chose ('' when it does not)."""
    pop = model.population
    rung = int(pop.level[h])
    if wanted < 0 or rung >= wanted:
        return ""
    if pop.free_hours()[h] < pop.hours_needed()[wanted]:
        return "hours"
    return "no_role" if wanted == 3 and rung == 2 else "no_place" if wanted >= 2 else "hours"


def view(session: Session, player: Player) -> dict[str, Any]:
    """What a player's phone shows: the week, its household, its options and last result."""
    model = session.room.runs[0][1]
    pop, h = model.population, player.household
    book = model.issues
    mine = np.flatnonzero((book.household == h) & ~book.closed)
    applied = getattr(session.room, "applied", {}).get(h, -1)
    return {
        "week": session.week, "name": player.name, "household": h,
        "x": int(model.community.x[h]), "y": int(model.community.y[h]),
        "situation": int(pop.situation[h]), "rung": int(pop.level[h]),
        "choice": session.steer.get(h, -1), "applied": applied,
        "reason": reason(model, h, applied),
        "free_hours": round(float(pop.free_hours()[h]), 2),
        "hours_needed": [round(float(v), 2) for v in pop.hours_needed()],
        "issues": [{"kind": KINDS[int(book.kind[j])], "stage": STAGES[int(book.stage[j])],
                    "age": int(model.clock - book.created[j])}
                   for j in mine[:6]],
        "places": _sources(model, h, "places"), "roles": _sources(model, h, "roles"),
        "fatigue": round(float(pop.fatigue[h]), 3),
        "trust_government": round(float(pop.trust_gov[h]), 3),
    }


def summary(session: Session) -> dict[str, Any]:
    """The teacher's table: each player's choice and rung, and the class's households
    against the model's households of the same life situation."""
    players = session.players.by_client.values() if session.players else []
    model = session.room.runs[0][1]
    pop = model.population
    rows = [{"name": p.name, "household": p.household,
             "situation": int(pop.situation[p.household]),
             "choice": session.steer.get(p.household, -1), "rung": int(pop.level[p.household])}
            for p in players if p.household in session.steer]
    mask = np.zeros(pop.n, dtype=bool)
    mask[[r["household"] for r in rows]] = True
    kinds = []
    for s in sorted({r["situation"] for r in rows}):
        ours = mask & (pop.situation == s)
        theirs = ~mask & (pop.situation == s)
        kinds.append({"situation": s, "class_n": int(ours.sum()),
                      "class_mean_rung": float(pop.level[ours].mean()),
                      "class_share": np.bincount(pop.level[ours], minlength=4).tolist(),
                      "model_n": int(theirs.sum()),
                      "model_mean_rung": float(pop.level[theirs].mean()),
                      "model_share": (np.bincount(pop.level[theirs], minlength=4)
                                      / max(1, theirs.sum())).round(3).tolist()})
    return {"week": session.week, "players": rows, "kinds": kinds}
