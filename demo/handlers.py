"""The run's handlers: the schema for the controls, open / configure / step / show a session,
and the 'why' panels. Each is a function of the request's fields (demo.api)."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from demo import explain, i18n, institutions, lessons
from demo.api import (
    Refused,
    charts_field,
    int_field,
    lang_field,
    session_of,
    store,
    ticket_field,
    week_field,
)
from demo.config import (
    SIZE_RANGE,
    STUDENT_MAX_SIZE,
    DemoConfig,
    choice_params,
    controlled,
    default_scenario,
    from_state,
    size_choices,
    slider_params,
    slider_step,
    student_copy,
    switch_params,
    to_state,
)
from demo.frames import DEFAULT_CHARTS, frame
from demo.seeds import DEFAULT_SEEDS, DEFAULT_WEEKS
from demo.session import Session
from demo.settling import BUILDER
from governance import MEASURES, MECHANISMS, SCENARIOS, scenario_params
from model import InputError
from model.issues import STAGES

SHARED_WEEKS = 1040  # the latest week a shared link reopens at (app.js caps it too)


def meta(body: dict[str, Any]) -> dict[str, Any]:
    """Everything the page builds its controls from: the schema, scenarios, measures."""
    lang = lang_field(body)
    cat = i18n.catalogue(lang)

    def describe(p: Any) -> dict[str, Any]:
        d = {"name": p.name, "type": p.type.__name__, "default": p.default, "unit": p.unit,
             "group": p.group, "article": p.article,
             "label": i18n.name(lang, "param", p.name),
             "meaning": cat.get(f"meaning.{p.name}", p.meaning)}
        if p.type in (int, float):
            d.update(low=p.low, high=p.high, step=slider_step(p))
        if p.choices:
            d["choices"] = list(p.choices)
            d["choice_labels"] = [i18n.name(lang, f"choice.{p.name}", c) for c in p.choices]
        return d

    client = body.get("_client")
    largest = STUDENT_MAX_SIZE if _student(body) else SIZE_RANGE[1]
    # Every control's preset, and the phasing of the switches (the notes say "from week").
    shown = {p.name for p in controlled()} | {f"{m}_start" for m in MECHANISMS}
    return {
        "lang": lang, "text": cat, "languages": list(i18n.LANGUAGES),
        "switches": [describe(p) for p in switch_params()],
        "sliders": [describe(p) for p in slider_params()],
        "choices": [describe(p) for p in choice_params()],
        "scenarios": [{"name": n, "kind": s.kind, "label": i18n.scenario_label(lang, n),
                       "description": i18n.scenario_description(lang, n, s.description),
                       "presets": {k: v for k, v in scenario_params(n).items()
                                   if k in shown},
                       "sizes": size_choices(n, largest),
                       "size": scenario_params(n)["width"]}
                      for n, s in SCENARIOS.items()],
        # The picker groups scenarios by kind, in the order kinds first appear.
        "scenario_groups": [{"kind": k, "label": i18n.t(lang, "scenario_group." + k)}
                            for k in dict.fromkeys(s.kind for s in SCENARIOS.values())],
        "default_scenario": default_scenario(),
        "measures": [{"name": n, "unit": m.unit, "label": i18n.name(lang, "measure", n),
                      "meaning": cat.get(f"measure_meaning.{n}", m.meaning)}
                     for n, m in MEASURES.items()],
        "default_charts": list(DEFAULT_CHARTS), "stages": list(STAGES),
        "mechanisms": dict(MECHANISMS), "size_range": [SIZE_RANGE[0], largest],
        "lessons": lessons.catalogue(lang),
        "seeds": DEFAULT_SEEDS, "seed_weeks": DEFAULT_WEEKS,
        "role": client.role if client is not None else "teacher",
        "classroom": client is not None,
    }


def _student(body: dict[str, Any]) -> bool:
    client = body.get("_client")
    return client is not None and client.role == "student"


def _config(body: dict[str, Any], opening: bool = False) -> DemoConfig:
    state = body.get("state") or {}
    if not isinstance(state, dict):
        raise InputError("field 'state' must be an object")
    cfg = from_state(state)
    return student_copy(cfg, opening) if _student(body) else cfg


def open_session(body: dict[str, Any]) -> dict[str, Any]:
    cfg = _config(body, opening=True)
    # a shared link reopens at most 20 years in (the page's own cap): one request runs them
    week = int_field(body, "week", 0, 0, SHARED_WEEKS)
    charts = charts_field(body)
    client = body.get("_client")
    if client is not None and not store.has_room():  # the class shares one machine
        raise Refused(503, "sessions_full", n=store.limit)
    sid, session = store.open(cfg, ticket_field(body))
    session.owner = client.id if client is not None else ""
    with session.lock:
        session.run_to(week)
        return {"sid": sid, "state": to_state(cfg), **frame(session, charts)}


def configure(body: dict[str, Any]) -> dict[str, Any]:
    session = session_of(body)
    cfg = _config(body)  # checked before anything changes
    charts = charts_field(body)
    ticket = ticket_field(body)
    with session.lock:
        if cfg != session.config:  # the same setting again restarts nothing
            session.reset(cfg, ticket)
        return {"state": to_state(cfg), **frame(session, charts)}


def reset(body: dict[str, Any]) -> dict[str, Any]:
    """The Reset button: the same setting from week 0."""
    session = session_of(body)
    charts = charts_field(body)
    ticket = ticket_field(body)
    with session.lock:
        session.reset(session.config, ticket)
        return {"state": to_state(session.config), **frame(session, charts)}


def step(body: dict[str, Any]) -> dict[str, Any]:
    session = session_of(body)
    steps = int_field(body, "steps", 1, 1, 520)
    fastest = bool(body.get("fastest", False))
    budget = int_field(body, "budget_ms", 120, 1, 1000) / 1000 if fastest else None
    charts = charts_field(body)
    with session.lock:
        t0 = time.perf_counter()
        session.step(steps, budget=budget)
        return frame(session, charts, step_ms=(time.perf_counter() - t0) * 1000)


def show(body: dict[str, Any]) -> dict[str, Any]:
    session = session_of(body)
    charts = charts_field(body)
    with session.lock:
        return frame(session, charts, week_field(body, session))


def progress(body: dict[str, Any]) -> dict[str, Any]:
    """How far the burn-in a request waits for has come (the page polls it meanwhile)."""
    return BUILDER.progress(ticket_field(body) or "")


def ping(body: dict[str, Any]) -> dict[str, Any]:
    session_of(body)
    return {"ok": True}


def close(body: dict[str, Any]) -> dict[str, Any]:
    return {"closed": store.close(str(body.get("sid", "")))}


def health(body: dict[str, Any]) -> dict[str, Any]:
    return {"sessions": len(store), "threads": threading.active_count()}


def _run(session: Session, body: dict[str, Any]) -> int:
    return int_field(body, "run", 0, 0, len(session.room.runs) - 1)


def household(body: dict[str, Any]) -> dict[str, Any]:
    session = session_of(body)
    lang = lang_field(body)
    with session.lock:
        run = _run(session, body)
        model = session.room.runs[run][1]
        x = int_field(body, "x", 0, 0, model.community.width - 1)
        y = int_field(body, "y", 0, 0, model.community.height - 1)
        i = session.household_index(run, x, y)
        if i is None:
            raise InputError(f"no household at ({x}, {y})")
        pop = model.population
        members = pop.residents_of(np.array([i])).tolist()
        resident = body.get("resident")
        if resident not in (None, ""):
            resident = int_field(body, "resident", members[0], 0, pop.n - 1)
            if resident not in members:
                raise InputError(f"field 'resident' got {resident}, but household {i} has "
                                 f"residents {', '.join(map(str, members))}.")
        else:
            resident = None
        closed = session.room.closed[run]
        return {"html": explain.household_panel(model, i, lang, closed, resident),
                "index": i, "residents": members}


def institution(body: dict[str, Any]) -> dict[str, Any]:
    session = session_of(body)
    lang = lang_field(body)
    kind = str(body.get("kind", ""))
    with session.lock:
        run = _run(session, body)
        model = session.room.runs[run][1]
        agents = [a for cls, group in model.agents_by_type.items() if cls.__name__ == kind
                  for a in group]
        if not agents:
            raise InputError(f"field 'kind' got {kind!r}, which is not an actor present now")
        idx = int_field(body, "id", 0, 0, len(agents) - 1)
        return {"html": institutions.institution_panel(model, kind, agents[idx], lang,
                                                  session.room.closed[run])}
