"""Classroom mode under a class: 40 simulated students on loopback (issue 22).

Starts `run.py demo --classroom` on 127.0.0.1 and lets N students join with the code.
Two modes:

- play (default): the teacher opens the class run (40 x 40); each student takes a household
  and, for W weeks, chooses and reads its phone's view and the class run's frame (follow
  mode) while the teacher steps. Reports request latency and the server's memory.
- `--own-copies`: each student opens its own copy (`--size`, default 100 x 100; the session
  cap of classroom mode is 48) and plays it for W weeks, as many at once as the server
  answers; with `--seeds K`, K of them then press "Run 10 seeds" at once (a worker process
  per job; the jobs take turns on the cores, demo.seeds.CORES). The
  memory of the server and its worker processes is sampled every 0.2 s: the peak resident
  and proportional set sizes (PSS counts a page shared by several processes once), and
  each copy's memory after its weeks, with the growth per week, so the memory at the replay
  limit (`demo.session.KEEP_WEEKS`) follows.

Run: `.venv/bin/python benchmarks/classroom.py [--students 40 --weeks 5]`, or
`.venv/bin/python benchmarks/classroom.py --own-copies --students 40 --weeks 52 [--seeds 8]`.
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
from demo.session import KEEP_WEEKS
from tests.demo_browser import demo_server

CODE = "271828"


def _status_mb(pid: int, field: str, name: str = "status") -> float:
    try:
        text = Path(f"/proc/{pid}/{name}").read_text()
    except OSError:  # the process ended between listing and reading
        return 0.0
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) / 1024 if found else 0.0


def rss_mb(pid: int) -> float:
    return _status_mb(pid, "VmRSS")


def tree(pid: int) -> list[int]:
    """The process and all its descendants (the seed runs' worker processes)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return out


def tree_memory(pid: int) -> tuple[float, float, int]:
    """(resident MB summed, proportional MB summed, processes) of the server's tree."""
    pids = tree(pid)
    rss = sum(rss_mb(p) for p in pids)
    pss = sum(_status_mb(p, "Pss", "smaps_rollup") for p in pids)
    return rss, pss, len(pids)


class Peak:
    """Samples the tree's memory in the background; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every = pid, every
        self.rss = self.pss = 0.0
        self.procs = 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss, n = tree_memory(self.pid)
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self.procs = max(self.procs, n)
            self._stop.wait(self.every)

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.times: list[float] = []

    def call(self, path: str, body: dict | None = None) -> dict:
        t0 = time.perf_counter()
        req = urllib.request.Request(self.base + path, data=json.dumps(body or {}).encode(),
                                     headers={"Content-Type": "application/json"})
        with self.opener.open(req, timeout=600) as resp:
            out = json.loads(resp.read())
        self.times.append(time.perf_counter() - t0)
        return out


def all_at_once(clients: list[Client], fn, *a) -> None:
    threads = [threading.Thread(target=fn, args=(c, *a)) for c in clients]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


def latency(clients: list[Client]) -> str:
    times = sorted(t for c in clients for t in c.times)
    q95 = times[int(0.95 * (len(times) - 1))]
    return (f"{len(times)} requests: latency median {1000 * statistics.median(times):.0f} ms, "
            f"95th percentile {1000 * q95:.0f} ms, max {1000 * times[-1]:.0f} ms")


def play(args: argparse.Namespace, base: str, teacher_url: str, proc) -> None:
    """Participatory mode: the class run, N households, W weeks."""
    teacher = Client(base)
    teacher.opener.open(teacher_url, timeout=30).read()
    opened = teacher.call("api/open", {"state": {"scenario": "collaborative",
                                                 "size": args.size or 40}})
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

    all_at_once(students, join)
    steps = []
    for w in range(args.weeks):
        all_at_once(students, week, w)
        t0 = time.perf_counter()
        teacher.call("api/step", {"sid": sid, "charts": ["participation_rate"]})
        steps.append(time.perf_counter() - t0)
        print(f"week {w + 1} of {args.weeks} done", flush=True)
    print(f"{args.students} students, {args.weeks} weeks, {latency(students)}; teacher's step "
          f"{1000 * statistics.median(steps):.0f} ms; server memory {before:.0f} MB -> "
          f"{rss_mb(proc.pid):.0f} MB")


def own_copies(args: argparse.Namespace, base: str, proc) -> dict:
    """Each student opens its own copy and plays it; memory of the server and its workers."""
    size = args.size or 100
    state = {"scenario": args.scenario, "size": size, "compare": args.compare}
    students = [Client(base) for _ in range(args.students)]
    sids: dict[int, str] = {}
    idle, _, _ = tree_memory(proc.pid)
    chunk = 13  # weeks a request: the page asks for one at a time; memory is the same
    done = [0]
    lock = threading.Lock()

    def explore(c: Client, k: int) -> None:
        c.call("api/class/join", {"code": CODE})
        sids[k] = c.call("api/open", {"state": state, "charts": ["participation_rate"]})["sid"]
        for _ in range(0, args.weeks, chunk):
            c.call("api/step", {"sid": sids[k], "steps": min(chunk, args.weeks),
                                "charts": ["ladder", "participation_rate"]})
            c.call("api/ping", {"sid": sids[k]})
        with lock:
            done[0] += 1
            print(f"copy {done[0]} of {args.students} at week {args.weeks}", flush=True)

    t0 = time.perf_counter()
    with Peak(proc.pid) as peak:
        all_at_once(students, lambda c: explore(c, students.index(c)))
        played, _, _ = tree_memory(proc.pid)
        # Half as many weeks again on every copy: the growth per week of kept snapshots.
        extra = max(chunk, args.weeks // 2 // chunk * chunk)

        def more(c: Client, k: int) -> None:
            for _ in range(0, extra, chunk):
                c.call("api/step", {"sid": sids[k], "steps": chunk, "charts": ["ladder"]})

        all_at_once(students, lambda c: more(c, students.index(c)))
        grown, _, _ = tree_memory(proc.pid)
        seeds_s = None
        if args.seeds:
            s0 = time.perf_counter()
            pressing = students[:args.seeds]
            all_at_once(pressing, lambda c: c.call("api/seeds", {
                "sid": sids[students.index(c)], "n": 10, "weeks": 104}))

            def finished(c: Client) -> None:
                while c.call("api/seeds/status", {"sid": sids[students.index(c)]})[
                        "state"] == "running":
                    time.sleep(1.0)

            all_at_once(pressing, finished)
            seeds_s = time.perf_counter() - s0
    weeks = args.weeks + extra
    per_copy = (played - idle) / args.students
    per_week = (grown - played) / args.students / extra
    at_limit = idle + args.students * (per_copy + per_week * (KEEP_WEEKS - args.weeks))
    report = {
        "students": args.students, "size": size, "scenario": args.scenario,
        "compare": args.compare, "weeks": weeks, "seconds": round(time.perf_counter() - t0, 1),
        "server_idle_mb": round(idle), "peak_rss_mb": round(peak.rss),
        "peak_pss_mb": round(peak.pss), "peak_processes": peak.procs,
        "per_copy_mb_at_weeks": round(per_copy, 1), "per_copy_mb_per_week": round(per_week, 3),
        "projected_rss_mb_at_keep_weeks": round(at_limit), "keep_weeks": KEEP_WEEKS,
        "seed_jobs": args.seeds, "seeds_seconds": None if seeds_s is None else round(seeds_s, 1),
        "latency": latency(students),
    }
    print(json.dumps(report, indent=1))
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--weeks", type=int, default=5)
    ap.add_argument("--size", type=int, default=0,
                    help="households per side (default: 40 in play, 100 with --own-copies)")
    ap.add_argument("--own-copies", action="store_true",
                    help="each student explores its own copy; report memory")
    ap.add_argument("--scenario", default="collaborative")
    ap.add_argument("--compare", action="store_true", help="own copies side by side")
    ap.add_argument("--seeds", type=int, default=0, metavar="K",
                    help="then K of the students press 'Run 10 seeds' at once")
    ap.add_argument("--out", type=Path, default=None, help="write the memory report (JSON)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, demo_server(
            Path(tmp) / "log", "--classroom", "--host", "127.0.0.1", "--code", CODE,
            "--max-students", str(args.students)) as (teacher_url, proc):
        base = teacher_url.split("?")[0]
        if args.own_copies:
            report = own_copies(args, base, proc)
            if args.out:
                args.out.write_text(json.dumps(report, indent=1) + "\n")
        else:
            play(args, base, teacher_url, proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
