"""Regenerate the schema-driven parts of docs/ODD.md: parameters, measures and pathways.

The tables are made in experiments/odd_tables.py; tests/test_docs.py fails when docs/ODD.md
drifts from them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.odd_tables import (  # noqa: E402
    UNSOURCED_GROUPS,
    measures_markdown,
    params_markdown,
    pathways_markdown,
)

ODD = ROOT / "docs" / "ODD.md"
__all__ = ["UNSOURCED_GROUPS", "blocks", "render"]


def blocks() -> dict[str, str]:
    return {"PARAMS": params_markdown(), "MEASURES": measures_markdown(),
            "PATHWAYS": pathways_markdown()}


def render(text: str) -> str:
    for key, body in blocks().items():
        pattern = rf"<!-- {key}:BEGIN -->.*?<!-- {key}:END -->"
        if not re.search(pattern, text, flags=re.S):
            raise ValueError(f"docs/ODD.md has no {key} block (<!-- {key}:BEGIN --> ... END)")
        text = re.sub(pattern,
                      lambda _m, k=key, b=body: f"<!-- {k}:BEGIN -->\n{b}\n<!-- {k}:END -->",
                      text, flags=re.S)
    return text


if __name__ == "__main__":
    ODD.write_text(render(ODD.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {ODD}")
