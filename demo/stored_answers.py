"""A lesson's answer without two minutes of runs: the stored `lessons` study, when it is the
very question the page asks.

The study (experiments/studies/lessons.py, `make studies ONLY=lessons`) ran each lesson's
answer spec at the page's default seed. A job is filled from it only when the stored record
is current for this model (its fingerprint, computed once per server process, and the
study's code), the job's spec is the stored one, and the posterior file it would draw from is
the one the study drew from; otherwise the answer runs live, as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from demo.seeds import SeedJob
from experiments.running.fingerprint import model_fingerprint, model_signature
from experiments.specify import lessons as questions
from experiments.studies import lessons as study
from experiments.studies import record


@cache
def _current() -> dict[str, Any] | None:
    """The stored answers if made by this model (the model cannot change under a running
    server, so this is decided once)."""
    rec = record.load(study.NAME)
    if rec is None or record.stale_reasons(study.NAME, model_fingerprint(),
                                           record.study_hash(study), model_signature()):
        return None
    return rec["result"]


def restore(job: SeedJob) -> bool:
    """Fill `job` (a lesson's answer, not started) from the stored study if it is the same
    question; True when done."""
    result = _current()
    entry = None if result is None else result["lessons"].get(str(job.lesson))
    if (entry is None or entry["spec"] != questions.comparable(job.raw)
            or entry["posterior_sha"] != questions.posterior_sha(job.raw.get("posterior"))):
        return False
    job.stored = entry
    for k in (0, 1):
        job.replicates[k] = list(entry["replicates"][k])
    job.particles.update((int(r), p) for r, p in entry["particles"].items())
    for m, block in entry["measures"].items():
        for k in (0, 1):
            job.outcomes[(k, m)] = np.asarray(block["outcomes"][k], dtype=float)
    job.done = job.total
    job.finished = True
    return True
