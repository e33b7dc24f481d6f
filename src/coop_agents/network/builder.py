"""Building a district by the builder's rules: the organisation graph from a plan of communities
and social organisations (also used for a workbook's rows), the draw of which horizontal ties are
active, and :func:`make_district` from the scenario's sizes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from coop_agents.network.district import District
from coop_agents.network.kinds import CHANNELS, HORIZONTAL, RELIABILITY, SPECIALTIES
from coop_agents.network.profiles import PROFILES, DistrictSpec, check_spec
from coop_agents.network.residents import _synthesise


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
