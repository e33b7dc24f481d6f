"""The kinds of node and of tie in a district: which organisations it has, the channels that join
them (each channel's link type and reliability), which kinds each channel may join, and read-only
views of a graph by link, channel or organisation."""

from __future__ import annotations

import networkx as nx

from coop_agents.errors import NetworkError

# The organisations' kinds, top of the administrative line first; a decider may be named by any.
ORGANISATION_KINDS = (
    "government",
    "street_office",
    "committee",
    "party_committee",
    "social_organisation",
    "platform",
)
KINDS = ("resident", *ORGANISATION_KINDS)

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


def wrong_ends(channel: str, kind_u: str, kind_v: str) -> str | None:
    """``None`` if a ``channel`` tie may join nodes of these two kinds (either way round); else
    what it may join, for a message (``"committee and resident"``). A graph's check and a
    workbook's extra ties both say it this way."""
    one, other = _ENDS[channel]
    if (kind_u in one and kind_v in other) or (kind_v in one and kind_u in other):
        return None
    return f"{' or '.join(sorted(one))} and {' or '.join(sorted(other))}"


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
