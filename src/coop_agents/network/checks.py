"""The rules a district obeys, checked on any graph: every problem one line each, naming the nodes
and ties concerned (:func:`structure_problems`), or the first of them as an error."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import networkx as nx
import numpy as np

from coop_agents.errors import NetworkError
from coop_agents.limits import MAX_RESIDENTS
from coop_agents.network.kinds import CHANNELS, KINDS, LEVELS, MAX_LATENCY, channel_view, wrong_ends
from coop_agents.network.profiles import MIN_COMMUNITY, PROFILES

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


def _by_number(
    g: nx.Graph, nodes: list, key: str, name: Callable, out: list[str], plural: str, rule: str
) -> dict[int, object]:
    """Each node by its number ``key`` (community, street); a number two nodes share is a problem
    added to ``out``; where several share one, the last keeps it."""
    by_number: dict[int, object] = {}
    for node in nodes:
        k = g.nodes[node][key]
        if k in by_number:
            out.append(f"{plural} {name(by_number[k])} and {name(node)} both have {key}={k}; {rule}")
        by_number[k] = node
    return by_number


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
    committee_of = _by_number(
        g, kinds["committee"], "community", name, out, "committees", "one committee per community is allowed"
    )
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
    streets = _by_number(
        g,
        kinds["street_office"],
        "street",
        name,
        out,
        "street offices",
        "each street office needs its own number",
    )
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
        allowed = wrong_ends(ch, ku, kv)
        if allowed is not None:
            out.append(f"{where} ({ch}) joins a {ku} and a {kv}; a {ch} tie joins {allowed}")
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
