"""The output folder: one file per finished run, written atomically, the manifest, a lock.

A run's record goes to a temporary file in the same folder and is then `os.replace`d into
`runs/ID.json`, so a crash at any moment leaves either no record or a whole one: after a
SIGKILL the same command picks up exactly the runs that are missing. Floats go through
JSON's shortest round-trip repr, so what is read back is bit-identical to what ran.

The folder is checked before anything is created (`check_folder`), and held with an
advisory lock (`lock`) while a command writes to it; the kernel drops the lock when the
holder dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from model.errors import InputError

MANIFEST = "manifest.json"
RUNS_DIR = "runs"
LOCK = ".lock"
SPEC_COPY = "spec.toml"
OUTPUTS = ("runs.parquet", "timeseries.parquet", "summary.csv", "comparison.csv",
           "sensitivity.csv", "metamodel.csv", "discovery.csv", "steady_state.csv",
           "report.md", SPEC_COPY, MANIFEST)


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


FILE_MODE = 0o666 & ~_umask()  # what open() would give: provenance as readable as the rest


def write_json_atomic(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, allow_nan=True))


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600 files
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with_suppress_unlink(tmp)
        raise


def with_suppress_unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def check_folder(root: str | Path, option: str = "--out") -> Path:
    """Fail with one paragraph, creating nothing, if results cannot be written to `root`."""
    root = Path(root)
    what = f"output folder {str(root)!r} (option '{option}' or the spec's `out`)"
    if root.exists() and not root.is_dir():
        raise InputError(f"{what} is an existing file, not a folder; choose a folder path "
                         "that does not exist yet or an experiment folder.")
    probe = root
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe != root and not probe.is_dir():
        raise InputError(f"{what} lies under {str(probe)!r}, which is a file, not a folder; "
                         "choose a path under a folder.")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"{what} cannot be written: {str(probe)!r} is read-only for this "
                         "user; choose a folder you can write to.")
    return root


def now() -> str:
    """A session's and a run's start, to the millisecond: runs are told apart by session
    from these, and a whole small session can fit in one second."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class FolderBusy(InputError):
    """Another process holds the folder's lock."""


class Store:
    """Reads and writes one experiment folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / RUNS_DIR

    # --- lock -------------------------------------------------------------------------------
    def check_not_busy(self) -> None:
        """Fail now, creating nothing, if another process holds the folder."""
        path = self.root / LOCK
        if not path.is_file():
            return
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            return  # lock() will report what is wrong with the folder
        try:
            self._take(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _take(self, fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            raise FolderBusy(
                f"output folder {str(self.root)!r} is in use by process "
                f"{holder.get('pid', '?')} on {holder.get('host', '?')} "
                f"(`{holder.get('command', '?')}`, since {holder.get('since', '?')}); "
                "wait for it to finish, stop it, or choose another --out.") from None

    @contextlib.contextmanager
    def lock(self, command: str = "") -> Iterator[None]:
        """Hold the folder for this process; a second holder is told who has it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as exc:
            raise InputError(f"output folder {str(self.root)!r} cannot be created or written "
                             f"({exc.strerror}); choose a folder you can write to.") from None
        try:
            self._take(fd)
            info = {"pid": os.getpid(), "host": socket.gethostname(),
                    "command": command or " ".join(sys.argv),
                    "since": datetime.now(UTC).isoformat(timespec="seconds")}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # --- manifest ---------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any] | None:
        path = self.root / MANIFEST
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path} is not valid JSON ({exc}); the folder is damaged. Run "
                             "again with --fresh to start over.") from None

    def write_manifest(self, data: dict[str, Any]) -> None:
        write_json_atomic(self.root / MANIFEST, data)

    def check_resume(self, key: str, parts: dict[str, Any], code: str,
                     fresh: bool) -> dict[str, Any] | None:
        """The earlier manifest to continue from (None: start afresh); creates nothing.

        Runs made with other run-determining settings (`key`, the hash of `parts`: see
        Spec.runs_key_parts)
        or other model code are not mixed with new ones: the user must choose --fresh
        (which deletes them) or another --out, and is told which setting changed.
        Replicates, scenarios, factorial values, measures, the outcome window and the name
        may change: only the missing runs are made and the tables are recomputed.
        """
        if fresh:
            return None
        old = self.manifest()
        if old is None:
            if self.runs_dir.exists() and any(self.runs_dir.glob("*.json")):
                raise InputError(f"folder {self.root} holds runs but no manifest.json, so it "
                                 "cannot be checked against this spec; use --fresh to start "
                                 "over or choose another --out.")
            return None
        problems = []
        if old.get("runs_key", old.get("fingerprint")) != key:
            problems.append(changed_parts(old.get("runs_key_parts"), parts))
        if old.get("code_version") != code:
            problems.append(f"the model code has changed ({old.get('code_version')} -> {code})")
        if problems:
            raise InputError(f"cannot resume in {self.root}: " + " and ".join(problems)
                             + " since its runs were made, so old and new runs would not "
                             "be comparable. Run again with --fresh to delete them and "
                             "start over, or choose another --out.")
        return old

    def clear(self) -> None:
        if self.runs_dir.exists():
            shutil.rmtree(self.runs_dir)
        for name in OUTPUTS:
            with_suppress_unlink(str(self.root / name))
        if (self.root / "figures").exists():
            shutil.rmtree(self.root / "figures")

    # --- runs -------------------------------------------------------------------------------
    def write_run(self, record: dict[str, Any]) -> None:
        write_json_atomic(self.runs_dir / f"{record['id']}.json", record)

    def records(self) -> dict[str, dict[str, Any]]:
        """Every whole run record in the folder, by id (temporary files are ignored)."""
        out = {}
        if not self.runs_dir.exists():
            return out
        for path in sorted(self.runs_dir.glob("*.json")):
            if path.name.startswith(".tmp-"):
                continue
            rec = json.loads(path.read_text(encoding="utf-8"))
            out[rec["id"]] = rec
        return out

    def finished_ids(self) -> set[str]:
        return {i for i, r in self.records().items() if r.get("status") == "ok"}


def changed_parts(before: dict[str, Any] | None, after: dict[str, Any]) -> str:
    """Which run-deciding setting changed, old -> new, in words (a table by its entries)."""
    if not isinstance(before, dict):  # a folder written before the parts were recorded
        return ("the spec has changed in what decides a run (one of: " + ", ".join(after)
                + ")")
    shown = []
    for k in dict.fromkeys([*before, *after]):
        old, new = before.get(k), after.get(k)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            shown += [f"{k}.{e}: {_short(old.get(e, UNSET))} -> {_short(new.get(e, UNSET))}"
                      for e in dict.fromkeys([*old, *new]) if old.get(e) != new.get(e)]
        else:
            shown.append(f"{k}: {_short(old)} -> {_short(new)}")
    return f"the spec has changed in what decides a run ({'; '.join(shown)})"


UNSET = "(unset)"


def _short(value: Any) -> str:
    if value == UNSET:
        return UNSET
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        return json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return {}
