"""Social organisations (社會組織): non-profit service providers (article A2b, B2, C2).

An organisation's state lives in one row of the sector's table of arrays
(`OrgSector.table`), so the sector updates all of them with array operations; the
Mesa agent is a view that keeps Mesa's API (a cell, AgentSet queries, the demo) and the
one place where money comes in from outside (`receive`).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from mesa.discrete_space import FixedAgent

KIND_NAMES = ("public_service", "community_affairs", "building_matter", "neighbour_dispute")



class Sector(Protocol):
    """What an organisation's agent reads of its sector (agents/organizations/sector.py)."""

    table: dict[str, np.ndarray]

    def capacities(self) -> np.ndarray: ...

    def pay(self, rows: np.ndarray | int, amount: np.ndarray | float, source: str) -> None: ...


_VIEWS = ("kind", "quality", "funds", "age", "rating", "contracted", "radius", "price")


def _view(column: str) -> property:
    def get(self: SocialOrganization):
        return self.sector.table[column][self.row].item()

    def set_(self: SocialOrganization, value) -> None:
        self.sector.table[column][self.row] = value

    return property(get, set_, doc=f"sector.table[{column!r}][row]")


class SocialOrganization(FixedAgent):
    """One organisation at a fixed place, serving one kind of household issue nearby.

    `row` is its index in the sector's table and in `model.organizations`; the sector keeps
    both aligned when organisations are founded or exit.
    """

    def __init__(self, model, sector: Sector, row: int, cell) -> None:
        super().__init__(model)
        self.sector = sector
        self.row = row
        self.cell = cell

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    def capacity(self) -> float:
        """Issues it can take this step (quality, contract, duplicated effort)."""
        return float(self.sector.capacities()[self.row])

    def fund_project(self, places: float, until: int) -> None:
        """A sponsor pays for `places` more at its activities until week `until` (B4 ii)."""
        t, now = self.sector.table, self.model.clock
        running = t["project_places"][self.row] if t["project_until"][self.row] > now else 0.0
        t["project_places"][self.row] = running + places
        t["project_until"][self.row] = until

    def participants(self) -> np.ndarray:
        """Households holding a place at its activities this week (ids, ascending)."""
        offers = self.model.population.offers
        names = [s.name for s in offers.places]
        if "organisation" not in names:
            return np.zeros(0, dtype=np.intp)
        here = (offers.place_of == names.index("organisation")) & (offers.place_pool == self.row)
        return np.flatnonzero(here)

    def receive(self, amount: float, source: str) -> None:
        """Money from outside (e.g. an enterprise's donation): booked so none is lost.

        Every yuan paid to an organisation goes through the ledger, which is what lets
        tests check that money is conserved across government, enterprises and the sector.
        """
        if amount < 0:
            raise ValueError(f"an organisation cannot receive a negative amount ({amount})")
        self.sector.pay(self.row, float(amount), source)


for _column in _VIEWS:
    setattr(SocialOrganization, _column, _view(_column))
