"""The output folder: one file per finished run, written atomically, and the manifest.

A run's record goes to a temporary file in the same folder and is then `os.replace`d into
`runs/ID.json`, so a crash at any moment leaves either no record or a whole one: after a
SIGKILL the same command picks up exactly the runs that are missing. Floats go through
JSON's shortest round-trip repr, so what is read back is bit-identical to what ran.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from model.errors import InputError

MANIFEST = "manifest.json"
RUNS_DIR = "runs"
OUTPUTS = ("runs.parquet", "timeseries.parquet", "summary.csv", "comparison.csv",
           "sensitivity.csv", "report.md", MANIFEST)


def write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, allow_nan=True)
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


class Store:
    """Reads and writes one experiment folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / RUNS_DIR

    # --- manifest ---------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any] | None:
        path = self.root / MANIFEST
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path} is not valid JSON ({exc}); the folder is damaged. Run "
                             "again with --fresh to start over.") from None

    def write_manifest(self, data: dict[str, Any]) -> None:
        write_json_atomic(self.root / MANIFEST, data)

    def prepare(self, fingerprint: str, code: str, fresh: bool) -> bool:
        """Make the folder ready; return True when resuming earlier runs.

        A folder made by a different spec or different model code is not mixed with new
        runs: the user must choose --fresh (which deletes the old results) or another --out.
        """
        old = self.manifest()
        if fresh:
            self.clear()
            old = None
        elif old is None and self.runs_dir.exists() and any(self.runs_dir.glob("*.json")):
            raise InputError(f"folder {self.root} holds runs but no manifest.json, so it cannot "
                             "be checked against this spec; use --fresh to start over or "
                             "choose another --out.")
        if old is not None:
            problems = []
            if old.get("fingerprint") != fingerprint:
                problems.append("the spec has changed (scenarios, parameters, design, "
                                "replicates, steps, measures or seed)")
            if old.get("code_version") != code:
                problems.append(f"the model code has changed ({old.get('code_version')} -> "
                                f"{code})")
            if problems:
                raise InputError(f"cannot resume in {self.root}: " + " and ".join(problems)
                                 + " since its runs were made, so old and new runs would not "
                                 "be comparable. Run again with --fresh to delete them and "
                                 "start over, or choose another --out.")
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        return old is not None

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
