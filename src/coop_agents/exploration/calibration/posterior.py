"""The posterior (weighted quantiles of the last generation) and the posterior-predictive bands
(simulations from posterior draws), gathered into a :class:`Calibration`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.exploration.calibration.observations import simulate_counts
from coop_agents.exploration.calibration.priors import _values
from coop_agents.exploration.calibration.result import LEVEL, Calibration
from coop_agents.exploration.calibration.scenario_file import _write_scenario


def _weighted_step_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The smallest value of ``x`` whose cumulative weight reaches ``q`` (for discrete values).

    >>> _weighted_step_quantile(np.array([3.0, 1.0, 2.0]), np.array([0.2, 0.5, 0.3]), 0.6)
    2.0
    """
    order = np.argsort(x, kind="stable")
    cw = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(len(x) - 1, int(np.searchsorted(cw, q - 1e-12)))])


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    cw = np.cumsum(w) - 0.5 * w
    cw /= w.sum()
    return float(np.interp(q, cw, x))


@dataclass
class FitSetup:
    """What a fit was asked, as :func:`calibrate` checked it: the posterior is read and simulated
    from with these."""

    scenario: str  # as given
    pattern: str
    data_name: str  # how messages and the fitted scenario name the data
    observed: np.ndarray  # counts per day (rows) and community (columns)
    columns: np.ndarray  # the communities the data hold
    days: int
    overrides: dict  # residents, when given
    seed: int
    scenario_ref: str  # the scenario as the simulations take it (a file's resolved path)
    pattern_ref: str
    sc: Any  # the base scenario, for the fitted scenario file


def _result(history, priors, setup: FitSetup, out, draws) -> Calibration:
    scenario, pattern, data_name, sc = setup.scenario, setup.pattern, setup.data_name, setup.sc
    observed, columns, days, overrides, seed = (
        setup.observed,
        setup.columns,
        setup.days,
        setup.overrides,
        setup.seed,
    )
    scenario_ref, pattern_ref = setup.scenario_ref, setup.pattern_ref
    df, w = history.get_distribution(m=0, t=history.max_t)
    w = np.asarray(w, float)
    w = w / w.sum()
    rows = []
    fitted = {}
    from coop_agents.config import PARAMETERS

    for name, (lo, hi) in priors.items():
        x = df[name].to_numpy(float)
        # A whole-number parameter runs rounded: its posterior is over whole numbers.
        quantile = _weighted_quantile
        if PARAMETERS[name].type == "int":
            x, quantile = np.round(x), _weighted_step_quantile
        med = quantile(x, w, 0.5)
        rows.append(
            {
                "parameter": name,
                "mean": float(np.sum(w * x)),
                "median": med,
                "low": quantile(x, w, (1 - LEVEL) / 2),
                "high": quantile(x, w, (1 + LEVEL) / 2),
                "prior_low": lo,
                "prior_high": hi,
            }
        )
        fitted[name] = med
    posterior = pd.DataFrame(rows)
    fitted = _values(fitted)
    fitted = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in fitted.items()}
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    gens = pd.DataFrame(
        {
            "t": pops["t"].astype(int),
            "epsilon": pops["epsilon"].astype(float),
            "particles": pops["particles"].astype(int),
            "simulations": pops["samples"].astype(int),
        }
    )
    gens["acceptance"] = gens["particles"] / gens["simulations"].clip(lower=1)
    # Posterior predictive: simulations from posterior draws, each on a fresh seed.
    rng = np.random.default_rng([seed, 7])
    picks = rng.choice(len(df), size=draws, p=w)
    daily = np.zeros((draws, days))
    totals = np.zeros((draws, len(columns)))
    for i, j in enumerate(picks):
        params = _values({k: float(df[k].iloc[j]) for k in priors})
        counts = simulate_counts(
            scenario_ref, pattern_ref, int(rng.integers(0, 2**31 - 1)), days, **{**overrides, **params}
        )
        daily[i] = counts[:, columns].sum(axis=1)
        totals[i] = counts[:, columns].sum(axis=0)
    lo_q, hi_q = 100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2
    obs_daily = observed[:, columns].sum(axis=1)
    cum = np.cumsum(daily, axis=1)
    predictive = pd.DataFrame(
        {
            "day": np.arange(1, days + 1),
            "observed": obs_daily,
            "median": np.median(daily, axis=0),
            "low": np.percentile(daily, lo_q, axis=0),
            "high": np.percentile(daily, hi_q, axis=0),
            "cum_median": np.median(cum, axis=0),
            "cum_low": np.percentile(cum, lo_q, axis=0),
            "cum_high": np.percentile(cum, hi_q, axis=0),
        }
    )
    inside = (obs_daily >= predictive["low"]) & (obs_daily <= predictive["high"])
    comm = pd.DataFrame(
        {
            "community": columns,
            "observed": observed[:, columns].sum(axis=0),
            "median": np.median(totals, axis=0),
            "low": np.percentile(totals, lo_q, axis=0),
            "high": np.percentile(totals, hi_q, axis=0),
        }
    )
    samples = df[list(priors)].reset_index(drop=True).assign(weight=w)
    path = None
    if out is not None:
        path = _write_scenario(out / "fitted_scenario.toml", sc, fitted, overrides, data_name, len(gens))
    return Calibration(
        str(scenario),
        str(pattern),
        data_name,
        priors,
        posterior,
        samples,
        gens,
        predictive,
        comm,
        float(inside.mean()),
        fitted,
        path,
        int(history.total_nr_simulations),
        draws,
    )
