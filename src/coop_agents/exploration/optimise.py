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

import hashlib
import json
import math
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.exploration._common import (
    Progress,
    check_int,
    outcome_words,
    output_folder,
    pyplot,
    save_figure,
    value_words,
)
from coop_agents.exploration.costs import CostModel, load_costs
from coop_agents.numbers import decimals_for, format_number

__all__ = ["DEFAULT_LEVERS", "DEFAULT_OBJECTIVES", "Optimisation", "OptimiseInterrupted", "optimise"]

DEFAULT_OBJECTIVES = ("harm", "unmet_need_days")
DEFAULT_LEVERS = (
    "technology",
    "monitoring_coverage",
    "information",
    "responsibility_lists",
    "vulnerable_registry",
    "platform",
)
BUDGET_STEPS = 8  # budget levels of the "first investments" ranking


class OptimiseInterrupted(CoopError):
    """Ctrl-C: every finished evaluation is saved; the same command again resumes."""


@dataclass
class Optimisation:
    """What :func:`optimise` found; every table a DataFrame."""

    scenario: str
    pattern: str
    budget: float
    objectives: list[str]
    levers: list[str]
    costs: CostModel
    evaluations: pd.DataFrame  # every candidate evaluated: levers, cost, objectives
    front: pd.DataFrame  # the non-dominated candidates, by cost
    steps: pd.DataFrame  # the best plan (first objective) within each budget level
    investments: pd.DataFrame  # each lever: the least budget at which the best plan buys it
    replicates: int
    seeds: list[int]
    ran: int  # model runs made by this call (0: all taken from the saved evaluations)
    out: Path | None = None

    def report(self) -> str:
        unit = self.costs.unit
        head = (
            f"optimise: scenario {self.scenario}, levers {', '.join(self.levers)} on top of {self.pattern}, "
            f"budget {format_number(self.budget)} ({unit}); {len(self.evaluations)} candidates x "
            f"{self.replicates} paired seeds; objectives: cost, "
            + ", ".join(f"{outcome_words(o)[0]} ({_dir(o)})" for o in self.objectives)
        )
        lines = [head, "", f"Pareto front ({len(self.front)} plans, cheapest first; levers as set):"]
        lines += _table(self.front, self.objectives, self.levers, self.costs)
        first = self.objectives[0]
        lines += ["", f"Best plan for {outcome_words(first)[0]} within each budget:"]
        lines += _table(self.steps, self.objectives, self.levers, self.costs, budget=True)
        lines += [
            "",
            "First investments (the least budget at which the best plan for "
            f"{outcome_words(first)[0]} buys a lever):",
        ]
        for r in self.investments.itertuples():
            if pd.isna(r.budget):
                lines.append(f"  -  {r.lever:28s} not bought within {format_number(self.budget)}")
            else:
                lines.append(
                    f"  {int(r.rank)}. {r.lever:28s} from a budget of {format_number(r.budget)} "
                    f"(set to {r.setting}, costing {format_number(r.lever_cost)})"
                )
        lines.append("")
        lines.append(
            f"Objectives are means over the same {self.replicates} seeds for every plan: differences "
            f"between close plans may be noise of those seeds."
        )
        return "\n".join(lines)

    def write(self, out: str | Path | None = None) -> list[Path]:
        """``front.csv``, ``evaluations.csv``, ``investments.csv``, ``optimise.md`` and figures."""
        if out is None and self.out is None:
            raise CoopError("no folder to write to: give out")
        out = Path(out if out is not None else self.out)  # type: ignore[arg-type]
        out.mkdir(parents=True, exist_ok=True)
        paths = [
            out / "front.csv",
            out / "evaluations.csv",
            out / "budget_steps.csv",
            out / "investments.csv",
            out / "optimise.md",
        ]
        self.front.to_csv(paths[0], index=False)
        self.evaluations.to_csv(paths[1], index=False)
        self.steps.to_csv(paths[2], index=False)
        self.investments.to_csv(paths[3], index=False)
        paths[4].write_text(
            f"# Optimisation under a budget\n\n```\n{self.report()}\n```\n\n![front](front.png)\n\n"
            f"![levers](levers.png)\n",
            encoding="utf-8",
        )
        return paths + self.figures(out)

    def figures(self, out: Path) -> list[Path]:
        plt = pyplot()
        first = self.objectives[0]
        label, unit = outcome_words(first)
        fig, ax = plt.subplots(figsize=(6.8, 4.6))
        ax.scatter(
            self.evaluations["cost"], self.evaluations[first], s=12, color="lightgrey", label="evaluated"
        )
        if len(self.objectives) > 1:
            second = self.objectives[1]
            sc = ax.scatter(
                self.front["cost"],
                self.front[first],
                c=self.front[second],
                cmap="viridis_r",
                s=40,
                zorder=3,
                label="Pareto front",
            )
            fig.colorbar(sc, ax=ax, label=f"{outcome_words(second)[0]} ({outcome_words(second)[1]})")
        else:
            ax.scatter(
                self.front["cost"], self.front[first], color="crimson", s=40, zorder=3, label="Pareto front"
            )
        ax.step(
            self.steps["budget"],
            self.steps[first],
            where="post",
            color="crimson",
            lw=1,
            label="best within budget",
        )
        ax.axvline(self.budget, color="black", ls=":", lw=1)
        ax.set_xlabel(f"cost ({self.costs.unit})")
        ax.set_ylabel(f"{label} ({unit})")
        ax.set_title(
            f"{self.scenario}: cost against {label.lower()}, {self.replicates} paired seeds", fontsize=10
        )
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        paths = save_figure(fig, out, "front")
        # Lever settings along the front: 0 = cheapest, 1 = dearest.
        f = self.front
        m = np.array(
            [
                [_share(self.costs, k, row[k]) for k in self.levers]
                for row in f[self.levers].to_dict("records")
            ]
        )
        fig, ax = plt.subplots(figsize=(1.6 + 0.35 * max(len(f), 4), 1.2 + 0.45 * len(self.levers)))
        im = ax.imshow(
            m.T if len(m) else np.zeros((len(self.levers), 1)), aspect="auto", cmap="Reds", vmin=0, vmax=1
        )
        ax.set_yticks(range(len(self.levers)), self.levers, fontsize=8)
        ax.set_xticks(range(len(f)), [format_number(c, 0) for c in f["cost"]], rotation=90, fontsize=7)
        ax.set_xlabel(f"plans of the Pareto front, by cost ({self.costs.unit})")
        fig.colorbar(im, ax=ax, label="share of the lever's cost range bought")
        paths += save_figure(fig, out, "levers")
        return paths


def _dir(outcome: str) -> str:
    from coop_agents.exploration._common import better

    return {"lower": "minimised", "higher": "maximised"}[better(outcome)]


def _share(costs: CostModel, lever: str, value: Any) -> float:
    c = costs.levers[lever]
    span = c.cost(c.dearest) - c.cost(c.cheapest)
    return 0.0 if span <= 0 else (c.cost(value) - c.cost(c.cheapest)) / span


def _setting_words(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    return value_words(value) if isinstance(value, (float, np.floating)) else str(value)


def _table(
    df: pd.DataFrame, objectives: list[str], levers: list[str], costs: CostModel, budget: bool = False
) -> list[str]:
    from coop_agents.experiments.analysis import find_outcome

    cols = (["budget"] if budget else []) + ["cost", *objectives, *levers]
    heads = [c if c in levers or c in ("budget", "cost") else outcome_words(c)[0] for c in cols]
    cells = []
    for c in cols:
        if c in levers:
            cells.append([_setting_words(v) for v in df[c]])
        else:
            d = 0 if c in ("budget", "cost") else find_outcome(c).decimals
            d = decimals_for(df[c], d)
            cells.append([format_number(v, d) for v in df[c]])
    widths = [max(len(h), *(len(x) for x in col)) if len(col) else len(h) for h, col in zip(heads, cells)]
    lines = ["  " + "  ".join(h.rjust(w) for h, w in zip(heads, widths))]
    for i in range(len(df)):
        lines.append("  " + "  ".join(col[i].rjust(w) for col, w in zip(cells, widths)))
    return lines


# ----------------------------------------------------------------------------------- the store


class _Store:
    """``optimise.json`` (what is searched) and ``evaluations.jsonl`` (one line per candidate)."""

    def __init__(self, out: Path, spec: dict) -> None:
        from filelock import FileLock, Timeout

        self.out = output_folder(out)
        self.lock = FileLock(str(self.out / ".optimise.lock"))
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            raise CoopError(
                f"--out {out}: another optimisation is writing to this folder; wait for it to end "
                f"or give another --out"
            ) from None
        meta = self.out / "optimise.json"
        fingerprint = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]
        if meta.exists():
            try:
                old = json.loads(meta.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            if old.get("fingerprint") != fingerprint:
                self.lock.release()
                raise CoopError(
                    f"--out {out}: holds another optimisation ({_spec_words(old.get('spec', {}))}); "
                    f"give another --out or the same settings to resume it"
                )
        else:
            tmp = meta.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"fingerprint": fingerprint, "spec": spec}, indent=2, default=str),
                encoding="utf-8",
            )
            os.replace(tmp, meta)
        self.path = self.out / "evaluations.jsonl"
        self.done: dict[str, dict] = {}
        if self.path.exists():
            with open(self.path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        row = json.loads(line)
                        self.done[row["key"]] = row
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a kill: that candidate runs again
        self.fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - open while the search runs; close()

    def add(self, row: dict) -> None:
        self.fh.write(json.dumps(row, default=_json_default) + "\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.done[row["key"]] = row

    def close(self) -> None:
        self.fh.close()
        self.lock.release()


def _json_default(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    raise TypeError(type(v))


def _spec_words(spec: dict) -> str:
    keys = ("scenario", "pattern", "budget", "objectives", "levers", "replicates", "residents")
    return ", ".join(f"{k} {spec[k]}" for k in keys if k in spec) or "unreadable settings"


def _key(setting: dict) -> str:
    return json.dumps(setting, sort_keys=True, default=_json_default)


# ------------------------------------------------------------------------------------ optimise


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


def _front(table: pd.DataFrame, objectives: list[str]) -> pd.DataFrame:
    """The candidates no other candidate beats on cost and every objective at once."""
    from coop_agents.exploration._common import better

    ok = table.dropna(subset=objectives).reset_index(drop=True)
    signs = np.array([1.0] + [1.0 if better(o) == "lower" else -1.0 for o in objectives])
    m = ok[["cost", *objectives]].to_numpy(float) * signs
    keep = np.ones(len(m), bool)
    for i in range(len(m)):
        dominated = np.all(m <= m[i], axis=1) & np.any(m < m[i], axis=1)
        keep[i] = not dominated.any()
    front = ok[keep].drop_duplicates(subset=["cost", *objectives])
    return front.sort_values(["cost", *objectives], kind="stable").reset_index(drop=True)


def _budget_steps(front: pd.DataFrame, objectives: list[str], budget: float, floor: float) -> pd.DataFrame:
    from coop_agents.exploration._common import better

    first = objectives[0]
    sign = 1.0 if better(first) == "lower" else -1.0
    levels = [floor + (budget - floor) * j / BUDGET_STEPS for j in range(BUDGET_STEPS + 1)]
    rows = []
    for level in levels:
        within = front[front["cost"] <= level + 1e-9]
        if within.empty:
            continue
        best = within.loc[(sign * within[first]).idxmin()]
        rows.append({"budget": level, **best.to_dict()})
    return pd.DataFrame(rows, columns=["budget", *front.columns])


def _investments(steps: pd.DataFrame, names: list[str], model: CostModel, budget: float) -> pd.DataFrame:
    rows = []
    for lever in names:
        c = model.levers[lever]
        hit = steps[[c.invested(v) for v in steps[lever]]] if len(steps) else steps
        if len(hit):
            r = hit.iloc[0]
            rows.append(
                {
                    "lever": lever,
                    "budget": float(r["budget"]),
                    "setting": _setting_words(r[lever]),
                    "lever_cost": c.cost(r[lever]) - c.cost(c.cheapest),
                    "note": c.note,
                }
            )
        else:
            rows.append(
                {"lever": lever, "budget": math.nan, "setting": "", "lever_cost": math.nan, "note": c.note}
            )
    df = (
        pd.DataFrame(rows)
        .sort_values(["budget", "lever_cost"], ascending=[True, False], na_position="last", kind="stable")
        .reset_index(drop=True)
    )
    df.insert(
        0,
        "rank",
        pd.array([i + 1 if not math.isnan(b) else None for i, b in enumerate(df["budget"])], dtype="Int64"),
    )
    return df
