"""A table's rows made into a district by the builder's rules
(:func:`coop_agents.network.builder._organisation_graph`), with the extra ties its ties sheet names;
every problem named by sheet and row."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from coop_agents.district.sheets import FIXED, PARTY_PREFIXES, SHEETS, _params
from coop_agents.district.values import _Rows
from coop_agents.limits import (
    MEMORY_SHARE,
    available_memory,
    run_bytes,
)
from coop_agents.network.builder import _organisation_graph, _Plan
from coop_agents.network.kinds import CHANNELS, RELIABILITY, wrong_ends
from coop_agents.network.profiles import PROFILES
from coop_agents.network.structure import Structure


def _structure(rows: _Rows, source: str, problems: list[str], check_ties: bool = True) -> Structure | None:
    """The district of a table's rows (organisations by the builder's rules, plus extra ties)."""
    P = _params()
    comms = rows.communities
    if not comms:
        problems.append(
            "the communities sheet has no community; a district needs at least one (one row each)"
        )
        return None
    names: dict[str, str] = {}  # name -> what it names, for uniqueness
    for c in comms:
        if c.get("name") is None:
            continue
        if c["name"] in names:
            problems.append(f"{c['where']}: community {c['name']!r} is listed twice; names must be unique")
        names[c["name"]] = "community"
    for c in comms:
        so = c.get("street_office")
        if so is not None and names.get(so) == "community":
            problems.append(
                f"{c['where']}: street office {so!r} has the name of a community; names must be unique"
            )
    for o in rows.organisations:
        if o.get("name") is None:
            continue
        if o["name"] in names or o["name"] in {c.get("street_office") for c in comms}:
            problems.append(
                f"{o['where']}: organisation {o['name']!r} has the name of a community, street office or "
                f"another organisation; names must be unique"
            )
        names[o["name"]] = "organisation"
    if any(c.get(k) is None for c in comms for k in ("name", "street_office", "residents", "profile")):
        return None
    streets: list[str] = []
    for c in comms:
        if c["street_office"] not in streets:
            streets.append(c["street_office"])
    order = sorted(range(len(comms)), key=lambda i: streets.index(comms[i]["street_office"]))
    comms = [comms[i] for i in order]
    index = {c["name"]: k for k, c in enumerate(comms)}
    total = sum(c["residents"] for c in comms)
    low, high = P["residents"].low, P["residents"].high
    if not low <= total <= high:
        problems.append(
            f"communities sheet: the district has {total:,} residents in all; allowed: from {low:,} "
            f"to {high:,} (the parameter table's residents)"
        )
    if len(streets) > P["street_offices"].high:
        problems.append(
            f"communities sheet: {len(streets):,} street offices; allowed: at most "
            f"{P['street_offices'].high:,} (the parameter table's street_offices)"
        )
    for s in streets:
        n = sum(1 for c in comms if c["street_office"] == s)
        if n > P["communities_per_street"].high:
            problems.append(
                f"communities sheet: street office {s!r} has {n:,} communities; allowed: at most "
                f"{P['communities_per_street'].high:,} (the parameter table's communities_per_street)"
            )
    available = available_memory()
    if available is not None and run_bytes(total) > MEMORY_SHARE * available:
        problems.append(
            f"communities sheet: a district of {total:,} residents needs about "
            f"{run_bytes(total) / 2**30:.1f} GB of memory for one run, but "
            f"{available / 2**30:.1f} GB is available"
        )
    organisations = []
    if len(rows.organisations) > P["social_organisations"].high:
        problems.append(
            f"social organisations sheet: {len(rows.organisations):,} organisations; allowed: at most "
            f"{P['social_organisations'].high:,}"
        )
    for o in rows.organisations:
        if o.get("name") is None or o.get("specialty") is None or o.get("serves") is None:
            continue
        at = f"{o['where']}, column {SHEETS['organisations'].columns[2].header!r}"
        unknown = [n for n in o["serves"] if n not in index]
        if unknown:
            problems.append(
                f"{at}: {', '.join(repr(n) for n in unknown)} "
                f"{'is not a community' if len(unknown) == 1 else 'are not communities'} of the "
                f"communities sheet; allowed: their names, e.g. {next(iter(index))!r}"
            )
            continue
        if len(set(o["serves"])) < len(o["serves"]):
            problems.append(f"{at}: a community is listed twice; list each once")
            continue
        if len(o["serves"]) > P["communities_per_organisation"].high:
            problems.append(
                f"{at}: {len(o['serves'])} communities; allowed: at most "
                f"{P['communities_per_organisation'].high} (communities_per_organisation)"
            )
            continue
        organisations.append((o["name"], o["specialty"], [index[n] for n in o["serves"]]))
    if problems:
        return None
    prof = [PROFILES[c["profile"]] for c in comms]
    plan = _Plan(
        names=[c["name"] for c in comms],
        streets=[streets.index(c["street_office"]) for c in comms],
        street_names=streets,
        sizes=[c["residents"] for c in comms],
        profiles=[c["profile"] for c in comms],
        infrastructure=[
            p.infrastructure if c.get("infrastructure") is None else c["infrastructure"]
            for c, p in zip(comms, prof)
        ],
        trust=[p.trust if c.get("trust") is None else c["trust"] for c, p in zip(comms, prof)],
        organisations=organisations,
    )
    ties = rows.ties if check_ties else []
    g = _organisation_graph(plan, total, resolve_ties=lambda graph: _add_ties(graph, ties, problems))
    if problems:
        return None
    vulnerable = np.array(
        [
            p.vulnerable if c.get("share_vulnerable") is None else c["share_vulnerable"]
            for c, p in zip(comms, prof)
        ]
    )
    party = np.array([np.nan if c.get("share_party") is None else c["share_party"] for c in comms])
    return Structure(g, vulnerable, party, source=source)


def _refs(g: nx.Graph) -> dict[str, Any]:
    """The names a tie may give each organisation (see the ties sheet's help)."""
    out: dict[str, Any] = {}
    street_name = {d["street"]: d["name"] for _, d in g.nodes(data=True) if d["kind"] == "street_office"}
    committee_name = {d["community"]: d["name"] for _, d in g.nodes(data=True) if d["kind"] == "committee"}
    for node, d in g.nodes(data=True):
        kind = d["kind"]
        if kind == "government":
            out.update({n: node for n in FIXED["government"]})
        elif kind == "platform":
            out.update({n: node for n in FIXED["platform"]})
        elif kind == "party_committee":
            if d.get("level") == "district":
                out.update({n: node for n in FIXED["district_party"]})
            elif d.get("level") == "street":
                out[f"party:{street_name.get(d['street'], d['name'])}"] = node
            else:
                out[f"party:{committee_name.get(d['community'], d['name'])}"] = node
        else:
            out[d["name"]] = node
    return out


def _ref_of(text: str, refs: dict[str, Any]):
    text = text.strip()
    for prefix in PARTY_PREFIXES:
        if text.lower().startswith(prefix):
            return refs.get("party:" + text[len(prefix) :].strip())
    return refs.get(text, refs.get(text.lower()))


def _add_ties(g: nx.Graph, ties: list[dict], problems: list[str]) -> None:
    refs = _refs(g)
    cols = {c.key: c.header for c in SHEETS["ties"].columns}
    seen: dict[frozenset, int] = {}
    for t in ties:
        if any(t.get(k) is None for k in ("from", "to", "channel")):
            continue
        ends = []
        for key in ("from", "to"):
            node = _ref_of(t[key], refs)
            if node is None:
                problems.append(
                    f"{t['where']}, column {cols[key]!r}: {t[key]!r} names no organisation; allowed: a "
                    f"community, street office or social organisation of this district, 'district "
                    f"government', 'district party committee', 'response platform', or party:NAME for "
                    f"the party body of a community or street office"
                )
            ends.append(node)
        if None in ends:
            continue
        u, v = ends
        ch = t["channel"]
        at = f"{t['where']}, column {cols['channel']!r}"
        if u == v:
            problems.append(
                f"{t['where']}: the tie joins {t['from']!r} to itself; allowed: ties between two "
                f"different organisations"
            )
            continue
        pair = frozenset((u, v))
        if pair in seen:
            problems.append(
                f"{t['where']}: {t['from']!r} and {t['to']!r} are already tied in row {seen[pair]}; "
                f"give each tie once"
            )
            continue
        seen[pair] = t["row"]
        ku, kv = g.nodes[u]["kind"], g.nodes[v]["kind"]
        allowed = wrong_ends(ch, ku, kv)
        if allowed is not None:
            problems.append(
                f"{at}: a {ch} tie joins {allowed}; {t['from']!r} is a {ku} and {t['to']!r} a {kv}"
            )
            continue
        if g.has_edge(u, v):
            made = g.edges[u, v]["channel"]
            if made != ch:
                problems.append(
                    f"{at}: {t['from']!r} and {t['to']!r} are already tied by the builder's rules "
                    f"(channel {made}); one tie per pair: give channel {made} to set its latency, or "
                    f"leave the row out"
                )
                continue
        else:
            link = CHANNELS[ch]
            g.add_edge(u, v, link=link, channel=ch, reliability=RELIABILITY[link])
        if t.get("latency") is not None:
            g.edges[u, v]["latency"] = float(t["latency"])
