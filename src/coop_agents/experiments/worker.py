"""What a worker process runs: a chunk of runs, one row each.

Kept apart from the runner, the store and the analysis so that a worker (a process of the pool,
or of a Dask cluster) imports the model and nothing else: no Parquet, no pandas analysis, no
plotting. That is about half a second less start-up for every worker.

A worker of the process pool also ends when the batch's main process ends, however it ends
(``kill -9`` included; see :func:`init_worker`), so no worker, forkserver or resource tracker is
left behind.

Worlds are reused: the arms of a replicate run on the same seed, so on the same district and the
same hazard draws (common random numbers). A worker builds a district once for its seed (or reads
a structure file once) and keeps it (:func:`district_of`); every run on it gets a fresh model (its
resident and community state, organisations, message bus and hazard). Nothing is shipped per
run: on the process pool and on Dask alike, each worker builds (or reads) the districts of the
runs it is given, and the runner hands a worker the arms of one replicate together. The results
are those of building every run's district from scratch (``reuse=False``), bit for bit.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coop_agents.experiments.design import RunSpec

__all__ = ["run_chunk", "init_worker", "district_of", "district_key"]

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
    threading.Thread(
        target=_exit_when_gone, args=(main_pid, pidfd), name="coop-agents-watch-batch", daemon=True
    ).start()


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


def run_chunk(
    specs: list[RunSpec], outcomes: list[str], series: list[str] | tuple = (), reuse: bool = True
) -> list[dict]:
    """Run a list of runs; one row each, with the error instead of outcomes where a run raised.

    ``series`` names daily series (:attr:`coop_agents.metrics.TimeSeries.SCALARS`) kept per run
    as lists in the columns ``series_<name>`` (row 0 is the state before the first day).
    With ``reuse`` (the default) runs on the same district and seed share one built district
    (:func:`district_of`): the arms of a replicate face the same district and the same draws
    (common random numbers), so each gets a fresh model on the district built once, with results
    identical to building it per run. Resident agents are not made (nothing of a batch reads them).
    A module-level function so every executor can ship it to its workers.
    """
    from coop_agents.model import CoordinationModel

    rows = []
    for spec in specs:
        row = {
            "run_id": spec.run_id,
            "arm_id": spec.arm_id,
            "arm": spec.arm,
            "replicate": spec.replicate,
            "seed": spec.seed,
            "scenario": spec.scenario,
            "pattern": spec.pattern,
            **{k: v for k, v in spec.varied.items() if k not in ("scenario", "pattern")},
        }
        start = time.perf_counter()
        try:
            graph = district_of(spec) if reuse else None
            model = CoordinationModel(
                spec.scenario,
                spec.pattern,
                spec.seed,
                graph=graph,
                resident_agents=False if reuse else None,
                **spec.overrides,
            )
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


# Districts this worker has built, newest last: (what the district depends on) -> District.
_DISTRICTS: OrderedDict = OrderedDict()
KEEP_DISTRICTS = 8  # at most this many, and at most DISTRICT_MEMORY_SHARE of the free memory
DISTRICT_MEMORY_SHARE = 0.25


def district_key(config, scenario, seed: int) -> tuple:
    """What a run's district depends on: the builder's sizes and the seed; for a structure file, the
    file, the shares a synthetic population is drawn with and the seed; for a file of listed
    residents the file alone (the same district for every seed)."""
    from coop_agents.network import DistrictSpec

    if scenario.structure is None:
        return ("built", DistrictSpec.from_config(config), seed)
    from coop_agents.district.files import _key

    file = _key(Path(scenario.structure))
    if scenario.population == "listed":
        return ("listed", file)
    return ("synthetic", file, config.cross_community_ties, config.party_member_share, seed)


def district_of(spec: RunSpec):
    """The district of a run, built (or read) once per worker and kept for the runs that share it."""
    from coop_agents.limits import available_memory
    from coop_agents.model import resolve
    from coop_agents.network import district_for
    from coop_agents.rng import make_streams

    config, sc, _ = resolve(spec.scenario, spec.pattern, **spec.overrides)
    key = district_key(config, sc, spec.seed)
    found = _DISTRICTS.get(key)
    if found is not None:
        _DISTRICTS.move_to_end(key)
        return found
    # The stream a run would build its own district from: the same draws, so the same district.
    district = district_for(config, sc.structure, make_streams(spec.seed)["network"])
    _DISTRICTS[key] = district
    free = available_memory()
    budget = DISTRICT_MEMORY_SHARE * free if free is not None else float("inf")
    while len(_DISTRICTS) > 1 and (
        len(_DISTRICTS) > KEEP_DISTRICTS or sum(d.nbytes for d in _DISTRICTS.values()) > budget
    ):
        _DISTRICTS.popitem(last=False)
    return district
