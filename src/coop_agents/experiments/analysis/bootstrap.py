"""The percentile bootstrap intervals of every table: an arm's mean, a paired difference, a ratio.

Resamples are drawn from a fixed seed (:data:`BOOTSTRAP_SEED`), so the same results always give
the same intervals; a row's resampled indices depend only on its number of values.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

__all__ = ["CI_LEVEL", "BOOTSTRAP_RESAMPLES", "BOOTSTRAP_SEED", "CI_METHOD"]

CI_LEVEL = 0.95
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20240917  # any fixed number: the intervals of the same results never change
# Resamples evaluated at once: bounds the memory of long batches (fixed, so still deterministic).
_BOOTSTRAP_BATCH = 250
CI_METHOD = (
    f"{CI_LEVEL:.0%} percentile bootstrap ({BOOTSTRAP_RESAMPLES:,} resamples from a fixed seed: "
    "of the runs for an arm's mean, of the pairs for a paired difference)"
)


def _rng() -> np.random.Generator:
    return np.random.default_rng(BOOTSTRAP_SEED)


def _mean_of(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis)


def _ratio_of(arm: np.ndarray, base: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(arm, axis=axis) / np.mean(base, axis=axis) - 1


def _percentile_ci(
    samples: tuple[np.ndarray, ...], statistic, paired: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of ``statistic`` along the last axis of ``samples`` (one row each).

    A row's resampled indices depend only on its number of values, so a row gets the same
    interval alone or with others.
    """
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # scipy warns of a degenerate distribution (all resamples alike), which matters to BCa
        # intervals only: a percentile interval of it is that one value.
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        res = stats.bootstrap(
            samples,
            statistic,
            n_resamples=BOOTSTRAP_RESAMPLES,
            batch=_BOOTSTRAP_BATCH,
            vectorized=True,
            paired=paired,
            axis=-1,
            confidence_level=CI_LEVEL,
            method="percentile",
            rng=_rng(),
        )
    low = np.asarray(res.confidence_interval.low, float)
    high = np.asarray(res.confidence_interval.high, float)
    bad = ~(np.isfinite(low) & np.isfinite(high))  # e.g. a ratio whose resampled baseline was 0
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def _mean_cis(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``values`` (NaN: missing): mean, bootstrap CI low and high, and values counted.

    Rows with fewer than two values have no interval (NaN).
    """
    values = np.atleast_2d(np.asarray(values, float))
    valid = ~np.isnan(values)
    n = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(values, axis=1) / np.maximum(n, 1), np.nan)
    low, high = np.full(len(values), np.nan), np.full(len(values), np.nan)
    complete = (n == values.shape[1]) & (n > 1)
    if complete.any():
        low[complete], high[complete] = _percentile_ci((values[complete],), _mean_of)
    for i in np.flatnonzero(~complete & (n > 1)):
        lo, hi = _percentile_ci((values[i, valid[i]][None, :],), _mean_of)
        low[i], high[i] = lo[0], hi[0]
    return mean, low, high, n


def _ratio_cis(arm: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: mean(arm) / mean(base) - 1 over the pairs where both are defined, with a bootstrap CI.

    Only for outcomes on a ratio scale: NaN where a value is negative or the baseline's mean is
    not above 0; no interval with fewer than two pairs.
    """
    k = len(arm)
    rel, low, high = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
    both = ~np.isnan(arm) & ~np.isnan(base)
    groups: dict[int, list[int]] = {}
    for i in range(k):
        a, b = arm[i, both[i]], base[i, both[i]]
        if a.size == 0 or (a < 0).any() or (b < 0).any() or b.mean() <= 0:
            continue
        rel[i] = a.mean() / b.mean() - 1
        if a.size > 1:
            groups.setdefault(int(a.size), []).append(i)
    for _size, rows in groups.items():  # rows with as many pairs share one vectorised bootstrap
        a = np.stack([arm[i, both[i]] for i in rows])
        b = np.stack([base[i, both[i]] for i in rows])
        low[rows], high[rows] = _percentile_ci((a, b), _ratio_of, paired=True)
    return rel, low, high
