"""Reading a district from GraphML: parsed in the file's order of ties, its attributes typed,
checked (every problem, naming the file's own node and edge ids) and put in canonical form."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import numpy as np

from coop_agents.errors import CoopError, NetworkError
from coop_agents.limits import (
    GRAPHML_BYTES_PER_FILE_BYTE,
    MAX_GRAPHML_BYTES,
    MEMORY_SHARE,
    available_memory,
    check_input_file,
)
from coop_agents.network.checks import SHARES, _summary, structure_problems
from coop_agents.network.district import District
from coop_agents.network.kinds import CHANNELS, KINDS, RELIABILITY
from coop_agents.network.profiles import PROFILES
from coop_agents.network.structure import Structure

_NODE_TYPES: dict[str, type] = {
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
    assert structure is not None  # no problems: the district
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
    by_name = lambda n: _natural(str(n))  # noqa: E731
    residents = sorted(
        (n for n, k in raw.nodes(data="kind") if k == "resident"),
        key=lambda n: (raw.nodes[n]["community"], by_name(n)),
    )
    others = sorted((n for n, k in raw.nodes(data="kind") if k != "resident"), key=by_name)
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
