"""Helpers for the demo's browser tests and its speed benchmark: start `run.py demo` on a free
loopback port, drive Debian's chromium through Playwright, watch the server's CPU."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_burn_ins(tmp: Path) -> str:
    """Where the test session keeps settled communities (tests/conftest.py points
    GOVERNANCE_BURN_IN_CACHE under pytest's base temp for every worker), else beside `tmp`.
    The browser tests' servers share it, so a community one server (or a test process)
    settled is restored by the next, as the demo restores it for a user between starts;
    each session still starts cold and nothing goes to the user's cache folder."""
    return os.environ.get("GOVERNANCE_BURN_IN_CACHE") or str(tmp / "burn-in")


@contextmanager
def demo_server(log_path: Path, *extra: str, burn_ins: str | None = None
                ) -> Iterator[tuple[str, subprocess.Popen]]:
    """The demo server as a user starts it (with `extra` options); always stopped afterwards.
    The url is the one the server prints: with --classroom, the teacher's (with its key).
    Settled communities are kept in `burn_ins`, by default beside the log (a cold start,
    nothing left in the user's cache folder)."""
    if not os.path.exists(CHROMIUM):
        raise RuntimeError("chromium is missing: run `bash scripts/ensure_chromium.sh`")
    log = open(log_path, "w+")
    env = {**os.environ,
           "GOVERNANCE_BURN_IN_CACHE": burn_ins or str(log_path.parent / "burn-in")}
    proc = subprocess.Popen([sys.executable, "run.py", "demo", "--port", str(free_port()),
                             *extra], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 120
        url = None
        while time.monotonic() < deadline and proc.poll() is None:
            found = re.search(r"demo running: open (http://127\.0\.0\.1:\d+/\S*)",
                              log_path.read_text())
            if found:
                url = found.group(1)
                break
            time.sleep(0.2)
        if url is None:
            raise RuntimeError("demo server did not start:\n" + log_path.read_text())
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def health(url: str) -> dict:
    with urllib.request.urlopen(url + "api/health", timeout=5) as resp:
        return json.loads(resp.read())


def week(page) -> int:
    return int(page.evaluate("document.body.dataset.week || '0'"))


def wait_for(predicate, timeout: float = 20.0, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def open_page(browser, url: str, width: int = 1280, height: int = 900, errors: list | None = None):
    page = browser.new_page(viewport={"width": width, "height": height})
    if errors is not None:
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        page.on("console", lambda m: errors.append(f"console: {m.text}")
                if m.type == "error" else None)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    return page


class Shared:
    """One demo server and one browser for every browser test in this process (pytest puts
    the browser tests on one worker: xdist_group "browser"); started on first use, stopped
    at exit. Each test opens its own pages and closes them. The server settles the default
    community (100 x 100, seed 42) at start, as for a user; a choice of scenario on the page
    returns to that size, and restores it."""

    def __init__(self) -> None:
        self._stack = None
        self.url = ""
        self.proc = None
        self.browser = None

    def get(self, tmp: Path):
        if self.browser is None:
            import atexit
            from contextlib import ExitStack

            from playwright.sync_api import sync_playwright

            self._stack = ExitStack()
            self.log_path = tmp / "server.log"
            self.url, self.proc = self._stack.enter_context(
                demo_server(self.log_path, burn_ins=session_burn_ins(tmp)))
            pw = self._stack.enter_context(sync_playwright())
            self.browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            self._stack.callback(self.browser.close)
            atexit.register(self.close)
        return self

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None


SHARED = Shared()
