"""From levers to rates: what a pattern's levers mean for the mechanisms of a run.

:func:`derive_effects` is a pure function of the configuration, the district's communities and
its organisations (with the ties the pattern activates); every coefficient it uses is named here
and documented in docs/odd.md (§7). The rates a day uses (detection, deliberation, fidelity,
capacity to meet needs, …) are read from the :class:`Effects` it returns; only the deliberation
time changes during a run (lessons shorten it, see :meth:`coop_agents.governance.Governance.review`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

if TYPE_CHECKING:
    from coop_agents.agents.organisations import CommunityCommittee, Organisation, Roster
    from coop_agents.config import Config
    from coop_agents.messaging import MessageBus
    from coop_agents.world import CommunityArrays

__all__ = ["Effects", "derive_effects", "specialty_of"]

# Fixed rates of the mechanisms, documented in docs/odd.md (Details: submodels). They are not
# levers: a pattern changes them only through the pillars and guarantees that scale them.
DETECT_GRID = 0.35  # daily chance a grid worker who covers a household spots a case there
SELF_REPORT = 0.12  # daily chance a fully trusting resident reports their own case
INFORMANT_GAIN = 0.6  # most extra detection that horizontal informants (branch, organisations) add
STOCK_PER_RESIDENT = 0.05  # initial committee stock per resident at resources = 0.7
# Plans: what preparation gives, and how much intellectual support and training add to it.
PLAN_BASE, PLAN_INTELLECT, PLAN_TRAINING = 0.3, 0.35, 0.35
DELIBERATION_DAYS = 1.5  # days an authority deliberates on a request without any plan
PLAN_SPEEDUP = 0.6  # share of the deliberation a full plan saves
FIDELITY_BASE, FIDELITY_EVALUATION = 0.55, 0.45  # implementation fidelity without and from evaluation
MISJUDGEMENT = 0.6  # spread (log scale) of misjudging a community's state without expert support
# Prevention: screening's strength, from the technology and intellectual pillars.
PREVENTION_BASE, PREVENTION_TECHNOLOGY, PREVENTION_INTELLECT = 0.2, 0.4, 0.4
# Budgets are finite: effort on drills and peacetime activities is not spent on grid visits (the
# factor is 1 at the default budget of 0.3).
GRID_BUDGET_BASE, GRID_BUDGET_COST = 1.15, 0.5
# Reporting one's own case needs channels (hotlines, apps): participation and infrastructure.
SELF_REPORT_BASE, SELF_REPORT_INFRA_BASE, SELF_REPORT_INFRA = 0.5, 0.3, 0.7
OWNER_WITHOUT_LISTS = 0.4  # chance a task finds an owner at the first try without responsibility lists
BRANCH_MOBILISED_OFF = 0.2  # party members' help where the branch does not hear of the crisis
SOCIAL_COORDINATION_BASE, SOCIAL_COORDINATION = 0.3, 0.7  # social organisations' help from coordination
CONTRACT_SHARE = 0.5  # help through the government's contract instead of a direct tie
# Where stocks sit before an event, by pooling rule: (committee, street office, district) shares.
STOCK_SHARES = {"silo": (1.0, 1.0, 2.0), "central": (0.5, 0.0, 3.5), "pooled": (1.0, 2.0, 1.0)}
STOCK_RESOURCES_BASE, STOCK_PREPARED = 0.3, 1.5
# Specialties of social organisations (lever ``specialties``). The paper and the literature give
# their directions, not their sizes; these are assumptions to explore.
LOGISTICS_STOCK = 0.5  # committee shares of stock a logistics organisation holds per resident it serves
EXPERT_JUDGEMENT = 0.6  # share of a committee's misjudgement that full expert support removes
SPECIALTIES = ("care", "logistics", "psychological", "expert")


@dataclass
class Effects:
    """The rates and structures a run uses, derived once from its levers (see docs/odd.md §7)."""

    base_deliberation_days: float
    fidelity: float
    misjudgement_sigma: float
    prevention_strength: float
    grid_detection: np.ndarray  # per community: daily detection chance by grid workers
    self_report: np.ndarray  # per community: daily chance a trusting resident reports their case
    informant_boost: np.ndarray  # per community: detection gain from horizontal informants
    p_own: float  # chance a boundary task or a request finds an owner at the first try
    alert_recipients: dict[int, list[CommunityCommittee]]  # who hears a committee's alert directly
    alert_hub: Organisation | None  # the platform, or the district under unified command
    bulletin_delay: np.ndarray  # per community: days until a posted alert is read (inf: never)
    branch_mobilised: np.ndarray  # per community: party members hear of the crisis in time
    party_members: np.ndarray  # per community
    service_direct: np.ndarray  # per community: help a day from organisations on an active tie
    service_contract: np.ndarray  # per community: help a day through the government's contract
    committee_stock: np.ndarray  # per community: stock before the event
    street_stock: dict[int, float] = field(default_factory=dict)
    district_stock: float = 0.0
    infrastructure: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per community, with technology
    # Specialties (lever ``specialties``; all zero/None with ``none``), per community: help a day
    # from care organisations (direct tie, contract); whether a care organisation on a direct tie
    # knows its vulnerable residents; psychological and expert support (0..1); the logistics
    # organisation that supplies the committee directly, if any; a logistics organisation's stock.
    care_direct: np.ndarray = field(default_factory=lambda: np.zeros(0))
    care_contract: np.ndarray = field(default_factory=lambda: np.zeros(0))
    care_known: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    psychological: np.ndarray = field(default_factory=lambda: np.zeros(0))
    expert: np.ndarray = field(default_factory=lambda: np.zeros(0))
    misjudgement: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per community sigma
    logistics_of: dict[int, Organisation] = field(default_factory=dict)
    organisation_stock: dict[int, float] = field(default_factory=dict)  # by organisation index
    # Per community: the committees on its ACTIVE peer ties (who it may borrow from, lateral_sharing).
    active_peers: dict[int, list[CommunityCommittee]] = field(default_factory=dict)


def specialty_of(cfg: Config, org: Organisation) -> str | None:
    """The specialty a social organisation works in under this configuration (None: generic help)."""
    if cfg.specialties == "none":
        return None
    if cfg.specialties == "mixed":
        return org.specialty if org.specialty in SPECIALTIES else None
    return cfg.specialties


def derive_effects(
    cfg: Config,
    communities: CommunityArrays,
    party_member: np.ndarray,
    community: np.ndarray,
    graph: nx.Graph,
    active: nx.Graph,
    roster: Roster,
    bus: MessageBus,
) -> Effects:
    """Turn levers into the rates the step uses (one place, documented in docs/odd.md §7)."""
    plan = (
        (PLAN_BASE + PLAN_INTELLECT * cfg.intellect + PLAN_TRAINING * cfg.training)
        if cfg.preparation
        else 0.0
    )
    infra = communities.infrastructure + cfg.technology * (1 - communities.infrastructure)
    committees = roster.committees
    # Horizontal informants: party branch and organisations tied to the committee by an active
    # horizontal link pass on what they see (联防联控). Each further tie adds half as much new
    # information as the one before, so the first few ties give most of the gain.
    informants = np.array(
        [
            sum(
                1
                for nb in active.neighbors(c.node)
                if active.edges[c.node, nb]["channel"] in ("branch", "service")
            )
            for c in committees
        ]
    )
    informant_boost = 1 + INFORMANT_GAIN * (1 - 0.5**informants)
    grid_detection = (
        cfg.monitoring_coverage
        * infra
        * DETECT_GRID
        * informant_boost
        * (GRID_BUDGET_BASE - GRID_BUDGET_COST * cfg.peacetime_budget)
    )
    self_report = (
        SELF_REPORT
        * (SELF_REPORT_BASE + cfg.participation)
        * (SELF_REPORT_INFRA_BASE + SELF_REPORT_INFRA * infra)
    )
    # Who hears a committee's alert directly: its peers on peer ties (routed over whatever links
    # are active, so under silos the news goes up to a common superior and back down) and,
    # through the party overlay, the whole street.
    by_node = {c.node: c for c in committees}
    peers: dict[int, set] = {c.community: set() for c in committees}
    for c in committees:
        for nb in graph.neighbors(c.node):
            if nb in by_node and graph.edges[c.node, nb]["channel"] == "peer":
                peers[c.community].add(nb)
        if cfg.party_overlay:
            peers[c.community].update(o.node for o in committees if o.street == c.street)
        peers[c.community].discard(c.node)
    # Everyone else hears it through a hub, when there is one: the platform, or the district under
    # unified command. The hub posts an alert once; every committee on an active tie to it reads
    # it after that tie's delay (a broadcast, not one message per committee).
    hub = (
        roster.platform_hub
        if cfg.platform and roster.platform_hub is not None
        else roster.government
        if cfg.command
        else None
    )
    n = communities.n
    bulletin_delay = np.full(n, np.inf)
    if hub is not None:
        for c in committees:
            hop = bus.hop(hub.index, c.index)
            if hop is not None:
                bulletin_delay[c.community] = hop[0]
    # Party-member volunteers are mobilised where the branch hears of the crisis in time.
    linked = np.array(
        [
            active.has_edge(c.node, roster.branches[c.community].node)
            if c.community in roster.branches
            else False
            for c in committees
        ]
    )
    # Social organisations: help reaches a community over an active service tie, or (half as well)
    # through the government's contract once the community is in emergency.
    service_direct, service_contract = np.zeros(n), np.zeros(n)
    # Specialties: what an organisation's help does besides meeting needs (none by default).
    care_direct, care_contract, care_known = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
    psychological, expert = np.zeros(n), np.zeros(n)
    logistics_of: dict[int, Organisation] = {}
    logistics_served: dict[int, list[int]] = {}
    for org in roster.social:
        served = [
            by_node[v]
            for v in graph.neighbors(org.node)
            if v in by_node and graph.edges[org.node, v]["channel"] == "service"
        ]
        strength = SOCIAL_COORDINATION_BASE + SOCIAL_COORDINATION * cfg.coordination
        share = org.help_per_day * strength / max(len(served), 1)
        specialty = specialty_of(cfg, org)
        for c in served:
            direct = active.has_edge(org.node, c.node)
            if direct:
                service_direct[c.community] += share
            else:
                service_contract[c.community] += CONTRACT_SHARE * share
            # Support reaches a community fully over a direct tie, half as well by contract.
            cover = strength * (1.0 if direct else CONTRACT_SHARE)
            if specialty == "care":
                if direct:
                    care_direct[c.community] += share
                    care_known[c.community] = True  # it keeps its own list of vulnerable clients
                else:
                    care_contract[c.community] += CONTRACT_SHARE * share
            elif specialty == "psychological":
                psychological[c.community] += cover
            elif specialty == "expert":
                expert[c.community] += cover
            elif specialty == "logistics" and direct:
                logistics_of.setdefault(c.community, org)
                logistics_served.setdefault(org.index, []).append(c.community)
    psychological, expert = np.minimum(psychological, 1.0), np.minimum(expert, 1.0)
    # Stocks: where supplies sit before the event, by pooling rule (design §2.7).
    base = (
        STOCK_PER_RESIDENT
        * (STOCK_RESOURCES_BASE + cfg.resources)
        * (STOCK_PREPARED if cfg.preparation else 1.0)
    )
    committee_share, street_share, top_share = STOCK_SHARES[cfg.resource_pooling]
    size = communities.size
    # A logistics organisation holds stock for the communities it serves directly, taken from the
    # district's (the district contracts the storage out; the total is unchanged).
    organisation_stock = {
        k: LOGISTICS_STOCK * base * float(size[served].sum()) for k, served in logistics_served.items()
    }
    district_stock = top_share * base * float(size.sum())
    moved = min(district_stock, sum(organisation_stock.values()))
    if moved < sum(organisation_stock.values()):  # never more than the district holds
        scale = moved / sum(organisation_stock.values())
        organisation_stock = {k: v * scale for k, v in organisation_stock.items()}
    return Effects(
        base_deliberation_days=DELIBERATION_DAYS * (1 - PLAN_SPEEDUP * plan),
        fidelity=FIDELITY_BASE + FIDELITY_EVALUATION * cfg.evaluation,
        misjudgement_sigma=MISJUDGEMENT * (1 - cfg.intellect),
        prevention_strength=cfg.prevention
        * (PREVENTION_BASE + PREVENTION_TECHNOLOGY * cfg.technology + PREVENTION_INTELLECT * cfg.intellect),
        grid_detection=grid_detection,
        self_report=self_report,
        informant_boost=informant_boost,
        p_own=cfg.responsibility_lists + (1 - cfg.responsibility_lists) * OWNER_WITHOUT_LISTS,
        alert_recipients={k: [by_node[v] for v in sorted(s)] for k, s in peers.items()},
        alert_hub=hub,
        bulletin_delay=bulletin_delay,
        branch_mobilised=linked | cfg.party_overlay | cfg.platform,
        party_members=np.bincount(community, weights=party_member, minlength=n),
        service_direct=service_direct,
        service_contract=service_contract,
        committee_stock=committee_share * base * size,
        street_stock={
            s: street_share * base * sum(size[c.community] for c in committees if c.street == s)
            for s in roster.street_offices
        },
        district_stock=district_stock - moved if organisation_stock else district_stock,
        infrastructure=infra,
        care_direct=care_direct,
        care_contract=care_contract,
        care_known=care_known,
        psychological=psychological,
        expert=expert,
        misjudgement=MISJUDGEMENT * (1 - cfg.intellect) * (1 - EXPERT_JUDGEMENT * expert),
        logistics_of=logistics_of,
        organisation_stock=organisation_stock,
        active_peers={
            c.community: [
                by_node[nb]
                for nb in sorted(active.neighbors(c.node))
                if nb in by_node and active.edges[c.node, nb]["channel"] == "peer"
            ]
            for c in committees
        },
    )
