"""The demo's web server: one page (demo/static) and a small JSON API, on 127.0.0.1.

Starlette and uvicorn only: the page paces the live loop itself (it asks for the next
frame after drawing the last), so the server holds no loop, no thread per tab and no
reactive state that could race. Bad input gets a 400 with one clear sentence naming the
field; nothing is changed by it.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from demo import explain, i18n, lessons
from demo.config import (
    SIZE_RANGE,
    DemoConfig,
    choice_params,
    default_scenario,
    from_state,
    size_choices,
    slider_params,
    slider_step,
    switch_params,
    to_state,
)
from demo.export import export_png
from demo.frames import DEFAULT_CHARTS, check_charts, frame
from demo.seeds import DEFAULT_SEEDS, DEFAULT_WEEKS, SeedJob, spec_toml, switch_edits_dropped
from demo.session import Session, SessionStore
from governance import MEASURES, MECHANISMS, PARAMS, SCENARIOS, scenario_params
from model import InputError
from model.issues import STAGES

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("demo")
store = SessionStore()


class Gone(Exception):
    """The session id is unknown (closed, swept, or the server restarted)."""


def _json_body(data: bytes) -> dict[str, Any]:
    import json

    if not data:
        return {}
    try:
        body = json.loads(data)
    except ValueError:
        raise InputError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    return body


def field_of(exc: InputError) -> str | None:
    """The field an input error names (the page shows the error beside that control)."""
    field = getattr(exc, "field", None)
    if field is None:
        found = re.search(r"(?:field|parameter) '([\w.]+)'", str(exc))
        field = found.group(1) if found else None
    return field


def api(fn: Callable[[dict[str, Any]], Any]) -> Callable:
    """Wrap a sync handler: JSON in, JSON out, run in a worker thread, errors as one line."""
    from starlette.concurrency import run_in_threadpool

    async def endpoint(request: Request) -> Response:
        try:
            body = _json_body(await request.body())
            body.update(request.query_params)
            out = await run_in_threadpool(fn, body)
        except Gone:
            return JSONResponse({"error": "session expired", "gone": True}, status_code=410)
        except InputError as exc:
            return JSONResponse({"error": str(exc), "field": field_of(exc)}, status_code=400)
        except Exception as exc:  # logged with its traceback; the page gets one line
            log.exception("demo request failed")
            return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=500)
        if isinstance(out, Response):
            return out
        return JSONResponse(out)

    return endpoint


def _session(body: dict[str, Any]) -> Session:
    session = store.get(str(body.get("sid", "")))
    if session is None:
        raise Gone
    return session


def _charts(body: dict[str, Any]) -> list[str]:
    charts = body.get("charts", list(DEFAULT_CHARTS))
    if isinstance(charts, str):
        charts = [c for c in charts.split(",") if c]
    if not isinstance(charts, list):
        raise InputError("field 'charts' must be a list of measure names")
    return check_charts(charts)


def _int(body: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = body.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        raise InputError(f"field '{name}' got {value!r}, but it must be a whole number from "
                         f"{low} to {high}.")
    return number


def _lang(body: dict[str, Any]) -> str:
    return i18n.check_lang(body.get("lang", i18n.DEFAULT))


# --- handlers ------------------------------------------------------------------------------


def meta(body: dict[str, Any]) -> dict[str, Any]:
    """Everything the page builds its controls from: the schema, scenarios, measures."""
    lang = _lang(body)

    def describe(p: Any) -> dict[str, Any]:
        d = {"name": p.name, "type": p.type.__name__, "default": p.default, "unit": p.unit,
             "group": p.group, "article": p.article,
             "label": i18n.name(lang, "param", p.name),
             "meaning": i18n.catalogue(lang).get(f"meaning.{p.name}", p.meaning)}
        if p.type in (int, float):
            d.update(low=p.low, high=p.high, step=slider_step(p))
        if p.choices:
            d["choices"] = list(p.choices)
        return d

    return {
        "lang": lang, "text": i18n.catalogue(lang), "languages": list(i18n.LANGUAGES),
        "switches": [describe(p) for p in switch_params()],
        "sliders": [describe(p) for p in slider_params()],
        "choices": [describe(p) for p in choice_params()],
        "scenarios": [{"name": n, "kind": s.kind, "label": i18n.scenario_label(lang, n),
                       "description": i18n.scenario_description(lang, n, s.description),
                       "presets": {k: v for k, v in scenario_params(n).items()
                                   if k in PARAMS and PARAMS[k].main},
                       "sizes": size_choices(n),
                       "size": scenario_params(n)["width"]}
                      for n, s in SCENARIOS.items()],
        # The picker groups scenarios by kind, in the order kinds first appear.
        "scenario_groups": [{"kind": k, "label": i18n.t(lang, "scenario_group." + k)}
                            for k in dict.fromkeys(s.kind for s in SCENARIOS.values())],
        "default_scenario": default_scenario(),
        "measures": [{"name": n, "unit": m.unit, "label": i18n.name(lang, "measure", n),
                      "meaning": m.meaning} for n, m in MEASURES.items()],
        "default_charts": list(DEFAULT_CHARTS), "stages": list(STAGES),
        "mechanisms": MECHANISMS, "size_range": list(SIZE_RANGE),
        "lessons": lessons.catalogue(lang),
        "seeds": DEFAULT_SEEDS, "seed_weeks": DEFAULT_WEEKS,
    }


def _config(body: dict[str, Any]) -> DemoConfig:
    state = body.get("state") or {}
    if not isinstance(state, dict):
        raise InputError("field 'state' must be an object")
    return from_state(state)


def open_session(body: dict[str, Any]) -> dict[str, Any]:
    cfg = _config(body)
    week = _int(body, "week", 0, 0, 5200)
    charts = _charts(body)
    sid, session = store.open(cfg)
    with session.lock:
        session.run_to(week)
        return {"sid": sid, "state": to_state(cfg), **frame(session, charts)}


def configure(body: dict[str, Any]) -> dict[str, Any]:
    session = _session(body)
    cfg = _config(body)  # checked before anything changes
    charts = _charts(body)
    with session.lock:
        session.reset(cfg)
        return {"state": to_state(cfg), **frame(session, charts)}


def step(body: dict[str, Any]) -> dict[str, Any]:
    import time

    session = _session(body)
    steps = _int(body, "steps", 1, 1, 520)
    fastest = bool(body.get("fastest", False))
    budget = _int(body, "budget_ms", 120, 1, 1000) / 1000 if fastest else None
    charts = _charts(body)
    with session.lock:
        t0 = time.perf_counter()
        session.step(steps, budget=budget)
        return frame(session, charts, step_ms=(time.perf_counter() - t0) * 1000)


def show(body: dict[str, Any]) -> dict[str, Any]:
    session = _session(body)
    charts = _charts(body)
    week = body.get("week")
    with session.lock:
        week = None if week in (None, "", "live") else _int(body, "week", 0, 0, session.week)
        return frame(session, charts, week)


def ping(body: dict[str, Any]) -> dict[str, Any]:
    _session(body)
    return {"ok": True}


def close(body: dict[str, Any]) -> dict[str, Any]:
    return {"closed": store.close(str(body.get("sid", "")))}


def health(body: dict[str, Any]) -> dict[str, Any]:
    return {"sessions": len(store), "threads": threading.active_count()}


def _run(session: Session, body: dict[str, Any]) -> int:
    runs = len(session.room.runs)
    return _int(body, "run", 0, 0, runs - 1)


def household(body: dict[str, Any]) -> dict[str, Any]:
    session = _session(body)
    lang = _lang(body)
    with session.lock:
        run = _run(session, body)
        model = session.room.runs[run][1]
        x = _int(body, "x", 0, 0, model.community.width - 1)
        y = _int(body, "y", 0, 0, model.community.height - 1)
        i = session.household_index(run, x, y)
        if i is None:
            raise InputError(f"no household at ({x}, {y})")
        closed = session.room.closed[run]
        return {"html": explain.household_panel(model, i, lang, closed), "index": i}


def institution(body: dict[str, Any]) -> dict[str, Any]:
    session = _session(body)
    lang = _lang(body)
    kind = str(body.get("kind", ""))
    with session.lock:
        run = _run(session, body)
        model = session.room.runs[run][1]
        agents = [a for cls, group in model.agents_by_type.items() if cls.__name__ == kind
                  for a in group]
        if not agents:
            raise InputError(f"field 'kind' got {kind!r}, which is not an actor present now")
        idx = _int(body, "id", 0, 0, len(agents) - 1)
        return {"html": explain.institution_panel(model, kind, agents[idx], lang,
                                                  session.room.closed[run])}


def seeds_start(body: dict[str, Any]) -> dict[str, Any]:
    session = _session(body)
    n = _int(body, "n", DEFAULT_SEEDS, 2, 50)
    weeks = _int(body, "weeks", DEFAULT_WEEKS, 4, 520)
    charts = [c for c in _charts(body) if c != "ladder"]
    lesson = body.get("lesson")
    with session.lock:
        if session.seeds is not None:
            session.seeds.cancel()
        if lesson not in (None, "", 0, "0"):
            ls = lessons.get(_int(body, "lesson", 1, 1, 99))
            job = lessons.answer_job(ls, session.config.seed, session.config.size, n, weeks)
            job.lesson = ls.number
        else:
            job = SeedJob(session.config, n, weeks, charts)
        session.seeds = job.start()
    return seeds_status(body)


def seeds_status(body: dict[str, Any]) -> dict[str, Any]:
    session = _session(body)
    lang = _lang(body)
    job = session.seeds
    if job is None:
        return {"state": "none"}
    out: dict[str, Any] = {"done": job.done, "total": job.total, "eta": job.eta,
                           "n": job.spec.replicates,
                           "weeks": job.spec.steps, "error": job.error,
                           "labels": [i18n.scenario_label(lang, s) for s in job.spec.scenarios],
                           "dropped_switches": switch_edits_dropped(job.cfg),
                           "lesson": getattr(job, "lesson", None)}
    if not job.finished:
        out["state"] = "running"
        return out
    out["state"] = "failed" if job.error else "done"
    if not job.error:
        out["table"] = job.table()
        out["current"] = job.cfg == session.config
        if out["lesson"] is not None:
            out["answer"] = lessons.answer_text(lang, job)
    return out


def spec_file(body: dict[str, Any]) -> Response:
    from demo.seeds import spec_dict

    session = _session(body)
    n = _int(body, "n", DEFAULT_SEEDS, 1, 10_000)
    weeks = _int(body, "weeks", DEFAULT_WEEKS, 1, 100_000)
    with session.lock:
        raw = spec_dict(session.config, n, weeks, [c for c in _charts(body) if c != "ladder"])
    return Response(spec_toml(raw), media_type="application/toml", headers={
        "Content-Disposition": f'attachment; filename="{raw["name"]}.toml"'})


def csv_file(body: dict[str, Any]) -> Response:
    session = _session(body)
    buf = io.StringIO()
    with session.lock:
        names = list(MEASURES)
        writer = csv.writer(buf)
        writer.writerow(["run", "scenario", "seed", "week", *names])
        for k, rec in enumerate(session.records):
            for week, row in enumerate(rec.rows):
                writer.writerow([k, rec.label, session.config.seed, week,
                                 *(row.get(n, "") for n in names)])
        name = "_vs_".join(r.label for r in session.records)
    return Response(buf.getvalue(), media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="demo_{name}.csv"'})


def png_file(body: dict[str, Any]) -> Response:
    session = _session(body)
    lang = _lang(body)
    charts = _charts(body)
    week = body.get("week")
    with session.lock:
        week = None if week in (None, "", "live") else _int(body, "week", 0, 0, session.week)
        png = export_png(session, charts, week, lang)
    return Response(png, media_type="image/png", headers={
        "Content-Disposition": 'attachment; filename="demo.png"'})


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


def _lifespan(url: str | None) -> Callable:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Starlette):
        store.start()
        if url:
            print(f"demo running: open {url} in a browser (Ctrl+C stops it)", flush=True)
        try:
            yield
        finally:
            store.stop()

    return lifespan


def make_app(url: str | None = None) -> Starlette:
    routes = [
        Route("/", index),
        Route("/api/meta", api(meta), methods=["GET", "POST"]),
        Route("/api/open", api(open_session), methods=["POST"]),
        Route("/api/config", api(configure), methods=["POST"]),
        Route("/api/step", api(step), methods=["POST"]),
        Route("/api/show", api(show), methods=["POST"]),
        Route("/api/ping", api(ping), methods=["POST"]),
        Route("/api/close", api(close), methods=["POST"]),
        Route("/api/health", api(health), methods=["GET"]),
        Route("/api/household", api(household), methods=["POST"]),
        Route("/api/institution", api(institution), methods=["POST"]),
        Route("/api/seeds", api(seeds_start), methods=["POST"]),
        Route("/api/seeds/status", api(seeds_status), methods=["POST", "GET"]),
        Route("/api/export/spec.toml", api(spec_file), methods=["GET"]),
        Route("/api/export/run.csv", api(csv_file), methods=["GET"]),
        Route("/api/export/picture.png", api(png_file), methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, lifespan=_lifespan(url))


def serve(host: str, port: int, url: str) -> int:
    """Run until interrupted (Ctrl+C or SIGTERM: uvicorn shuts down cleanly)."""
    import uvicorn

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    config = uvicorn.Config(make_app(url), host=host, port=port, log_level="warning",
                            access_log=False, lifespan="on")
    uvicorn.Server(config).run()
    return 0
