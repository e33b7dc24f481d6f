"""Experiment definitions (XLRM): levers, uncertainties, a design, paired replicates.

An experiment file is TOML::

    name = "pillars_sobol"
    description = "Which pillar matters most."
    seed = 2024                     # master seed: replicate k of EVERY arm uses the same seed
    replicates = 10
    outcomes = ["harm", "response_delay"]   # optional; default: every outcome
    baseline = { pattern = "siloed" }       # optional: the arm others are compared with
    series = ["prevalence", "harm"]         # optional: daily series kept per run (TimeSeries.SCALARS)

    [design]
    kind = "sobol"                  # grid | lhs | sobol | morris
    samples = 64                    # lhs: points; sobol: base N (Saltelli); morris: trajectories
    levels = 4                      # morris only

    [levers]                        # pattern and lever parameters
    pattern = "siloed"              # a scalar is fixed
    technology = { low = 0.0, high = 1.0 }   # a range is sampled by lhs/sobol/morris
    authority = ["street", "district"]       # a list is crossed (every value, every other arm)

    [uncertainties]                 # scenario and scenario parameters
    scenario = "default"
    residents = 1800

Arms are the crossed combinations of lists times the design's sample points; each arm runs
``replicates`` times on the seeds of :func:`replicate_seeds`, the same for every arm (common
random numbers), so differences between arms are paired by replicate.
"""

from coop_agents.experiments.design.experiment import Experiment, Factor, RunSpec, replicate_seeds
from coop_agents.experiments.design.reading import MAX_LEVELS, experiment_from_dict, load_experiment
from coop_agents.experiments.design.samplers import DESIGNS

__all__ = [
    "Experiment",
    "Factor",
    "RunSpec",
    "load_experiment",
    "experiment_from_dict",
    "replicate_seeds",
    "DESIGNS",
    "MAX_LEVELS",
]
