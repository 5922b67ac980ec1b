"""What the phone of a student on the residents' committee or in a grid worker's place shows
(participatory mode, demo.players).

Everything is read from the class run after the last step: the time the model gave the
committee or the worker, what the players' split made of it (councils, visits, places;
issues taken, patrol), and what is waiting. The numbers are the model's own state
(`ResidentsCommittee`, `GridHandler`), never recomputed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from demo.steering import COMMITTEE_SEATS, Steering
from model.issues import GRID, RC

if TYPE_CHECKING:
    from governance import GovernanceModel


def rounded(value: float) -> float:
    """Two decimals: what a phone shows."""
    return round(float(value), 2)


def _taken(model: GovernanceModel, kind: str, source: str) -> int:
    """Places or roles of one source that households hold after the last step."""
    offers = model.population.offers
    names = [s.name for s in getattr(offers, kind)]
    if source not in names:
        return 0
    held = offers.place_of if kind == "places" else offers.role_of
    return int((held == names.index(source)).sum())


def _split(split: tuple[float, ...] | None) -> list[float] | None:
    return None if split is None else [rounded(v) for v in split]


def committee_view(model: GovernanceModel, steering: Steering, applied: Steering,
                   client: str) -> dict[str, Any]:
    """The committee's week: its capacity and free time, the split its members proposed
    (and the one it followed in the last step), and what that time became."""
    rc, p, c = model.committee, model.params, model.community
    channels = bool(model.mechanisms["resident_channels"])
    book = model.issues
    own = steering.committee.get(client)
    return {
        "members": len(steering.committee), "seats": COMMITTEE_SEATS,
        "choice": None if own is None else [rounded(v) for v in own],
        "split": _split(steering.committee_split()),
        "applied": _split(applied.committee_split()),
        "rule": [1.0, rounded(p["rc_outreach_share"]), rounded(1 - p["rc_outreach_share"])],
        "channels": channels,
        "capacity": rounded(rc.capacity()), "free_slots": rounded(rc.free_slots),
        "council_need": rounded(p["council_slots_per_grid"] * c.n_grids if channels else 0.0),
        "council_seats": rounded(rc.council_seats),
        "council_taken": _taken(model, "roles", "council"),
        "visits": rounded(rc.visits), "households": int(model.population.n),
        "places": rounded(rc.places), "places_taken": _taken(model, "places", "committee"),
        "settled": int(model.current.get("resolved_by_rc", 0)),
        "waiting": int(((book.stage == RC) & ~book.closed).sum()),
    }


def grid_view(model: GovernanceModel, steering: Steering, applied: Steering,
              grid: int) -> dict[str, Any]:
    """A grid worker's week: its capacity, the issues it took and the share of its time
    left for patrol, the issues waiting for it and those nobody has voiced yet."""
    handler = model.service_handlers[GRID]
    c, book = model.community, model.issues
    active = bool(model.grid_workers)
    of_grid = c.grid_of[book.household] == grid
    used = handler.used[grid] if active and len(handler.used) > grid else 0.0
    return {
        "grid": grid, "active": active,
        "choice": steering.grids.get(grid), "applied": applied.grids.get(grid),
        "capacity": rounded(model.grid_workers[grid].capacity()) if active else 0.0,
        "used": rounded(used), "patrol": rounded(handler.free_share[grid]) if active else 0.0,
        "households": int((c.grid_of == grid).sum()),
        "waiting": int((of_grid & (book.stage == GRID) & ~book.closed & book.known).sum()),
        "hidden": int((of_grid & ~book.closed & ~book.known).sum()),
    }
