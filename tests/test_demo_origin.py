"""The demo answers only requests that name its own host, and refuses state-changing
requests sent by other web pages (demo/origin.py): DNS rebinding and cross-site posts."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from starlette.responses import PlainTextResponse

from demo.origin import allowed_hosts, guarded


async def _app(scope, receive, send):
    await PlainTextResponse("ok")(scope, receive, send)


def _status(hosts: list[str], method: str, host: str, origin: str | None = None) -> int:
    """One request through the guard, as uvicorn would pass it; its status code."""
    headers = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin else [])
    scope = {"type": "http", "method": method, "path": "/api/x", "raw_path": b"/api/x",
             "query_string": b"", "headers": headers, "scheme": "http",
             "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000),
             "root_path": "", "http_version": "1.1", "asgi": {"version": "3.0"}}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    async def go() -> None:
        await guarded(_app, hosts)(scope, receive, send)

    # a loop of its own in a thread of its own (a suite worker may hold Playwright's loop)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, go()).result()
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def test_a_request_naming_another_host_is_refused():
    hosts = allowed_hosts("127.0.0.1")
    assert _status(hosts, "GET", "rebound.example:8000") == 400
    assert _status(hosts, "POST", "rebound.example:8000") == 400
    assert _status(hosts, "GET", "127.0.0.1:8000") == 200
    assert _status(hosts, "GET", "LOCALHOST:8000") == 200


def test_a_post_from_another_page_is_refused_and_the_demo_s_own_passes():
    hosts, here = allowed_hosts("127.0.0.1"), "127.0.0.1:8000"
    assert _status(hosts, "POST", here, "http://evil.example") == 403
    assert _status(hosts, "POST", here, "null") == 403
    assert _status(hosts, "POST", here, "http://127.0.0.1:3000") == 403  # another local app
    assert _status(hosts, "POST", here, "http://localhost:8000") == 403  # another origin
    assert _status(hosts, "POST", here, "http://127.0.0.1:8000") == 200
    assert _status(hosts, "POST", "localhost:8000", "http://localhost:8000") == 200
    assert _status(hosts, "POST", here) == 200  # no page: curl or a script on this machine
    assert _status(hosts, "GET", here, "http://evil.example") == 200  # reads change nothing


def test_a_host_name_with_capitals_is_the_same_host():
    name = socket.gethostname()
    hosts = allowed_hosts(name.upper())
    assert _status(hosts, "POST", f"{name.upper()}:8000", f"http://{name.upper()}:8000") == 200


def test_on_every_address_any_host_is_let_through_but_other_pages_are_not():
    """Classroom mode (0.0.0.0): a machine has more addresses than it can list, and the
    classroom gate's cookie keeps strangers out; cross-site posts are still refused."""
    hosts = allowed_hosts("0.0.0.0")
    assert hosts == ["*"]
    for here in ("192.168.1.20:8000", "10.8.0.3:8000", "teacher-laptop.local:8000"):
        assert _status(hosts, "POST", here, f"http://{here}") == 200
        assert _status(hosts, "POST", here, "http://evil.example") == 403


def test_an_ipv6_address_works_in_both_headers():
    hosts = allowed_hosts("::1")
    assert _status(hosts, "GET", "[::1]:8000") == 200
    assert _status(hosts, "POST", "[::1]:8000", "http://[::1]:8000") == 200
    assert _status(hosts, "POST", "[::1]:8000", "http://evil.example") == 403
