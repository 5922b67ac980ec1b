"""`python run.py demo`: start the teaching demo (a Solara app) on this machine only.

The app runs as `solara run demo.app` in a child process of the same interpreter, so it
uses the same environment; this command waits until it answers, prints the address, and
stops it on Ctrl+C.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from model.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORT = 8765
START_TIMEOUT = 120.0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo", help="start the teaching demo in the browser (Solara, on 127.0.0.1)",
        description="Start the teaching demo: the community, its controls and live charts in "
        "the browser. It listens on this machine only and runs until Ctrl+C.")
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


def server_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "solara", "run", "demo.app", "--host", host,
            "--port", str(port), "--no-open", "--production", "--log-level", "warning"]


def server_env() -> dict[str, str]:
    """The child's environment: the project importable, no telemetry, no cookie warning."""
    path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path),
            "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
            "PYTHONWARNINGS": "ignore:Cookies with samesite=none require https"}


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = START_TIMEOUT) -> bool:
    """Poll the page until it answers, the server dies, or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    host = check_host(args.host)
    port = check_port(host, args.port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    env = server_env()
    try:  # offline machines: Solara's browser files from the npm registry (see demo/assets.py)
        from demo import assets
        if assets.missing() and shutil.which("npm"):
            assets.ensure()
    except Exception as exc:  # the CDN proxy may still serve them; say so and go on
        print(f"note: could not cache Solara's browser files ({exc})", file=sys.stderr)
    print(f"starting the demo at {url} ...", flush=True)
    proc = subprocess.Popen(server_command(host, port), cwd=ROOT, env=env)
    # A polite kill of this command (SIGTERM) must stop the server too, as Ctrl+C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not wait_until_up(url, proc):
            code = proc.poll()
            print(f"error: the demo server did not start (exit code {code}); see the messages "
                  "above.", file=sys.stderr)
            return 1
        print(f"demo running: open {url} in a browser (Ctrl+C stops it)", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        print("stopping the demo.", file=sys.stderr)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
