"""What a browser session runs: its settings, its models and the records the views draw.

Nothing here imports Solara, so the tests and ``benchmarks/app_step.py`` drive the same objects
the app does. Each browser session builds its own :class:`Session`; no model is ever shared.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from coop_agents.config import PARAMETERS, Config
from coop_agents.model import CoordinationModel, resolve
from coop_agents.viz.layout import DistrictLayout, district_layout

__all__ = ["CONTROL_GROUPS", "RunSettings", "CompareSettings", "Run", "Ensemble", "Session"]

# Parameter-table groups offered as controls, in the order the sidebar shows them; "population"
# offers only the number of residents (the rest of a district comes with its scenario).
CONTROL_GROUPS: dict[str, tuple[str, ...]] = {
    **{
        g: tuple(p.name for p in PARAMETERS.values() if p.group == g)
        for g in ("pillars", "guarantees", "authority", "deescalation")
    },
    "population": ("residents",),
}


@dataclass(frozen=True)
class RunSettings:
    """The controls of the one-pattern page: scenario, pattern, seed and changed parameters.

    ``overrides`` holds only what the user changed, so a control shows the pattern's (or the
    scenario's) value until it is touched; choosing another pattern drops changed levers and
    choosing another scenario drops changed scenario parameters.
    """

    scenario: str = "default"
    pattern: str = "siloed"
    seed: int = 0
    overrides: tuple[tuple[str, Any], ...] = ()

    def config(self) -> Config:
        return resolve(self.scenario, self.pattern, **dict(self.overrides))[0]

    def value(self, name: str) -> Any:
        """What the control of parameter ``name`` shows."""
        return getattr(self.config(), name)

    def with_value(self, name: str, value: Any) -> RunSettings:
        """These settings with one parameter changed (checked against the table)."""
        value = PARAMETERS[name].coerce(value, "the app")
        changed = {**dict(self.overrides), name: value}
        return replace(self, overrides=tuple(sorted(changed.items())))

    def with_scenario(self, scenario: str) -> RunSettings:
        kept = tuple((k, v) for k, v in self.overrides if PARAMETERS[k].role != "scenario")
        return replace(self, scenario=scenario, overrides=kept)

    def with_pattern(self, pattern: str) -> RunSettings:
        kept = tuple((k, v) for k, v in self.overrides if PARAMETERS[k].role != "lever")
        return replace(self, pattern=pattern, overrides=kept)


@dataclass(frozen=True)
class CompareSettings:
    """The controls of the comparison page: two or three patterns on one scenario and seed."""

    scenario: str = "default"
    patterns: tuple[str, ...] = ("siloed", "full_cycle")
    seed: int = 0
    residents: int | None = None  # None: the scenario's own


class Run:
    """One model and the daily records the views need beyond the model's time series.

    The model's series has no daily unmet need of vulnerable residents nor the resources spent
    so far; they are read from its running tally after every step.
    """

    def __init__(self, scenario: str, pattern: str, seed: int, **overrides: Any) -> None:
        self.pattern = pattern
        self.model = CoordinationModel(scenario, pattern, seed, **overrides)
        self._unmet_vulnerable_total = 0.0
        self.unmet_vulnerable: list[float] = [0.0]
        self.spent: list[float] = [0.0]
        self._layout: DistrictLayout | None = None

    @property
    def day(self) -> int:
        return self.model.steps

    @property
    def days(self) -> int:
        return self.model.config.steps

    @property
    def layout(self) -> DistrictLayout:
        """The district's fixed drawing positions, computed on first use."""
        if self._layout is None:
            self._layout = district_layout(self.model.graph)
        return self._layout

    def step(self) -> None:
        if not self.model.running:
            return
        self.model.step()
        tally = self.model.tally
        self.unmet_vulnerable.append(float(tally.unmet_days[1]) - self._unmet_vulnerable_total)
        self._unmet_vulnerable_total = float(tally.unmet_days[1])
        self.spent.append(float(tally.resources_spent))

    def series(self, key: str) -> np.ndarray:
        """One daily series, from day 0 to today."""
        if key == "unmet_vulnerable":
            return np.asarray(self.unmet_vulnerable)
        if key == "spent":
            return np.asarray(self.spent)
        return self.model.series.data[key][: self.model.series.n]


@dataclass
class Ensemble:
    """Runs that step together (one on the run page, two or three on the comparison page).

    ``lock`` is held while the runs step and while a view reads them, so a view drawn from
    another thread (a language switch during play) never sees a half-finished day.
    """

    runs: list[Run]
    lock: threading.RLock = field(default_factory=threading.RLock)

    @classmethod
    def single(cls, settings: RunSettings) -> Ensemble:
        return cls([Run(settings.scenario, settings.pattern, settings.seed, **dict(settings.overrides))])

    @classmethod
    def comparison(cls, settings: CompareSettings) -> Ensemble:
        extra = {} if settings.residents is None else {"residents": settings.residents}
        return cls([Run(settings.scenario, p, settings.seed, **extra) for p in settings.patterns])

    @property
    def day(self) -> int:
        return self.runs[0].day

    @property
    def days(self) -> int:
        return self.runs[0].days

    @property
    def running(self) -> bool:
        return any(r.model.running for r in self.runs)

    def step(self) -> None:
        with self.lock:
            for run in self.runs:
                run.step()


class Session:
    """Everything one browser session runs; created once per session by the app's layout."""

    def __init__(self) -> None:
        self.single: Ensemble | None = None
        self.compare: Ensemble | None = None
