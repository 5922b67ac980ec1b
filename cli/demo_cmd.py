"""`python run.py demo`: start the teaching demo in the browser, on this machine only.

The demo is a small Starlette app served by uvicorn in this process (demo/server.py); it
prints the address once it answers and stops cleanly on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket

from model import InputError

DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo", help="start the teaching demo in the browser (on 127.0.0.1)",
        description="Start the teaching demo: the community, its controls, lessons and live "
        "charts in the browser. It listens on this machine only and runs until Ctrl+C.")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--host", default="127.0.0.1",
                   help="loopback address to bind (default 127.0.0.1)")
    p.set_defaults(handler=run)


def check_host(host: str) -> str:
    """The demo serves this machine only: a loopback address or 'localhost'."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise InputError(f"option '--host' got {host!r}, but it must be a loopback address such "
                     "as 127.0.0.1 (or 'localhost'): the demo has no login, so it is served "
                     "to this machine only.")


def check_port(host: str, port: int) -> int:
    """A free port on `host`; 0 picks one."""
    if not 0 <= port <= 65535:
        raise InputError(f"option '--port' got {port}, but it must be a port number from 0 "
                         "to 65535 (0 picks a free port).")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            raise InputError(f"option '--port' got {port}, but that port is already in use on "
                             f"{host}; choose another port, or 0 for any free port.") from None
        return s.getsockname()[1]


def run(args: argparse.Namespace) -> int:
    host = check_host(args.host)
    port = check_port(host, args.port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    from demo.server import serve

    print(f"starting the demo at {url} ...", flush=True)
    return serve(host, port, url)
