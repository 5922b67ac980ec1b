"""'Why does it do that?' for an institution: its capacity, this week's load at its stage of
the service loop, its public state, and for the residents' committee its last election.

The numbers are read from the model (the issue book, the agent's public attributes, the
elections' record, or `model.explain_institution(agent)` when the model offers it); none is
recomputed here. Output is escaped HTML.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from demo import i18n
from demo.closures import ClosedIssues, is_settled
from demo.explain import cell_label, cell_num, html_table
from model.issues import STAGES

if TYPE_CHECKING:
    from governance import GovernanceModel

# Stage of the service loop each institution handles issues at.
STAGE_OF = {"BuildingCommittee": "building", "SocialOrganization": "org",
            "Enterprise": "enterprise", "GridWorker": "grid", "ResidentsCommittee": "rc",
            "Government": "government"}


def stage_load(m: GovernanceModel, stage: str, households: np.ndarray | None = None,
               closed: ClosedIssues | None = None) -> tuple[int, int]:
    """(settled this week, waiting now) at a stage, for all households or some of them."""
    book = m.issues
    s = STAGES.index(stage)
    mine = np.ones(len(book), dtype=bool) if households is None else \
        np.isin(book.household, households)
    waiting = int((mine & ~book.closed & (book.stage == s)).sum())
    settled = 0
    if closed is not None:
        gone = closed.this_week()
        hit = (gone["handler"] == s) & is_settled(gone)
        if households is not None:
            hit &= np.isin(gone["household"], households)
        settled = int(hit.sum())
    return settled, waiting


def _area(m: GovernanceModel, kind: str, agent: Any) -> np.ndarray | None:
    """Households an instance serves, where it serves an area (grid, building)."""
    c = m.community
    if kind == "GridWorker" and hasattr(agent, "grid_id"):
        return np.flatnonzero(c.grid_of == agent.grid_id)
    if kind == "BuildingCommittee" and hasattr(agent, "building_id"):
        return np.flatnonzero(c.building_of == agent.building_id)
    return None


SCALAR = (bool, int, float, str, np.number, np.bool_)


def public_state(agent: Any) -> dict[str, Any]:
    """An agent's public scalar attributes and properties (what it is and did)."""
    out = {}
    for key, value in vars(agent).items():
        if key.startswith("_") or key in ("model", "cell", "unique_id", "pos"):
            continue
        if isinstance(value, SCALAR):
            out[key] = value
    for key in dir(type(agent)):
        if key.startswith("_") or key in out or \
                not isinstance(getattr(type(agent), key, None), property):
            continue
        try:
            value = getattr(agent, key)
        except Exception:  # a property that needs state this agent lacks: not shown
            continue
        if isinstance(value, SCALAR):
            out[key] = value
    return out


def institution_panel(m: GovernanceModel, kind: str, agent: Any, lang: str,
                      closed: ClosedIssues | None = None) -> str:
    parts = [f"<h3>{cell_label(lang, 'actor', kind)}</h3>"]
    info = m.explain_institution(agent) if hasattr(m, "explain_institution") else {}
    capacity = info.get("capacity")
    if capacity is None and callable(getattr(agent, "capacity", None)):
        capacity = agent.capacity()
    if capacity is not None:
        parts.append(f"<p>{escape(i18n.t(lang, 'ui.capacity'))}: <strong>{cell_num(capacity)}"
                     "</strong></p>")
    stage = STAGE_OF.get(kind)
    if "load" in info:
        parts.append(f"<p>{escape(str(info['load']))}</p>")
    elif stage is not None:
        settled, waiting = stage_load(m, stage, _area(m, kind, agent), closed)
        parts.append(f"<p>{escape(i18n.t(lang, 'ui.load', settled=settled, waiting=waiting))}"
                     "</p>")
    if info.get("did"):
        parts.append(f"<h4>{escape(i18n.t(lang, 'ui.did'))}</h4><p>{escape(str(info['did']))}</p>")
    rest = {k: v for k, v in public_state(agent).items()}
    rest.update({k: v for k, v in info.items() if k not in ("capacity", "load", "did")
                 and isinstance(v, bool | int | float | str)})
    if rest:
        parts.append(f"<h4>{escape(i18n.t(lang, 'ui.attributes'))}</h4>" + html_table(
            ["", ""], [[cell_label(lang, "attr", k),
                        cell_label(lang, "kind", str(v)) if k == "kind_name" else cell_num(v)]
                       for k, v in rest.items()]))
    if kind == "ResidentsCommittee":
        parts.append(election_part(m, lang))
    return "".join(parts)


def election_part(m: GovernanceModel, lang: str) -> str:
    """The committee is elected (居委会换届选举): weeks to the next election day and the
    last election's turnout, official (every ballot, proxies included) and in person."""
    elections = getattr(m, "elections", None)
    if elections is None:
        return ""
    last = m.population.last_election
    rows = [[escape(i18n.t(lang, "ui.election_next")), cell_num(elections.weeks_to_election())]]
    for key in ("official", "personal", "personal_18_34", "personal_35_59",
                "personal_60_plus"):
        value = last.get(key)
        rows.append([cell_label(lang, "measure", f"turnout_{key}"),
                     escape(i18n.t(lang, "ui.no_election_yet")) if value is None
                     or value != value else cell_num(value)])
    return f"<h4>{escape(i18n.t(lang, 'ui.elections'))}</h4>" + html_table(["", ""], rows)
