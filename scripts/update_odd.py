"""Regenerate the schema-driven parts of docs/ODD.md (parameters, measures, actors)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cli.run_cmd import params_markdown  # noqa: E402
from model.measures import MEASURES  # noqa: E402

ODD = ROOT / "docs" / "ODD.md"
ACTOR_SECTIONS = ("party", "buildings", "organizations", "enterprises")


def measures_markdown() -> str:
    lines = ["| column | unit | meaning |", "|---|---|---|"]
    lines += [f"| `{m.name}` | {m.unit} | {m.meaning} |" for m in MEASURES.values()]
    return "\n".join(lines)


def actors_markdown() -> str:
    parts = []
    for name in ACTOR_SECTIONS:
        path = ROOT / "docs" / "odd" / f"{name}.md"
        if path.exists():
            text = path.read_text().strip()
            # Actor sections are level-3 headings inside section 7.
            text = re.sub(r"^# ", "### ", text, flags=re.M)
            text = re.sub(r"^## ", "#### ", text, flags=re.M)
            parts.append(text)
    return "\n\n".join(parts)


def blocks() -> dict[str, str]:
    return {"PARAMS": params_markdown(), "MEASURES": measures_markdown(),
            "ACTORS": actors_markdown()}


def render(text: str) -> str:
    for key, body in blocks().items():
        text = re.sub(rf"<!-- {key}:BEGIN -->.*?<!-- {key}:END -->",
                      lambda _m, k=key, b=body: f"<!-- {k}:BEGIN -->\n{b}\n<!-- {k}:END -->",
                      text, flags=re.S)
    return text


if __name__ == "__main__":
    ODD.write_text(render(ODD.read_text()))
    print(f"updated {ODD}")
