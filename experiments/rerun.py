"""Reproduce an experiment from its manifest, and check the reproduction run by run.

Everything needed is in the folder: the resolved spec (and its text), the root seed, the
copies of a posterior and a [params] file. The new runs go to a new folder; each finished
original run is compared with its reproduction: seed, full parameters and every measure's
time series, exactly. With `apply_diff`, the original code itself is rebuilt first, in a
scratch folder: the recorded commit (`git archive`) plus the recorded patch of uncommitted
changes (`source.diff`), and the rerun runs there.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from experiments.experiment import run_experiment
from experiments.running.manifest import spec_of
from experiments.running.provenance import (
    DIFF_FILE,
    code_version,
    git_commit,
    package_versions,
    project_root,
)
from experiments.running.store import MANIFEST, Store
from model.errors import InputError


def read_manifest(path: str | Path) -> tuple[Path, dict[str, Any]]:
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST
    if not path.is_file():
        raise InputError(f"manifest {str(path)!r} does not exist; give the manifest.json of an "
                         "experiment folder (or the folder).")
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"manifest {str(path)!r} is not valid JSON ({exc}); give the "
                         "manifest.json an experiment wrote.") from None
    if not isinstance(man, dict) or "spec" not in man:
        raise InputError(f"manifest {str(path)!r} has no `spec`; give the manifest.json an "
                         "experiment wrote.")
    return path.parent, man


def _target(src: Path, out: str | Path | None) -> Path:
    target = Path(out) if out is not None else src.with_name(src.name + "-rerun")
    if target.resolve() == src.resolve():
        raise InputError(f"option '--out' is the original folder {str(src)!r}; a rerun goes to "
                         "a new folder so the two can be compared.")
    if (target / MANIFEST).exists():
        raise InputError(f"output folder {str(target)!r} already holds an experiment; choose "
                         "another --out (a rerun never mixes with earlier results).")
    return target


def rerun(manifest_path: str | Path, out: str | Path | None = None,
          executor: str = "processes", workers: int | None = None,
          scheduler: str | None = None, command: str = "",
          figures: bool = True) -> dict[str, Any]:
    """Run the manifest's experiment again into `out`; compare every finished run."""
    src, man = read_manifest(manifest_path)
    if man.get("kind") == "search":
        raise InputError(f"{src} holds a policy search, not an experiment; reproduce it with "
                         f"`run.py optimize {src / 'spec.toml'} --out NEW_FOLDER` (the search "
                         "is seeded, so it proposes the same candidates).")
    spec = spec_of(src, man)
    spec = dataclasses.replace(spec, text=man.get("spec_text") or "", out="")
    target = _target(src, out)
    notes = _differences(man)
    new_man = run_experiment(spec, target, executor=executor, workers=workers,
                             scheduler=scheduler, command=command, figures=figures)
    old_runs, new_runs = Store(src).records(), Store(target).records()
    compared, different = 0, []
    for rid, rec in sorted(old_runs.items()):
        if rec.get("status") != "ok":
            continue
        compared += 1
        new = new_runs.get(rid)
        if new is None or not same_run(rec, new):
            different.append(rid)
    return {"out": target, "manifest": new_man, "compared": compared,
            "identical": compared - len(different), "different": different, "notes": notes}


def _differences(man: dict[str, Any]) -> list[str]:
    """What differs between the original's code and environment and this checkout."""
    notes = []
    if man.get("code_version") != code_version():
        notes.append(f"the model code has changed since the original ({man.get('code_version')}"
                     f" -> {code_version()}); runs may differ")
    if man.get("git_commit") and man.get("git_commit") != git_commit():
        notes.append(f"the original was made at git commit {man.get('git_commit')}, this "
                     f"checkout is {git_commit()}")
    if man.get("git_modified"):
        notes.append("the original was made from a tree with uncommitted changes (`rerun "
                     "--apply-diff` rebuilds that code from the commit and its patch)")
    now = package_versions()
    changed = [f"{k} {v} -> {now.get(k)}" for k, v in (man.get("packages") or {}).items()
               if now.get(k) != v]
    if changed:
        notes.append("package versions differ: " + "; ".join(changed[:8])
                     + (" ..." if len(changed) > 8 else ""))
    return notes


def rerun_original_code(manifest_path: str | Path, out: str | Path | None,
                        options: list[str]) -> int:
    """Rebuild the original code (commit + patch) in a scratch folder and rerun there.

    `options` are passed to that code's own `run.py rerun` (executor, workers). Returns
    its exit code; its output goes to this process's stdout and stderr.
    """
    src, man = read_manifest(manifest_path)
    commit = man.get("git_commit")
    if not commit:
        raise InputError(f"option '--apply-diff': {src / MANIFEST} records no git commit, so "
                         "the original code cannot be rebuilt; rerun without --apply-diff.")
    target = _target(src, out).resolve()
    diff = man.get("git_diff")
    patch = src / (diff or {}).get("file", DIFF_FILE) if diff else None
    if man.get("git_modified") and (patch is None or not patch.is_file()):
        raise InputError(f"option '--apply-diff': the original was made from a tree with "
                         f"uncommitted changes, but {src} holds no patch ({DIFF_FILE}); it "
                         "was made before patches were recorded, so its code cannot be "
                         "rebuilt exactly.")
    scratch = Path(tempfile.mkdtemp(prefix="rerun-code-"))
    try:
        _checkout(commit, scratch)
        if patch is not None:
            res = subprocess.run(["git", "apply", "--binary", "--whitespace=nowarn",
                                  str(patch.resolve())], cwd=scratch, capture_output=True,
                                 text=True)
            if res.returncode:
                raise InputError(f"option '--apply-diff': the recorded patch {patch} does not "
                                 f"apply to commit {commit[:12]}: {res.stderr.strip()}")
        env = {**os.environ, "PYTHONPATH": str(scratch)}
        cmd = [sys.executable, str(scratch / "run.py"), "rerun",
               str((src / MANIFEST).resolve()), "--out", str(target), *options]
        print(f"note: rerunning with the original code: commit {commit[:12]}"
              + (f" plus {patch.name}" if patch is not None else "") + f", rebuilt in "
              f"{scratch}", file=sys.stderr, flush=True)
        return subprocess.run(cmd, cwd=scratch, env=env).returncode
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _checkout(commit: str, into: Path) -> None:
    """The files of `commit` (from this checkout's git history) written into `into`."""
    res = subprocess.run(["git", "-C", str(project_root()), "archive", "--format=tar",
                          commit], capture_output=True)
    if res.returncode:
        raise InputError(f"option '--apply-diff': commit {commit[:12]} is not in this "
                         f"checkout's git history ({res.stderr.decode().strip()}); fetch it "
                         "first.")
    with tarfile.open(fileobj=io.BytesIO(res.stdout)) as tar:
        tar.extractall(into, filter="data")


def same_run(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Bit-identical: same seed, parameters and time series (floats compared exactly)."""
    def text(rec: dict[str, Any], key: str) -> str:  # NaN-safe, exact (shortest repr)
        return json.dumps(rec.get(key), sort_keys=True)

    keys = ("seed", "overrides", "timeseries", "particle")
    if any(text(a, k) != text(b, k) for k in keys):
        return False
    return a.get("params") is None or text(a, "params") == text(b, "params")
