"""The organisations' books: every cost unit that enters or leaves the sector.

Money paid from the public purse (grants, rewards, contracts) is also counted in the week's
public payments (the `gov_admin_cost` measure), so money is conserved across government,
enterprises and the organisations (tests/test_organizations.py, test_enterprises.py).
"""

from __future__ import annotations

# Money sources paid from the public purse.
PUBLIC_SOURCES = ("grant", "reward", "procurement")


class OrgLedger:
    """Every cost unit that enters or leaves the sector, so money is conserved.

    received (by source) - spent (by use) = funds held by active organisations
    + funds written off when organisations exited (positive: assets wound up; negative:
    debts left behind).
    """

    def __init__(self) -> None:
        self.received: dict[str, float] = {}
        self.spent: dict[str, float] = {}
        self.written_off = 0.0
        self.step_received: dict[str, float] = {}  # this step only (reset in prepare)

    def credit(self, source: str, amount: float) -> None:
        self.received[source] = self.received.get(source, 0.0) + amount
        self.step_received[source] = self.step_received.get(source, 0.0) + amount

    def debit(self, use: str, amount: float) -> None:
        self.spent[use] = self.spent.get(use, 0.0) + amount

    def balance_error(self, held: float) -> float:
        """Zero (up to rounding) when every cost unit is accounted for."""
        return (sum(self.received.values()) - sum(self.spent.values()) - held
                - self.written_off)

    def public_this_step(self) -> float:
        return sum(self.step_received.get(s, 0.0) for s in PUBLIC_SOURCES)
