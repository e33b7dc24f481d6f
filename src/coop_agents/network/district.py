"""The :class:`District` a run uses: its organisations as a graph, its residents as arrays (see
:mod:`coop_agents.network`); and copying a graph so that every node keeps its order of ties."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
import scipy.sparse as sp

from coop_agents.network.kinds import RELIABILITY
from coop_agents.network.residents import contact_matrix


@dataclass(eq=False)
class District:
    """A district as a run uses it (see :mod:`coop_agents.network`).

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
