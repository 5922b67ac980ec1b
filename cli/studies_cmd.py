"""`run.py studies [NAME ...]`: the statistical studies the docs quote (make studies)."""

from __future__ import annotations

import argparse

from cli.argtypes import positive_int


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("studies", help="run the statistical studies (claims, crowding-out, "
                       "long runs, a settled start) and store their results with the "
                       "model's fingerprint; --list shows which are current")
    p.add_argument("names", nargs="*", help="studies to run (default: all)")
    p.add_argument("--workers", type=positive_int, default=2,
                   help="worker processes (default 2)")
    p.add_argument("--list", action="store_true",
                   help="list the studies and whether their stored results are current")
    p.add_argument("--docs", action="store_true",
                   help="rewrite the docs' generated blocks from the stored results, with "
                        "no runs (after a change to how a study presents its result)")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from experiments.studies import driver

    if args.list:
        for row in driver.status():
            state = "current" if row["current"] else "STALE: " + "; ".join(row["why_stale"])
            cost = (f", {row['runs']} runs in {row['seconds']:.0f} s" if row["runs"] else "")
            print(f"{row['study']}: {state}{cost}\n    {row['question']}")
        return 0
    if args.docs:
        for line in driver.render_docs(args.names):
            print(line)
        return 0
    driver.check_names(args.names)
    return 1 if driver.run(args.names, args.workers) else 0
