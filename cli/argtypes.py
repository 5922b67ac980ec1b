"""Argument types and options shared by the commands."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def int_at_least(low: int, high: int | None = None,
                 why: str = "") -> Callable[[str], int]:
    """An argparse type accepting whole numbers in [low, high], naming the value when not."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            allowed = f">= {low}" if high is None else f"from {low} to {high}"
            raise argparse.ArgumentTypeError(f"expected a whole number {allowed}, got {text!r}"
                                             + (f" ({why})" if why else ""))
        return value

    parse.__name__ = f"whole number >= {low}" if high is None else f"whole number {low}-{high}"
    return parse


MAX_STEPS = 100_000  # about 1900 years of weeks: anything longer is a typo
MAX_REPLICATES = 10_000
positive_int = int_at_least(1)
nonneg_int = int_at_least(0)
steps_int = int_at_least(1, MAX_STEPS, "steps are weeks; the same limit as a spec's `steps`")
replicates_int = int_at_least(1, MAX_REPLICATES, "the same limit as a spec's `replicates`")
seed_int = int_at_least(0, 2**63 - 1)


def executor_options(p: argparse.ArgumentParser, fresh: bool = True) -> None:
    """--executor, --workers, --scheduler (and --fresh): where many runs execute."""
    from experiments.running.executors import EXECUTORS

    p.add_argument("--executor", choices=EXECUTORS, default="processes",
                   help="where runs execute (default processes)")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="worker processes (default: one per core)")
    p.add_argument("--scheduler", default=None, metavar="ADDR",
                   help="Dask scheduler address (with --executor dask; default: a local "
                   "cluster on 127.0.0.1)")
    if fresh:
        p.add_argument("--fresh", action="store_true",
                       help="delete earlier results in the folder and start over")
