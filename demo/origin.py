"""Who may talk to the demo: requests must name this server's own host, and a request that
changes state must come from the demo's own pages.

Why: the server runs on a lecturer's machine, and any other web page open in the same
browser can send it requests. Two attacks follow and both are closed here:

- DNS rebinding: a page on a domain that re-resolves to 127.0.0.1 reaches the demo with its
  own name in the `Host` header. Starlette's `TrustedHostMiddleware` answers 400 to any host
  not in the list (this machine's names, the address the server was started on, and in
  classroom mode its address on the local network).
- Cross-site requests: a page elsewhere can POST to 127.0.0.1 (a form or `text/plain` body
  needs no preflight). Browsers name the sending page in `Origin`; a POST whose `Origin`
  is not one of the allowed hosts is refused with 403 before the app reads it. Requests
  without `Origin` (curl, scripts on this machine) pass, as they cannot come from a page.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse

LOCAL = ("127.0.0.1", "localhost", "::1")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def allowed_hosts(host: str, lan: str | None = None) -> list[str]:
    """This machine's names, the address served on and (classroom) its LAN address; on a
    wildcard address also the machine's own names, by which others may reach it."""
    names = {*LOCAL, host}
    if lan:
        names.add(lan)
    if host in ("0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
    names = {n for n in names if n and n not in ("0.0.0.0", "::")}
    # an IPv6 address is bracketed in a Host header ("[::1]:8000"), bare in a parsed Origin
    return sorted(names | {f"[{n}]" for n in names if ":" in n})


class SameOrigin:
    """Refuses state-changing requests sent by pages of other origins (see the module)."""

    def __init__(self, app: Any, hosts: list[str]) -> None:
        self.app, self.hosts = app, set(hosts)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE:
            origin = dict(scope["headers"]).get(b"origin")
            if origin is not None and _host(origin.decode("latin-1")) not in self.hosts:
                response = PlainTextResponse("This request came from another web page and is "
                                             "refused.", status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _host(origin: str) -> str:
    try:
        return urlsplit(origin).hostname or ""
    except ValueError:
        return ""


def guarded(app: Any, hosts: list[str]) -> Any:
    """The app behind both checks."""
    return TrustedHostMiddleware(SameOrigin(app, hosts), allowed_hosts=hosts)
