"""`calibrate`: fit free parameters to published figures (ABC-SMC, or MCMC on a
surrogate), resumable."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.argtypes import positive_int
from experiments.running.executors import EXECUTORS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="fit free parameters to observed targets (ABC-SMC, "
                       "or MCMC on a surrogate; see docs/CALIBRATION.md); run again to resume")
    p.add_argument("config", type=Path, help="calibration config, e.g. experiments/configs/"
                   "calibrate_baseline.toml")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: the config's `out`, else results/NAME)")
    p.add_argument("--executor", choices=EXECUTORS, default="processes",
                   help="where simulations run (default processes)")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="worker processes (default: one per core)")
    p.add_argument("--scheduler", default=None, metavar="ADDR",
                   help="Dask scheduler address (implies --executor dask)")
    p.add_argument("--fresh", action="store_true",
                   help="delete an earlier calibration in the folder and start over")
    p.set_defaults(handler=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from experiments.calibration import config, engine

    cfg = config.load(args.config)
    executor = "dask" if args.scheduler else args.executor
    out = args.out or cfg.output_dir()
    m = engine.calibrate(cfg, out, executor=executor, workers=args.workers,
                         scheduler=args.scheduler, fresh=args.fresh)
    flagged = [r["name"] for r in m["parameters"] if r["identified"] is False]
    if m.get("mcmc"):
        mc = m["mcmc"]
        print(f"\ncalibration {m['calibration_id']}: {mc['steps']} steps x {mc['walkers']} "
              f"walkers on the surrogate, effective sample size {mc['ess']:.0f}")
    else:
        print(f"\ncalibration {m['calibration_id']}: {len(m['generations'])} generations, "
              f"{m['generations'][-1]['total_simulations']} simulations")
    for r in m["parameters"]:
        print(f"  {r['name']:<28} median {r['median']:>10.4g}   90% CI "
              f"{r['ci'][0]:.4g} - {r['ci'][1]:.4g}")
    if flagged:
        print(f"not identified by the targets: {', '.join(flagged)}")
    for w in m.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)
    print(f"\nresults: {out}/ (report.md, posterior.parquet, calibrated.toml, figures/)")
    return 0
