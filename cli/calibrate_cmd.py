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
    p.add_argument("config", type=Path, nargs="?", default=None,
                   help="calibration config, e.g. experiments/configs/calibrate_baseline.toml "
                   "(not with --community)")
    p.add_argument("--community", type=Path, default=None, metavar="PROFILE",
                   help="a community profile (docs/COMMUNITIES.md): its posterior from the "
                   "amortised network, in seconds; needs --figures")
    p.add_argument("--figures", type=Path, default=None, metavar="FILE",
                   help="with --community: the community's own figures (targets format)")
    p.add_argument("--draws", type=positive_int, default=4000,
                   help="with --community: posterior draws (default 4000)")
    p.add_argument("--seed", type=int, default=1,
                   help="with --community: seed of the posterior draws (default 1)")
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
    from model.errors import InputError

    if args.community is not None or args.figures is not None:
        return _community(args)
    if args.config is None:
        raise InputError("calibrate needs a calibration config (e.g. experiments/configs/"
                         "calibrate_baseline.toml), or --community PROFILE --figures FILE for "
                         "one community's posterior from the amortised network.")
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


def _community(args: argparse.Namespace) -> int:
    from experiments.calibration.community_posterior import calibrate_community
    from model.errors import InputError

    if args.community is None or args.figures is None:
        raise InputError("--community PROFILE and --figures FILE go together: the profile "
                         "says who lives there, the figures what was observed.")
    if args.config is not None:
        raise InputError(f"give either a calibration config ({args.config}) or --community "
                         "with --figures, not both.")
    r = calibrate_community(args.community, args.figures, args.out, args.draws, args.seed,
                            sys.stderr)
    print(f"\ncommunity posterior {r['calibration_id']} in {r['seconds']:.1f} s "
          f"({r['draws']} draws of the amortised network):")
    for row in r["parameters"]:
        print(f"  {row['name']:<28} median {row['median']:>10.4g}   90% CI "
              f"{row['ci'][0]:.4g} - {row['ci'][1]:.4g}   ({row['width_share_of_prior']:.2f} "
              "of the prior)")
    for name, f in r["scaled_by_profile"].items():
        print(f"  ({name} is per 100 households; the files hold it divided by this "
              f"profile's staffing factor, {f['profile_multiplies_by']:.3g}, which a run with "
              "--community multiplies back)")
    print(f"\nresults: {r['out']}/ (posterior.parquet, calibrated.toml, "
          "community_posterior.json); use them with run.py run/compare --params "
          f"{r['out']}/calibrated.toml --community {args.community}")
    return 0
