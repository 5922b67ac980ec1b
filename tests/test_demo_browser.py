"""The demo in a real browser: Debian's chromium driven by Playwright.

Starts `python run.py demo` on a free loopback port, steps the model, checks that the week
counter and the charts change, switches a mechanism, plays and pauses, and saves a
screenshot (copied to docs/demo.png when UPDATE_SCREENSHOT=1). The server is always stopped.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_url(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is missing: run `bash scripts/ensure_chromium.sh`")
    log = open(tmp_path / "server.log", "w+")  # closed in the finally below
    proc = subprocess.Popen([sys.executable, "run.py", "demo", "--port", str(free_port())],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        url = None
        while time.monotonic() < deadline and proc.poll() is None:
            text = (tmp_path / "server.log").read_text()
            found = re.search(r"demo running: open (http://127\.0\.0\.1:\d+/)", text)
            if found:
                url = found.group(1)
                break
            time.sleep(0.3)
        if url is None:
            pytest.fail("demo server did not start:\n" + (tmp_path / "server.log").read_text())
        yield url
    finally:
        if proc.poll() is None:
            proc.terminate()  # run.py stops its Solara child on SIGTERM
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def week(page) -> int:
    return int(page.locator(".demo-week").inner_text().split()[-1])


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_demo_in_the_browser(demo_url, tmp_path):
    from playwright.sync_api import sync_playwright

    from model.params import MECHANISMS
    from model.scenarios import SCENARIOS

    first = SCENARIOS[next(iter(SCENARIOS))]
    mech = next(m for m in MECHANISMS if not first.overrides.get(m, False))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(demo_url)
            page.locator(".demo-week").wait_for(timeout=60_000)
            assert week(page) == 0
            chart = page.locator(".demo-charts img")
            chart.wait_for(timeout=30_000)
            before = chart.get_attribute("src")

            page.get_by_role("button", name="Step").click()
            assert wait_for(lambda: week(page) == 1), "the week counter did not advance"
            assert wait_for(lambda: chart.get_attribute("src") != before), \
                "the charts did not change after a step"

            notes = page.locator(".demo-notes")
            mentions = notes.inner_text().count(mech)
            switch = page.locator(f".switch-{mech} input")
            assert not switch.is_checked()
            switch.click()
            assert wait_for(switch.is_checked)
            assert wait_for(lambda: week(page) == 0), "switching did not restart the run"
            assert wait_for(lambda: notes.inner_text().count(mech) > mentions), \
                "the scenario notes do not list the mechanism switched on"

            page.get_by_role("button", name="▶").click()
            assert wait_for(lambda: week(page) >= 12, timeout=60), "play did not run"
            page.get_by_role("button", name="❚❚").click()
            stopped = week(page)
            time.sleep(1.0)
            assert week(page) - stopped <= 1, "pause did not stop the run"

            shot = tmp_path / "demo.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            if os.environ.get("UPDATE_SCREENSHOT") == "1":
                shutil.copy(shot, ROOT / "docs" / "demo.png")
        finally:
            browser.close()
