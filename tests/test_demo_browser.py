"""A lecturer's path through the demo in a real browser (Debian's chromium via Playwright).

At a projector's 1024 x 768, in Chinese: the first lesson, stepping, explaining a household
and an institution, replay, charts chosen, ten seeds with bands and the paired CI, exports,
then English. Checks the page's title, language, alt texts and accessible names on the way.
Saves screenshots (docs/demo.png and docs/demo_zh.png when UPDATE_SCREENSHOT=1).
"""

from __future__ import annotations

import io
import os
import shutil
import urllib.request

import pytest

from tests.demo_browser import CHROMIUM, CHROMIUM_ARGS, demo_server, open_page, wait_for, week

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

UNNAMED = """() => [...document.querySelectorAll('input, select, button, a.button, textarea')]
  .filter(e => !e.closest('[hidden]') && e.offsetParent !== null)
  .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label') ||
                 (e.textContent || '').trim()))
  .map(e => e.outerHTML.slice(0, 80))"""


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as resp:
        assert resp.status == 200
        return resp.read()


def test_a_lecturer_teaches_lesson_one_in_chinese(tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    from experiments.specify import check as spec_mod

    with demo_server(tmp_path / "server.log") as (url, _proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        errors: list[str] = []
        try:
            page = open_page(browser, url + "?lang=zh&size=40", 1024, 768, errors)
            assert page.evaluate("document.documentElement.lang") == "zh-CN"
            assert page.title() == "社区治理——课堂演示"
            step = page.locator("#step")
            assert step.is_visible() and step.bounding_box()["x"] + 40 < 1024  # not hidden
            assert page.locator("#play").is_visible() and page.locator("#scenario").is_visible()
            assert page.evaluate(UNNAMED) == []
            assert all(page.locator("img").evaluate_all("els => els.map(e => e.alt.length)"))

            # Lesson 1: the preset loads side by side, with its words and charts.
            page.select_option("#lesson", "1")
            assert wait_for(lambda: page.locator(".map-card").count() == 2)
            panel = page.locator("#lesson-panel")
            assert "第1课" in panel.inner_text() and "观察" in panel.inner_text()
            assert page.locator(".chart[data-measure=resolved_by_grid]").count() == 1
            for _ in range(4):
                step.click()
            assert wait_for(lambda: week(page) == 4)
            # Sliders show their values; the legend does not clip.
            out = page.locator("#sliders output").first
            assert out.inner_text().strip() not in ("", "—")
            legend = page.locator("#legend")
            assert legend.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
            assert "网格员" in legend.inner_text() and "楼栋边界" in legend.inner_text()
            page.locator("#lesson-panel summary").click()  # folded: the maps come into view
            page.screenshot(path=str(tmp_path / "demo_zh.png"))
            page.locator("#lesson-panel summary").click()

            # Explain a household, then an institution.
            box = page.locator(".map-box").nth(1)
            bb = box.bounding_box()
            page.mouse.click(bb["x"] + bb["width"] * 0.3, bb["y"] + bb["height"] * 0.6)
            dialog = page.locator("#explain")
            assert wait_for(dialog.is_visible)
            text = dialog.inner_text()
            assert "对政府的信任" in text and "参与层级" in text
            assert "上升一级的概率" in text and "效用（合计）" in text  # the model's decision
            page.click("#explain-close")
            page.fill("#ex-x", "7")  # the keyboard way
            page.fill("#ex-y", "3")
            page.select_option("#ex-run", "1")
            page.press("#ex-y", "Enter")
            assert wait_for(dialog.is_visible)
            assert "（7，3）" in page.locator("#explain-title").inner_text()
            page.keyboard.press("Escape")
            assert wait_for(lambda: not dialog.is_visible())
            page.locator(".map-card").nth(1).locator(".strip button").first.click()
            assert wait_for(dialog.is_visible)
            assert "处理能力" in dialog.inner_text()
            page.click("#explain-close")

            # Replay: back to week 2, then live again.
            scrub = ("(e, w) => { e.value = w === null ? e.max : w; "
                     "e.dispatchEvent(new Event('input')); }")
            page.locator("#replay").evaluate(scrub, 2)
            assert wait_for(lambda: "第2周" in page.locator(".map-card h3").first.inner_text())
            assert page.locator("#replay-note").is_visible()
            page.locator("#replay").evaluate(scrub, None)
            assert wait_for(lambda: "第4周" in page.locator(".map-card h3").first.inner_text())

            # Charts the lecturer chooses.
            page.select_option("#chart-pick", "capacity_integration")
            page.click("#chart-add")
            assert wait_for(lambda: page.locator(".chart[data-measure=capacity_integration]")
                            .count() == 1)
            page.locator(".chart[data-measure=gov_admin_cost] h3 button").click()
            assert wait_for(lambda: page.locator(".chart[data-measure=gov_admin_cost]").count()
                            == 0)
            assert "capacity_integration" in page.evaluate("location.href")

            # Noise: ten seeds (short runs), bands and the paired difference.
            page.fill("#seed-weeks", "6")
            page.locator("#seed-weeks").dispatch_event("change")
            page.click("#seeds")
            assert wait_for(lambda: page.locator("#seeds-table table").count() == 1, 240)
            table = page.locator("#seeds-table").inner_text()
            assert "差值" in table and "置信区间" in table
            assert wait_for(lambda: "种子的95%范围" in page.locator("#charts").inner_text())

            # Exports: picture, data, experiment spec.
            png = fetch(page.locator("#export-png").get_attribute("href")
                        .replace("/api", url + "api", 1))
            assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
            csv_text = fetch(page.locator("#export-csv").get_attribute("href")
                             .replace("/api", url + "api", 1)).decode()
            assert len(csv_text.splitlines()) == 1 + 2 * 5  # two runs, weeks 0..4
            toml = fetch(page.locator("#export-spec").get_attribute("href")
                         .replace("/api", url + "api", 1)).decode()
            spec = spec_mod.loads(toml)
            assert spec.scenarios == ("administrative", "grid_management")
            (tmp_path / "export.png").write_bytes(png)

            # The model's answer to the lesson, worded from paired runs.
            panel.locator("button").nth(1).click()
            assert wait_for(lambda: "对种子中" in panel.locator(".answer").inner_text(), 240)

            # English: every label follows.
            page.select_option("#lang", "en")
            assert wait_for(lambda: page.title() == "Community governance — classroom demo")
            assert page.evaluate("document.documentElement.lang") == "en"
            assert "Grid worker" in page.locator("#legend").inner_text()
            assert "Lesson 1" in panel.inner_text()
            page.set_viewport_size({"width": 1600, "height": 1000})
            page.select_option("#lesson", "0")
            # Scenarios are grouped by kind; pathway presets are named by one pattern.
            kinds = page.evaluate("[...new Set(S.meta.scenarios.map(s => s.kind))]")
            assert page.locator("#scenario optgroup").count() == len(kinds) >= 4
            page.select_option("#scenario", "collaborative_without_grid_patrol")
            assert wait_for(lambda: "without grid workers' patrols"
                            in page.locator(".map-card h3").first.inner_text())
            page.select_option("#scenario", "collaborative")
            assert wait_for(lambda: page.evaluate("S.state.scenario") == "collaborative")
            page.select_option("#size", "100")
            assert wait_for(lambda: page.evaluate("S.state.size") == 100)
            for _ in range(20):
                step.click()
            assert wait_for(lambda: week(page) == 20)
            page.screenshot(path=str(tmp_path / "demo.png"))
            assert not [e for e in errors if "400" not in e], errors
        finally:
            browser.close()
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        for name in ("demo.png", "demo_zh.png"):
            shutil.copy(tmp_path / name, os.path.join(ROOT, "docs", name))
    assert io.BytesIO((tmp_path / "demo.png").read_bytes()).getbuffer().nbytes > 10_000
