"""What made a result: code hashes, the git state, every installed package's version.

Recorded in every manifest so a result can be traced to its code and environment, and
used by `rerun` to say what differs from the original.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "matplotlib", "dask",
            "distributed", "statsmodels", "pymoo", "ema_workbench")
_ROOT = Path(__file__).resolve().parent.parent


def code_version() -> str:
    """Hash of the model's source: runs from different model code are never mixed."""
    return _hash_files([p for folder in ("model", "agents")
                        for p in sorted((_ROOT / folder).rglob("*.py"))])


def _hash_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(_ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


CODE_PARTS = ("model", "agents", "experiments", "cli", "demo", "scripts", "benchmarks")


def code_hashes() -> dict[str, str]:
    """A hash per part of the project (and of all of it), to tell any code change."""
    out = {}
    every: list[Path] = []
    for part in CODE_PARTS:
        files = sorted(p for p in (_ROOT / part).rglob("*")
                       if p.is_file() and p.suffix in (".py", ".toml") and
                       "__pycache__" not in p.parts)
        if files:
            out[part] = _hash_files(files)
            every += files
    top = sorted(p for p in (_ROOT / n for n in ("run.py", "pyproject.toml", "Makefile"))
                 if p.exists())
    out["top-level"] = _hash_files(top)
    out["all"] = _hash_files(every + top)
    return out


def git_commit() -> str | None:
    return _git("rev-parse", "HEAD")


def git_modified() -> bool | None:
    """True when the working tree differs from the commit (tracked or untracked code)."""
    out = _git("status", "--porcelain", "--", *CODE_PARTS, "run.py", "pyproject.toml")
    return None if out is None else bool(out)


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(_ROOT), *args], check=True,
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def package_versions() -> dict[str, str | None]:
    """Python and every installed distribution (what `pip freeze` would list)."""
    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in PACKAGES:  # the ones that matter first, None when absent
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and name not in out:
            out[name] = dist.version
    return dict(sorted(out.items(), key=lambda kv: (kv[0] != "python", kv[0].lower())))


def code_provenance() -> dict[str, Any]:
    """The manifest's provenance fields: one call, the same in every kind of folder."""
    return {"code_version": code_version(), "code_hashes": code_hashes(),
            "git_commit": git_commit(), "git_modified": git_modified(),
            "packages": package_versions()}
