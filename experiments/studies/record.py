"""Stored study results: one JSON file per study, committed, tagged with what it is valid for.

A stored result is current when the model's fingerprint and the study's own code (its
module and the shared study machinery) are those it was made with. `make test` refuses
stale results, so the numbers the docs quote always come from the model as it is.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from experiments.store import write_json_atomic

RESULTS = Path(__file__).resolve().parent / "results"
# Shared machinery whose change changes what every study computes.
_SHARED = ("effects.py", "runs.py")


def path_of(name: str) -> Path:
    return RESULTS / f"{name}.json"


def study_hash(module: ModuleType) -> str:
    """Hash of the study's own module and of the shared code every study uses."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in [Path(module.__file__ or ""), *(here / n for n in _SHARED)]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def save(name: str, result: dict[str, Any], *, fingerprint: str, code: str, runs: int,
         seconds: float, workers: int) -> Path:
    """Write a study's result with what it is valid for and what it cost."""
    record = {"study": name, "fingerprint": fingerprint, "study_code": code,
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


def stale_reasons(name: str, fingerprint: str, code: str) -> list[str]:
    """Why the stored result of `name` does not describe the current model (empty: current)."""
    record = load(name)
    if record is None:
        return [f"no stored result ({path_of(name).name} is missing)"]
    out = []
    if record.get("fingerprint") != fingerprint:
        out.append(f"made with another model (fingerprint {record.get('fingerprint')}, "
                   f"now {fingerprint})")
    if record.get("study_code") != code:
        out.append(f"made with other study code ({record.get('study_code')}, now {code})")
    return out
