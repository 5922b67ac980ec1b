"""Spec files as text and tables: every problem reading one is a paragraph naming the file.

Shared by experiment specs, search specs and calibration configs, so a missing file, a
folder, UTF-16, binary data or broken TOML reads the same way in each.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from experiments.specify.spec import SpecError
from model.errors import InputError


def read_toml(path: str | Path, example: str) -> tuple[str, dict[str, Any]]:
    """A spec file's text and parsed table; any problem is one paragraph naming the file."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"spec file {source!r} does not exist; give the path of a TOML "
                         f"file such as {example}.") from None
    except IsADirectoryError:
        raise InputError(f"spec file {source!r} is a folder; give the path of a TOML file "
                         f"such as {example}.") from None
    except OSError as exc:
        raise InputError(f"spec file {source!r} cannot be read: {exc.strerror}.") from None
    text = decode(data, source, example)
    return text, parse(text, source)


def decode(data: bytes, source: str,
           example: str = "experiments/configs/mechanisms_vs_baseline.toml") -> str:
    """Spec bytes as text: UTF-8 (a BOM is allowed), anything else a clear error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"spec file {source!r} is UTF-16 encoded; TOML specs must be UTF-8. "
                         "Save it again as UTF-8 (in most editors: 'Save with encoding').")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark: harmless, and TOML parsers reject it
    if b"\x00" in data:
        raise InputError(f"spec file {source!r} holds NUL bytes, so it is not a text file; "
                         f"give a TOML text file (UTF-8) such as {example}.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"spec file {source!r}, line {line}: byte {data[exc.start]:#04x} at "
                         f"offset {exc.start} is not UTF-8; TOML specs must be UTF-8 text. Save "
                         "the file again as UTF-8.") from None


def parse(text: str, source: str) -> dict[str, Any]:
    """TOML text as a table; a syntax error names the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise SpecError(source, "(syntax)", f"cannot be read as TOML: {exc}. Check quoting, "
                        "brackets and '=' on that line.",
                        int(m.group(1)) if m else None) from None
