"""What a worker process runs: a chunk of runs, one row each.

Kept apart from the runner, the store and the analysis so that a worker (a process of the pool,
or of a Dask cluster) imports the model and nothing else: no Parquet, no pandas analysis, no
plotting. That is about half a second less start-up for every worker.
"""

from __future__ import annotations

import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coop_agents.experiments.design import RunSpec

__all__ = ["run_chunk"]


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
