"""Writing a district as GraphML, each node's ties in the order it has them, and its residents
listed one by one or as each community's count and shares."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

from coop_agents.network.district import District
from coop_agents.network.kinds import RELIABILITY
from coop_agents.network.structure import Structure


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
        assert vs is not None and ps is not None  # residents not listed: drawn from these shares
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
        for source, target, attrs in edge_rows:
            fh.write(
                f"    <edge source={quoteattr(source)} target={quoteattr(target)}>"
                f"{data_xml('edge', attrs)}</edge>\n"
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
