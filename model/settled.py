"""A settled week 0 without paying for it twice: the burn-in's end state, kept and reused.

Week 0 must be the baseline's steady state (issue 18): slow attitudes, the mix of
old-timers and newcomers, and the trust residents place in neighbours take a decade or more
to settle, and no accelerated spin-up keeps every balance (lumpy events such as a problem
that waits for months saturate). So the burn-in is plain: `burn_in` weeks of the model's
own rules with every mechanism off. It depends only on the seed and the parameters that
act in it, not on which mechanisms the run will switch on, so runs that differ only in their
mechanisms (every scenario comparison) share it. Its end state is kept (pickled) and
restored for the next model with the same key: in this process, and, when a folder is
given, on disk for other processes (an experiment's workers).

Restoring is exact: the state is the whole model (arrays, actors, Mesa's agents and event
list, the random generators' states), and tests check that a restored model runs
bit-identically to one that ran its own burn-in. The key holds the hash of the model's
source code, so a change to the rules never restores an old state.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

ENV = "GOVERNANCE_BURN_IN_CACHE"  # a folder, or "off"
_ROOT = Path(__file__).resolve().parent.parent
_MEMORY: OrderedDict[str, bytes] = OrderedDict()
MEMORY_BYTES = 400 * 2**20  # states kept in this process (a 100 x 100 state is ~20 MB)
# Size of a saved state per household (a 300 x 300 state measured 116 MB, 1,285 bytes each).
BYTES_PER_HOUSEHOLD = 1300
DISK_BYTES = 4 * 2**30  # the disk folder's size cap (oldest files go first)
# Not saved: what Mesa derives from the class at construction, and the measures' readers
# (functions, rebuilt from the house on restoring).
_KEEP = ("step", "_user_step", "_measures")
_code_hash: str | None = None


def code_hash() -> str:
    """Hash of the model's source (model/, agents/, governance/): states of other code
    never match."""
    global _code_hash
    if _code_hash is None:
        h = hashlib.sha256()
        for folder in ("model", "agents", "governance"):
            for path in sorted((_ROOT / folder).rglob("*.py")):
                h.update(str(path.relative_to(_ROOT)).encode())
                h.update(path.read_bytes())
        _code_hash = h.hexdigest()[:16]
    return _code_hash


def seed_key(rng: Any) -> str | None:
    """A stable name for a seed; None for seeds that cannot be named (a Generator, None)."""
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return f"int:{int(rng)}"
    if isinstance(rng, np.random.SeedSequence):
        return f"ss:{rng.entropy}:{tuple(rng.spawn_key)}:{rng.pool_size}"
    return None


def key(params: dict[str, Any], rng: Any, switches: set[str]) -> str | None:
    """The burn-in's key: code, seed and every parameter except the mechanisms' switches
    and start weeks (mechanisms are off during the burn-in)."""
    seed = seed_key(rng)
    if seed is None or os.environ.get(ENV, "") == "off":
        return None
    acting = {k: v for k, v in params.items()
              if k not in switches and not (k.endswith("_start") and k[:-6] in switches)}
    text = json.dumps([code_hash(), seed, acting], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def worth_saving(households: int) -> bool:
    """Whether to save a burn-in's end state: always when a disk folder shares it with other
    processes; in this process's memory only when it fits in `MEMORY_BYTES`. Pickling
    costs about a second per 15 MB (a 1000 x 1000 state: over a minute and more than a
    gigabyte held), for a reuse by a later model with the same seed that a state over
    the cap could only keep by pushing every other state out."""
    return _folder() is not None or households * BYTES_PER_HOUSEHOLD <= MEMORY_BYTES


def dump(model: Any) -> bytes:
    """The model's whole state, with every reference to the model itself left as a name."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda obj: "model" if obj is model else None
    state = {k: v for k, v in vars(model).items() if k not in _KEEP}
    pickler.dump(state)
    return buf.getvalue()


def restore(model: Any, blob: bytes) -> bool:
    """Put a saved state into a freshly constructed (not yet built) model; False (and the
    model untouched) when the blob is damaged, e.g. a file cut short by a full disk."""
    unpickler = pickle.Unpickler(io.BytesIO(blob))
    unpickler.persistent_load = lambda pid: model
    try:
        state = unpickler.load()
    except Exception:  # any damage means: run the burn-in instead
        return False
    if not isinstance(state, dict):
        return False
    vars(model).update(state)
    return True


def _folder() -> Path | None:
    where = os.environ.get(ENV, "")
    return None if where in ("", "off") else Path(where)


def get(k: str) -> bytes | None:
    if k in _MEMORY:
        _MEMORY.move_to_end(k)
        return _MEMORY[k]
    folder = _folder()
    if folder is not None:
        path = folder / f"{k}.pickle"
        try:
            blob = path.read_bytes()
            os.utime(path)  # recently used: evicted last
        except OSError:
            return None
        _remember(k, blob)
        return blob
    return None


def put(k: str, blob: bytes) -> None:
    _remember(k, blob)
    folder = _folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, folder / f"{k}.pickle")  # atomic: workers never read half a file
        _trim(folder)
    except OSError:
        pass  # a full or read-only disk costs a burn-in, never a run


def _remember(k: str, blob: bytes) -> None:
    _MEMORY[k] = blob
    _MEMORY.move_to_end(k)
    while sum(map(len, _MEMORY.values())) > MEMORY_BYTES and len(_MEMORY) > 1:
        _MEMORY.popitem(last=False)


def _trim(folder: Path) -> None:
    files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
    total = sum(p.stat().st_size for p in files)
    for path in files:
        if total <= DISK_BYTES:
            break
        total -= path.stat().st_size
        path.unlink(missing_ok=True)


def clear_memory() -> None:
    _MEMORY.clear()
