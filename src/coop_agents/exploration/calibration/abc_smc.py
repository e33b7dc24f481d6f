"""The ABC-SMC fit (pyabc): the summary statistics the distance compares, the model as pyabc
calls it, the sampler that reports each generation and the progress lines while one runs."""

from __future__ import annotations

import math
import threading
import time
from typing import Any

import numpy as np

from coop_agents.errors import CoopError
from coop_agents.exploration._common import Progress
from coop_agents.exploration.calibration.observations import simulate_counts
from coop_agents.exploration.calibration.priors import _values

STATISTICS = "sqrt weekly district counts; sqrt community totals, largest first"  # part of a fit's identity


class CalibrationInterrupted(CoopError):
    """Ctrl-C: every finished generation is saved; the same command again resumes."""


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
