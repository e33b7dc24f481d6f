"""Messages between organisations on the pattern's active links, and routing.

Messages travel between organisations along the *active* links of the district graph (which
channels are active is the pattern's choice, :func:`active_channels`). Each organisation is a
single server with a processing capacity (messages per day): a message waits in its queue, is
handled, then crosses the next link after the link's latency, or is lost with the chance the
link's reliability leaves. Time inside a day is continuous, so a busy top node builds a real
queue and delays everything routed through it (the bottleneck of centralised designs).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

if TYPE_CHECKING:
    from coop_agents.config import Config

__all__ = ["Message", "MessageBus", "active_channels", "active_org_graph", "district_bus"]


# Channels a pattern can switch on as a whole; the horizontal ones in HORIZONTAL are switched on
# edge by edge for the share ``horizontal_links``.
ALWAYS = frozenset({"admin", "party", "grid", "contract"})
HORIZONTAL = frozenset({"branch", "peer", "service"})
_FIRST = itemgetter(0)  # a delivery's time
# The lever that sets the days a message takes to cross a tie of each link type.
LATENCY_LEVERS = {
    "vertical": "vertical_latency",
    "horizontal": "horizontal_latency",
    "platform": "platform_latency",
}


def active_channels(config: Config) -> frozenset[str]:
    """Channels that carry messages under this configuration (besides sampled horizontal ties)."""
    on = set(ALWAYS)
    if config.platform:
        on.add("platform")
    if config.party_overlay:
        on.add("overlay")
    if config.command:
        on.add("command")
    return frozenset(on)


def active_org_graph(g: nx.Graph, config: Config, edge_rank: dict) -> nx.Graph:
    """The organisations and the ties between them that carry messages under ``config``.

    A horizontal tie (branch, peer, service) is active when its rank, a number in [0, 1) drawn once
    per district from the network stream (see :mod:`coop_agents.network`), is below
    ``horizontal_links``: raising the share adds ties and never removes one, so "the first few
    cross-links" is a well-defined experiment.
    """
    whole = active_channels(config)
    share = config.horizontal_links

    def keep(u, v):
        ch = g.edges[u, v]["channel"]
        return ch in whole or (ch in HORIZONTAL and edge_rank[(min(u, v), max(u, v))] < share)

    # A concrete copy, not a view: routing walks it often. It is made as networkx copies a view of
    # the organisations (``nx.Graph(subgraph_view(...))``: nodes in order, then each node's ties in
    # its order), without the views' per-item filtering, which cost more than the rest of a small
    # run's set-up. Each tie crosses in its link's latency, a lever of the pattern, unless the
    # district gives the tie a latency of its own (a structure file's per-tie override); the copy's
    # attributes are its own.
    orgs = [n for n, kind in g.nodes(data="kind") if kind != "resident"]
    active = nx.Graph()
    active.add_nodes_from(orgs)
    adj = g._adj
    active.add_edges_from(
        (u, v, data) for u in orgs for v, data in adj[u].items() if v in active._node and keep(u, v)
    )
    active.graph.update(g.graph)
    for n in orgs:
        active._node[n].update(g.nodes[n])
    lever = {link: getattr(config, name) for link, name in LATENCY_LEVERS.items()}
    for _, _, data in active.edges(data=True):
        if data.get("latency") is None:
            data["latency"] = lever[data["link"]]
    return active


@dataclass(slots=True)
class Message:
    """A message between organisations (org indices), with what it is about."""

    kind: str  # report | request | decision | alert | resource_request | delivery
    sender: int
    target: int
    community: int = -1
    value: float = 0.0  # perceived risk (report, request) or amount (resources)
    state: int = -1  # proposed state (request) or approved state, -1 for declined (decision)
    threshold: float = 0.0  # the committee's threshold for the proposed state (request)
    delivered_at: float = 0.0  # when its target finished handling it
    route: list[int] = field(default_factory=list)
    hop: int = 0


class _RouteSearch:
    """Fastest paths from one organisation (Dijkstra), searched only as far as asked so far.

    Step for step the algorithm of networkx's ``single_source_dijkstra`` (the heap's counter breaks
    ties, neighbours come in adjacency order, a predecessor is replaced only by a strictly faster
    path), so equally fast routes are chosen as networkx chooses them. A node's path is final once
    the node is settled, so pausing the search there gives the path the whole search would give;
    most messages go a hop or two, and a full search from every sender cost more than the rest of
    the message handling.

    Args:
        src: the source (organisation index).
        costs: for each organisation, its links as (neighbour, cost of the hop), in adjacency order.
    """

    def __init__(self, src: int, costs: list[list[tuple[int, float]]]) -> None:
        self.costs = costs
        # By organisation index: settled (its distance is final), the best distance found so far
        # (none yet: infinity) and the predecessor on the path that found it.
        self.settled = [False] * len(costs)
        self.best = [math.inf] * len(costs)
        self.best[src] = 0
        self.pred = [-1] * len(costs)
        self.counter = itertools.count()
        self.fringe: list[tuple[float, int, int]] = [(0.0, next(self.counter), src)]
        self.paths: dict[int, list[int]] = {src: [src]}

    def path(self, dst: int) -> list[int] | None:
        """The fastest path to ``dst``, or None if no active link leads there."""
        if dst in self.paths:
            return self.paths[dst]
        settled, best, pred, fringe = self.settled, self.best, self.pred, self.fringe
        while not settled[dst] and fringe:
            d, _, v = heapq.heappop(fringe)
            if settled[v]:
                continue
            settled[v] = True
            for u, cost in self.costs[v]:
                du = d + cost
                if not settled[u] and du < best[u]:
                    best[u] = du
                    heapq.heappush(fringe, (du, next(self.counter), u))
                    pred[u] = v
        if not settled[dst]:
            return None
        via = self.path(pred[dst])
        assert via is not None  # a settled node's predecessor was settled before it
        self.paths[dst] = via + [dst]
        return self.paths[dst]


class MessageBus:
    """Moves messages through organisation queues and active links in continuous time.

    Args:
        graph: the active organisation graph (nodes are graph node ids).
        node_index: graph node id -> organisation index.
        capacity: messages per day each organisation handles (by organisation index).
        latency_factor, reliability_gain: the information pillar's effect on every link.
        rng: the messages stream (loss draws).
    """

    def __init__(self, graph, node_index, capacity, latency_factor, reliability_gain, rng):
        self.graph = graph
        self.node_index = node_index
        self.capacity = np.asarray(capacity, dtype=float)
        self._capacity = self.capacity.tolist()
        self.latency_factor = latency_factor
        self.reliability_gain = reliability_gain
        self.rng = rng
        # When each organisation is free and how many messages it has handled, as Python lists: the
        # delivery loop reads and writes them one element at a time, which costs several times
        # less on a list than on an array (see the properties ``free_at`` and ``handled``).
        self._free_at = [0.0] * len(capacity)
        self._handled = [0] * len(capacity)
        self._handled_total = 0  # the sum of ``_handled``, kept as messages are handled
        # Congestion (outcomes queue_wait, longest_wait, busiest_load): days messages waited in
        # queues, the longest single wait and where, and the most messages one organisation was
        # offered in a day relative to what it can handle in a day.
        self.wait_total = 0.0
        self.wait_max = 0.0
        self.wait_max_at = -1
        self.peak_load = 0.0
        self.peak_load_at = -1
        self.lost = 0
        self._handled_before = 0  # messages handled up to the last day_figures
        self._done_last = 0.0  # when the last message handled so far is done (the latest free_at)
        self._events: list = []
        self._seq = itertools.count()
        self._routes: dict[int, _RouteSearch] = {}  # by source
        # Every active link from each organisation, by organisation index and in the graph's
        # adjacency order, with what routing and delivery need of it, computed once: the cost of
        # the hop for routing (latency plus the next organisation's handling time), and the delay
        # and the chance of arriving for delivery.
        self._costs: list[list[tuple[int, float]]] = [[] for _ in range(len(self.capacity))]
        self._hops: dict[tuple[int, int], tuple[float, float]] = {}
        for a, links in graph.adjacency():
            i = node_index[a]
            for b, edge in links.items():
                j = node_index[b]
                delay = edge["latency"] * latency_factor
                self._costs[i].append((j, delay + 1.0 / self.capacity[j]))
                self._hops[i, j] = (delay, edge["reliability"] + (1 - edge["reliability"]) * reliability_gain)

    def route(self, src: int, dst: int) -> list[int] | None:
        """Fastest path (organisation indices) from ``src`` to ``dst`` over active links."""
        search = self._routes.get(src)
        if search is None:
            search = self._routes[src] = _RouteSearch(src, self._costs)
        return search.path(dst)

    def hop(self, src: int, dst: int) -> tuple[float, float] | None:
        """(delay in days, chance of arriving) of the active tie from ``src`` to ``dst``, or None."""
        return self._hops.get((src, dst))

    def send(self, msg: Message, at: float) -> bool:
        """Queue ``msg`` at its sender at time ``at``; False if no active route reaches its target."""
        # A path already found is read straight from its search (most messages take one).
        search = self._routes.get(msg.sender)
        path = None if search is None else search.paths.get(msg.target)
        if path is None:
            path = self.route(msg.sender, msg.target)
            if path is None:
                return False
        msg.route, msg.hop = path, 0
        heapq.heappush(self._events, (at, next(self._seq), msg))
        return True

    @property
    def free_at(self) -> np.ndarray:
        """When each organisation (by index) is free to handle its next message."""
        return np.array(self._free_at, dtype=float)

    @property
    def handled(self) -> np.ndarray:
        """Messages each organisation (by index) has handled so far, each relay counted."""
        return np.array(self._handled, dtype=np.int64)

    def advance(self, until: float) -> list[Message]:
        """Process every event before ``until``; return the messages delivered, in time order."""
        events = self._events
        if not events or events[0][0] >= until:
            return []  # nothing to handle today (a third of the days of a run): no figures change
        delivered = []
        # Locals: this loop runs once per message and hop. The running figures are kept in locals
        # too and written back once; each is added to in the same order as before, so its value is
        # the same to the last bit.
        free_at, handled, hops = self._free_at, self._handled, self._hops
        capacity = self._capacity  # Python floats: cheaper to read one at a time than numpy scalars
        draw, pop, push, seq = self.rng.random, heapq.heappop, heapq.heappush, self._seq
        wait_total, wait_max, wait_max_at = self.wait_total, self.wait_max, self.wait_max_at
        done_last, lost, count = self._done_last, self.lost, 0
        # advance() is called once a day, so what arrives here is one day's load.
        offered: dict[int, int] = {}
        while events and events[0][0] < until:
            t, _, msg = pop(events)
            route, hop = msg.route, msg.hop
            node = route[hop]
            offered[node] = offered.get(node, 0) + 1
            start = free_at[node]
            if start > t:  # it waits in the queue until the organisation is free
                waited = start - t
                wait_total += waited
                if waited > wait_max:
                    wait_max, wait_max_at = waited, node
            else:
                start = t
            done = start + 1.0 / capacity[node]
            free_at[node] = done
            if done > done_last:
                done_last = done
            handled[node] += 1
            count += 1
            if hop == len(route) - 1:
                msg.delivered_at = done
                delivered.append((done, msg))
                continue
            delay, reliability = hops[node, route[hop + 1]]
            if draw() > reliability:
                lost += 1
                continue
            msg.hop = hop + 1
            push(events, (done + delay, next(seq), msg))
        self.wait_total, self.wait_max, self.wait_max_at = wait_total, wait_max, wait_max_at
        self._done_last, self.lost = done_last, lost
        self._handled_total += count
        for node, n in offered.items():
            load = n / capacity[node]
            if load > self.peak_load:
                self.peak_load, self.peak_load_at = load, node
        delivered.sort(key=_FIRST)  # in time order (a stable sort: ties stay in handling order)
        return [m for _, m in delivered]

    def backlog(self, at: float) -> np.ndarray:
        """Messages waiting at each organisation at time ``at``."""
        return np.maximum(self.free_at - at, 0.0) * self.capacity

    @property
    def in_flight(self) -> int:
        return len(self._events)

    def day_figures(self, day: int) -> dict[str, float]:
        """The day's figures of the bus for the time series: messages handled since the last call,
        in flight, the longest backlog waiting for tomorrow, messages lost so far."""
        total = self._handled_total
        handled, self._handled_before = total - self._handled_before, total
        # Nobody is still busy tomorrow once the last message handled is done by then: no backlog
        # (the same 0.0 the arrays would give, without them). Otherwise the longest is among those
        # still busy then: the products ``backlog`` makes, made only for them.
        at = day + 1
        busy = self._done_last > at
        return {
            "messages": handled,
            "in_flight": self.in_flight,
            "max_backlog": max([(f - at) * c for f, c in zip(self._free_at, self._capacity) if f > at])
            if busy
            else 0.0,
            "lost_messages": float(self.lost),
        }

    def in_flight_edges(self) -> list[tuple[int, int, str]]:
        """(from org, to org, kind) for every message in flight, for drawing."""
        out = []
        for _, _, msg in self._events:
            i = max(msg.hop - 1, 0)
            out.append((msg.route[i], msg.route[min(i + 1, len(msg.route) - 1)], msg.kind))
        return out


LATENCY_INFORMATION, RELIABILITY_INFORMATION = 0.6, 0.8  # what information integration does to every tie


def district_bus(
    g: nx.Graph,
    config: Config,
    organisations: Sequence[Any],
    node_index: dict,
    rank_rng: np.random.Generator,
    message_rng: np.random.Generator,
) -> tuple[nx.Graph, MessageBus]:
    """The ties that carry messages under ``config`` and the bus on them, for a district's
    ``organisations`` (``node_index``: node -> the organisation's index).

    A built or synthesised district drew its horizontal ties' ranks with it; a listed one draws them
    here from ``rank_rng``. Capacity grows with training (not the platform's); information
    integration shortens every tie and makes it more reliable.
    """
    # Horizontal ties join organisations, so only their edges are read, not the residents' contacts.
    horizontal = sorted(
        (min(u, v), max(u, v))
        for u, v, ch in g.edges(node_index, data="channel")
        if ch in ("branch", "peer", "service")
    )
    stored = [g.edges[e].get("rank") for e in horizontal]
    ranks = stored if None not in stored else rank_rng.random(len(horizontal))
    active = active_org_graph(g, config, dict(zip(horizontal, ranks)))
    skill = 1.0 + config.training
    capacity = [
        config.org_capacity * o.capacity_factor * (skill if not o.kind == "platform" else 1.0)
        for o in organisations
    ]
    bus = MessageBus(
        active,
        node_index,
        capacity,
        latency_factor=1.0 - LATENCY_INFORMATION * config.information,
        reliability_gain=RELIABILITY_INFORMATION * config.information,
        rng=message_rng,
    )
    return active, bus
