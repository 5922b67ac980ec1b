"""Speed and memory of the governance model against Mesa's own Schelling example (issue 6).

    python benchmarks/bench.py                       # sizes 50,100,300,1000; sweeps on
    python benchmarks/bench.py --sizes 100,300 --steps 50 --no-sweeps
    python benchmarks/bench.py --profile             # also pyinstrument hot spots

Every measurement runs in a fresh child process of this script (`--child ...`), so one
size's memory and caches cannot leak into the next and `ru_maxrss` is that size's own peak.
The parent imports neither numpy nor the model: a child started by vfork inherits the
parent's peak RSS in `ru_maxrss`, so the parent must stay small. Children print one JSON
line prefixed with `RESULT_TAG`; the parent gathers them, prints the table, checks the
targets and writes the JSON file. The measurements are in children.py, the workload in
workload.py, the targets and the table in targets.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from children import CHILDREN
from targets import both_references, evaluate, render
from workload import blocks_for

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out" / "bench.json"
RESULT_TAG = "BENCH_RESULT "


# --- the parent ------------------------------------------------------------------------------
def spawn(kind: str, args: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    ns = {**vars(args), **extra}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    for key in ("seed", "steps", "schelling_size", "schelling_density", "schelling_steps",
                "runs", "sweep_size", "sweep_steps", "workers", "noops", "profile_size",
                "profile_steps", "profile_startup_size", "out", "size"):
        if ns.get(key) is not None:
            cmd += [f"--{key.replace('_', '-')}", str(ns[key])]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            result = json.loads(line[len(RESULT_TAG):])
            result["process_wall_s"] = wall
            return result
    tail = (proc.stderr or proc.stdout)[-2000:]
    return {"error": f"child {kind} failed (exit {proc.returncode}): {tail}"}


def machine() -> dict[str, Any]:
    """What the numbers were measured on: they mean little without it."""
    info: dict[str, Any] = {"nproc": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()
        info["mem_total_gb"] = round(int(mem[1]) / 1024**2, 1)
    except (OSError, IndexError, ValueError):
        pass
    info["load_average"] = list(os.getloadavg())
    versions = subprocess.run(
        [sys.executable, "-c", "import mesa, numpy; print(mesa.__version__, numpy.__version__)"],
        capture_output=True, text=True, check=False).stdout.split()
    if len(versions) == 2:
        info["mesa"], info["numpy"] = versions
    return info


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="50,100,300,1000",
                    help="community sides to measure, comma-separated (default %(default)s)")
    ap.add_argument("--steps", type=int, default=100, help="steps per size (default 100)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="JSON file (default %(default)s)")
    ap.add_argument("--schelling-size", type=int, default=100)
    ap.add_argument("--schelling-density", type=float, default=0.8)
    ap.add_argument("--schelling-steps", type=int, default=20)
    ap.add_argument("--sweeps", action=argparse.BooleanOptionalAction, default=True,
                    help="measure serial vs 2 processes vs Dask (default on)")
    ap.add_argument("--runs", type=int, default=40, help="runs in the sweep experiment")
    ap.add_argument("--sweep-size", type=int, default=50)
    ap.add_argument("--sweep-steps", type=int, default=52)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--noops", type=int, default=400, help="no-op Dask tasks for overhead")
    ap.add_argument("--profile", action=argparse.BooleanOptionalAction, default=False,
                    help="pyinstrument hot spots (text files next to the JSON; default off)")
    ap.add_argument("--profile-size", type=int, default=300)
    ap.add_argument("--profile-steps", type=int, default=30)
    ap.add_argument("--profile-startup-size", type=int, default=1000)
    ap.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        result = CHILDREN[args.child](args)
        print(RESULT_TAG + json.dumps(result), flush=True)
        return 0
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        for s in sizes:
            blocks_for(s)
    except ValueError as exc:
        print(f"error: --sizes {args.sizes!r}: {exc}", file=sys.stderr)
        return 2
    started = time.time()
    report: dict[str, Any] = {"command": " ".join([Path(sys.executable).name, *sys.argv]),
                              "machine": machine(), "sizes": []}
    # The reference is measured before and after the sizes and averaged: on a shared VM its
    # speed drifts (109k-194k agent-steps/s in one afternoon), and one short measurement at
    # one moment moved the ratios more than the model's own changes did.
    print("measuring Schelling (before) ...", file=sys.stderr, flush=True)
    before = spawn("schelling", args)
    for size in sizes:
        print(f"measuring {size} x {size} ...", file=sys.stderr, flush=True)
        report["sizes"].append(spawn("size", args, size=size))
    print("measuring Schelling (after) ...", file=sys.stderr, flush=True)
    report["schelling"] = both_references(before, spawn("schelling", args))
    report["sweeps"] = None
    if args.sweeps:
        print("measuring sweeps ...", file=sys.stderr, flush=True)
        report["sweeps"] = spawn("sweeps", args)
    if args.profile:
        print("profiling ...", file=sys.stderr, flush=True)
        report["profile"] = spawn("profile", args)
    ok = [r for r in report["sizes"] if "error" not in r]
    report["scenario"] = ok[0]["scenario"] if ok else "n/a"
    report["targets"] = evaluate({r["size"]: r for r in ok}, report["schelling"],
                                 report["sweeps"] if report["sweeps"] and
                                 "error" not in report["sweeps"] else None)
    report["machine"]["load_average_end"] = list(os.getloadavg())
    report["wall_s"] = time.time() - started
    print(render(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {out}")
    failed = [r for r in [*report["sizes"], report["schelling"], report["sweeps"] or {},
                          report.get("profile") or {}] if "error" in r]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
