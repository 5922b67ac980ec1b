"""Where runs execute: all behind `concurrent.futures.Executor`, so the runner has one loop.

- serial: in this process, one run at a time (debugging, tests, monkeypatching); a run
  executes when the runner asks for the next finished one, so each is written at once;
- processes: a local process pool (the default);
- dask: `distributed`, on an existing scheduler (`--scheduler ADDR`) or a LocalCluster
  bound to 127.0.0.1. Workers must be able to import this package.
- slurm, pbs: a batch system, through dask-jobqueue: `--workers N` submits N one-core
  jobs, each a Dask worker; queue, account, walltime, memory and the network interface
  come from Dask's configuration (~/.config/dask/jobqueue.yaml or DASK_JOBQUEUE__...
  variables), as dask-jobqueue documents. The runner's loop is the same as for dask.
- jobqueue-local: the same dask-jobqueue machinery with jobs started as local processes
  (dask-jobqueue's own stand-in), to try the batch route on one machine and in tests.

The batch routes check first that the batch system's command (`sbatch`, `qsub`) is there,
and give up with a message when no worker job has started within FIRST_WORKER_TIMEOUT
seconds (Dask configuration key `governance.first-worker-timeout`): a queue that never
starts a job must not look like a run that hangs. Where a scheduler may not live on the
login node for the whole sweep, `run.py experiment --submit` (experiments/running/array.py)
submits a job array instead.

Results never depend on the executor: every run is seeded by its task alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from typing import Any

from model.errors import InputError

EXECUTORS = ("serial", "processes", "dask", "slurm", "pbs", "jobqueue-local")
JOBQUEUE = ("slurm", "pbs", "jobqueue-local")
SUBMIT_COMMAND = {"slurm": "sbatch", "pbs": "qsub"}
FIRST_WORKER_TIMEOUT = 600.0  # seconds; Dask config key governance.first-worker-timeout


class SerialExecutor(Executor):
    """Runs calls in this process: the reference for the others.

    `submit` runs at once (the Executor contract); the runner uses `completed`, which runs
    one item at a time and hands each result back before starting the next.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:
            fut.set_exception(exc)
        return fut


def completed[T](pool: Executor, fn: Callable[[T], Any],
              items: Iterable[T]) -> Iterator[tuple[T, Future]]:
    """Yield (item, finished future) in completion order, whatever the executor.

    Serially, each item runs only when the caller asks for the next result, so the caller
    can store it before the next starts. Elsewhere all items are submitted and yielded as
    they finish; leaving the loop early cancels what has not started.
    """
    if isinstance(pool, SerialExecutor):
        for item in items:
            yield item, pool.submit(fn, item)
        return
    pending: dict[Future, T] = {}
    try:
        for item in items:
            pending[pool.submit(fn, item)] = item
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                yield pending.pop(fut), fut
    finally:
        for fut in pending:
            fut.cancel()


def _die_with_parent(parent: int) -> None:
    """Worker initializer: the kernel kills this worker when the process that made it dies.

    Without it a SIGKILLed parent leaves its pool running orphaned runs for minutes
    (Linux prctl PR_SET_PDEATHSIG; elsewhere a no-op). If the parent is already gone when
    this runs, exit at once.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent and os.getppid() != parent:
        os._exit(1)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def check_options(kind: str = "processes", workers: int | None = None,
                  scheduler: str | None = None) -> None:
    """Reject contradictory executor options before anything is created."""
    if kind not in EXECUTORS:
        raise InputError(f"option '--executor' got {kind!r}, but it must be one of "
                         f"{', '.join(EXECUTORS)}.")
    if workers is not None and workers < 1:
        raise InputError(f"option '--workers' got {workers}, but it must be a whole number "
                         ">= 1.")
    if scheduler and kind != "dask":
        raise InputError(f"option '--scheduler' ({scheduler!r}) only applies with "
                         "'--executor dask'; drop '--scheduler' or use '--executor dask'.")
    if kind in SUBMIT_COMMAND:
        check_batch_command(kind, "--executor")
    if kind in JOBQUEUE:
        try:
            import dask_jobqueue  # noqa: F401
        except ImportError:
            raise InputError(f"option '--executor' got {kind!r}, but dask-jobqueue is not "
                             "installed; install it with `pip install -e .[cluster]`.") from None


def check_batch_command(kind: str, option: str) -> str:
    """The path of the batch system's submit command, or one paragraph saying it is missing."""
    command = SUBMIT_COMMAND[kind]
    path = shutil.which(command)
    if path is None:
        raise InputError(
            f"option '{option} {kind}' needs the batch system's `{command}` command, which is "
            "not on PATH on this machine; run the command on the cluster's login node (where "
            f"`{command}` works), or run here with '--executor processes'.")
    return path


@contextlib.contextmanager
def make_executor(kind: str = "processes", workers: int | None = None,
                  scheduler: str | None = None) -> Iterator[Executor]:
    """An executor of the given kind, shut down (and its cluster closed) on exit."""
    check_options(kind, workers, scheduler)
    n = workers or default_workers()
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "processes":
        ctx = _process_context()
        # forkserver/spawn workers are children of the server, which itself exits with us
        parent = os.getpid() if ctx.get_start_method() == "fork" else 0
        with ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_die_with_parent,
                                 initargs=(parent,)) as pool:
            yield pool
    elif kind in JOBQUEUE:
        yield from _jobqueue(kind, n)
    else:
        yield from _dask(n, scheduler)


def _process_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: as fast as is safe.

    A parent without other Python threads is forked (Python 3.12's own default on Linux):
    workers inherit the already imported model at no cost, where a fresh interpreter
    spends about a second importing numpy, Mesa and the model, as long as a whole small
    sweep (40 runs: 1.9x over serial with fork, 1.3x with a preloaded forkserver). The
    native threads such a parent still has (OpenBLAS's pool, pyarrow's jemalloc) register
    fork handlers. A parent running other Python threads (a Dask client, say) might hold
    a lock at the fork, so it gets a forkserver that imports the model once and forks
    workers from that clean process. Results do not depend on the choice: every run's
    seed is explicit.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["model", "experiments.running.runner"])
    return ctx


def _dask(workers: int, scheduler: str | None) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("option '--executor' got 'dask', but Dask is not installed; "
                         "install it with `pip install -e .[cluster]`.") from None
    if scheduler:
        import dask

        try:  # how long an unreachable scheduler is waited for: Dask config, default 10 s
            client = Client(scheduler, timeout=dask.config.get(
                "governance.scheduler-timeout", "10s"))
        except OSError as exc:
            raise InputError(f"option '--scheduler' got {scheduler!r}, but no Dask scheduler "
                             f"answered there ({exc}); give ADDRESS:PORT of a running "
                             "`dask scheduler`.") from None
        with client:
            yield client.get_executor(pure=False)
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        yield client.get_executor(pure=False)


def _jobqueue(kind: str, jobs: int) -> Iterator[Executor]:
    """A dask-jobqueue cluster of `jobs` single-worker jobs, and an executor on it.

    Settings not given in Dask's jobqueue configuration default to one core and 2 GiB per
    job. The local stand-in's scheduler listens on 127.0.0.1 only; a real batch system
    needs the interface its compute nodes reach (`interface` in jobqueue.yaml).
    """
    import dask
    from dask_jobqueue import PBSCluster, SLURMCluster
    from dask_jobqueue.local import LocalCluster as JobqueueLocalCluster
    from distributed import Client

    cls, name = {"slurm": (SLURMCluster, "slurm"), "pbs": (PBSCluster, "pbs"),
                 "jobqueue-local": (JobqueueLocalCluster, "local")}[kind]
    kw: dict[str, Any] = {"processes": 1}
    for key, default in (("cores", 1), ("memory", "2GiB")):
        if dask.config.get(f"jobqueue.{name}.{key}", None) is None:
            kw[key] = default
    if kind == "jobqueue-local":
        kw["scheduler_options"] = {"host": "127.0.0.1", "dashboard": False}
    elif not dask.config.get(f"jobqueue.{name}.scheduler-options", None):
        # the scheduler must face the compute nodes, its dashboard need not: on this host
        # only, on a free port (Dask's default 8787 is taken when two clusters overlap)
        kw["scheduler_options"] = {"dashboard_address": "127.0.0.1:0"}
    try:
        cluster = cls(**kw)
    except Exception as exc:  # e.g. missing queue/account settings for the batch system
        raise InputError(f"option '--executor {kind}': dask-jobqueue could not set up the "
                         f"cluster ({type(exc).__name__}: {exc}); set the batch system's "
                         "queue, account, walltime and memory in ~/.config/dask/jobqueue.yaml "
                         "(see docs/EXPERIMENTS.md).") from None
    with cluster:
        cluster.scale(jobs=jobs)
        with Client(cluster) as client:
            _wait_for_first_worker(client, kind)
            yield client.get_executor(pure=False)


def _wait_for_first_worker(client: Any, kind: str) -> None:
    """Fail with a message when the batch system has not started a single worker job."""
    import dask

    timeout = float(dask.config.get("governance.first-worker-timeout", FIRST_WORKER_TIMEOUT))
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        where = {"slurm": "`squeue --me`", "pbs": "`qstat -u $USER`"}.get(kind, "the queue")
        raise InputError(
            f"option '--executor {kind}': no worker job started within {timeout:g} s, so "
            f"nothing has run; check the jobs' state with {where} (pending for resources, "
            "held, or rejected for a wrong queue or account in ~/.config/dask/jobqueue.yaml), "
            "raise the wait with the Dask configuration key governance.first-worker-timeout, "
            "or submit a job array that needs no scheduler on this machine: "
            "`run.py experiment SPEC --submit slurm`.") from None
