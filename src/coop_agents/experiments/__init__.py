"""Batch experiments: definitions, paired replicates, runners, a resumable results store, analysis.

    >>> from coop_agents.experiments import load_experiment, run_batch, analyse
"""

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
from coop_agents.experiments.design import Experiment, experiment_from_dict, load_experiment, replicate_seeds
from coop_agents.experiments.runner import EXECUTORS, BatchInterrupted, BatchReport, run_batch

__all__ = [
    "Experiment",
    "load_experiment",
    "experiment_from_dict",
    "replicate_seeds",
    "run_batch",
    "BatchReport",
    "BatchInterrupted",
    "EXECUTORS",
    "load_results",
    "load_definition",
    "summarise",
    "paired_differences",
    "sensitivity",
    "series_bands",
    "derive_outcomes",
    "DERIVED_OUTCOMES",
    "analyse",
]
