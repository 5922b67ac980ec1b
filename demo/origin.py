"""Who may talk to the demo: requests must name this server's own host, and a request that
changes state must come from the demo's own pages.

Why: the server runs on a lecturer's machine, and any other web page open in the same
browser can send it requests. Two attacks follow and both are closed here:

- DNS rebinding: a page on a domain that re-resolves to 127.0.0.1 reaches the demo with its
  own name in the `Host` header. Served on one address (127.0.0.1 by default, or `--host`),
  Starlette's `TrustedHostMiddleware` answers 400 to any host but that address and this
  machine's own names. Served on every address (classroom mode's 0.0.0.0), any host is
  let through: a machine has more addresses than it can list (Wi-Fi and cable, a VPN, a
  new DHCP lease), and there the classroom gate's cookie, which a rebinding page does not
  have, keeps strangers out (demo/lan.py).
- Cross-site requests: a page elsewhere can POST to the demo (a form or `text/plain` body
  needs no preflight). Browsers name the sending page in `Origin`; a POST whose `Origin` is
  not the address the request itself was sent to (scheme aside: host and port, as in the
  `Host` header) is refused with 403 before the app reads it. Requests without `Origin`
  (curl, scripts on this machine) pass, as they cannot come from a page.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse

LOCAL = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def allowed_hosts(host: str) -> list[str]:
    """The names a request may use: on a wildcard address any ("*", see the module); else
    the address served on and this machine's names, lower case (as Host is compared), an
    IPv6 address also bracketed as it appears in a Host header."""
    if host in WILDCARD:
        return ["*"]
    names = {n.lower() for n in (*LOCAL, host, socket.gethostname(), socket.getfqdn()) if n}
    return sorted(names | {f"[{n}]" for n in names if ":" in n})


class SameOrigin:
    """Refuses state-changing requests sent by pages of other origins (see the module)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE:
            headers = dict(scope["headers"])
            origin = headers.get(b"origin")
            here = headers.get(b"host", b"").decode("latin-1").lower()
            if origin is not None and _netloc(origin.decode("latin-1")) != here:
                response = PlainTextResponse("This request came from another web page and is "
                                             "refused.", status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _netloc(origin: str) -> str:
    """host[:port] of an Origin, as a Host header writes it (default ports left out)."""
    try:
        parts = urlsplit(origin.lower())
        port = parts.port
    except ValueError:
        return "\0"  # matches no Host
    if not parts.hostname:
        return "\0"  # "null" and the like
    name = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return name if port is None or port == default else f"{name}:{port}"


def guarded(app: Any, hosts: list[str]) -> Any:
    """The app behind both checks."""
    return TrustedHostMiddleware(SameOrigin(app), allowed_hosts=hosts)
