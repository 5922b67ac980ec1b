"""Make a calibration's point the model's defaults (issue 19, item 5).

    python scripts/apply_calibration.py experiments/calibrations/baseline/calibrated.toml

For every parameter in the file's [params] table, the schema field that declares it (in
whichever actor's home) gets the calibrated value as its default, and its source becomes
`calibrated(<the old source>)`: the calibration's id, with the rationale that set the prior
kept beside it. model/schema.py's CALIBRATION names the calibration. The edit is made on the
syntax tree's positions (ast), so a field whose call spans many lines, or whose source is a
concatenation, is rewritten exactly; nothing else in the file moves.

After it: the model's fingerprint changes (new defaults), so `make studies` and the docs'
generated tables must be refreshed; the shipped posterior stays current (it records the
rules it was fitted to, not the defaults: experiments/specify/stale.py).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("model", "agents")
SCHEMA = ROOT / "model" / "schema.py"


def _literal(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SystemExit(f"error: calibrated value {value!r} is not a number")
    return repr(value) if isinstance(value, int) else f"{value:.6g}"


def _offset(lines: list[str], line: int, col: int) -> int:
    """Character offset of ast's (line, column); ast counts columns in UTF-8 bytes."""
    return sum(len(x) for x in lines[:line - 1]) + len(
        lines[line - 1].encode("utf-8")[:col].decode("utf-8"))


def _edits(source: str, values: dict[str, object]) -> tuple[list[tuple[int, int, str]], set]:
    """(start, end, text) replacements in `source`, and the names found."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    out, found = [], set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and node.target.id in values and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", "") == "param" and node.value.args):
            continue
        name = node.target.id
        found.add(name)
        default = node.value.args[0]
        out.append((_offset(lines, default.lineno, default.col_offset),
                    _offset(lines, default.end_lineno, default.end_col_offset),
                    _literal(values[name])))
        for kw in node.value.keywords:
            if kw.arg == "source":
                old = ast.get_source_segment(source, kw.value) or '""'
                if old.startswith("calibrated("):  # applied before: keep the first rationale
                    old = old[len("calibrated("):-1]
                col = len(lines[kw.value.lineno - 1].encode("utf-8")[:kw.value.col_offset]
                          .decode("utf-8"))
                text = f"calibrated({old})"
                if col + len(text.split("\n", 1)[0]) + 1 > 100:  # the house's line length
                    # the rationale on its own lines, each piece of a concatenation re-indented
                    pad = " " * (col - len("source=") + 4)
                    text = "calibrated(\n" + "\n".join(
                        pad + piece.strip() for piece in old.split("\n")) + ")"
                out.append((_offset(lines, kw.value.lineno, kw.value.col_offset),
                            _offset(lines, kw.value.end_lineno, kw.value.end_col_offset), text))
    return out, found


def apply(path: Path) -> list[str]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    values, cid = raw["params"], str(raw["calibration_id"])
    done: set[str] = set()
    changed = []
    for folder in FOLDERS:
        for file in sorted((ROOT / folder).rglob("*.py")):
            text = file.read_text(encoding="utf-8")
            edits, found = _edits(text, values)
            if not edits:
                continue
            for start, end, new in sorted(edits, reverse=True):
                text = text[:start] + new + text[end:]
            if "calibrated(" in text and not re.search(r"import .*\bcalibrated\b", text):
                text = re.sub(r"from model\.schema import ([^\n]+)",
                              r"from model.schema import calibrated, \1", text, count=1)
            file.write_text(text, encoding="utf-8")
            done |= found
            changed.append(str(file.relative_to(ROOT)))
    missing = sorted(set(values) - done)
    if missing:
        raise SystemExit(f"error: no schema field declares {', '.join(missing)}")
    schema = SCHEMA.read_text(encoding="utf-8")
    SCHEMA.write_text(re.sub(r'^CALIBRATION = "[^"]*"', f'CALIBRATION = "{cid}"', schema,
                             count=1, flags=re.M), encoding="utf-8")
    # the import lines in the house's order (ruff's isort), when ruff is there
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", "--select", "I",
                    *changed], cwd=ROOT, check=False)
    return changed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python scripts/apply_calibration.py CALIBRATED.toml")
    for f in apply(Path(sys.argv[1])):
        print(f"rewrote {f}")
