"""`validate`: every published figure (fitted, held out, inexpressible) against the model."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.argtypes import positive_int
from experiments.running.executors import EXECUTORS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="run the model at the shipped point and at posterior "
                       "draws, and judge every figure of a targets file: reproduced, direction "
                       "only, not reproduced or not expressible (docs/VALIDATION.md)")
    p.add_argument("--params", type=Path, default=None, metavar="FILE",
                   help="the point: a calibrated.toml (default: the model's defaults)")
    p.add_argument("--posterior", type=Path, default=None, metavar="FILE",
                   help="posterior.parquet to draw from (default: none; the interval is then "
                        "the run-to-run noise at the point)")
    p.add_argument("--draws", type=positive_int, default=40,
                   help="posterior draws (or runs at the point), each its own seed (default 40)")
    p.add_argument("--config", type=Path, default=None, metavar="FILE",
                   help="calibration config giving scenario, size, steps and targets "
                        "(default experiments/configs/calibrate_baseline.toml)")
    p.add_argument("--targets", type=Path, default=None, metavar="FILE",
                   help="targets file (default: the config's)")
    p.add_argument("--out", type=Path, default=Path("results/validation"),
                   help="output folder for validation.json and validation.md "
                        "(default results/validation)")
    p.add_argument("--executor", choices=EXECUTORS, default="processes",
                   help="where runs go (default processes)")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="worker processes (default: one per core)")
    p.set_defaults(handler=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from experiments.calibration import targets as targets_mod
    from experiments.calibration import validate, validate_doc

    if args.targets is not None:
        targets_mod.load(args.targets)  # a bad targets file fails before any run
    res = validate.validate(args.params, args.posterior, args.draws, args.config,
                            args.targets, args.executor, args.workers)
    validate_doc.write(res, args.out)
    print(validate_doc.summary(res))
    print(f"\nresults: {args.out}/ (validation.json, validation.md)")
    return 0
