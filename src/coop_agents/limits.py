"""Sizes a run, batch or brief may have, and the memory it needs: checked before any work starts.

Every entry point that starts long work (``coop-agents run``, ``batch``, ``brief``, loading an
experiment, loading a GraphML structure) calls :func:`check_plan` (or the file checks of
:mod:`coop_agents.file_checks`, re-exported here) first, so an absurd size is refused in one line,
naming the value, the limit and the largest size that fits, instead of filling the memory or
hanging while seeds or design points are generated.

Measured memory (Python 3.12.1, numpy 2, networkx 3, Mesa 3.5.1; Linux x86-64, 2 cores; peak
RSS from ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, in KiB, of a fresh process that imports
``coop_agents.model`` and runs ``CoordinationModel("default", "siloed", 0, residents=N, steps=100,
run_until="steps").run()``), on 2 December, after residents left the networkx graph for arrays
(the district: :class:`coop_agents.network.District`):

==========  ==================  =====================================================
residents   peak RSS            note
==========  ==================  =====================================================
0           164,868 KiB         the interpreter with the model imported
20,000      177,224 KiB         with its 20,000 Resident agents (below RESIDENT_AGENTS_MAX)
100,000     200,132 KiB
300,000     267,112 KiB
1,000,000   498,036 KiB         (it was 2.96 GiB with residents as graph nodes)
==========  ==================  =====================================================

A straight line through 100,000 and 1,000,000 residents: 339 bytes per resident on top of about
160 MiB (before: 2,940, most of it networkx's node and edge dictionaries); the number of days
hardly matters (the time series are per community). A batch worker keeps the districts it built
for later runs on the same seed (at most 8, and at most a quarter of the free memory; see
:mod:`coop_agents.experiments.worker`). Loading a GraphML structure of listed residents takes about
20 bytes of memory per byte of the file (10,000 residents: an 11.5 MB file, 225 MiB more at the
peak; 50,000: a 58 MB file, 1.1 GiB more), and such a file has about 1.2 KB per resident; a
workbook or a GraphML file of synthetic residents (counts and shares) is a few KB per community.
One planned run of a batch (its ``RunSpec`` in the runner's lists and the store's set of finished
runs) takes about 1 KB in the batch's main process (405 bytes measured with ``tracemalloc`` for the
``RunSpec`` list alone).

To measure again (numbers change with the libraries)::

    for n in 0 100000 1000000; do
      .venv/bin/python -c "import resource, sys; from coop_agents.model import CoordinationModel as M; \\
    n = int(sys.argv[1]); n and M('default', 'siloed', 0, residents=n, steps=100, run_until='steps').run(); \\
    print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)" $n
    done

(or ``/usr/bin/time -v`` around the same command: "Maximum resident set size"; or the process's
own ``VmHWM`` in ``/proc/self/status``, which gave 221,368 and 450,020 KiB at 20,000 and 100,000
residents, run until the event was over, with residents as graph nodes). Run it from a shell, not from a large Python process:
Linux carries the parent's peak into a child's ``ru_maxrss`` across ``fork`` and ``exec``. Then set
:data:`BASE_BYTES` to the first figure (KiB x 1024) and :data:`BYTES_PER_RESIDENT` to the slope
between the other two; ``tests/test_limits.py`` checks the figures against a fresh measurement.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from coop_agents.errors import CoopError

# The checks of file and folder names live in their own module; they stay importable from here.
from coop_agents.file_checks import (
    check_input_file,
    check_name,
    check_output_dir,
    check_output_file,
    check_results_dir,
)

__all__ = [
    "BASE_BYTES",
    "BYTES_PER_PLANNED_RUN",
    "BYTES_PER_RESIDENT",
    "GRAPHML_BYTES_PER_FILE_BYTE",
    "MAX_ARMS",
    "MAX_DESIGN_POINTS",
    "MAX_GRAPHML_BYTES",
    "MAX_REPLICATES",
    "MAX_RESIDENTS",
    "MAX_RUNS",
    "MAX_SEED",
    "MAX_TABLE_ROWS",
    "MAX_TOML_BYTES",
    "MAX_WORKBOOK_BYTES",
    "MAX_WORKBOOK_UNPACKED",
    "RESIDENT_AGENTS_MAX",
    "MAX_WORKERS",
    "MEMORY_ENV",
    "available_memory",
    "check_count",
    "check_input_file",
    "check_name",
    "check_output_dir",
    "check_output_file",
    "check_plan",
    "check_results_dir",
    "check_run",
    "check_scheduler",
    "design_points",
    "run_bytes",
    "series_bytes",
]

# --- measured (see the module docstring) ---------------------------------------------------------
BASE_BYTES = 162 * 2**20  # a process with the model imported
BYTES_PER_RESIDENT = 340  # one run's district (arrays, contact matrix) and resident state, per resident
BYTES_PER_PLANNED_RUN = 1_000  # a planned run in the batch's main process
BYTES_PER_RUN_KEPT = 4_000  # `run` keeps each replicate's outcomes and events until it prints
GRAPHML_BYTES_PER_FILE_BYTE = 20  # peak memory of load_graphml per byte of the file

# --- limits ----------------------------------------------------------------------------------------
MAX_REPLICATES = 100_000  # paired replicates of one arm (seeds are made one by one)
MAX_ARMS = 100_000  # arms of a design (crossed values x sample points)
MAX_DESIGN_POINTS = MAX_ARMS  # rows a sampler (lhs, sobol, morris) is asked for
MAX_RUNS = 1_000_000  # runs of one batch (arms x replicates)
MAX_RESIDENTS = 1_000_000  # residents of one district (about 0.5 GB for one run), a large urban district
MAX_WORKERS = 1024  # worker processes of a batch or brief (memory usually binds well before)
MAX_SEED = 2**63 - 1  # seeds are stored as 64-bit integers
MAX_TOML_BYTES = 10 * 2**20  # a scenario, pattern or experiment file
MAX_GRAPHML_BYTES = 2 * 2**30  # a structure file (about 1.7 M residents; 40 GB to load)
MAX_WORKBOOK_BYTES = 50 * 2**20  # a district workbook or CSV file (a 156-community district is about 30 KB)
MAX_WORKBOOK_UNPACKED = 500 * 2**20  # what a workbook (a zip archive) may unpack to
MAX_TABLE_ROWS = 100_000  # rows of one sheet of a district workbook
RESIDENT_AGENTS_MAX = 25_000  # up to this many residents, a model makes its Resident agents at the start
MEMORY_SHARE = 0.8  # share of the available memory a plan may use
MEMORY_ENV = "COOP_AGENTS_MEMORY"  # e.g. "8G": the memory this program may count on


def _gb(n: float) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


def _parse_size(text: str) -> int | None:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", text, re.IGNORECASE)
    if not m:
        return None
    return int(float(m.group(1)) * 1024 ** " kmgt".index(m.group(2).lower() or " "))


def available_memory() -> int | None:
    """Bytes of memory this process may still count on, or ``None`` if that cannot be told.

    ``COOP_AGENTS_MEMORY`` (bytes, or with K, M, G, T) overrides it, e.g. on a shared machine.
    Otherwise the smallest of the kernel's ``MemAvailable`` and a cgroup's remaining limit (a
    container), falling back on psutil and then on ``os.sysconf``.
    """
    env = os.environ.get(MEMORY_ENV)
    if env:
        size = _parse_size(env)
        if size is None:
            raise CoopError(
                f"{MEMORY_ENV}={env!r}: not a size; expected bytes or a number with K, M or G, e.g. 8G"
            )
        return size
    found: list[int] = []
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
            found.append(max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    if not found:
        try:
            import psutil

            found.append(int(psutil.virtual_memory().available))
        except (ImportError, OSError, RuntimeError, AttributeError):  # no psutil, or it cannot read: ask libc
            try:
                found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
            except (ValueError, OSError, AttributeError):
                return None
    return min(found)


def run_bytes(residents: int) -> int:
    """Peak memory of one run with ``residents`` residents, in a process of its own."""
    return BASE_BYTES + BYTES_PER_RESIDENT * max(0, residents)


def series_bytes(steps: int, communities: int) -> int:
    """Memory of one run's daily time series as a DataFrame (``run --out`` keeps one per replicate)."""
    return (steps + 1) * (communities + 24) * 8 * 2


def check_count(name: str, value: int, limit: int, where: str = "", low: int = 1, unit: str = "") -> int:
    """Refuse an integer outside ``low..limit`` in one line; return it."""
    origin = f" {where}" if where else ""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CoopError(f"{name}={value!r}{origin}: expected an integer from {low:,} to {limit:,}")
    if value < low:
        raise CoopError(f"{name}={value:,}{origin}: expected an integer of at least {low:,}")
    if value > limit:
        raise CoopError(
            f"{name}={value:,}{origin}: above the limit of {limit:,}{unit}; "
            f"the largest that fits is {limit:,}"
        )
    return value


def check_plan(
    where: str,
    *,
    replicates: int,
    arms: int = 1,
    residents: int = 4800,
    workers: int = 0,
    kept_per_run: int = 0,
    remote: bool = False,
    replicates_name: str = "replicates",
) -> None:
    """Check a planned run, batch or brief before any work starts; raise :class:`CoopError` if it cannot fit.

    Args:
        where: what the plan came from, named in the message (e.g. ``"in exp.toml"``).
        replicates: paired replicates of each arm.
        arms: arms of the design (patterns compared, crossed values x sample points).
        residents: the largest district of any arm.
        workers: worker processes running models at once; 0: the runs run in this process.
        kept_per_run: bytes this process keeps of each finished run until the end (``run``).
        remote: the runs execute elsewhere (a Dask cluster): only this process's share is checked.
        replicates_name: how the message names the replicates (e.g. ``--replicates``).

    The message names the value, the limit, and the largest size that fits.
    """
    check_count(replicates_name, replicates, MAX_REPLICATES, where, unit=" replicates")
    if arms > MAX_ARMS:
        raise CoopError(
            f"the design {where} has {arms:,} arms: above the limit of {MAX_ARMS:,} arms; "
            f"use fewer sample points or shorter lists (the largest that fits is {MAX_ARMS:,} arms)"
        )
    runs = arms * replicates
    if runs > MAX_RUNS:
        raise CoopError(
            f"{replicates_name}={replicates:,} {where} makes {runs:,} runs ({arms:,} arms x "
            f"{replicates:,}): above the limit of {MAX_RUNS:,} runs; the largest that fits is "
            f"{replicates_name}={max(1, MAX_RUNS // arms):,}"
        )
    if residents > MAX_RESIDENTS:
        raise CoopError(
            f"residents={residents:,} {where}: above the limit of {MAX_RESIDENTS:,} residents; "
            f"the largest that fits is {MAX_RESIDENTS:,}"
        )
    available = available_memory()
    if available is None:
        return
    budget = MEMORY_SHARE * available
    per_run = BYTES_PER_PLANNED_RUN + kept_per_run
    procs = 0 if remote or workers == 0 else min(workers, runs)
    copies = 0 if remote else max(procs, 1)  # districts in memory at once
    fixed = BASE_BYTES * (1 + procs) + runs * per_run
    need = fixed + copies * BYTES_PER_RESIDENT * residents
    if need <= budget:
        return
    have = (
        f"needs about {_gb(need)} of memory, but {_gb(available)} is available "
        f"({int(MEMORY_SHARE * 100)}% may be used)"
    )
    with_workers = f" with {procs} worker processes" if procs > 1 else ""
    fewer = " (or give fewer --workers)" if procs > 1 else ""
    if copies and fixed + copies * BYTES_PER_RESIDENT * 20 <= budget:
        fit = int((budget - fixed) // (copies * BYTES_PER_RESIDENT))
        raise CoopError(
            f"residents={residents:,} {where}{with_workers} {have}; the largest that fits is "
            f"residents={fit:,}{fewer}"
        )
    small = BASE_BYTES * (1 + procs) + copies * BYTES_PER_RESIDENT * residents
    fit_runs = int((budget - small) // per_run) if budget > small else 0
    if fit_runs >= arms:
        raise CoopError(
            f"{replicates_name}={replicates:,} {where} ({runs:,} runs){with_workers} {have}; "
            f"the largest that fits is {replicates_name}={fit_runs // arms:,}{fewer}"
        )
    fit_workers = (
        int((budget - BASE_BYTES - runs * per_run) // (BASE_BYTES + BYTES_PER_RESIDENT * residents))
        if procs
        else 0
    )
    if procs and fit_workers >= 1:
        raise CoopError(f"--workers {procs} {where} {have}; the largest that fits is --workers {fit_workers}")
    raise CoopError(
        f"the plan {where} ({runs:,} runs of {residents:,} residents) {have}; "
        f"free memory or plan a smaller experiment"
    )


def design_points(kind: str, samples: int, ranged: int) -> int:
    """Rows a sampler returns: lhs N, sobol (first order) N(D+2), morris N(D+1); grid: one point."""
    if kind == "grid" or ranged == 0:
        return 1
    if kind == "lhs":
        return samples
    if kind == "sobol":
        return samples * (ranged + 2)
    if kind == "morris":
        return samples * (ranged + 1)
    raise ValueError(kind)


_SCHEDULER = re.compile(
    r"(?:(tcp|tls|ws|wss|ucx)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r":(\d{1,5})"
)


def check_scheduler(address: str) -> str:
    """Refuse a Dask scheduler address that is not ``[tcp|tls|ws|wss|ucx://]HOST:PORT``, before connecting."""
    m = _SCHEDULER.fullmatch(address)
    if not m or not 1 <= int(m.group(3)) <= 65535:
        raise CoopError(
            f"--scheduler {address!r}: not a scheduler address; expected [tcp://]HOST:PORT "
            f"(or tls://, ws://, wss://, ucx://) with a port from 1 to 65535, e.g. tcp://10.0.0.5:8786"
        )
    return address


def check_run(configs, replicates: int, keep_series: bool, where: str = "on the command line") -> None:
    """:func:`check_plan` for ``coop-agents run``: the patterns' configurations, replicates, ``--out``.

    ``run`` keeps every replicate's outcomes (and, with ``--out``, its daily series) until a
    pattern is done, and runs the models in this process.
    """
    largest = max(configs, key=lambda c: c.residents)
    kept = BYTES_PER_RUN_KEPT + (
        series_bytes(largest.steps, largest.street_offices * largest.communities_per_street)
        if keep_series
        else 0
    )
    check_plan(
        where,
        replicates=replicates,
        arms=len(configs),
        residents=largest.residents,
        workers=0,
        kept_per_run=kept,
        replicates_name="--replicates",
    )
