"""The EMA Workbench adapter: parameters from the parameter table, outcomes from the registry."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from coop_agents import ema
from coop_agents.config import PARAMETERS
from coop_agents.errors import CoopError
from coop_agents.experiments import replicate_seeds
from coop_agents.model import run_once
from coop_agents.outcome_registry import OUTCOMES

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import ema_workbench as ew

TINY = {"residents": 200, "street_offices": 1, "communities_per_street": 2}


def test_the_model_takes_its_inputs_from_the_parameter_table_and_outcomes_from_the_registry():
    m = ema.model(
        "default",
        "siloed",
        uncertainties={"transmission": (0.03, 0.1), "profile": ["urban", "rural"]},
        levers=["pattern", "technology", "vulnerable_registry"],
        **TINY,
    )
    unc = {u.name: u for u in m.uncertainties}
    assert (unc["transmission"].lower_bound, unc["transmission"].upper_bound) == (0.03, 0.1)
    assert isinstance(unc["profile"], ew.CategoricalParameter)
    levers = {lv.name: lv for lv in m.levers}
    assert isinstance(levers["technology"], ew.RealParameter)
    assert (levers["technology"].lower_bound, levers["technology"].upper_bound) == (
        PARAMETERS["technology"].low,
        PARAMETERS["technology"].high,
    )
    assert isinstance(levers["vulnerable_registry"], ew.BooleanParameter)
    assert isinstance(levers["pattern"], ew.CategoricalParameter)
    kinds = {
        "lower": ew.ScalarOutcome.MINIMIZE,
        "higher": ew.ScalarOutcome.MAXIMIZE,
        "neither": ew.ScalarOutcome.INFO,
    }
    assert [o.name for o in m.outcomes] == list(OUTCOMES)
    assert all(o.kind == kinds[OUTCOMES[o.name].better] for o in m.outcomes)
    defaults = ema.model(**TINY)
    assert all(PARAMETERS[u.name].role == "scenario" for u in defaults.uncertainties)
    assert all(PARAMETERS[lv.name].role == "lever" for lv in defaults.levers)


def test_perform_experiments_runs_coop_agents_on_paired_seeds():
    outcomes = ["harm", "response_delay"]
    m = ema.model(
        "default",
        "siloed",
        uncertainties={"transmission": (0.05, 0.12), "initial_cases": (1, 8)},
        levers=["pattern"],
        outcomes=outcomes,
        replicates=2,
        seed=3,
        **TINY,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ew.SequentialEvaluator(m) as evaluator:
            experiments, results = ew.perform_experiments(
                m,
                scenarios=3,
                policies=2,
                evaluator=evaluator,
                uncertainty_sampling_kwargs={"rng": 7},
                lever_sampling_kwargs={"rng": 8},
            )
    assert len(experiments) == 6 and set(results) == set(outcomes)
    seeds = replicate_seeds(3, 2)
    for i in (0, 5):
        row = experiments.iloc[i]
        runs = [
            run_once(
                "default",
                str(row["pattern"]),
                s,
                transmission=float(row["transmission"]),
                initial_cases=int(row["initial_cases"]),
                **TINY,
            )
            for s in seeds
        ]
        for (
            o
        ) in outcomes:  # the mean of the runs where the outcome is defined (a delay is n/a without an onset)
            values = [r[o] for r in runs if not np.isnan(r[o])]
            expected = np.mean(values) if values else np.nan
            assert results[o][i] == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"uncertainties": ["vertical_latency"]}, "is a lever, not an uncertainty"),
        ({"uncertainties": ["latent_days"], "levers": ["transmission"]}, "not a lever"),
        ({"uncertainties": ["nothing"]}, "not a parameter"),
        ({"outcomes": ["nothing"]}, "not in the outcome registry"),
        ({"uncertainties": {"transmission": (0.2, 0.1)}}, "must be below"),
        ({"levers": {"pattern": ["nowhere"]}}, "not a preset"),
    ],
)
def test_bad_inputs_are_refused_in_one_line(kwargs, words):
    with pytest.raises(CoopError, match=words) as err:
        ema.model(**kwargs)
    assert "\n" not in str(err.value)
