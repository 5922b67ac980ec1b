"""An experiment folder's manifest: what was asked, with what code, and each session.

`start_session` writes what the runs need before the first one starts (the spec text and
the resolved spec, seeds, code and package versions, the patch of uncommitted changes, the
folder's copies of a posterior and a [params] file); `spec_of` reads the spec back from a
folder, from those copies, so a report or a rerun never depends on files that may have
moved. Each invocation is one entry of the history; a session that was killed is counted
afterwards from the start times of the runs it stored.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from experiments.running.provenance import code_provenance, save_diff
from experiments.running.store import SPEC_COPY, Store, now, write_text_atomic
from experiments.specify.check import from_dict
from experiments.specify.designs import BOOTSTRAP_SEED_NOTE, bootstrap_seed, design_seed
from experiments.specify.posterior import Posterior
from experiments.specify.spec import Spec
from governance import MEASURES
from model.params import DEFAULTS_CALIBRATION

POSTERIOR_COPY = "posterior.parquet"
PARAMS_COPY = "params.toml"
COMMUNITY_COPY = "community.toml"


def spec_of(root: Path, manifest: dict[str, Any]) -> Spec:
    """The folder's spec, reading the posterior, [params] file and community profile from
    the folder's copies."""
    raw = dict(manifest["spec"])
    for key, copy in (("posterior", POSTERIOR_COPY), ("params", PARAMS_COPY),
                      ("community", COMMUNITY_COPY)):
        if raw.get(key) and (root / copy).exists():
            raw[key] = str(root / copy)
    return from_dict(raw, source=str(root / "manifest.json"))


def replicates_used(spec: Spec, manifest: dict[str, Any] | None) -> int:
    """Replicates in the experiment: the spec's, or more if sequential replication added."""
    return max(spec.replicates, ((manifest or {}).get("precision") or {}).get("replicates", 0))


def start_session(spec: Spec, store: Store, old: dict[str, Any], post: Posterior | None,
                  executor: dict[str, Any]) -> dict[str, Any]:
    """The manifest of a new session, written with the spec and the folder's copies."""
    root = store.root
    history = count_killed_sessions(list(old.get("history", [])), store)
    history.append({"started": now(), "changes": changes(old.get("spec"), spec.to_dict()),
                    "executor": executor})
    runs_key_parts = spec.runs_key_parts(post.sha256 if post else "")
    manifest = {
        "name": spec.name, "spec": spec.to_dict(), "spec_text": spec.text,
        "fingerprint": spec.fingerprint(), "runs_key": spec.runs_key(
            post.sha256 if post else ""), "runs_key_parts": runs_key_parts,
        **code_provenance(), "git_diff": save_diff(root, write_text_atomic),
        "seeds": {"root": spec.seed, "design": design_seed(spec),
                  "bootstrap": bootstrap_seed(spec), "bootstrap_note": BOOTSTRAP_SEED_NOTE,
                  "replicates": "SeedSequence(root, spawn_key=(1, r)) -> 63-bit int; every "
                                "run's seed is in runs[]"},
        "root_seed": spec.seed,
        "defaults_calibration": DEFAULTS_CALIBRATION,
        "posterior": None if post is None else {
            "path": post.path, "sha256": post.sha256, "calibration_id": post.calibration_id,
            "particles": len(post.weights), "parameters": list(post.params),
            "copy": POSTERIOR_COPY},
        "params": None if not spec.params else {
            "path": spec.params, "values": spec.param_values, "copy": PARAMS_COPY},
        "community": None if spec.profile is None else spec.profile.record(spec.param_values),
        "created": old.get("created", now()), "status": "running",
        "measures_available": list(MEASURES), "executor": executor,
        "precision": old.get("precision"), "history": history,
    }
    store.write_manifest(manifest)
    write_text_atomic(root / SPEC_COPY, spec.text or _as_toml_comment(spec))
    for path, copy in ((post.path if post else "", POSTERIOR_COPY), (spec.params, PARAMS_COPY),
                       (spec.community, COMMUNITY_COPY)):
        target = root / copy
        if path and Path(path).resolve() != target.resolve():
            shutil.copyfile(path, target)
    return manifest


def close_session(manifest: dict[str, Any], store: Store, added: int) -> None:
    manifest["history"][-1]["runs_added"] = added
    manifest["history"][-1]["finished"] = now()
    store.write_manifest(manifest)


def count_killed_sessions(history: list[dict[str, Any]], store: Store) -> list[dict[str, Any]]:
    """Sessions that never finished (killed): count their runs from the runs' start times.

    A run belongs to the session that started before it and after the previous one did.
    (Job arrays are counted by what they submitted: running.array.count_submissions.)
    """
    open_ = [i for i, h in enumerate(history)
             if "runs_added" not in h and not h.get("submitted")]
    if not open_:
        return history
    started = sorted(r.get("started") or "" for r in store.records().values())
    out = [dict(h) for h in history]
    for i in open_:
        lo = out[i].get("started") or ""
        hi = out[i + 1].get("started") if i + 1 < len(out) else None
        out[i]["runs_added"] = sum(1 for s in started if s >= lo and (hi is None or s < hi))
        out[i]["interrupted"] = True
    return out


def _as_toml_comment(spec: Spec) -> str:
    return ("# This experiment was not defined by a spec file (built-in or command line);\n"
            "# the resolved spec, as JSON, is in manifest.json under \"spec\".\n"
            f"# {json.dumps(spec.to_dict())}\n")


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What a continued experiment changed, in words, for the report's history."""
    if before is None:
        return ["started"]
    out = []
    for key in ("name", "replicates", "outcome", "warmup"):
        if before.get(key) != after.get(key):
            out.append(f"{key}: {before.get(key)!r} -> {after.get(key)!r}")
    for key in ("scenarios", "measures"):
        b, a = list(before.get(key) or []), list(after.get(key) or [])
        if b != a:
            plus = [x for x in a if x not in b]
            minus = [x for x in b if x not in a]
            out.append(f"{key}: " + "; ".join(filter(None, [
                f"added {plus}" if plus else "", f"removed {minus}" if minus else "",
                "reordered" if not plus and not minus else ""])))
    bs, as_ = before.get("design", {}).get("samples"), after["design"].get("samples")
    if bs != as_:
        out.append(f"design.samples: {bs} -> {as_} (points appended)")
    bf, af = before.get("design", {}).get("factors", {}), after["design"].get("factors", {})
    for k in af:
        plus = [v for v in af[k] if v not in bf.get(k, [])]
        if plus:
            out.append(f"design.factors.{k}: added values {plus}")
    return out or ["continued (no change to the spec)"]
