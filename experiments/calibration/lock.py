"""One calibration per output folder.

Two calibrations writing one folder would share pyabc's database and the manifest, and both
would crash or, worse, mix their generations. The first takes a lock file naming its process
and host; a second is refused with one paragraph (exit 2). A lock left by a process that no
longer runs on this host (a crash, a kill -9) is taken over; one from another host is never
assumed dead, since its process cannot be checked from here.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from model.errors import InputError

LOCK = "calibration.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # exists (another user's), or cannot be asked: assume alive
    return True


def _holder(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _refuse(path: Path, holder: dict) -> InputError:
    who = (f"process {holder.get('pid', '?')} on host {holder.get('host', '?')}, started "
           f"{holder.get('started', '?')}")
    return InputError(
        f"output folder {str(path.parent)!r} is in use by another calibration ({who}): two "
        "calibrations cannot share a folder, since both would write its database and "
        "manifest. Wait for that one to finish (then run again to continue it), or give "
        "another --out. If no calibration is running there (a crash on another machine can "
        f"leave the lock behind), delete {str(path)!r} and run again.")


def _take(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"pid": os.getpid(), "host": socket.gethostname(),
                   "started": datetime.now(UTC).isoformat(timespec="seconds")}, fh)
    return True


@contextmanager
def folder_lock(out: Path) -> Iterator[Path]:
    """Hold `out`'s lock while the body runs; refuse if another calibration holds it."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    if not _take(path):
        holder = _holder(path)
        stale = (holder.get("host") == socket.gethostname()
                 and isinstance(holder.get("pid"), int) and not _alive(holder["pid"]))
        if not stale:
            raise _refuse(path, holder)
        path.unlink(missing_ok=True)
        if not _take(path):  # another process took it in between
            raise _refuse(path, _holder(path))
    try:
        yield path
    finally:
        if _holder(path).get("pid") == os.getpid():
            path.unlink(missing_ok=True)
