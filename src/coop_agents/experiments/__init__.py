"""Batch experiments: definitions, paired replicates, runners, a resumable results store, analysis.

    >>> from coop_agents.experiments import load_experiment, run_batch, analyse

The names below are loaded on first use (PEP 562): a worker process that only needs
:func:`coop_agents.experiments.worker.run_chunk` then imports the model, not pandas' analysis,
plotting and Parquet, which would add half a second to every worker's start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> the module of this package that defines it
_WHERE = {
    "Experiment": "design",
    "load_experiment": "design",
    "experiment_from_dict": "design",
    "replicate_seeds": "design",
    "run_batch": "runner",
    "BatchReport": "runner",
    "BatchInterrupted": "runner",
    "EXECUTORS": "runner",
    "load_results": "analysis",
    "load_definition": "analysis",
    "summarise": "analysis",
    "paired_differences": "analysis",
    "sensitivity": "analysis",
    "series_bands": "analysis",
    "derive_outcomes": "analysis",
    "DERIVED_OUTCOMES": "analysis",
    "analyse": "analysis",
}

__all__ = list(_WHERE)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from coop_agents.experiments.analysis import (
        DERIVED_OUTCOMES,
        analyse,
        derive_outcomes,
        load_definition,
        load_results,
        paired_differences,
        sensitivity,
        series_bands,
        summarise,
    )
    from coop_agents.experiments.design import (
        Experiment,
        experiment_from_dict,
        load_experiment,
        replicate_seeds,
    )
    from coop_agents.experiments.runner import EXECUTORS, BatchInterrupted, BatchReport, run_batch


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
