"""Calibration speed: simulations per second and time to calibrate a config on 2 cores.

    python benchmarks/calibration_bench.py                      # the shipped config
    python benchmarks/calibration_bench.py --executors processes --max-generations 3
    python benchmarks/calibration_bench.py --config my.toml --workers 2 --out out.json

For each executor (local processes; a local Dask cluster) it runs the whole calibration
fresh in a temporary folder and reports wall time, simulations and simulations per second,
next to the ceiling: single simulations run back to back in this process (the per-run cost
times the number of workers). The gap between the two is what ABC-SMC's bookkeeping,
in-order acceptance and worker start-up cost. Results go to benchmarks/out/calibration.json;
benchmarks/README.md quotes them.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from experiments.calibration import config as config_mod  # noqa: E402
from experiments.calibration import engine  # noqa: E402
from experiments.calibration import targets as targets_mod  # noqa: E402
from experiments.calibration.simulate import Simulator  # noqa: E402

DEFAULT_CONFIG = ROOT / "experiments" / "configs" / "calibrate_baseline.toml"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (workers, once shut down)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def single_run_seconds(cfg: config_mod.CalibrationConfig, n: int) -> tuple[float, float]:
    """Mean (wall, CPU) seconds of one simulation at the config's size, priors' midpoints.

    On a machine other people are using, wall time grows with their load; CPU time much
    less, so both are reported.
    """
    sim = Simulator.from_config(cfg, targets_mod.load(cfg.targets_path))
    mid = {p.name: (p.low + p.high) / 2 for p in cfg.priors}
    sim.run(mid, 0)  # warm caches
    t0, c0 = time.perf_counter(), time.process_time()
    for seed in range(1, n + 1):
        sim.run(mid, seed)
    return (time.perf_counter() - t0) / n, (time.process_time() - c0) / n


def calibrate_once(cfg, executor: str, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), cpu_seconds()
        m = engine.calibrate(cfg, Path(tmp) / "out", executor=executor, workers=workers,
                             fresh=True, stream=io.StringIO())
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    sims = m["generations"][-1]["total_simulations"] + cfg.predictive_draws
    return {"executor": executor, "workers": workers, "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1), "load_avg_after": os.getloadavg(),
            "simulations": sims, "sims_per_s": round(sims / wall, 2),
            "generations": len(m["generations"]), "stop_reason": m["stop_reason"],
            "final_temperature": m["generations"][-1]["temperature"],
            "final_ess": round(m["generations"][-1]["ess"], 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    ap.add_argument("--executors", default="processes,dask")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-generations", type=int, default=None,
                    help="cap generations (quicker, for trying the script)")
    ap.add_argument("--single-runs", type=int, default=10)
    ap.add_argument("--out", type=Path, default=HERE / "out" / "calibration.json")
    args = ap.parse_args(argv)
    cfg = config_mod.load(args.config)
    if args.max_generations:
        cfg = dataclasses.replace(cfg, stopping=dataclasses.replace(
            cfg.stopping, max_generations=args.max_generations))
    per_run, per_run_cpu = single_run_seconds(cfg, args.single_runs)
    report = {
        "command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version(),
                    "load_avg_at_start": os.getloadavg()},
        "config": str(args.config), "size": f"{cfg.width} x {cfg.height}",
        "steps": cfg.steps, "population_size": cfg.population_size,
        "single_run_s": round(per_run, 4), "single_run_cpu_s": round(per_run_cpu, 4),
        "ceiling_sims_per_s": round(args.workers / per_run, 2),
        "runs": [],
    }
    print(f"one simulation: {per_run:.3f} s wall, {per_run_cpu:.3f} s CPU -> ceiling "
          f"{report['ceiling_sims_per_s']} simulations/s on {args.workers} workers")
    for kind in [k.strip() for k in args.executors.split(",") if k.strip()]:
        row = calibrate_once(cfg, kind, args.workers)
        report["runs"].append(row)
        print(f"{kind:>10}: {row['wall_s']} s for {row['simulations']} simulations "
              f"({row['sims_per_s']}/s, {row['cpu_s']} CPU s, {row['generations']} generations; "
              f"{row['stop_reason']})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
