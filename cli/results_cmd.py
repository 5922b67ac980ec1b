"""`report`, `rerun` and `array-task`: what is done with an experiment folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.argtypes import executor_options, nonneg_int
from cli.experiment_cmd import command_line, finish, no_figures


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="rebuild tables, figures and report.md of an "
                       "experiment folder without running anything")
    p.add_argument("folder", type=Path)
    no_figures(p)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("rerun", help="reproduce an experiment from its manifest.json into a "
                       "new folder, and check that every run is bit-identical")
    p.add_argument("manifest", type=Path, help="manifest.json of an experiment folder (or "
                   "the folder)")
    p.add_argument("--out", type=Path, default=None,
                   help="new output folder (default: FOLDER-rerun next to the original)")
    p.add_argument("--apply-diff", action="store_true",
                   help="rerun with the original code: the recorded git commit plus the "
                   "recorded patch of uncommitted changes (source.diff), rebuilt in a scratch "
                   "folder")
    executor_options(p, fresh=False)
    no_figures(p)
    p.set_defaults(handler=cmd_rerun)

    p = sub.add_parser("array-task", help="one task of a job array (started by the script "
                       "that `experiment --submit` writes; not for direct use)")
    p.add_argument("folder", type=Path, help="the experiment folder")
    p.add_argument("submission", help="the submission's name (array/NAME.json)")
    p.add_argument("index", type=nonneg_int, help="this task's index in the array")
    p.set_defaults(handler=cmd_array_task)


def cmd_report(args: argparse.Namespace) -> int:
    from experiments.analyse.report import build
    from experiments.running.store import Store
    from model.errors import InputError

    if not args.folder.is_dir():
        raise InputError(f"report folder {str(args.folder)!r} does not exist; give a folder "
                         "written by `run.py experiment`, `compare` or the main job.")
    with Store(args.folder).lock("run.py report " + str(args.folder)):
        manifest = build(args.folder, args.figures)
    print(f"rebuilt {args.folder}/report.md ({manifest['status']}, "
          f"{sum(r['status'] == 'ok' for r in manifest['runs'])} finished runs)")
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    from experiments.rerun import rerun, rerun_original_code

    if args.apply_diff:
        options = ["--executor", args.executor]
        if args.workers:
            options += ["--workers", str(args.workers)]
        if args.scheduler:
            options += ["--scheduler", args.scheduler]
        if not args.figures:
            options.append("--no-figures")
        return rerun_original_code(args.manifest, args.out, options)
    result = rerun(args.manifest, args.out, executor=args.executor, workers=args.workers,
                   scheduler=args.scheduler, command=command_line(), figures=args.figures)
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
    return finish(result["manifest"], result["out"])


def cmd_array_task(args: argparse.Namespace) -> int:
    from experiments.running.array import run_task

    return run_task(args.folder, args.submission, args.index)
