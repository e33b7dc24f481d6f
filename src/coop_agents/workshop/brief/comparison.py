"""The comparison a brief tells: paired replicates of several patterns on one scenario, analysed.

:func:`run_comparison` runs the patterns through the batch runner (replicate k of every pattern
on the same seed); :func:`load_comparison` reads a results folder it wrote; :class:`Comparison`
holds the runs and the analysis tables every number of the page comes from.
"""

from __future__ import annotations

import functools
import math
import shlex
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from coop_agents.errors import ConfigError, CoopError
from coop_agents.experiments.analysis import (
    DERIVED_OUTCOMES,
    derive_outcomes,
    find_outcome,
    load_definition,
    load_results,
    paired_differences,
    series_bands,
    summarise,
)
from coop_agents.experiments.design import experiment_from_dict
from coop_agents.experiments.runner import run_batch
from coop_agents.outcome_registry import OUTCOMES, Outcome, table_outcomes
from coop_agents.workshop.brief.text import _check_lang, _headline, _plain

__all__ = [
    "Comparison",
    "run_comparison",
    "load_comparison",
    "HEADLINE_OUTCOMES",
    "SERIES",
    "EQUITY_OUTCOMES",
]

# Headline comparisons, in this order, for every pattern against the baseline (each has a better
# direction in the registry: only such outcomes can make a "better" or "worse" headline).
HEADLINE_OUTCOMES = ("harm", "severe_harm", "response_delay", "unmet_need_days_vulnerable")
# Daily series kept per run and charted with their bands.
SERIES = ("prevalence", "harm", "measures", "unmet_needs")
EQUITY_OUTCOMES = ("unmet_need_days_vulnerable", "unmet_need_days_others", "equity_gap")
# Every outcome the brief can name: the registry's and the analysis's derived ones.
_ALL_OUTCOMES: dict[str, Outcome] = {**OUTCOMES, **DERIVED_OUTCOMES}


@dataclass
class Comparison:
    """Paired replicates of several patterns on one scenario, and their analysis tables.

    ``runs`` has one row per run (with the derived outcomes); ``summary`` and ``paired`` are
    :func:`~coop_agents.experiments.analysis.summarise` and
    :func:`~coop_agents.experiments.analysis.paired_differences` of it (baseline: ``baseline``);
    ``bands`` the :func:`~coop_agents.experiments.analysis.series_bands` of every kept series.
    Arm ``i`` of the tables is ``patterns[i]``.
    """

    scenario: str
    patterns: list[str]
    baseline: str
    replicates: int
    seed: int
    runs: pd.DataFrame
    summary: pd.DataFrame
    paired: pd.DataFrame
    bands: dict[str, pd.DataFrame] = field(default_factory=dict)
    residents: int | None = None
    steps: int | None = None
    out: Path | None = None

    @classmethod
    def from_results(cls, runs: pd.DataFrame, definition: dict, out: Path | None = None) -> Comparison:
        """Analyse a batch made by :func:`run_comparison` (its runs and its experiment definition)."""
        factors = {f["name"]: f["values"] for f in definition["factors"]}
        patterns = [str(p) for p in factors["pattern"]]
        baseline = str((definition.get("baseline") or {}).get("pattern", patterns[0]))
        runs = derive_outcomes(runs)
        outcomes = [o for o in _ALL_OUTCOMES if o in runs.columns]
        base_idx = patterns.index(baseline)
        stored = runs.loc[runs["arm_id"] == base_idx, "pattern"]
        # The pattern column holds what the runs were given (a resolved path for a .toml file).
        base_value = stored.iloc[0] if len(stored) else baseline
        bands = {s: series_bands(runs, s) for s in SERIES if f"series_{s}" in runs.columns}
        return cls(
            scenario=str(factors.get("scenario", ["default"])[0]),
            patterns=patterns,
            baseline=baseline,
            replicates=int(definition["replicates"]),
            seed=int(definition["seed"]),
            runs=runs,
            summary=summarise(runs, outcomes),
            paired=paired_differences(runs, {"pattern": base_value}, outcomes),
            bands=bands,
            residents=factors["residents"][0] if "residents" in factors else None,
            steps=factors["steps"][0] if "steps" in factors else None,
            out=out,
        )

    @functools.cached_property
    def hazard(self) -> str | None:
        """The hazard of every event of the scenario (None: events of several hazards)."""
        return _scenario_facts(self.scenario)[0]

    @functools.cached_property
    def several_events(self) -> bool:
        """Whether the scenario's runs have several events (arrival other than single)."""
        return _scenario_facts(self.scenario)[1]

    @property
    def table_outcomes(self) -> list[str]:
        """The outcomes of the full table: those the registry's tables show for this scenario's
        hazard and events, then the derived ones, each only if the runs have it."""
        names = [*table_outcomes(self.hazard, self.several_events), *DERIVED_OUTCOMES]
        return [o for o in names if o in self.runs.columns]

    @property
    def headline_outcomes(self) -> list[str]:
        """:data:`HEADLINE_OUTCOMES` with a better direction (the registry's)."""
        return [o for o in HEADLINE_OUTCOMES if find_outcome(o).better in ("lower", "higher")]

    @property
    def seeds(self) -> list[int]:
        """The seed of each replicate (shared by every pattern), from the runs themselves."""
        return [int(s) for s in self.runs.groupby("replicate", sort=True)["seed"].first()]

    def value(self, table: str, pattern: str, outcome: str, column: str) -> float:
        """One cell of ``summary`` or ``paired`` (the source of every number on the page)."""
        frame = self.summary if table == "summary" else self.paired
        arm = self.patterns.index(pattern)
        cached = self.__dict__.setdefault("_rows", {})
        if cached.get(table, (None,))[0] is not frame:  # (re)index a table on first use
            keys = [] if frame.empty else zip(frame["arm_id"], frame["outcome"])
            cached[table] = (frame, {key: i for i, key in enumerate(keys)})
        i = cached[table][1].get((arm, outcome))
        return math.nan if i is None else float(frame[column].iat[i])

    def best(self, outcome: str) -> str:
        """The pattern with the best mean on ``outcome`` (the first listed on a tie).

        Raises:
            ConfigError: for an unknown outcome, one without a better direction, or one with no
                defined mean in any pattern.
        """
        meta = _ALL_OUTCOMES.get(outcome)
        if meta is None:
            raise ConfigError(f"unknown outcome {outcome!r}; allowed: {', '.join(_ALL_OUTCOMES)}")
        if meta.better not in ("lower", "higher"):
            raise ConfigError(
                f"outcome {outcome!r} has no better direction; choose e.g. harm or response_delay"
            )
        means = [(self.value("summary", p, outcome, "mean"), i, p) for i, p in enumerate(self.patterns)]
        means = [m for m in means if not math.isnan(m[0])]
        if not means:
            raise ConfigError(f"outcome {outcome!r} is not defined in any run of this comparison")
        sign = 1 if meta.better == "lower" else -1
        return min(means, key=lambda m: (sign * m[0], m[1]))[2]

    def headlines(self, lang: str) -> list[str]:
        """Plain-language comparisons of every pattern with the baseline, as plain text."""
        _check_lang(lang)
        return [_headline(self, p, o, lang, _plain) for p in self.others for o in self.headline_outcomes]

    @property
    def others(self) -> list[str]:
        return [p for p in self.patterns if p != self.baseline]

    def command(self, lang: str, output: str | Path = "brief.html") -> str:
        """The ``coop-agents brief`` command line that reproduces this comparison."""
        args = [
            "coop-agents",
            "brief",
            "--scenario",
            self.scenario,
            "--patterns",
            ",".join(self.patterns),
            "--baseline",
            self.baseline,
            "--replicates",
            str(self.replicates),
            "--seed",
            str(self.seed),
        ]
        if self.residents is not None:
            args += ["--residents", str(self.residents)]
        if self.steps is not None:
            args += ["--steps", str(self.steps)]
        args += ["--lang", lang, "-o", str(output)]
        return " ".join(shlex.quote(a) for a in args)


def run_comparison(
    scenario="default",
    patterns: list[str] | tuple[str, ...] = ("siloed", "full_cycle"),
    baseline: str | None = None,
    replicates: int = 30,
    seed: int = 1,
    residents: int | None = None,
    out: Path | None = None,
    executor: str = "processes",
    workers: int | None = None,
    progress: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    steps: int | None = None,
) -> Comparison:
    """Run ``patterns`` on ``scenario`` as paired replicates through the batch runner and analyse them.

    Args:
        scenario: a preset name or a scenario ``.toml`` file.
        patterns: two or more preset names or pattern ``.toml`` files.
        baseline: the pattern the others are compared with (default: ``siloed`` if listed, else
            the first).
        replicates: paired replicates; replicate k of every pattern runs on the same seed.
        seed: the master seed the replicate seeds derive from.
        residents: residents of the district (default: the scenario's).
        out: the batch's results folder (kept, and resumed if run again); ``None``: a temporary
            folder, removed once the results are in memory.
        executor: ``serial``, ``processes`` or ``dask`` (the results do not depend on it).
        workers: worker processes (default: one per core).
        progress: show the batch's progress bar on stderr.
        on_progress: called with (runs done, runs in all) as tasks finish.
        steps: days to simulate (default: the scenario's).

    Raises:
        CoopError: one line naming the input at fault and what is allowed.
    """
    patterns = [str(p) for p in patterns]
    if len(patterns) < 2:
        raise ConfigError(f"patterns {','.join(patterns) or '(none)'}: give at least two patterns to compare")
    if any(not p for p in patterns):
        raise ConfigError(f"patterns {','.join(patterns)!r}: empty pattern name; give P1,P2,...")
    if len(set(patterns)) < len(patterns):
        raise ConfigError(f"patterns {','.join(patterns)!r}: a pattern is listed twice; list each once")
    if baseline is None:
        baseline = "siloed" if "siloed" in patterns else patterns[0]
    if baseline not in patterns:
        raise ConfigError(f"baseline {baseline!r}: not one of the patterns compared ({', '.join(patterns)})")
    for name, value in (
        ("replicates", replicates),
        ("seed", seed),
        ("residents", residents),
        ("steps", steps),
    ):
        low = 0 if name == "seed" else 1
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
            raise ConfigError(f"{name}={value!r}: expected an integer of at least {low}")
    scenario = getattr(scenario, "name", None) or str(scenario)
    data = {
        "name": f"brief_{Path(scenario).stem}",
        "description": f"Workshop brief: {', '.join(patterns)} on {scenario}, against {baseline}.",
        "seed": seed,
        "replicates": replicates,
        "baseline": {"pattern": baseline},
        "series": list(SERIES),
        "levers": {"pattern": patterns},
        "uncertainties": {"scenario": scenario},
    }
    if steps is not None:
        data["steps"] = steps
    experiment = experiment_from_dict(data, "the comparison", Path.cwd(), residents=residents)
    if out is not None:
        run_batch(
            experiment, out, executor=executor, workers=workers, progress=progress, on_progress=on_progress
        )
        return load_comparison(out)
    with tempfile.TemporaryDirectory(prefix="coop-brief-") as tmp:
        run_batch(
            experiment, tmp, executor=executor, workers=workers, progress=progress, on_progress=on_progress
        )
        comparison = load_comparison(tmp)
    comparison.out = None
    return comparison


def _scenario_facts(scenario: str) -> tuple[str | None, bool]:
    """A scenario's hazard (None: its events are of several hazards), and whether it has several events."""
    from coop_agents.scenarios import load_scenario

    sc = load_scenario(scenario)
    hazards = {sc.parameters.get("hazard", "contagion")} | {e.hazard for e in sc.events}
    return (hazards.pop() if len(hazards) == 1 else None), sc.parameters.get("arrival", "single") != "single"


def load_comparison(out: str | Path) -> Comparison:
    """The :class:`Comparison` of a results folder written by :func:`run_comparison`."""
    definition = load_definition(out)
    if "pattern" not in {f["name"] for f in definition["factors"]}:
        raise CoopError(f"{out}: not a comparison of patterns (its experiment does not vary the pattern)")
    return Comparison.from_results(load_results(out), definition, Path(out))
