"""Shared helpers for the statistical tests: paired runs over common seeds and paired CIs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from coop_agents import run_once

# A small world keeps the statistical tests fast: 6 communities of 300 residents, 90 days.
SMALL = dict(residents=1800, street_offices=2, communities_per_street=3, steps=90)


def paired_runs(pattern, arms, seeds, scenario="default", **base):
    """Run every arm on the same seeds; return {arm: {outcome: array over seeds}}."""
    out = {}
    for name, overrides in arms.items():
        runs = [run_once(scenario, pattern, seed=s, **{**SMALL, **base, **overrides}) for s in seeds]
        out[name] = {k: np.array([r[k] for r in runs]) for k in runs[0]}
    return out


def paired_ci(before, after, level=0.95):
    """Mean of ``after - before`` over paired seeds and its t confidence interval."""
    d = np.asarray(after, float) - np.asarray(before, float)
    d = d[~np.isnan(d)]
    half = stats.t.ppf(0.5 + level / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return d.mean(), d.mean() - half, d.mean() + half


@pytest.fixture
def restore_hazards():
    """Hazards a test registers are removed again (the scenario key ``hazard`` follows the registry)."""
    from coop_agents.hazards import HAZARDS

    saved = dict(HAZARDS)
    yield
    HAZARDS.clear()
    HAZARDS.update(saved)


@pytest.fixture
def paired():
    return paired_runs, paired_ci
