"""'Why does it do that?': the panels shown when a household or an institution is clicked.

A household's state is read from every per-household array of `model.population` (so the
arrays Model 2 adds appear by themselves), its issues from `model.issues`, and its decision
from `model.explain_household(i)` (model/explain.py), when the model offers it. An
institution shows its capacity, this week's load at its stage of the service loop and its
public state, or `model.explain_institution(agent)` when present. Output is escaped HTML.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from demo import i18n
from demo.closures import COLUMNS, ClosedIssues, is_settled
from model.issues import KINDS, STAGES

if TYPE_CHECKING:
    from governance import GovernanceModel

# Stage of the service loop each institution handles issues at.
STAGE_OF = {"BuildingCommittee": "building", "SocialOrganization": "org",
            "Enterprise": "enterprise", "GridWorker": "grid", "ResidentsCommittee": "rc",
            "Government": "government"}


def _num(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "✓" if v else "✗"
    if isinstance(v, int | np.integer):
        return "—" if v <= -10**8 else str(int(v))  # "never" sentinels (e.g. last contact)
    try:
        return f"{float(v) + 0.0:.3g}"  # + 0.0: no "-0"
    except (TypeError, ValueError):
        return escape(str(v))


def _label(lang: str, kind: str, code: str) -> str:
    """A readable name with the code name in a tooltip."""
    return (f'<span title="{escape(i18n.t(lang, "ui.code_name", code=code))}">'
            f"{escape(i18n.name(lang, kind, code))}</span>")


def _table(head: list[str], rows: list[list[str]], caption: str = "") -> str:
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    th = "".join(f'<th scope="col">{h}</th>' for h in head)
    thead = f"<thead><tr>{th}</tr></thead>" if any(head) else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="explain-table">{cap}{thead}<tbody>{body}</tbody></table>'


def household_state(m: GovernanceModel, i: int) -> dict[str, Any]:
    """Every public per-household array's value for household i, and the hours it has free
    this week (its own and those given to it, less fatigue: what the time terms use)."""
    pop = m.population
    out = {}
    for key, arr in vars(pop).items():
        if key.startswith("_") or not isinstance(arr, np.ndarray) or arr.shape != (pop.n,):
            continue
        out[key] = arr[i].item()
    if callable(getattr(pop, "free_hours", None)):
        out["free_hours"] = float(pop.free_hours()[i])
    return out


def issue_status(closed: bool, handler: int, done_at: int) -> str:
    if closed:
        return "settled" if handler >= 0 and done_at >= 0 else "given_up"
    return "being_handled" if done_at >= 0 else "open"


def household_issues(m: GovernanceModel, i: int, closed: ClosedIssues | None = None
                     ) -> list[dict[str, Any]]:
    """The household's issues this week with their fate (CONTRACT.md's shape): open ones
    from the issue book, and those closed this week from the watcher's copy."""
    book, now = m.issues, m.step_count
    tables = [({c: getattr(book, c) for c in COLUMNS}, np.asarray(book.closed, dtype=bool))]
    if closed is not None:
        gone = closed.this_week()
        tables.append((gone, np.ones(len(gone["household"]), dtype=bool)))
    out = []
    for cols, is_closed in tables:
        for r in np.flatnonzero(cols["household"] == i):
            handler, done_at = int(cols["handler"][r]), int(cols["done_at"][r])
            status = issue_status(bool(is_closed[r]), handler, done_at)
            where = handler if status == "settled" else int(cols["stage"][r])
            out.append({"kind": KINDS[int(cols["kind"][r])], "stage": STAGES[where],
                        "age": int(now - cols["created"][r]), "known": bool(cols["known"][r]),
                        "reported": bool(cols["reported"][r]),
                        "status": status})
    return out


def render_issues(issues: list[dict[str, Any]], lang: str) -> str:
    if not issues:
        return f"<p>{escape(i18n.t(lang, 'ui.no_issues'))}</p>"
    yes, no = i18n.t(lang, "ui.yes"), i18n.t(lang, "ui.no")
    head = [escape(i18n.t(lang, k)) for k in ("ui.col_kind", "ui.col_stage", "ui.col_age",
                                              "ui.col_known", "ui.col_voiced", "ui.col_status")]
    rows = [[_label(lang, "kind", str(s["kind"])), _label(lang, "stage", str(s["stage"])),
             _num(s["age"]), escape(yes if s["known"] else no),
             escape(yes if s["reported"] else no), _label(lang, "status", str(s["status"]))]
            for s in issues]
    return _table(head, rows)


def _utility(v: Any, lang: str) -> str:
    """A utility or term; minus infinity means the rung needs more hours than are free."""
    if isinstance(v, int | float | np.floating) and np.isneginf(v):
        return f'<span class="out-of-reach">{escape(i18n.t(lang, "ui.out_of_reach"))}</span>'
    return _num(v)


def _constraint(v: Any, lang: str) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(_num(x) for x in v)
    if isinstance(v, str):  # the name of the place or role held ("" = none)
        return _label(lang, "offer", v) if v else escape(i18n.t(lang, "ui.none_held"))
    return _num(v)


def render_decision(d: dict[str, Any], lang: str) -> str:
    """The decision explanation (model/explain.py: rung, terms, utility, p_climb/fall/stay,
    last_move, constraints), with the model's term names translated."""
    rungs = [escape(i18n.t(lang, "ui.for_rung", rung=i18n.t(lang, f"rung.{r}")))
             for r in (1, 2, 3)]
    rows = [[_label(lang, "term", str(term))] + [_utility(v, lang) for v in values]
            for term, values in d["terms"]]
    rows.append([f"<strong>{escape(i18n.t(lang, 'ui.utility'))}</strong>"]
                + [f"<strong>{_utility(u, lang)}</strong>" for u in d["utility"]])
    parts = [_table([escape(i18n.t(lang, "ui.term")), *rungs], rows),
             f'<p class="hint">{escape(i18n.t(lang, "ui.sign_note"))}</p>']
    probs = [(k, d[k]) for k in ("p_climb", "p_stay", "p_fall") if k in d]
    items = [f"<li>{escape(i18n.t(lang, 'ui.' + k))}: <strong>{_num(v)}</strong></li>"
             for k, v in probs]
    if "last_move" in d:
        items.append(f"<li>{escape(i18n.t(lang, 'ui.last_move'))}: "
                     f"<strong>{_label(lang, 'move', str(int(d['last_move'])))}</strong></li>")
    parts.append('<ul class="explain-probs">' + "".join(items) + "</ul>")
    if d.get("constraints"):
        parts.append(f"<h4>{escape(i18n.t(lang, 'ui.constraints'))}</h4>" + _table(
            ["", ""], [[_label(lang, "constraint", str(k)), _constraint(v, lang)]
                       for k, v in d["constraints"].items()]))
    return "".join(parts)


def plain_summary(d: dict[str, Any], lang: str) -> str:
    """One sentence first: what the household will likely do this week, and the term of its
    decision that weighs most on it (or the hours it lacks)."""
    rung = int(d["rung"])
    odds = {"climb": d.get("p_climb", 0.0), "fall": d.get("p_fall", 0.0),
            "stay": d.get("p_stay", 1.0)}
    move = max(odds, key=odds.get)
    utility = d["utility"]
    names = [str(term) for term, _ in d["terms"]]

    def term(pick: Any, col: int) -> str:
        return i18n.name(lang, "term", names[int(pick([v[col] for _, v in d["terms"]]))])

    if move == "climb":
        to, col = rung + 1, rung
        why = i18n.t(lang, "ui.why_term_up", term=term(np.argmax, col))
    elif move == "fall":
        to, col = rung - 1, rung - 1
        why = i18n.t(lang, "ui.why_forced") if np.isneginf(utility[col]) else \
            i18n.t(lang, "ui.why_term_down", term=term(np.argmin, col))
    else:
        to = rung
        if rung < 3 and np.isneginf(utility[rung]):
            why = i18n.t(lang, "ui.why_hours")
        else:
            why = i18n.t(lang, "ui.why_term_down", term=term(np.argmin, min(rung, 2)))
    return i18n.t(lang, f"ui.summary_{move}", rung=i18n.t(lang, f"rung.{to}"),
                  p=f"{odds[move]:.2f}", why=why)


# Household arrays whose values are codes: shown as words.
STATE_WORDS = {"level": "rung", "situation": "situation", "last_move": "move"}


def household_panel(m: GovernanceModel, i: int, lang: str,
                    closed: ClosedIssues | None = None) -> str:
    c = m.community
    state = household_state(m, i)
    title = i18n.t(lang, "ui.household", i=i, x=int(c.x[i]), y=int(c.y[i]))
    rows = []
    for key, value in state.items():
        shown = _label(lang, STATE_WORDS[key], str(int(value))) if key in STATE_WORDS \
            else _num(value)
        rows.append([_label(lang, "state", key), shown])
    explained = m.explain_household(i) if hasattr(m, "explain_household") else None
    parts = [f"<h3>{escape(title)}</h3>"]
    if explained is not None:
        parts.append(f'<p class="summary"><strong>{escape(plain_summary(explained, lang))}'
                     "</strong></p>")
    parts += [f"<h4>{escape(i18n.t(lang, 'ui.state'))}</h4>", _table(["", ""], rows)]
    # The demo's own list: it adds the issues closed this week, with their fate.
    issues = household_issues(m, i, closed)
    parts += [f"<h4>{escape(i18n.t(lang, 'ui.issues'))}</h4>", render_issues(issues, lang),
              f"<h4>{escape(i18n.t(lang, 'ui.decision'))}</h4>"]
    if explained is None:
        note = escape(i18n.t(lang, "ui.decision_unavailable"))
        parts.append(f'<p class="unavailable">{note}</p>')
    else:
        parts.append(render_decision(explained, lang))
    return "".join(parts)


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
    parts = [f"<h3>{_label(lang, 'actor', kind)}</h3>"]
    info = m.explain_institution(agent) if hasattr(m, "explain_institution") else {}
    capacity = info.get("capacity")
    if capacity is None and callable(getattr(agent, "capacity", None)):
        capacity = agent.capacity()
    if capacity is not None:
        parts.append(f"<p>{escape(i18n.t(lang, 'ui.capacity'))}: <strong>{_num(capacity)}"
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
        parts.append(f"<h4>{escape(i18n.t(lang, 'ui.attributes'))}</h4>" + _table(
            ["", ""], [[_label(lang, "attr", k),
                        _label(lang, "kind", str(v)) if k == "kind_name" else _num(v)]
                       for k, v in rest.items()]))
    return "".join(parts)
