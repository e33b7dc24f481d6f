"""The district: its organisations and their ties as a networkx graph, its residents as arrays.

A district (:class:`District`) has two parts:

- **the organisations and their ties**, one networkx graph: every actor is a node with a
  ``kind``; every tie is an edge with ``link`` (``vertical`` 条, ``horizontal`` 块 or
  ``platform``), ``channel`` (which line or block it belongs to, see :data:`CHANNELS`) and
  ``reliability`` (chance a message crosses it). How long a message takes to cross a tie is a
  lever of the pattern (``vertical_latency``, ``horizontal_latency``, ``platform_latency``),
  applied by the message bus (:func:`coop_agents.messaging.active_org_graph`); a tie carries a
  ``latency`` of its own only where a structure file gives one (a per-tie override).
  Committees stand for their communities and carry their facts (``residents``, ``profile``,
  ``infrastructure``, ``trust``).
- **the residents**, as arrays (community, vulnerable, party member: one row each) and their
  contacts as a sparse matrix. Each resident's grid tie to its committee and a party member's tie
  to its branch are implied by its community; they are graph edges only in the full form
  (:meth:`District.to_graph`), which small districts and GraphML files of listed residents use.

The district is built from the scenario only, never from the pattern: every tie a pattern *could*
use is present, and the pattern decides which channels are active (see
:func:`coop_agents.messaging.active_channels`). Two patterns on one seed thus share one district,
which is why a batch builds it once per seed (:mod:`coop_agents.experiments.worker`).

Canonical form (what builders return and loaders produce): residents are rows ``0 .. n-1``,
grouped by community; organisations are the nodes ``n, n+1, ...`` in the order the builder makes
them; communities and street offices are numbered from 0.

Where the numbers come from (the ``network`` stream of a run's master seed), in this order, the
same for a district built from the scenario's sizes and for one synthesised from a file's counts
and shares: each resident's vulnerability (one uniform each), party membership (one each), the
contacts (community by community), one integer per social organisation (its first community
when the builder chooses; drawn and not used when a file lists the communities it serves), then
one rank per horizontal tie (which ties are among the share ``horizontal_links`` that is active).
A district written to a file and read back is thus the same district, resident for resident.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

from coop_agents.errors import CoopError, NetworkError
from coop_agents.limits import (
    GRAPHML_BYTES_PER_FILE_BYTE,
    MAX_GRAPHML_BYTES,
    MAX_RESIDENTS,
    MEMORY_SHARE,
    available_memory,
    check_input_file,
)

__all__ = [
    "PROFILES",
    "CHANNELS",
    "KINDS",
    "LINKS",
    "HORIZONTAL",
    "RELIABILITY",
    "SPECIALTIES",
    "Profile",
    "DistrictSpec",
    "District",
    "Structure",
    "make_district",
    "build_district",
    "as_district",
    "district_for",
    "check_spec",
    "check_structure",
    "structure_problems",
    "load_graphml",
    "read_graphml",
    "write_graphml",
    "validate_district",
    "contact_matrix",
    "link_view",
    "channel_view",
    "organisation_view",
]


@dataclass(frozen=True)
class Profile:
    """What distinguishes a community type (design §2.2; domain brief §1.6)."""

    contacts: int  # mean daily contacts per resident (density)
    vulnerable: float  # share of vulnerable residents (老弱病残)
    infrastructure: float  # technology level of the community, 0..1
    trust: float  # residents' trust in the committee, 0..1


PROFILES: dict[str, Profile] = {
    "urban": Profile(contacts=8, vulnerable=0.12, infrastructure=0.75, trust=0.70),
    "old_urban": Profile(contacts=10, vulnerable=0.28, infrastructure=0.35, trust=0.45),
    "rural": Profile(contacts=6, vulnerable=0.22, infrastructure=0.20, trust=0.65),
}

KINDS = (
    "resident",
    "government",
    "street_office",
    "committee",
    "party_committee",
    "social_organisation",
    "platform",
)

# channel -> link type. A pattern activates channels; latency comes from the link type's lever.
CHANNELS: dict[str, str] = {
    "admin": "vertical",  # government -> street office -> committee
    "party": "vertical",  # district party committee -> street party committee -> branch -> members
    "grid": "vertical",  # committee -> its residents (grid workers)
    "contract": "vertical",  # government buys services from social organisations
    "command": "vertical",  # unified command: district straight to every committee
    "branch": "horizontal",  # an administrative body and the party body at its level
    "peer": "horizontal",  # neighbouring committees, neighbouring street offices
    "service": "horizontal",  # committee <-> social organisations serving it
    "overlay": "horizontal",  # 大党委: street party committee across lines and blocks
    "contact": "horizontal",  # resident <-> resident
    "platform": "platform",  # any organisation <-> the response platform hub
}
LINKS = ("vertical", "horizontal", "platform")
RELIABILITY = {"vertical": 0.97, "horizontal": 0.95, "platform": 0.99}
# Horizontal ties that a pattern switches on one by one, for the share ``horizontal_links``.
HORIZONTAL = frozenset({"branch", "peer", "service"})
SPECIALTIES = ("care", "logistics", "psychological", "expert")
# The table's bounds for the latency of any link (days per hop).
MAX_LATENCY = 30.0
LEVELS = ("district", "street", "community")
MIN_COMMUNITY = 10  # residents a community needs at least


@dataclass(frozen=True)
class DistrictSpec:
    """The sizes a district is built from; made from a config by :meth:`from_config`."""

    residents: int = 4800
    street_offices: int = 2
    communities_per_street: int = 6
    profile: str = "mixed"
    social_organisations: int = 4
    communities_per_organisation: int = 4
    cross_community_ties: float = 0.03
    party_member_share: float = 0.08

    @classmethod
    def from_config(cls, config) -> DistrictSpec:
        """Take the fields of this spec from a :class:`coop_agents.config.Config`."""
        return cls(**{f: getattr(config, f) for f in cls.__dataclass_fields__})

    @property
    def communities(self) -> int:
        return self.street_offices * self.communities_per_street

    def community_profiles(self) -> list[str]:
        names = list(PROFILES) if self.profile == "mixed" else [self.profile]
        return [names[c % len(names)] for c in range(self.communities)]


# --------------------------------------------------------------------------------------------
# The district: organisations as a graph, residents as arrays


@dataclass(eq=False)
class District:
    """A district as a run uses it (see the module docstring).

    Attributes:
        graph: the organisations and their ties (nodes ``n, n+1, ...``). Its ``graph`` attributes
            hold ``residents`` (the count) and ``resident_community`` (the array), so a drawing
            of the graph can place residents without the arrays at hand.
        community, vulnerable, party_member: one row per resident (int32, bool, bool), grouped by
            community.
        contacts: the residents' contacts, a symmetric 0/1 CSR matrix, each row's contacts in
            ascending order (the contagion's sparse and dense sums rely on that order).
        vulnerable_share, party_share: per community, the shares the residents were drawn with;
            ``None`` when the residents were listed one by one (a GraphML file of residents).

    A district handed to several runs (a batch's arms on one seed) is shared, never copied: its
    arrays are read-only and nothing of a run writes to its graph.
    """

    graph: nx.Graph
    community: np.ndarray
    vulnerable: np.ndarray
    party_member: np.ndarray
    contacts: sp.csr_array
    vulnerable_share: np.ndarray | None = None
    party_share: np.ndarray | None = None
    source: str = ""
    cross: np.ndarray | None = None  # per resident: has a contact in another community (else computed)

    def __post_init__(self) -> None:
        self.graph.graph["residents"] = self.n_residents
        self.graph.graph["resident_community"] = self.community
        for a in (
            self.community,
            self.vulnerable,
            self.party_member,
            self.contacts.data,
            self.contacts.indices,
            self.contacts.indptr,
        ):
            a.flags.writeable = False

    @property
    def n_residents(self) -> int:
        return int(self.community.size)

    @property
    def n_communities(self) -> int:
        return sum(1 for _, k in self.graph.nodes(data="kind") if k == "committee")

    @property
    def listed(self) -> bool:
        """Whether the residents were listed one by one (not drawn from counts and shares)."""
        return self.vulnerable_share is None

    @cached_property
    def boundary(self) -> np.ndarray:
        """Per resident: has a contact in another community (tasks about it are boundary tasks)."""
        if self.cross is not None:
            self.cross.flags.writeable = False
            return self.cross
        c, m = self.community, self.contacts
        rows_community = np.repeat(c, np.diff(m.indptr))
        cross = rows_community != c[m.indices]
        out = np.zeros(self.n_residents, dtype=bool)
        out[np.repeat(np.arange(self.n_residents), np.diff(m.indptr))[cross]] = True
        out.flags.writeable = False
        return out

    @cached_property
    def nbytes(self) -> int:
        """Bytes of the arrays and the contact matrix (the graph of organisations is small)."""
        m = self.contacts
        return int(
            self.community.nbytes
            + self.vulnerable.nbytes
            + self.party_member.nbytes
            + m.data.nbytes
            + m.indices.nbytes
            + m.indptr.nbytes
        )

    def organisations(self, kind: str | None = None) -> list:
        """Organisation nodes (of one kind), in canonical order."""
        return [n for n, k in self.graph.nodes(data="kind") if kind is None or k == kind]

    def to_graph(self) -> nx.Graph:
        """The whole district as one graph: residents as nodes ``0..n-1`` with their grid ties,
        party members' ties to their branch and contacts as edges (small districts, GraphML)."""
        g = nx.Graph(name=self.graph.graph.get("name", "district"))
        community = self.community.tolist()
        g.add_nodes_from(
            (i, {"kind": "resident", "community": c, "vulnerable": v, "party_member": p})
            for i, (c, v, p) in enumerate(
                zip(community, self.vulnerable.tolist(), self.party_member.tolist())
            )
        )
        _copy_into(self.graph, g)
        committees = {
            d["community"]: node for node, d in self.graph.nodes(data=True) if d["kind"] == "committee"
        }
        branches = {
            d["community"]: node
            for node, d in self.graph.nodes(data=True)
            if d["kind"] == "party_committee"
            and d.get("level") == "community"
            and d.get("community", -1) >= 0
        }
        grid = {"link": "vertical", "channel": "grid", "reliability": RELIABILITY["vertical"]}
        g.add_edges_from(((committees[c], i) for i, c in enumerate(community)), **grid)
        members = np.flatnonzero(self.party_member).tolist()
        g.add_edges_from(
            ((branches[community[i]], i) for i in members if community[i] in branches),
            **{**grid, "channel": "party"},
        )
        coo = sp.triu(self.contacts, k=1).tocoo()
        g.add_edges_from(
            zip(coo.row.tolist(), coo.col.tolist()), link="horizontal", channel="contact", reliability=1.0
        )
        return g

    @classmethod
    def from_graph(cls, g: nx.Graph, source: str = "") -> District:
        """A district from one graph in canonical form with residents as nodes (see :meth:`to_graph`)."""
        n = sum(1 for _, k in g.nodes(data="kind") if k == "resident")
        attr = g.nodes
        community = np.fromiter((attr[i]["community"] for i in range(n)), dtype=np.int32, count=n)
        vulnerable = np.fromiter(
            (bool(attr[i].get("vulnerable", False)) for i in range(n)), dtype=bool, count=n
        )
        party = np.fromiter((bool(attr[i].get("party_member", False)) for i in range(n)), dtype=bool, count=n)
        orgs = nx.Graph(name=g.graph.get("name", "district"))
        _copy_into(g, orgs, keep=lambda node: attr[node]["kind"] != "resident")
        return cls(orgs, community, vulnerable, party, contact_matrix(g, n), source=source)


def _copy_into(src: nx.Graph, dst: nx.Graph, keep: Callable | None = None) -> None:
    """Add ``src``'s nodes (those ``keep`` accepts) and the ties among them to ``dst``, keeping every
    node's order of ties.

    networkx's own copies (``copy``, ``subgraph(...).copy()``) add each tie from both ends and
    so reorder a node's ties; the order matters (among equally fast routes, a message takes the
    tie listed first), so a copied district must keep it.
    """
    nodes = [n for n in src if keep is None or keep(n)]
    dst.add_nodes_from((n, dict(src.nodes[n])) for n in nodes)
    kept = None if keep is None else set(nodes)
    shared: dict = {}
    for u in nodes:
        row = dst._adj[u]
        for v, data in src._adj[u].items():
            if kept is not None and v not in kept:
                continue
            edge = shared.pop((v, u), None)
            if edge is None:
                edge = shared[(u, v)] = dict(data)
            row[v] = edge


def as_district(graph) -> District:
    """A :class:`District` as it is, or one read from a graph in canonical form (residents as nodes)."""
    if isinstance(graph, District):
        return graph
    if isinstance(graph, nx.Graph):
        return District.from_graph(graph)
    raise TypeError(f"expected a District or a networkx graph, got {type(graph).__name__}")


# --------------------------------------------------------------------------------------------
# Building


def check_spec(spec: DistrictSpec) -> None:
    """Refuse sizes a district cannot be built from (before any run starts); raise :class:`NetworkError`."""
    n_comm = spec.communities
    if spec.residents < MIN_COMMUNITY * n_comm:
        raise NetworkError(
            f"residents={spec.residents} is too few for {n_comm} communities "
            f"({spec.street_offices} street offices x {spec.communities_per_street}); "
            f"allowed: at least {MIN_COMMUNITY} per community ({MIN_COMMUNITY * n_comm})"
        )


@dataclass
class _Plan:
    """The facts an organisation graph is made from by the builder's rules.

    Communities in canonical order (grouped by street office); ``served`` lists each social
    organisation's communities (numbers), in the order its service ties are made.
    """

    names: list[str]  # communities
    streets: list[int]  # each community's street office
    street_names: list[str]
    sizes: list[int]
    profiles: list[str]
    infrastructure: list[float]
    trust: list[float]
    organisations: list[tuple[str, str, list[int]]] = field(default_factory=list)  # name, specialty, served
    ties: list[tuple] = field(default_factory=list)  # (node u, node v, channel, latency or None): see _ties


def _organisation_graph(plan: _Plan, offset: int, resolve_ties: Callable | None = None) -> nx.Graph:
    """The organisations of a district and their ties, by the builder's rules (nodes from ``offset``).

    Government, district party committee and platform hub; per street office its party committee;
    per community its committee and party branch, tied to their street's bodies, to each other and
    (unified command) to the government; committees of a street are peers in a ring, as are the
    street offices, and the last community of a street neighbours the first of the next; social
    organisations are contracted by the government and serve their communities; the street party
    committees reach the organisations working in their street (大党委 overlay); every
    organisation but the hub has a platform tie. ``resolve_ties`` adds a file's extra ties.
    """
    g = nx.Graph(name="district")
    ids = iter(range(offset, offset + 10**9))
    n_comm, n_street = len(plan.names), len(plan.street_names)

    def org(kind, name, **attr):
        node = next(ids)
        g.add_node(node, kind=kind, name=name, **attr)
        return node

    def tie(u, v, channel):
        link = CHANNELS[channel]
        g.add_edge(u, v, link=link, channel=channel, reliability=RELIABILITY[link])

    gov = org("government", "district government", level="district", street=-1, community=-1)
    dpc = org("party_committee", "district party committee", level="district", street=-1, community=-1)
    hub = org("platform", "response platform", level="district", street=-1, community=-1)
    tie(gov, dpc, "branch")
    streets, street_party, committees, branches = [], [], [], []
    for s in range(n_street):
        so = org("street_office", plan.street_names[s], level="street", street=s, community=-1)
        sp_ = org(
            "party_committee", f"street party committee {s + 1}", level="street", street=s, community=-1
        )
        tie(gov, so, "admin")
        tie(dpc, sp_, "party")
        tie(so, sp_, "branch")
        streets.append(so)
        street_party.append(sp_)
    for c in range(n_comm):
        s = plan.streets[c]
        cc = org(
            "committee",
            plan.names[c],
            level="community",
            street=s,
            community=c,
            profile=plan.profiles[c],
            infrastructure=plan.infrastructure[c],
            trust=plan.trust[c],
            residents=int(plan.sizes[c]),
        )
        pb = org("party_committee", f"party branch {c + 1}", level="community", street=s, community=c)
        tie(streets[s], cc, "admin")
        tie(street_party[s], pb, "party")
        tie(cc, pb, "branch")
        tie(street_party[s], cc, "overlay")
        tie(gov, cc, "command")
        committees.append(cc)
        branches.append(pb)
    members = [[committees[c] for c in range(n_comm) if plan.streets[c] == s] for s in range(n_street)]
    for s in range(n_street):
        ring = members[s]
        for a, b in zip(ring, ring[1:] + ring[:1]):
            if a != b:
                tie(a, b, "peer")
        if n_street > 1:
            tie(streets[s], streets[(s + 1) % n_street], "peer")
    # Neighbouring communities across a street boundary are peers too; like the contacts, the
    # communities form a ring, so the last one neighbours the first.
    if n_street > 1:
        for s in range(n_street):
            last = members[s][-1]
            tie(last, committees[(committees.index(last) + 1) % n_comm], "peer")
    for name, specialty, served in plan.organisations:
        so = org(
            "social_organisation",
            name,
            level="community",
            street=int(plan.streets[served[0]]),
            community=-1,
            specialty=specialty,
        )
        tie(gov, so, "contract")
        for c in served:
            tie(so, committees[c], "service")
        for s in {plan.streets[c] for c in served}:
            tie(street_party[s], so, "overlay")
    for node, kind in list(g.nodes(data="kind")):
        if kind != "platform":
            tie(hub, node, "platform")
    if resolve_ties is not None:
        resolve_ties(g)
    return g


def _draw_ranks(g: nx.Graph, rng: np.random.Generator) -> None:
    """One rank per horizontal tie (branch, peer, service), in the order of its two node ids."""
    horizontal = sorted((min(u, v), max(u, v)) for u, v, ch in g.edges(data="channel") if ch in HORIZONTAL)
    for (u, v), rank in zip(horizontal, rng.random(len(horizontal)).tolist()):
        g.edges[u, v]["rank"] = rank


def _synthesise(
    sizes: np.ndarray,
    vulnerable_share: np.ndarray,
    party_share: np.ndarray,
    contacts: np.ndarray,
    cross_share: float,
    rng: np.random.Generator,
):
    """Residents of communities of ``sizes``: vulnerable and party members drawn by each community's
    share, contacts by its density (see :func:`_contact_edges`); returns (community, vulnerable,
    party member, contact matrix, boundary)."""
    n = int(sizes.sum())
    community = np.repeat(np.arange(sizes.size, dtype=np.int32), sizes)
    vulnerable = rng.random(n) < np.asarray(vulnerable_share, dtype=float)[community]
    party = rng.random(n) < np.asarray(party_share, dtype=float)[community]
    lo, hi = _contact_edges(sizes, contacts, cross_share, rng)
    crossing = community[lo] != community[hi]
    boundary = np.zeros(n, dtype=bool)
    boundary[lo[crossing]] = True
    boundary[hi[crossing]] = True
    return community, vulnerable, party, _contacts_csr(lo, hi, n), boundary


def make_district(spec: DistrictSpec, rng: np.random.Generator) -> District:
    """Build a district from its sizes: a pure function of ``spec`` and ``rng``.

    Residents are split evenly over ``street_offices x communities_per_street`` communities whose
    profiles cycle through urban, old urban and rural (``mixed``) or are all one profile; each
    social organisation serves ``communities_per_organisation`` neighbouring communities from one
    drawn at random.

    Args:
        spec: sizes and profiles.
        rng: a seeded numpy generator (the run's ``network`` stream).

    Raises:
        NetworkError: if there are fewer residents than communities need.

    Examples:
        >>> d = make_district(DistrictSpec(residents=120, street_offices=1, communities_per_street=3),
        ...                   np.random.default_rng(0))
        >>> d.n_residents, len(d.organisations("committee")), d.contacts.shape
        (120, 3, (120, 120))
    """
    check_spec(spec)
    n_comm = spec.communities
    profiles = spec.community_profiles()
    sizes = np.full(n_comm, spec.residents // n_comm)
    sizes[: spec.residents % n_comm] += 1
    prof = [PROFILES[p] for p in profiles]
    community, vulnerable, party, contacts, boundary = _synthesise(
        sizes,
        np.array([p.vulnerable for p in prof]),
        np.full(n_comm, spec.party_member_share),
        np.array([p.contacts for p in prof]),
        spec.cross_community_ties,
        rng,
    )
    served = []
    for _ in range(spec.social_organisations):
        start = int(rng.integers(n_comm))
        served.append([(start + j) % n_comm for j in range(min(spec.communities_per_organisation, n_comm))])
    plan = _Plan(
        names=[f"community {c + 1}" for c in range(n_comm)],
        streets=[c // spec.communities_per_street for c in range(n_comm)],
        street_names=[f"street office {s + 1}" for s in range(spec.street_offices)],
        sizes=sizes.tolist(),
        profiles=profiles,
        infrastructure=[p.infrastructure for p in prof],
        trust=[p.trust for p in prof],
        organisations=[
            (f"social organisation {k + 1}", SPECIALTIES[k % len(SPECIALTIES)], s)
            for k, s in enumerate(served)
        ],
    )
    g = _organisation_graph(plan, spec.residents)
    _draw_ranks(g, rng)
    return District(
        g,
        community,
        vulnerable,
        party,
        contacts,
        vulnerable_share=np.array([p.vulnerable for p in prof]),
        party_share=np.full(n_comm, spec.party_member_share),
        cross=boundary,
    )


def build_district(spec: DistrictSpec, rng: np.random.Generator) -> nx.Graph:
    """:func:`make_district` as one graph, residents as nodes (see :meth:`District.to_graph`).

    Examples:
        >>> g = build_district(DistrictSpec(residents=120, street_offices=1,
        ...                    communities_per_street=3), np.random.default_rng(0))
        >>> sum(1 for _, k in g.nodes(data="kind") if k == "committee")
        3
    """
    return make_district(spec, rng).to_graph()


def _contact_edges(sizes, contacts, cross_share, rng) -> tuple[np.ndarray, np.ndarray]:
    """Clustered contacts within each community, a few ties to the neighbouring community.

    A small-world ring per community (each resident tied to the ``k/2`` next ones, ``k`` the
    community's ``contacts``), each tie rewired at random within the community with chance 0.1, or
    to the next community with chance ``cross_share``. Vectorised per community; duplicate ties and
    self-ties are dropped. Returns the distinct pairs ``lo < hi``, sorted.
    """
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    n_comm = len(sizes)
    rows, cols = [], []
    for c in range(n_comm):
        n = int(sizes[c])
        half = max(1, min(int(contacts[c]), n - 1) // 2)
        base = np.arange(n)
        src = np.repeat(base, half)
        dst = (src + np.tile(np.arange(1, half + 1), n)) % n
        u = rng.random(src.size)
        within = u < 0.1
        dst[within] = rng.integers(0, n, within.sum())
        src = src + offsets[c]
        dst = dst + offsets[c]
        if n_comm > 1:
            cross = u > 1.0 - cross_share
            nb = (c + 1) % n_comm
            dst[cross] = offsets[nb] + rng.integers(0, sizes[nb], cross.sum())
        rows.append(src)
        cols.append(dst)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    keep = rows != cols
    lo, hi = np.minimum(rows[keep], cols[keep]), np.maximum(rows[keep], cols[keep])
    del rows, cols, keep
    # Sorted distinct pairs. Sorting and dropping repeats is what ``np.unique`` returns, at a tenth
    # of its time here (numpy 2.3+ takes a hash-based path that is slower for this input).
    total = int(offsets[-1])
    pairs = lo.astype(np.int64) * total + hi
    del lo, hi
    pairs.sort()
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
    return pairs // total, pairs % total


def _contacts_csr(lo: np.ndarray, hi: np.ndarray, n: int) -> sp.csr_array:
    """The symmetric 0/1 matrix of the distinct pairs ``lo < hi`` (sorted), in canonical form
    (each row's contacts ascending, as :func:`contact_matrix` returns).

    scipy's conversion places entries row by row in the order given (a counting sort); given first
    every pair as (hi, lo), then every pair as (lo, hi), both in the pairs' order, each row comes
    out with its contacts below it, then those above it, each ascending: sorted, with no sort.
    """
    index = np.int32 if max(2 * lo.size, n) < 2**31 - 1 else np.int64
    rows = np.concatenate([hi, lo]).astype(index, copy=False)
    cols = np.concatenate([lo, hi]).astype(index, copy=False)
    out = sp.coo_array((np.ones(rows.size), (rows, cols)), shape=(n, n)).tocsr()
    out.sum_duplicates()  # a check only: there are none
    return out


def contact_matrix(g: nx.Graph, n_residents: int) -> sp.csr_array:
    """The resident contact network of a graph (residents as nodes) as a symmetric 0/1 CSR matrix
    (row i: i's contacts), in canonical form: each row's contacts in ascending order, no duplicates.
    """
    edges = [(u, v) for u, v, ch in g.edges(data="channel") if ch == "contact"]
    if not edges:
        return sp.csr_array((n_residents, n_residents), dtype=np.float64)
    e = np.asarray(edges, dtype=np.int64)
    data = np.ones(2 * len(e))
    m = sp.coo_array(
        (data, (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])), shape=(n_residents, n_residents)
    ).tocsr()
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def link_view(g: nx.Graph, link: str) -> nx.Graph:
    """A read-only view with only the edges of one link type (vertical, horizontal, platform)."""
    if link not in LINKS:
        raise NetworkError(f"link={link!r}: not a link type; allowed: {', '.join(LINKS)}")
    return nx.subgraph_view(g, filter_edge=lambda u, v: g.edges[u, v]["link"] == link)


def channel_view(g: nx.Graph, channels: set[str] | frozenset[str]) -> nx.Graph:
    """A read-only view with only the edges whose channel is in ``channels``."""
    return nx.subgraph_view(g, filter_edge=lambda u, v: g.edges[u, v]["channel"] in channels)


def organisation_view(g: nx.Graph) -> nx.Graph:
    """A read-only view of the organisations and the ties between them (no residents)."""
    return nx.subgraph_view(g, filter_node=lambda n: g.nodes[n]["kind"] != "resident")


# --------------------------------------------------------------------------------------------
# A district read from a file


@dataclass(eq=False)
class Structure:
    """A district as a structure file gives it, checked; :meth:`realise` makes a run's district.

    Either the residents are *listed* one by one (a GraphML file with resident nodes: ``listed``
    is the district, the same for every seed), or they are *synthetic*: each community's count and
    shares are given (a workbook, CSV folder, or GraphML file with ``population = "synthetic"``)
    and every seed draws its own residents and contacts, as the builder does.

    Attributes:
        graph: the organisations and their ties in canonical form (nodes from the residents'
            count); committees carry their community's ``residents``.
        vulnerable_share, party_share: per community (synthetic); a NaN party share takes the
            scenario's ``party_member_share``.
        listed: the district, when its residents are listed.
        source: the file, for messages.
    """

    graph: nx.Graph
    vulnerable_share: np.ndarray | None = None
    party_share: np.ndarray | None = None
    listed: District | None = None
    source: str = ""

    @property
    def population(self) -> str:
        return "listed" if self.listed is not None else "synthetic"

    @property
    def n_residents(self) -> int:
        if self.listed is not None:
            return self.listed.n_residents
        return sum(d["residents"] for _, d in self.graph.nodes(data=True) if d["kind"] == "committee")

    def sizes(self) -> dict:
        """The parameter-table sizes of this district: residents, street offices, the most
        communities under one street office, social organisations, the most communities one serves
        and the profile (``mixed`` unless every community has the same)."""
        g = self.graph
        kinds = [d["kind"] for _, d in g.nodes(data=True)]
        committees = [d for _, d in g.nodes(data=True) if d["kind"] == "committee"]
        per_street: dict[int, int] = {}
        for d in committees:
            per_street[d["street"]] = per_street.get(d["street"], 0) + 1
        served = [
            sum(1 for v in g[n] if g.edges[n, v]["channel"] == "service")
            for n, d in g.nodes(data=True)
            if d["kind"] == "social_organisation"
        ]
        profiles = {d.get("profile", "urban") for d in committees}
        return {
            "residents": self.n_residents,
            "street_offices": kinds.count("street_office"),
            "communities_per_street": max(per_street.values(), default=1),
            "social_organisations": kinds.count("social_organisation"),
            "communities_per_organisation": max([1, *served]),
            "profile": profiles.pop() if len(profiles) == 1 else "mixed",
        }

    def realise(
        self, rng: np.random.Generator, cross_community_ties: float = 0.03, party_member_share: float = 0.08
    ) -> District:
        """The district of a run on the ``network`` stream ``rng`` (see the module docstring for the
        draws); a listed district is the same for every seed (no draws)."""
        if self.listed is not None:
            return self.listed
        g = nx.Graph(name=self.graph.graph.get("name", "district"))
        _copy_into(self.graph, g)
        committees = sorted((d["community"], d) for _, d in g.nodes(data=True) if d["kind"] == "committee")
        sizes = np.array([d["residents"] for _, d in committees], dtype=np.int64)
        contacts = np.array([PROFILES[d.get("profile", "urban")].contacts for _, d in committees])
        party = np.where(np.isnan(self.party_share), party_member_share, self.party_share)
        community, vulnerable, members, matrix, boundary = _synthesise(
            sizes, self.vulnerable_share, party, contacts, cross_community_ties, rng
        )
        for _ in range(sum(1 for _, k in g.nodes(data="kind") if k == "social_organisation")):
            rng.integers(sizes.size)  # the builder's draw of where the organisation works: here the file says
        _draw_ranks(g, rng)
        return District(
            g,
            community,
            vulnerable,
            members,
            matrix,
            vulnerable_share=self.vulnerable_share.copy(),
            party_share=party,
            source=self.source,
            cross=boundary,
        )


def district_for(config, source, rng: np.random.Generator) -> District:
    """The district of a run.

    Args:
        config: the run's configuration (sizes, and the shares a synthetic population is drawn with).
        source: ``None`` (build from the configuration's sizes), a :class:`District` (as it is: a
            batch shares one between the arms of a replicate), a :class:`Structure`, a graph in
            canonical form with residents as nodes, or the path of a structure file (GraphML,
            workbook or CSV folder).
        rng: the run's ``network`` stream.
    """
    if source is None:
        return make_district(DistrictSpec.from_config(config), rng)
    if isinstance(source, District):
        return source
    if isinstance(source, nx.Graph):
        return District.from_graph(source)
    if isinstance(source, (str, Path)):
        from coop_agents.district.files import read_structure

        source = read_structure(source)
    if isinstance(source, Structure):
        return source.realise(rng, config.cross_community_ties, config.party_member_share)
    raise TypeError(
        f"a district's source must be None, a District, a Structure, a graph or a path; "
        f"got {type(source).__name__}"
    )


# --------------------------------------------------------------------------------------------
# Validation


# Where each channel may run: (kinds at one end, kinds at the other end). ``ORG`` is any
# organisation but the platform hub, which hangs on platform ties only.
ORG = frozenset(k for k in KINDS if k not in ("resident", "platform"))
_ENDS: dict[str, tuple[frozenset, frozenset]] = {
    "contact": (frozenset({"resident"}), frozenset({"resident"})),
    "grid": (frozenset({"committee"}), frozenset({"resident"})),
    "party": (frozenset({"party_committee"}), frozenset({"party_committee", "resident"})),
    "platform": (frozenset({"platform"}), ORG),
    **{ch: (ORG, ORG) for ch in ("admin", "contract", "command", "branch", "peer", "service", "overlay")},
}
# Attributes a node of each kind must carry in a structure file (others are filled in).
REQUIRED: dict[str, tuple[str, ...]] = {
    "resident": ("community", "vulnerable", "party_member"),
    "committee": ("community", "street"),
    "street_office": ("street",),
}
# A synthetic population's committees carry their community's count and shares instead.
SHARES = {"share_vulnerable": (0.0, 1.0), "share_party": (0.0, 0.5)}


def _unit(value) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, bool)
        and 0.0 <= float(value) <= 1.0
    )


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _some(items: Sequence, name: Callable, limit: int = 3) -> str:
    shown = ", ".join(name(n) for n in items[:limit])
    return shown + (f" and {len(items) - limit:,} more" if len(items) > limit else "")


def check_structure(g: nx.Graph, name=lambda n: repr(n), population: str = "listed") -> None:
    """The rules a district obeys, on any graph (canonical or not); raise :class:`NetworkError`
    naming the first problem (and how many more there are; :func:`structure_problems` lists all)."""
    problems = structure_problems(g, name, population)
    if problems:
        raise NetworkError(_summary(problems))


def _summary(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    return (
        f"{problems[0]} (and {len(problems) - 1:,} more problem{'s' if len(problems) > 2 else ''}; "
        f"'coop-agents district check FILE' lists them all)"
    )


def structure_problems(g: nx.Graph, name=lambda n: repr(n), population: str = "listed") -> list[str]:
    """Every problem of a district graph, one line each, naming the nodes and ties concerned.

    Args:
        g: the graph, with node ``kind`` and the attributes of :data:`REQUIRED` typed already.
        name: how messages name a node (a loaded file's own node ids).
        population: ``listed`` (residents are nodes) or ``synthetic`` (committees carry each
            community's ``residents`` and there are no resident nodes).

    Checks run in stages (nodes; kinds and communities; ties; connection); a stage runs only if the
    ones before it found nothing, since it relies on them.
    """
    out: list[str] = []
    if g.number_of_nodes() == 0:
        return [
            "the structure has no nodes; it needs a government, street offices, committees and "
            + ("residents" if population == "listed" else "each community's residents")
        ]
    kinds: dict[str, list] = {k: [] for k in KINDS}
    missing: dict[tuple[str, str], list] = {}
    for node, data in g.nodes(data=True):
        kind = data.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            out.append(f"node {name(node)} has kind={kind!r}; allowed: {', '.join(KINDS)}")
            continue
        kinds[kind].append(node)
        for key in REQUIRED.get(kind, ()):
            if key not in data or data[key] is None:
                missing.setdefault((kind, key), []).append(node)
        for key in ("community", "street"):
            if key in data and data[key] is not None and (not _is_int(data[key]) or data[key] < -1):
                out.append(f"node {name(node)} has {key}={data[key]!r}; allowed: an integer of at least 0")
        for key in ("vulnerable", "party_member"):
            if key in data and data[key] is not None and not isinstance(data[key], (bool, np.bool_)):
                out.append(f"node {name(node)} has {key}={data[key]!r}; allowed: true or false")
        for key in ("infrastructure", "trust"):
            if key in data and not _unit(data[key]):
                out.append(f"node {name(node)} has {key}={data[key]!r}; allowed: a number from 0 to 1")
        if kind == "committee" and data.get("profile", "urban") not in PROFILES:
            out.append(
                f"committee {name(node)} has profile={data.get('profile')!r}; allowed: {', '.join(PROFILES)}"
            )
        if kind == "party_committee" and data.get("level", "community") not in LEVELS:
            out.append(f"node {name(node)} has level={data.get('level')!r}; allowed: {', '.join(LEVELS)}")
        if kind == "committee" and population == "synthetic":
            n = data.get("residents")
            if not _is_int(n) or n < MIN_COMMUNITY:
                out.append(
                    f"committee {name(node)} has residents={n!r}; allowed: an integer of at least "
                    f"{MIN_COMMUNITY} (the community's residents)"
                )
            for key, (low, high) in SHARES.items():
                value = data.get(key)
                if value is not None and not (_unit(value) and low <= float(value) <= high):
                    out.append(
                        f"committee {name(node)} has {key}={value!r}; allowed: a number from {low:g} to {high:g}"
                    )
    for (kind, key), nodes in missing.items():
        needs = " and ".join(REQUIRED[kind])
        if len(nodes) == 1:
            out.append(f"node {name(nodes[0])} ({kind}) has no {key}; a {kind} needs {needs}")
        else:
            out.append(
                f"{len(nodes):,} nodes ({kind}) have no {key} ({_some(nodes, name)}); a {kind} needs {needs}"
            )
    if out:
        return out
    # Kinds and communities.
    needed = ("government", "street_office", "committee") + (("resident",) if population == "listed" else ())
    for kind in needed:
        if not kinds[kind]:
            out.append(f"the structure has no node of kind {kind!r}; a district needs at least one")
    if population == "synthetic" and kinds["resident"]:
        out.append(
            f"the structure lists {len(kinds['resident']):,} residents ({_some(kinds['resident'], name)}), "
            f"but its population is synthetic (drawn from each committee's residents and shares); "
            f'remove the resident nodes, or give population = "listed"'
        )
    if len(kinds["government"]) > 1:
        out.append(f"the structure has {len(kinds['government'])} governments; exactly one is allowed")
    if len(kinds["platform"]) > 1:
        out.append(f"the structure has {len(kinds['platform'])} platform hubs; at most one is allowed")
    total = (
        len(kinds["resident"])
        if population == "listed"
        else sum(g.nodes[c]["residents"] for c in kinds["committee"])
    )
    if total > MAX_RESIDENTS:
        out.append(f"the structure has {total:,} residents; at most {MAX_RESIDENTS:,} are allowed")
    if out:
        return out
    committee_of: dict[int, object] = {}
    for c in kinds["committee"]:
        k = g.nodes[c]["community"]
        if k in committee_of:
            out.append(
                f"committees {name(committee_of[k])} and {name(c)} both have community={k}; "
                f"one committee per community is allowed"
            )
        committee_of[k] = c
    n_comm = len(committee_of)
    if sorted(committee_of) != list(range(n_comm)):
        missing_c = next(k for k in range(n_comm + 1) if k not in committee_of)
        out.append(
            f"committees must carry community numbers 0..{n_comm - 1}, one committee each; "
            f"community {missing_c} has no committee"
        )
    if population == "listed":
        size = dict.fromkeys(committee_of, 0)
        strays: dict[object, list] = {}
        for r in kinds["resident"]:
            k = g.nodes[r]["community"]
            if k not in size:
                strays.setdefault(k, []).append(r)
            else:
                size[k] += 1
        for k, nodes in strays.items():
            who = (
                f"node {name(nodes[0])} (resident) has"
                if len(nodes) == 1
                else f"{len(nodes):,} residents ({_some(nodes, name)}) have"
            )
            out.append(f"{who} community={k!r}; allowed: a committee's community number, 0 to {n_comm - 1}")
        for k, n in size.items():
            if n == 0:
                out.append(
                    f"community {k} (committee {name(committee_of[k])}) has no residents; "
                    f"every community needs at least one resident"
                )
    streets: dict[int, object] = {}
    for so in kinds["street_office"]:
        k = g.nodes[so]["street"]
        if k in streets:
            out.append(
                f"street offices {name(streets[k])} and {name(so)} both have street={k}; "
                f"each street office needs its own number"
            )
        streets[k] = so
    for c in kinds["committee"]:
        if g.nodes[c]["street"] not in streets:
            out.append(
                f"committee {name(c)} has street={g.nodes[c]['street']!r}; allowed: a street office's number "
                f"({', '.join(str(k) for k in sorted(streets))})"
            )
    if out:
        return out
    # Edges: a known channel, its link, latency and reliability in range, between the right kinds.
    for u, v, data in g.edges(data=True):
        ch = data.get("channel")
        where = f"edge {name(u)}-{name(v)}"
        if u == v:
            out.append(f"{where} joins a node to itself; allowed: ties between two different nodes")
            continue
        if not isinstance(ch, str) or ch not in CHANNELS:
            out.append(f"{where} has channel={ch!r}; allowed: {', '.join(CHANNELS)}")
            continue
        if data.get("link") != CHANNELS[ch]:
            out.append(f"{where} has link={data.get('link')!r}; channel {ch!r} needs link={CHANNELS[ch]!r}")
        lat, rel = data.get("latency"), data.get("reliability")
        if lat is not None and (
            isinstance(lat, bool) or not isinstance(lat, (int, float)) or not 0 <= lat <= MAX_LATENCY
        ):
            out.append(
                f"{where} has latency={lat!r}; allowed: a number of days from 0 to {MAX_LATENCY:g}, "
                f"or none (the pattern's latency for its link)"
            )
        if isinstance(rel, bool) or not isinstance(rel, (int, float)) or not 0 < rel <= 1:
            out.append(f"{where} has reliability={rel!r}; allowed: a number above 0 and at most 1")
        ku, kv = g.nodes[u]["kind"], g.nodes[v]["kind"]
        one, other = _ENDS[ch]
        if not ((ku in one and kv in other) or (kv in one and ku in other)):
            out.append(
                f"{where} ({ch}) joins a {ku} and a {kv}; a {ch} tie joins "
                f"{' or '.join(sorted(one))} and {' or '.join(sorted(other))}"
            )
            continue
        if ch in ("grid", "party") and "resident" in (ku, kv):
            res, org = (u, v) if ku == "resident" else (v, u)
            if g.nodes[org].get("community") != g.nodes[res]["community"]:
                out.append(
                    f"{where} ({ch}) joins resident {name(res)} of community {g.nodes[res]['community']} "
                    f"to {name(org)} of community {g.nodes[org].get('community')!r}; it must be the "
                    f"resident's own community"
                )
    if out:
        return out
    # The platform hub hangs on platform ties only; every other organisation must reach the
    # government over the administrative and party lines.
    orgs = nx.subgraph_view(g, filter_node=lambda n: g.nodes[n]["kind"] not in ("resident", "platform"))
    admin = channel_view(orgs, {"admin", "contract", "party", "branch"}).to_undirected(as_view=True)
    gov = kinds["government"][0]
    reached = nx.node_connected_component(admin, gov)
    lost = [n for n in orgs if n not in reached]
    if lost:
        what = (
            f"node {name(lost[0])}, a {g.nodes[lost[0]]['kind']}, is cut off"
            if len(lost) == 1
            else f"{len(lost):,} organisations are cut off: {_some(lost, name)}"
        )
        out.append(
            f"the administrative and party lines do not connect every organisation to the government ({what})"
        )
    return out


def validate_district(g: nx.Graph) -> None:
    """Check that a graph is a district in canonical form; raise :class:`NetworkError` if not."""
    check_structure(g)
    n_res = sum(1 for _, k in g.nodes(data="kind") if k == "resident")
    if any(not (_is_int(n) and 0 <= n < n_res) for n, k in g.nodes(data="kind") if k == "resident"):
        raise NetworkError(
            "residents must be the nodes 0..n-1 (canonical form); load files with load_graphml"
        )
    for c, d in g.nodes(data=True):
        if d["kind"] == "committee":
            for key in ("infrastructure", "trust"):
                if key not in d:
                    raise NetworkError(f"committee {c!r} has no {key}; allowed: a number from 0 to 1")


# --------------------------------------------------------------------------------------------
# GraphML


_NODE_TYPES: dict[str, Callable] = {
    "community": int,
    "street": int,
    "vulnerable": bool,
    "party_member": bool,
    "infrastructure": float,
    "trust": float,
    "residents": int,
    "share_vulnerable": float,
    "share_party": float,
}


class _OrderedReader(nx.readwrite.graphml.GraphMLReader):
    """networkx's GraphML reader, noting the order of the file's edges (networkx's graph forgets
    it, and a node's order of ties decides which of equally fast routes a message takes)."""

    def __init__(self) -> None:
        super().__init__(node_type=str)
        self.order: list[tuple[str, str]] = []

    def add_edge(self, G, edge_element, graphml_keys):
        super().add_edge(G, edge_element, graphml_keys)
        self.order.append(
            (self.node_type(edge_element.get("source")), self.node_type(edge_element.get("target")))
        )


def _parse_graphml(path: Path) -> tuple[nx.Graph, list[tuple[str, str]]]:
    """The first graph of a GraphML file, and its edges in the file's order (as networkx reads it)."""
    reader = _OrderedReader()
    with open(path, "rb") as fh:
        graphs = list(reader(path=fh))
        if not graphs:  # a file without the GraphML namespace, as networkx's read_graphml allows
            fh.seek(0)
            text = fh.read().replace(b"<graphml>", b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">')
            reader.order = []
            graphs = list(reader(string=text))
    if not graphs:
        raise nx.NetworkXError("file not successfully read as graphml")
    return graphs[0], reader.order


def _natural(text: str) -> tuple:
    """A sort key that orders the numbers inside names as numbers: s2 before s10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part
    )


def read_graphml(path: str | Path) -> Structure:
    """Read a district from GraphML, check it and return it in canonical form (see docs/district.md).

    Nodes need ``kind`` (see :data:`KINDS`). Committees need ``community`` (numbered from 0) and
    ``street`` (a street office's number); street offices ``street``. Two forms:

    - residents **listed** (the default): every resident is a node with ``community``,
      ``vulnerable`` and ``party_member``; ``contact`` ties join residents.
    - residents **synthetic** (the graph's ``population`` is ``"synthetic"``): no resident nodes;
      each committee carries its community's ``residents`` and may carry ``share_vulnerable`` and
      ``share_party``; every seed draws its residents as the builder does.

    Edges need ``channel`` (see :data:`CHANNELS`) between the kinds it joins; ``link`` and
    ``reliability`` are filled from the channel when missing; a ``latency`` (0 to 30 days) is a
    per-tie override of the pattern's latency. Ties are kept in the file's order.

    Raises:
        NetworkError: naming the file and the first problem (and how many more).
    """
    problems, structure = graphml_problems(path)
    if problems:
        raise NetworkError(f"{path}: {_summary(problems)}")
    return structure


def load_graphml(path: str | Path) -> nx.Graph:
    """A GraphML district of listed residents as one graph in canonical form (residents as nodes
    ``0..n-1``; see :func:`read_graphml`).

    Raises:
        NetworkError: naming the file and what is wrong.
    """
    structure = read_graphml(path)
    if structure.listed is None:
        raise NetworkError(
            f"{path}: its population is synthetic (no resident nodes): read it with read_graphml, "
            f"which draws the residents per seed"
        )
    return structure.listed.to_graph()


def graphml_problems(path: str | Path) -> tuple[list[str], Structure | None]:
    """Every problem of a GraphML district file (one line each, naming its node and edge ids), and
    the district when there is none."""
    try:
        st = check_input_file(path, "structure (GraphML)", MAX_GRAPHML_BYTES)
        available = available_memory()
    except CoopError as exc:
        return [str(exc).removeprefix(f"{path}: ")], None
    path = Path(path)
    need = GRAPHML_BYTES_PER_FILE_BYTE * st.st_size
    if available is not None and need > MEMORY_SHARE * available:
        return [
            f"reading this {st.st_size / 2**20:,.0f} MB GraphML file needs about {need / 2**30:.1f} GB of "
            f"memory, but {available / 2**30:.1f} GB is available; the largest file that fits has "
            f"{int(MEMORY_SHARE * available / GRAPHML_BYTES_PER_FILE_BYTE / 2**20):,} MB"
        ], None
    try:
        raw, order = _parse_graphml(path)
    except FileNotFoundError:
        return ["no such file"], None
    except RecursionError:
        return ["not readable as GraphML (elements nested too deeply)"], None
    except Exception as exc:  # the GraphML parser raises several unrelated types
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [f"not readable as GraphML ({first})"], None
    try:
        return _canonical(raw, order, str(path))
    except NetworkError as exc:
        return [str(exc)], None


def _cast(value, cast):
    """A GraphML attribute as ``cast`` (int, bool, float); ValueError if it is not one."""
    if cast is bool:
        return _as_bool(value)
    if cast is int:
        if isinstance(value, bool):
            raise ValueError(value)
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(value)
            return int(value)
        if isinstance(value, str):
            return int(value.strip())
        return int(value)
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(value)
    return number


def _canonical(
    raw: nx.Graph, order: list[tuple[str, str]], source: str
) -> tuple[list[str], Structure | None]:
    population = raw.graph.get("population", "listed")
    if population not in ("listed", "synthetic"):
        return [
            f"the graph has population={population!r}; allowed: listed (residents are nodes) or synthetic "
            f"(committees carry their community's residents and shares)"
        ], None
    problems: list[str] = []
    if raw.is_multigraph():
        for u, v in sorted({(u, v) for u, v, _ in raw.edges(keys=True) if raw.number_of_edges(u, v) > 1}):
            problems.append(
                f"nodes {u!r} and {v!r} are joined by {raw.number_of_edges(u, v)} edges; "
                f"one edge per pair of nodes is allowed"
            )
    if raw.is_directed():
        for u, v, data in raw.edges(data=True):
            if u < v and raw.has_edge(v, u) and raw.edges[v, u] != data:
                problems.append(
                    f"edge {u!r}-{v!r} is given in both directions with different attributes "
                    f"({data} and {raw.edges[v, u]}); give each tie once"
                )
    if problems:
        return problems, None
    if raw.is_directed() or raw.is_multigraph():
        raw = nx.Graph(raw.to_undirected() if raw.is_directed() else raw)
    expected = {int: "an integer", bool: "true or false", float: "a number"}
    for node, data in raw.nodes(data=True):
        if data.get("kind") not in KINDS:
            problems.append(f"node {node!r} has kind={data.get('kind')!r}; allowed: {', '.join(KINDS)}")
            continue
        for key, cast in _NODE_TYPES.items():
            if key in data:
                try:
                    data[key] = _cast(data[key], cast)
                except (TypeError, ValueError, OverflowError):
                    problems.append(f"node {node!r} has {key}={data[key]!r}; expected {expected[cast]}")
    for u, v, data in raw.edges(data=True):
        ch = data.get("channel")
        if ch not in CHANNELS:
            problems.append(f"edge {u!r}-{v!r} has channel={ch!r}; allowed: {', '.join(CHANNELS)}")
            continue
        link = data.setdefault("link", CHANNELS[ch])
        data.setdefault("reliability", RELIABILITY.get(link, 1.0))
        data.pop("rank", None)  # which ties are active is drawn per seed, never read from a file
        data.pop("id", None)
        for key in ("latency", "reliability"):
            if key in data:
                try:
                    data[key] = _cast(data[key], float)
                except (TypeError, ValueError, OverflowError):
                    problems.append(f"edge {u!r}-{v!r} has {key}={data[key]!r}; expected a number")
        if ch == "contact":
            data.pop("latency", None)  # contacts carry no messages
    if problems:
        return problems, None
    for _node, data in raw.nodes(data=True):
        if data["kind"] == "committee":
            data.setdefault("profile", "urban")
    problems = structure_problems(raw, population=population)  # with the file's own node ids in every message
    if problems:
        return problems, None
    key = lambda n: _natural(str(n))  # noqa: E731
    residents = sorted(
        (n for n, k in raw.nodes(data="kind") if k == "resident"),
        key=lambda n: (raw.nodes[n]["community"], key(n)),
    )
    others = sorted((n for n, k in raw.nodes(data="kind") if k != "resident"), key=key)
    # Organisations are numbered after the residents, listed or to be drawn.
    offset = (
        len(residents)
        if population == "listed"
        else sum(d["residents"] for _, d in raw.nodes(data=True) if d["kind"] == "committee")
    )
    mapping = {n: i for i, n in enumerate(residents)}
    mapping.update({n: offset + i for i, n in enumerate(others)})
    g = nx.Graph(name=raw.graph.get("name", "district"))
    shares: dict[str, dict[int, float]] = {k: {} for k in SHARES}
    for n in residents + others:
        data = dict(raw.nodes[n])
        data.setdefault("name", str(n))
        data.setdefault("community", -1)
        data.setdefault("street", -1)
        if data["kind"] == "committee":
            prof = PROFILES[data["profile"]]
            data.setdefault("infrastructure", prof.infrastructure)
            data.setdefault("trust", prof.trust)
            for k in SHARES:
                if k in data:
                    shares[k][data["community"]] = data.pop(k)
        g.add_node(mapping[n], **data)
    # Ties in the file's order (each once; networkx added them in that order too).
    seen = set()
    for u, v in order:
        if raw.has_edge(u, v) and frozenset((u, v)) not in seen:
            seen.add(frozenset((u, v)))
            data = raw.edges[u, v]
            g.add_edge(
                mapping[u],
                mapping[v],
                **{k: data[k] for k in ("channel", "link", "latency", "reliability") if k in data},
            )
    if population == "synthetic":
        orgs = g
        committees = sorted((d["community"], d) for _, d in orgs.nodes(data=True) if d["kind"] == "committee")
        vulnerable = np.array(
            [shares["share_vulnerable"].get(c, PROFILES[d["profile"]].vulnerable) for c, d in committees]
        )
        party = np.array([shares["share_party"].get(c, np.nan) for c, _ in committees])
        return [], Structure(orgs, vulnerable, party, source=source)
    for c in (n for n, k in g.nodes(data="kind") if k == "committee"):
        g.nodes[c]["residents"] = 0
    by_comm = {g.nodes[c]["community"]: c for c in g if g.nodes[c]["kind"] == "committee"}
    for r in range(len(residents)):
        g.nodes[by_comm[g.nodes[r]["community"]]]["residents"] += 1
    district = District.from_graph(g, source=source)
    return [], Structure(district.graph, listed=district, source=source)


def _as_bool(value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        if value.strip().lower() in ("true", "1", "yes"):
            return True
        if value.strip().lower() in ("false", "0", "no"):
            return False
        raise ValueError(value)
    if isinstance(value, (int, np.integer)) and value in (0, 1):
        return bool(value)
    raise ValueError(value)


def _edge_sequence(g: nx.Graph, nodes: Iterable | None = None) -> list[tuple]:
    """The ties among ``nodes`` in an order that, added one by one, gives every node its ties in
    the order ``g`` has them (a topological order of the nodes' orders of ties)."""
    keep = None if nodes is None else set(nodes)
    before: dict[frozenset, list[frozenset]] = {}
    waiting: dict[frozenset, int] = {}
    ends: dict[frozenset, tuple] = {}
    for u in g:
        if keep is not None and u not in keep:
            continue
        prev = None
        for v in g._adj[u]:
            if keep is not None and v not in keep:
                continue
            e = frozenset((u, v))
            ends.setdefault(e, (u, v))
            waiting.setdefault(e, 0)
            if prev is not None:
                before.setdefault(prev, []).append(e)
                waiting[e] += 1
            prev = e
    ready = deque(e for e in ends if waiting[e] == 0)
    out = []
    while ready:
        e = ready.popleft()
        out.append(ends[e])
        for f in before.get(e, ()):
            waiting[f] -= 1
            if waiting[f] == 0:
                ready.append(f)
    return out


_KEY_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}


def write_graphml(district: District | Structure, path: str | Path, name: str = "district") -> Path:
    """Write a district as GraphML: its organisations and ties (in an order that keeps each node's
    order of ties) and either every resident (listed) or each community's count and shares
    (``population = "synthetic"``). Node ids are ``o0, o1, ...`` for organisations and ``r0, r1, ...``
    for residents. A tie's ``latency`` is written only where it overrides the pattern's."""
    from xml.sax.saxutils import escape, quoteattr

    listed = district.listed if isinstance(district, Structure) else (district if district.listed else None)
    g = district.graph
    org_id = {node: f"o{k}" for k, node in enumerate(g)}
    keys: dict[tuple[str, str], type] = {("graph", "name"): str, ("graph", "population"): str}
    node_rows = []
    shares = {}
    if listed is None:
        vs, ps = district.vulnerable_share, district.party_share
        shares = {
            d["community"]: (float(vs[d["community"]]), float(ps[d["community"]]))
            for _, d in g.nodes(data=True)
            if d["kind"] == "committee"
        }
    for node, data in g.nodes(data=True):
        attrs = {k: v for k, v in data.items() if v is not None}
        if data["kind"] == "committee" and listed is None:
            v, p = shares[data["community"]]
            attrs["share_vulnerable"] = v
            if not np.isnan(p):
                attrs["share_party"] = p
        node_rows.append((org_id[node], attrs))
    for _, attrs in node_rows:
        for k, v in attrs.items():
            keys[("node", k)] = _py(v)
    edge_rows = []
    for u, v in _edge_sequence(g):
        data = g.edges[u, v]
        attrs = {k: data[k] for k in ("channel", "link", "latency", "reliability") if k in data}
        edge_rows.append((org_id[u], org_id[v], attrs))
        for k, x in attrs.items():
            keys[("edge", k)] = _py(x)
    if listed is not None:
        for k in ("community", "kind"):
            keys[("node", k)] = int if k == "community" else str
        keys[("node", "vulnerable")] = bool
        keys[("node", "party_member")] = bool
    key_id = {k: f"{k[0][0]}{i}" for i, k in enumerate(keys)}

    def data_xml(scope, attrs):
        out = []
        for k, v in attrs.items():
            text = (
                ("true" if v else "false")
                if isinstance(v, (bool, np.bool_))
                else repr(float(v))
                if isinstance(v, float)
                else str(v)
            )
            out.append(f'<data key="{key_id[(scope, k)]}">{escape(text)}</data>')
        return "".join(out)

    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        for (scope, k), t in keys.items():
            fh.write(
                f'  <key id="{key_id[(scope, k)]}" for="{scope}" attr.name={quoteattr(k)} '
                f'attr.type="{_KEY_TYPES[t]}"/>\n'
            )
        fh.write('  <graph edgedefault="undirected">\n')
        fh.write(
            "    "
            + data_xml("graph", {"name": name, "population": "listed" if listed is not None else "synthetic"})
            + "\n"
        )
        if listed is not None:
            for i, (c, vul, p) in enumerate(
                zip(listed.community.tolist(), listed.vulnerable.tolist(), listed.party_member.tolist())
            ):
                fh.write(
                    f'    <node id="r{i}">'
                    + data_xml(
                        "node", {"kind": "resident", "community": c, "vulnerable": vul, "party_member": p}
                    )
                    + "</node>\n"
                )
        for node_id, attrs in node_rows:
            fh.write(f"    <node id={quoteattr(node_id)}>{data_xml('node', attrs)}</node>\n")
        for u, v, attrs in edge_rows:
            fh.write(
                f"    <edge source={quoteattr(u)} target={quoteattr(v)}>{data_xml('edge', attrs)}</edge>\n"
            )
        if listed is not None:
            committees = {
                d["community"]: org_id[n] for n, d in g.nodes(data=True) if d["kind"] == "committee"
            }
            branches = {
                d["community"]: org_id[n]
                for n, d in g.nodes(data=True)
                if d["kind"] == "party_committee"
                and d.get("level") == "community"
                and d.get("community", -1) >= 0
            }
            grid = data_xml(
                "edge", {"channel": "grid", "link": "vertical", "reliability": RELIABILITY["vertical"]}
            )
            party = data_xml(
                "edge", {"channel": "party", "link": "vertical", "reliability": RELIABILITY["vertical"]}
            )
            community = listed.community.tolist()
            for i, c in enumerate(community):
                fh.write(f'    <edge source="{committees[c]}" target="r{i}">{grid}</edge>\n')
            for i in np.flatnonzero(listed.party_member).tolist():
                if community[i] in branches:
                    fh.write(f'    <edge source="{branches[community[i]]}" target="r{i}">{party}</edge>\n')
            contact = data_xml("edge", {"channel": "contact", "link": "horizontal", "reliability": 1.0})
            coo = sp.triu(listed.contacts, k=1).tocoo()
            for u, v in zip(coo.row.tolist(), coo.col.tolist()):
                fh.write(f'    <edge source="r{u}" target="r{v}">{contact}</edge>\n')
        fh.write("  </graph>\n</graphml>\n")
    return path


def _py(value) -> type:
    if isinstance(value, (bool, np.bool_)):
        return bool
    if isinstance(value, (int, np.integer)):
        return int
    if isinstance(value, (float, np.floating)):
        return float
    return str
