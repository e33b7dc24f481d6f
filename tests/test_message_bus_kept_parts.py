"""The message and decision phases' kept values and shortcuts give what the plain computation gives,
over real runs: the bus's delivery loop (its queues kept as lists, its running figures in locals)
handles, loses and delivers every message as the loop over arrays did; the count of messages
handled it keeps is the sum over organisations; the day's longest backlog, made only for those
still busy, is the longest of all; the organisations looked at for work are every one with work."""

from __future__ import annotations

import copy
import heapq
import itertools

import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.agents.organisations import Roster
from coop_agents.messaging import MessageBus

RUNS = [
    ("default", "full_cycle", 3, {"steps": 60}),
    ("heatwave", "command", 1, {"span_of_control": 0.5}),
    ("old_urban_epidemic", "siloed", 1, {}),
    ("citywide_rainstorm", "platform", 2, {"steps": 40}),
]


def twin(bus: MessageBus) -> MessageBus:
    """A copy of the bus whose delivering changes nothing of the bus's (its messages are copied,
    its streams of draws and sequence numbers continue where the bus's are)."""
    other = copy.copy(bus)
    other._events = [(t, seq, copy.copy(msg)) for t, seq, msg in bus._events]
    other._free_at, other._handled = list(bus._free_at), list(bus._handled)
    other.rng = copy.deepcopy(bus.rng)
    other._seq = itertools.count(int(repr(bus._seq)[len("count(") : -1]))
    return other


def advance_on_arrays(bus: MessageBus, until: float) -> tuple[list, dict]:
    """The delivery loop as it reads, on numpy arrays of the queues (a copy of the bus)."""
    free_at, handled = bus.free_at, bus.handled
    figures = {"wait_total": bus.wait_total, "wait_max": bus.wait_max, "wait_max_at": bus.wait_max_at}
    figures.update(peak_load=bus.peak_load, peak_load_at=bus.peak_load_at, lost=bus.lost)
    events, delivered, offered = bus._events, [], {}
    while events and events[0][0] < until:
        t, _, msg = heapq.heappop(events)
        node = msg.route[msg.hop]
        offered[node] = offered.get(node, 0) + 1
        start = max(t, free_at[node])
        if start > t:
            figures["wait_total"] += start - t
            if start - t > figures["wait_max"]:
                figures["wait_max"], figures["wait_max_at"] = start - t, node
        done = start + 1.0 / bus.capacity[node]
        free_at[node] = done
        handled[node] += 1
        if msg.hop == len(msg.route) - 1:
            delivered.append((done, msg))
            continue
        delay, reliability = bus._hops[node, msg.route[msg.hop + 1]]
        if bus.rng.random() > reliability:
            figures["lost"] += 1
            continue
        msg.hop += 1
        heapq.heappush(events, (done + delay, next(bus._seq), msg))
    for node, count in offered.items():
        if count / bus.capacity[node] > figures["peak_load"]:
            figures["peak_load"], figures["peak_load_at"] = count / bus.capacity[node], node
    figures.update(free_at=free_at, handled=handled, in_flight=[(e[0], e[1]) for e in events])
    return [
        (done, m.kind, m.sender, m.target, m.community) for done, m in sorted(delivered, key=lambda x: x[0])
    ], figures


@pytest.mark.parametrize("scenario, pattern, seed, overrides", RUNS)
def test_the_delivery_loop_on_lists_delivers_what_the_loop_on_arrays_delivers(
    monkeypatch, scenario, pattern, seed, overrides
):
    kept = MessageBus.advance
    seen = {"delivered": 0, "waited": 0, "lost": 0}

    def both(self: MessageBus, until: float):
        expected, figures = advance_on_arrays(twin(self), until)
        out = kept(self, until)
        assert [(m.delivered_at, m.kind, m.sender, m.target, m.community) for m in out] == expected
        assert [(e[0], e[1]) for e in self._events] == figures["in_flight"]
        assert np.array_equal(self.free_at, figures["free_at"])
        assert np.array_equal(self.handled, figures["handled"])
        for name in ("wait_total", "wait_max", "wait_max_at", "peak_load", "peak_load_at", "lost"):
            assert getattr(self, name) == figures[name], name
        assert self._handled_total == int(self.handled.sum())  # the kept count is the sum
        assert self._done_last == max(self._free_at)  # the latest an organisation is busy till
        seen["delivered"] += len(out)
        seen["waited"] += self.wait_total > 0
        seen["lost"] += self.lost > 0
        return out

    monkeypatch.setattr(MessageBus, "advance", both)
    m = CoordinationModel(scenario, pattern, seed, **overrides)
    m.run()
    assert seen["delivered"] > 0 and seen["waited"] > 0  # messages came, and some queued


@pytest.mark.parametrize("scenario, pattern, seed, overrides", RUNS)
def test_the_longest_backlog_is_the_longest_of_every_organisations_backlog(
    monkeypatch, scenario, pattern, seed, overrides
):
    """The day's longest backlog, made only for those still busy tomorrow, is the largest of every
    organisation's (0 when nobody is), and the messages handled are the day's increase of the sum."""
    kept = MessageBus.day_figures
    seen = {"busy": 0, "before": 0}

    def both(self: MessageBus, day: int):
        figures = kept(self, day)
        assert figures["max_backlog"] == float(self.backlog(day + 1).max())
        total = int(self.handled.sum())
        assert figures["messages"] == total - seen["before"]
        seen["before"] = total
        seen["busy"] += figures["max_backlog"] > 0
        return figures

    monkeypatch.setattr(MessageBus, "day_figures", both)
    CoordinationModel(scenario, pattern, seed, **overrides).run()
    if pattern in ("command", "siloed"):  # a queue at the command node, or at busy suppliers
        assert seen["busy"] > 0  # some days left messages waiting for the next


@pytest.mark.parametrize("scenario, pattern, seed, overrides", RUNS)
def test_the_organisations_looked_at_for_work_are_every_one_with_work(
    monkeypatch, scenario, pattern, seed, overrides
):
    """Only those sent mail since the last look and those with work then are looked at; the
    organisations picked are those a look at every organisation picks."""
    kept = Roster.with_work
    seen = {"owed": 0, "mail": 0}

    def both(self: Roster):
        everyone = [o for o in self.organisations if o.inbox or o.owed]
        everyone += [o for o in self._with_duties if o.busy and o not in everyone]
        everyone.sort(key=lambda o: o.index)
        picked = kept(self)
        assert picked == everyone
        seen["owed"] += any(o.owed for o in picked)
        seen["mail"] += any(o.inbox for o in picked)
        return picked

    monkeypatch.setattr(Roster, "with_work", both)
    CoordinationModel(scenario, pattern, seed, **overrides).run()
    assert seen["mail"] > 0
    if pattern == "siloed":
        assert seen["owed"] > 0  # suppliers that ran short still owed on the following days
