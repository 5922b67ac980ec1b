"""The field tables of docs/EXPERIMENTS.md, generated from the spec checkers' own tables.

`python -m experiments.spec_doc` rewrites them; a test fails when the doc is out of date.
"""

from __future__ import annotations

import re
from pathlib import Path

from experiments.search import spec as search_spec
from experiments.specify import fields

DOC = Path(__file__).resolve().parent.parent / "docs" / "EXPERIMENTS.md"


def table(rows: dict[str, str]) -> str:
    lines = ["| field | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {v.replace('|', '/')} |" for k, v in rows.items()]
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    return {"TOP": table(fields.TOP), "DESIGN": table(fields.DESIGN),
            "PRECISION": table(fields.PRECISION), "ANALYSIS": table(fields.ANALYSIS),
            "SEARCH_TOP": table(search_spec.TOP), "SEARCH": table(search_spec.SEARCH),
            "OBJECTIVES": table(search_spec.OBJECTIVES)}


def render(text: str) -> str:
    for key, body in blocks().items():
        text = re.sub(rf"<!-- {key}:BEGIN -->.*?<!-- {key}:END -->",
                      lambda _m, k=key, b=body: f"<!-- {k}:BEGIN -->\n{b}\n<!-- {k}:END -->",
                      text, flags=re.S)
    return text


if __name__ == "__main__":
    DOC.write_text(render(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {DOC}")
