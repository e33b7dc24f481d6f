"""The samplers of a design: where in the ranges of the ranged factors the arms sit.

A ``grid`` design samples nothing (it crosses lists only); ``lhs``, ``sobol`` and ``morris`` draw
their points with SALib from a seed derived from the experiment's master seed, so the same
definition always gives the same arms.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DESIGNS", "sample_points"]

DESIGNS = ("grid", "lhs", "sobol", "morris")


def sample_points(design: str, problem: dict, samples: int, levels: int, seed: int) -> np.ndarray:
    """Points of the SALib ``problem`` (one row each) drawn by ``design`` from the master ``seed``."""
    rng_seed = int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])
    if design == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, samples, seed=rng_seed)
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, samples, calc_second_order=False, seed=rng_seed)
    from SALib.sample import morris

    return morris.sample(problem, samples, num_levels=levels, seed=rng_seed)
