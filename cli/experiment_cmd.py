"""`main`, `experiment`, `compare`: many runs, their tables and report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.argtypes import executor_options, positive_int, replicates_int, seed_int, steps_int


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("main", help="the main job (also `python run.py` alone): every "
                       "mechanism scenario against the administrative baseline")
    p.add_argument("--replicates", type=replicates_int, default=None,
                   help="replicates per scenario (default: as many as 30 distinct posterior "
                   "particles need; 30 without a usable posterior)")
    p.add_argument("--steps", type=steps_int, default=None,
                   help="steps (weeks) per run (default 416: effects at years 1, 3 and 8; the "
                   "comparison's outcome is the mean of the last 52 weeks)")
    p.add_argument("--seed", type=seed_int, default=20240601, help="root seed")
    p.add_argument("--out", type=Path, default=None, help="output folder (default results/main)")
    executor_options(p)
    no_figures(p)
    p.set_defaults(handler=cmd_main)

    p = sub.add_parser("experiment", help="run (or continue) the experiment a TOML spec "
                       "describes; see experiments/configs/")
    p.add_argument("config", type=Path, help="spec file, e.g. experiments/configs/"
                   "mechanisms_vs_baseline.toml")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: the spec's "
                   "`out`, else results/NAME)")
    p.add_argument("--params", type=Path, default=None, metavar="FILE",
                   help="TOML file with a [params] table (e.g. a calibration's "
                   "calibrated.toml): every run starts from these values; a scenario, the "
                   "spec's [overrides] or its design win (replaces the spec's `params`)")
    community_option(p, "replaces the spec's `community`")
    executor_options(p)
    no_figures(p)
    array = p.add_argument_group("job array (no scheduler on the login node)")
    array.add_argument("--submit", choices=("slurm", "pbs"), default=None,
                       help="submit the missing runs as one job array (sbatch / qsub -J) "
                       "and return; each task runs a slice into the output folder")
    array.add_argument("--array-tasks", type=positive_int, default=None, metavar="N",
                       help="with --submit: array tasks (default: one per 10 runs, at most "
                       "1000)")
    array.add_argument("--batch-option", action="append", default=[], metavar="OPT",
                       help="with --submit: an option passed to sbatch/qsub, e.g. "
                       "--batch-option=--account=NAME (repeatable)")
    array.add_argument("--collect", action="store_true",
                       help="build tables and report from what the array's tasks stored "
                       "(any time; says what is missing)")
    p.set_defaults(handler=cmd_experiment)

    p = sub.add_parser("compare", help="compare scenarios, paired by replicate")
    p.add_argument("--scenarios", required=True, help="comma-separated scenario names")
    p.add_argument("--reference", default=None, help="reference scenario (default: the first)")
    p.add_argument("--replicates", type=replicates_int, default=5, help="default 5")
    p.add_argument("--steps", type=steps_int, default=104, help="default 104")
    p.add_argument("--seed", type=seed_int, default=20240601, help="root seed")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="override a parameter in every scenario (repeatable)")
    p.add_argument("--params", type=Path, default=None, metavar="FILE",
                   help="TOML file with a [params] table (e.g. a calibration's "
                   "calibrated.toml): every run starts from these values; a scenario's own "
                   "settings and --set win")
    community_option(p, "every run describes this community")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default results/compare-A-B-...)")
    executor_options(p)
    no_figures(p)
    p.set_defaults(handler=cmd_compare)


def community_option(p: argparse.ArgumentParser, note: str) -> None:
    p.add_argument("--community", type=Path, default=None, metavar="PROFILE",
                   help="community profile TOML (examples/communities/, docs/COMMUNITIES.md): "
                   "its figures set the community's parameters, over --params; a scenario's "
                   f"own settings and --set win ({note})")


def no_figures(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-figures", dest="figures", action="store_false",
                   help="write tables and report.md but draw no figures (faster; "
                   "`run.py report FOLDER` draws them later)")


def command_line() -> str:
    return "run.py " + " ".join(sys.argv[1:])


def _run(spec, args: argparse.Namespace, out: Path | None, fresh: bool,
         show_comparison: bool) -> int:
    from experiments.experiment import run_experiment

    root = out if out is not None else spec.output_dir()
    manifest = run_experiment(spec, root, executor=args.executor, workers=args.workers,
                              scheduler=args.scheduler, fresh=fresh, command=command_line(),
                              figures=getattr(args, "figures", True))
    return _show(spec, manifest, Path(root), show_comparison)


def _show(spec, manifest: dict[str, Any], root: Path, show_comparison: bool) -> int:
    import pandas as pd

    from experiments.analyse.markdown import comparison_text
    from experiments.analyse.robust import robust_text
    from experiments.specify.outcome import window_text

    comp_path = root / "comparison.csv"
    if show_comparison and comp_path.exists():
        comp = pd.read_csv(comp_path)
        print(f"\n{spec.name}: each scenario against '{spec.reference}' (paired by replicate; "
              "diff with 95% CI, Holm-adjusted p over all rows, Cohen's d_z, Vargha-Delaney "
              f"A). Outcome: {window_text(spec, manifest.get('warmup_used', 0))}.\n")
        print(comparison_text(comp))
        if (root / "horizons.csv").exists():
            print(robust_text(pd.read_csv(root / "horizons.csv")))
    print(f"\nresults: {root}/ (report.md, summary.csv, comparison.csv, figures/)")
    return finish(manifest, root)


def finish(manifest: dict[str, Any], root: Path) -> int:
    """Exit 1 naming failed (or, after a job array, missing) runs; else 0."""
    failed = manifest.get("failed") or []
    if failed:
        shown = ", ".join(failed[:20]) + (" ..." if len(failed) > 20 else "")
        print(f"error: {len(failed)} run(s) failed: {shown}. Each error and traceback is in "
              f"{root}/runs/ID.json; run the same command again to retry them.",
              file=sys.stderr)
        return 1
    missing = manifest.get("missing") or 0
    if missing:
        print(f"error: {missing} run(s) are not on disk yet: array tasks still running, or "
              "lost. The report covers the finished ones; `--collect` again later, or "
              "`--submit` again to submit only the missing runs.", file=sys.stderr)
        return 1
    return 0


def _show_profile(spec) -> None:
    """The community profile's mapping, on the terminal before the runs start, with what
    replaces which of its values (docs/COMMUNITIES.md, Precedence): the overrides, a
    scenario's own settings (in the scenarios that set them), the design."""
    from governance import get_scenario

    if spec.profile is None:
        return
    _, kept = spec.profile.layer(spec.param_values, {}, "", spec.run_overrides(),
                                 "the overrides (--set, [overrides], [phases])")
    varied = set(spec.design.factors) | set(spec.design.ranges)
    for name, value in spec.profile.params(spec.param_values).items():
        setters = [s for s in spec.scenarios if name in get_scenario(s).overrides]
        if name in kept or not (setters or name in varied):
            continue
        if name in varied:
            kept[name] = f"the design varies it (the profile's {value:.4g} is not used)"
            continue
        there = "" if len(setters) == len(spec.scenarios) else " there"
        kept[name] = "; ".join(f"scenario {s!r} sets {get_scenario(s).overrides[name]!r}"
                               for s in setters) \
            + f" (the profile's {value:.4g} is not used{there})"
    print(spec.profile.summary(spec.param_values, kept), file=sys.stderr)


def cmd_main(args: argparse.Namespace) -> int:
    from experiments.running.provenance import code_version
    from experiments.running.store import Store, check_folder
    from experiments.specify import main_job
    from experiments.specify.posterior import load_posterior

    kw = {k: v for k, v in (("replicates", args.replicates), ("steps", args.steps)) if v}
    out = args.out or Path(main_job.OUT)
    main_job.share_burn_in()
    spec = main_job.main_spec(seed=args.seed, out=str(out), **kw)
    old = Store(check_folder(out)).manifest() if out.is_dir() else None
    fresh = args.fresh
    sha = load_posterior(spec.posterior).sha256 if spec.posterior else ""
    if old is not None and (old.get("runs_key") != spec.runs_key(sha)
                            or old.get("code_version") != code_version()):
        print(f"note: {out} holds results of another model version or set-up; starting over.",
              file=sys.stderr)
        fresh = True
    return _run(spec, args, out, fresh, show_comparison=True)


def cmd_experiment(args: argparse.Namespace) -> int:
    from experiments.specify.check import load
    from model.errors import InputError

    spec = load(args.config, params=args.params, community=args.community)
    _show_profile(spec)
    if args.submit and args.collect:
        raise InputError("options '--submit' and '--collect' go in two steps: submit, and "
                         "once the array has finished, collect.")
    if (args.array_tasks or args.batch_option) and not args.submit:
        raise InputError("options '--array-tasks' and '--batch-option' only apply with "
                         "'--submit slurm' or '--submit pbs'.")
    if (args.submit or args.collect) and (args.executor != "processes" or args.workers
                                          or args.scheduler):
        raise InputError("options '--executor', '--workers' and '--scheduler' do not apply "
                         "to a job array: its tasks run one run at a time each; set the "
                         "array's size with '--array-tasks'.")
    show = spec.design.type == "scenarios" and len(spec.scenarios) > 1
    if args.submit:
        from experiments.running.array import submit

        submit(spec, args.out, args.submit, args.array_tasks, tuple(args.batch_option),
               fresh=args.fresh, command=command_line())
        return 0
    if args.collect:
        from experiments.experiment import collect

        root = args.out if args.out is not None else spec.output_dir()
        return _show(spec, collect(spec, root, command=command_line(), figures=args.figures),
                     Path(root), show)
    return _run(spec, args, args.out, args.fresh, show_comparison=show)


def cmd_compare(args: argparse.Namespace) -> int:
    from experiments.specify import main_job
    from experiments.specify.check import from_dict
    from experiments.specify.values import parse_assignments

    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    overrides = parse_assignments(args.set)
    raw = {"name": "compare-" + "-".join(names)[:60], "scenarios": names,
           "reference": args.reference or (names[0] if names else ""),
           "replicates": args.replicates, "steps": args.steps, "seed": args.seed,
           "overrides": overrides, "outcome": "mean",
           "warmup": max(0, args.steps - main_job.WINDOW)}  # the main job's window
    for key in ("params", "community"):
        if getattr(args, key) is not None:
            raw[key] = str(getattr(args, key))
    spec = from_dict(raw, source="command line (--scenarios/--reference/--set/--params/"
                     "--community)")
    _show_profile(spec)
    return _run(spec, args, args.out, args.fresh, show_comparison=True)
