"""Scenario discovery: under which conditions does an outcome turn bad?

The runs of a batch are split into *cases* (the outcome is worse than a threshold: above it for
an outcome where lower is better, below it where higher is better, as the outcome registry
says) and the others. Two rule-induction methods then describe the cases by the factors the
experiment varied:

- **PRIM** (the EMA Workbench's :class:`ema_workbench.analysis.prim.Prim`) peels the space of
  factors, a thin slice at a time, towards a box where cases are dense. Every step of its
  *peeling trajectory* trades **coverage** (the share of all cases inside the box) for
  **density** (the share of runs inside the box that are cases). One box of the trajectory is
  chosen (:func:`choose_box`) and its limits are written in plain words, in English and Chinese.
- **CART** (scikit-learn's :class:`~sklearn.tree.DecisionTreeClassifier`) splits the runs into
  leaves, each a box of its own; a second view of the same question.

Each run is one row (its replicate's seed is part of the noise PRIM has to see through), so a
density is a share of *runs*. With ``arm`` the runs are first narrowed to one value of a crossed
factor, e.g. ``pattern=siloed``.

Example (the numbers of a run of ``experiments/siloed_conditions.toml``)::

    >>> d = discover("results/siloed_conditions", "harm", worse_than=0.8)   # doctest: +SKIP
    >>> d.sentence("en")                                                    # doctest: +SKIP
    'Residents harmed is above 312 residents in 83% of the runs where ...'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.exploration._common import check_outcome, load
from coop_agents.exploration.discovery.cart import CART_DEPTH, _cart
from coop_agents.exploration.discovery.prim import (
    MASS_MIN,
    MIN_COVERAGE,
    SIGNIFICANCE,
    _limits,
    _prim,
    choose_box,
)
from coop_agents.exploration.discovery.result import Discovery
from coop_agents.exploration.discovery.runs import cases_of, factor_frame, select_runs
from coop_agents.exploration.discovery.words import Condition

__all__ = [
    "CART_DEPTH",
    "MASS_MIN",
    "MIN_COVERAGE",
    "SIGNIFICANCE",
    "Condition",
    "Discovery",
    "cases_of",
    "choose_box",
    "discover",
    "factor_frame",
    "select_runs",
]


def discover(
    results: str | Path | pd.DataFrame,
    outcome: str,
    worse_than: float | None = None,
    threshold: float | None = None,
    arm: str | None = None,
    side: str | None = None,
    box: int | None = None,
    min_coverage: float = MIN_COVERAGE,
    significance: float | None = SIGNIFICANCE,
    definition: dict | None = None,
) -> Discovery:
    """PRIM boxes and a CART tree of the runs where ``outcome`` is worse than a threshold.

    Args:
        results: a results folder of ``coop-agents batch`` (or its DataFrame, see
            :func:`coop_agents.experiments.load_results`).
        outcome: an outcome the results kept.
        worse_than: a share Q (0..1): cases are the runs worse than a share Q of all runs
            (default 0.8, the worst 20%).
        threshold: cases are the runs worse than this value (instead of ``worse_than``).
        arm: only the runs of one value of a crossed factor, ``factor=value`` (``pattern=siloed``)
            or just the value.
        side: ``above`` or ``below``: overrides the registry's direction (needed for an outcome
            with none).
        box: the box of the peeling trajectory to describe as it is (default: :func:`choose_box`,
            then without its weak limits).
        significance: limits of the chosen box whose quasi-p value (the Workbench's one-sided
            binomial test of whether the limit raises the density) is above it are dropped, and
            the box without them is described; None keeps every limit.

    Raises:
        CoopError: an outcome not in the results, a threshold outside the data, an unknown arm,
            nothing varied.
    """
    res = load(results, definition)
    check_outcome(res, outcome)
    runs, subset = select_runs(res, arm)
    runs = runs[runs[outcome].notna()]
    if runs.empty:
        raise CoopError(f"--outcome {outcome}: n/a in every run of {subset}")
    x = factor_frame(res, runs)
    y = runs[outcome].astype(float).reset_index(drop=True)
    cases, thr, side, rule = cases_of(y, outcome, worse_than, threshold, side, subset)
    trajectory, lims, pvalues, chosen, origin = _prim(x, cases, box, min_coverage, significance)
    limits, conds = _limits(x, lims, pvalues, chosen)
    leaves, text, tree = _cart(x, cases)
    data = x.assign(**{outcome: y, "case": cases})
    return Discovery(
        outcome,
        side,
        thr,
        rule,
        subset,
        data,
        list(x.columns),
        trajectory,
        chosen,
        limits,
        leaves,
        text,
        where=res.where,
        conditions=conds,
        origin=origin,
        _tree=tree,
    )
