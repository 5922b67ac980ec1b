"""A job array for sites where no scheduler may live on the login node for a whole sweep.

`submit` (run.py experiment SPEC --submit slurm|pbs) checks the spec and the folder as
every run does, writes the manifest, the list of missing runs and a job script, and
submits the script as one job array (`sbatch`, `qsub -J`). Each array task (`run.py
array-task FOLDER SUBMISSION INDEX`, written into the script) runs its slice of the list,
one run after another, into the shared folder: every record is written atomically, so
tasks never need each other or a lock, and a task killed by its walltime loses only the
run in flight. `experiments.experiment.collect` (--collect) builds the report from what is
on disk at any time; `--submit` again submits only the runs still missing. Results equal
the serial executor's bit for bit: each run is seeded by its task alone.
"""

from __future__ import annotations

import json
import math
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, TextIO

from experiments.running.executors import SerialExecutor, check_batch_command
from experiments.running.manifest import replicates_used, spec_of, start_session
from experiments.running.progress import Progress
from experiments.running.provenance import code_version, project_root
from experiments.running.runner import run_all
from experiments.running.store import Store, check_folder, write_json_atomic, write_text_atomic
from experiments.specify.designs import tasks
from experiments.specify.posterior import load_posterior
from experiments.specify.spec import Spec
from model.errors import InputError

ARRAY_DIR = "array"
RUNS_PER_TASK = 10  # default slice: start-up (about a second) is small against 10 runs
MAX_TASKS = 1000  # many sites cap array sizes near here
INDEX = {"slurm": "SLURM_ARRAY_TASK_ID", "pbs": "PBS_ARRAY_INDEX"}


def submit(spec: Spec, out: str | Path | None, kind: str, n_tasks: int | None = None,
           batch_options: tuple[str, ...] = (), fresh: bool = False, command: str = "",
           stream: TextIO | None = None) -> dict[str, Any]:
    """Submit the spec's missing runs as a job array; return the manifest."""
    stream = sys.stderr if stream is None else stream
    submit_cmd = check_batch_command(kind, "--submit")
    if spec.precision is not None:
        raise InputError("option '--submit': [precision] (sequential replication) decides "
                         "after each batch whether to add replicates, which needs the "
                         "experiment's own loop; run it with '--executor slurm' (Dask workers "
                         "as jobs), or drop [precision] and set `replicates`.")
    root = check_folder(Path(out) if out is not None else spec.output_dir())
    store = Store(root)
    post = load_posterior(spec.posterior) if spec.posterior else None
    sha = post.sha256 if post else ""
    store.check_resume(spec.runs_key(sha), spec.runs_key_parts(sha), code_version(), fresh)
    store.check_not_busy()
    with store.lock(command):
        if fresh:
            store.clear()
        old = store.manifest() or {}
        done = store.finished_ids()
        reps = replicates_used(spec, old)
        todo = [t.id for t in tasks(spec, range(reps), post) if t.id not in done]
        if not todo:
            print(f"nothing to submit: all runs of {spec.name} are in {root}; build the "
                  "report with --collect", file=stream)
            return old
        n = min(len(todo), n_tasks or min(MAX_TASKS, math.ceil(len(todo) / RUNS_PER_TASK)))
        manifest = start_session(spec, store, old, post, {"kind": f"array-{kind}",
                                                          "tasks": n})
        number = len(manifest["history"])
        name = f"submission-{number:03d}"
        write_json_atomic(root / ARRAY_DIR / f"{name}.json",
                          {"ids": todo, "tasks": n, "replicates": reps})
        script = root / ARRAY_DIR / f"{name}.{kind}.sh"
        write_text_atomic(script, job_script(kind, spec.name, root, name, n))
        session = manifest["history"][-1]
        session["submitted"] = {"kind": kind, "tasks": n, "runs": len(todo),
                                "submission": name, "script": str(script.relative_to(root)),
                                "job": None}
        store.write_manifest(manifest)
        args = [submit_cmd, *batch_options, str(script)]
        res = subprocess.run(args, capture_output=True, text=True, timeout=600)
        if res.returncode:
            session["submitted"]["error"] = res.stderr.strip()[-2000:]
            session["runs_added"] = 0
            store.write_manifest(manifest)
            raise InputError(f"option '--submit {kind}': `{shlex.join(args)}` refused the job "
                             f"array (exit {res.returncode}): {res.stderr.strip()[-800:]} "
                             "Check the batch options (--batch-option, e.g. "
                             "--batch-option=--account=NAME) and the site's limits.")
        session["submitted"]["job"] = res.stdout.strip().split()[-1] if res.stdout.strip() \
            else None
        store.write_manifest(manifest)
    print(f"submitted {len(todo)} runs as job array {session['submitted']['job']} of {n} "
          f"tasks ({script}); when it has finished, build the report with `run.py experiment "
          f"SPEC --collect` (run it any time: it reports what is done)", file=stream)
    return manifest


def count_submissions(history: list[dict[str, Any]], store: Store) -> list[dict[str, Any]]:
    """Each job array's runs made so far: the runs it submitted that are on disk, started
    after it was submitted and before the next session began (a run submitted again later
    counts for the later array)."""
    out = [dict(h) for h in history]
    records = store.records()
    for k, h in enumerate(out):
        sub = h.get("submitted") or {}
        path = store.root / ARRAY_DIR / f"{sub.get('submission')}.json"
        if sub.get("error") or not path.is_file():
            continue
        ids = json.loads(path.read_text(encoding="utf-8"))["ids"]
        hi = out[k + 1]["started"] if k + 1 < len(out) else None
        started = [records[i].get("started") or "" for i in ids if i in records]
        h["runs_added"] = sum(1 for s in started
                              if s >= h["started"] and (hi is None or s < hi))
    return out


def job_script(kind: str, name: str, root: Path, submission: str, n: int) -> str:
    """The batch script: one array task runs its slice of the submission's runs."""
    logs = (root / ARRAY_DIR / "logs").resolve()
    logs.mkdir(parents=True, exist_ok=True)
    if kind == "slurm":
        head = [f"#SBATCH --job-name={name}", f"#SBATCH --array=0-{n - 1}",
                "#SBATCH --ntasks=1", "#SBATCH --cpus-per-task=1",
                f"#SBATCH --output={logs}/{submission}-%a.log"]
    else:  # PBS Pro: an array range needs two indices at least; a spare one runs nothing
        head = [f"#PBS -N {name[:15]}", f"#PBS -J 0-{max(n - 1, 1)}",
                "#PBS -l select=1:ncpus=1", "#PBS -j oe", f"#PBS -o {logs}/"]
    run = [sys.executable, str(project_root() / "run.py"), "array-task", str(root.resolve()),
           submission]
    return "\n".join(["#!/bin/bash", *head, "set -e", f"cd {shlex.quote(str(Path.cwd()))}",
                      f"exec {shlex.join(run)} \"${{{INDEX[kind]}}}\"", ""])


def run_task(root: Path, submission: str, index: int, stream: TextIO | None = None) -> int:
    """One array task: its slice of the submission's runs, stored as they finish.

    Exit code 0 when every run of the slice is stored ok, 1 when one failed (its error is
    in its record; --submit again retries it).
    """
    store = Store(root)
    manifest = store.manifest()
    path = root / ARRAY_DIR / f"{submission}.json"
    if manifest is None or not path.is_file():
        raise InputError(f"array task: {root} holds no submission {submission!r}; array "
                         "tasks are started by the script `run.py experiment --submit` "
                         "writes.")
    if manifest.get("code_version") != code_version():
        raise InputError(f"array task: the model code has changed since the array was "
                         f"submitted ({manifest.get('code_version')} -> {code_version()}); "
                         "its runs would not match the others. Submit again (with --fresh).")
    sub = json.loads(path.read_text(encoding="utf-8"))
    spec = spec_of(root, manifest)
    post = load_posterior(spec.posterior) if spec.posterior else None
    mine = set(sub["ids"][index::sub["tasks"]])
    done = store.finished_ids()
    todo = [t for t in tasks(spec, range(sub["replicates"]), post)
            if t.id in mine and t.id not in done]
    bar = Progress(len(todo), stream)
    run_all(SerialExecutor(), todo, store, bar, done)
    bar.close()
    return 0 if bar.failed == 0 else 1
