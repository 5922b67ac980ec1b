"""What made a result: code hashes, the git state, every installed package's version.

Recorded in every manifest so a result can be traced to its code and environment, and
used by `rerun` to say what differs from the original. A tree with uncommitted changes
also leaves its patch against the commit (`git_diff`, untracked code files included), so
the code that made a result can be rebuilt from the commit and the patch.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "matplotlib", "dask",
            "distributed", "statsmodels", "pymoo", "ema_workbench")
_ROOT = Path(__file__).resolve().parents[2]
TOP_FILES = ("run.py", "pyproject.toml", "Makefile")
MODEL_PARTS = ("model", "agents", "governance")


@functools.cache
def code_version() -> str:
    """Hash of the model's source (the core, the actors and the composition root that
    puts them together with the presets): runs from different model code are never mixed."""
    return _hash_files([p for folder in MODEL_PARTS
                        for p in sorted((_ROOT / folder).rglob("*.py"))])


def _hash_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(_ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


CODE_PARTS = (*MODEL_PARTS, "experiments", "cli", "demo", "scripts", "benchmarks")


@functools.cache
def _code_hashes() -> tuple[tuple[str, str], ...]:
    return tuple(_hash_parts().items())


def code_hashes() -> dict[str, str]:
    """A hash per part of the project (and of all of it), to tell any code change.

    Computed once per process, like code_version and package_versions: the code a process
    runs is what it imported when it started, whatever happens to the files later.
    """
    return dict(_code_hashes())


def _hash_parts() -> dict[str, str]:
    out = {}
    every: list[Path] = []
    for part in CODE_PARTS:
        files = sorted(p for p in (_ROOT / part).rglob("*")
                       if p.is_file() and p.suffix in (".py", ".toml") and
                       "__pycache__" not in p.parts)
        if files:
            out[part] = _hash_files(files)
            every += files
    top = sorted(p for p in (_ROOT / n for n in TOP_FILES) if p.exists())
    out["top-level"] = _hash_files(top)
    out["all"] = _hash_files(every + top)
    return out


def git_commit() -> str | None:
    return _git("rev-parse", "HEAD")


def git_modified() -> bool | None:
    """True when the working tree differs from the commit (tracked or untracked code)."""
    out = _git("status", "--porcelain", "--", *CODE_PARTS, *TOP_FILES)
    return None if out is None else bool(out)


def git_diff() -> str | None:
    """The code's changes against HEAD as one patch `git apply` takes: tracked files'
    diffs, then every untracked code file as a new file. None outside a git checkout."""
    tracked = _git("diff", "HEAD", "--binary", "--", *CODE_PARTS, *TOP_FILES, strip=False)
    if tracked is None:
        return None
    parts = [tracked]
    untracked = _git("ls-files", "--others", "--exclude-standard", "--", *CODE_PARTS,
                     *TOP_FILES) or ""
    for name in untracked.splitlines():
        if "__pycache__" in name:
            continue  # git diff --no-index exits 1 when files differ: a patch, not a failure
        parts.append(_git("diff", "--no-index", "--binary", "--", "/dev/null", name,
                          strip=False, ok=(0, 1)) or "")
    return "".join(parts)


def _git(*args: str, strip: bool = True, ok: tuple[int, ...] = (0,)) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(_ROOT), *args], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode not in ok:
        return None
    return out.stdout.strip() if strip else out.stdout


def package_versions() -> dict[str, str | None]:
    """Python and every installed distribution (what `pip freeze` would list)."""
    return dict(_package_versions())


@functools.cache
def _package_versions() -> tuple[tuple[str, str | None], ...]:
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
    return tuple(sorted(out.items(), key=lambda kv: (kv[0] != "python", kv[0].lower())))


def code_provenance() -> dict[str, Any]:
    """The manifest's provenance fields: one call, the same in every kind of folder."""
    return {"code_version": code_version(), "code_hashes": code_hashes(),
            "git_commit": git_commit(), "git_modified": git_modified(),
            "packages": package_versions()}


DIFF_FILE = "source.diff"


def save_diff(root: Path, write: Callable[[Path, str], None]) -> dict[str, Any] | None:
    """With uncommitted changes, write their patch into the folder; say where, and its hash.

    `rerun --apply-diff` rebuilds the code from the recorded commit and this patch.
    """
    if not git_modified():
        return None
    patch = git_diff()
    if patch is None:
        return None
    write(root / DIFF_FILE, patch)
    return {"file": DIFF_FILE, "sha256": hashlib.sha256(patch.encode()).hexdigest(),
            "bytes": len(patch.encode())}


def project_root() -> Path:
    """The checkout this code runs from."""
    return _ROOT
