"""CoordinationModel: the wiring of district, residents, organisations, hazard and governance."""

from __future__ import annotations

import math
from operator import attrgetter
from pathlib import Path
from typing import Any

import mesa
import networkx as nx
import numpy as np

from coop_agents.agents.organisations import (
    ORGANISATION_KINDS,
    CommunityCommittee,
    Government,
    Organisation,
    PartyBranch,
    ResponsePlatform,
    SocialOrganisation,
    StreetOffice,
)
from coop_agents.agents.residents import Resident, ResidentArrays
from coop_agents.config import Config, make_config, validate_overrides
from coop_agents.governance import GovernanceState as G
from coop_agents.governance import Message, MessageBus, active_org_graph
from coop_agents.events import EventSpec, HazardSet, schedule_events
from coop_agents.hazards import Hazard, make_hazard
from coop_agents.metrics import Tally, TimeSeries, outcomes
from coop_agents.network import DistrictSpec, build_district, contact_matrix, load_graphml
from coop_agents.patterns import Pattern, load_pattern
from coop_agents.rng import make_streams
from coop_agents.scenarios import PresetScenario, Scenario, load_scenario

__all__ = ["CoordinationModel", "run_once", "resolve"]

# Fixed rates of the mechanisms, documented in docs/odd.md (Details: submodels). They are not
# levers: a pattern changes them only through the pillars and guarantees that scale them.
DETECT_GRID = 0.35  # daily chance a grid worker who covers a household spots a case there
SELF_REPORT = 0.12  # daily chance a fully trusting resident reports their own case
INFORMANT_GAIN = 0.6  # most extra detection that horizontal informants (branch, organisations) add
MEASURE_EFFICACY = 0.85  # cut in contacts under full emergency measures, at full compliance
STAFF_HELP = 0.01  # residents a committee helps per day, per resident of the community
VOLUNTEER_HELP = 0.03  # residents helped per day, per resident, at full participation
PARTY_HELP = 0.3  # residents one mobilised party member helps per day, at full training
NEED_REPORT = 0.3  # daily chance a resident in need makes it known
STOCK_PER_RESIDENT = 0.05  # initial committee stock per resident at resources = 0.7
MEASURE_COST = 0.002  # units per resident-day of full measures
SERVICE_COST = 0.01  # units per need met
SHORTAGE_EFFECT = 0.4  # effect of measures and help when the committee has run out
MAX_BOUNCES = 6
LOCKDOWN_NEED = 0.3  # daily chance a vulnerable resident under strong measures needs help
# Readiness (drills, training, peacetime activities) builds in normal times in proportion to the
# peacetime budget and fades at readiness_decay a year; this build rate makes a budget of 0.3 hold
# readiness near 0.3 when it fades at 1 a year. READINESS_REF is the readiness at which drills
# add the compliance (+0.1) and volunteers (x1) of the single-event calibration.
READINESS_BUILD = 1 / (365 * 0.7)
READINESS_REF = 0.3
FALSE_SIGNAL_DAYS = 3.0  # a false report looks like a case for about this many days
RESTOCK_DAYS = 90.0  # the district replaces used stock over about this many days
DAYS_PER_YEAR = 365.0
VIGILANT_DAYS = 14  # how long a peer's alert keeps a committee vigilant


def _uniform(rng: np.random.Generator, n: int, needed: bool) -> np.ndarray | None:
    """``rng.random(n)`` if ``needed``, else None after moving ``rng`` past those ``n`` numbers.

    Each uniform takes exactly one 64-bit output of the bit generator, so skipping with
    ``advance`` leaves the stream where drawing would have: the day's later draws, and every later
    day's, are the same either way (common random numbers). Making numbers nobody reads would cost
    as much as the rest of a day in a large district. Valid for streams that draw only float64
    uniforms, normals and Poisson numbers with a fixed count per day, as the per-day streams do
    (``advance`` drops a buffered 32-bit half).
    """
    if needed:
        return rng.random(n)
    rng.bit_generator.advance(n)
    return None


# Jumping the bit generator to a position costs about as much as drawing 600 numbers (measured:
# 1.35 us for an advance and one draw, 2.2 ns a number in a block).
JUMP_COST = 600


def _uniform_at(rng: np.random.Generator, n: int, rows: np.ndarray) -> np.ndarray:
    """``rng.random(n)[rows]`` for sorted, distinct ``rows``, leaving ``rng`` where that would.

    Most days only a few residents' numbers are read (the cases not yet found, the residents in
    need). For those the generator jumps from row to row and makes only their numbers, each one
    64-bit output turned into a float as ``random`` does it, so they are the block's bit for bit.
    Where many are read, the block is drawn.
    """
    if rows.size * JUMP_COST > n:
        return rng.random(n)[rows]
    bits = rng.bit_generator
    out = np.empty(rows.size)
    at = 0
    for k, row in enumerate(rows.tolist()):
        bits.advance(row - at)
        out[k] = (bits.random_raw() >> 11) * (1.0 / 9007199254740992.0)  # numpy's next_double
        at = row + 1
    bits.advance(n - at)
    return out


def resolve(scenario: str | Path | Scenario = "default", pattern: str | Path | Pattern = "siloed",
            **overrides: Any) -> tuple[Config, Scenario, Pattern]:
    """Combine defaults, scenario, pattern and overrides (in that order) into a :class:`Config`.

    Raises:
        ConfigError: unknown scenario, pattern or key; a value out of bounds; a malformed file.
    """
    sc = load_scenario(scenario)
    pat = load_pattern(pattern)
    extra = validate_overrides(overrides, "overrides")
    return make_config(sc.parameters, pat.levers, extra), sc, pat


class CoordinationModel(mesa.Model):
    """Community governance actors coordinating against a major sudden risk.

    Args:
        scenario: a preset name or a scenario TOML path (population, hazard, horizon).
        pattern: a preset name or a pattern TOML path (the levers).
        seed: the master seed; all randomness derives from it (see :mod:`coop_agents.rng`).
            ``None`` draws a fresh seed and keeps it in ``seed_value``. Mesa's ``batch_run``
            passes its ``rng`` values here.
        graph: a district graph (or GraphML path) to use instead of building one.
        rng: an integer seed under Mesa's name for it; overrides ``seed`` when given.
        **overrides: any parameter-table keys, applied last (e.g. ``residents=1200``).

    Under Mesa's ``SolaraViz``, choose the scenario with the app parameter ``scenario_name``
    (a field of :class:`coop_agents.scenarios.PresetScenario`, kept as ``model.scenario``), so a
    reset keeps it.

    Attributes:
        config: the resolved, frozen configuration.
        graph: the district (networkx); ``active`` its organisation ties that carry messages.
        residents: resident state arrays; ``contacts`` the contact matrix (CSR).
        committees: one :class:`CommunityCommittee` per community, by community number.
        hazard, bus, tally, series: the hazard, the message bus, running counts, time series.
    """

    def __init__(self, scenario: str | Path | Scenario | PresetScenario = "default",
                 pattern: str | Path | Pattern = "siloed", seed: int | None = 0, *,
                 graph: nx.Graph | str | Path | None = None, rng: int | None = None, **overrides: Any) -> None:
        if isinstance(scenario, PresetScenario):  # what Mesa's SolaraViz passes on reset
            scenario = scenario.scenario_name
        config, sc, pat = resolve(scenario, pattern, **overrides)
        if rng is not None:  # Mesa's name for the seed
            seed = rng
        if seed is None:  # as Mesa does for rng=None: a fresh seed, kept so the run can be repeated
            seed = int(np.random.SeedSequence().entropy % 2**63)
        # What built this model, so a counterfactual run (the same seed with one lever changed,
        # e.g. learning off for the learning gain) can be built alike.
        self.construction = {"scenario": scenario, "pattern": pattern, "seed": seed, "graph": graph, **overrides}
        self.streams = make_streams(seed)
        mesa_rng = self.streams["mesa"]
        name = str(scenario) if isinstance(scenario, (str, Path)) else sc.name
        super().__init__(rng=mesa_rng, scenario=PresetScenario(rng=mesa_rng, scenario_name=name))
        self.seed_value = int(seed)
        self.config = config
        self.scenario_spec = sc
        self.pattern_spec = pat
        if graph is None and sc.structure is not None:
            graph = sc.structure
        if isinstance(graph, (str, Path)):
            graph = load_graphml(graph)
        self.graph = graph if graph is not None else build_district(
            DistrictSpec.from_config(config), self.streams["network"])
        self._effect: np.ndarray | None = None  # the measures' effect ``residents.protection`` holds
        self._build_residents()
        # Each community's requests draw from a stream of their own, so how one community's
        # requests are judged does not depend on how many requests others sent (common random
        # numbers between patterns that differ in message traffic).
        self.community_rng = self.streams["decisions"].spawn(self.n_communities)
        self._build_organisations()
        self._derive_effects()
        self.tally = Tally(self.n_communities)
        # Single-event runs end when the event is over (at the latest after ``steps`` days).
        self.until_over = config.run_until == "event_over" and config.arrival == "single"
        # Each community's open requests for pre-transition or emergency: state -> the day it was
        # first asked (the clock of decision latency).
        self.open_requests: list[dict[G, float]] = [{} for _ in range(self.n_communities)]
        self.series = TimeSeries(config.steps, self.n_communities)
        self.event_index = 0
        self.event_measured = np.zeros(self.n_communities, dtype=bool)  # a measure during this event
        self.event_missed = np.zeros(self.n_communities, dtype=bool)  # critical point passed unmet
        self.episode_peak = np.zeros(self.n_communities)  # highest true risk of an alert episode
        self.false_signals = np.zeros(self.n_communities)  # false reports still looking like cases
        # One event keeps the scenario's hazard itself; several run behind one HazardSet.
        if config.arrival == "single":
            self.hazard = make_hazard(config.hazard, self)
        else:
            self.hazard = HazardSet(self, schedule_events(config, sc.events, self.streams["hazard"]))
        self.hazard.start(self.streams["hazard"], self.prevention_strength)
        self._scheduled: list[tuple[float, CommunityCommittee, G, int]] = []
        self.delegated = False
        self._closed: list[CommunityCommittee] = []
        self.measures = np.zeros(self.n_communities)
        self.available = np.ones(self.n_communities)
        self._handled_before = 0
        # The base hazard ignores warnings: only a hazard that overrides ``warn`` needs its draws.
        self._hazard_warns = type(self.hazard).warn is not Hazard.warn
        self._risk = self.hazard.true_risk(0)
        self._seen = np.zeros(self.n_communities, dtype=bool)
        risk0 = self._risk >= config.alert_threshold
        self.tally.mark_first(self.tally.onset, risk0, 0)
        self.tally.last_at_risk[risk0] = 0
        self._record(self._states())
        self.datacollector = mesa.DataCollector(model_reporters={
            "prevalence": lambda m: m.series.data["prevalence"][m.series.n - 1],
            "harm": lambda m: m.series.data["harm"][m.series.n - 1],
            "emergency_communities": lambda m: int(np.count_nonzero(
                m.series.states[m.series.n - 1] == G.EMERGENCY)),
        })
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ construction

    def _build_residents(self) -> None:
        g, cfg = self.graph, self.config
        nodes = [n for n, k in g.nodes(data="kind") if k == "resident"]
        n = len(nodes)
        community = np.fromiter((g.nodes[i]["community"] for i in range(n)), dtype=np.int32, count=n)
        vulnerable = np.fromiter((g.nodes[i]["vulnerable"] for i in range(n)), dtype=bool, count=n)
        party = np.fromiter((g.nodes[i]["party_member"] for i in range(n)), dtype=bool, count=n)
        committees = sorted((d["community"], node) for node, d in g.nodes(data=True) if d["kind"] == "committee")
        self.n_communities = len(committees)
        self.community_trust = np.array([g.nodes[node]["trust"] for _, node in committees])
        self.community_infrastructure = np.array([g.nodes[node]["infrastructure"] for _, node in committees])
        self.community_profile = np.array([g.nodes[node].get("profile", "urban") for _, node in committees])
        self.community_size = np.bincount(community, minlength=self.n_communities).astype(float)
        rng = self.streams["population"]
        self.base_trust = np.clip(self.community_trust[community] + rng.normal(0, 0.1, n), 0, 1)
        # Trust a community has lost to false alarms and missed events (recovers over time).
        self.trust_loss = np.zeros(self.n_communities)
        self.readiness = np.full(self.n_communities, cfg.peacetime_budget if cfg.preparation else 0.0)
        self.residents = ResidentArrays(community, vulnerable, party, self.base_trust.copy(), np.zeros(n))
        self._behaviour_basis = (self.trust_loss.copy(), self.readiness.copy())
        self._refresh_compliance()
        self.contacts = contact_matrix(g, n)
        # A resident with a contact in another community makes every task about it a boundary task.
        coo = self.contacts.tocoo()
        cross = community[coo.row] != community[coo.col]
        self.boundary = np.bincount(coo.row[cross], minlength=n) > 0
        for i in range(n):
            Resident(self, i)

    def _build_organisations(self) -> None:
        g, cfg = self.graph, self.config
        self.organisations: list[Organisation] = []
        node_index = {}
        for node in sorted(n for n, k in g.nodes(data="kind") if k != "resident"):
            attrs = g.nodes[node]
            org = ORGANISATION_KINDS[attrs["kind"]](self, node, attrs)
            org.index = len(self.organisations)
            node_index[node] = org.index
            self.organisations.append(org)
        self.committees = sorted((o for o in self.organisations if isinstance(o, CommunityCommittee)),
                                 key=lambda o: o.community)
        self.government = next(o for o in self.organisations if isinstance(o, Government))
        self.platform_hub = next((o for o in self.organisations if isinstance(o, ResponsePlatform)), None)
        self.street_offices = {o.street: o for o in self.organisations if isinstance(o, StreetOffice)}
        self.branches = {o.community: o for o in self.organisations
                         if isinstance(o, PartyBranch) and o.level == "community"}
        self.social = [o for o in self.organisations if isinstance(o, SocialOrganisation)]
        # Horizontal ties join organisations, so only their edges are read, not the residents' contacts.
        horizontal = sorted((min(u, v), max(u, v)) for u, v, ch in g.edges(node_index, data="channel")
                            if ch in ("branch", "peer", "service"))
        ranks = self.streams["network"].random(len(horizontal))
        self.edge_rank = dict(zip(horizontal, ranks))
        self.active = active_org_graph(g, cfg, self.edge_rank)
        skill = 1.0 + cfg.training
        capacity = [cfg.org_capacity * o.capacity_factor * (skill if not o.kind == "platform" else 1.0)
                    for o in self.organisations]
        self.bus = MessageBus(self.active, node_index, capacity,
                              latency_factor=1.0 - 0.6 * cfg.information,
                              reliability_gain=0.8 * cfg.information, rng=self.streams["messages"])
        self.node_index = node_index

    def _derive_effects(self) -> None:
        """Turn levers into the rates the step uses (one place, documented in docs/odd.md)."""
        cfg, g = self.config, self.graph
        plan = (0.3 + 0.35 * cfg.intellect + 0.35 * cfg.training) if cfg.preparation else 0.0
        self.base_deliberation_days = 1.5 * (1 - 0.6 * plan)
        self.deliberation_days = self.base_deliberation_days  # shortened by lessons (see _review)
        self._mean_lessons = 0.0  # recorded every day; changes only in _review
        self.fidelity = 0.55 + 0.45 * cfg.evaluation
        self.misjudgement_sigma = 0.6 * (1 - cfg.intellect)
        self.prevention_strength = cfg.prevention * (0.2 + 0.4 * cfg.technology + 0.4 * cfg.intellect)
        infra = self.community_infrastructure + cfg.technology * (1 - self.community_infrastructure)
        self.effective_infrastructure = infra
        # Horizontal informants: party branch and organisations tied to the committee by an active
        # horizontal link pass on what they see (联防联控). Each further tie adds half as much new
        # information as the one before, so the first few ties give most of the gain.
        informants = np.array([sum(1 for nb in self.active.neighbors(c.node)
                                   if self.active.edges[c.node, nb]["channel"] in ("branch", "service"))
                               for c in self.committees])
        self.informant_boost = 1 + INFORMANT_GAIN * (1 - 0.5 ** informants)
        # Budgets are finite: normal-time effort spent on drills and peacetime activities is not
        # spent on grid visits (the factor is 1 at the default budget of 0.3).
        self.grid_detection = (cfg.monitoring_coverage * infra * DETECT_GRID * self.informant_boost
                               * (1.15 - 0.5 * cfg.peacetime_budget))
        # Reporting one's own case needs channels (hotlines, apps): infrastructure matters here too.
        self.self_report = SELF_REPORT * (0.5 + cfg.participation) * (0.3 + 0.7 * infra)
        # Chance that a boundary task or a request finds an owner at the first try.
        self.p_own = cfg.responsibility_lists + (1 - cfg.responsibility_lists) * 0.4
        # Who hears a committee's alert directly: its peers on peer ties (routed over whatever links
        # are active, so under silos the news goes up to a common superior and back down) and,
        # through the party overlay, the whole street.
        peers = {c.community: set() for c in self.committees}
        by_node = {c.node: c for c in self.committees}
        for c in self.committees:
            for nb in g.neighbors(c.node):
                if nb in by_node and g.edges[c.node, nb]["channel"] == "peer":
                    peers[c.community].add(nb)
            if cfg.party_overlay:
                peers[c.community].update(o.node for o in self.committees if o.street == c.street)
            peers[c.community].discard(c.node)
        self.alert_recipients = {k: [by_node[n] for n in sorted(v)] for k, v in peers.items()}
        # Everyone else hears it through a hub, when there is one: the platform, or the district
        # under unified command. The alert goes to the hub as one message; the hub posts it once
        # and every committee on an active tie to it reads it after that tie's delay (a broadcast,
        # not one message per committee, which would fill the sender's and the hub's queues and
        # make the platform slower the more communities it serves).
        self.alert_hub = (self.platform_hub if cfg.platform and self.platform_hub is not None
                          else self.government if cfg.command else None)
        self.bulletin_delay = np.full(self.n_communities, np.inf)
        if self.alert_hub is not None:
            for c in self.committees:
                hop = self.bus.hop(self.alert_hub.index, c.index)
                if hop is not None:
                    self.bulletin_delay[c.community] = hop[0]
        self.vigilant_until = np.full(self.n_communities, -1, dtype=np.int64)
        self._bulletins: list[np.ndarray] = []  # per community, the day a posted alert is read
        # Party-member volunteers are mobilised where the branch hears of the crisis in time.
        linked = np.array([self.active.has_edge(c.node, self.branches[c.community].node)
                           if c.community in self.branches else False for c in self.committees])
        self.branch_mobilised = linked | cfg.party_overlay | cfg.platform
        self.party_members = np.bincount(self.residents.community, weights=self.residents.party_member,
                                         minlength=self.n_communities)
        # Social organisations: help reaches a community over an active service tie, or (half as
        # well) through the government's contract once the community is in emergency.
        self.service_direct = np.zeros(self.n_communities)
        self.service_contract = np.zeros(self.n_communities)
        for org in self.social:
            served = [by_node[n] for n in g.neighbors(org.node)
                      if n in by_node and g.edges[org.node, n]["channel"] == "service"]
            share = org.help_per_day * (0.3 + 0.7 * cfg.coordination) / max(len(served), 1)
            for c in served:
                if self.active.has_edge(org.node, c.node):
                    self.service_direct[c.community] += share
                else:
                    self.service_contract[c.community] += 0.5 * share
        # Stocks: where supplies sit before the event, by pooling rule (design §2.7).
        base = STOCK_PER_RESIDENT * (0.3 + cfg.resources) * (1.5 if cfg.preparation else 1.0)
        committee_share, street_share, top_share = {
            "silo": (1.0, 1.0, 2.0), "central": (0.5, 0.0, 3.5), "pooled": (1.0, 2.0, 1.0)
        }[cfg.resource_pooling]
        for c in self.committees:
            c.stock = committee_share * base * self.community_size[c.community]
        for s, office in self.street_offices.items():
            members = [c for c in self.committees if c.street == s]
            office.stock = street_share * base * sum(self.community_size[c.community] for c in members)
        self.government.stock = top_share * base * self.residents.n
        self.initial_district_stock = self.government.stock

    def _refresh_compliance(self) -> None:
        """Residents' trust and compliance from today's trust losses and readiness (drills)."""
        cfg, res = self.config, self.residents
        res.trust = np.clip(self.base_trust - res.spread(self.trust_loss), 0, 1)
        self._mean_trust = float(res.trust.mean())  # recorded every day; changes only here
        drills = 0.1 * np.minimum(2.0, self.readiness / READINESS_REF)
        res.compliance = np.clip(res.trust * (0.6 + 0.4 * cfg.participation) + 0.2 + res.spread(drills), 0, 1)
        # Protection depends on compliance wherever measures are on: recompute it tomorrow.
        if self._effect is not None and self._effect.any():
            self._effect = None

    def _need_report(self, rows: np.ndarray) -> np.ndarray:
        """Daily chance that residents ``rows``, in need, make it known (it takes trust); the
        vulnerable report less readily without privacy protection."""
        cfg, res = self.config, self.residents
        vulnerable_report = 1.0 if cfg.privacy else 0.5
        report = NEED_REPORT * res.trust[rows] * np.where(res.vulnerable[rows], vulnerable_report, 1.0)
        report *= 1.5 if cfg.privacy else 1.0
        return report

    def on_event_begins(self, index: int, spec: EventSpec) -> None:
        """A new event: yesterday's cases are no longer news, and per-event marks start afresh."""
        res = self.residents
        past = ~self.hazard.active
        res.detected[past] = False
        res.isolate_at[past] = np.iinfo(np.int32).max
        res.need_days[past] = 0
        res.met_days[past] = 0
        res.safe[past] = False  # those who sheltered from an earlier event are home again
        self.event_index = index
        self.event_measured[:] = False
        self.event_missed[:] = False

    # ------------------------------------------------------------------ helpers for agents

    def _update_delegation(self) -> None:
        """Emergency powers are delegated to committees while any community is in emergency.

        Decided once a day, before the decisions, so every committee sees the same rule today.
        """
        self.delegated = self.config.delegated_emergency_powers and any(
            c.state == G.EMERGENCY for c in self.committees)

    def authority_of(self, committee: CommunityCommittee) -> Organisation:
        """The organisation that approves this committee's state changes now."""
        level = self.config.authority
        if level == "committee" or self.delegated:
            return committee
        if level == "street":
            return self.street_offices.get(committee.street, self.government)
        return self.government

    def supplier_of(self, org: Organisation) -> Organisation | None:
        """Where an organisation asks for resources (by the pooling rule), or None at the top."""
        if isinstance(org, CommunityCommittee):
            if self.config.resource_pooling == "central":
                return self.government
            return self.street_offices.get(org.street, self.government)
        if isinstance(org, StreetOffice):
            return self.government
        return None

    def resend_days(self, asker: Organisation, answerer: Organisation) -> float:
        """Days an organisation waits for an answer (a decision, a delivery) before asking again:
        a round trip on today's fastest route plus deliberation and slack."""
        path = self.bus.route(asker.index, answerer.index) or []
        one_way = sum(self.graph.edges[self.organisations[a].node, self.organisations[b].node]["latency"]
                      for a, b in zip(path, path[1:])) * self.bus.latency_factor
        return 2 * one_way + self.deliberation_days + 3

    def misjudgement(self, community: int) -> float:
        """A multiplicative error of judging a community's state (smaller with intellectual support)."""
        return float(math.exp(self.misjudgement_sigma * self.community_rng[community].standard_normal()))

    def measure_level(self, committee: CommunityCommittee) -> float:
        """Intensity of measures in a community (0..1) given its state and the schedule."""
        cfg, state = self.config, committee.state
        if state == G.PRE_TRANSITION:
            return cfg.mitigation_level if cfg.mitigation else 0.0
        if state == G.EMERGENCY:
            return 1.0 if cfg.response else (cfg.mitigation_level if cfg.mitigation else 0.0)
        if state == G.POST_TRANSITION:
            if not (cfg.recovery and cfg.response) or cfg.deescalation == "abrupt":
                return 0.0
            return max(0.0, 1.0 - committee.stage / cfg.deescalation_stages)
        return 0.0

    def send(self, kind: str, sender: Organisation, target: Organisation | int, community: int = -1,
             value: float = 0.0, state: int = -1, delay: float = 0.0, threshold: float = 0.0) -> None:
        """Send a message; it leaves at the end of today (plus ``delay`` days of deliberation)."""
        target_index = target if isinstance(target, int) else target.index
        msg = Message(kind, sender.index, target_index, community, float(value), state, threshold)
        self.bus.send(msg, at=self.steps + 1 + delay)

    def schedule_change(self, committee: CommunityCommittee, new: G, asked: int, delay: float) -> None:
        """A committee's own decision, taking effect after its deliberation."""
        self._scheduled.append((asked + delay, committee, new, asked))

    def note_request(self, committee: CommunityCommittee, step: int, wanted: G) -> None:
        """A committee asks for a state change. For pre-transition or emergency the clock of
        decision latency starts, unless it already runs for the same state (a request re-sent
        after a refusal, a bounce or a loss is the same request)."""
        if wanted in (G.PRE_TRANSITION, G.EMERGENCY):
            self.open_requests[committee.community].setdefault(wanted, float(step))

    def hear_alert(self, community: int | np.ndarray, day: int | np.ndarray) -> None:
        """A committee hears a peer's alert on ``day``: it stays vigilant for 14 days from then."""
        np.maximum.at(self.vigilant_until, community, np.asarray(day) + VIGILANT_DAYS)

    def publish_alert(self, hub: Organisation, msg: Message) -> None:
        """The hub posts an alert it received; each committee tied to it reads it after the tie's delay.

        Those who read it today become vigilant at once; later readers when their day comes
        (see :meth:`_read_bulletins`). The alerting committee itself is not told its own news.
        """
        read_on = np.floor(msg.delivered_at + self.bulletin_delay)
        read_on[msg.community] = np.inf
        self._bulletins.append(read_on)
        self._read_bulletins(self.steps)

    def _read_bulletins(self, t: int) -> None:
        """Apply the posted alerts that committees read by day ``t``; keep the rest for later."""
        waiting = []
        for read_on in self._bulletins:
            due = (read_on <= t).nonzero()[0]
            if due.size:
                self.hear_alert(due, read_on[due].astype(np.int64))
                read_on[due] = np.inf
            if np.isfinite(read_on).any():
                waiting.append(read_on)
        self._bulletins = waiting

    def change_state(self, committee: CommunityCommittee, new: G, at: float | None = None) -> None:
        """Move a community to a new governance state and count what that means.

        ``at`` is the decision's own time (a committee's own call: the day it asked plus its
        deliberation); by default the day the change takes effect.
        """
        old, t, c = committee.state, self.steps, committee.community
        if new == old:
            return
        committee.state = new
        requests = self.open_requests[c]
        if new in requests:
            self.tally.decisions.append((c, requests.pop(new), float(t if at is None else at)))
        for lapsed in [s for s in requests if not committee.still_wants(s)]:
            del requests[lapsed]  # the community moved past what it asked for
        committee.quiet_days = 0
        tally = self.tally
        if new == G.EMERGENCY:
            tally.emergencies += 1
            if old == G.POST_TRANSITION:
                tally.secondary_crises += 1
        if old == G.PRE_TRANSITION and new == G.NORMAL:
            tally.decrisis += 1
        if new == G.POST_TRANSITION:
            committee.stage, committee.stage_since = 0, t
        false_alarm = False
        if old == G.NORMAL:
            self.episode_peak[c] = 0.0
        elif new == G.NORMAL and self.episode_peak[c] < self.config.alert_threshold:
            # The alert episode ends and the true risk never reached the alert threshold: a false
            # alarm, and residents trust the next warning less (the cry-wolf effect).
            false_alarm = True
            tally.false_alarm_days.append(t)
            self.trust_loss[c] += self.config.cry_wolf_penalty
        if new in (G.PRE_TRANSITION, G.EMERGENCY) and old in (G.NORMAL, G.PRE_TRANSITION):
            for peer in self.alert_recipients[c]:
                self.send("alert", committee, peer, c, float(new))
            if self.alert_hub is not None:
                self.send("alert", committee, self.alert_hub, c, float(new))
        # A real episode closed (not a false alarm, which teaches nothing about the next risk):
        if new == G.NORMAL and old in (G.PRE_TRANSITION, G.POST_TRANSITION) and not false_alarm:
            self._closed.append(committee)  # an episode closed: after-action review tonight

    # ------------------------------------------------------------------ the step

    def step(self) -> None:
        """Advance one day, in this order (design §2.9):

        1. **Hazard** advances on the true state (vectorised over residents; one uniform number
           per resident from the hazard stream, whatever the pattern). Before it, committees read
           the alerts posted on the platform or command hub that reach them today
           (:meth:`publish_alert`).
        2. **Monitoring** (监测): grid workers, sensors and residents' own reports detect affected
           residents; boundary tasks (cases with contacts in other communities) look for an owner
           and bounce where ownership is unclear (buck-passing); committees form their perceived
           risk with misjudgement.
        3. **Messages** move through organisation queues and along active links (latency,
           capacity, loss); delivered messages land in inboxes.
        4. **Decisions**: authorities answer requests and take reports; committees report, propose
           or make state changes; scheduled own decisions take effect.
        5. **Actions**: measures by state and de-escalation schedule, isolation of owned cases,
           needs met by staff, volunteers and organisations (vulnerable first with a registry),
           resources consumed and requested (vectorised over residents).
        6. **Learning and evaluation** (学习): after-action review where an alert episode closed
           today (false alarms excluded); readiness builds or fades, lost trust returns, the
           district restocks.
        7. **Metrics** are recorded.

        With several events (``arrival`` poisson or schedule), step 1 also begins the events due
        today; step 2 adds false signals (``false_signal_rate``) to what monitoring sees; a false
        alarm or a missed critical point costs the community's trust when it happens.
        """
        t = self.steps
        cfg = self.config
        res = self.residents
        if self._bulletins:
            self._read_bulletins(t)  # posted alerts read today, before anything is seen
        # 1. hazard
        self.hazard.advance(t, self.streams["hazard"].random(res.n))
        true_risk = self.hazard.true_risk(t)
        self._risk = true_risk
        at_risk = true_risk >= cfg.alert_threshold
        self.tally.mark_first(self.tally.onset, at_risk, t)
        self.tally.last_at_risk[at_risk] = t
        alerting = self._states() != G.NORMAL  # no state changes before the decisions (phase 4)
        self.episode_peak = np.where(alerting, np.maximum(self.episode_peak, true_risk), 0.0)
        if self.tally.contained_at is None and self.hazard.contained(t) and self.hazard.onset_step is not None:
            self.tally.contained_at = t
        # 2. monitoring: only affected residents not yet known can be detected today.
        monitoring, decisions = self.streams["monitoring"], self.streams["decisions"]
        unseen = np.empty(0, np.intp)
        if cfg.monitoring:
            unseen = (self.hazard.detectable & ~res.detected).nonzero()[0]
        u_unseen = _uniform_at(monitoring, res.n, unseen)
        u_comm = monitoring.random(self.n_communities)
        noise = np.exp(self.misjudgement_sigma * decisions.standard_normal(self.n_communities))
        if cfg.monitoring:
            vigilance = np.where((t <= self.vigilant_until) | alerting, 2.0, 1.0)
            lessons = np.array([c.lessons for c in self.committees])
            grid = np.minimum(0.95, self.grid_detection * vigilance * (1 + lessons))
            new = unseen
            if unseen.size:
                comm = res.community[unseen]
                own = self.self_report[comm] * res.trust[unseen]  # their own reports (it takes trust)
                p_detect = 1 - (1 - grid[comm]) * (1 - own)
                new = unseen[u_unseen < p_detect]
            res.detected[new] = True
            self._assign_tasks(new, t)
            observed = self.hazard.observe(res.detected, np.minimum(0.95, grid * 1.5), u_comm, t)
            self.tally.mark_first(self.tally.first_detection, observed > 0, t)
            self._seen = observed > 0
            if cfg.false_signal_rate > 0:
                # Symptoms or readings mistaken for the hazard look like cases for a few days.
                new_false = monitoring.poisson(cfg.false_signal_rate / 1000 * self.community_size)
                self.false_signals = self.false_signals * (1 - 1 / FALSE_SIGNAL_DAYS) + new_false
                observed = observed + self.false_signals / (cfg.critical_prevalence * self.community_size)
            # Committees are in community order (see _build_organisations).
            for c, risk in zip(self.committees, (observed * noise).tolist()):
                c.perceived = risk
        else:
            self._seen = np.zeros(self.n_communities, dtype=bool)
            # Nobody perceives anything (committees keep their initial 0); the boundary bounces'
            # draws are skipped so the stream moves as on every day.
            _uniform(decisions, res.n, False)
        # 3. messages
        for msg in self.bus.advance(t + 1):
            self.organisations[msg.target].inbox.append(msg)
        # 4. decisions
        due = [s for s in self._scheduled if s[0] <= t]
        self._scheduled = [s for s in self._scheduled if s[0] > t]
        for decided_at, committee, new_state, _asked in due:
            if committee.pending is not None and committee.pending[0] == new_state:
                committee.pending = None
                if committee.still_wants(new_state):
                    self.change_state(committee, new_state, at=decided_at)
        self._update_delegation()
        for org in self.organisations:
            # Most days most organisations have no mail and owe nothing; their step would do nothing.
            if org.inbox or org.owed:
                org.step()
        if cfg.monitoring:
            for c in self.committees:
                c.decide(t)
        # 5. actions
        states = self._states()  # no state changes from here to the end of the day
        self._act(t, true_risk, states)
        # 6. learning and evaluation; readiness and trust between events
        if self._closed:
            if cfg.learning:
                self._review(self._closed)
            self._closed = []
        self._between_events(states)
        # 7. metrics
        self._record(states)
        self.datacollector.collect(self)
        if self.steps >= cfg.steps or (self.until_over and self.event_over()):
            self.running = False

    def event_over(self) -> bool:
        """Whether the event is over: the hazard can do no more harm and every community is back
        in normal (a single event; with several, whether the last one is)."""
        return bool(self.hazard.contained(self.steps)) and all(c.state == G.NORMAL for c in self.committees)

    def _review(self, closed: list[CommunityCommittee]) -> None:
        """After-action review (学习, 闭环): the committees whose episode closed learn the most; the
        review is archived and shared through the district, so every other committee learns
        half as much. Lessons lower the alert threshold, speed detection and shorten deliberation.
        """
        rate = self.config.learning_rate
        for committee in self.committees:
            share = rate if committee in closed else 0.5 * rate
            committee.lessons += share * (1 - committee.lessons)
        self._mean_lessons = float(np.mean([c.lessons for c in self.committees]))
        self.deliberation_days = self.base_deliberation_days * (1 - 0.5 * self._mean_lessons)

    def _between_events(self, states: np.ndarray) -> None:
        """Readiness builds in normal times and fades without upkeep; lost trust slowly returns."""
        cfg = self.config
        build = READINESS_BUILD * cfg.peacetime_budget * (states == G.NORMAL) if cfg.preparation else 0.0
        self.readiness += build * (1 - self.readiness) - cfg.readiness_decay / DAYS_PER_YEAR * self.readiness
        self.trust_loss *= 1 - min(1.0, cfg.trust_recovery / DAYS_PER_YEAR)
        # The district restocks what it held at the start over about three months (procurement).
        gov = self.government
        gov.stock += max(0.0, self.initial_district_stock - gov.stock) / RESTOCK_DAYS
        # Residents' behaviour follows once the change is worth an update of every resident.
        loss, ready = self._behaviour_basis
        if np.abs(self.trust_loss - loss).max() > 0.005 or np.abs(self.readiness - ready).max() > 0.005:
            self._behaviour_basis = (self.trust_loss.copy(), self.readiness.copy())
            self._refresh_compliance()

    def _assign_tasks(self, new: np.ndarray, t: int) -> None:
        """Newly detected cases (resident indices) become tasks; boundary ones bounce until owned.

        Takes the day's boundary-bounce uniforms (one per resident) from the decisions stream.
        """
        bounces = np.zeros(new.size, dtype=np.int64)
        at_boundary = self.boundary[new]
        rows = new[at_boundary] if self.p_own < 1 else new[:0]
        u = _uniform_at(self.streams["decisions"], self.residents.n, rows)
        if rows.size:
            # Geometric number of failures before an owner accepts, by inversion of one uniform.
            draws = np.floor(np.log1p(-u) / math.log1p(-self.p_own)).astype(np.int64)
            bounces[at_boundary] = np.minimum(draws, MAX_BOUNCES)
        self.tally.buck_passing += int(bounces.sum())
        self.residents.isolate_at[new] = t + bounces

    def _act(self, t: int, true_risk: np.ndarray, states: np.ndarray) -> None:
        cfg, res = self.config, self.residents
        level = np.zeros(self.n_communities)  # no measures in the normal state
        for k in (states != G.NORMAL).nonzero()[0].tolist():
            c = self.committees[k]
            if c.state == G.POST_TRANSITION and t - c.stage_since >= cfg.stage_days:
                c.stage, c.stage_since = c.stage + 1, t
            level[k] = self.measure_level(c)
        self.measures = level
        acting = level > 0
        tally = self.tally
        tally.mark_first(tally.first_measure, acting & (tally.onset >= 0), t)
        tally.missed |= (true_risk >= 1.0) & (tally.first_measure < 0)
        self.event_measured |= acting
        missed_now = (true_risk >= 1.0) & ~self.event_measured & ~self.event_missed
        if missed_now.any():
            # The event got past the critical point with nothing done: trust falls too.
            self.event_missed |= missed_now
            self.trust_loss[missed_now] += cfg.missed_penalty
        tally.state_days += np.bincount(states, minlength=4)
        strong = (states == G.EMERGENCY) | (states == G.POST_TRANSITION)
        # The burden of measures, kept in two parts neither of which hides in the other: measures
        # of an alert or emergency where nothing was there, and the graded wind-down.
        alerted = (states == G.PRE_TRANSITION) | (states == G.EMERGENCY)
        tally.unneeded_measures += float(self.community_size[acting & alerted & (true_risk == 0)].sum())
        tally.wind_down_days += float(self.community_size[acting & (states == G.POST_TRANSITION)].sum())
        # Measures: contacts cut in proportion to the level, fidelity, supplies and compliance. The
        # effect changes on few days, so each resident's protection is recomputed only then.
        effect = level * self.available * self.fidelity
        if self._effect is None or (effect != self._effect).any():
            res.protection = np.minimum(0.95, MEASURE_EFFICACY * res.spread(effect) * res.compliance)
            self._effect = effect
        if cfg.mitigation or cfg.response:
            # Detected cases still affected are isolated once their task has an owner and measures are on.
            cases = (res.detected & self.hazard.active).nonzero()[0]
            isolated = np.zeros(res.n, dtype=bool)
            isolated[cases] = (res.isolate_at[cases] <= t) & acting[res.community[cases]]
            res.isolated = isolated
        actions = self.streams["actions"]
        warn_u = _uniform(actions, res.n, self._hazard_warns)
        if warn_u is not None:
            self.hazard.warn(effect, warn_u, cfg.information)
        served = self._meet_needs(t, level, states)
        # Resources: consumption by measures and help; refills requested down the pooling rule.
        if served.size == 0 and not acting.any():
            self.available[:] = 1.0  # nothing used today, so nothing lacks
            return
        served_by_comm = np.bincount(res.community[served], minlength=self.n_communities)
        use = self.community_size * level * MEASURE_COST + served_by_comm * SERVICE_COST
        self.available[use == 0] = 1.0  # a community that uses nothing today lacks nothing
        for k in (use > 0).nonzero()[0].tolist():
            c = self.committees[k]
            need = use[k]
            spent = min(need, c.stock)
            c.stock -= spent
            tally.resources_spent += spent
            self.available[k] = 1.0 if spent >= need else SHORTAGE_EFFECT
            if c.stock < 5 * need:
                c.ask_for_resources(10 * need)

    def _meet_needs(self, t: int, level: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Who in need gets help today (resident indices); vectorised, at most ``capacity`` per community.

        Takes the day's need-report, lockdown-need and service-priority uniforms (one per resident
        each, in that order) from the actions stream, making only those that are read.
        """
        res = self.residents
        actions = self.streams["actions"]
        capacity = self.needs_capacity(states) * self.available
        can_serve = bool(capacity.any())
        hazard_need = self.hazard.needs(t)
        # Vulnerable residents under strong measures need supplies or care every few days.
        strong = level >= 0.5
        if can_serve or strong.any():
            in_need, served = self._who_is_served(level, capacity, can_serve, hazard_need, strong)
        else:
            # Nobody can be helped and nobody is confined: the day's three blocks go unread.
            actions.bit_generator.advance(3 * res.n)
            in_need, served = hazard_need.nonzero()[0], np.empty(0, np.intp)
        helped = np.zeros(res.n, dtype=bool)
        helped[served] = True
        if in_need.size:
            self.hazard.serve(helped)
        unmet = ~helped[in_need]
        res.need_days[in_need] += 1
        res.met_days[served] += 1
        vulnerable = res.vulnerable[in_need]
        n_vulnerable = np.count_nonzero(vulnerable)
        unmet_vulnerable = np.count_nonzero(unmet & vulnerable)
        self._unmet_today = int(np.count_nonzero(unmet))
        self.tally.need_days += [in_need.size - n_vulnerable, n_vulnerable]
        self.tally.unmet_days += [self._unmet_today - unmet_vulnerable, unmet_vulnerable]
        return served

    def _who_is_served(self, level: np.ndarray, capacity: np.ndarray, can_serve: bool, hazard_need: np.ndarray,
                       strong: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residents in need today and those of them served (resident indices)."""
        cfg, res = self.config, self.residents
        actions = self.streams["actions"]
        confined = np.empty(0, np.intp)
        if strong.any():
            confined = (res.vulnerable & res.spread(strong)).nonzero()[0]
        # Need reports are read for everyone who may be in need today, before it is known who is.
        maybe = hazard_need.copy()
        maybe[confined] = True
        reporters = maybe.nonzero()[0] if can_serve else confined[:0]
        report_u = _uniform_at(actions, res.n, reporters)
        need = hazard_need.copy()
        need[confined[_uniform_at(actions, res.n, confined) < LOCKDOWN_NEED]] = True
        in_need = need.nonzero()[0]
        known = in_need[:0]
        if can_serve and in_need.size:
            report_u = report_u[np.searchsorted(reporters, in_need)]  # those in need are reporters
            known = in_need[res.detected[in_need] | (report_u < self._need_report(in_need))
                            | (res.vulnerable[in_need] & cfg.vulnerable_registry)]
        quota = np.floor(capacity + 0.5)
        # Who is served first matters only where more residents are known to need help than can get it.
        crowded = known.size > 0 and bool(
            (np.bincount(res.community[known], minlength=self.n_communities) > quota).any())
        priority = _uniform_at(actions, res.n, known if crowded else known[:0])
        served = known
        if crowded:
            # Order within each community: vulnerable first with a registry, else at random.
            key = priority
            if cfg.vulnerable_registry:
                key = key - res.vulnerable[known]
            comm = res.community[known]
            order = np.lexsort((key, comm))
            comm_sorted = comm[order]
            starts = np.searchsorted(comm_sorted, comm_sorted, side="left")
            rank = np.arange(order.size) - starts
            served = known[order[rank < quota[comm_sorted]]]
        return in_need, served

    def needs_capacity(self, states: np.ndarray) -> np.ndarray:
        """Residents each community can help today: staff, volunteers, organisations (design §2.5)."""
        cfg = self.config
        if not (cfg.mitigation or cfg.response):
            return np.zeros(self.n_communities)
        n = self.community_size
        staff = STAFF_HELP * n * (1 + cfg.training)
        crisis = states != G.NORMAL
        # Organisational coordination pools people across the administrative, social and party
        # systems: without it volunteers and party members help half as much.
        pooling = 0.5 + 0.5 * cfg.coordination
        # Peacetime activities build the ties that turn residents out as volunteers (readiness).
        turnout = 0.5 + 0.5 * np.minimum(2.0, self.readiness / READINESS_REF)
        volunteers = VOLUNTEER_HELP * cfg.participation * n * pooling * turnout
        party = (self.party_members * PARTY_HELP * (0.3 + 0.7 * cfg.training) * pooling
                 * np.where(self.branch_mobilised, 1.0, 0.2))
        social = self.service_direct + self.service_contract * (states == G.EMERGENCY)
        return staff + crisis * (volunteers + party + social)

    def _states(self) -> np.ndarray:
        """Each community's governance state today, in community order."""
        return np.array([c.state for c in self.committees], dtype=np.int8)

    def _record(self, states: np.ndarray) -> None:
        res, hz = self.residents, self.hazard
        total = int(self.bus.handled.sum())
        self.series.record(
            prevalence=np.count_nonzero(hz.active) / res.n,
            harm=float(np.count_nonzero(hz.affected)),
            severe=float(np.count_nonzero(hz.severe)),
            detected=float(np.count_nonzero(res.detected & hz.active)),
            messages=total - self._handled_before,
            in_flight=self.bus.in_flight,
            max_backlog=float(self.bus.backlog(self.steps + 1).max()),
            resources=float(sum(map(attrgetter("stock"), self.organisations))),
            unmet_needs=float(getattr(self, "_unmet_today", 0)),
            measures=float((self.measures * self.community_size).sum() / res.n),
            lost_messages=float(self.bus.lost),
            trust=self._mean_trust,
            lessons=self._mean_lessons,
            event=float(self.event_index),
            states=states,
            risk=self._risk,
            level=self.measures,
            seen=self._seen,
        )
        self._handled_before = total

    # ------------------------------------------------------------------ results

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
        return self.outcomes()


def run_once(scenario: str | Path | Scenario = "default", pattern: str | Path | Pattern = "siloed",
             seed: int = 0, steps: int | None = None, **overrides: Any) -> dict[str, float]:
    """Build one model, run it and return its outcomes (a plain function any runner can call).

    The run lasts until the event is over (at most the scenario's ``steps`` days), or exactly
    ``steps`` days when ``steps`` is given.

    Examples:
        >>> out = run_once("default", "full_cycle", seed=1, residents=600, steps=30)
        >>> sorted(out)[:3]
        ['buck_passing_events', 'containment_time', 'days_emergency']
    """
    if steps is not None:  # a fixed length, as asked
        overrides["steps"] = steps
        overrides.setdefault("run_until", "steps")
    return CoordinationModel(scenario, pattern, seed, **overrides).run()
