"""The demo's web server: the pages (demo/static) and a small JSON API.

Starlette and uvicorn only: the page paces the live loop itself (it asks for the next
frame after drawing the last), so the server holds no loop, no thread per tab and no
reactive state that could race. Handlers live in `handlers` (the run), `downloads` (seed
runs and exports) and `class_api` (classroom and participatory mode); `api` is their
plumbing. By default the demo is served on 127.0.0.1; in classroom mode (`lan`) it is
served on the network behind a join code, and only the demo's own routes exist.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from demo import class_api, downloads, handlers
from demo.api import Gone, api, store  # noqa: F401  (the tests reach them here)
from demo.config import DemoConfig
from demo.downloads import (  # noqa: F401
    csv_file,
    png_file,
    seeds_cancel,
    seeds_start,
    seeds_status,
    spec_file,
)
from demo.handlers import (  # noqa: F401
    close,
    configure,
    health,
    household,
    institution,
    meta,
    open_session,
    ping,
    progress,
    show,
    step,
)
from demo.lan import Gate, GateMiddleware
from demo.origin import allowed_hosts, guarded
from demo.settling import warm_up

STATIC = Path(__file__).parent / "static"
NO_STORE = {"Cache-Control": "no-store"}


def page(name: str) -> Callable:
    async def endpoint(request: Request) -> Response:
        return FileResponse(STATIC / name, headers=NO_STORE)

    return endpoint


def _lifespan(url: str | None, warm: bool = False) -> Callable:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Starlette):
        store.start()
        if url:
            print(f"demo running: open {url} in a browser (Ctrl+C stops it)", flush=True)
        if warm:  # the page's first run: settled while the teacher opens the page
            cfg = DemoConfig()
            warm_up(cfg.left_params(), cfg.seed, lambda line: print(line, flush=True))
        try:
            yield
        finally:
            store.stop()

    return lifespan


def routes() -> list[Any]:
    h, d, c = handlers, downloads, class_api
    post, both = ["POST"], ["GET", "POST"]
    return [
        Route("/", page("index.html")),
        Route("/join", page("join.html")),
        Route("/play", page("play.html")),
        Route("/api/meta", api(h.meta), methods=both),
        Route("/api/open", api(h.open_session), methods=post),
        Route("/api/config", api(h.configure), methods=post),
        Route("/api/reset", api(h.reset), methods=post),
        Route("/api/step", api(h.step), methods=post),
        Route("/api/show", api(h.show), methods=post),
        Route("/api/ping", api(h.ping), methods=post),
        Route("/api/progress", api(h.progress), methods=both),
        Route("/api/close", api(h.close), methods=post),
        Route("/api/health", api(h.health), methods=["GET"]),
        Route("/api/household", api(h.household), methods=post),
        Route("/api/institution", api(h.institution), methods=post),
        Route("/api/seeds", api(d.seeds_start), methods=post),
        Route("/api/seeds/status", api(d.seeds_status), methods=both),
        Route("/api/seeds/cancel", api(d.seeds_cancel), methods=post),
        Route("/api/export/spec.toml", api(d.spec_file), methods=["GET"]),
        Route("/api/export/run.csv", api(d.csv_file), methods=["GET"]),
        Route("/api/export/picture.png", api(d.png_file), methods=["GET"]),
        Route("/api/class/join", c.join, methods=post),
        Route("/api/class/info", api(c.info), methods=both),
        Route("/api/class/words", api(c.words), methods=both),
        Route("/api/class/follow", api(c.follow), methods=both),
        Route("/api/class/teacher/qr.svg", api(c.qr_svg), methods=["GET"]),
        Route("/api/class/teacher/run", api(c.make_class_run), methods=post),
        Route("/api/class/teacher/summary", api(c.summary), methods=both),
        Route("/api/play/join", api(c.play_join), methods=post),
        Route("/api/play/state", api(c.play_state), methods=both),
        Route("/api/play/choose", api(c.play_choose), methods=post),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def make_app(url: str | None = None, gate: Gate | None = None, join_url: str = "",
             warm: bool = False, hosts: list[str] | None = None) -> Any:
    """The app; with a `gate`, classroom mode: every request passes it (demo.lan); `warm`:
    settle the page's first community at start (demo.settling.warm_up); `hosts`: the names
    requests may use (demo.origin), checked before anything else."""
    class_api.CLASS.gate, class_api.CLASS.join_url = gate, join_url
    app = Starlette(routes=routes(), lifespan=_lifespan(url, warm))
    app = GateMiddleware(app, gate) if gate is not None else app
    return guarded(app, hosts) if hosts is not None else app


def serve(host: str, port: int, url: str, gate: Gate | None = None, join_url: str = "",
          warm: bool = True) -> int:
    """Run until interrupted (Ctrl+C or SIGTERM: uvicorn shuts down cleanly)."""
    import uvicorn

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if gate is not None:
        store.limit = max(store.limit, 48)  # a class: one copy per student and the teacher's
    config = uvicorn.Config(make_app(url, gate, join_url, warm, allowed_hosts(host)),
                            host=host, port=port,
                            log_level="warning", access_log=False, lifespan="on",
                            limit_concurrency=200, timeout_keep_alive=5)
    uvicorn.Server(config).run()
    return 0
