"""Generated blocks in the docs: `<!-- KEY:BEGIN -->` ... `<!-- KEY:END -->`.

Numbers about results are never typed into a document: a study renders its block from its
stored result, and `make test` compares every block with what the stored result renders.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pattern(key: str) -> str:
    return rf"<!-- {key}:BEGIN -->\n?(.*?)\n?<!-- {key}:END -->"


def read(doc: str, key: str) -> str | None:
    """The block's body in `doc` (a path relative to the project root), None if absent."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    match = re.search(_pattern(key), text, flags=re.S)
    return None if match is None else match.group(1)


def write(doc: str, key: str, body: str) -> None:
    """Replace the block's body; the markers must already be in the document."""
    path = ROOT / doc
    text = path.read_text(encoding="utf-8")
    if not re.search(_pattern(key), text, flags=re.S):
        raise ValueError(f"{doc} has no <!-- {key}:BEGIN --> ... <!-- {key}:END --> block")
    new = re.sub(_pattern(key), lambda _m: f"<!-- {key}:BEGIN -->\n{body}\n<!-- {key}:END -->",
                 text, count=1, flags=re.S)
    path.write_text(new, encoding="utf-8")
