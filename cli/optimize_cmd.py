"""`optimize`: policy search for the Pareto front of participation and trust against cost."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.argtypes import executor_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("optimize", help="search mechanism mixes and budget levers (NSGA-II) "
                       "for the Pareto front of a search spec; see experiments/configs/"
                       "search/")
    p.add_argument("config", type=Path, help="search spec, e.g. experiments/configs/"
                   "search/cheapest_participation.toml")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: the spec's `out`, else results/NAME)")
    executor_options(p)
    p.set_defaults(handler=cmd_optimize)


def cmd_optimize(args: argparse.Namespace) -> int:
    from experiments.search.optimize import main_print, run_search
    from experiments.search.spec import load_search

    spec = load_search(args.config)
    root = args.out if args.out is not None else spec.output_dir()
    manifest = run_search(spec, root, executor=args.executor, workers=args.workers,
                          scheduler=args.scheduler, fresh=args.fresh,
                          command="run.py " + " ".join(sys.argv[1:]))
    main_print(manifest, Path(root))
    return 0
