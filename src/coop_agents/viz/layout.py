"""A fixed, readable drawing layout of a district: lines top to bottom, blocks side by side.

A pure function of the district graph (no spring layout: it costs seconds at a few thousand nodes,
moves nodes at every draw and hides the hierarchy). Rows from the top: the district government,
the street offices, the community committees, the residents. Each administrative body has its
party body just to its lower right (the party line runs parallel to the administrative line);
communities sit in blocks by street; social organisations stand in a column to the right of the
district, the response platform to its left.

    >>> import numpy as np
    >>> from coop_agents.network import DistrictSpec, build_district
    >>> g = build_district(DistrictSpec(residents=600, street_offices=2, communities_per_street=3),
    ...                    np.random.default_rng(0))
    >>> lay = district_layout(g)
    >>> gov = next(n for n, k in lay.kinds.items() if k == "government")
    >>> lay.pos[gov][1] == max(y for _, y in lay.pos.values())
    True
    >>> lay.dots, lay.community_xy.shape, resident_dots(lay, aspect=0.5).shape
    (True, (6, 2), (600, 2))
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

__all__ = ["RESIDENT_DOTS_MAX", "ROWS", "BLOCK", "DistrictLayout", "district_layout", "resident_dots"]

# Up to this many residents each is drawn as a dot; beyond it one disc per community, sized by its
# residents (thousands of dots cost redraw time and read as a grey smear).
RESIDENT_DOTS_MAX = 2000

ROWS = {"government": 4.0, "street_office": 3.0, "committee": 2.0, "residents": 0.9}
PARTY_OFFSET = (0.35, -0.3)  # a party body sits this far right of and below its counterpart
STREET_GAP = 0.6  # extra space between the communities of neighbouring streets
SIDE = 1.6  # distance of the side columns (social organisations, platform) from the district
BLOCK = (0.8, 1.2)  # width and height of a community's block of resident dots


@dataclass(frozen=True)
class DistrictLayout:
    """Drawing positions of a district.

    Attributes:
        pos: organisation node -> (x, y).
        kinds: organisation node -> kind (government, street_office, committee, ...).
        ties: (u, v, link, channel) for every tie between two organisations.
        community_xy: centre of each community's residents, by community number.
        community_size: residents per community.
        resident_community: each resident's community number.
    """

    pos: dict[int, tuple[float, float]]
    kinds: dict[int, str]
    ties: list[tuple[int, int, str, str]]
    community_xy: np.ndarray
    community_size: np.ndarray
    resident_community: np.ndarray

    @property
    def dots(self) -> bool:
        """Whether residents are drawn one by one (else one disc per community)."""
        return self.resident_community.size <= RESIDENT_DOTS_MAX


def district_layout(g: nx.Graph) -> DistrictLayout:
    """Place every organisation and resident of the district ``g`` (canonical form)."""
    kinds = {n: k for n, k in g.nodes(data="kind") if k != "resident"}
    attr = g.nodes
    committees = sorted(
        (n for n, k in kinds.items() if k == "committee"),
        key=lambda n: (attr[n].get("street", -1), attr[n]["community"]),
    )
    pos: dict[int, tuple[float, float]] = {}
    x, last_street = 0.0, None
    for node in committees:
        street = attr[node].get("street", -1)
        if last_street is not None and street != last_street:
            x += STREET_GAP
        pos[node] = (x, ROWS["committee"])
        x, last_street = x + 1.0, street
    width = max(x - 1.0, 0.0)
    offices = sorted(
        (n for n, k in kinds.items() if k == "street_office"), key=lambda n: attr[n].get("street", -1)
    )
    for i, node in enumerate(offices):
        members = [pos[c][0] for c in committees if attr[c].get("street", -1) == attr[node].get("street", -2)]
        at = float(np.mean(members)) if members else width * (i + 0.5) / len(offices)
        pos[node] = (at, ROWS["street_office"])
    for node in (n for n, k in kinds.items() if k == "government"):
        pos[node] = (width / 2, ROWS["government"])
    _place_party(g, kinds, pos, committees, offices)
    _column(pos, sorted(n for n, k in kinds.items() if k == "social_organisation"), width + SIDE, 3.6, 1.0)
    _column(pos, sorted(n for n, k in kinds.items() if k == "platform"), -SIDE, 3.2, 2.4)

    if "resident_community" in g.graph:  # a district's graph of organisations (residents are arrays)
        resident_community = np.asarray(g.graph["resident_community"], dtype=np.int64)
    else:  # one graph with residents as nodes 0..n-1
        n_res = sum(1 for _, k in g.nodes(data="kind") if k == "resident")
        resident_community = np.fromiter(
            (attr[i]["community"] for i in range(n_res)), dtype=np.int64, count=n_res
        )
    n_comm = len(committees)
    community_size = np.bincount(resident_community, minlength=n_comm)
    community_xy = np.zeros((n_comm, 2))
    for node in committees:
        community_xy[attr[node]["community"]] = (pos[node][0], ROWS["residents"])
    ties = [
        (u, v, d["link"], d["channel"]) for u in kinds for v, d in g.adj[u].items() if v in kinds and u < v
    ]
    return DistrictLayout(pos, kinds, ties, community_xy, community_size, resident_community)


def _place_party(g, kinds, pos, committees, offices) -> None:
    """Each party body next to its counterpart: branch by community, committee by street."""
    by_community = {g.nodes[c]["community"]: c for c in committees}
    by_street = {g.nodes[s].get("street", -1): s for s in offices}
    top = next((n for n, k in kinds.items() if k == "government"), None)
    dx, dy = PARTY_OFFSET
    for node in sorted(n for n, k in kinds.items() if k == "party_committee"):
        community, street = g.nodes[node].get("community", -1), g.nodes[node].get("street", -1)
        twin = (
            by_community.get(community) if community >= 0 else by_street.get(street) if street >= 0 else top
        )
        x, y = pos[twin] if twin is not None else (0.0, ROWS["government"])
        pos[node] = (x + dx, y + dy)


def _column(pos, nodes, x, top, bottom) -> None:
    for i, node in enumerate(nodes):
        pos[node] = (x, top - (top - bottom) * (i + 0.5) / len(nodes))


def resident_dots(lay: DistrictLayout, aspect: float) -> np.ndarray:
    """One position per resident: a grid of dots in its community's block under the committee.

    Args:
        lay: the district's layout.
        aspect: how long one unit of x is on screen relative to one unit of y; the grid's cells
            come out square on screen.
    """
    community, centres = lay.resident_community, lay.community_xy
    xy = np.zeros((community.size, 2))
    w, h = BLOCK
    for c in range(centres.shape[0]):
        idx = np.flatnonzero(community == c)
        if idx.size == 0:
            continue
        cols = int(np.ceil(np.sqrt(idx.size * w * aspect / h)))
        rows = int(np.ceil(idx.size / cols))
        k = np.arange(idx.size)
        xy[idx, 0] = centres[c, 0] - w / 2 + w * (k % cols + 0.5) / cols
        xy[idx, 1] = centres[c, 1] + h / 2 - h * (k // cols + 0.5) / rows
    return xy
