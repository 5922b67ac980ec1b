"""The classroom demo's speed, measured in a real browser by the page's own timings.

Starts `run.py demo`, opens it in Debian's chromium (Playwright) and, per community size:
- **Step -> redrawn**: time from the Step click until the new frame's map image is decoded
  and every chart updated (the page records it in `window.demoTimings.step`), over
  `--steps` clicks; median and 90th percentile, with the server's own step and draw times.
- **Play**: frames per second and weeks per second during `--play` seconds at the fastest
  speed (the server steps for at most 120 ms per frame, so frames are skipped rather than
  falling behind), and at 5 weeks per second.
Targets (issue 13): at 100 x 100, Step -> redrawn median < 150 ms and play >= 5 frames/s.
Writes JSON (`--out`) and prints a Markdown table for benchmarks/README.md.

    python benchmarks/demo_speed.py --sizes 20,100,200 --out benchmarks/out/demo_speed.json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.demo_browser import CHROMIUM, CHROMIUM_ARGS, demo_server, open_page  # noqa: E402

TARGET_STEP_MS = 150.0
TARGET_FPS = 5.0


def measure(page, steps: int, play: float) -> dict:
    page.evaluate("window.demoTimings.step = []; window.demoTimings.frames = []")
    for _ in range(steps):
        before = page.evaluate("window.demoTimings.step.length")
        page.click("#step")
        page.wait_for_function(f"window.demoTimings.step.length > {before}", timeout=30_000)
    rows = page.evaluate("window.demoTimings.step")
    ms = sorted(r["ms"] for r in rows)
    out = {"step_ms_median": statistics.median(ms),
           "step_ms_p90": ms[int(0.9 * (len(ms) - 1))],
           "server_step_ms_median": statistics.median(r["server_step"] for r in rows),
           "server_draw_ms_median": statistics.median(r["server_draw"] for r in rows)}
    for speed in ("max", "5"):
        page.select_option("#speed", speed)
        page.evaluate("window.demoTimings.frames = []")
        page.click("#play")
        time.sleep(play)
        page.click("#play")
        frames = page.evaluate("window.demoTimings.frames")
        span = (frames[-1]["t"] - frames[0]["t"]) / 1000 if len(frames) > 1 else float("nan")
        key = "fastest" if speed == "max" else f"speed_{speed}"
        out[f"{key}_fps"] = (len(frames) - 1) / span
        out[f"{key}_weeks_per_s"] = (frames[-1]["week"] - frames[0]["week"]) / span
        page.wait_for_function("document.body.dataset.playing === 'false'")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="20,100,200")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--play", type=float, default=8.0)
    ap.add_argument("--compare", action="store_true", help="also side by side at 100 x 100")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "demo_speed.json")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with demo_server(args.out.with_suffix(".log")) as (url, _proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            runs = [(n, False) for n in sizes] + ([(100, True)] if args.compare else [])
            for n, compare in runs:
                extra = "&compare=1&b=administrative" if compare else ""
                page = open_page(browser, f"{url}?scenario=collaborative&size={n}{extra}",
                                 1600, 1000)
                page.click("#step")  # warm up: first figures, caches
                page.wait_for_function("document.body.dataset.week === '1'")
                row = {"size": n, "side_by_side": compare, **measure(page, args.steps,
                                                                     args.play)}
                results.append(row)
                print(json.dumps(row), flush=True)
                page.close()
        finally:
            browser.close()
    at100 = next((r for r in results if r["size"] == 100 and not r["side_by_side"]), None)
    targets = {} if at100 is None else {
        "step_to_redrawn_under_150ms": at100["step_ms_median"] < TARGET_STEP_MS,
        "play_at_least_5_fps": at100["fastest_fps"] >= TARGET_FPS}
    report = {"command": " ".join(sys.argv), "machine": platform.platform(),
              "cpus": len(__import__("os").sched_getaffinity(0)), "results": results,
              "targets": targets}
    args.out.write_text(json.dumps(report, indent=1))
    print("\n| size | side by side | Step -> redrawn median (p90) ms | server step / draw ms "
          "| fastest play fps (weeks/s) | 5 weeks/s play fps |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['size']} x {r['size']} | {'yes' if r['side_by_side'] else 'no'} "
              f"| {r['step_ms_median']:.0f} ({r['step_ms_p90']:.0f}) "
              f"| {r['server_step_ms_median']:.1f} / {r['server_draw_ms_median']:.1f} "
              f"| {r['fastest_fps']:.1f} ({r['fastest_weeks_per_s']:.0f}) "
              f"| {r['speed_5_fps']:.1f} |")
    print("targets:", ", ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in targets.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
