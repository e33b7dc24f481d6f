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

from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx
import numpy as np

__all__ = [
    "RESIDENT_DOTS_MAX",
    "OVERVIEW_MIN",
    "ROWS",
    "BLOCK",
    "DistrictLayout",
    "Overview",
    "district_layout",
    "district_overview",
    "street_layout",
    "street_offices",
    "resident_dots",
]

# Up to this many residents each is drawn as a dot; beyond it one disc per community, sized by its
# residents (thousands of dots cost redraw time and read as a grey smear).
RESIDENT_DOTS_MAX = 2000

ROWS = {"government": 4.0, "street_office": 3.0, "committee": 2.0, "residents": 0.9}
PARTY_OFFSET = (0.35, -0.3)  # a party body sits this far right of and below its counterpart
STREET_GAP = 0.6  # extra space between the communities of neighbouring streets
SIDE = 1.6  # distance of the side columns (social organisations, platform) from the district
BLOCK = (0.8, 1.2)  # width and height of a community's block of resident dots
# From this many communities on, the district is drawn as an overview: each street office a group
# of its communities' discs, ties between groups (a real district has 100-200 communities under
# 10-15 street offices; one row of 156 committees and their 1,500 ties reads as noise).
OVERVIEW_MIN = 37


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
    # Community numbers index the arrays; a street's layout (street_layout) holds some communities
    # of a larger district, whose other rows stay unplaced.
    n_comm = max([len(committees), *(attr[c]["community"] + 1 for c in committees)])
    community_size = np.bincount(resident_community, minlength=n_comm)[:n_comm]
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


# ------------------------------------------------------------------------------------------ overview


@dataclass(frozen=True)
class Overview:
    """A district drawn by street office: each street office a box holding one disc per community.

    Attributes:
        streets: street office numbers, in drawing order.
        boxes: street -> (x, y, width, height) of its box (x, y: lower left).
        anchor: group -> (x, y): where ties to a group end. Groups are ``("street", s)``, the
            district (``"district"``: government and district party committee), the platform hub
            (``"platform"``) and each social organisation (its node).
        group_of: organisation node -> its group.
        community_xy: each community's disc centre, by community number.
        community_size: residents per community.
        resident_community: each resident's community number.
        ties: (group a, group b, link, member ties) for every pair of groups some tie joins; the
            member ties (u, v) decide whether it is drawn as active.
        organisations: social organisation node -> (x, y).
    """

    streets: list[int]
    boxes: dict[int, tuple[float, float, float, float]]
    anchor: dict
    group_of: dict
    community_xy: np.ndarray
    community_size: np.ndarray
    resident_community: np.ndarray
    ties: list[tuple]
    organisations: dict


def district_overview(g: nx.Graph) -> Overview:
    """The overview drawing of a district (organisations' graph in canonical form): street offices'
    boxes in a grid, wider than tall, their communities as discs in rows inside them; the district
    above, social organisations in a column to the right, the platform hub to the left.

    >>> import numpy as np
    >>> from coop_agents.network import DistrictSpec, make_district
    >>> d = make_district(DistrictSpec(residents=15600, street_offices=13, communities_per_street=12),
    ...                   np.random.default_rng(0))
    >>> ov = district_overview(d.graph)
    >>> len(ov.boxes), ov.community_xy.shape, ov.anchor["district"][1] > max(y + h for _, y, _, h in ov.boxes.values())
    (13, (156, 2), True)
    """
    kinds = dict(g.nodes(data="kind"))
    attr = g.nodes
    committees = sorted((n for n, k in kinds.items() if k == "committee"), key=lambda n: attr[n]["community"])
    streets = sorted({attr[n].get("street", -1) for n in committees})
    members = {s: [n for n in committees if attr[n].get("street", -1) == s] for s in streets}
    n_comm = len(committees)
    if "resident_community" in g.graph:
        resident_community = np.asarray(g.graph["resident_community"], dtype=np.int64)
    else:
        n_res = sum(1 for k in kinds.values() if k == "resident")
        resident_community = np.fromiter(
            (attr[i]["community"] for i in range(n_res)), dtype=np.int64, count=n_res
        )
    community_size = np.bincount(resident_community, minlength=n_comm)
    # Boxes: as many columns as make the grid about twice as wide as tall; each box holds its
    # communities in rows of ``per_row``.
    widest = max((len(m) for m in members.values()), default=1)
    per_row = max(1, int(np.ceil(np.sqrt(widest * 2))))
    rows_in_box = int(np.ceil(widest / per_row))
    cell = 1.0
    box_w, box_h = per_row * cell + 0.6, rows_in_box * cell + 0.9  # room for the street office on top
    columns = max(1, int(np.ceil(np.sqrt(len(streets) * 2 * box_h / box_w))))
    grid_rows = int(np.ceil(len(streets) / columns))
    gap = 0.6
    boxes: dict[int, tuple[float, float, float, float]] = {}
    anchor: dict[Hashable, tuple[float, float]] = {}  # keyed by group (see Overview.anchor)
    xy = np.zeros((n_comm, 2))
    for k, s in enumerate(streets):
        col, row = k % columns, k // columns
        x0 = col * (box_w + gap)
        y0 = (grid_rows - 1 - row) * (box_h + gap)
        boxes[s] = (x0, y0, box_w, box_h)
        anchor[("street", s)] = (x0 + box_w / 2, y0 + box_h - 0.3)
        for j, c in enumerate(members[s]):
            xy[attr[c]["community"]] = (
                x0 + 0.3 + cell * (j % per_row + 0.5),
                y0 + box_h - 0.9 - cell * (j // per_row + 0.5),
            )
    width = columns * (box_w + gap) - gap
    top = grid_rows * (box_h + gap) - gap
    anchor["district"] = (width / 2, top + 1.2)
    anchor["platform"] = (-2.0, top / 2)
    orgs = sorted(n for n, k in kinds.items() if k == "social_organisation")
    organisations = {}
    for i, n in enumerate(orgs):
        organisations[n] = (width + 2.0, top - (top + 1.0) * (i + 0.5) / max(len(orgs), 1))
        anchor[n] = organisations[n]
    group_of = {}
    for n, k in kinds.items():
        if k == "resident":
            continue
        street = attr[n].get("street", -1)
        if k == "social_organisation":
            group_of[n] = n
        elif k == "platform":
            group_of[n] = "platform"
        elif k == "government" or (k == "party_committee" and attr[n].get("level") == "district"):
            group_of[n] = "district"
        elif k == "committee" or (k == "party_committee" and attr[n].get("community", -1) >= 0):
            group_of[n] = ("street", attr[committees[attr[n]["community"]]].get("street", -1))
        else:
            group_of[n] = ("street", street) if ("street", street) in anchor else "district"
    pairs: dict[tuple, list] = {}
    links: dict[tuple, str] = {}
    for u, v, d in g.edges(data=True):
        if u not in group_of or v not in group_of:
            continue
        a, b = group_of[u], group_of[v]
        if a == b:
            continue  # within a street office's box: implied by the box
        key = tuple(sorted((a, b), key=repr)) + (d["link"],)
        pairs.setdefault(key, []).append((u, v))
        links[key] = d["link"]
    ties = [(k[0], k[1], links[k], members_) for k, members_ in pairs.items()]
    return Overview(
        streets, boxes, anchor, group_of, xy, community_size, resident_community, ties, organisations
    )


def street_layout(g: nx.Graph, street: int) -> DistrictLayout:
    """The layout of one street office of a district in full detail (its committees and party
    bodies, the district's bodies, the platform and the social organisations serving it), for a
    district too large to draw at once; residents are drawn as their community's disc."""
    attr = g.nodes
    keep = set()
    for n, k in g.nodes(data="kind"):
        if k == "resident":
            continue
        if k in ("government", "platform") or attr[n].get("level") == "district":
            keep.add(n)
        elif attr[n].get("street", -1) == street and k != "social_organisation":
            keep.add(n)
    keep |= {
        v
        for n in list(keep)
        if attr[n]["kind"] == "committee"
        for v in g[n]
        if attr[v]["kind"] == "social_organisation"
    }
    sub = g.subgraph(keep)
    full = district_layout(sub)
    return full


def street_offices(g: nx.Graph) -> dict[int, str]:
    """The street offices a page offers to show one by one (street number -> its name in the
    district, in street order): those of a district drawn as an overview (from
    :data:`OVERVIEW_MIN` communities on) with more than one street office, else none (a smaller
    district is drawn whole already)."""
    kinds = dict(g.nodes(data="kind"))
    if sum(1 for k in kinds.values() if k == "committee") < OVERVIEW_MIN:
        return {}
    found = {
        g.nodes[n].get("street", -1): str(g.nodes[n].get("name", n))
        for n, k in kinds.items()
        if k == "street_office"
    }
    return dict(sorted(found.items())) if len(found) > 1 else {}
