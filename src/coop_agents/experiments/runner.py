"""Run an experiment's runs on a standard executor, streaming results to disk.

Runners are thin layers over ``concurrent.futures`` executors: ``serial`` (in this process),
``processes`` (a local process pool, the default, one worker per core) and ``dask`` (Dask
distributed's executor, on a cluster given by its scheduler address or on a local cluster).
Runs go to the executor in chunks (several runs per task, so task overhead stays small); each
finished chunk becomes one part of the Parquet dataset at once, so memory stays flat however
many runs there are. A run that raises is recorded with its error and the batch goes on.
Mesa's ``batch_run`` is not used: it keeps every row in memory, cannot resume, and sets the
``spawn`` start method for the whole process; the process pool here asks for ``forkserver``
only for itself.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from coop_agents.errors import CoopError
from coop_agents.experiments.design import Experiment, RunSpec
from coop_agents.experiments.store import ResultsStore
from coop_agents.experiments.worker import run_chunk

__all__ = ["run_batch", "run_chunk", "BatchReport", "EXECUTORS", "BatchInterrupted"]

EXECUTORS = ("serial", "processes", "dask")


@dataclass
class BatchReport:
    """What a call of :func:`run_batch` did."""

    total: int
    already_done: int
    ran: int
    failed: int
    seconds: float
    out: Path


class BatchInterrupted(CoopError):
    """Ctrl-C: finished runs are saved; running the same command again resumes."""


@contextlib.contextmanager
def make_executor(kind: str, workers: int, scheduler: str | None) -> Iterator[cf.Executor]:
    """A ``concurrent.futures`` executor of the given kind, shut down on exit."""
    if kind == "serial":
        yield _SerialExecutor()
    elif kind == "processes":
        # forkserver, set for this pool only: workers fork from a server that has already imported
        # the model and the worker's module (fast start, unlike spawn, which re-imports numpy,
        # scipy and Mesa in every worker), and nothing of this process's threads or state is
        # inherited (unlike fork).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["coop_agents.model", "coop_agents.experiments.worker"])
        pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context)
        try:
            yield pool
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    elif kind == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise CoopError("--executor dask needs the 'distributed' package (pip install 'dask[distributed]')") from None
        cluster = None
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise CoopError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})") from None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, host="127.0.0.1")
            client = Client(cluster)
        try:
            yield client.get_executor()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        raise CoopError(f"--executor {kind!r}: not allowed; expected one of {', '.join(EXECUTORS)}")


class _SerialExecutor(cf.Executor):
    """Runs each task when submitted: the ``serial`` executor, with the same interface."""

    def submit(self, fn, /, *args, **kwargs):
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


def _chunks(specs: list[RunSpec], workers: int) -> list[list[RunSpec]]:
    """Guided chunking: big tasks first, smaller ones towards the end.

    Each chunk takes a quarter of the remaining runs' share per worker (at most 50 runs), so task
    overhead (a few milliseconds per task on a process pool, more on Dask) stays a small share of
    the time early on, while the last tasks are single runs and no worker idles long at the end
    waiting for another's big chunk.

    >>> [len(c) for c in _chunks(list(range(40)), 2)]
    [5, 5, 4, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
    """
    chunks, start = [], 0
    while start < len(specs):
        size = max(1, min(50, math.ceil((len(specs) - start) / (4 * max(workers, 1)))))
        chunks.append(specs[start : start + size])
        start += size
    return chunks


def run_batch(experiment: Experiment, out: str | Path, executor: str = "processes", workers: int | None = None,
              scheduler: str | None = None, progress: bool = True,
              on_progress: Callable[[int, int], None] | None = None) -> BatchReport:
    """Run every run of ``experiment`` not yet in ``out``; stream results there.

    Args:
        experiment: a loaded experiment (see :func:`coop_agents.experiments.load_experiment`).
        out: the results folder; running again with the same experiment resumes.
        executor: ``serial``, ``processes`` or ``dask``.
        workers: worker processes (default: one per core); ignored by ``serial``.
        scheduler: a Dask scheduler address; without it ``dask`` starts a local cluster.
        progress: show a progress bar (counts, failures, ETA) on stderr.
        on_progress: called with (runs done, runs in all) once at the start and after each
            finished task, e.g. to drive a progress bar in an app.

    Raises:
        BatchInterrupted: on Ctrl-C, after saving every finished task.
    """
    if executor not in EXECUTORS:
        raise CoopError(f"--executor {executor!r}: not allowed; expected one of {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise CoopError(f"--workers {workers}: expected an integer of at least 1")
    workers = workers or os.cpu_count() or 1
    store = ResultsStore(out, experiment)
    done = store.open()
    specs = experiment.runs()
    todo = [s for s in specs if s.run_id not in done]
    start = time.perf_counter()
    failed = ran = 0
    bar = _progress(len(specs), len(specs) - len(todo), progress)
    if on_progress is not None:
        on_progress(len(specs) - len(todo), len(specs))
    try:
        if todo:
            with make_executor(executor, workers, scheduler) as pool:
                chunks = iter(_chunks(todo, 1 if executor == "serial" else workers))
                # A bounded window of tasks in flight: results are written as they come and never
                # pile up in memory, whatever the number of runs.
                window = 1 if executor == "serial" else 2 * workers
                inflight: set[cf.Future] = set()
                while True:
                    while len(inflight) < window and (chunk := next(chunks, None)) is not None:
                        inflight.add(pool.submit(run_chunk, chunk, experiment.outcomes, experiment.series))
                    if not inflight:
                        break
                    finished, inflight = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
                    for future in finished:
                        rows = future.result()
                        store.write(rows)
                        ran += len(rows)
                        failed += sum(r["error"] is not None for r in rows)
                        bar.update(len(rows))
                        bar.set_postfix(failed=failed, refresh=False)
                        if on_progress is not None:
                            on_progress(len(specs) - len(todo) + ran, len(specs))
    except KeyboardInterrupt:
        bar.close()
        saved = len(specs) - len(todo) + ran
        raise BatchInterrupted(f"interrupted: {saved} of {len(specs)} runs are saved in {out}; "
                               f"run the same command again to resume") from None
    finally:
        bar.close()
    return BatchReport(len(specs), len(specs) - len(todo), ran, failed, time.perf_counter() - start, Path(out))


def _progress(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", desc="runs", disable=not enabled,
                file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
