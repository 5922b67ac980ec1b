"""`python run.py ...`: the parser, the main job, and one error policy for bad input.

Each command group lives in its own module with `register(subparsers)`; a command's
handler gets the parsed arguments and returns an exit code. Any `InputError` becomes a
one-paragraph message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from model.errors import InputError

COMMAND_MODULES = (
    "cli.run_cmd",
    "cli.demo_cmd",
    "cli.experiment_cmd",
    "cli.results_cmd",
    "cli.calibrate_cmd",
    "cli.pathways_cmd",
    "cli.optimize_cmd",
    "cli.studies_cmd",
    "cli.validate_cmd",
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors use our exit code and one-paragraph style."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="run.py",
        description="Agent-based simulation of multi-actor urban community governance. "
        "Without a command, runs the main job.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["main"])
    try:
        return int(args.handler(args) or 0)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (PermissionError, NotADirectoryError, IsADirectoryError, FileExistsError) as exc:
        # a path the checks could not foresee (e.g. changed while running): still a paragraph
        print(f"error: cannot use {exc.filename!r}: {exc.strerror}. Check the paths given "
              "(--out, the spec file) and their permissions; finished work is kept.",
              file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `run.py params | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted; finished work is kept.", file=sys.stderr)
        return 130
