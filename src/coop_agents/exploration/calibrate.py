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
import math
import multiprocessing
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.exploration._common import (
    Progress,
    check_int,
    output_folder,
    pyplot,
    quiet_libraries,
    save_figure,
    value_words,
)

__all__ = [
    "COLUMNS",
    "PRIOR_RANGES",
    "Calibration",
    "CalibrationInterrupted",
    "calibrate",
    "read_observations",
    "simulate_counts",
    "simulate_observations",
]

COLUMNS = ("day", "community", "new_detected")
# Default prior ranges of uncertainties often fitted (others need a range on the command line).
PRIOR_RANGES: dict[str, tuple[float, float]] = {
    "transmission": (0.02, 0.15),
    "initial_cases": (1, 20),
    "latent_days": (2.0, 8.0),
    "infectious_days": (3.0, 10.0),
    "cross_community_ties": (0.0, 0.1),
    "severe_share": (0.01, 0.1),
    "outbreak_sites": (1, 4),
}
# The district's structure: fitting them would change what a community number means.
STRUCTURAL = frozenset(
    {
        "residents",
        "street_offices",
        "communities_per_street",
        "social_organisations",
        "communities_per_organisation",
        "steps",
        "profile",
        "hazard",
        "arrival",
        "run_until",
    }
)
PREDICTIVE_DRAWS = 40
STATISTICS = "sqrt weekly district counts; sqrt community totals, largest first"  # part of a fit's identity
LEVEL = 0.90


class CalibrationInterrupted(CoopError):
    """Ctrl-C: every finished generation is saved; the same command again resumes."""


# ---------------------------------------------------------------------------------- observations


def read_observations(path: str | Path | pd.DataFrame) -> pd.DataFrame:
    """The observed counts of a CSV file, checked (see the module's table of columns).

    Raises:
        CoopError: a missing column, a blank, fractional or negative count, a missing or repeated
            day of a community (one line naming the first one).
    """
    if isinstance(path, pd.DataFrame):
        return check_observations(
            path.astype(str).replace({"nan": "", "None": "", "<NA>": ""}), "the data given"
        )
    path = Path(path)
    if not path.is_file():
        raise CoopError(f"--data {path}: no such file; expected a CSV with columns {', '.join(COLUMNS)}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CoopError(f"--data {path}: not a readable CSV file ({str(exc).splitlines()[0]})") from None
    return check_observations(df, str(path))


def check_observations(df: pd.DataFrame, path: str) -> pd.DataFrame:
    """The observed counts of ``df`` (every cell text, as read from a CSV file), checked."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise CoopError(
            f"--data {path}: no column {', '.join(missing)}; expected columns {', '.join(COLUMNS)} "
            f"(found {', '.join(df.columns) or 'none'})"
        )
    if df.empty:
        raise CoopError(f"--data {path}: no rows; expected one row per day and community")
    out = {}
    for c in COLUMNS:
        values = df[c].str.strip()
        blank = values == ""
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            raise CoopError(
                f"--data {path}: line {i + 2} has no {c} (a missing count is not a zero; give 0 or "
                f"leave the day out of the analysis)"
            )
        nums = pd.to_numeric(values, errors="coerce")
        bad = nums.isna() | (nums % 1 != 0) | ~np.isfinite(nums)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise CoopError(f"--data {path}: line {i + 2}: {c} = {values.iloc[i]!r} is not a whole number")
        low = 1 if c == "day" else 0
        below = nums < low
        if below.any():
            i = int(np.flatnonzero(below)[0])
            what = "a negative count" if c == "new_detected" else f"below {low}"
            raise CoopError(
                f"--data {path}: line {i + 2}: {c} = {values.iloc[i]} is {what}; expected a whole "
                f"number of at least {low}"
            )
        out[c] = nums.astype(np.int64)
    obs = pd.DataFrame(out)
    dup = obs.duplicated(["day", "community"])
    if dup.any():
        r = obs[dup].iloc[0]
        raise CoopError(f"--data {path}: community {r['community']} has two rows for day {r['day']}")
    days = int(obs["day"].max())
    for community, group in obs.groupby("community"):
        have = set(group["day"])
        gap = next((d for d in range(1, days + 1) if d not in have), None)
        if gap is not None:
            raise CoopError(
                f"--data {path}: no count for community {community} on day {gap}; every community "
                f"needs a row for every day from 1 to {days} (a missing count is not a zero)"
            )
    return obs.sort_values(["day", "community"]).reset_index(drop=True)


def simulate_counts(scenario: str, pattern: str, seed: int, days: int, **overrides: Any) -> np.ndarray:
    """New detected cases per day (rows, day 1 first) and community (columns) of one run."""
    from coop_agents.model import CoordinationModel

    model = CoordinationModel(scenario, pattern, seed, **{**overrides, "steps": days, "run_until": "steps"})
    res = model.world.residents
    counts = np.zeros((days, model.n_communities), dtype=np.int64)
    before = res.detected.copy()
    for t in range(days):
        model.step()
        new = res.detected & ~before
        counts[t] = np.bincount(res.community[new], minlength=model.n_communities)
        before = res.detected.copy()
    return counts


def simulate_observations(
    scenario: str = "default", pattern: str = "siloed", seed: int = 0, days: int = 60, **overrides: Any
) -> pd.DataFrame:
    """Daily counts in the CSV's form from one run of the model (e.g. synthetic data with known values)."""
    counts = simulate_counts(scenario, pattern, seed, days, **overrides)
    d, c = np.meshgrid(np.arange(1, counts.shape[0] + 1), np.arange(counts.shape[1]), indexing="ij")
    return pd.DataFrame({"day": d.ravel(), "community": c.ravel(), "new_detected": counts.ravel()})


def _matrix(obs: pd.DataFrame, communities: int) -> np.ndarray:
    days = int(obs["day"].max())
    m = np.zeros((days, communities), dtype=np.int64)
    m[obs["day"].to_numpy() - 1, obs["community"].to_numpy()] = obs["new_detected"].to_numpy()
    return m


def summary(counts: np.ndarray, columns: np.ndarray) -> dict[str, np.ndarray]:
    """The statistics the distance compares: square roots (they steady the spread of counts) of
    the district's weekly counts and of the observed communities' totals, largest first.

    Sorted, because where an epidemic starts is drawn anew in every run: a simulation whose
    outbreak began next door is as close to the data as one that began in the same community.

    >>> s = summary(np.array([[0, 4, 1], [0, 5, 0]]), np.array([0, 1, 2]))
    >>> s["weekly"].tolist(), s["community"].tolist()
    ([3.1622776601683795], [3.0, 1.0, 0.0])
    """
    district = counts[:, columns].sum(axis=1)
    weeks = math.ceil(len(district) / 7)
    weekly = np.add.reduceat(district, np.arange(0, weeks * 7, 7)[:weeks])
    totals = np.sort(counts[:, columns].sum(axis=0))[::-1]
    return {"weekly": np.sqrt(weekly.astype(float)), "community": np.sqrt(totals.astype(float))}


# --------------------------------------------------------------------------------- parameters


def parse_parameters(text: str | list | dict | None) -> dict[str, tuple[float, float]]:
    """``transmission,initial_cases=1:20`` as {name: (low, high)}; a name alone takes its default range.

    Raises:
        CoopError: a parameter that is not an uncertainty, a structural one, a bad range.
    """
    from coop_agents.config import PARAMETERS

    if text is None:
        items: list = ["transmission", "initial_cases"]
    elif isinstance(text, dict):
        items = [f"{k}={v[0]}:{v[1]}" for k, v in text.items()]
    elif isinstance(text, str):
        items = [s.strip() for s in text.split(",")]
    else:
        items = list(text)
    out: dict[str, tuple[float, float]] = {}
    for item in items:
        name, eq, rng = (s.strip() for s in str(item).partition("="))
        if not name:
            raise CoopError(
                f"--parameters {text!r}: an empty name; give NAME or NAME=LOW:HIGH, separated by commas"
            )
        p = PARAMETERS.get(name)
        if p is None:
            raise CoopError(f"--parameters {name}: not a parameter; see 'coop-agents params --role scenario'")
        if p.role != "scenario":
            raise CoopError(
                f"--parameters {name}: a lever, not an uncertainty; calibration fits uncertainties "
                f"(see 'coop-agents params --role scenario')"
            )
        if name in STRUCTURAL or p.type not in ("float", "int"):
            raise CoopError(
                f"--parameters {name}: part of the district's structure or not a number; it cannot be "
                f"fitted to daily counts (fit e.g. {', '.join(PRIOR_RANGES)})"
            )
        if name in out:
            raise CoopError(f"--parameters: {name} is listed twice")
        if eq:
            low_s, colon, high_s = rng.partition(":")
            try:
                low, high = float(low_s), float(high_s)
            except ValueError:
                raise CoopError(
                    f"--parameters {item}: expected {name}=LOW:HIGH, e.g. {name}=0.02:0.15"
                ) from None
            if not colon or not math.isfinite(low) or not math.isfinite(high):
                raise CoopError(f"--parameters {item}: expected {name}=LOW:HIGH, e.g. {name}=0.02:0.15")
        elif name in PRIOR_RANGES:
            low, high = PRIOR_RANGES[name]
        else:
            raise CoopError(
                f"--parameters {name}: no default range; give one, e.g. {name}={p.low:g}:{p.high:g}"
            )
        if not (float(p.low or 0) <= low < high <= float(p.high or 0)):
            raise CoopError(
                f"--parameters {item}: the range must lie within {p.allowed()} and low below high"
            )
        out[name] = (float(low), float(high))
    return out


def _values(params: dict[str, float]) -> dict[str, Any]:
    from coop_agents.config import PARAMETERS

    return {k: round(v) if PARAMETERS[k].type == "int" else float(v) for k, v in params.items()}


class _Simulator:
    """The model as pyabc calls it: parameters in, summary statistics out (picklable)."""

    def __init__(
        self,
        scenario: str,
        pattern: str,
        days: int,
        columns: np.ndarray,
        overrides: dict,
        counter: Any = None,
    ) -> None:
        self.scenario, self.pattern, self.days, self.columns = scenario, pattern, days, columns
        self.overrides, self.counter = overrides, counter

    def __call__(self, params: dict) -> dict[str, np.ndarray]:
        seed = int(np.random.randint(0, 2**31 - 1))  # pyabc seeds numpy in each of its workers
        counts = simulate_counts(
            self.scenario, self.pattern, seed, self.days, **{**self.overrides, **_values(dict(params))}
        )
        if self.counter is not None:
            with self.counter.get_lock():
                self.counter.value += 1
        return summary(counts, self.columns)


# ---------------------------------------------------------------------------------- calibrate


@dataclass
class Calibration:
    """What :func:`calibrate` found; every table a DataFrame."""

    scenario: str
    pattern: str
    data: str
    priors: dict[str, tuple[float, float]]
    posterior: pd.DataFrame  # parameter, mean, median, low, high (90%), prior_low, prior_high
    samples: pd.DataFrame  # the last generation's particles and their weights
    generations: pd.DataFrame  # t, epsilon, particles, simulations, acceptance
    predictive: pd.DataFrame  # day, observed, median, low, high (district per day); cumulative too
    communities: pd.DataFrame  # community, observed total, predicted median, low, high
    coverage: float  # share of days whose observed district count lies in the 90% band
    fitted: dict[str, Any]  # the posterior medians, as the scenario file sets them
    scenario_file: Path | None
    simulations: int
    draws: int = PREDICTIVE_DRAWS
    out: Path | None = None

    def report(self) -> str:
        lines = [
            f"calibrate: scenario {self.scenario}, pattern {self.pattern}, data {self.data}",
            f"ABC-SMC (pyabc): {len(self.generations)} generations, {self.simulations:,} simulations in all",
            "",
            "  gen  epsilon  particles  simulations  acceptance",
        ]
        for r in self.generations.itertuples():
            lines.append(
                f"  {r.t:3d}  {value_words(r.epsilon):>7s}  {r.particles:9d}  {r.simulations:11,d}  "
                f"{100 * r.acceptance:9.0f}%"
            )
        lines += [
            "",
            f"Posterior ({100 * LEVEL:.0f}% intervals; prior: uniform over the range):",
            "  parameter              median    mean   90% interval        prior",
        ]
        for r in self.posterior.itertuples():
            lines.append(
                f"  {r.parameter:20s} {value_words(r.median):>8s} {value_words(r.mean):>7s}   "
                f"[{value_words(r.low)}, {value_words(r.high)}]".ljust(58)
                + f"[{value_words(r.prior_low)}, {value_words(r.prior_high)}]"
            )
        lines += [
            "",
            f"Posterior predictive ({self.draws} simulations from posterior draws): the observed "
            f"district count lies in the {100 * LEVEL:.0f}% band on {100 * self.coverage:.0f}% of the "
            f"{len(self.predictive)} days; total observed {int(self.predictive['observed'].sum()):,}, "
            f"predicted {value_words(self.predictive['cum_median'].iloc[-1])} "
            f"[{value_words(self.predictive['cum_low'].iloc[-1])}, "
            f"{value_words(self.predictive['cum_high'].iloc[-1])}].",
        ]
        if self.scenario_file is not None:
            lines.append(f"Fitted scenario (posterior medians): {self.scenario_file}")
        return "\n".join(lines)

    def write(self, out: str | Path | None = None) -> list[Path]:
        if out is None and self.out is None:
            raise CoopError("no folder to write to: give out")
        out = Path(out if out is not None else self.out)  # type: ignore[arg-type]
        out.mkdir(parents=True, exist_ok=True)
        paths = [
            out / "posterior.csv",
            out / "particles.csv",
            out / "generations.csv",
            out / "predictive.csv",
            out / "communities.csv",
            out / "calibrate.md",
        ]
        self.posterior.to_csv(paths[0], index=False)
        self.samples.to_csv(paths[1], index=False)
        self.generations.to_csv(paths[2], index=False)
        self.predictive.to_csv(paths[3], index=False)
        self.communities.to_csv(paths[4], index=False)
        paths[5].write_text(
            f"# Calibration\n\n```\n{self.report()}\n```\n\n![predictive](predictive.png)\n\n"
            f"![posterior](posterior.png)\n",
            encoding="utf-8",
        )
        return paths + self.figures(out)

    def figures(self, out: Path) -> list[Path]:
        plt = pyplot()
        p = self.predictive
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4))
        for axis, prefix, title in ((ax, "", "new detected cases per day"), (bx, "cum_", "cumulative")):
            obs = p["observed"] if not prefix else p["observed"].cumsum()
            axis.fill_between(
                p["day"],
                p[f"{prefix}low"],
                p[f"{prefix}high"],
                color="steelblue",
                alpha=0.3,
                label=f"{100 * LEVEL:.0f}% posterior-predictive band",
            )
            axis.plot(p["day"], p[f"{prefix}median"], color="steelblue", label="median")
            axis.plot(p["day"], obs, "o", ms=3, color="black", label="observed")
            axis.set_xlabel("day")
            axis.set_title(f"District: {title}", fontsize=10)
            axis.grid(alpha=0.3)
        ax.legend(fontsize=8)
        paths = save_figure(fig, out, "predictive")
        names = list(self.priors)
        fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.2), squeeze=False)
        for axis, name in zip(axes[0], names):
            lo, hi = self.priors[name]
            axis.hist(
                self.samples[name],
                weights=self.samples["weight"],
                bins=20,
                range=(lo, hi),
                color="seagreen",
                alpha=0.8,
            )
            r = self.posterior.set_index("parameter").loc[name]
            axis.axvspan(r["low"], r["high"], color="orange", alpha=0.2, label=f"{100 * LEVEL:.0f}% interval")
            axis.axvline(r["median"], color="orange")
            axis.set_xlim(lo, hi)
            axis.set_title(name, fontsize=10)
            axis.set_yticks([])
        axes[0][0].legend(fontsize=8)
        fig.suptitle("Posterior (histogram, weighted) over the prior's range", fontsize=10)
        fig.tight_layout()
        return paths + save_figure(fig, out, "posterior")


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
    result = _result(
        history,
        priors,
        scenario,
        pattern,
        data_name,
        observed,
        columns,
        days,
        overrides,
        seed,
        scenario_ref,
        pattern_ref,
        sc,
        out if write_scenario else None,
        draws,
    )
    result.out = out
    return result


def _sampler(pyabc, workers: int, counter: Any, bar: Progress):
    """pyabc's single-core or multicore sampler, reporting each finished generation."""
    base = pyabc.sampler.SingleCoreSampler if workers == 1 else pyabc.sampler.MulticoreEvalParallelSampler

    class Sampler(base):  # type: ignore[valid-type,misc]
        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            start, before = time.monotonic(), counter.value
            sample = super().sample_until_n_accepted(n, simulate_one, t, **kwargs)
            if t >= 0:  # t = -1 calibrates the first tolerance
                bar.update(1)
                bar.note(
                    f"generation {t}: {n} particles accepted of {counter.value - before:,} simulations, "
                    f"{time.monotonic() - start:.0f} s"
                )
            return sample

    return Sampler() if workers == 1 else Sampler(n_procs=workers)


class _Ticker:
    """A line every few seconds while a generation runs (simulations so far), off a terminal too."""

    def __init__(self, counter: Any, bar: Progress, enabled: bool, interval: float = 5.0) -> None:
        self.counter, self.bar, self.enabled, self.interval = counter, bar, enabled, interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="coop-agents-calibrate-progress")

    def start(self) -> None:
        if self.enabled and self.bar.bar is None:
            self.thread.start()

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.bar.note(f"simulations: {self.counter.value:,} so far, generation {self.bar.done}")

    def stop(self) -> None:
        self.stopped.set()


def _result(
    history,
    priors,
    scenario,
    pattern,
    data_name,
    observed,
    columns,
    days,
    overrides,
    seed,
    scenario_ref,
    pattern_ref,
    sc,
    out,
    draws,
) -> Calibration:
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


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return json.dumps(str(v), ensure_ascii=False)


def _write_scenario(path: Path, sc, fitted: dict, overrides: dict, data_name: str, generations: int) -> Path:
    """A scenario file: the base scenario's parameters with the posterior medians; checked by loading it."""
    from coop_agents.scenarios import load_scenario

    params = {**sc.parameters, **overrides, **fitted}
    shown = ", ".join(f"{k} = {value_words(v)}" for k, v in fitted.items())
    lines = [
        f"name = {_toml_value(sc.name + '_fitted')}",
        f"title_en = {_toml_value(sc.title_en + ' (fitted)')}",
        f"title_zh = {_toml_value(sc.title_zh + '（拟合）')}",
        f"description = {_toml_value(f'{sc.name} with {shown}: posterior medians of an ABC-SMC fit ({generations} generations) to {data_name}.')}",
        f"description_zh = {_toml_value(f'{sc.name}，其中 {shown}：对 {data_name} 的 ABC-SMC 拟合（{generations} 代）的后验中位数。')}",
    ]
    if sc.structure is not None:
        lines.append(f"structure = {_toml_value(str(Path(sc.structure).resolve()))}")
    lines += ["", "[parameters]"] + [f"{k} = {_toml_value(v)}" for k, v in params.items()]
    for e in sc.events:
        lines += ["", "[[events]]", f"day = {e.day}", f"hazard = {_toml_value(e.hazard)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_scenario(path)  # a file that does not load is a bug here, not the user's
    return path
