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

A batch holds its results folder for itself while it runs (a second one is refused, or waits);
its pool's workers and a local Dask cluster end with it, however it ends.
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
from coop_agents.experiments.worker import init_worker, run_chunk

__all__ = [
    "run_batch",
    "run_chunk",
    "BatchReport",
    "EXECUTORS",
    "BatchInterrupted",
    "PlainProgress",
    "PROGRESS_INTERVAL",
]

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
        # Each worker ends with this process, however it ends (see init_worker): no orphans.
        pool = cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=init_worker, initargs=(os.getpid(),)
        )
        try:
            yield pool
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    elif kind == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise CoopError(
                "--executor dask needs the 'distributed' package (pip install 'dask[distributed]')"
            ) from None
        # The client and a local cluster are closed on every way out (an error while starting
        # either, an error or Ctrl-C in the batch), the client first.
        with contextlib.ExitStack() as stack:
            if scheduler:
                try:
                    client = Client(scheduler, timeout="10s")
                except OSError as exc:
                    raise CoopError(
                        f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})"
                    ) from None
            else:
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        host="127.0.0.1",
                    )
                )
                client = Client(cluster)
            stack.enter_context(client)
            yield client.get_executor()
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


def run_batch(
    experiment: Experiment,
    out: str | Path,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    wait: bool = False,
    reuse: bool = True,
) -> BatchReport:
    """Run every run of ``experiment`` not yet in ``out``; stream results there.

    Args:
        experiment: a loaded experiment (see :func:`coop_agents.experiments.load_experiment`).
        out: the results folder; running again with the same experiment resumes.
        executor: ``serial``, ``processes`` or ``dask``.
        workers: worker processes (default: one per core); ignored by ``serial``.
        scheduler: a Dask scheduler address; without it ``dask`` starts a local cluster.
        progress: show progress (counts, failures, elapsed time, ETA) on stderr: a bar on a
            terminal, otherwise a plain line at most every :data:`PROGRESS_INTERVAL` seconds.
        on_progress: called with (runs done, runs in all) once at the start and after each
            finished task, e.g. to drive a progress bar in an app.
        wait: if another batch is writing to ``out``, wait for it to end instead of refusing.
        reuse: build each district once per worker and seed and give every run on it (the arms of
            a replicate) a fresh model on it (the default); results are identical either way.

    Raises:
        CoopError: another batch is writing to ``out`` (without ``wait``), or ``out`` holds
            another experiment's results or cannot be written.
        BatchInterrupted: on Ctrl-C, after saving every finished task.
    """
    if executor not in EXECUTORS:
        raise CoopError(f"--executor {executor!r}: not allowed; expected one of {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise CoopError(f"--workers {workers}: expected an integer of at least 1")
    workers = workers or os.cpu_count() or 1
    with ResultsStore(out, experiment) as store:  # one writer per folder, until the batch is over
        done = store.open(wait=wait)
        specs = experiment.runs()
        # Runs on one seed (the arms of a replicate) next to each other, so that a task's runs share
        # their district (built once per worker and seed, see worker.district_of).
        todo = sorted((s for s in specs if s.run_id not in done), key=lambda s: (s.replicate, s.arm_id))
        start = time.perf_counter()
        failed = ran = 0
        bar = _progress(len(specs), len(specs) - len(todo), progress)
        if on_progress is not None:
            on_progress(len(specs) - len(todo), len(specs))
        try:
            if todo:
                with make_executor(executor, workers, scheduler) as pool:
                    chunks = iter(_chunks(todo, 1 if executor == "serial" else workers))
                    # A bounded window of tasks in flight: results are written as they come and
                    # never pile up in memory, whatever the number of runs.
                    window = 1 if executor == "serial" else 2 * workers
                    inflight: set[cf.Future] = set()
                    while True:
                        while len(inflight) < window and (chunk := next(chunks, None)) is not None:
                            inflight.add(
                                pool.submit(run_chunk, chunk, experiment.outcomes, experiment.series, reuse)
                            )
                        if not inflight:
                            break
                        finished, inflight = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
                        for future in finished:
                            rows = future.result()
                            store.write(rows)
                            ran += len(rows)
                            failed += sum(r["error"] is not None for r in rows)
                            bar.update(len(rows), failed)
                            if on_progress is not None:
                                on_progress(len(specs) - len(todo) + ran, len(specs))
        except KeyboardInterrupt:
            bar.close()
            saved = len(specs) - len(todo) + ran
            raise BatchInterrupted(
                f"interrupted: {saved} of {len(specs)} runs are saved in {out}; "
                f"run the same command again to resume"
            ) from None
        finally:
            bar.close()
    return BatchReport(
        len(specs), len(specs) - len(todo), ran, failed, time.perf_counter() - start, Path(out)
    )


PROGRESS_INTERVAL = 5.0
"""Seconds between two plain progress lines (when stderr is not a terminal)."""


def _progress(total: int, initial: int, enabled: bool, stream=None):
    """Progress on ``stream`` (stderr): a tqdm bar on a terminal, plain lines otherwise, or nothing."""
    stream = stream if stream is not None else sys.stderr
    if not enabled:
        return _NoProgress()
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if tty:
        return _BarProgress(total, initial, stream)
    return PlainProgress(total, initial, stream, interval=PROGRESS_INTERVAL)


class _NoProgress:
    def update(self, n: int, failed: int) -> None:
        pass

    def close(self) -> None:
        pass


class _BarProgress:
    """A tqdm bar with the failures as a postfix."""

    def __init__(self, total: int, initial: int, stream) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total,
            initial=initial,
            unit="run",
            desc="runs",
            file=stream,
            dynamic_ncols=True,
            smoothing=0.1,
        )

    def update(self, n: int, failed: int) -> None:
        self.bar.update(n)
        self.bar.set_postfix(failed=failed, refresh=False)

    def close(self) -> None:
        self.bar.close()


class PlainProgress:
    """Progress as plain one-line messages, for logs and pipes (where a bar would be noise).

    A line at the start, then after an update at most one every ``interval`` seconds, and a last
    one on :meth:`close` if anything happened since the previous line::

        runs: 24/60 (40%), 1 failed, 0:01:10 elapsed, ETA 0:01:45

    The ETA extrapolates the pace of the runs done by this call (not of those found done).
    ``clock`` (seconds, monotonic) may be replaced, e.g. by a test.
    """

    def __init__(
        self,
        total: int,
        initial: int,
        stream,
        interval: float = PROGRESS_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.initial, self.done, self.failed = total, initial, initial, 0
        self.stream, self.interval, self.clock = stream, interval, clock
        self.start = self.clock()
        self.closed = False
        self._emit(self.start)

    def update(self, n: int, failed: int) -> None:
        self.done += n
        self.failed = failed
        now = self.clock()
        if now - self.last >= self.interval:
            self._emit(now)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.done != self.shown:
            self._emit(self.clock())

    def _emit(self, now: float) -> None:
        elapsed = now - self.start
        ran = self.done - self.initial
        if self.done >= self.total:
            eta = "ETA 0:00:00"
        elif ran > 0:
            eta = f"ETA {_clock_time(elapsed / ran * (self.total - self.done))}"
        else:
            eta = "ETA unknown"
        share = f"{100 * self.done / self.total:.0f}%" if self.total else "100%"
        print(
            f"runs: {self.done}/{self.total} ({share}), {self.failed} failed, {_clock_time(elapsed)} elapsed, "
            f"{eta}",
            file=self.stream,
            flush=True,
        )
        self.last, self.shown = now, self.done


def _clock_time(seconds: float) -> str:
    """``h:mm:ss``.

    >>> _clock_time(3725.4)
    '1:02:05'
    """
    s = round(max(seconds, 0.0))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
