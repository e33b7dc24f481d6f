"""The world a run happens in: the district graph, its residents and their contacts, and its
communities, with every per-resident and per-community state as arrays.

Residents live in :class:`coop_agents.agents.residents.ResidentArrays`; communities in
:class:`CommunityArrays`, the one place per-community state lives (a committee's governance state,
its perceived risk and lessons are views onto it, as a resident agent is a view onto its row).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp

from coop_agents.agents.residents import ResidentArrays
from coop_agents.config import Config
from coop_agents.network import District, as_district

__all__ = ["CommunityArrays", "World", "WorldViews", "build_world"]


@dataclass
class CommunityArrays:
    """Columns of community state, one row per community (community number)."""

    size: np.ndarray  # float, residents
    profile: np.ndarray  # str: urban, old_urban, rural
    street: np.ndarray  # int, the street office's number
    infrastructure: np.ndarray  # float 0..1
    trust: np.ndarray  # float 0..1, the committee's standing with its residents at the start
    # The committee's governance: state (GovernanceState), perceived risk, quiet days, lessons, the
    # de-escalation stage reached and since when.
    state: np.ndarray = field(init=False)
    perceived: np.ndarray = field(init=False)
    quiet_days: np.ndarray = field(init=False)
    lessons: np.ndarray = field(init=False)
    stage: np.ndarray = field(init=False)
    stage_since: np.ndarray = field(init=False)
    # Between events: trust lost to false alarms and missed events; readiness from drills.
    trust_loss: np.ndarray = field(init=False)
    readiness: np.ndarray = field(init=False)
    # Today's measures (0..1) and the share of supplies available for them.
    measures: np.ndarray = field(init=False)
    available: np.ndarray = field(init=False)
    vigilant_until: np.ndarray = field(init=False)  # last day a peer's alert keeps it vigilant
    episode_peak: np.ndarray = field(init=False)  # highest true risk of an alert episode
    false_signals: np.ndarray = field(init=False)  # false reports still looking like cases
    event_measured: np.ndarray = field(init=False)  # a measure during this event
    event_missed: np.ndarray = field(init=False)  # critical point passed unmet in this event
    # Unified command: an owner for the community's boundary tasks has been assigned by the command
    # node (this alert episode); a boundary task is waiting for one; the day the committee asked.
    owner_assigned: np.ndarray = field(init=False)
    owner_wanted: np.ndarray = field(init=False)
    owner_asked_at: np.ndarray = field(init=False)
    # alert_rule = confirm: today's chance that a grid worker's check confirms a real signal, and
    # whether the committee's alert has a second source (kept while its perceived risk stays high).
    verify: np.ndarray = field(init=False)
    confirmed: np.ndarray = field(init=False)
    # territorial_load: cadre motivation (干部积极性, 0..1), which the load pushed down wears away.
    motivation: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.size.size
        self.state = np.zeros(n, dtype=np.int8)
        self.perceived = np.zeros(n)
        self.quiet_days = np.zeros(n, dtype=np.int64)
        self.lessons = np.zeros(n)
        self.stage = np.zeros(n, dtype=np.int64)
        self.stage_since = np.zeros(n, dtype=np.int64)
        self.trust_loss = np.zeros(n)
        self.readiness = np.zeros(n)
        self.measures = np.zeros(n)
        self.available = np.ones(n)
        self.vigilant_until = np.full(n, -1, dtype=np.int64)
        self.episode_peak = np.zeros(n)
        self.false_signals = np.zeros(n)
        self.event_measured = np.zeros(n, dtype=bool)
        self.event_missed = np.zeros(n, dtype=bool)
        self.owner_assigned = np.zeros(n, dtype=bool)
        self.owner_wanted = np.zeros(n, dtype=bool)
        self.owner_asked_at = np.full(n, -1, dtype=np.int64)
        self.verify = np.zeros(n)
        self.confirmed = np.zeros(n, dtype=bool)
        self.motivation = np.ones(n)

    @property
    def n(self) -> int:
        return self.size.size


@dataclass
class World:
    """A district as a run sees it."""

    config: Config
    graph: nx.Graph  # the organisations and their ties (residents are arrays)
    residents: ResidentArrays
    contacts: sp.csr_matrix  # resident-to-resident contacts
    boundary: np.ndarray  # per resident: has a contact in another community (boundary tasks)
    communities: CommunityArrays
    base_trust: np.ndarray  # per resident: trust before any loss
    district: District | None = None  # what the world was made on (shared, read-only)

    @property
    def n_communities(self) -> int:
        return self.communities.n


def build_world(config: Config, graph: District | nx.Graph, population: np.random.Generator) -> World:
    """A run's world on a district (its residents, contacts and organisations; see
    :class:`coop_agents.network.District`, or a graph with residents as nodes): the resident and
    community state starts afresh and residents' trust is drawn from ``population``. The district
    itself is only read, so arms of a batch share one."""
    district = as_district(graph)
    g = district.graph
    community, vulnerable, party = district.community, district.vulnerable, district.party_member
    n = community.size
    committees = sorted((d["community"], node) for node, d in g.nodes(data=True) if d["kind"] == "committee")
    attrs = [g.nodes[node] for _, node in committees]
    communities = CommunityArrays(
        size=np.bincount(community, minlength=len(committees)).astype(float),
        profile=np.array([a.get("profile", "urban") for a in attrs]),
        street=np.array([int(a.get("street", -1)) for a in attrs], dtype=np.int64),
        infrastructure=np.array([a["infrastructure"] for a in attrs]),
        trust=np.array([a["trust"] for a in attrs]),
    )
    communities.readiness[:] = config.peacetime_budget if config.preparation else 0.0
    base_trust = np.clip(communities.trust[community] + population.normal(0, 0.1, n), 0, 1)
    residents = ResidentArrays(community, vulnerable, party, base_trust.copy(), np.zeros(n))
    # A resident with a contact in another community makes every task about it a boundary task.
    return World(
        config, g, residents, district.contacts, district.boundary, communities, base_trust, district
    )


class WorldViews:
    """The world's parts under the names a model has always offered (``model.residents``,
    ``model.graph``, ...), for code written against a model: each reads ``self.world``."""

    world: World

    @property
    def residents(self) -> ResidentArrays:
        return self.world.residents

    @property
    def contacts(self) -> sp.csr_matrix:
        return self.world.contacts

    @property
    def graph(self) -> nx.Graph:
        return self.world.graph

    @property
    def n_communities(self) -> int:
        return self.world.n_communities

    @property
    def community_size(self) -> np.ndarray:
        return self.world.communities.size

    @property
    def community_profile(self) -> np.ndarray:
        return self.world.communities.profile
