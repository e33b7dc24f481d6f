"""What a worker process runs: a chunk of runs, one row each.

Kept apart from the runner, the store and the analysis so that a worker (a process of the pool,
or of a Dask cluster) imports the model and nothing else: no Parquet, no pandas analysis, no
plotting. That is about half a second less start-up for every worker.

A worker of the process pool also ends when the batch's main process ends, however it ends
(``kill -9`` included; see :func:`init_worker`), so no worker, forkserver or resource tracker is
left behind.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coop_agents.experiments.design import RunSpec

__all__ = ["run_chunk", "init_worker"]

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def init_worker(main_pid: int) -> None:
    """Initializer of a pool's worker: end this worker as soon as ``main_pid`` (the batch) ends.

    Without it a worker outlives a batch killed with SIGKILL: it waits forever for its next task,
    and keeps the pool's forkserver (which serves until every process it forked has ended) and
    the resource tracker alive with it. Two guards:

    - on Linux, ``PR_SET_PDEATHSIG``: the kernel kills the worker when its parent dies (the parent
      is the forkserver for a ``forkserver`` pool, the main process for ``fork`` or ``spawn``);
    - a daemon thread that waits for ``main_pid`` to exit (a pidfd on Linux, otherwise a check
      once a second) and then ends the worker at once, wherever it is. The forkserver then sees
      its last client go and exits, and the resource tracker with it.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    try:
        pidfd = os.pidfd_open(main_pid)
    except ProcessLookupError:
        os._exit(1)  # the batch ended before this worker started
    except (AttributeError, OSError):
        pidfd = None  # no pidfds here: poll
    if pidfd is None and not _alive(main_pid):
        os._exit(1)
    threading.Thread(target=_exit_when_gone, args=(main_pid, pidfd), name="coop-agents-watch-batch",
                     daemon=True).start()


def _exit_when_gone(main_pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        import select

        while not select.select([pidfd], [], [])[0]:  # readable once the process has exited
            pass
    else:
        while _alive(main_pid):
            time.sleep(1.0)
    os._exit(1)  # nothing to save: results go to the (gone) main process, never to disk from here


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_chunk(specs: list[RunSpec], outcomes: list[str], series: list[str] | tuple = ()) -> list[dict]:
    """Run a list of runs; one row each, with the error instead of outcomes where a run raised.

    ``series`` names daily series (:attr:`coop_agents.metrics.TimeSeries.SCALARS`) kept per run
    as lists in the columns ``series_<name>`` (row 0 is the state before the first day).
    A module-level function so every executor can ship it to its workers.
    """
    from coop_agents.model import CoordinationModel

    rows = []
    for spec in specs:
        row = {"run_id": spec.run_id, "arm_id": spec.arm_id, "arm": spec.arm, "replicate": spec.replicate,
               "seed": spec.seed, "scenario": spec.scenario, "pattern": spec.pattern,
               **{k: v for k, v in spec.varied.items() if k not in ("scenario", "pattern")}}
        start = time.perf_counter()
        try:
            model = CoordinationModel(spec.scenario, spec.pattern, spec.seed, **spec.overrides)
            out = model.run()
            row.update({o: out[o] for o in outcomes})
            row.update({f"series_{k}": model.series.data[k][: model.series.n].tolist() for k in series})
            row["error"] = None
        except Exception as exc:  # a failing run is data, not the end of the batch
            last = traceback.extract_tb(exc.__traceback__)[-1]
            row.update({o: None for o in outcomes})
            row.update({f"series_{k}": None for k in series})
            row["error"] = f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"
        row["seconds"] = time.perf_counter() - start
        rows.append(row)
    return rows
