"""Reproduce an experiment from its manifest, and check the reproduction run by run.

Everything needed is in the folder: the resolved spec (and its text), the root seed, the
posterior's copy. The new runs go to a new folder; each finished original run is compared
with its reproduction: seed, full parameters and every measure's time series, exactly.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from experiments.provenance import code_version, git_commit, package_versions
from experiments.runner import run_experiment
from experiments.spec import from_dict
from experiments.store import MANIFEST, Store
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


def rerun(manifest_path: str | Path, out: str | Path | None = None,
          executor: str = "processes", workers: int | None = None,
          scheduler: str | None = None, command: str = "") -> dict[str, Any]:
    """Run the manifest's experiment again into `out`; compare every finished run."""
    src, man = read_manifest(manifest_path)
    if man.get("kind") == "search":
        raise InputError(f"{src} holds a policy search, not an experiment; reproduce it with "
                         f"`run.py optimize {src / 'spec.toml'} --out NEW_FOLDER` (the search "
                         "is seeded, so it proposes the same candidates).")
    raw = dict(man["spec"])
    notes = []
    if raw.get("posterior"):
        copy = src / "posterior.parquet"
        if copy.exists():
            raw["posterior"] = str(copy)
    spec = from_dict(raw, source=f"{src / MANIFEST} (spec)")
    spec = dataclasses.replace(spec, text=man.get("spec_text") or "", out="")
    target = Path(out) if out is not None else src.with_name(src.name + "-rerun")
    if target.resolve() == src.resolve():
        raise InputError(f"option '--out' is the original folder {str(src)!r}; a rerun goes to "
                         "a new folder so the two can be compared.")
    if (target / MANIFEST).exists():
        raise InputError(f"output folder {str(target)!r} already holds an experiment; choose "
                         "another --out (a rerun never mixes with earlier results).")
    if man.get("code_version") != code_version():
        notes.append(f"the model code has changed since the original ({man.get('code_version')}"
                     f" -> {code_version()}); runs may differ")
    if man.get("git_commit") and man.get("git_commit") != git_commit():
        notes.append(f"the original was made at git commit {man.get('git_commit')}, this "
                     f"checkout is {git_commit()}")
    if man.get("git_modified"):
        notes.append("the original was made from a tree with uncommitted changes")
    now = package_versions()
    changed = [f"{k} {v} -> {now.get(k)}" for k, v in (man.get("packages") or {}).items()
               if now.get(k) != v]
    if changed:
        notes.append("package versions differ: " + "; ".join(changed[:8])
                     + (" ..." if len(changed) > 8 else ""))
    new_man = run_experiment(spec, target, executor=executor, workers=workers,
                             scheduler=scheduler, command=command)
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


def same_run(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Bit-identical: same seed, parameters and time series (floats compared exactly)."""
    def text(rec: dict[str, Any], key: str) -> str:  # NaN-safe, exact (shortest repr)
        return json.dumps(rec.get(key), sort_keys=True)

    keys = ("seed", "overrides", "timeseries", "particle")
    if any(text(a, k) != text(b, k) for k in keys):
        return False
    return a.get("params") is None or text(a, "params") == text(b, "params")
