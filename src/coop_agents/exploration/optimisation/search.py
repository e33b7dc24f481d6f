"""The search: NSGA-II (Platypus) over the levers encoded in [0, 1], every candidate repaired to
the budget, looked up in the store or run on the paired seeds, a generation at a time."""

from __future__ import annotations

import math
import os
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.exploration._common import Progress
from coop_agents.exploration.costs import CostModel
from coop_agents.exploration.optimisation.store import _key, _Store


class OptimiseInterrupted(CoopError):
    """Ctrl-C: every finished evaluation is saved; the same command again resumes."""


def _dir(outcome: str) -> str:
    from coop_agents.exploration._common import better

    return {"lower": "minimised", "higher": "maximised"}[better(outcome)]


class _Search:
    """NSGA-II over the levers encoded in [0, 1], evaluated a generation at a time on an executor."""

    def __init__(
        self,
        model: CostModel,
        names: list[str],
        budget: float,
        objectives: list[str],
        kept: list[str],
        seeds: list[int],
        scenario: str,
        pattern: str,
        overrides: dict,
        store: _Store,
        executor: str,
        workers: int | None,
        scheduler: str | None,
        evaluations: int,
        progress: bool,
        on_evaluation: Callable[[int, int], None] | None,
    ) -> None:
        self.model, self.names, self.budget, self.objectives, self.kept = (
            model,
            names,
            budget,
            objectives,
            kept,
        )
        self.seeds, self.scenario, self.pattern, self.overrides = seeds, scenario, pattern, overrides
        self.store, self.executor, self.workers, self.scheduler = store, executor, workers, scheduler
        self.evaluations, self.on_evaluation = evaluations, on_evaluation
        self.show_progress = progress
        self.progress = Progress(0, "evaluations", enabled=False)  # made by run(), which knows the population
        self.seen: list[str] = []  # candidates of this search, in order (repeats once)
        self.count = 0
        self.ran = 0
        self.pool: Any = None

    def setting(self, variables: list[float]) -> dict[str, Any]:
        raw = {k: self.model.levers[k].decode(u) for k, u in zip(self.names, variables)}
        return self.model.repair(raw, self.budget)

    def encode(self, setting: dict[str, Any]) -> list[float]:
        return [self.model.levers[k].encode(setting[k]) for k in self.names]

    def objectives_of(self, variables: list[float]) -> list[float]:
        row = self.store.done[_key(self.setting(variables))]
        values = [row["cost"]]
        for o in self.objectives:
            v = row["objectives"].get(o)
            values.append(math.inf if v is None or (isinstance(v, float) and math.isnan(v)) else v)
        return values

    def evaluate_all(self, jobs: list) -> list:
        """Repair, look up or run, save: the candidates of one generation."""
        todo: dict[str, dict] = {}
        for job in jobs:
            s = job.solution
            setting = self.setting(s.variables)
            s.variables[:] = self.encode(setting)  # the plan that runs is the repaired one
            key = _key(setting)
            if key not in self.store.done and key not in todo:
                todo[key] = setting
        if todo:
            self._run(todo)
        for job in jobs:
            key = _key(self.setting(job.solution.variables))
            if key not in self.seen:
                self.seen.append(key)
            job.run()
            self.count += 1
            self.progress.update(1)
            if self.on_evaluation is not None:
                self.on_evaluation(self.count, self.evaluations)
        return jobs

    def _run(self, todo: dict[str, dict]) -> None:
        import concurrent.futures as cf

        from coop_agents.experiments.design import RunSpec
        from coop_agents.experiments.worker import run_chunk

        futures = {}
        for key, setting in todo.items():
            specs = [
                RunSpec(
                    f"{key}:{k}",
                    0,
                    key,
                    k,
                    seed,
                    self.scenario,
                    self.pattern,
                    {**self.overrides, **setting},
                    {},
                )
                for k, seed in enumerate(self.seeds)
            ]
            futures[self.pool.submit(run_chunk, specs, self.kept, ())] = key
        for future in cf.as_completed(futures):
            key = futures[future]
            rows = future.result()
            self.ran += len(rows)
            errors = [r["error"] for r in rows if r["error"] is not None]
            means = {}
            for o in self.kept:
                vals = [float(r[o]) for r in rows if r["error"] is None and r[o] is not None]
                vals = [v for v in vals if not math.isnan(v)]
                means[o] = float(np.mean(vals)) if vals else None
            setting = todo[key]
            self.store.add(
                {
                    "key": key,
                    "levers": setting,
                    "cost": self.model.cost(setting),
                    "objectives": means,
                    "per_seed": {o: [r[o] for r in rows] for o in self.kept},
                    "errors": errors[:3],
                    "failed": len(errors),
                }
            )

    def run(self, seed: int, population: int) -> None:
        import warnings

        from coop_agents.experiments.runner import make_executor

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import platypus

        evaluator = self

        class _Evaluator(platypus.Evaluator):
            def evaluate_all(self, jobs, **kwargs):
                return evaluator.evaluate_all(jobs)

        problem = platypus.Problem(len(self.names), 1 + len(self.objectives))
        problem.types[:] = [platypus.Real(0.0, 1.0) for _ in self.names]
        problem.directions[:] = [platypus.Direction.MINIMIZE] + [
            platypus.Direction.MINIMIZE if _dir(o) == "minimised" else platypus.Direction.MAXIMIZE
            for o in self.objectives
        ]
        problem.function = self.objectives_of
        # Platypus draws from Python's random module: seeded, the search replays exactly, which
        # is what lets a second run take its candidates from the saved evaluations.
        state = random.getstate()
        random.seed(seed)
        np_state = np.random.get_state()
        np.random.seed(seed % 2**32)
        workers = 1 if self.executor == "serial" else (self.workers or os.cpu_count() or 1)
        # NSGA-II evaluates whole generations: it stops at the first one that reaches the budget.
        self.progress = Progress(
            math.ceil(self.evaluations / population) * population, "evaluations", enabled=self.show_progress
        )
        try:
            with make_executor(self.executor, workers, self.scheduler) as pool:
                self.pool = pool
                # The first generation holds the cheapest plan, so the front reaches down to it.
                cheapest = platypus.Solution(problem)
                cheapest.variables[:] = self.encode(self.model.cheapest(self.names))
                algorithm = platypus.NSGAII(
                    problem,
                    population_size=population,
                    evaluator=_Evaluator(),
                    generator=platypus.InjectedPopulation([cheapest]),
                )
                algorithm.run(self.evaluations)
        except KeyboardInterrupt:
            self.progress.close()
            raise OptimiseInterrupted(
                f"interrupted: {len(self.store.done)} candidates are saved in "
                f"{self.store.out}; run the same command again to resume"
            ) from None
        finally:
            random.setstate(state)
            np.random.set_state(np_state)
            self.pool = None
            self.progress.close()

    def table(self) -> pd.DataFrame:
        rows = []
        for key in self.seen:
            r = self.store.done[key]
            rows.append(
                {
                    **r["levers"],
                    "cost": r["cost"],
                    **{o: r["objectives"].get(o) for o in self.objectives},
                    "truncated": r["objectives"].get("truncated"),
                    "failed": r.get("failed", 0),
                }
            )
        df = pd.DataFrame(rows, columns=[*self.names, "cost", *self.objectives, "truncated", "failed"])
        for o in self.objectives:
            df[o] = df[o].astype(float)
        return df
