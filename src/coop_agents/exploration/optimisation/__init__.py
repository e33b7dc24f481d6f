"""Lever optimisation under a budget: what should a street office invest in first?

A many-objective search (NSGA-II from Platypus) over the settings of chosen levers, priced by the
cost model (:mod:`coop_agents.exploration.costs`). Every candidate runs on the same ``K`` paired
seeds (replicates 0..K-1 of one master seed, as ``batch`` gives them), so candidates differ by
their levers only, and its objectives are the means over those runs. Cost is always an objective
too: the Pareto front spans every budget from the cheapest setting up to ``budget``, which is what
the "first investments" ranking reads (which levers the best plan buys as the budget grows).

A candidate over budget is *repaired* before it runs (the dearest on/off levers back off first,
then every level by one share; :meth:`CostModel.repair`), so every evaluation is a feasible plan.

Runs go to the batch runner's executors (``serial``, a process pool or Dask), a generation at a
time. Every finished candidate is appended to ``evaluations.jsonl`` in the output folder; the
search is seeded, so running the same command again replays it, taking every candidate already
evaluated from that file: an interrupted search resumes where it stopped, and a larger
``--evaluations`` continues a finished one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coop_agents.errors import CoopError
from coop_agents.exploration._common import check_int
from coop_agents.exploration.costs import CostModel, load_costs
from coop_agents.exploration.optimisation.front import (
    BUDGET_STEPS,
    _budget_steps,
    _front,
    _investments,
    _setting_words,
)
from coop_agents.exploration.optimisation.result import Optimisation
from coop_agents.exploration.optimisation.search import OptimiseInterrupted, _Search
from coop_agents.exploration.optimisation.store import _Store
from coop_agents.numbers import format_number

__all__ = [
    "BUDGET_STEPS",
    "DEFAULT_LEVERS",
    "DEFAULT_OBJECTIVES",
    "Optimisation",
    "OptimiseInterrupted",
    "optimise",
]

DEFAULT_OBJECTIVES = ("harm", "unmet_need_days")
DEFAULT_LEVERS = (
    "technology",
    "monitoring_coverage",
    "information",
    "responsibility_lists",
    "vulnerable_registry",
    "platform",
)


def optimise(
    scenario: str = "default",
    budget: float = 200.0,
    objectives: list[str] | tuple = DEFAULT_OBJECTIVES,
    levers: list[str] | tuple | None = None,
    evaluations: int = 200,
    replicates: int = 3,
    residents: int | None = None,
    out: str | Path | None = None,
    pattern: str = "siloed",
    costs: str | Path | CostModel | None = None,
    seed: int = 0,
    population: int | None = None,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    on_evaluation: Callable[[int, int], None] | None = None,
) -> Optimisation:
    """Search lever settings within ``budget`` for a Pareto front of cost and ``objectives``.

    Args:
        scenario: a preset or scenario file.
        budget: the most a plan may cost (in the cost model's unit); at least the cheapest setting
            of ``levers``.
        objectives: outcomes to improve, each in the direction the outcome registry gives it.
        levers: levers to search (default :data:`DEFAULT_LEVERS`); every other lever keeps the
            value of ``pattern``.
        evaluations: candidates to evaluate (Platypus's budget of function evaluations).
        replicates: paired seeds per candidate, the same for every candidate.
        residents: residents of the district (default: the scenario's).
        out: folder for the saved evaluations and the results (default ``results/optimise_<scenario>``).
        costs: a cost-model file or :class:`CostModel` (default: the shipped one).
        seed: master seed of the replicate seeds and of the search.
        population: NSGA-II's population (default: an eighth of ``evaluations``, 8 to 40).
        executor, workers, scheduler: as for ``coop-agents batch``.
        on_evaluation: called with (candidates evaluated, ``evaluations``) after each one.

    Raises:
        CoopError: unknown scenario, pattern, objective or lever; a budget below the cheapest
            setting; ``out`` holding another optimisation.
        OptimiseInterrupted: on Ctrl-C, after saving every finished candidate.
    """
    from coop_agents.config import PARAMETERS
    from coop_agents.experiments.design import replicate_seeds
    from coop_agents.experiments.runner import EXECUTORS
    from coop_agents.model import resolve
    from coop_agents.outcome_registry import OUTCOMES

    model = costs if isinstance(costs, CostModel) else load_costs(costs)
    names = model.check_levers(
        list(levers) if levers else [lv for lv in DEFAULT_LEVERS if lv in model.levers]
    )
    objectives = list(objectives)
    if not objectives:
        raise CoopError("--objectives: give at least one outcome, e.g. harm,unmet_need_days")
    for o in objectives:
        if o not in OUTCOMES:
            raise CoopError(f"--objectives {o}: not an outcome; allowed: {', '.join(OUTCOMES)}")
        if OUTCOMES[o].better == "neither":
            raise CoopError(
                f"--objectives {o}: the outcome registry gives it no better direction, so it cannot be "
                f"improved; choose outcomes where lower or higher is better"
            )
    if len(set(objectives)) < len(objectives):
        raise CoopError(f"--objectives {','.join(objectives)}: an outcome is listed twice")
    if executor not in EXECUTORS:
        raise CoopError(f"--executor {executor!r}: not allowed; expected one of {', '.join(EXECUTORS)}")
    check_int("--evaluations", evaluations, 2, 1_000_000)
    check_int("--replicates", replicates, 1, 10_000)
    if population is not None:
        check_int("--population", population, 4, 10_000)
    check_int("--seed", seed, 0, 2**63 - 1)
    if not isinstance(budget, (int, float)) or not math.isfinite(budget):
        raise CoopError(f"--budget {budget}: expected a number")
    overrides: dict[str, Any] = {}
    if residents is not None:
        overrides["residents"] = PARAMETERS["residents"].coerce(residents, "--residents")
    config, sc, pat = resolve(scenario, pattern, **overrides)  # bad names before anything else
    cheapest = model.cheapest(names)
    floor = model.cost(cheapest)
    if budget < floor - 1e-9:
        raise CoopError(
            f"--budget {format_number(budget)}: below the cheapest setting of the levers searched, "
            f"{format_number(floor)} ({model.unit}: "
            + ", ".join(f"{k} {_setting_words(v)}" for k, v in cheapest.items())
            + ")"
        )
    if population is None:
        population = int(min(40, max(8, evaluations // 8)))
    scenario_ref = str(Path(scenario).resolve()) if str(scenario).endswith(".toml") else str(scenario)
    pattern_ref = str(Path(pattern).resolve()) if str(pattern).endswith(".toml") else str(pattern)
    seeds = replicate_seeds(seed, replicates)
    kept = list(dict.fromkeys([*objectives, "truncated"]))
    spec = {
        "scenario": scenario_ref,
        "pattern": pattern_ref,
        "budget": float(budget),
        "objectives": objectives,
        "levers": names,
        "replicates": replicates,
        "residents": config.residents,
        "seed": seed,
        "population": population,
        "costs": model.fingerprint(names),
        "scenario_parameters": sc.parameters,
        "pattern_levers": pat.levers,
    }
    out = Path(out) if out is not None else Path("results") / f"optimise_{Path(str(scenario)).stem}"
    store = _Store(out, spec)
    try:
        search = _Search(
            model,
            names,
            float(budget),
            objectives,
            kept,
            seeds,
            scenario_ref,
            pattern_ref,
            overrides,
            store,
            executor,
            workers,
            scheduler,
            evaluations,
            progress,
            on_evaluation,
        )
        search.run(seed, population)
    finally:
        store.close()
    table = search.table()
    front = _front(table, objectives)
    steps = _budget_steps(front, objectives, float(budget), floor)
    investments = _investments(steps, names, model, float(budget))
    return Optimisation(
        str(scenario),
        str(pattern),
        float(budget),
        objectives,
        names,
        model,
        table,
        front,
        steps,
        investments,
        replicates,
        seeds,
        search.ran,
        out,
    )
