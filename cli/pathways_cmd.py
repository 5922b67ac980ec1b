"""`run.py pathways FOLDER`: the pathway decomposition table of a pathways experiment."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pathways", help="decompose a programme's effect by pathway, from an "
                       "experiment folder of experiments/configs/pathways.toml")
    p.add_argument("folder", help="experiment folder (with runs.parquet)")
    p.add_argument("--programme", default="collaborative")
    p.add_argument("--baseline", default="administrative")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from experiments.analyse.pathways import write

    out = write(args.folder, args.programme, args.baseline)
    print(f"wrote {out} and {out.with_suffix('.csv')}")
    return 0
