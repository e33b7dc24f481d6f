"""The district as one networkx graph: builders, the GraphML loader, validation and link views.

Every actor is a node with a ``kind``; every tie is an edge with ``link`` (``vertical`` 条,
``horizontal`` 块 or ``platform``), ``channel`` (which line or block it belongs to, see
:data:`CHANNELS`), ``latency`` (days per hop) and ``reliability`` (chance a message crosses it).

The graph is built from the scenario only, never from the pattern: every tie a pattern *could* use
is present, and the pattern decides which channels are active (see
:func:`coop_agents.governance.active_channels`). Two patterns on one seed thus share one district.

Canonical form (what builders return and :func:`load_graphml` produces): integer nodes, residents
first (``0 .. n_residents-1``, grouped by community), organisations after them; communities and
street offices numbered from 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    "Profile",
    "DistrictSpec",
    "build_district",
    "check_spec",
    "check_structure",
    "load_graphml",
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

# channel -> link type. A pattern activates channels; latency comes from the link type.
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


@dataclass(frozen=True)
class DistrictSpec:
    """Everything a builder needs; made from a config by :meth:`from_config`."""

    residents: int = 4800
    street_offices: int = 2
    communities_per_street: int = 6
    profile: str = "mixed"
    social_organisations: int = 4
    communities_per_organisation: int = 4
    cross_community_ties: float = 0.03
    party_member_share: float = 0.08
    vertical_latency: float = 1.0
    horizontal_latency: float = 0.3
    platform_latency: float = 0.05

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


def build_district(spec: DistrictSpec, rng: np.random.Generator) -> nx.Graph:
    """Build a district: government, street offices, communities, party line, organisations.

    A pure function of ``spec`` and ``rng``.

    Args:
        spec: sizes and profiles.
        rng: a seeded numpy generator (the run's ``network`` stream).

    Returns:
        The district in canonical form (see module docstring).

    Raises:
        NetworkError: if there are fewer residents than communities need.

    Examples:
        >>> g = build_district(DistrictSpec(residents=120, street_offices=1,
        ...                    communities_per_street=3), np.random.default_rng(0))
        >>> sum(1 for _, k in g.nodes(data="kind") if k == "committee")
        3
    """
    check_spec(spec)
    n_comm = spec.communities
    latency = {
        "vertical": spec.vertical_latency,
        "horizontal": spec.horizontal_latency,
        "platform": spec.platform_latency,
    }
    profiles = spec.community_profiles()
    sizes = np.full(n_comm, spec.residents // n_comm)
    sizes[: spec.residents % n_comm] += 1
    community = np.repeat(np.arange(n_comm), sizes)
    vuln_share = np.array([PROFILES[p].vulnerable for p in profiles])[community]
    vulnerable = rng.random(spec.residents) < vuln_share
    party_member = rng.random(spec.residents) < spec.party_member_share
    rows, cols = _contact_edges(sizes, profiles, spec.cross_community_ties, rng)

    g = nx.Graph(name="district")
    # Python lists, not numpy scalars: the loops below are per resident, and ``tolist`` converts
    # each array in one call.
    community_of = community.tolist()
    g.add_nodes_from(
        (i, {"kind": "resident", "community": c, "vulnerable": v, "party_member": p})
        for i, (c, v, p) in enumerate(zip(community_of, vulnerable.tolist(), party_member.tolist()))
    )
    ids = iter(range(spec.residents, spec.residents + 10**9))

    def org(kind, name, **attr):
        node = next(ids)
        g.add_node(node, kind=kind, name=name, **attr)
        return node

    def tie(u, v, channel):
        link = CHANNELS[channel]
        g.add_edge(u, v, link=link, channel=channel, latency=latency[link], reliability=RELIABILITY[link])

    gov = org("government", "district government", level="district", street=-1, community=-1)
    dpc = org("party_committee", "district party committee", level="district", street=-1, community=-1)
    hub = org("platform", "response platform", level="district", street=-1, community=-1)
    tie(gov, dpc, "branch")
    streets, street_party, committees, branches = [], [], [], []
    for s in range(spec.street_offices):
        so = org("street_office", f"street office {s + 1}", level="street", street=s, community=-1)
        sp_ = org("party_committee", f"street party committee {s + 1}", level="street", street=s,
                  community=-1)
        tie(gov, so, "admin")
        tie(dpc, sp_, "party")
        tie(so, sp_, "branch")
        streets.append(so)
        street_party.append(sp_)
    for c in range(n_comm):
        s = c // spec.communities_per_street
        prof = PROFILES[profiles[c]]
        cc = org("committee", f"community {c + 1}", level="community", street=s, community=c,
                 profile=profiles[c], infrastructure=prof.infrastructure, trust=prof.trust,
                 residents=int(sizes[c]))
        pb = org("party_committee", f"party branch {c + 1}", level="community", street=s, community=c)
        tie(streets[s], cc, "admin")
        tie(street_party[s], pb, "party")
        tie(cc, pb, "branch")
        tie(street_party[s], cc, "overlay")
        tie(gov, cc, "command")
        committees.append(cc)
        branches.append(pb)
    for s in range(spec.street_offices):
        members = committees[s * spec.communities_per_street : (s + 1) * spec.communities_per_street]
        for a, b in zip(members, members[1:] + members[:1]):
            if a != b:
                tie(a, b, "peer")
        if spec.street_offices > 1:
            tie(streets[s], streets[(s + 1) % spec.street_offices], "peer")
    # Neighbouring communities across a street boundary are peers too; like the contacts, the
    # communities form a ring, so the last one neighbours the first.
    if spec.street_offices > 1:
        for s in range(spec.street_offices):
            last = committees[(s + 1) * spec.communities_per_street - 1]
            tie(last, committees[((s + 1) * spec.communities_per_street) % n_comm], "peer")
    for k in range(spec.social_organisations):
        start = int(rng.integers(n_comm))
        served = [(start + j) % n_comm for j in range(min(spec.communities_per_organisation, n_comm))]
        so = org("social_organisation", f"social organisation {k + 1}", level="community",
                 street=int(served[0] // spec.communities_per_street), community=-1,
                 specialty=("care", "logistics", "psychological", "expert")[k % 4])
        tie(gov, so, "contract")
        for c in served:
            tie(so, committees[c], "service")
        for s in {c // spec.communities_per_street for c in served}:
            tie(street_party[s], so, "overlay")
    for node, kind in list(g.nodes(data="kind")):
        if kind not in ("resident", "platform"):
            tie(hub, node, "platform")
    # Residents: the grid line to their committee, the party line for members, and contacts.
    grid = {"link": "vertical", "channel": "grid", "latency": latency["vertical"],
            "reliability": RELIABILITY["vertical"]}
    g.add_edges_from(((committees[c], i) for i, c in enumerate(community_of)), **grid)
    g.add_edges_from(((branches[community_of[i]], i) for i in np.flatnonzero(party_member).tolist()),
                     **{**grid, "channel": "party"})
    g.add_edges_from(zip(rows.tolist(), cols.tolist()), link="horizontal", channel="contact",
                     latency=0.0, reliability=1.0)
    return g


def check_spec(spec: DistrictSpec) -> None:
    """Refuse sizes a district cannot be built from (before any run starts); raise :class:`NetworkError`."""
    n_comm = spec.communities
    if spec.residents < 10 * n_comm:
        raise NetworkError(
            f"residents={spec.residents} is too few for {n_comm} communities "
            f"({spec.street_offices} street offices x {spec.communities_per_street}); "
            f"allowed: at least 10 per community ({10 * n_comm})"
        )


def _contact_edges(sizes, profiles, cross_share, rng) -> tuple[np.ndarray, np.ndarray]:
    """Clustered contacts within each community, a few ties to the neighbouring community.

    A small-world ring per community (each resident tied to the ``k/2`` next ones), each tie
    rewired at random within the community with chance 0.1, or to the next community with chance
    ``cross_share``. Vectorised per community; duplicate ties and self-ties are dropped.
    """
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    n_comm = len(sizes)
    rows, cols = [], []
    for c in range(n_comm):
        n = int(sizes[c])
        half = max(1, min(PROFILES[profiles[c]].contacts, n - 1) // 2)
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
    # Sorted distinct pairs. Sorting and dropping repeats is what ``np.unique`` returns, at a tenth
    # of its time here (numpy 2.3+ takes a hash-based path that is slower for this input).
    pairs = np.sort(lo.astype(np.int64) * int(offsets[-1]) + hi)
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
    return pairs // int(offsets[-1]), pairs % int(offsets[-1])


def contact_matrix(g: nx.Graph, n_residents: int) -> sp.csr_array:
    """The resident contact network as a symmetric 0/1 CSR matrix (row i: i's contacts).

    In canonical form: each row's contacts in ascending order, no duplicates (the contagion's
    sparse and dense sums rely on that order to agree bit for bit).
    """
    edges = [(u, v) for u, v, ch in g.edges(data="channel") if ch == "contact"]
    if not edges:
        return sp.csr_array((n_residents, n_residents), dtype=np.float64)
    e = np.asarray(edges, dtype=np.int64)
    data = np.ones(2 * len(e))
    m = sp.coo_array((data, (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])),
                     shape=(n_residents, n_residents)).tocsr()
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
# Validation and loading a user's structure


def _fail(msg: str) -> None:
    raise NetworkError(msg)


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
# The table's bounds for the latency of any link (days per hop).
MAX_LATENCY = 30.0
LEVELS = ("district", "street", "community")
# Attributes a node of each kind must carry in a structure file (others are filled in).
REQUIRED: dict[str, tuple[str, ...]] = {"resident": ("community",), "committee": ("community", "street"),
                                         "street_office": ("street",)}


def _unit(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and 0.0 <= float(value) <= 1.0


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_structure(g: nx.Graph, name=lambda n: repr(n)) -> None:
    """The rules a district obeys, on any graph (canonical or not); raise :class:`NetworkError`.

    Args:
        g: the graph, with node ``kind`` and the attributes of :data:`REQUIRED` typed already.
        name: how messages name a node (a loaded file's own node ids).
    """
    if g.number_of_nodes() == 0:
        _fail("the structure has no nodes; it needs a government, street offices, committees and residents")
    kinds: dict[str, list] = {k: [] for k in KINDS}
    for node, data in g.nodes(data=True):
        kind = data.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            _fail(f"node {name(node)} has kind={kind!r}; allowed: {', '.join(KINDS)}")
        kinds[kind].append(node)
        for key in REQUIRED.get(kind, ()):
            if key not in data or data[key] is None:
                _fail(f"node {name(node)} ({kind}) has no {key}; a {kind} needs {' and '.join(REQUIRED[kind])}")
        for key in ("community", "street"):
            if key in data and (not _is_int(data[key]) or data[key] < -1):
                _fail(f"node {name(node)} has {key}={data[key]!r}; allowed: an integer of at least 0")
        for key in ("vulnerable", "party_member"):
            if key in data and not isinstance(data[key], (bool, np.bool_)):
                _fail(f"node {name(node)} has {key}={data[key]!r}; allowed: true or false")
        for key in ("infrastructure", "trust"):
            if key in data and not _unit(data[key]):
                _fail(f"node {name(node)} has {key}={data[key]!r}; allowed: a number from 0 to 1")
        if kind == "committee" and data.get("profile", "urban") not in PROFILES:
            _fail(f"committee {name(node)} has profile={data.get('profile')!r}; allowed: {', '.join(PROFILES)}")
        if kind == "party_committee" and data.get("level", "community") not in LEVELS:
            _fail(f"node {name(node)} has level={data.get('level')!r}; allowed: {', '.join(LEVELS)}")
    for kind in ("government", "street_office", "committee", "resident"):
        if not kinds[kind]:
            _fail(f"the structure has no node of kind {kind!r}; a district needs at least one")
    if len(kinds["government"]) != 1:
        _fail(f"the structure has {len(kinds['government'])} governments; exactly one is allowed")
    if len(kinds["platform"]) > 1:
        _fail(f"the structure has {len(kinds['platform'])} platform hubs; at most one is allowed")
    if len(kinds["resident"]) > MAX_RESIDENTS:
        _fail(f"the structure has {len(kinds['resident']):,} residents; at most {MAX_RESIDENTS:,} are allowed")
    # Communities: numbered 0..C-1, one committee each, each with residents.
    committee_of: dict[int, object] = {}
    for c in kinds["committee"]:
        k = g.nodes[c]["community"]
        if k in committee_of:
            _fail(f"committees {name(committee_of[k])} and {name(c)} both have community={k}; "
                  f"one committee per community is allowed")
        committee_of[k] = c
    n_comm = len(committee_of)
    if sorted(committee_of) != list(range(n_comm)):
        missing = next(k for k in range(n_comm + 1) if k not in committee_of)
        _fail(f"committees must carry community numbers 0..{n_comm - 1}, one committee each; "
              f"community {missing} has no committee")
    size = dict.fromkeys(committee_of, 0)
    for r in kinds["resident"]:
        k = g.nodes[r]["community"]
        if k not in size:
            _fail(f"node {name(r)} (resident) has community={k!r}; allowed: a committee's community number, "
                  f"0 to {n_comm - 1}")
        size[k] += 1
    empty = next((k for k, n in size.items() if n == 0), None)
    if empty is not None:
        _fail(f"community {empty} (committee {name(committee_of[empty])}) has no residents; "
              f"every community needs at least one resident")
    streets: dict[int, object] = {}
    for so in kinds["street_office"]:
        k = g.nodes[so]["street"]
        if k in streets:
            _fail(f"street offices {name(streets[k])} and {name(so)} both have street={k}; "
                  f"each street office needs its own number")
        streets[k] = so
    for c in kinds["committee"]:
        if g.nodes[c]["street"] not in streets:
            _fail(f"committee {name(c)} has street={g.nodes[c]['street']!r}; allowed: a street office's number "
                  f"({', '.join(str(k) for k in sorted(streets))})")
    # Edges: a known channel, its link, latency and reliability in range, between the right kinds.
    for u, v, data in g.edges(data=True):
        ch = data.get("channel")
        where = f"edge {name(u)}-{name(v)}"
        if u == v:
            _fail(f"{where} joins a node to itself; allowed: ties between two different nodes")
        if not isinstance(ch, str) or ch not in CHANNELS:
            _fail(f"{where} has channel={ch!r}; allowed: {', '.join(CHANNELS)}")
        if data.get("link") != CHANNELS[ch]:
            _fail(f"{where} has link={data.get('link')!r}; channel {ch!r} needs link={CHANNELS[ch]!r}")
        lat, rel = data.get("latency"), data.get("reliability")
        if isinstance(lat, bool) or not isinstance(lat, (int, float)) or not 0 <= lat <= MAX_LATENCY:
            _fail(f"{where} has latency={lat!r}; allowed: a number of days from 0 to {MAX_LATENCY:g}")
        if isinstance(rel, bool) or not isinstance(rel, (int, float)) or not 0 < rel <= 1:
            _fail(f"{where} has reliability={rel!r}; allowed: a number above 0 and at most 1")
        ku, kv = g.nodes[u]["kind"], g.nodes[v]["kind"]
        one, other = _ENDS[ch]
        if not ((ku in one and kv in other) or (kv in one and ku in other)):
            _fail(f"{where} ({ch}) joins a {ku} and a {kv}; a {ch} tie joins "
                  f"{' or '.join(sorted(one))} and {' or '.join(sorted(other))}")
        if ch in ("grid", "party") and "resident" in (ku, kv):
            res, org = (u, v) if ku == "resident" else (v, u)
            if g.nodes[org].get("community") != g.nodes[res]["community"]:
                _fail(f"{where} ({ch}) joins resident {name(res)} of community {g.nodes[res]['community']} "
                      f"to {name(org)} of community {g.nodes[org].get('community')!r}; it must be the "
                      f"resident's own community")
    # The platform hub hangs on platform ties only; every other organisation must reach the
    # government over the administrative and party lines.
    orgs = nx.subgraph_view(g, filter_node=lambda n: g.nodes[n]["kind"] not in ("resident", "platform"))
    admin = channel_view(orgs, {"admin", "contract", "party", "branch"})
    if not nx.is_connected(admin.to_undirected(as_view=True)):
        gov = kinds["government"][0]
        reached = nx.node_connected_component(admin.to_undirected(as_view=True), gov)
        lost = next(n for n in orgs if n not in reached)
        _fail(f"the administrative and party lines do not connect every organisation to the government "
              f"(node {name(lost)}, a {g.nodes[lost]['kind']}, is cut off)")


def validate_district(g: nx.Graph) -> None:
    """Check that a graph is a district in canonical form; raise :class:`NetworkError` if not."""
    check_structure(g)
    n_res = sum(1 for _, k in g.nodes(data="kind") if k == "resident")
    if any(not (_is_int(n) and 0 <= n < n_res) for n, k in g.nodes(data="kind") if k == "resident"):
        _fail("residents must be the nodes 0..n-1 (canonical form); load files with load_graphml")
    for c, d in g.nodes(data=True):
        if d["kind"] == "committee":
            for key in ("infrastructure", "trust"):
                if key not in d:
                    _fail(f"committee {c!r} has no {key}; allowed: a number from 0 to 1")


_NODE_TYPES: dict[str, Callable] = {
    "community": int, "street": int, "vulnerable": bool, "party_member": bool,
    "infrastructure": float, "trust": float, "residents": int,
}


def load_graphml(path: str | Path) -> nx.Graph:
    """Read a user's district from GraphML, check it and return it in canonical form.

    Nodes need ``kind`` (see :data:`KINDS`); residents need ``community`` (the community number
    of their committee); committees need ``community`` and ``street`` (a street office's number);
    street offices ``street``. Every community needs a committee and at least one resident.
    Committees' ``trust`` and ``infrastructure`` are numbers from 0 to 1. Edges need ``channel``
    (see :data:`CHANNELS`) between the kinds it joins (``contact`` ties join two residents, ``grid``
    a committee and a resident of its community, ...); ``link``, ``latency`` (0 to 30 days) and
    ``reliability`` (above 0, at most 1) are filled from the channel when missing. Committees
    without ``profile`` are ``urban``. Messages name the file's own node ids.

    Raises:
        NetworkError: naming the file and what is wrong.
    """
    try:
        st = check_input_file(path, "structure (GraphML)", MAX_GRAPHML_BYTES)
        available = available_memory()
    except CoopError as exc:
        raise NetworkError(str(exc)) from None
    path = Path(path)
    need = GRAPHML_BYTES_PER_FILE_BYTE * st.st_size
    if available is not None and need > MEMORY_SHARE * available:
        raise NetworkError(f"{path}: reading this {st.st_size / 2**20:,.0f} MB GraphML file needs about "
                           f"{need / 2**30:.1f} GB of memory, but {available / 2**30:.1f} GB is available; the "
                           f"largest file that fits has {int(MEMORY_SHARE * available / GRAPHML_BYTES_PER_FILE_BYTE / 2**20):,} MB")
    try:
        raw = nx.read_graphml(path)
    except FileNotFoundError:
        raise NetworkError(f"{path}: no such file") from None
    except RecursionError:
        raise NetworkError(f"{path}: not readable as GraphML (elements nested too deeply)") from None
    except Exception as exc:  # the GraphML parser raises several unrelated types
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NetworkError(f"{path}: not readable as GraphML ({first})") from None
    try:
        return _canonical(raw)
    except NetworkError as exc:
        raise NetworkError(f"{path}: {exc}") from None


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


def _canonical(raw: nx.Graph) -> nx.Graph:
    if raw.is_multigraph():
        for u, v, k in raw.edges(keys=True):
            if raw.number_of_edges(u, v) > 1:
                _fail(f"nodes {u!r} and {v!r} are joined by {raw.number_of_edges(u, v)} edges; "
                      f"one edge per pair of nodes is allowed")
    if raw.is_directed():
        for u, v, data in raw.edges(data=True):
            if u != v and raw.has_edge(v, u) and raw.edges[v, u] != data:
                _fail(f"edge {u!r}-{v!r} is given in both directions with different attributes "
                      f"({data} and {raw.edges[v, u]}); give each tie once")
        raw = nx.Graph(raw.to_undirected())
    elif raw.is_multigraph():
        raw = nx.Graph(raw)
    for node, data in raw.nodes(data=True):
        if data.get("kind") not in KINDS:
            _fail(f"node {node!r} has kind={data.get('kind')!r}; allowed: {', '.join(KINDS)}")
        for key, cast in _NODE_TYPES.items():
            if key in data:
                try:
                    data[key] = _cast(data[key], cast)
                except (TypeError, ValueError, OverflowError):
                    expected = {int: "an integer", bool: "true or false", float: "a number"}[cast]
                    _fail(f"node {node!r} has {key}={data[key]!r}; expected {expected}")
        for key in REQUIRED.get(data["kind"], ()):
            if key not in data:
                _fail(f"node {node!r} ({data['kind']}) has no {key}; a {data['kind']} needs "
                      f"{' and '.join(REQUIRED[data['kind']])}")
    for u, v, data in raw.edges(data=True):
        ch = data.get("channel")
        if ch not in CHANNELS:
            _fail(f"edge {u!r}-{v!r} has channel={ch!r}; allowed: {', '.join(CHANNELS)}")
        link = data.setdefault("link", CHANNELS[ch])
        defaults = {"vertical": 1.0, "horizontal": 0.3, "platform": 0.05}
        data.setdefault("latency", 0.0 if ch == "contact" else defaults.get(link, 1.0))
        data.setdefault("reliability", RELIABILITY.get(link, 1.0))
        for key in ("latency", "reliability"):
            try:
                data[key] = _cast(data[key], float)
            except (TypeError, ValueError, OverflowError):
                _fail(f"edge {u!r}-{v!r} has {key}={data[key]!r}; expected a number")
    for n, data in raw.nodes(data=True):
        if data["kind"] == "committee":
            data.setdefault("profile", "urban")
    check_structure(raw)  # with the file's own node ids in every message
    residents = sorted((n for n, k in raw.nodes(data="kind") if k == "resident"),
                       key=lambda n: (raw.nodes[n]["community"], str(n)))
    others = sorted((n for n, k in raw.nodes(data="kind") if k != "resident"), key=str)
    mapping = {n: i for i, n in enumerate(residents + others)}
    g = nx.Graph(name=raw.graph.get("name", "district"))
    for n, i in mapping.items():
        data = dict(raw.nodes[n])
        data.setdefault("name", str(n))
        data.setdefault("community", -1)
        data.setdefault("street", -1)
        if data["kind"] == "resident":
            data.setdefault("vulnerable", False)
            data.setdefault("party_member", False)
        if data["kind"] == "committee":
            prof = PROFILES[data["profile"]]
            data.setdefault("infrastructure", prof.infrastructure)
            data.setdefault("trust", prof.trust)
        g.add_node(i, **data)
    g.add_edges_from((mapping[u], mapping[v], {k: data[k] for k in ("channel", "link", "latency", "reliability")})
                     for u, v, data in raw.edges(data=True))
    for c in (n for n, k in g.nodes(data="kind") if k == "committee"):
        g.nodes[c]["residents"] = 0
    by_comm = {g.nodes[c]["community"]: c for c in g if g.nodes[c]["kind"] == "committee"}
    for r in range(len(residents)):
        g.nodes[by_comm[g.nodes[r]["community"]]]["residents"] += 1
    validate_district(g)
    return g


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
