"""Batch runner speed: a process pool against serial, and the per-run overhead of Dask.

    .venv/bin/python benchmarks/batch.py            # about two minutes on 2 cores
    .venv/bin/python benchmarks/batch.py --quick    # a smoke run

Both comparisons run in this one script, one after the other, so they share the machine's
state; ratios are what to quote. Each batch writes to a fresh temporary folder through the same
``run_batch`` that ``coop-agents batch`` uses (results store included), with the progress bar off.

1. ``runs`` small runs (``--residents``, default 5,000, 120 days) serially and on a local pool of ``workers``
   processes: the speed-up (target at least 1.7 on 2 cores).
2. ``tiny`` near-empty runs (one day of a 60-resident district) serially, on the process pool and
   on a local Dask cluster: the extra wall time per run over serial is each executor's overhead
   per run (task shipping, scheduling, result return; pool start-up included).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from coop_agents.experiments import load_experiment, run_batch

EXPERIMENT = """
name = "bench_{name}"
seed = 1
replicates = {replicates}
outcomes = ["harm", "response_delay"]
[levers]
pattern = ["siloed", "full_cycle"]
[uncertainties]
residents = {residents}
street_offices = 1
communities_per_street = {communities}
steps = {steps}
"""


def timed_batch(text: str, executor: str, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exp.toml"
        path.write_text(text)
        exp = load_experiment(path)
        start = time.perf_counter()
        report = run_batch(exp, Path(tmp) / "out", executor=executor, workers=workers, progress=False)
        seconds = time.perf_counter() - start
        if report.failed or report.ran != len(exp.runs()):
            raise SystemExit(f"benchmark batch {executor} did not finish cleanly: {report}")
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--residents",
        type=int,
        default=5000,
        help="residents per small run (default 5,000, the size of the ready experiments)",
    )
    args = parser.parse_args()
    runs, tiny = (8, 8) if args.quick else (120, 200)
    small = EXPERIMENT.format(
        name="small",
        replicates=runs // 2,
        residents=args.residents,
        communities=3,
        steps=30 if args.quick else 120,
    )
    near_empty = EXPERIMENT.format(name="tiny", replicates=tiny // 2, residents=60, communities=1, steps=1)
    rows = []
    serial = timed_batch(small, "serial", 1)
    pool = timed_batch(small, "processes", args.workers)
    rows.append((f"{runs} small runs", "serial", serial, runs, ""))
    rows.append(
        (f"{runs} small runs", f"processes x{args.workers}", pool, runs, f"speed-up {serial / pool:.2f}x")
    )
    base = timed_batch(near_empty, "serial", 1)
    rows.append((f"{tiny} near-empty runs", "serial", base, tiny, ""))
    for executor in ("processes", "dask"):
        seconds = timed_batch(near_empty, executor, args.workers)
        per_run_ms = 1000 * (seconds - base) / tiny
        rows.append(
            (
                f"{tiny} near-empty runs",
                f"{executor} x{args.workers}",
                seconds,
                tiny,
                f"overhead {per_run_ms:+.1f} ms/run",
            )
        )
    print(f"{'case':24s} {'executor':14s} {'wall s':>8s} {'runs/s':>8s}  note")
    for case, executor, seconds, n, note in rows:
        print(f"{case:24s} {executor:14s} {seconds:8.2f} {n / seconds:8.1f}  {note}")


if __name__ == "__main__":
    main()
