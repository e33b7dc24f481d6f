"""Several hazard events over a long horizon: the arrival process and the set of running events.

The whole cycle (全周期) needs more than one event: preparation between events, learning after
one (闭环) feeding the next, trust spent by false alarms, a shock during an epidemic. Events
arrive by one of three rules (scenario key ``arrival``):

- ``single``: one event of the scenario's ``hazard`` at the start (a shock's precursors begin
  on ``shock_onset``), the classic single-outbreak run;
- ``poisson``: events of the scenario's ``hazard`` arrive at random, ``arrival_rate`` a year on
  average, from day 0 on;
- ``schedule``: the scenario file's ``[[events]]`` list, e.g. a flood on day 40 of an epidemic.

Each event is its own :class:`coop_agents.hazards.Hazard` (a new pathogen, a new flood) with its
own random stream spawned from the hazard stream, so an event's draws do not depend on how many
events came before or what governance did about them (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coop_agents.errors import ConfigError
from coop_agents.hazards import HAZARDS, Hazard, make_hazard
from coop_agents.rng import Draws, stream_key

if TYPE_CHECKING:
    from coop_agents.world import World

__all__ = ["EventSpec", "schedule_events", "HazardSet", "hazard_for"]

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class EventSpec:
    """One event: the day it begins and the hazard it is."""

    day: int
    hazard: str


def parse_events(raw, where: str) -> tuple[EventSpec, ...]:
    """Read a scenario file's ``[[events]]`` list: ``day`` (integer >= 0) and ``hazard``."""
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"[[events]] in {where} must be a non-empty list of {{ day = ..., hazard = ... }}")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) - {"day", "hazard"} or "day" not in item:
            raise ConfigError(
                f"event {i + 1} in {where}: expected day = <integer> and hazard = "
                f"one of {', '.join(sorted(HAZARDS))}"
            )
        day, hazard = item["day"], item.get("hazard", "contagion")
        if isinstance(day, bool) or not isinstance(day, int) or day < 0:
            raise ConfigError(f"event {i + 1} in {where}: day={day!r}; expected an integer of at least 0")
        if hazard not in HAZARDS:
            raise ConfigError(
                f"event {i + 1} in {where}: hazard={hazard!r}; allowed: {', '.join(sorted(HAZARDS))}"
            )
        out.append(EventSpec(day, hazard))
    return tuple(sorted(out, key=lambda e: e.day))


def schedule_events(config, scheduled: tuple[EventSpec, ...], rng: np.random.Generator) -> list[EventSpec]:
    """The events of a run, in time order, within the run's horizon."""
    if config.arrival == "single":
        return [EventSpec(0, config.hazard)]
    if config.arrival == "schedule":
        if not scheduled:
            raise ConfigError("arrival=schedule needs an [[events]] list in the scenario file")
        return [e for e in scheduled if e.day < config.steps]
    mean_gap = DAYS_PER_YEAR / config.arrival_rate
    days, t = [], 0.0
    # Draw gaps until past the horizon: how many draws that takes depends only on the seed.
    while True:
        t += rng.exponential(mean_gap)
        if t >= config.steps:
            break
        days.append(int(t))
    return [EventSpec(d, config.hazard) for d in days]


class HazardSet(Hazard):
    """Several events behind the one hazard interface the model steps.

    Residents' masks are the union over running events, risks and observations their sum; needs,
    warnings and help reach every running event. :meth:`begin_due` starts the events due on a day
    and returns them (the model then starts their per-event bookkeeping), before :meth:`advance`. ``events`` keeps every event that has begun, so
    per-event outcomes can be read after the run (see :func:`coop_agents.metrics.event_outcomes`).
    """

    name = "events"

    def __init__(self, world: World, specs: list[EventSpec]) -> None:
        super().__init__(world)
        self.specs = specs
        self.events: list[Hazard] = []
        self.begun: list[EventSpec] = []
        self.running: list[Hazard] = []
        self.rngs: list[np.random.Generator] = []
        self.draws: list[Draws] = []  # each event's keyed daily uniforms
        self.prevention = 0.0

    def start(self, rng, prevention):
        self.rngs = list(rng.spawn(len(self.specs)))
        self.draws = [Draws(stream_key(r, "hazard")) for r in self.rngs]
        self.prevention = prevention
        self.onset_step = self.specs[0].day if self.specs else None

    def begin_due(self, step: int) -> list[tuple[int, EventSpec]]:
        """Start the events due by ``step``; return them with their index (masks are combined by
        the next :meth:`combine` or :meth:`advance`)."""
        begun = []
        while len(self.begun) < len(self.specs) and self.specs[len(self.begun)].day <= step:
            spec = self.specs[len(self.begun)]
            event = make_hazard(spec.hazard, self.world)
            event.begin_on(spec.day)
            event.start(self.rngs[len(self.begun)], self.prevention)
            self.begun.append(spec)
            self.events.append(event)
            self.running.append(event)
            begun.append((len(self.events) - 1, spec))
        return begun

    def start_due(self, step: int) -> None:
        """Start the events due today; :attr:`current` becomes the newest.

        For a new event yesterday's cases are no longer news: residents no longer affected lose
        their detection, isolation, needs and shelter, and communities' per-event marks start afresh.
        """
        res, comm = self.world.residents, self.world.communities
        for index, _spec in self.begin_due(step):
            past = ~self.active
            res.detected[past] = False
            res.isolate_at[past] = np.iinfo(np.int32).max
            res.need_days[past] = 0
            res.met_days[past] = 0
            res.safe[past] = False  # those who sheltered from an earlier event are home again
            self.current = index
            comm.event_measured[:] = False
            comm.event_missed[:] = False
        if step == 0:
            self.combine()

    def combine(self) -> None:
        """Residents' masks as the union over the running events (harm over every event)."""
        n = self.world.residents.n
        self.active = np.zeros(n, dtype=bool)
        self.detectable = np.zeros(n, dtype=bool)
        for event in self.running:
            self.active |= event.active
            self.detectable |= event.detectable
        for event in self.events:
            self.affected |= event.affected
            self.severe |= event.severe

    def advance(self, step, u):
        self.combine()
        for event, draws in zip(self.events, self.draws):
            if event in self.running:
                # Every running event draws from its own stream; the model's uniforms go unused
                # so that one event's draws never depend on another's.
                event.advance(step, draws.day(step, u.size))
        self.running = [e for e in self.running if not e.contained(step)]
        self.combine()

    def true_risk(self, step):
        return sum((e.true_risk(step) for e in self.running), np.zeros(self.world.n_communities))

    @property
    def reads_notice(self) -> bool:  # type: ignore[override]  # (a class attribute of single hazards)
        return any(e.reads_notice for e in self.running)

    def observe(self, detected, notice, u, step):
        return sum(
            (e.observe(detected, notice, u, step) for e in self.running), np.zeros(self.world.n_communities)
        )

    def resync(self):
        for event in self.running:
            event.resync()

    def contained(self, step):
        return not self.running and len(self.begun) == len(self.specs)

    def needs(self, step):
        need = np.zeros(self.world.residents.n, dtype=bool)
        for e in self.running:
            need |= e.needs(step)
        return need

    def warn(self, effect, u, information):
        for e in self.running:
            e.warn(effect, u, information)

    def serve(self, served):
        for e in self.running:
            e.serve(served)


def hazard_for(
    config, world: World, scheduled: tuple[EventSpec, ...], rng: np.random.Generator, prevention: float
) -> Hazard:
    """The run's hazard, started: the scenario's hazard itself for one event; several events run
    behind one :class:`HazardSet` on the schedule of :func:`schedule_events`."""
    if config.arrival == "single":
        hazard = make_hazard(config.hazard, world)
    else:
        hazard = HazardSet(world, schedule_events(config, scheduled, rng))
    hazard.start(rng, prevention)
    return hazard
