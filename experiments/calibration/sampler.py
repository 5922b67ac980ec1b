"""A pyabc sampler on any `concurrent.futures` executor, reproducible from one root seed.

pyabc's own parallel samplers reseed every worker from the operating system, so two runs
of the same calibration differ. Here proposal k of generation t is drawn and simulated with
seeds spawned from the root seed by `SeedSequence(root, spawn_key=(0, t + 1, k))`, and the
generation keeps the first n accepted proposals *in index order* (not in order of
finishing). Which proposals are accepted is then a function of the root seed alone, on any
executor and any number of workers; it is also the unbiased rule (fast simulations do not
crowd out slow ones), as in pyabc's MulticoreEvalParallelSampler.

Inside a task pyabc draws proposals from numpy's global generator (its transitions and
scipy priors use it); the task seeds it first, under a process-wide lock, so threads of one
Dask worker take turns and cannot draw from each other's stream (the model is pure Python
under the GIL: threads would not have run it faster anyway).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

ABC_STREAM, PREDICTIVE_STREAM, VALIDATION_STREAM, DESIGN_STREAM = 0, 1, 2, 3
_SEED: list[int] = [0]           # the model seed of the task running in this process
_CACHE: dict[str, Callable] = {}  # unpickled simulate_one functions, by digest
_LOCK = threading.Lock()  # one proposal at a time per process: the global generator is shared


def seeds(root: int, stream: int, t: int, index: int) -> tuple[np.ndarray, int]:
    """(state for numpy's global generator, model seed) of one proposal."""
    ss = np.random.SeedSequence(root, spawn_key=(stream, t + 1, index))
    proposal, model = ss.spawn(2)
    return proposal.generate_state(4), int(model.generate_state(1, np.uint64)[0] >> 1)


def current_seed() -> int:
    return _SEED[0]


def _evaluate(digest: str, payload: bytes, root: int, t: int, first: int, count: int
              ) -> list[Any]:
    """Run proposals first .. first + count - 1 of generation t (in a worker)."""
    out = []
    with _LOCK:
        fn = _CACHE.get(digest)
        if fn is None:
            _CACHE.clear()
            fn = _CACHE[digest] = cloudpickle.loads(payload)
        for k in range(first, first + count):
            state, _SEED[0] = seeds(root, ABC_STREAM, t, k)
            np.random.seed(state)  # noqa: NPY002 (pyabc draws from the global generator)
            out.append(fn())
    return out


class OrderedSampler(Sampler):
    """Keeps the first n accepted proposals by index; stops early at a deadline."""

    def __init__(self, executor: Executor, root_seed: int, slots: int, batch: int = 1,
                 deadline: float | None = None,
                 progress: Callable[[dict[str, Any]], None] | None = None) -> None:
        super().__init__()
        self.executor, self.root, self.slots, self.batch = executor, root_seed, slots, batch
        self.deadline, self.progress = deadline, progress
        self.timed_out = False

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):
        payload = cloudpickle.dumps(simulate_one)
        digest = hashlib.sha256(payload).hexdigest()
        results: dict[int, Any] = {}
        pending: dict[Future, int] = {}
        next_index, prefix, prefix_accepted, accepted = 0, 0, 0, 0
        limit = max_eval if np.isfinite(max_eval) else None
        try:
            while True:
                while (len(pending) < 2 * self.slots and prefix_accepted < n
                       and (limit is None or next_index < limit)):
                    count = self.batch if limit is None else int(
                        min(self.batch, limit - next_index))
                    fut = self.executor.submit(_evaluate, digest, payload, self.root, t,
                                               next_index, count)
                    pending[fut] = next_index
                    next_index += count
                if prefix_accepted >= n or not pending:
                    break
                if self.deadline is not None and time.monotonic() > self.deadline:
                    self.timed_out = True
                    break
                timeout = None if self.deadline is None else max(
                    0.0, self.deadline - time.monotonic())
                done, _ = wait(list(pending), timeout=timeout, return_when=FIRST_COMPLETED)
                for fut in done:
                    first = pending.pop(fut)
                    for j, particle in enumerate(fut.result()):
                        results[first + j] = particle
                        accepted += bool(particle.accepted)
                while prefix in results and prefix_accepted < n:
                    prefix_accepted += bool(results[prefix].accepted)
                    prefix += 1
                if self.progress is not None:
                    self.progress({"t": t, "accepted": min(accepted, n), "n": n,
                                   "evaluated": len(results)})
        finally:
            for fut in pending:
                fut.cancel()
        sample = self._create_empty_sample()
        for k in range(prefix):
            sample.append(results[k])
        self.nr_evaluations_ = prefix
        if prefix_accepted < n:
            sample.ok = False
        return sample
