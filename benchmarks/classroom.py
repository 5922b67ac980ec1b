"""Classroom mode under a class: 40 simulated students on loopback (issue 22).

Starts `run.py demo --classroom` on 127.0.0.1, opens the teacher's class run (40 x 40 by
default), lets N students join with the code, take a household and, for W weeks, choose and
read their phone's view and the class run's frame (follow mode) while the teacher steps.
Reports request latency (median, 95th percentile, max) and the server's resident memory
before and after. Run: `.venv/bin/python benchmarks/classroom.py [--students 40 --weeks 5]`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.demo_browser import demo_server

CODE = "271828"


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.times: list[float] = []

    def call(self, path: str, body: dict | None = None) -> dict:
        t0 = time.perf_counter()
        req = urllib.request.Request(self.base + path, data=json.dumps(body or {}).encode(),
                                     headers={"Content-Type": "application/json"})
        with self.opener.open(req, timeout=60) as resp:
            out = json.loads(resp.read())
        self.times.append(time.perf_counter() - t0)
        return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--weeks", type=int, default=5)
    ap.add_argument("--size", type=int, default=40)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, demo_server(
            Path(tmp) / "log", "--classroom", "--host", "127.0.0.1", "--code", CODE,
            "--max-students", str(args.students)) as (teacher_url, proc):
        base = teacher_url.split("?")[0]
        teacher = Client(base)
        teacher.opener.open(teacher_url, timeout=30).read()
        opened = teacher.call("api/open", {"state": {"scenario": "collaborative",
                                                     "size": args.size}})
        sid = opened["sid"]
        teacher.call("api/class/teacher/run", {"sid": sid})
        before = rss_mb(proc.pid)
        students = [Client(base) for _ in range(args.students)]

        def join(c: Client) -> None:
            c.call("api/class/join", {"code": CODE})
            c.call("api/play/join", {"name": "s"})

        def week(c: Client, k: int) -> None:
            c.call("api/play/choose", {"choice": k % 4})
            c.call("api/play/state")
            c.call("api/class/follow", {"charts": ["participation_rate"]})

        def all_at_once(fn, *a) -> None:
            threads = [threading.Thread(target=fn, args=(c, *a)) for c in students]
            for th in threads:
                th.start()
            for th in threads:
                th.join()

        all_at_once(join)
        steps = []
        for w in range(args.weeks):
            all_at_once(week, w)
            t0 = time.perf_counter()
            teacher.call("api/step", {"sid": sid, "charts": ["participation_rate"]})
            steps.append(time.perf_counter() - t0)
            print(f"week {w + 1} of {args.weeks} done", flush=True)
        times = sorted(t for c in students for t in c.times)
        after = rss_mb(proc.pid)
        q95 = times[int(0.95 * (len(times) - 1))]
        print(f"{args.students} students, {args.weeks} weeks, {len(times)} requests: latency "
              f"median {1000 * statistics.median(times):.0f} ms, 95th percentile "
              f"{1000 * q95:.0f} ms, max {1000 * times[-1]:.0f} ms; teacher's step "
              f"{1000 * statistics.median(steps):.0f} ms; server memory {before:.0f} MB -> "
              f"{after:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
