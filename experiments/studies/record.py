"""Stored study results: one JSON file per study, committed, tagged with what it is valid for.

A stored result is current when the model's fingerprint and the study's own code (its
module and the shared study machinery) are those it was made with. `make test` refuses
stale results, so the numbers the docs quote always come from the model as it is.
"""

from __future__ import annotations

import ast
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from experiments.running.fingerprint import compatible
from experiments.running.store import write_json_atomic

RESULTS = Path(__file__).resolve().parent / "results"
# Shared machinery whose change changes what every study computes.
_SHARED = ("effects.py", "runs.py")


def path_of(name: str) -> Path:
    return RESULTS / f"{name}.json"


def study_hash(module: ModuleType) -> str:
    """Hash of the study's own code, of the shared code every study uses, and of any other
    study's module it imports (the point study uses the settle study's drift verdict).

    The code, not the text: imports, docstrings and the functions that only present a
    result (`render*`, `figures`) are left out, so moving a module (a refactor) or rewording a doc
    block leaves a stored result valid while any change to what is computed does not.
    """
    here = Path(__file__).resolve().parent
    own = Path(module.__file__ or "")
    h = hashlib.sha256()
    for path in [own, *(here / n for n in _SHARED), *_other_studies(own, here)]:
        h.update(path.name.encode())
        h.update(_code_of(path.read_text(encoding="utf-8")).encode())
    return h.hexdigest()[:12]


def _other_studies(path: Path, here: Path) -> list[Path]:
    """Study modules (beyond the shared machinery) whose code this study's result uses:
    those imported at the top (a figure's module imported inside `figures` is presentation)."""
    names = {node.module.rsplit(".", 1)[1] + ".py"
             for node in ast.parse(path.read_text(encoding="utf-8")).body
             if isinstance(node, ast.ImportFrom) and node.module
             and node.module.startswith("experiments.studies.")}
    return [here / n for n in sorted(names - set(_SHARED) - {path.name})]


def _code_of(source: str) -> str:
    """The module's syntax tree without imports, docstrings and presentation, as text."""
    tree = ast.parse(source)

    def strip(body: list[ast.stmt]) -> list[ast.stmt]:
        out = []
        for i, node in enumerate(body):
            if isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if (isinstance(node, ast.FunctionDef)
                    and node.name.lstrip("_").startswith(("render", "figures"))):
                continue  # presentation: `run.py studies --docs` re-renders from the result
            if (i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                continue  # a docstring
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    setattr(node, field, strip(inner))
            out.append(node)
        return out

    tree.body = strip(tree.body)
    return ast.dump(tree, annotate_fields=False)


def save(name: str, result: dict[str, Any], *, fingerprint: str, code: str, runs: int,
         seconds: float, workers: int, signature: dict[str, Any] | None = None) -> Path:
    """Write a study's result with what it is valid for and what it cost."""
    record = {"study": name, "fingerprint": fingerprint, "signature": signature,
              "study_code": code,
              "created": datetime.now(UTC).isoformat(timespec="seconds"), "runs": runs,
              "seconds": round(seconds, 1), "workers": workers, "result": result}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = path_of(name)
    write_json_atomic(path, record)
    return path


def load(name: str) -> dict[str, Any] | None:
    path = path_of(name)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def stale_reasons(name: str, fingerprint: str, code: str,
                  signature: dict[str, Any] | None = None) -> list[str]:
    """Why the stored result of `name` does not describe the current model (empty: current).

    Another fingerprint is forgiven only when the current model's signature extends the
    stored one (it only gained measures: the behaviour the study saw is the same).
    """
    record = load(name)
    if record is None:
        return [f"no stored result ({path_of(name).name} is missing)"]
    out = []
    if record.get("fingerprint") != fingerprint:
        why = (["no signature given"] if signature is None
               else compatible(record.get("signature"), signature))
        if why:
            out.append(f"made with another model (fingerprint {record.get('fingerprint')}, "
                       f"now {fingerprint}: {'; '.join(why)})")
    if record.get("study_code") != code:
        out.append(f"made with other study code ({record.get('study_code')}, now {code})")
    return out
