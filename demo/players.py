"""Participatory mode: students play a resident of a household, the residents' committee or a
grid worker of the class's run (HubNet's idea).

The teacher makes one run the class's run; each student who joins takes a seat in its left
run: a resident (the default: one person aged 18+ of a household, in a household no other
player lives in; the student may switch to another member of that household), a seat on the
residents' committee (at most `steering.COMMITTEE_SEATS`), or the worker of a management
grid nobody plays yet (only while grid management runs). Each week a resident's player
chooses the rung they want (speaking up on community affairs, an activity, a role, or
staying out; reporting the household's own problems stays the model's, as service use), a
committee member proposes how the committee's free staff time splits between councils,
home visits and activities (the committee follows its members' mean proposal), and a grid
worker chooses the most of its time that issues may take (the rest patrols). -1 / None:
let the model's rule decide. The choices enter the model through its hooks before the next
step (demo.steering), so what they get follows the model's rules: nothing here changes an
outcome. The teacher's view compares the class's residents with the model's residents of
the same kind (the same life situation, which sets free time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from demo import roles
from demo.api import Refused
from demo.steering import COMMITTEE_SEATS, Steering
from model import InputError
from model.issues import KINDS, STAGES

if TYPE_CHECKING:
    from demo.session import Session
    from governance import GovernanceModel

CHOICES = (-1, 0, 1, 2, 3)
ROLES = ("household", "committee", "grid")
MAX_NAME = 24


@dataclass
class Player:
    client: str
    name: str
    role: str  # one of ROLES
    seat: int  # the resident's index, the grid's index, or 0 on the committee


class Players:
    """The class's players on one session (the class run), by classroom client id."""

    def __init__(self) -> None:
        self.by_client: dict[str, Player] = {}

    def join(self, session: Session, client: str, name: str, role: str = "household"
             ) -> Player:
        """A seat for a new player (the same one again for a returning player who asks
        for the same role); refused when the role has no seat left."""
        player = self.by_client.get(client)
        if player is not None and player.role == role and self._seated(session, player):
            return player
        if player is not None:  # a player who changes role leaves the old seat
            self.leave(session, player)
        model = session.room.runs[0][1]
        seat = self._seat(session, model, role, client)
        name = " ".join(str(name).split())[:MAX_NAME] or f"#{len(self.by_client) + 1}"
        player = Player(client, name, role, seat)
        self.by_client[client] = player
        steering = session.steering
        if role == "household":
            steering.residents[seat] = -1
        elif role == "committee":
            steering.committee[client] = None
        else:
            steering.grids[seat] = None
        return player

    def _seat(self, session: Session, model: GovernanceModel, role: str, client: str) -> int:
        steering = session.steering
        if role == "household":
            return pick_resident(model, set(steering.residents), len(self.by_client),
                                 session.config.seed)
        if role == "committee":
            if len(steering.committee) >= COMMITTEE_SEATS:
                raise Refused(409, "committee_full", n=COMMITTEE_SEATS)
            return 0
        if not model.grid_workers:
            raise Refused(409, "no_grid_workers")
        free = [g for g in range(model.community.n_grids) if g not in steering.grids]
        if not free:
            raise Refused(409, "grids_taken")
        return free[len(self.by_client) % len(free)]

    @staticmethod
    def _seated(session: Session, player: Player) -> bool:
        steering = session.steering
        return (player.seat in steering.residents if player.role == "household" else
                player.client in steering.committee if player.role == "committee" else
                player.seat in steering.grids)

    def leave(self, session: Session, player: Player) -> None:
        steering = session.steering
        if player.role == "household":
            steering.residents.pop(player.seat, None)
        elif player.role == "committee":
            steering.committee.pop(player.client, None)
        else:
            steering.grids.pop(player.seat, None)
        self.by_client.pop(player.client, None)

    def of(self, session: Session, client: str) -> Player | None:
        player = self.by_client.get(client)
        if player is None or not self._seated(session, player):
            return None  # not joined, or its seat went with a smaller community
        return player


    def switch(self, session: Session, player: Player, member: int) -> None:
        """The player plays another resident of the same household (member: 0, 1, ... in
        the household's order); their choice goes with them, the one they leave is the
        rule's again."""
        pop = session.room.runs[0][1].population
        members = pop.residents_of(np.array([pop.home[player.seat]])).tolist()
        if not 0 <= member < len(members):
            raise InputError(f"field 'member' got {member!r}, but this household has "
                             f"{len(members)} residents: 0 to {len(members) - 1}.")
        steering = session.steering
        choice = steering.residents.pop(player.seat, -1)
        player.seat = members[member]
        steering.residents[player.seat] = choice


def pick_resident(model: GovernanceModel, taken: set[int], k: int, seed: int) -> int:
    """A resident with time for guided participation in an ordinary week, in a household no
    other player lives in, in a building no other player has if one is left, drawn from the
    class's seed (reproducible)."""
    pop = model.population
    rng = np.random.default_rng([seed, k, 7])
    homes = pop.home[list(taken)] if taken else np.zeros(0, dtype=np.intp)
    free = ~np.isin(pop.home, homes)
    busy = np.unique(pop.building_of[list(taken)]) if taken else np.zeros(0, dtype=np.intp)
    roomy = free & (pop.hours >= pop.hours_needed()[2])
    for pool in (roomy & ~np.isin(pop.building_of, busy), roomy, free):
        if pool.any():
            return int(rng.choice(np.flatnonzero(pool)))
    raise ValueError("every household already has a player")


def _sources(model: GovernanceModel, r: int, kind: str) -> list[dict[str, Any]]:
    """Offers serving resident r (last week's): capacity, taken, held by r."""
    o = model.population.offers
    held = o.place_of if kind == "places" else o.role_of
    out = []
    for s, src in enumerate(getattr(o, kind)):
        pool = int(src.pool_of[r]) if len(src.pool_of) > r else -1
        if pool < 0 or pool >= len(src.capacity):
            continue
        same = (held == s) & (src.pool_of == pool)
        out.append({"source": src.name, "capacity": round(float(src.capacity[pool]), 1),
                    "taken": int(same.sum()), "held": bool(held[r] == s)})
    return out


def reason(model: GovernanceModel, r: int, wanted: int) -> str:
    """Why the resident stands below the rung their player chose ('' when they do not)."""
    pop = model.population
    rung = int(pop.level[r])
    if wanted < 0 or rung >= wanted:
        return ""
    if pop.free_hours()[r] < pop.hours_needed()[wanted]:
        return "hours"
    return "no_role" if wanted == 3 and rung == 2 else "no_place" if wanted >= 2 else "hours"


def _person(pop: Any, r: int) -> dict[str, int]:
    return {"band": int(pop.band[r]), "situation": int(pop.situation[r]),
            "rung": int(pop.level[r]), "party": int(pop.party[r])}


def view(session: Session, player: Player) -> dict[str, Any]:
    """What a player's phone shows: the week, its seat, its options and last result."""
    model = session.room.runs[0][1]
    base = {"week": session.week, "name": player.name, "role": player.role}
    if player.role == "committee":
        return {**base, **roles.committee_view(model, session.steering, session.room.applied,
                                               player.client)}
    if player.role == "grid":
        return {**base, **roles.grid_view(model, session.steering, session.room.applied,
                                          player.seat)}
    pop, r = model.population, player.seat
    h = int(pop.home[r])
    members = pop.residents_of(np.array([h])).tolist()
    book = model.issues
    mine = np.flatnonzero((book.household == h) & ~book.closed)
    applied = session.room.applied.residents.get(r, -1)
    return {
        **base, "resident": r, "household": h, "member": members.index(r),
        "x": int(model.community.x[h]), "y": int(model.community.y[h]),
        **_person(pop, r),
        "members": [{"member": k, "you": m == r, **_person(pop, m)}
                    for k, m in enumerate(members)],
        "persons": int(pop.layout.persons[h]),
        "choice": session.steering.residents.get(r, -1), "applied": applied,
        "reason": reason(model, r, applied),
        "free_hours": round(float(pop.free_hours()[r]), 2),
        "hours_needed": [round(float(v), 2) for v in pop.hours_needed()],
        "issues": [{"kind": KINDS[int(book.kind[j])], "stage": STAGES[int(book.stage[j])],
                    "age": int(model.clock - book.created[j])}
                   for j in mine[:6]],
        "places": _sources(model, r, "places"), "roles": _sources(model, r, "roles"),
        "fatigue": round(float(pop.fatigue[r]), 3),
        "trust_government": round(float(pop.trust_gov[r]), 3),
    }


def seat_row(model: GovernanceModel, steering: Steering, player: Player) -> dict[str, Any]:
    """One player's row in the teacher's table: the seat, the choice, what it got."""
    if player.role == "household":
        pop, r = model.population, player.seat
        return {"resident": r, "household": int(pop.home[r]), **_person(pop, r),
                "choice": steering.residents.get(r, -1)}
    if player.role == "committee":
        rc = model.committee
        own = steering.committee.get(player.client)
        share = None if own is None else [roles.rounded(v / sum(own)) for v in own]
        return {"choice": share, "visits": roles.rounded(rc.visits),
                "places": roles.rounded(rc.places)}
    view = roles.grid_view(model, steering, steering, player.seat)
    return {"grid": player.seat, "choice": view["choice"], "used": view["used"],
            "patrol": view["patrol"]}


def summary(session: Session) -> dict[str, Any]:
    """The teacher's table: each player's seat, choice and what it got, and the class's
    residents against the model's residents of the same life situation."""
    players = list(session.players.by_client.values()) if session.players else []
    model = session.room.runs[0][1]
    pop = model.population
    rows = [{"name": p.name, "role": p.role, **seat_row(model, session.steering, p)}
            for p in players if session.players.of(session, p.client) is not None]
    mask = np.zeros(pop.n, dtype=bool)
    mask[[r["resident"] for r in rows if r["role"] == "household"]] = True
    kinds = []
    for s in sorted({int(v) for v in pop.situation[mask]}):
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
