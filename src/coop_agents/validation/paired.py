"""Paired runs and their statistics: the results a stylised fact is made of.

:func:`paired_runs` runs the arms of a fact on the same seeds (common random numbers);
:func:`compare` turns one outcome of two arms into a :class:`Comparison` (the paired difference
with its t interval from :func:`paired_ci`); :class:`Check` holds a criterion that is not an
interval, and :class:`Fact` gathers them. :mod:`coop_agents.mechanisms` builds its findings from
the same pieces.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

__all__ = ["SMALL", "Comparison", "Check", "Fact", "paired_runs", "paired_ci", "compare", "describe"]

# A small world keeps the facts fast: 6 communities of 300 residents, 90 days.
SMALL = dict(residents=1800, street_offices=2, communities_per_street=3, steps=90)


def paired_runs(
    pattern: str,
    arms: dict[str, dict[str, Any]],
    seeds: Iterable[int],
    scenario: str = "default",
    **base: Any,
) -> dict[str, dict[str, np.ndarray]]:
    """Run every arm on the same seeds; return ``{arm: {outcome: array over seeds}}``."""
    from coop_agents import run_once

    seeds = list(seeds)
    out = {}
    for name, overrides in arms.items():
        runs = [run_once(scenario, pattern, seed=s, **{**SMALL, **base, **overrides}) for s in seeds]
        out[name] = {k: np.array([r[k] for r in runs], dtype=float) for k in runs[0]}
    return out


def paired_ci(before, after, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``after - before`` over paired seeds (pairs with a NaN left out) and its t interval."""
    d = np.asarray(after, float) - np.asarray(before, float)
    d = d[~np.isnan(d)]
    if d.size < 2:
        return (float(d.mean()) if d.size else math.nan), math.nan, math.nan
    half = stats.t.ppf(0.5 + level / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


@dataclass(frozen=True)
class Comparison:
    """``after - before`` of one outcome over paired seeds, and the sign the fact expects.

    ``holds`` is true when the 95% interval excludes 0 on the expected side (``higher``: its low
    end is above 0; ``lower``: its high end is below 0). An outcome the model does not produce
    gives NaN, which never holds.
    """

    outcome: str
    before: str
    after: str
    expect: str  # "higher" | "lower": the sign of after - before the fact predicts
    mean: float
    low: float
    high: float
    pairs: int
    what: str = ""  # what is compared when it is not the outcome itself (e.g. a gap between profiles)

    @property
    def holds(self) -> bool:
        return bool(self.low > 0) if self.expect == "higher" else bool(self.high < 0)


@dataclass(frozen=True)
class Check:
    """A criterion of a fact that is not a paired interval (a ratio, a share, a test)."""

    label: str
    value: str
    holds: bool


@dataclass
class Fact:
    """One stylised fact: what it claims, the world it is tested in, and its results."""

    key: str
    number: int
    claim: str
    setting: str
    seeds: int
    comparisons: list[Comparison] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)  # other numbers the checks used

    @property
    def holds(self) -> bool:
        return all(c.holds for c in self.comparisons) and all(c.holds for c in self.checks)

    def comparison(self, outcome: str, before: str | None = None, after: str | None = None) -> Comparison:
        """The comparison of ``outcome`` (between ``before`` and ``after`` when several compare it)."""
        for c in self.comparisons:
            if c.outcome == outcome and before in (None, c.before) and after in (None, c.after):
                return c
        raise KeyError(f"fact {self.key} compares no {outcome!r} ({before} -> {after})")


def compare(runs: dict, outcome: str, before: str, after: str, expect: str, what: str = "") -> Comparison:
    """``after - before`` of ``outcome`` over the paired seeds of ``runs`` ({arm: {outcome: array}})."""
    if outcome not in runs[before] or outcome not in runs[after]:
        return Comparison(outcome, before, after, expect, math.nan, math.nan, math.nan, 0, what)
    a, b = runs[before][outcome], runs[after][outcome]
    mean, low, high = paired_ci(a, b)
    pairs = int(np.sum(~np.isnan(np.asarray(b, float) - np.asarray(a, float))))
    return Comparison(outcome, before, after, expect, mean, low, high, pairs, what)


def describe(pattern: str, seeds: list[int], **extra: Any) -> str:
    """The world a fact is tested in, as the document states it."""
    world = {**SMALL, **extra}
    text = ", ".join(f"{k} = {v}" for k, v in world.items())
    return f"`{pattern}` pattern, default scenario with {text}"
