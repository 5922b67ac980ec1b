"""The measurements, each run in a fresh child process of bench.py (`--child KIND`).

Each child imports the model itself, inside its function: the parent imports neither numpy
nor the model, since a child started by vfork inherits the parent's peak RSS in
`ru_maxrss`, and the parent must stay small for every size's peak to be its own.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workload import peak_rss, scenario_params


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
    Dask LocalCluster on 127.0.0.1) only stands in while `experiments.running.executors` is missing.
    """
    try:
        from experiments.running.executors import make_executor
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
        import experiments.running.executors  # noqa: F401
    except ImportError:
        return "concurrent.futures.ProcessPoolExecutor + distributed.LocalCluster (fallback)"
    return "experiments.running.executors.make_executor"


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
