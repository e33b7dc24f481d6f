"""CoordinationModel: the wiring of world, organisations, rules, hazard and phases; run_once.

The model builds the world (:mod:`coop_agents.world`), the organisations and their deciders
(:mod:`coop_agents.agents`, :mod:`coop_agents.decisions`), the effects of the levers
(:mod:`coop_agents.effects`), the rules they act through (:mod:`coop_agents.governance`) and the
hazard, then steps one day at a time in the order written once in :meth:`CoordinationModel.step`,
one method per phase.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import mesa
import networkx as nx
import numpy as np

from coop_agents.actions import Actions
from coop_agents.agents.organisations import CommunityCommittee, Organisation, Roster
from coop_agents.agents.residents import Resident
from coop_agents.config import Config, make_config, validate_overrides
from coop_agents.decisions import Decider, resolve_deciders
from coop_agents.effects import derive_effects
from coop_agents.events import hazard_for
from coop_agents.governance import Governance
from coop_agents.hazards import Hazard
from coop_agents.limits import RESIDENT_AGENTS_MAX
from coop_agents.messaging import district_bus
from coop_agents.metrics import OUTCOMES, Tally, TimeSeries, outcomes
from coop_agents.monitoring import Monitoring
from coop_agents.network import District, district_for
from coop_agents.patterns import Pattern, load_pattern
from coop_agents.readiness import Upkeep
from coop_agents.rng import Draws, make_streams, stream_key
from coop_agents.scenarios import PresetScenario, Scenario, check_structure_overrides, load_scenario
from coop_agents.world import WorldViews, build_world

__all__ = ["CoordinationModel", "run_once", "resolve"]

KEYED_DRAWS = ("hazard", "detection", "bounce", "warning", "need_report", "lockdown", "priority")


def resolve(
    scenario: str | Path | Scenario = "default", pattern: str | Path | Pattern = "siloed", **overrides: Any
) -> tuple[Config, Scenario, Pattern]:
    """Combine defaults, scenario, pattern and overrides (in that order) into a :class:`Config`.

    Raises:
        ConfigError: unknown scenario, pattern or key; a value out of bounds; a malformed file.
    """
    sc = load_scenario(scenario)
    pat = load_pattern(pattern)
    extra = validate_overrides(overrides, "overrides")
    check_structure_overrides(sc, extra)  # a district from a file brings its own sizes
    return make_config(sc.parameters, pat.levers, extra), sc, pat


class CoordinationModel(WorldViews, mesa.Model):
    """Community governance actors coordinating against a major sudden risk.

    Args:
        scenario: a preset name or a scenario TOML path (population, hazard, horizon).
        pattern: a preset name or a pattern TOML path (the levers).
        seed: the master seed; all randomness derives from it (see :mod:`coop_agents.rng`).
            ``None`` draws a fresh seed and keeps it in ``seed_value``. Mesa's ``batch_run``
            passes its ``rng`` values here.
        graph: a district to use instead of building one: a :class:`coop_agents.network.District`
            (shared as it is, e.g. by a batch's arms on one seed), a graph with residents as nodes,
            or a structure file (GraphML, workbook or CSV folder).
        rng: an integer seed under Mesa's name for it; overrides ``seed`` when given.
        deciders: who makes the organisations' choices, by organisation kind or node id (see
            :mod:`coop_agents.decisions`); organisations not named follow the pattern's rules.
        resident_agents: make the Resident agents now (True) or only when asked for
            (:meth:`resident_agents`); by default, now for districts of up to
            :data:`coop_agents.limits.RESIDENT_AGENTS_MAX` residents.
        **overrides: any parameter-table keys, applied last (e.g. ``residents=1200``).

    Under Mesa's ``SolaraViz``, choose the scenario with the app parameter ``scenario_name``
    (a field of :class:`coop_agents.scenarios.PresetScenario`, kept as ``model.scenario``), so a
    reset keeps it. Mesa's ``batch_run`` finds every outcome in ``datacollector`` at the run's end.

    Attributes:
        config: the resolved, frozen configuration.
        world: graph, residents (arrays), contacts and communities (arrays).
        roster: the organisations by role; ``committees`` one per community, in community order.
        governance: the rules the organisations act through; ``bus`` the message bus.
        hazard, tally, series: the hazard, running counts, time series.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | PresetScenario = "default",
        pattern: str | Path | Pattern = "siloed",
        seed: int | None = 0,
        *,
        graph: District | nx.Graph | str | Path | None = None,
        rng: int | None = None,
        deciders: Mapping[Hashable, Decider] | None = None,
        resident_agents: bool | None = None,
        **overrides: Any,
    ) -> None:
        if isinstance(scenario, PresetScenario):  # what Mesa's SolaraViz passes on reset
            scenario = scenario.scenario_name
        config, sc, pat = resolve(scenario, pattern, **overrides)
        if rng is not None:  # Mesa's name for the seed
            seed = rng
        if seed is None:  # as Mesa does for rng=None: a fresh seed, kept so the run can be repeated
            seed = int(np.random.SeedSequence().generate_state(2, np.uint64)[0]) % 2**63
        # What built this model, so a counterfactual run (the same seed with one lever changed,
        # e.g. learning off for the learning gain) can be built alike.
        self.construction = {
            "scenario": scenario,
            "pattern": pattern,
            "seed": seed,
            "graph": graph,
            "deciders": deciders,
            "resident_agents": resident_agents,
            **overrides,
        }
        self.streams = make_streams(seed)
        # Every per-resident number of a day is keyed by (stream, day, resident) (coop_agents.rng).
        self.draws = {name: Draws(stream_key(seed, name)) for name in KEYED_DRAWS}
        mesa_rng = self.streams["mesa"]
        name = str(scenario) if isinstance(scenario, (str, Path)) else sc.name
        super().__init__(rng=mesa_rng, scenario=PresetScenario(rng=mesa_rng, scenario_name=name))
        self.seed_value = int(seed)
        self.config = config
        self.scenario_spec, self.pattern_spec = sc, pat
        # The district: built from the scenario's sizes, read from its structure file, or given
        # (a batch hands the arms of one replicate the same district; see coop_agents.network).
        district = district_for(config, graph if graph is not None else sc.structure, self.streams["network"])
        self.world = build_world(config, district, self.streams["population"])
        # Resident agents are views onto the arrays, made now for districts up to
        # RESIDENT_AGENTS_MAX residents (or as ``resident_agents`` says), otherwise on first ask.
        if resident_agents if resident_agents is not None else self.world.residents.n <= RESIDENT_AGENTS_MAX:
            self.resident_agents()
        self._build_organisations(deciders)
        # Each community's requests draw from a stream of their own, so how one community's
        # requests are judged does not depend on how many requests others sent (common random
        # numbers between patterns that differ in message traffic).
        community_rng = self.streams["decisions"].spawn(self.n_communities)
        self.tally = Tally(self.n_communities)
        self.series = TimeSeries(config.steps, self.n_communities)
        self.governance = Governance(
            config,
            self.world.communities,
            self.roster,
            self.bus,
            self.effects,
            self.tally,
            community_rng,
            clock=lambda: self.steps,
        )
        for org in self.roster.organisations:
            org.attach(self.governance, self._deciders[org.node])
        self.hazard: Hazard = hazard_for(
            config, self.world, sc.events, self.streams["hazard"], self.effects.prevention_strength
        )
        self.hazard.start_due(0)  # several events: those due on day 0
        self.monitoring = Monitoring(
            self.world,
            self.effects,
            self.hazard,
            self.committees,
            self.tally,
            self.streams["monitoring"],
            self.streams["decisions"],
            self.draws["detection"],
            self.draws["bounce"],
        )
        self.actions = Actions(
            self.world, self.effects, self.hazard, self.committees, self.tally, self.draws, self.governance
        )
        # Single-event runs end when the event is over (at the latest after ``steps`` days).
        self.until_over = config.run_until == "event_over" and config.arrival == "single"
        self._mean_lessons = 0.0  # recorded every day; changes only in the learning phase
        self._risk = self.hazard.true_risk(0)
        risk0 = self._risk >= config.alert_threshold
        self.tally.mark_first(self.tally.onset, risk0, 0)
        self.tally.last_at_risk[risk0] = 0
        self._record(self.world.communities.state.copy())
        # Mesa's batch_run reads the outcomes here; they are filled in when the run ends (that day).
        self._final: dict[str, float] = {}
        self._final_at = -1
        self.datacollector = mesa.DataCollector(
            model_reporters={key: (lambda m, key=key: m._final.get(key, float("nan"))) for key in OUTCOMES}
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ construction

    def _build_organisations(self, deciders: Mapping[Hashable, Decider] | None) -> None:
        g, cfg = self.world.graph, self.config
        self.roster, node_index = Roster.build(self, g, self.world.communities)
        organisations = self.roster.organisations
        self._deciders = resolve_deciders(deciders, {o.node: o.kind for o in organisations})
        self.active, self.bus = district_bus(
            g, cfg, organisations, node_index, self.streams["network"], self.streams["messages"]
        )
        res = self.world.residents
        self.effects = derive_effects(
            cfg,
            self.world.communities,
            res.party_member,
            res.community,
            g,
            self.active,
            self.roster,
            self.bus,
        )
        self.roster.give_stocks(self.effects)
        self.upkeep = Upkeep(
            cfg,
            self.world.communities,
            self.effects.psychological,
            self.roster.government,
            self.effects.district_stock,
        )

    # ------------------------------------------------------------------ the step

    def step(self) -> None:
        """Advance one day, in this order (design §2.9), one method per phase:

        1. **Hazard** (:meth:`_hazard_phase`): committees read the alerts posted on the platform or
           command hub that reach them today; the events due today begin; the hazard advances on
           the true state (vectorised over residents; one uniform number per resident from the
           hazard stream, whatever the pattern).
        2. **Monitoring** (监测, :meth:`_monitoring_phase`): grid workers, sensors and residents'
           own reports detect affected residents; boundary tasks look for an owner and bounce
           where ownership is unclear (buck-passing); committees form their perceived risk with
           misjudgement (and false signals).
        3. **Messages** (:meth:`_message_phase`) move through organisation queues and along active
           links (latency, capacity, loss); delivered messages land in inboxes.
        4. **Decisions** (:meth:`_decision_phase`): own decisions whose deliberation ended take
           effect; emergency powers are delegated or returned; authorities answer requests (under
           unified command the command node decides from its queue, within its span of control);
           the district grades its response level; committees report, propose or make state
           changes. Every choice goes through the organisations' deciders.
        5. **Actions** (:meth:`_action_phase`): measures by state and de-escalation stage,
           isolation of owned cases, warnings, needs met by staff, volunteers and organisations
           (vulnerable first with a registry), resources consumed and requested.
        6. **Learning and evaluation** (学习, :meth:`_learning_phase`): after-action review where an
           alert episode closed today (false alarms excluded); cadres' motivation follows the load
           pushed down on them; readiness builds or fades, lost trust returns, the district
           restocks.
        7. **Metrics** (:meth:`_metrics_phase`) are recorded, and the run ends when its event is
           over or at its cap.
        """
        t = self.steps
        self._hazard_phase(t)
        self._monitoring_phase(t)
        self._message_phase(t)
        self._decision_phase(t)
        states = self.world.communities.state.copy()  # no state changes from here to the end of the day
        self._action_phase(t, states)
        self._learning_phase(states)
        self._metrics_phase(states)

    def _hazard_phase(self, t: int) -> None:
        if "injects" in self.__dict__:  # (a drill's: none on other runs, nothing to look through)
            self._apply_injects(t)  # the events due today, before anything else (schedule_inject)
            self.hazard.resync()  # (an inject may have written the hazard's arrays directly)
        gov, comm = self.governance, self.world.communities
        if gov.bulletins:
            gov.read_bulletins(t)  # posted alerts read today, before anything is seen
        self.hazard.start_due(t)  # several events: those due today begin
        self.hazard.advance(t, self.draws["hazard"].day(t, self.world.residents.n))
        self._risk = true_risk = self.hazard.true_risk(t)
        at_risk = true_risk >= self.config.alert_threshold
        if np.count_nonzero(at_risk):  # (nobody on most days; a C call, .any() a Python wrapper)
            self.tally.mark_first(self.tally.onset, at_risk, t)
            self.tally.last_at_risk[at_risk] = t
        # Monitoring's too (no state changes between). NORMAL is state 0: a cast, 5x cheaper than a compare.
        self._alerting = alerting = comm.state.astype(bool)
        if np.count_nonzero(alerting):
            comm.episode_peak = np.where(alerting, np.maximum(comm.episode_peak, true_risk), 0.0)
        else:
            comm.episode_peak = np.zeros(comm.n)  # no alert episode under way anywhere
        if self.tally.contained_at is None and self.hazard.contained(t):
            if self.hazard.onset_step is not None:
                self.tally.contained_at = t

    def _monitoring_phase(self, t: int) -> None:
        self.monitoring.observe(t, self._alerting)  # (the hazard phase's, just before)

    def _message_phase(self, t: int) -> None:
        self.roster.deliver(self.bus.advance(t + 1))

    def _decision_phase(self, t: int) -> None:
        gov = self.governance
        if gov.scheduled:  # (none waiting on most days: nothing to apply)
            gov.apply_scheduled(t)
        gov.update_delegation()
        for org in self.roster.with_work():  # the others' step would do nothing
            org.step()
        if (cfg := self.config).monitoring:
            # Those at rest have their quiet day; the others decide, in community order.
            for committee in CommunityCommittee.deciding(self.roster.committees, self.world.communities, cfg):
                committee.decide(t)

    def _action_phase(self, t: int, states: np.ndarray) -> None:
        self.actions.act(t, self._risk, states)

    def _learning_phase(self, states: np.ndarray) -> None:
        """After-action review; readiness builds in normal times and fades without upkeep; lost
        trust slowly returns; the district restocks."""
        cfg, gov, comm = self.config, self.governance, self.world.communities
        if gov.closed:
            if cfg.learning:
                gov.review()
                self._mean_lessons = float(np.mean(comm.lessons))
            gov.closed = []
        if cfg.territorial_load:
            gov.update_motivation(states)  # 权责失衡: cadres' motivation follows load against authority
        self.upkeep.day(states, gov.unlocked)
        self.actions.follow_behaviour()

    def _metrics_phase(self, states: np.ndarray) -> None:
        self._record(states)
        if self.steps >= self.config.steps or (self.until_over and self.event_over()):
            self.running = False
            self._final, self._final_at = self.outcomes(), self.steps
            self.datacollector.collect(self)

    def _record(self, states: np.ndarray) -> None:
        res, hz, comm, bus = self.world.residents, self.hazard, self.world.communities, self.bus
        self.series.record(
            prevalence=(active := hz.n_active) / res.n,
            harm=float(np.count_nonzero(hz.affected)),
            severe=float(np.count_nonzero(hz.severe)),
            detected=float(np.count_nonzero(res.detected & hz.active)) if active else 0.0,
            resources=self.roster.total_stock(),
            unmet_needs=float(self.actions.unmet_today),
            measures=float((comm.measures * comm.size).sum() / res.n),
            trust=self.actions.mean_trust,
            lessons=self._mean_lessons,
            event=float(self.hazard.current),
            states=states,
            **bus.day_figures(self.steps),
            risk=self._risk,
            level=comm.measures,
            seen=self.monitoring.seen,
        )
        self.governance.level_history.append(self.governance.level)  # the district's response level

    # ------------------------------------------------------------------ injects (a drill's events)

    def schedule_inject(self, day: int, inject: Any) -> None:
        """Fire ``inject`` at the start of day ``day``, before the hazard moves: an event of a
        tabletop drill, such as a second outbreak site or a flooded road
        (:mod:`coop_agents.tabletop.injects`).

        ``inject`` is anything with an ``apply(model, day)`` method; it changes the run through the
        model's collaborators (hazard, communities, message bus, effects, stocks) and may schedule
        a follow-up (the road open again). Injects due the same day apply in the order they were
        scheduled. A run without injects is unchanged by this hook, so a drill's run stays
        comparable with every preset's on the same seed and the same injects.
        """
        self.__dict__.setdefault("injects", []).append((int(day), inject))

    def _apply_injects(self, t: int) -> None:
        """The injects due on day ``t`` (see :meth:`schedule_inject`)."""
        for day, inject in list(self.__dict__.get("injects", ())):
            if day == t:
                inject.apply(self, t)

    # ------------------------------------------------------------------ views and results

    def resident_agents(self) -> mesa.AgentSet:
        """The residents as Mesa agents (each a view onto its row of the resident arrays), made on
        the first call when the model did not make them at the start."""
        made = self.agents_by_type.get(Resident)
        if made is None:
            affected = lambda: self.hazard.active  # noqa: E731 (one shared view for every resident agent)
            for i in range(self.world.residents.n):
                Resident(self, i, self.world.residents, affected)
            made = self.agents_by_type[Resident]
        return made

    @property
    def committees(self) -> list[CommunityCommittee]:
        return self.roster.committees

    @property
    def organisations(self) -> list[Organisation]:
        return self.roster.organisations

    def event_over(self) -> bool:
        """Whether the event is over: the hazard can do no more harm and every community is back
        in normal (a single event; with several, whether the last one is)."""
        return bool(self.hazard.contained(self.steps)) and not self.world.communities.state.any()

    def outcomes(self) -> dict[str, float]:
        """Every outcome of :data:`coop_agents.metrics.OUTCOMES` so far."""
        return outcomes(self)

    def counterfactual(self, **changes: Any) -> CoordinationModel:
        """The same run with ``changes`` to its parameters (same seed, district and events: common
        random numbers), stepped as far as this one; kept, so asking again only steps it on."""
        key = tuple(sorted(changes.items()))
        twins = self.__dict__.setdefault("_twins", {})
        if key not in twins:
            twins[key] = CoordinationModel(**{**self.construction, **changes})
        twin = twins[key]
        while twin.steps < self.steps:
            twin.step()
        return twin

    def run(self, steps: int | None = None) -> dict[str, float]:
        """Step until the run ends (see ``run_until``), or for exactly ``steps`` days in all if
        given, and return the outcomes."""
        if steps is None:
            while self.running:
                self.step()
        else:
            while self.steps < steps:
                self.step()
        if self._final_at == self.steps:
            # The metrics phase worked them out as the run ended today (about 1 ms: not twice).
            return dict(self._final)
        return self.outcomes()


def run_once(
    scenario: str | Path | Scenario = "default",
    pattern: str | Path | Pattern = "siloed",
    seed: int = 0,
    steps: int | None = None,
    **overrides: Any,
) -> dict[str, float]:
    """Build one model, run it and return its outcomes (a plain function any runner can call).

    The run lasts until the event is over (at most the scenario's ``steps`` days), or exactly
    ``steps`` days when ``steps`` is given.

    Examples:
        >>> out = run_once("default", "full_cycle", seed=1, residents=600, steps=30)
        >>> out["truncated"], sorted(out)[:2]
        (1.0, ['buck_passing_events', 'busiest_load'])
    """
    if steps is not None:  # a fixed length, as asked
        overrides["steps"] = steps
        overrides.setdefault("run_until", "steps")
    return CoordinationModel(scenario, pattern, seed, **overrides).run()
