"""The actor network as matplotlib figures, sent to the browser as SVG.

The network itself has no words, so it is redrawn each day without laying out text; its legend
is a figure of its own, drawn once per language and colouring. Both are pure functions drawn with
matplotlib's object interface (no pyplot, so sessions in different threads never share a current
figure) and turned into SVG by :func:`svg` (:mod:`coop_agents.viz.svg`: text stays text, which
the browser draws with its own fonts, Chinese included). Every word comes from
:mod:`coop_agents.i18n`.
"""

from __future__ import annotations

import weakref
from collections import Counter

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from coop_agents.governance import GovernanceState
from coop_agents.i18n import state_label, text
from coop_agents.viz.layout import (
    BLOCK,
    OVERVIEW_MIN,
    ROWS,
    DistrictLayout,
    Overview,
    district_overview,
    resident_dots,
    street_layout,
)
from coop_agents.viz.session import Run
from coop_agents.viz.svg import fonts, svg

__all__ = ["network_figure", "network_legend", "svg"]

STATE_COLOURS = ("#cfd8dc", "#ffb300", "#e53935", "#42a5f5")  # normal, pre-, emergency, post-
KIND_STYLE = {  # marker, area, colour (committees take their state's colour)
    "government": ("s", 300, "#37474f"),
    "street_office": ("s", 170, "#607d8b"),
    "committee": ("o", 150, None),
    "party_committee": ("D", 55, "#c62828"),
    "social_organisation": ("^", 140, "#2e7d32"),
    "platform": ("h", 300, "#6a1b9a"),
}
LINK_STYLE = {  # colour, line style, width
    "vertical": ("#455a64", "solid", 1.6),
    "horizontal": ("#ef6c00", (0, (4, 2)), 1.4),
    "platform": ("#8e24aa", (0, (1, 2)), 1.0),
    "inactive": ("#cfd8dc", "solid", 0.6),
}
MESSAGE_COLOUR = "#d50000"
RESIDENT_COLOURS = ("#b0bec5", "#ff9800", "#6d4c41")  # not affected, affected now, affected before
HARM_CMAP = "Reds"
HARM_NORM = PowerNorm(0.5, vmin=0.0, vmax=1.0)  # small shares stay visible

# ---------------------------------------------------------------------------------- network


# Layouts of a district drawn as an overview or street by street, kept with its graph.
_LAYOUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cached(graph, key, make):
    found = _LAYOUTS.setdefault(graph, {})
    if key not in found:
        found[key] = make()
    return found[key]


def network_figure(run: Run, colour_by: str = "harm", street: int | None = None) -> Figure:
    """The actor network of one run today (its legend: :func:`network_legend`).

    Organisations at fixed places (:func:`coop_agents.viz.layout.district_layout`); ties styled by
    link type (vertical 条 solid, horizontal 块 dashed, platform dotted) and greyed where the
    pattern does not use them; messages in flight as red arrows on the ties they travel; residents
    as dots or, beyond a couple of thousand, one disc per community sized by its residents.
    Communities (committees, discs and dots) are coloured by ``colour_by``: ``"harm"`` (share of
    residents ever affected; dots by their own condition) or ``"state"`` (governance state).

    A district of :data:`coop_agents.viz.layout.OVERVIEW_MIN` communities or more is drawn as an
    overview (:func:`overview_figure`: street offices as groups of their communities); ``street``
    draws one street office of it in full detail instead.
    """
    m = run.model
    if street is not None:
        lay = _cached(m.graph, ("street", street), lambda: street_layout(m.graph, street))
        return _detail_figure(run, lay, colour_by, only=True)
    if m.n_communities >= OVERVIEW_MIN:
        return overview_figure(run, colour_by)
    return _detail_figure(run, run.layout, colour_by)


def _detail_figure(run: Run, lay: DistrictLayout, colour_by: str, only: bool = False) -> Figure:
    """Every organisation, tie and community of ``lay`` (``only``: a part of a larger district,
    whose residents are drawn as their communities' discs)."""
    m = run.model
    fig = Figure(figsize=(7.0, 4.2))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    xs = [x for x, _ in lay.pos.values()]
    xlim = (min(xs) - 0.6, max(xs) + 0.6)
    ylim = (ROWS["residents"] - 0.75, ROWS["government"] + 0.35)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    # Points per unit of x and of y on the page, to draw residents in square grids.
    per_x = fig.get_figwidth() * 72 / (xlim[1] - xlim[0])
    per_y = fig.get_figheight() * 72 / (ylim[1] - ylim[0])

    segments: dict[str, list] = {k: [] for k in LINK_STYLE}
    for u, v, link, _channel in lay.ties:
        key = link if m.active.has_edge(u, v) else "inactive"
        segments[key].append((lay.pos[u], lay.pos[v]))
    _ties(ax, segments)
    _messages(ax, run, lay.pos)

    states = {c.node: int(c.state) for c in m.committees}
    community_state = np.array([int(c.state) for c in m.committees])
    res_comm = lay.resident_community
    harm = np.bincount(res_comm, weights=m.hazard.affected, minlength=lay.community_size.size)
    harm_share = harm[: lay.community_size.size] / np.maximum(lay.community_size, 1)
    if only:  # a part of the district: its communities' discs
        shown = np.array(
            sorted(m.graph.nodes[n]["community"] for n, k in lay.kinds.items() if k == "committee")
        )
        sizes = 700 * lay.community_size[shown] / max(lay.community_size[shown].max(), 1)
        colours = (
            np.asarray(STATE_COLOURS)[community_state[shown]] if colour_by == "state" else harm_share[shown]
        )
        ax.scatter(
            lay.community_xy[shown, 0],
            lay.community_xy[shown, 1],
            s=sizes,
            c=colours,
            cmap=None if colour_by == "state" else HARM_CMAP,
            norm=None if colour_by == "state" else HARM_NORM,
            edgecolors="#546e7a",
            zorder=2,
        )
    elif lay.dots:
        if colour_by == "state":
            colours = np.asarray(STATE_COLOURS)[community_state[res_comm]]
        else:
            status = np.where(m.hazard.active, 1, np.where(m.hazard.affected, 2, 0))
            colours = np.asarray(RESIDENT_COLOURS)[status]
        xy = resident_dots(lay, per_x / per_y)
        # A dot fills most of its grid cell, whose side in points follows from the block's area.
        cell = np.sqrt(BLOCK[0] * per_x * BLOCK[1] * per_y / max(lay.community_size.max(), 1))
        ax.scatter(xy[:, 0], xy[:, 1], s=(0.75 * cell) ** 2, c=colours, linewidths=0, zorder=2)
    else:
        sizes = 700 * lay.community_size / max(lay.community_size.max(), 1)
        if colour_by == "state":
            ax.scatter(
                lay.community_xy[:, 0],
                lay.community_xy[:, 1],
                s=sizes,
                c=np.asarray(STATE_COLOURS)[community_state],
                edgecolors="#546e7a",
                zorder=2,
            )
        else:
            ax.scatter(
                lay.community_xy[:, 0],
                lay.community_xy[:, 1],
                s=sizes,
                c=harm_share,
                cmap=HARM_CMAP,
                norm=HARM_NORM,
                edgecolors="#546e7a",
                zorder=2,
            )
    for kind, (marker, area, fill) in KIND_STYLE.items():
        nodes = [n for n, k in lay.kinds.items() if k == kind]
        if nodes:
            colour = np.asarray(STATE_COLOURS)[[states[n] for n in nodes]] if kind == "committee" else fill
            _marks(ax, np.array([lay.pos[n] for n in nodes]), area, marker, colour)
    return fig


def _ties(ax: Axes, segments: dict[str, list]) -> None:
    """Each kind of tie in its style, the greyed ones under the rest."""
    for key in ("inactive", "platform", "vertical", "horizontal"):
        colour, style, width = LINK_STYLE[key]
        ax.add_collection(
            LineCollection(segments[key], colors=colour, linestyles=style, linewidths=width, zorder=1)
        )


def _marks(ax: Axes, xy: np.ndarray, area: float, marker: str, colour) -> None:
    """Organisations of one kind at ``xy``, over the ties, messages and communities."""
    ax.scatter(
        xy[:, 0], xy[:, 1], s=area, marker=marker, c=colour, edgecolors="#263238", linewidths=0.8, zorder=4
    )


def _messages(ax: Axes, run: Run, pos: dict, group_of: dict | None = None) -> None:
    """Red arrows over the ties messages are crossing now, thicker where more travel (between
    groups' anchors when ``group_of`` maps organisations to groups; messages within a group and to
    organisations not drawn are left out)."""
    m = run.model
    nodes = [o.node for o in m.organisations]
    if group_of is None:
        pairs = Counter(
            (nodes[a], nodes[b])
            for a, b, _kind in m.bus.in_flight_edges()
            if a != b and nodes[a] in pos and nodes[b] in pos
        )
    else:
        pairs = Counter(
            (group_of[nodes[a]], group_of[nodes[b]])
            for a, b, _kind in m.bus.in_flight_edges()
            if group_of.get(nodes[a]) != group_of.get(nodes[b])
        )
    if not pairs:
        return
    ends = np.array([(pos[a], pos[b]) for a, b in pairs])  # pair, end (from, to), coordinate
    start, vec = ends[:, 0] + 0.3 * (ends[:, 1] - ends[:, 0]), 0.4 * (ends[:, 1] - ends[:, 0])
    count = list(pairs.values())
    width = np.round(np.log2(count)).astype(int)  # one arrow width per doubling of the messages
    for w in np.unique(width):
        on = width == w
        ax.quiver(
            start[on, 0],
            start[on, 1],
            vec[on, 0],
            vec[on, 1],
            angles="xy",
            scale_units="xy",
            scale=1,
            color=MESSAGE_COLOUR,
            width=0.005 + 0.0025 * w,
            headwidth=3.5,
            zorder=3,
        )


def overview_figure(run: Run, colour_by: str = "harm") -> Figure:
    """A large district at a glance (:func:`coop_agents.viz.layout.district_overview`): each street
    office a box of its communities' discs (area by residents, fill by ``colour_by``, ring by the
    committee's state), ties between street offices, the district, the platform and social
    organisations drawn once per pair of groups (greyed where none is active), and messages in
    flight between groups as red arrows."""
    m = run.model
    ov: Overview = _cached(m.graph, "overview", lambda: district_overview(m.graph))
    fig = Figure(figsize=(7.0, 4.2))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    points = np.array(
        list(ov.anchor.values())
        + [(x, y) for x, y, _, _ in ov.boxes.values()]
        + [(x + w, y + h) for x, y, w, h in ov.boxes.values()]
    )
    ax.set_xlim(points[:, 0].min() - 0.8, points[:, 0].max() + 0.8)
    ax.set_ylim(points[:, 1].min() - 0.5, points[:, 1].max() + 0.6)
    for x, y, w, h in ov.boxes.values():
        ax.add_patch(
            Rectangle((x, y), w, h, facecolor="#f5f7f8", edgecolor="#90a4ae", linewidth=0.8, zorder=0)
        )
    segments: dict[str, list] = {k: [] for k in LINK_STYLE}
    for a, b, link, members in ov.ties:
        active = any(m.active.has_edge(u, v) for u, v in members)
        segments[link if active else "inactive"].append((ov.anchor[a], ov.anchor[b]))
    _ties(ax, segments)
    _messages(ax, run, ov.anchor, ov.group_of)
    state = np.array([int(c.state) for c in m.committees])
    size = ov.community_size
    harm = np.bincount(ov.resident_community, weights=m.hazard.affected, minlength=size.size)[: size.size]
    # Discs in four sizes (by residents): a disc of a size shared by others is written once in the
    # SVG and reused, which keeps a district of 150 communities a small picture for the browser.
    level = np.ceil(4 * size / max(size.max(), 1)).clip(1, 4)
    fill = np.asarray(STATE_COLOURS)[state] if colour_by == "state" else harm / np.maximum(size, 1)
    ring = np.asarray(STATE_COLOURS)[state] if colour_by != "state" else np.full(state.size, "#546e7a")
    for lv in np.unique(level):
        on = level == lv
        ax.scatter(
            ov.community_xy[on, 0],
            ov.community_xy[on, 1],
            s=40 * lv,
            c=fill[on],
            cmap=None if colour_by == "state" else HARM_CMAP,
            norm=None if colour_by == "state" else HARM_NORM,
            edgecolors=ring[on],
            linewidths=1.6 if colour_by != "state" else 0.6,
            zorder=2,
        )
    marks = {
        "street_office": [ov.anchor[("street", s)] for s in ov.streets],
        "government": [ov.anchor["district"]],
        "platform": [ov.anchor["platform"]] if "platform" in ov.group_of.values() else [],
        "social_organisation": list(ov.organisations.values()),
    }
    for kind, points_ in marks.items():
        if points_:
            marker, area, fill = KIND_STYLE[kind]
            _marks(ax, np.array(points_), area * 0.6, marker, fill)
    return fig


def network_legend(run: Run, lang: str, colour_by: str = "harm") -> Figure:
    """The legend of :func:`network_figure` for this run's district, in ``lang``."""
    with fonts():
        lay = run.layout
        handles: list[Artist] = []
        for kind, (marker, area, colour) in KIND_STYLE.items():
            if kind in lay.kinds.values():
                handles.append(
                    Line2D(
                        [],
                        [],
                        ls="",
                        marker=marker,
                        ms=np.sqrt(area) * 0.7,
                        mec="#263238",
                        mfc=colour or STATE_COLOURS[0],
                        label=text(f"kind.{kind}", lang),
                    )
                )
        for key in ("vertical", "horizontal", "platform", "inactive"):
            colour, style, width = LINK_STYLE[key]
            handles.append(
                Line2D([], [], color=colour, ls=style, lw=max(width, 1.2), label=text(f"link.{key}", lang))
            )
        handles.append(
            Line2D([], [], color=MESSAGE_COLOUR, lw=2, marker=">", ms=6, label=text("message", lang))
        )
        if colour_by == "state":
            handles += [
                Patch(color=c, label=state_label(s, lang)) for s, c in zip(GovernanceState, STATE_COLOURS)
            ]
        elif lay.dots:
            handles += [
                Line2D([], [], ls="", marker="o", ms=5, mfc=c, mec=c, label=text(f"resident.{key}", lang))
                for key, c in zip(("unaffected", "active", "past"), RESIDENT_COLOURS)
            ]
        if not lay.dots:
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker="o",
                    ms=11,
                    mfc="white",
                    mec="#546e7a",
                    label=text("kind.community", lang),
                )
            )
        bar = colour_by == "harm" and not lay.dots
        fig = Figure(figsize=(2.9, 0.21 * len(handles) + (0.75 if bar else 0.1)))
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.0, 1.0),
            fontsize=8,
            frameon=False,
            handlelength=2.2,
            labelspacing=0.45,
            borderaxespad=0.2,
        )
        if bar:
            height = fig.get_figheight()
            cax = fig.add_axes((0.05, 0.4 / height, 0.85, 0.1 / height))
            colorbar = fig.colorbar(
                matplotlib.cm.ScalarMappable(norm=HARM_NORM, cmap=HARM_CMAP),
                cax=cax,
                orientation="horizontal",
            )
            colorbar.set_ticks([0, 0.1, 0.25, 0.5, 1])
            colorbar.ax.tick_params(labelsize=7)
            colorbar.set_label(text("harm_share", lang), fontsize=8)
        return fig
