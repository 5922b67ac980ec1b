"""One run's state at the end of one week, copied out of the model so it can be drawn later.

Drawing never reads the live model: after each step the session copies what the page needs
(rungs, actors, the week's issues and measures) into a `Snapshot`, and every picture, chart
and replay frame is made from snapshots. Actors are found by class name in
`model.agents_by_type`, so the demo draws whatever actors the model has today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from demo.closures import ClosedIssues
from model.issues import STAGES

if TYPE_CHECKING:
    from governance import GovernanceModel

# Located actors, drawn on the map: class name -> symbol name in the page's legend.
LOCATED = ("PartyBranch", "GridWorker", "SocialOrganization", "Enterprise")
# Actors without a place in the community, drawn in the strip above the map.
CENTRAL = ("Government", "ResidentsCommittee", "PartyCommittee")


@dataclass
class Snapshot:
    week: int
    levels: np.ndarray  # (width, height) int8 rungs
    committees: list[int]  # buildings with a self-governance committee
    actors: dict[str, list[list[int]]]  # class name -> [[x, y, id], ...]
    central: list[str]  # unlocated actor classes present
    measures: dict[str, float]
    flow: dict[str, Any]
    # raised / settled / passed_up: (n, 2) int16 cells (arrays: a week's marks are many,
    # and up to KEEP_WEEKS snapshots are kept for replay)
    marks: dict[str, np.ndarray] = field(default_factory=dict)


def _active(agent: Any) -> bool:
    return getattr(agent, "active", True) is not False


def located_actors(m: GovernanceModel) -> dict[str, list[list[int]]]:
    out: dict[str, list[list[int]]] = {}
    for cls, agents in m.agents_by_type.items():
        name = cls.__name__
        if name not in LOCATED:
            continue
        rows = []
        for k, agent in enumerate(agents):
            cell = getattr(agent, "cell", None)
            if cell is not None and _active(agent):
                x, y = cell.coordinate
                rows.append([int(x), int(y), k])
        if rows:
            out[name] = rows
    return out


def central_actors(m: GovernanceModel) -> list[str]:
    present = {cls.__name__ for cls, agents in m.agents_by_type.items() if len(agents)}
    out = [name for name in CENTRAL if name in present]
    party = getattr(m, "party", None)
    if "PartyCommittee" in out and party is not None and not getattr(party, "organised", True):
        out.remove("PartyCommittee")  # present as an object but not organised (switch off)
    return out


def committee_buildings(m: GovernanceModel) -> list[int]:
    out = set()
    for cls, agents in m.agents_by_type.items():
        if cls.__name__ == "BuildingCommittee":
            out.update(int(a.building_id) for a in agents
                       if _active(a) and hasattr(a, "building_id"))
    return sorted(out)


def issue_flow(m: GovernanceModel) -> dict[str, Any]:
    """Where this week's issues were settled and where open ones wait, per handling stage."""
    book, cur = m.issues, m.current
    open_ = ~book.closed
    waiting = np.bincount(book.stage[open_].astype(np.intp), minlength=len(STAGES))
    stages = []
    for s, name in enumerate(STAGES):
        stages.append({"stage": name,
                       "settled": int(cur.get(f"resolved_by_{name}", 0)),
                       "waiting": int(waiting[s])})
    return {"stages": stages,
            "raised": int(cur.get("issues_raised", 0)),
            "escalated": int(cur.get("issues_escalated", 0)),
            "given_up": int(cur.get("issues_abandoned", 0) + cur.get("issues_lost", 0))}


def issue_marks(m: GovernanceModel, closed: ClosedIssues | None = None
                ) -> dict[str, np.ndarray]:
    """Cells of households whose issue arose this week, was settled this week (from the
    closed rows the watcher kept), or waits at the committee or government."""
    book, c, now = m.issues, m.community, m.step_count

    def cells(households: np.ndarray) -> np.ndarray:
        h = np.unique(households)
        return np.stack([c.x[h], c.y[h]], axis=1).astype(np.int16)

    gone = closed.this_week() if closed is not None else None
    raised = book.household[book.created == now]
    if gone is not None:
        raised = np.concatenate([raised, gone["household"][gone["created"] == now]])
    settled = gone["household"][gone["handler"] >= 0] if gone is not None else \
        np.zeros(0, dtype=np.int64)
    passed_up = book.household[~book.closed & (book.stage >= STAGES.index("rc"))]
    return {"raised": cells(raised), "settled": cells(settled), "passed_up": cells(passed_up)}


def take(m: GovernanceModel, closed: ClosedIssues | None = None) -> Snapshot:
    """Copy what the page draws out of the model (call between steps, never during one)."""
    return Snapshot(week=m.step_count, levels=m.household_levels().copy(),
                    committees=committee_buildings(m), actors=located_actors(m),
                    central=central_actors(m), measures=dict(m.current), flow=issue_flow(m),
                    marks=issue_marks(m, closed))
