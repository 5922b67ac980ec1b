"""`run`, `params` and `scenarios`: one run, and what can be set."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

from cli.argtypes import seed_int, steps_int
from experiments.odd_tables import params_markdown
from experiments.specify.community import load_profile
from experiments.specify.params_file import load_params_file
from experiments.specify.values import parse_assignments
from experiments.studies.identified import fit_notes
from governance import GROUPS, HOUSE, PARAMS, SCENARIOS, get_scenario, scenario_params
from model.params import DEFAULTS_CALIBRATION

DEFAULT_STEPS = 156  # three years of weeks


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="one run of a scenario: timeseries.csv, final.json, "
                       "overview.png")
    p.add_argument("--scenario", default="administrative", help="preset name (see `scenarios`)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="override a parameter (repeatable), e.g. --set grid_management=true")
    p.add_argument("--params", type=Path, default=None, metavar="FILE",
                   help="TOML file with a [params] table (e.g. a calibration's "
                   "calibrated.toml); --set overrides it")
    p.add_argument("--community", type=Path, default=None, metavar="PROFILE",
                   help="community profile TOML (examples/communities/, docs/COMMUNITIES.md): "
                   "its figures set the community's parameters, over --params; the "
                   "scenario's own settings and --set win")
    p.add_argument("--steps", type=steps_int, default=DEFAULT_STEPS,
                   help=f"steps (weeks) to run (default {DEFAULT_STEPS})")
    p.add_argument("--seed", type=seed_int, default=42, help="root seed (default 42)")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default results/run-SCENARIO-seedS)")
    p.set_defaults(handler=cmd_run)
    p = sub.add_parser("params", help="list every parameter with default, range and meaning")
    p.add_argument("--markdown", action="store_true", help="print the ODD parameter table")
    p.set_defaults(handler=cmd_params)
    p = sub.add_parser("scenarios", help="list the scenario presets")
    p.set_defaults(handler=cmd_scenarios)


def cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from experiments.running.single_run import simulate, write_run

    from_file, calibration_id = load_params_file(args.params) if args.params else ({}, None)
    assigned = parse_assignments(args.set)
    profile = load_profile(args.community) if args.community else None
    from_profile: dict = {}
    used_file = from_file
    if profile is not None:
        fixed = get_scenario(args.scenario).overrides
        from_profile, kept = profile.layer(from_file, fixed, f"scenario {args.scenario!r}",
                                           assigned)
        used_file = under_scenario(from_file, fixed, profile.params(from_file))
        print(profile.summary(from_file, kept), file=sys.stderr)
    overrides = {**used_file, **from_profile, **assigned}
    params = scenario_params(args.scenario, **overrides)  # validates before anything is written
    out = args.out or Path("results") / f"run-{args.scenario}-seed{args.seed}"
    with tqdm(total=args.steps, desc=f"{args.scenario} (seed {args.seed})", unit="step",
              file=sys.stderr, disable=None) as bar:
        model = simulate(params, args.seed, args.steps, progress=bar.update)
    meta = {"scenario": args.scenario, "seed": args.seed, "steps": args.steps,
            "overrides": overrides,
            "params_file": str(args.params) if args.params else None,
            "calibration_id": calibration_id,
            "community": profile.record(from_file) if profile is not None else None,
            "defaults_calibration": DEFAULTS_CALIBRATION,
            "title": f"Scenario '{args.scenario}', seed {args.seed}, {args.steps} steps"}
    final = write_run(model, out, meta)["final"]
    rows = ["participation_rate", "share_speaking", "share_guided", "share_self_governing",
            "trust_government", "trust_neighbors", "satisfaction", "resolution_rate",
            "share_resolved_below_government", "gov_admin_cost", "cost_per_resolved_issue"]
    print(f"\nScenario {args.scenario!r}, seed {args.seed}, after {args.steps} steps:")
    if profile is not None:
        print(f"  (community {profile.name!r} from {args.community})")
    if args.params:
        print(f"  (parameters from {args.params}" + (f", calibration {calibration_id}"
                                                    if calibration_id else "") + ")")
    for name in rows:
        print(f"  {name:<34}{final[name]:>12.3f}")
    print(f"\nWrote {out}/timeseries.csv, final.json, overview.png")
    return 0


def under_scenario(from_file: dict[str, Any], fixed: dict[str, Any],
                   from_profile: dict[str, Any]) -> dict[str, Any]:
    """The --params file's values a run with a profile uses below the scenario.

    Why: in `run` the file lies over the scenario's own settings (as before profiles), but
    a parameter the profile sets follows defaults < --params < profile < scenario < --set
    (docs/COMMUNITIES.md, Precedence), as in `compare` and experiments: the scenario's
    setting is used, and the summary says so. Left in, the file's raw value of such a
    parameter would replace the scenario's (high_turnover's move_out_rate 0.25 ran at a
    file's 0.1 while the summary said 0.25)."""
    return {k: v for k, v in from_file.items() if not (k in fixed and k in from_profile)}


def _range(p) -> str:
    if p.type is bool:
        return "true/false"
    if p.choices:
        return "|".join(p.choices)
    return f"{p.low:g} .. {p.high:g}"


def cmd_params(args: argparse.Namespace) -> int:
    if args.markdown:
        print(params_markdown())
        return 0
    notes = fit_notes(DEFAULTS_CALIBRATION)
    for group in GROUPS:
        print(f"\n[{group}]")
        for p in PARAMS.values():
            if p.group != group:
                continue
            ref = f" ({p.article})" if p.article else ""
            unit = f" [{p.unit}]" if p.unit else ""
            print(f"  {p.name:<30} {p.type.__name__:<5} default {p.default!s:<8} "
                  f"range {_range(p)}{unit}{ref}")
            print(textwrap.indent(textwrap.fill(p.meaning, 88), " " * 6))
            if p.source:
                print(textwrap.indent(textwrap.fill("source: " + p.source, 88), " " * 6))
            if p.name in notes:
                print(textwrap.indent(textwrap.fill("fit: " + notes[p.name], 88), " " * 6))
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    for kind, title in (("mechanism", "Collaboration-mechanism scenarios"),
                        ("growth", "Participation-growth scenarios"),
                        ("single", "One mechanism at a time (baseline + one switch)"),
                        ("pathway", "The whole programme with one pathway closed "
                                    "(experiments/configs/pathways.toml)")):
        items = [s for s in SCENARIOS.values() if s.kind == kind]
        if not items:
            continue
        print(f"\n{title}:")
        for s in items:
            print(f"  {s.name:<26} {s.description}")
            if s.notice and kind != "pathway":
                print(" " * 29 + "watch: " + s.notice)
            diff = HOUSE.changes(s.name)
            text = ", ".join(f"{k}={v}" for k, v in diff.items()) or "nothing (the baseline)"
            print(textwrap.indent(textwrap.fill("changes: " + text, 86), " " * 29))
            print(" " * 29 + "assumes: " + ", ".join(
                f"{k}={v}" for k, v in HOUSE.assumes(s.name).items()))
    print("\nRun one: python run.py run --scenario NAME   (overrides: --set name=value)")
    return 0
