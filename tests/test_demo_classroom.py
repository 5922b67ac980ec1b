"""Classroom mode (`run.py demo --classroom`) on loopback: the gate's clean refusals, and
participatory mode: three students join on phone-sized pages, choose for five weeks, and
their households' rungs follow their choices by the model's rules (demo/players.py)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import pytest

from tests.demo_browser import SHARED, demo_server, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]
CODE = "314159"


def call(opener, url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body or {}).encode()
    try:
        with opener.open(urllib.request.Request(url, data=data, headers={
                "Content-Type": "application/json"}), timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_three_students_play_five_weeks_from_their_phones(tmp_path) -> None:
    browser = SHARED.get(tmp_path).browser
    with demo_server(tmp_path / "class.log", "--classroom", "--host", "127.0.0.1", "--code",
                     CODE, "--max-students", "4") as (teacher_url, _proc):
        base = teacher_url.split("?")[0]
        # Refusals: no code, a wrong code, the teacher's routes, a full class.
        stranger = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        status, out = call(stranger, base + "api/meta?lang=zh")
        assert status == 403 and out["refused"] == "not_joined" and "代码" in out["error"]
        status, out = call(stranger, base + "api/class/join", {"code": "000000"})
        assert status == 403 and out["refused"] == "wrong_code"
        assert call(stranger, base + "api/class/join", {"code": CODE})[0] == 200
        status, out = call(stranger, base + "api/class/teacher/summary")
        assert status == 403 and out["refused"] == "teacher_only"

        teacher = browser.new_context(viewport={"width": 1280, "height": 800})
        tpage = teacher.new_page()
        tpage.goto(teacher_url)
        tpage.goto(base + "?scenario=collaborative&size=40")
        tpage.wait_for_selector("body[data-ready=true]", timeout=60_000)
        assert wait_for(lambda: tpage.locator("#class-card").is_visible())
        assert CODE in tpage.locator("#class-join").inner_text()
        tpage.click("#class-make")

        phones = []
        for k in range(3):
            ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
            page = ctx.new_page()
            page.goto(base + f"join?code={CODE}")
            page.click("#join")
            assert wait_for(lambda p=page: p.evaluate("document.body.dataset.joined") == "true")
            page.goto(base + "play?lang=zh")
            page.wait_for_selector("body[data-ready=true]")
            page.fill("#name", f"学生{k + 1}")
            page.click("#take")
            assert wait_for(lambda p=page: p.locator("#me").is_visible())
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
            phones.append((ctx, page))
        status, out = call(urllib.request.build_opener(urllib.request.HTTPCookieProcessor(
            CookieJar())), base + "api/class/join", {"code": CODE})
        assert status == 503 and out["refused"] == "class_full"

        plans = [(1, 0, 1, 1, 0), (2, 2, 1, 0, 2), (3, 1, 3, 0, 1)]
        for w in range(5):
            for (_, page), plan in zip(phones, plans, strict=True):
                page.locator(f"#choices button[data-choice='{plan[w]}']").click()
                assert wait_for(lambda p=page, c=plan[w]: p.evaluate(
                    "document.body.dataset.choice") == str(c))
            tpage.click("#step")
            for (_, page), plan in zip(phones, plans, strict=True):
                assert wait_for(lambda p=page, n=w + 1: p.evaluate(
                    "document.body.dataset.week") == str(n), 15)
                rung = int(page.evaluate("document.body.dataset.rung"))
                text = page.locator("#result").inner_text()
                free = float(page.evaluate("document.getElementById('hours').textContent"
                                           ".match(/[0-9.]+/)[0]"))
                assert rung <= plan[w]
                if rung < plan[w]:  # the model's rules said why: hours, or no place or role
                    assert any(s in text for s in ("空闲时间不够", "名额已满", "岗位已满")), text
                if plan[w] == 0:
                    assert rung == 0
                assert free >= 0
        summary = tpage.evaluate("fetch('/api/class/teacher/summary').then(r => r.json())")
        assert len(summary["players"]) == 3
        rungs = sorted(int(p.evaluate("document.body.dataset.rung")) for _, p in phones)
        assert sorted(r["rung"] for r in summary["players"]) == rungs
        assert wait_for(lambda: tpage.locator("#class-table tbody tr").count() >= 4)
        assert tpage.locator(".map-box svg .player").count() == 3  # circled on the map
        for ctx, _ in phones:
            ctx.close()
        teacher.close()
