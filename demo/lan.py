"""Classroom mode (`run.py demo --classroom`): the demo on the local network, behind a code.

Without `--classroom` the demo is served to this machine only and none of this runs. With
it, anyone on the network can reach the port, so every request passes a gate (an ASGI
middleware around the app):

- the teacher opens the address printed in the terminal, which carries a teacher key and
  sets a cookie; students open the join page (a QR code on the teacher's screen) and type
  the join code, which sets theirs. A request without a valid cookie reaches only the join
  page and its script; pages redirect there, the API answers 403;
- a wrong code is refused, and after `MAX_WRONG` wrong codes a minute from one address
  every join from it is refused for that minute (a six-digit code cannot be guessed);
- at most `max_students` students, and `rate` requests a second per client (with bursts of
  `burst`): a phone stuck in a loop cannot slow the class down;
- teacher-only routes (`/api/class/teacher/...`) need the teacher's cookie.

Refusals are one sentence in the page's language (the `refuse.*` catalogue keys).
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse

from demo.api import Refused, refusal, request_lang

COOKIE = "demo_client"
MAX_STUDENTS = 60
RATE = 25.0  # requests a second per client, sustained (the page sends ~7 a second in play)
BURST = 60.0
MAX_WRONG = 5  # wrong join codes a minute from one address
OPEN_PATHS = ("/join", "/api/class/join", "/api/class/words", "/static/join.js",
              "/static/phone.js", "/static/app.css", "/favicon.ico")


def join_code() -> str:
    """Six digits: typed on a phone's number pad in a few seconds."""
    return f"{secrets.randbelow(10**6):06d}"


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), or 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@dataclass
class Client:
    id: str
    role: str  # "teacher" or "student"
    tokens: float = BURST
    last: float = field(default_factory=time.monotonic)


class Gate:
    """Who may reach the demo in classroom mode, and how often."""

    def __init__(self, code: str | None = None, max_students: int = MAX_STUDENTS,
                 rate: float = RATE, burst: float = BURST) -> None:
        self.code = code or join_code()
        self.teacher_key = secrets.token_urlsafe(16)
        self.max_students, self.rate, self.burst = max_students, rate, burst
        self.clients: dict[str, Client] = {}
        self._wrong: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def students(self) -> int:
        with self._lock:
            return sum(c.role == "student" for c in self.clients.values())

    def _new(self, role: str) -> Client:
        client = Client(secrets.token_urlsafe(18), role, tokens=self.burst)
        self.clients[client.id] = client
        return client

    def teacher(self, key: str) -> Client | None:
        if not secrets.compare_digest(key.encode(), self.teacher_key.encode()):
            return None
        with self._lock:
            return self._new("teacher")

    def join(self, code: str, address: str) -> Client:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._wrong.get(address, []) if now - t < 60]
            self._wrong[address] = recent
            if len(recent) >= MAX_WRONG:
                raise Refused(429, "too_many_wrong")
            if not secrets.compare_digest(code.strip().encode(), self.code.encode()):
                recent.append(now)
                raise Refused(403, "wrong_code")
            if sum(c.role == "student" for c in self.clients.values()) >= self.max_students:
                raise Refused(503, "class_full", n=self.max_students)
            return self._new("student")

    def client(self, cid: str | None) -> Client | None:
        return self.clients.get(cid or "")

    def allow(self, client: Client) -> None:
        """Token bucket: `rate` a second, `burst` at once."""
        now = time.monotonic()
        with self._lock:
            client.tokens = min(self.burst, client.tokens + (now - client.last) * self.rate)
            client.last = now
            if client.tokens < 1:
                raise Refused(429, "too_many_requests")
            client.tokens -= 1

    def join_url(self, host: str, port: int) -> str:
        return f"http://{host}:{port}/join?code={self.code}"


def _cookie(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar = SimpleCookie()
            jar.load(value.decode("latin-1"))
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


def set_cookie(response: Any, client: Client) -> Any:
    response.set_cookie(COOKIE, client.id, httponly=True, samesite="strict", max_age=12 * 3600)
    return response


class GateMiddleware:
    """Every request in classroom mode: a client's cookie, its rate, its role."""

    def __init__(self, app: Any, gate: Gate) -> None:
        self.app, self.gate = app, gate

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = scope["path"]
        client = self.gate.client(_cookie(scope))
        key = request.query_params.get("key")
        if key and path == "/":  # the teacher's address from the terminal
            teacher = self.gate.teacher(key)
            if teacher is not None:
                await set_cookie(RedirectResponse("/", 303), teacher)(scope, receive, send)
                return
        response = None
        if client is None and not path.startswith(OPEN_PATHS):
            if path.startswith("/api/"):
                response = refusal(Refused(403, "not_joined"), request_lang(request))
            else:
                response = RedirectResponse("/join", 303)
        elif path.startswith("/api/class/teacher/") and (client is None
                                                         or client.role != "teacher"):
            response = refusal(Refused(403, "teacher_only"), request_lang(request))
        elif client is not None:
            try:
                self.gate.allow(client)
            except Refused as exc:
                response = refusal(exc, request_lang(request))
        if response is not None:
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["client"] = client
        await self.app(scope, receive, send)

