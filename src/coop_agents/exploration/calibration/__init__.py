"""Calibration: which values of the uncertain parameters reproduce what was observed?

Observed data are daily counts of newly detected cases per community, a CSV file with one row
per day and community:

==============  =========================================================================
column          meaning
==============  =========================================================================
``day``         the day, 1 for the first simulated day, 2 for the next, ... (whole numbers)
``community``   the community's number, 0 to (communities - 1), in the model's order: street
                office by street office, as ``coop-agents run --out`` numbers them
``new_detected``  residents first detected as cases that day in that community (whole, >= 0)
==============  =========================================================================

Every community in the file needs a row for every day from 1 to its last day (a missing day is
not a zero); a blank, fractional or negative count is refused. Other columns are ignored.

The fit is ABC-SMC (approximate Bayesian computation by sequential Monte Carlo, pyabc): draws
of the parameters from their priors (uniform over a range) are simulated and kept when the
simulated counts are close to the observed ones; each generation narrows the tolerance and
perturbs the draws kept by the last. "Close" is a distance between summary statistics: the
square roots of the weekly counts of the district and of the communities' totals, largest first
(where an epidemic starts is drawn anew in each run), weighted adaptively by their spread
(pyabc's ``AdaptivePNormDistance``). Each simulation draws a fresh
seed: the posterior holds the model's own randomness.

Reported: the posterior (weighted mean, median and 90% interval of each parameter), the
posterior-predictive bands (simulations from posterior draws) against the data, and a scenario
file with the posterior medians, ready for ``--scenario``. pyabc keeps every generation in
``abc.db`` in the output folder, so an interrupted fit resumes from its last whole generation.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.exploration._common import (
    Progress,
    check_int,
    output_folder,
    quiet_libraries,
)
from coop_agents.exploration.calibration.abc_smc import (
    STATISTICS,
    CalibrationInterrupted,
    _sampler,
    _Simulator,
    _Ticker,
    summary,
)
from coop_agents.exploration.calibration.observations import (
    COLUMNS,
    _matrix,
    check_observations,
    read_observations,
    simulate_counts,
    simulate_observations,
)
from coop_agents.exploration.calibration.posterior import FitSetup, _result
from coop_agents.exploration.calibration.priors import PRIOR_RANGES, STRUCTURAL, parse_parameters
from coop_agents.exploration.calibration.result import LEVEL, PREDICTIVE_DRAWS, Calibration

__all__ = [
    "COLUMNS",
    "LEVEL",
    "STRUCTURAL",
    "PRIOR_RANGES",
    "Calibration",
    "CalibrationInterrupted",
    "calibrate",
    "check_observations",
    "read_observations",
    "simulate_counts",
    "simulate_observations",
]


def calibrate(
    scenario: str = "default",
    data: str | Path | pd.DataFrame = "",
    parameters: Any = None,
    out: str | Path | None = None,
    pattern: str = "siloed",
    residents: int | None = None,
    population: int = 100,
    generations: int = 6,
    seed: int = 0,
    workers: int = 1,
    progress: bool = True,
    write_scenario: bool = True,
    draws: int = PREDICTIVE_DRAWS,
) -> Calibration:
    """Fit uncertain ``parameters`` of ``scenario`` to the observed counts in ``data`` by ABC-SMC.

    Args:
        scenario: a preset or scenario file: every parameter not fitted keeps its value.
        data: the CSV file of observed counts (see the module's table), or its DataFrame.
        parameters: ``"transmission,initial_cases=1:20"``, a list of such items, or
            ``{name: (low, high)}``; a name alone takes :data:`PRIOR_RANGES`.
        out: the output folder (default ``results/calibrate_<scenario>``); pyabc's ``abc.db`` in
            it makes the fit resumable.
        pattern: the coordination pattern the district had when the data were observed.
        residents: residents of the district (default: the scenario's).
        population: particles per generation; generations: ABC-SMC generations in all.
        seed: seed of the draws (with ``workers=1`` the same call gives the same fit).
        workers: processes that simulate (pyabc's multicore sampler when above 1).
        draws: posterior draws simulated for the posterior-predictive bands.

    Raises:
        CoopError: bad data (see :func:`read_observations`), a parameter that is not an
            uncertainty, a community the district does not have, ``out`` holding another fit.
    """
    from coop_agents.config import PARAMETERS
    from coop_agents.model import resolve

    priors = parse_parameters(parameters)
    check_int("--population", population, 5, 100_000)
    check_int("--generations", generations, 1, 1_000)
    check_int("--workers", workers, 1, 1024)
    check_int("--seed", seed, 0, 2**32 - 1)
    check_int("--draws", draws, 2, 100_000)
    if isinstance(data, pd.DataFrame):
        obs, data_name = read_observations(data), "the data given"
        digest_source = obs.to_csv(index=False).encode()
    else:
        obs, data_name = read_observations(data), str(data)
        digest_source = Path(data).read_bytes()
    overrides: dict[str, Any] = {}
    if residents is not None:
        overrides["residents"] = PARAMETERS["residents"].coerce(residents, "--residents")
    config, sc, _pat = resolve(scenario, pattern, **overrides)
    if config.hazard != "contagion" and config.arrival == "single":
        raise CoopError(
            f"--scenario {scenario}: its hazard is a {config.hazard}; calibration fits counts of "
            f"detected cases of an epidemic (hazard = contagion)"
        )
    from coop_agents.model import CoordinationModel

    communities = CoordinationModel(scenario, pattern, 0, **{**overrides, "steps": 1}).n_communities
    if int(obs["community"].max()) >= communities:
        raise CoopError(
            f"--data {data_name}: community {int(obs['community'].max())} is not in the district of "
            f"scenario {scenario} ({communities} communities, numbered 0 to {communities - 1})"
        )
    days = int(obs["day"].max())
    columns = np.array(sorted(obs["community"].unique()))
    observed = _matrix(obs, communities)
    scenario_ref = str(Path(scenario).resolve()) if str(scenario).endswith(".toml") else str(scenario)
    pattern_ref = str(Path(pattern).resolve()) if str(pattern).endswith(".toml") else str(pattern)
    spec = {
        "statistics": STATISTICS,
        "scenario": scenario_ref,
        "pattern": pattern_ref,
        "data": hashlib.sha256(digest_source).hexdigest()[:16],
        "priors": priors,
        "residents": config.residents,
        "population": population,
        "seed": seed,
        "scenario_parameters": sc.parameters,
    }
    out = output_folder(out if out is not None else Path("results") / f"calibrate_{Path(str(scenario)).stem}")
    fingerprint = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]
    meta, db = out / "calibrate.json", out / "abc.db"
    if meta.exists():
        try:
            old = json.loads(meta.read_text(encoding="utf-8")).get("fingerprint")
        except (OSError, ValueError):
            old = None
        if old != fingerprint:
            raise CoopError(
                f"--out {out}: holds another calibration (other data, parameters or settings); give "
                f"another --out or the same settings to resume it"
            )
    elif db.exists():
        db.unlink()  # a database without its settings file: start afresh
    meta.write_text(
        json.dumps({"fingerprint": fingerprint, "spec": spec}, indent=2, default=str), encoding="utf-8"
    )

    quiet_libraries()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyabc
    quiet_libraries()
    counter = multiprocessing.Value("q", 0)
    simulator = _Simulator(scenario_ref, pattern_ref, days, columns, overrides, counter)
    prior = pyabc.Distribution(**{k: pyabc.RV("uniform", lo, hi - lo) for k, (lo, hi) in priors.items()})
    bar = Progress(generations, "generations", enabled=progress)
    sampler = _sampler(pyabc, workers, counter, bar)
    np_state = np.random.get_state()
    np.random.seed(seed)
    abc = pyabc.ABCSMC(
        simulator, prior, pyabc.AdaptivePNormDistance(p=2), population_size=population, sampler=sampler
    )
    url = f"sqlite:///{db.resolve()}"
    history = None
    if db.exists():
        try:
            history = abc.load(url, 1)
            done = history.max_t + 1
        except Exception:  # noqa: BLE001 - a damaged database (a kill while writing): start afresh
            history, done = None, 0
            db.unlink()
    else:
        done = 0
    if history is None:
        abc = pyabc.ABCSMC(
            simulator, prior, pyabc.AdaptivePNormDistance(p=2), population_size=population, sampler=sampler
        )
        history = abc.new(url, summary(observed, columns))
    bar.update(done)
    ticker = _Ticker(counter, bar, progress)
    try:
        ticker.start()
        if done < generations:
            # One call for every generation left: pyabc narrows the tolerance between the
            # generations of one call (a call per generation would keep the first tolerance).
            history = abc.run(max_nr_populations=generations - done)
            done = history.max_t + 1
    except KeyboardInterrupt:
        raise CalibrationInterrupted(
            f"interrupted: the generations finished are saved in {db}; run the same command again to resume"
        ) from None
    finally:
        ticker.stop()
        bar.close()
        np.random.set_state(np_state)
    setup = FitSetup(
        scenario, pattern, data_name, observed, columns, days, overrides, seed, scenario_ref, pattern_ref, sc
    )
    result = _result(history, priors, setup, out if write_scenario else None, draws)
    result.out = out
    return result
