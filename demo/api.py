"""The JSON API's plumbing: one store of sessions, request bodies, fields, errors.

Every handler is a plain function of the request's fields (JSON body and query merged) run
in a worker thread; `api` turns it into an endpoint. Bad input gets a 400 with one sentence
naming the field and nothing is changed; a refusal (a wrong join code, a full class, too
many requests) gets its own status and one sentence in the page's language.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from demo import i18n
from demo.frames import DEFAULT_CHARTS, check_charts
from demo.session import Session, SessionStore
from demo.settling import TICKET
from model import InputError

log = logging.getLogger("demo")
store = SessionStore()
MAX_BODY = 64_000  # bytes; the page's largest request (a state with every setting) is ~4 kB


class Gone(Exception):
    """The session id is unknown (closed, swept, or the server restarted)."""


class Refused(Exception):
    """A request the classroom's limits turn away: HTTP `status`, catalogue key `key`."""

    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values

    def text(self, lang: str) -> str:
        return i18n.t(lang, f"refuse.{self.key}", **self.values)


def refusal(exc: Refused, lang: str) -> JSONResponse:
    return JSONResponse({"error": exc.text(lang), "refused": exc.key}, status_code=exc.status)


async def capped_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refused with 413 as soon as it is larger than `limit`: reading it whole
    first let one large post take hundreds of MB of the teacher's laptop."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refused(413, "too_large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, "too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _json_body(data: bytes) -> dict[str, Any]:
    if not data:
        return {}
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than any request
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


def request_lang(request: Request) -> str:
    lang = request.query_params.get("lang", "")
    if lang in i18n.LANGUAGES:
        return lang
    return "zh" if "zh" in request.headers.get("accept-language", "")[:5] else i18n.DEFAULT


def api(fn: Callable[[dict[str, Any]], Any]) -> Callable:
    """Wrap a sync handler: JSON in, JSON out, run in a worker thread, errors as one line.

    The client's identity in classroom mode (`request.state.client`, set by demo.lan) is
    passed as the field `_client`, which a body cannot set.
    """

    async def endpoint(request: Request) -> Response:
        lang = request_lang(request)
        try:
            data = await capped_body(request)
            body = _json_body(data)
            body.update(request.query_params)
            lang = body.get("lang") if body.get("lang") in i18n.LANGUAGES else lang
            body["_client"] = getattr(request.state, "client", None)
            out = await run_in_threadpool(fn, body)
        except Gone:
            return JSONResponse({"error": "session expired", "gone": True}, status_code=410)
        except Refused as exc:
            return refusal(exc, lang)
        except InputError as exc:
            return JSONResponse({"error": str(exc), "field": field_of(exc)}, status_code=400)
        except Exception as exc:  # logged with its traceback; the page gets one line
            log.exception("demo request failed")
            return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=500)
        if isinstance(out, Response):
            return out
        return JSONResponse(out)

    return endpoint


def session_of(body: dict[str, Any]) -> Session:
    session = store.get(str(body.get("sid", "")))
    if session is None:
        raise Gone
    return session


def charts_field(body: dict[str, Any]) -> list[str]:
    charts = body.get("charts", list(DEFAULT_CHARTS))
    if isinstance(charts, str):
        charts = [c for c in charts.split(",") if c]
    if not isinstance(charts, list):
        raise InputError("field 'charts' must be a list of measure names")
    return check_charts(charts)


def int_field(body: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = body.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # Infinity is valid JSON to Python
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        raise InputError(f"field '{name}' got {value!r}, but it must be a whole number from "
                         f"{low} to {high}.")
    return number


def ticket_field(body: dict[str, Any]) -> str | None:
    """The name a request gives its wait for a burn-in (demo.settling), checked."""
    ticket = body.get("ticket")
    if ticket in (None, ""):
        return None
    if not isinstance(ticket, str) or not TICKET.fullmatch(ticket):
        raise InputError(f"field 'ticket' got {ticket!r}, but it must be 8 to 64 letters, "
                         "digits, '-' or '_'.")
    return ticket


def lang_field(body: dict[str, Any]) -> str:
    return i18n.check_lang(body.get("lang", i18n.DEFAULT))


def week_field(body: dict[str, Any], session: Session) -> int | None:
    """The replay week asked for, or None for the latest ('live')."""
    week = body.get("week")
    if week in (None, "", "live"):
        return None
    return int_field(body, "week", 0, 0, session.week)
