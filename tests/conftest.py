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


def _paired_results(values, patterns=("siloed", "full_cycle"), scenario="default"):
    """Results of paired runs as a batch stores them, one row per run: ``values[outcome][arm][replicate]``,
    arm i running ``patterns[i]`` on ``scenario``, replicate k on seed 100 + k."""
    import pandas as pd

    rows = []
    n = len(next(iter(values.values()))[0])
    for arm_id, pattern in enumerate(patterns):
        for rep in range(n):
            row = {
                "run_id": f"{arm_id}:{rep}",
                "arm_id": arm_id,
                "arm": f"pattern={pattern}",
                "replicate": rep,
                "seed": 100 + rep,
                "scenario": scenario,
                "pattern": pattern,
                "error": None,
                "seconds": 0.1,
            }
            row.update({o: float(v[arm_id][rep]) for o, v in values.items()})
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")  # session: usable in Hypothesis tests (it holds no state)
def paired_results():
    """Builds the results of paired runs from given outcomes (see :func:`_paired_results`)."""
    return _paired_results


# The small grid the batch suites run: two patterns times two technologies on one street.
_GRID_TRIAL = """
name = "grid_trial"
seed = 11
replicates = {replicates}
{baseline}outcomes = ["harm", "response_delay", "messages"]
[levers]
pattern = ["siloed", "full_cycle"]
technology = [0.1, 0.6]
[uncertainties]
residents = {residents}
street_offices = 1
communities_per_street = 4
steps = {steps}
{until}"""


def _grid_trial(replicates, residents, steps, baseline=True, every_day=False):
    """The grid trial's experiment file; ``baseline``: the siloed pattern is the baseline;
    ``every_day``: every run lasts ``steps`` days (``run_until = "steps"``) instead of ending with
    its epidemic, so that a batch's length does not depend on how soon its epidemics die out."""
    line = 'baseline = { pattern = "siloed" }\n' if baseline else ""
    until = 'run_until = "steps"\n' if every_day else ""
    return _GRID_TRIAL.format(
        replicates=replicates, residents=residents, steps=steps, baseline=line, until=until
    )


@pytest.fixture(scope="session")
def grid_trial():
    """The text of the grid trial's experiment file for given sizes (see :func:`_grid_trial`)."""
    return _grid_trial
