"""A [params] file (a calibration's calibrated.toml, or one written by hand): parameter
values a run or an experiment starts from, checked against the schema."""

from __future__ import annotations

import hashlib
import math
import tomllib
from pathlib import Path
from typing import Any

from experiments.specify import stale
from governance import validate
from model.errors import InputError


def load_params_file(path: str | Path, option: str = "--params"
                     ) -> tuple[dict[str, Any], str | None]:
    """The [params] table of a TOML file, checked, and its calibration_id (if any)."""
    path = Path(path)
    raw = read_toml_file(path, option, "a TOML file with a [params] table, such as a "
                         "calibration's calibrated.toml", "a [params] table of name = value "
                         "lines")
    table = raw.get("params")
    if not isinstance(table, dict) or not table:
        raise InputError(f"option '{option}': {str(path)!r} has no [params] table; it must "
                         "hold one, with name = value lines (see `python run.py params`).")
    bad = [k for k, v in table.items() if isinstance(v, float) and not math.isfinite(v)]
    if bad:
        raise InputError(f"option '{option}': in {str(path)!r}, parameter {bad[0]!r} is "
                         f"{table[bad[0]]!r}, but every value must be a finite number.")
    old = stale.note(path, "calibrated parameter file") if stale.is_calibration(path) else None
    try:
        validate(table)
    except InputError as exc:
        tail = f" Likely cause: {old.removeprefix('note: ')}" if old else ""
        raise InputError(f"option '{option}': in {str(path)!r}, {exc}{tail}") from None
    cid = raw.get("calibration_id")
    if old:
        stale.warn(path, "calibrated parameter file")
    return dict(table), (str(cid) if cid is not None else None)


def read_toml_file(path: Path, option: str, give: str, holds: str) -> dict[str, Any]:
    """A TOML file named by a command-line option; a missing or unreadable file is one
    paragraph naming the option: `give` says what to give, `holds` what it must hold."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"option '{option}' names {str(path)!r}, which does not exist; give "
                         f"{give}.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"option '{option}': {str(path)!r} cannot be read as TOML ({exc}); it "
                         f"must hold {holds}.") from None


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
