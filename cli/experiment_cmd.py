"""`main`, `experiment`, `compare`, `report`, `rerun`: many runs, their tables and report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.argtypes import executor_options, replicates_int, seed_int, steps_int


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("main", help="the main job (also `python run.py` alone): every "
                       "mechanism scenario against the administrative baseline")
    p.add_argument("--replicates", type=replicates_int, default=None,
                   help="replicates per scenario (default 6)")
    p.add_argument("--steps", type=steps_int, default=None,
                   help="steps (weeks) per run (default 104; the outcome is the mean of the "
                   "last 52 weeks)")
    p.add_argument("--seed", type=seed_int, default=20240601, help="root seed")
    p.add_argument("--out", type=Path, default=None, help="output folder (default results/main)")
    executor_options(p)
    p.set_defaults(handler=cmd_main)

    p = sub.add_parser("experiment", help="run (or continue) the experiment a TOML spec "
                       "describes; see experiments/configs/")
    p.add_argument("config", type=Path, help="spec file, e.g. experiments/configs/"
                   "mechanisms_vs_baseline.toml")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: the spec's "
                   "`out`, else results/NAME)")
    executor_options(p)
    p.set_defaults(handler=cmd_experiment)

    p = sub.add_parser("compare", help="compare scenarios, paired by replicate")
    p.add_argument("--scenarios", required=True, help="comma-separated scenario names")
    p.add_argument("--reference", default=None, help="reference scenario (default: the first)")
    p.add_argument("--replicates", type=replicates_int, default=5, help="default 5")
    p.add_argument("--steps", type=steps_int, default=104, help="default 104")
    p.add_argument("--seed", type=seed_int, default=20240601, help="root seed")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="override a parameter in every scenario (repeatable)")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default results/compare-A-B-...)")
    executor_options(p)
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser("report", help="rebuild tables, figures and report.md of an "
                       "experiment folder without running anything")
    p.add_argument("folder", type=Path)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("rerun", help="reproduce an experiment from its manifest.json into a "
                       "new folder, and check that every run is bit-identical")
    p.add_argument("manifest", type=Path, help="manifest.json of an experiment folder (or "
                   "the folder)")
    p.add_argument("--out", type=Path, default=None,
                   help="new output folder (default: FOLDER-rerun next to the original)")
    executor_options(p, fresh=False)
    p.set_defaults(handler=cmd_rerun)


def _run(spec, args: argparse.Namespace, out: Path | None, fresh: bool,
         show_comparison: bool) -> int:
    import pandas as pd

    from experiments.report_text import comparison_text
    from experiments.runner import run_experiment

    root = out if out is not None else spec.output_dir()
    manifest = run_experiment(spec, root, executor=args.executor, workers=args.workers,
                              scheduler=args.scheduler, fresh=fresh,
                              command="run.py " + " ".join(sys.argv[1:]))
    comp_path = Path(root) / "comparison.csv"
    if show_comparison and comp_path.exists():
        from experiments.report_text import window_text

        comp = pd.read_csv(comp_path)
        print(f"\n{spec.name}: each scenario against '{spec.reference}' (paired by replicate; "
              "diff with 95% CI, Holm-adjusted p over all rows, Cohen's d_z, Vargha-Delaney "
              f"A). Outcome: {window_text(spec, manifest.get('warmup_used', 0))}.\n")
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
    from experiments.provenance import code_version
    from experiments.store import Store, check_folder

    kw = {k: v for k, v in (("replicates", args.replicates), ("steps", args.steps)) if v}
    out = args.out or Path(main_job.OUT)
    spec = main_job.main_spec(seed=args.seed, out=str(out), **kw)
    old = Store(check_folder(out)).manifest() if out.is_dir() else None
    fresh = args.fresh
    if old is not None and (old.get("runs_key") != spec.runs_key()
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
    from experiments import main_job
    from experiments.spec import from_dict
    from governance import parse_assignments

    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    overrides = parse_assignments(args.set)
    raw = {"name": "compare-" + "-".join(names)[:60], "scenarios": names,
           "reference": args.reference or (names[0] if names else ""),
           "replicates": args.replicates, "steps": args.steps, "seed": args.seed,
           "overrides": overrides, "outcome": "mean",
           "warmup": max(0, args.steps - main_job.WINDOW)}  # the main job's window
    spec = from_dict(raw, source="command line (--scenarios/--reference/--set)")
    return _run(spec, args, args.out, args.fresh, show_comparison=True)


def cmd_report(args: argparse.Namespace) -> int:
    from experiments.report import build

    if not args.folder.is_dir():
        from model.errors import InputError

        raise InputError(f"report folder {str(args.folder)!r} does not exist; give a folder "
                         "written by `run.py experiment`, `compare` or the main job.")
    from experiments.store import Store

    with Store(args.folder).lock("run.py report " + str(args.folder)):
        manifest = build(args.folder)
    print(f"rebuilt {args.folder}/report.md ({manifest['status']}, "
          f"{sum(r['status'] == 'ok' for r in manifest['runs'])} finished runs)")
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    from experiments.rerun import rerun

    result = rerun(args.manifest, args.out, executor=args.executor, workers=args.workers,
                   scheduler=args.scheduler, command="run.py " + " ".join(sys.argv[1:]))
    for note in result["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print(f"\nreproduced into {result['out']}/: {result['identical']} of {result['compared']} "
          "runs bit-identical to the original (time series of every measure, seeds, "
          "parameters)")
    if result["different"]:
        shown = ", ".join(result["different"][:20])
        print(f"error: {len(result['different'])} run(s) differ from the original: {shown}",
              file=sys.stderr)
        return 1
    return _finish(result["manifest"], result["out"])
