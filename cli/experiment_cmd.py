"""`main`, `experiment`, `compare`, `report`: many runs, their tables, figures and report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.argtypes import nonneg_int, positive_int
from experiments.executors import EXECUTORS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("main", help="the main job (also `python run.py` alone): every "
                       "mechanism scenario against the administrative baseline")
    p.add_argument("--replicates", type=positive_int, default=None,
                   help="replicates per scenario (default 6)")
    p.add_argument("--steps", type=positive_int, default=None,
                   help="steps (weeks) per run (default 104)")
    p.add_argument("--seed", type=nonneg_int, default=20240601, help="root seed")
    p.add_argument("--out", type=Path, default=None, help="output folder (default results/main)")
    _executor_options(p)
    p.set_defaults(handler=cmd_main)

    p = sub.add_parser("experiment", help="run (or continue) the experiment a TOML spec "
                       "describes; see experiments/configs/")
    p.add_argument("config", type=Path, help="spec file, e.g. experiments/configs/"
                   "mechanisms_vs_baseline.toml")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: the spec's "
                   "`out`, else results/NAME)")
    _executor_options(p)
    p.set_defaults(handler=cmd_experiment)

    p = sub.add_parser("compare", help="compare scenarios, paired by replicate")
    p.add_argument("--scenarios", required=True, help="comma-separated scenario names")
    p.add_argument("--reference", default=None, help="reference scenario (default: the first)")
    p.add_argument("--replicates", type=positive_int, default=5, help="default 5")
    p.add_argument("--steps", type=positive_int, default=104, help="default 104")
    p.add_argument("--seed", type=nonneg_int, default=20240601, help="root seed")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="override a parameter in every scenario (repeatable)")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default results/compare-A-B-...)")
    _executor_options(p)
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser("report", help="rebuild tables, figures and report.md of an "
                       "experiment folder without running anything")
    p.add_argument("folder", type=Path)
    p.set_defaults(handler=cmd_report)


def _executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=EXECUTORS, default="processes",
                   help="where runs execute (default processes)")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="worker processes (default: one per core)")
    p.add_argument("--scheduler", default=None, metavar="ADDR",
                   help="Dask scheduler address (with --executor dask; default: a local "
                   "cluster on 127.0.0.1)")
    p.add_argument("--fresh", action="store_true",
                   help="delete earlier results in the folder and start over")


def _run(spec, args: argparse.Namespace, out: Path | None, fresh: bool,
         show_comparison: bool) -> int:
    import pandas as pd

    from experiments.report import comparison_text
    from experiments.runner import run_experiment

    root = out if out is not None else spec.output_dir()
    manifest = run_experiment(spec, root, executor=args.executor, workers=args.workers,
                              scheduler=args.scheduler, fresh=fresh)
    comp_path = Path(root) / "comparison.csv"
    if show_comparison and comp_path.exists() and comp_path.stat().st_size > 1:
        comp = pd.read_csv(comp_path)
        print(f"\n{spec.name}: each scenario against '{spec.reference}' (paired by replicate; "
              "diff with 95% CI, Cohen's d_z, Vargha-Delaney A)\n")
        print(comparison_text(comp))
    print(f"\nresults: {root}/ (report.md, summary.csv, comparison.csv, figures/)")
    return _finish(manifest, root)


def _finish(manifest: dict[str, Any], root: Path) -> int:
    failed = manifest.get("failed") or []
    if failed:
        shown = ", ".join(failed[:20]) + (" ..." if len(failed) > 20 else "")
        print(f"error: {len(failed)} run(s) failed: {shown}. Each error and traceback is in "
              f"{root}/runs/ID.json; run the same command again to retry them.",
              file=sys.stderr)
        return 1
    return 0


def cmd_main(args: argparse.Namespace) -> int:
    from experiments import main_job
    from experiments.runner import code_version
    from experiments.store import Store

    kw = {k: v for k, v in (("replicates", args.replicates), ("steps", args.steps)) if v}
    out = args.out or Path(main_job.OUT)
    spec = main_job.main_spec(seed=args.seed, out=str(out), **kw)
    old = Store(out).manifest()
    fresh = args.fresh
    if old is not None and (old.get("fingerprint") != spec.fingerprint()
                            or old.get("code_version") != code_version()):
        print(f"note: {out} holds results of another model version or set-up; starting over.",
              file=sys.stderr)
        fresh = True
    return _run(spec, args, out, fresh, show_comparison=True)


def cmd_experiment(args: argparse.Namespace) -> int:
    from experiments.spec import load

    spec = load(args.config)
    show = spec.design.type == "scenarios" and len(spec.scenarios) > 1
    return _run(spec, args, args.out, args.fresh, show_comparison=show)


def cmd_compare(args: argparse.Namespace) -> int:
    from experiments.spec import from_dict
    from model.params import parse_assignments

    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    overrides = parse_assignments(args.set)
    raw = {"name": "compare-" + "-".join(names)[:60], "scenarios": names,
           "reference": args.reference or (names[0] if names else ""),
           "replicates": args.replicates, "steps": args.steps, "seed": args.seed,
           "overrides": overrides}
    spec = from_dict(raw, source="command line (--scenarios/--reference/--set)")
    return _run(spec, args, args.out, args.fresh, show_comparison=True)


def cmd_report(args: argparse.Namespace) -> int:
    from experiments.report import build

    if not args.folder.is_dir():
        from model.errors import InputError

        raise InputError(f"report folder {str(args.folder)!r} does not exist; give a folder "
                         "written by `run.py experiment`, `compare` or the main job.")
    manifest = build(args.folder)
    print(f"rebuilt {args.folder}/report.md ({manifest['status']}, "
          f"{sum(r['status'] == 'ok' for r in manifest['runs'])} finished runs)")
    return 0
