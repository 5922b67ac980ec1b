"""Speed and memory of the governance model against Mesa's own Schelling example (issue 6).

    python benchmarks/bench.py                       # sizes 50,100,300,1000; sweeps on
    python benchmarks/bench.py --sizes 100,300 --steps 50 --no-sweeps
    python benchmarks/bench.py --profile             # also pyinstrument hot spots

Every measurement runs in a fresh child process of this script (`--child ...`), so one
size's memory and caches cannot leak into the next and `ru_maxrss` is that size's own peak.
The parent imports neither numpy nor the model: a child started by vfork inherits the
parent's peak RSS in `ru_maxrss`, so the parent must stay small. Children print one JSON
line prefixed with `RESULT_TAG`; the parent gathers them, prints the table, checks the
targets and writes the JSON file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out" / "bench.json"
RESULT_TAG = "BENCH_RESULT "
SCENARIO = "collaborative"

# Targets of issue 6 (2-core machine).
TARGET_RATIO_100 = 10.0  # household-steps/s at 100 x 100 over Schelling agent-steps/s
TARGET_RATIO_300 = 25.0
TARGET_SECONDS_1000 = 60.0  # 100 steps of 1000 x 1000 including start-up
TARGET_STEPS_1000 = 100
TARGET_RSS_1000 = 4 * 1024**3
TARGET_COST_GROWTH = 1.5  # cost per household-step at 1000 over that at 100
TARGET_SPEEDUP_2 = 1.8  # two worker processes over serial, 40-run experiment
TARGET_DASK_OVERHEAD = 0.050  # seconds per run


# --- helpers used by the children ------------------------------------------------------------
def blocks_for(size: int) -> tuple[int, int]:
    """Grid and building blocks that divide a side of `size` cells.

    The model needs grid_block | size and building_block | grid_block. The default (20, 5)
    is kept whenever it fits, otherwise the divisor of `size` nearest 20 (50 -> 25) with the
    largest building block up to 5 that divides it, so every size has grids of similar scale.
    """
    if size % 20 == 0:
        return 20, 5
    divisors = [d for d in range(2, size + 1) if size % d == 0 and d <= size // 2]
    if not divisors:
        raise ValueError(f"side {size} has no grid_block divisor (use a composite number)")
    grid = min(divisors, key=lambda d: (abs(d - 20), -d))
    building = max(b for b in range(1, 6) if grid % b == 0)
    return grid, building


def scenario_params(size: int) -> tuple[str, dict[str, Any]]:
    """`collaborative` if it is registered, else every mechanism on with a heavy admin load."""
    from governance import MECHANISMS, SCENARIOS
    from governance import scenario_params as preset

    grid, building = blocks_for(size)
    space = {"width": size, "height": size, "grid_block": grid, "building_block": building}
    if SCENARIO in SCENARIOS:
        return SCENARIO, preset(SCENARIO, **space)
    params = dict.fromkeys(MECHANISMS, True)
    params["rc_admin_burden"] = 0.7
    return "all_mechanisms_on (fallback: 'collaborative' not registered)", {**params, **space}


def peak_rss() -> dict[str, int]:
    """Peak resident memory of this process, in bytes, two ways that should agree."""
    import resource

    out = {"ru_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                out["vmhwm_bytes"] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return out


def child_size(size: int, steps: int, seed: int) -> dict[str, Any]:
    """Start-up, step speed and peak memory of one community size."""
    t_import = time.perf_counter()
    from governance import GovernanceModel

    imported = time.perf_counter() - t_import
    rss_after_import = peak_rss()["ru_maxrss_bytes"]
    used, params = scenario_params(size)
    t0 = time.perf_counter()
    model = GovernanceModel(rng=seed, **params)
    startup = time.perf_counter() - t0
    rss_after_startup = peak_rss()["ru_maxrss_bytes"]
    step_times = []
    for _ in range(steps):
        t = time.perf_counter()
        model.step()
        step_times.append(time.perf_counter() - t)
    rows = len(model.datacollector.get_model_vars_dataframe())
    run_time = sum(step_times)
    n = size * size
    return {
        "size": size, "households": n, "steps": steps, "scenario": used,
        "grid_block": params["grid_block"], "building_block": params["building_block"],
        "import_s": imported, "startup_s": startup, "steps_s": run_time,
        "total_s": startup + run_time,
        "step_mean_s": run_time / steps if steps else 0.0,
        "step_max_s": max(step_times, default=0.0),
        "household_steps_per_s": n * steps / run_time if run_time else 0.0,
        "us_per_household_step": 1e6 * run_time / (n * steps) if steps else 0.0,
        "collected_rows": rows,
        "rss_after_import_bytes": rss_after_import,
        "rss_after_startup_bytes": rss_after_startup,
        **{f"peak_{k}": v for k, v in peak_rss().items()},
    }


def child_schelling(size: int, density: float, steps: int, seed: int) -> dict[str, Any]:
    """Mesa's bundled Schelling example, stepped as its own app would step it."""
    import mesa
    from mesa.examples.basic.schelling.model import Schelling, SchellingScenario

    t0 = time.perf_counter()
    model = Schelling(SchellingScenario(width=size, height=size, density=density, rng=seed))
    startup = time.perf_counter() - t0
    agents = len(model.agents)
    t1 = time.perf_counter()
    for _ in range(steps):
        model.step()  # stepped past "everyone happy" too: the cost per step stays comparable
    run_time = time.perf_counter() - t1
    return {
        "model": "mesa.examples.basic.schelling", "mesa": mesa.__version__, "size": size,
        "density": density, "agents": agents, "steps": steps, "startup_s": startup,
        "steps_s": run_time,
        "agent_steps_per_s": agents * steps / run_time if run_time else 0.0,
        **{f"peak_{k}": v for k, v in peak_rss().items()},
    }


def run_one(seed: int, size: int, steps: int) -> float:
    """One run of a sweep: build, run, read the last row (what a real experiment keeps)."""
    from governance import GovernanceModel

    _, params = scenario_params(size)
    model = GovernanceModel(rng=seed, **params)
    model.run(steps)
    return float(model.datacollector.get_model_vars_dataframe().iloc[-1, 0])


def noop(x: int) -> int:
    """A task that does nothing: its round trip is pure executor overhead."""
    return x


@contextlib.contextmanager
def executor(kind: str, workers: int) -> Iterator[Any]:
    """The experiments layer's executor when it exists, else the same thing built here.

    Measuring the project's own executors is the point; the fallback (stdlib process pool,
    Dask LocalCluster on 127.0.0.1) only stands in while `experiments.executors` is missing.
    """
    try:
        from experiments.executors import make_executor
    except ImportError:
        make_executor = None
    if make_executor is not None:
        with make_executor(kind, workers) as ex:
            yield ex
        return
    if kind == "processes":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            yield pool
        return
    from distributed import Client, LocalCluster

    with LocalCluster(host="127.0.0.1", n_workers=workers, threads_per_worker=1,
                      processes=True, dashboard_address=None, silence_logs=40) as cluster, \
            Client(cluster) as client:
        yield client.get_executor()


def _timed_map(ex: Any, runs: int, size: int, steps: int) -> float:
    t = time.perf_counter()
    list(ex.map(run_one, range(runs), [size] * runs, [steps] * runs))
    return time.perf_counter() - t


def child_sweeps(runs: int, size: int, steps: int, workers: int, noops: int) -> dict[str, Any]:
    """Serial vs local processes vs a Dask LocalCluster on the same small experiment.

    "cold" includes starting the executor (what a user waits for); "warm" repeats the same
    runs on the started executor, so warm differences are the per-run dispatch overhead.
    """
    out: dict[str, Any] = {"runs": runs, "size": size, "steps": steps, "workers": workers,
                           "executors_source": _executors_source()}
    run_one(0, size, 2)  # warm imports so serial is not charged for them
    t = time.perf_counter()
    for s in range(runs):
        run_one(s, size, steps)
    out["serial_s"] = time.perf_counter() - t

    for kind in ("processes", "dask"):
        key = "process_pool" if kind == "processes" else "dask"
        t = time.perf_counter()
        try:
            with executor(kind, workers) as ex:
                out[f"{key}_start_s"] = time.perf_counter() - t
                _timed_map(ex, runs, size, steps)
                out[f"{key}_s"] = time.perf_counter() - t
                out[f"{key}_warm_s"] = _timed_map(ex, runs, size, steps)
                if kind == "dask":
                    out.update(_dask_overheads(ex, noops))
        except ImportError as exc:
            out[f"{key}_error"] = f"not installed: {exc}"
            continue
        out[f"speedup_{key}"] = out["serial_s"] / out[f"{key}_s"]
        out[f"speedup_{key}_warm"] = out["serial_s"] / out[f"{key}_warm_s"]
    if "dask_warm_s" in out and "process_pool_warm_s" in out:
        out["dask_overhead_per_run_s"] = (out["dask_warm_s"] - out["process_pool_warm_s"]) / runs
    return out


def _dask_overheads(ex: Any, noops: int) -> dict[str, float]:
    """Per-task cost of Dask itself: many no-op tasks at once, and one at a time."""
    list(ex.map(noop, range(8)))
    t = time.perf_counter()
    list(ex.map(noop, range(noops)))
    per_task = (time.perf_counter() - t) / noops
    t = time.perf_counter()
    for i in range(20):
        ex.submit(noop, i).result()
    latency = (time.perf_counter() - t) / 20
    return {"dask_noop_tasks": noops, "dask_noop_per_task_s": per_task,
            "dask_noop_latency_s": latency}


def _executors_source() -> str:
    """Which executors were measured: the project's own, or the stand-ins."""
    try:
        import experiments.executors  # noqa: F401
    except ImportError:
        return "concurrent.futures.ProcessPoolExecutor + distributed.LocalCluster (fallback)"
    return "experiments.executors.make_executor"


def child_profile(size: int, steps: int, startup_size: int, out_dir: Path) -> dict[str, Any]:
    """Hot spots of stepping and of start-up, and Python calls per step at two sizes."""
    from profiling import calls_per_step, profile_startup, profile_steps

    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "steps": profile_steps(size, steps, out_dir),
        "startup": profile_startup(startup_size, out_dir),
        "calls": calls_per_step((size // 3 if size >= 60 else size, size), 5),
    }


CHILDREN = {
    "size": lambda a: child_size(a.size, a.steps, a.seed),
    "schelling": lambda a: child_schelling(a.schelling_size, a.schelling_density,
                                           a.schelling_steps, a.seed),
    "sweeps": lambda a: child_sweeps(a.runs, a.sweep_size, a.sweep_steps, a.workers, a.noops),
    "profile": lambda a: child_profile(a.profile_size, a.profile_steps, a.profile_startup_size,
                                       Path(a.out).parent),
}


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


def check(name: str, value: float | None, target: float, higher_is_better: bool,
          note: str = "") -> dict[str, Any]:
    if value is None:
        return {"target": name, "value": None, "limit": target, "status": "n/a", "note": note}
    ok = value >= target if higher_is_better else value < target
    return {"target": name, "value": value, "limit": target,
            "status": "PASS" if ok else "FAIL", "note": note}


def both_references(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One reference from the measurements before and after the sizes (their mean speed)."""
    for r in (before, after):
        if "error" in r:
            return r
    runs = [before["agent_steps_per_s"], after["agent_steps_per_s"]]
    return {**after, "agent_steps_per_s": sum(runs) / 2, "agent_steps_per_s_runs": runs}


def evaluate(sizes: dict[int, dict], schelling: dict, sweeps: dict | None) -> list[dict]:
    """The issue's targets, each PASS / FAIL / n/a (size not measured)."""
    ref = schelling.get("agent_steps_per_s")
    out = []
    for size, target in ((100, TARGET_RATIO_100), (300, TARGET_RATIO_300)):
        r = sizes.get(size, {})
        ratio = r["household_steps_per_s"] / ref if ref and "household_steps_per_s" in r \
            else None
        out.append(check(f"{size}x{size} household-steps/s over Schelling agent-steps/s",
                         ratio, target, True))
    big = sizes.get(1000, {})
    total = None
    note = ""
    if "startup_s" in big:
        total = big["startup_s"] + big["step_mean_s"] * TARGET_STEPS_1000
        if big["steps"] != TARGET_STEPS_1000:
            note = f"extrapolated from {big['steps']} steps"
    out.append(check("1000x1000: start-up + 100 steps, seconds", total, TARGET_SECONDS_1000,
                     False, note))
    rss = big.get("peak_ru_maxrss_bytes")
    out.append(check("1000x1000: peak RSS, GB", rss / 1024**3 if rss else None,
                     TARGET_RSS_1000 / 1024**3, False))
    small = sizes.get(100, {})
    growth = None
    if small.get("us_per_household_step") and big.get("us_per_household_step"):
        growth = big["us_per_household_step"] / small["us_per_household_step"]
    out.append(check("cost per household-step, 1000x1000 over 100x100", growth,
                     TARGET_COST_GROWTH, False))
    if sweeps is not None:
        out.append(check(f"{sweeps['workers']} local processes: speed-up over serial "
                         f"({sweeps['runs']} runs)", sweeps.get("speedup_process_pool"),
                         TARGET_SPEEDUP_2, True, "cold: includes starting the pool; warm x"
                         f"{sweeps.get('speedup_process_pool_warm', float('nan')):.2f}"))
        out.append(check("Dask LocalCluster: overhead per run, ms (no-op tasks)",
                         _ms(sweeps.get("dask_noop_per_task_s")), TARGET_DASK_OVERHEAD * 1000,
                         False))
        out.append(check("Dask LocalCluster: overhead per run, ms ((dask - pool) / runs, warm)",
                         _ms(sweeps.get("dask_overhead_per_run_s")),
                         TARGET_DASK_OVERHEAD * 1000, False))
    return out


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else 1000 * seconds


def render(report: dict[str, Any]) -> str:
    """The table a person reads; the JSON holds everything."""
    lines = [f"scenario: {report['scenario']}",
             f"machine: {report['machine'].get('cpu', '?')}, {report['machine']['nproc']} cores, "
             f"load {', '.join(f'{x:.2f}' for x in report['machine']['load_average'])}", ""]
    head = (f"{'size':>11} {'blocks':>7} {'start-up s':>10} {'step ms':>9} "
            f"{'hh-steps/s':>12} {'us/hh-step':>10} {'peak RSS MB':>11} {'x Schelling':>11}")
    lines += [head, "-" * len(head)]
    ref = report["schelling"].get("agent_steps_per_s")
    for r in report["sizes"]:
        if "error" in r:
            lines.append(f"{r.get('size', '?'):>11} ERROR {r['error'][:200]}")
            continue
        ratio = f"{r['household_steps_per_s'] / ref:11.1f}" if ref else f"{'n/a':>11}"
        lines.append(
            f"{r['size']:>5} x{r['size']:>5} {r['grid_block']:>3}/{r['building_block']:<3} "
            f"{r['startup_s']:10.2f} {1000 * r['step_mean_s']:9.1f} "
            f"{r['household_steps_per_s']:12,.0f} {r['us_per_household_step']:10.3f} "
            f"{r['peak_ru_maxrss_bytes'] / 1024**2:11.0f} {ratio}")
    s = report["schelling"]
    if "error" in s:
        lines.append(f"Schelling ERROR {s['error'][:300]}")
    else:
        lines.append(f"Schelling {s['size']}x{s['size']} density {s['density']}: {s['agents']} "
                     f"agents, {s['steps']} steps, {s['agent_steps_per_s']:,.0f} agent-steps/s "
                     f"(mean of before and after: "
                     f"{', '.join(f'{v:,.0f}' for v in s.get('agent_steps_per_s_runs', []))}; "
                     f"start-up {s['startup_s']:.2f} s)")
    sw = report.get("sweeps")
    if sw:
        lines.append("")
        if "error" in sw:
            lines.append(f"sweeps ERROR {sw['error'][:300]}")
        else:
            lines.append(f"sweeps: {sw['runs']} runs of {sw['size']}x{sw['size']} x "
                         f"{sw['steps']} steps; {sw['executors_source']}")
            lines.append(f"  serial {sw['serial_s']:.2f} s")
            for key, name in (("process_pool", f"{sw['workers']} processes"),
                              ("dask", "dask LocalCluster")):
                if f"{key}_s" not in sw:
                    lines.append(f"  {name}: {sw.get(f'{key}_error', 'not measured')}")
                    continue
                lines.append(
                    f"  {name}: cold {sw[f'{key}_s']:.2f} s (x{sw[f'speedup_{key}']:.2f}, "
                    f"start {sw[f'{key}_start_s']:.2f} s), warm {sw[f'{key}_warm_s']:.2f} s "
                    f"(x{sw[f'speedup_{key}_warm']:.2f})")
            if "dask_noop_per_task_s" in sw:
                lines.append(
                    f"  dask overhead: {1000 * sw['dask_noop_per_task_s']:.2f} ms/no-op task "
                    f"({sw['dask_noop_tasks']} at once), lone round trip "
                    f"{1000 * sw['dask_noop_latency_s']:.2f} ms, (warm dask - warm pool)/run "
                    f"{1000 * sw.get('dask_overhead_per_run_s', float('nan')):.1f} ms")
    lines += ["", "targets:"]
    for t in report["targets"]:
        val = "n/a" if t["value"] is None else f"{t['value']:.2f}"
        note = f" ({t['note']})" if t["note"] else ""
        lines.append(f"  [{t['status']:>4}] {t['target']}: {val} (limit {t['limit']:g}){note}")
    prof = report.get("profile")
    if prof and "error" not in prof:
        lines += ["", f"hot spots, {prof['steps']['label']} (self time, s):"]
        lines += [f"  {h['self_s']:7.3f}  {h['where']}" for h in prof["steps"]["hot"][:10]]
        lines += [f"hot spots, {prof['startup']['label']} (self time, s):"]
        lines += [f"  {h['self_s']:7.3f}  {h['where']}" for h in prof["startup"]["hot"][:10]]
        c = prof["calls"]
        lines.append(f"Python calls per step: {c['calls_per_step']} (sizes {c['sizes']}); "
                     f"growing functions: {c['growing'][:5] or 'none'}")
    elif prof:
        lines.append(f"profile ERROR {prof['error'][:300]}")
    return "\n".join(lines)


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
