"""The classroom's routes: joining with the code, following the teacher's run read-only,
and playing a resident of a household, the committee or a grid worker of the class's run
(participatory mode, demo.players).

`CLASS` holds the classroom of this server: its gate (demo.lan; None outside classroom mode,
where only the teacher's own browser reaches the demo), the join address, and which
session is the class's run. Students read the class run through a frame cache: forty phones
asking for the same week cost one frame.
"""

from __future__ import annotations

import io
import json
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from demo import i18n, players
from demo.api import (
    Refused,
    capped_body,
    charts_field,
    refusal,
    request_lang,
    session_of,
    store,
)
from demo.frames import frame
from demo.lan import Gate, set_cookie
from demo.session import Session
from model import InputError


class ClassState:
    def __init__(self) -> None:
        self.gate: Gate | None = None
        self.join_url = ""
        self.sid = ""  # the class run: a teacher's session
        self._cache: dict[tuple, bytes] = {}
        self._lock = threading.Lock()

    def run(self) -> Session:
        session = store.get(self.sid) if self.sid else None
        if session is None:
            raise Refused(409, "no_class_run")
        return session

    def cached_frame(self, session: Session, charts: list[str]) -> bytes:
        key = (self.sid, id(session.room), session.week, tuple(charts))
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        with session.lock:
            data = frame(session, charts)
        out = json.dumps(data).encode()
        with self._lock:
            self._cache = {key: out}  # one week is asked for at a time
        return out


CLASS = ClassState()


def _client_id(body: dict[str, Any]) -> str:
    client = body.get("_client")
    return client.id if client is not None else "local"


async def join(request: Request) -> Response:
    """The join form: a right code sets the student's cookie."""
    lang = request_lang(request)
    gate = CLASS.gate
    if gate is None:
        return JSONResponse({"ok": True, "role": "teacher"})
    try:
        body = json.loads(await capped_body(request))
    except Refused as exc:
        return refusal(exc, lang)
    except (ValueError, RecursionError):
        body = {}
    code = str(body.get("code", "")) if isinstance(body, dict) else ""
    try:
        client = gate.join(code, request.client.host if request.client else "")
    except Refused as exc:
        return refusal(exc, lang)
    return set_cookie(JSONResponse({"ok": True, "role": client.role}), client)


def words(body: dict[str, Any]) -> dict[str, Any]:
    """The join page's words (open before joining: the page carries no copy of them)."""
    lang = body.get("lang") if body.get("lang") in i18n.LANGUAGES else i18n.DEFAULT
    return {"text": {k: v for k, v in i18n.catalogue(lang).items() if k.startswith("join.")}}


def info(body: dict[str, Any]) -> dict[str, Any]:
    gate = CLASS.gate
    client = body.get("_client")
    return {"classroom": gate is not None, "role": client.role if client else "teacher",
            "students": gate.students() if gate else 0,
            "class_run": bool(CLASS.sid and store.get(CLASS.sid) is not None),
            "join_url": CLASS.join_url if client is None or client.role == "teacher" else "",
            "code": gate.code if gate and (client is None or client.role == "teacher") else ""}


def qr_svg(body: dict[str, Any]) -> Response:
    import segno

    qr = segno.make(CLASS.join_url or "http://127.0.0.1/", error="m")
    buf = io.BytesIO()  # a whole SVG document (with its namespace): an <img> shows it
    qr.save(buf, kind="svg", scale=6, border=2, title="join", xmldecl=False)
    return Response(buf.getvalue(), media_type="image/svg+xml")


def make_class_run(body: dict[str, Any]) -> dict[str, Any]:
    """The teacher's session becomes the class's run; the residents students play live in it."""
    session = session_of(body)
    with session.lock:
        if session.players is None:
            session.players = players.Players()
    CLASS.sid = str(body.get("sid"))
    return summary(body)


def summary(body: dict[str, Any]) -> dict[str, Any]:
    session = CLASS.run()
    with session.lock:
        out = players.summary(session)
    return {**out, "students": CLASS.gate.students() if CLASS.gate else 0}


def follow(body: dict[str, Any]) -> Response:
    """The class run's latest frame, read-only (and the class's households on its map)."""
    session = CLASS.run()
    return Response(CLASS.cached_frame(session, charts_field(body)),
                    media_type="application/json")


def play_join(body: dict[str, Any]) -> dict[str, Any]:
    session = CLASS.run()
    role = body.get("role", "household")
    if role not in players.ROLES:
        raise InputError(f"field 'role' got {role!r}, but it must be one of "
                         f"{', '.join(players.ROLES)}.")
    with session.lock:
        if session.players is None:
            raise Refused(409, "no_class_run")
        player = session.players.join(session, _client_id(body), str(body.get("name", "")),
                                      role)
        return players.view(session, player)


def _player(session: Session, body: dict[str, Any]) -> players.Player:
    player = session.players.of(session, _client_id(body)) if session.players else None
    if player is None:
        raise Refused(409, "not_playing")
    return player


def play_state(body: dict[str, Any]) -> dict[str, Any]:
    session = CLASS.run()
    with session.lock:
        return players.view(session, _player(session, body))


def _share(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InputError(f"field '{field}' got {value!r}, but it must be a number from 0 to "
                         "1 (null: let the model decide).")
    return float(value)


def _split(value: Any) -> tuple[float, float, float] | None:
    """A committee member's proposal: three weights (councils, visits, activities)."""
    if value is None:
        return None
    ok = (isinstance(value, list) and len(value) == 3
          and all(not isinstance(v, bool) and isinstance(v, int | float) and 0 <= v <= 100
                  for v in value) and sum(value) > 0)
    if not ok:
        raise InputError(f"field 'split' got {value!r}, but it must be three numbers from 0 "
                         "to 100 (councils, home visits, activities), not all 0 (null: let "
                         "the model decide).")
    return (float(value[0]), float(value[1]), float(value[2]))


def play_choose(body: dict[str, Any]) -> dict[str, Any]:
    """A player's choice for the next step, checked for the player's role."""
    session = CLASS.run()
    with session.lock:
        player = _player(session, body)
        steering = session.steering
        if player.role == "committee":
            steering.committee[player.client] = _split(body.get("split"))
        elif player.role == "grid":
            share = body.get("share")
            steering.grids[player.seat] = None if share is None else _share(share, "share")
        else:
            if "member" in body:  # play another resident of the same household
                member = body.get("member")
                if isinstance(member, bool) or not isinstance(member, int):
                    raise InputError(f"field 'member' got {member!r}, but it must be a whole "
                                     "number (0: the household's first resident).")
                session.players.switch(session, player, member)
            if "choice" in body or "member" not in body:
                choice = body.get("choice")
                if isinstance(choice, bool) or choice not in players.CHOICES:
                    raise InputError(f"field 'choice' got {choice!r}, but it must be one of "
                                     f"{', '.join(map(str, players.CHOICES))} (-1: let the "
                                     "model decide).")
                steering.residents[player.seat] = int(choice)
        return players.view(session, player)
