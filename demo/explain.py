"""'Why does it do that?': the panel shown when a household is clicked.

A household is a dwelling with its residents (people aged 18+); each resident climbs the
participation ladder and decides for themselves. The panel opens with one plain sentence on
one resident's likely move this week, lists who lives there (age band, life situation,
rung, Party member) with a button to explain another, then shows that resident's state read
from every per-resident array of `model.population` (and the acts the model remembers of
them), the household's from every per-household array, its issues from `model.issues`, and
the resident's decision term by term from `model.explain_household` / `explain_resident`
(model/explain.py). New arrays appear by themselves. Output is escaped HTML. Institutions'
panels: demo.institutions.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from demo import i18n
from demo.closures import COLUMNS, ClosedIssues
from model.issues import KINDS, STAGES
from model.recall import NEVER, LastDone

if TYPE_CHECKING:
    from governance import GovernanceModel

# Per-resident arrays that are indexes into other arrays, not something about the resident.
INDEXES = ("everyone",)


def cell_num(v: Any) -> str:
    """A number as a table shows it: three significant digits, ✓/✗, '—' for never."""
    if v is None:
        return "—"
    if isinstance(v, bool | np.bool_):
        return "✓" if v else "✗"
    if isinstance(v, int | np.integer):
        return "—" if v <= -10**8 else str(int(v))  # "never" sentinels (e.g. last contact)
    try:
        return f"{float(v) + 0.0:.3g}"  # + 0.0: no "-0"
    except (TypeError, ValueError):
        return escape(str(v))


def cell_label(lang: str, kind: str, code: str) -> str:
    """A readable name with the code name in a tooltip."""
    return (f'<span title="{escape(i18n.t(lang, "ui.code_name", code=code))}">'
            f"{escape(i18n.name(lang, kind, code))}</span>")


def html_table(head: list[str], rows: list[list[str]], caption: str = "",
           marked: int | None = None) -> str:
    """An HTML table of already escaped cells; row `marked` gets the class "chosen"."""
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    th = "".join(f'<th scope="col">{h}</th>' for h in head)
    thead = f"<thead><tr>{th}</tr></thead>" if any(head) else ""
    body = "".join(('<tr class="chosen">' if k == marked else "<tr>")
                   + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for k, r in enumerate(rows))
    return f'<table class="explain-table">{cap}{thead}<tbody>{body}</tbody></table>'


def _recalled(m: GovernanceModel, i: int, length: int) -> dict[str, Any]:
    """Weeks since each act the model remembers (model/recall.py) of resident or household i
    (the recall objects over `length` entries), as `<object>.<act>`; None: not done since
    moving in."""
    out: dict[str, Any] = {}
    for key, value in vars(m.population).items():
        if not isinstance(value, LastDone):
            continue
        for kind, weeks in value.week.items():
            if len(weeks) == length:
                week = int(weeks[i])
                out[f"{key}.{kind}"] = None if week <= NEVER // 2 else m.clock - week
    return out


def resident_state(m: GovernanceModel, r: int) -> dict[str, Any]:
    """Every public per-resident array's value for resident r, the weeks since each act the
    model remembers of them (the survey measures' "in the last 26 / 52 weeks"), their
    contacts with neighbours over the last year, and the hours they have free this week (their
    own and those given to them, less fatigue: what the time terms use)."""
    pop = m.population
    out: dict[str, Any] = {}
    for key, arr in vars(pop).items():
        if key.startswith("_") or key in INDEXES or not isinstance(arr, np.ndarray) \
                or arr.shape != (pop.n,):
            continue
        out[key] = arr[r].item()
    out.update(_recalled(m, r, pop.n))
    contacts = getattr(pop, "contacts", None)
    if contacts is not None:
        out["contacts"] = int(contacts.total[r])
    out["free_hours"] = float(pop.free_hours()[r])
    out["familiarity"] = float(pop.familiarity()[r])
    return out


def household_state(m: GovernanceModel, h: int) -> dict[str, Any]:
    """Every public per-household array's value for household h (tenure, open issues, adults
    ...), the weeks since it last reported a problem, and who lives there (persons, of whom
    children)."""
    pop = m.population
    out: dict[str, Any] = {}
    for key, arr in vars(pop).items():
        if key.startswith("_") or not isinstance(arr, np.ndarray) \
                or arr.shape != (pop.households,) or arr.shape == (pop.n,):
            continue
        out[key] = arr[h].item()
    if "last_contact" in out:  # the model's week of it (a sentinel for never): weeks since
        week = out["last_contact"]
        out["last_contact"] = None if week <= NEVER // 2 else m.clock - week
    out.update(_recalled(m, h, pop.households))
    persons = int(pop.layout.persons[h])
    out.update(persons=persons, children=persons - int(pop.adults[h]))
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
                                              "ui.col_known", "ui.col_reported", "ui.col_status")]
    rows = [[cell_label(lang, "kind", str(s["kind"])), cell_label(lang, "stage", str(s["stage"])),
             cell_num(s["age"]), escape(yes if s["known"] else no),
             escape(yes if s["reported"] else no), cell_label(lang, "status", str(s["status"]))]
            for s in issues]
    return html_table(head, rows)


def exact_num(v: Any) -> str:
    """A number of the model's explanation: three significant digits shown, and the value to
    its last digit (Python's shortest round-trip repr) in `data-exact` and on hover, so
    anyone can check the panel against `explain_resident` digit for digit."""
    if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.number) \
            or not np.isfinite(v):
        return cell_num(v)
    exact = repr(float(v) + 0.0)
    return f'<span class="num" data-exact="{exact}" title="{exact}">{cell_num(v)}</span>'


def _utility(v: Any, lang: str) -> str:
    """A utility or term; minus infinity means the rung needs more hours than are free."""
    if isinstance(v, int | float | np.floating) and np.isneginf(v):
        return f'<span class="out-of-reach">{escape(i18n.t(lang, "ui.out_of_reach"))}</span>'
    return exact_num(v)


def _constraint(v: Any, lang: str) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(exact_num(x) for x in v)
    if isinstance(v, str):  # the name of the place or role held ("" = none)
        return cell_label(lang, "offer", v) if v else escape(i18n.t(lang, "ui.none_held"))
    return cell_num(v)


def render_decision(d: dict[str, Any], lang: str) -> str:
    """The decision explanation (model/explain.py: rung, terms, utility, p_climb/fall/stay,
    last_move, constraints), with the model's term names translated."""
    rungs = [escape(i18n.t(lang, "ui.for_rung", rung=i18n.t(lang, f"rung.{r}")))
             for r in (1, 2, 3)]
    rows = [[cell_label(lang, "term", str(term))] + [_utility(v, lang) for v in values]
            for term, values in d["terms"]]
    rows.append([f"<strong>{escape(i18n.t(lang, 'ui.utility'))}</strong>"]
                + [f"<strong>{_utility(u, lang)}</strong>" for u in d["utility"]])
    parts = [html_table([escape(i18n.t(lang, "ui.term")), *rungs], rows),
             f'<p class="hint">{escape(i18n.t(lang, "ui.sign_note"))}</p>']
    probs = [(k, d[k]) for k in ("p_climb", "p_stay", "p_fall") if k in d]
    items = [f"<li>{escape(i18n.t(lang, 'ui.' + k))}: <strong>{exact_num(v)}</strong></li>"
             for k, v in probs]
    if "last_move" in d:
        items.append(f"<li>{escape(i18n.t(lang, 'ui.last_move'))}: "
                     f"<strong>{cell_label(lang, 'move', str(int(d['last_move'])))}</strong></li>")
    parts.append('<ul class="explain-probs">' + "".join(items) + "</ul>")
    if d.get("constraints"):
        parts.append(f"<h4>{escape(i18n.t(lang, 'ui.constraints'))}</h4>" + html_table(
            ["", ""], [[cell_label(lang, "constraint", str(k)), _constraint(v, lang)]
                       for k, v in d["constraints"].items()]))
    return "".join(parts)


def plain_summary(d: dict[str, Any], lang: str, household: str = "", who: str = "") -> str:
    """One sentence first: what the resident will likely do this week, and the term of their
    decision that weighs most on it (or the hours they lack); `household` and `who` say
    whose decision it is."""
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
                  p=f"{odds[move]:.2f}", why=why, household=household, who=who)


# Arrays whose values are codes: shown as words.
STATE_WORDS = {"level": "rung", "situation": "situation", "band": "band",
               "last_move": "move", "steer": "choice"}


def _state_rows(state: dict[str, Any], lang: str) -> list[list[str]]:
    rows = []
    for key, value in state.items():
        shown = cell_label(lang, STATE_WORDS[key], str(int(value))) if key in STATE_WORDS \
            else escape(i18n.t(lang, "ui.never")) if value is None \
            else exact_num(value)
        rows.append([cell_label(lang, "state", key), shown])
    return rows


def who_words(m: GovernanceModel, r: int, lang: str) -> str:
    """'resident 2 (35–59, working)': the resident's place in the household, age band and
    life situation."""
    pop = m.population
    k = int(r - pop.residents_of(np.array([pop.home[r]]))[0]) + 1
    return i18n.t(lang, "ui.who", k=k, band=i18n.t(lang, f"band.{int(pop.band[r])}"),
                  situation=i18n.t(lang, f"situation.{int(pop.situation[r])}"))


def residents_table(m: GovernanceModel, h: int, chosen: int, lang: str) -> str:
    """Who lives in household h: age band, life situation, rung and Party membership of each
    resident, the one explained marked; a button explains another (the page's dialog)."""
    pop = m.population
    yes, no = i18n.t(lang, "ui.yes"), i18n.t(lang, "ui.no")
    head = [escape(i18n.t(lang, k)) for k in ("ui.col_resident", "ui.col_band",
                                              "ui.col_situation", "ui.col_rung",
                                              "ui.col_party", "ui.col_explain")]
    rows = []
    members = pop.residents_of(np.array([h])).tolist()
    for k, r in enumerate(members, start=1):
        button = (escape(i18n.t(lang, "ui.explained_below")) if r == chosen else
                  f'<button type="button" data-resident="{r}">'
                  f"{escape(i18n.t(lang, 'ui.explain_resident', k=k))}</button>")
        rows.append([escape(i18n.t(lang, "ui.resident_k", k=k)),
                     cell_label(lang, "band", str(int(pop.band[r]))),
                     cell_label(lang, "situation", str(int(pop.situation[r]))),
                     cell_label(lang, "rung", str(int(pop.level[r]))),
                     escape(yes if pop.party[r] else no), button])
    table = html_table(head, rows, marked=members.index(chosen))
    return f'<div class="residents">{table}</div>'


def household_panel(m: GovernanceModel, h: int, lang: str,
                    closed: ClosedIssues | None = None, resident: int | None = None) -> str:
    """Household h: one plain sentence on one resident's likely move this week, who lives
    there, that resident's state, the household's, its issues and the resident's decision
    term by term. `resident`: whom to explain (one of h's; default the model's choice, the
    most engaged resident)."""
    c, pop = m.community, m.population
    members = pop.residents_of(np.array([h])).tolist()
    if resident is None:
        explained = m.explain_household(h)
    elif resident in members:
        explained = m.explain_resident(resident)
    else:
        raise ValueError(f"resident {resident} does not live in household {h}")
    r = int(explained["resident"])
    home = household_state(m, h)
    people = i18n.t(lang, "ui.household_people", persons=home["persons"],
                    adults=home["persons"] - home["children"])
    who = who_words(m, r, lang)
    title = i18n.t(lang, "ui.household", i=h, x=int(c.x[h]), y=int(c.y[h]))
    parts = [f"<h3>{escape(title)}</h3>",
             f'<p class="summary"><strong>{escape(plain_summary(explained, lang, people, who))}'
             "</strong></p>",
             f"<h4>{escape(i18n.t(lang, 'ui.residents', n=len(members)))}</h4>",
             residents_table(m, h, r, lang),
             f"<h4>{escape(i18n.t(lang, 'ui.resident_state', who=who))}</h4>",
             html_table(["", ""], _state_rows(resident_state(m, r), lang)),
             f"<h4>{escape(i18n.t(lang, 'ui.household_state'))}</h4>",
             html_table(["", ""], _state_rows(home, lang))]
    # The demo's own list: it adds the issues closed this week, with their fate.
    issues = household_issues(m, h, closed)
    parts += [f"<h4>{escape(i18n.t(lang, 'ui.issues'))}</h4>", render_issues(issues, lang),
              f"<h4>{escape(i18n.t(lang, 'ui.decision', who=who))}</h4>",
              render_decision(explained, lang)]
    return "".join(parts)
