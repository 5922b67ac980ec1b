"""Run studies, store their results, write their doc blocks, and say what is stale.

`run.py studies [NAME ...] [--workers N]` (or `make studies [ONLY=NAME]`) runs here.
Progress is the shared runner's (runs done, left, time left); each study's result is stored
the moment it is summarised, so an interrupted `make studies` keeps every finished study
and resumes the unfinished one's runs.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from types import ModuleType
from typing import Any, TextIO

from experiments.running.fingerprint import model_fingerprint, model_signature
from experiments.studies import docblocks, record
from experiments.studies.registry import STUDIES
from experiments.studies.runs import WORK, execute
from model import settled
from model.errors import InputError

BURN_IN_CACHE = WORK / ".burn_in"


def check_names(names: Iterable[str]) -> list[str]:
    names = list(names) or list(STUDIES)
    unknown = [n for n in names if n not in STUDIES]
    if unknown:
        raise InputError(f"study {unknown[0]!r} does not exist; it must be one of "
                         f"{', '.join(STUDIES)} (or none, for all of them).")
    return names


def run(names: Iterable[str] = (), workers: int = 2, stream: TextIO | None = None) -> int:
    """Run the named studies (all by default); return the number whose guards failed."""
    out = sys.stderr if stream is None else stream
    names = check_names(names)
    # Runs that share a seed and the parameters acting in the burn-in share its end state:
    # kept on disk so every worker process can reuse it (model/settled.py).
    os.environ.setdefault(settled.ENV, str(BURN_IN_CACHE))
    fingerprint = model_fingerprint()
    failed = 0
    for name in names:
        mod = STUDIES[name]
        print(f"study {name}: {mod.QUESTION}", file=out, flush=True)
        t0 = time.perf_counter()
        runs = {raw["name"]: execute(name, raw, mod.READS, workers, out)
                for raw in mod.specs()}
        result = mod.summarise(runs)
        path = record.save(name, result, fingerprint=fingerprint, signature=model_signature(),
                           code=record.study_hash(mod), runs=sum(map(len, runs.values())),
                           seconds=time.perf_counter() - t0, workers=workers)
        for (doc, key), body in mod.render(result).items():
            docblocks.write(doc, key, body)
        _draw(mod, result)
        problems = mod.check(result)
        failed += bool(problems)
        print(f"study {name}: stored {path.relative_to(docblocks.ROOT)}; "
              + ("guards hold" if not problems else "GUARDS FAIL: " + "; ".join(problems)),
              file=out, flush=True)
    return failed


def render_docs(names: Iterable[str] = ()) -> list[str]:
    """Rewrite the named studies' doc blocks from their stored results (no runs).

    A stored result that is missing is refused by name: a block is never written from
    nothing. A stale one is still rendered (the docs then match the stored file, and
    `make test` goes on naming it stale until `make studies` runs it).
    """
    names = check_names(names)
    missing = [n for n in names if record.load(n) is None]
    if missing:
        raise InputError(f"study {missing[0]!r} has no stored result "
                         f"({record.path_of(missing[0]).name}); run `make studies "
                         f"ONLY={missing[0]}` first.")
    lines = []
    for name in names:
        blocks = STUDIES[name].render(record.load(name)["result"])
        for (doc, key), body in blocks.items():
            docblocks.write(doc, key, body)
        _draw(STUDIES[name], record.load(name)["result"])
        lines.append(f"study {name}: wrote {len(blocks)} block(s): "
                     + ", ".join(f"{doc} {key}" for doc, key in blocks))
    return lines


def _draw(mod: ModuleType, result: dict[str, Any]) -> None:
    """A study's figures for the docs (optional `figures(result, docs_dir)`)."""
    figures = getattr(mod, "figures", None)
    if figures is not None:
        figures(result, docblocks.ROOT / "docs")


def status() -> list[dict[str, Any]]:
    """Every study: its question, whether its stored result is current, and what it cost."""
    fingerprint = model_fingerprint()
    rows = []
    for name, mod in STUDIES.items():
        rec = record.load(name) or {}
        reasons = record.stale_reasons(name, fingerprint, record.study_hash(mod),
                                       model_signature())
        rows.append({"study": name, "question": mod.QUESTION, "current": not reasons,
                     "why_stale": reasons, "runs": rec.get("runs"),
                     "seconds": rec.get("seconds"), "created": rec.get("created")})
    return rows
