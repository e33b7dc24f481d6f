"""The core's pieces on their own: routing, the contagion's two kernels, keyed draws, the committee's
state machine, the decision seam."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop_agents import CoordinationModel, run_once
from coop_agents.decisions import KINDS, RULES, Decision, check_choice
from coop_agents.errors import CoopError
from coop_agents.governance import GovernanceState as G
from coop_agents.messaging import MessageBus
from coop_agents.rng import Draws, stream_key

ALL_KINDS = ("government", "street_office", "committee", "party_committee", "social_organisation", "platform")


# ------------------------------------------------------------------------------- routing


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.integers(3, 14), st.floats(0.15, 0.9), st.integers(0, 10_000))
def test_routes_are_networkx_dijkstra_paths(n, p, seed):
    """The bus routes each message on the fastest path, as networkx's Dijkstra finds it (the hop's
    cost is the tie's latency plus the next organisation's handling time)."""
    rng = np.random.default_rng(seed)
    g = nx.gnp_random_graph(n, p, seed=seed)
    for u, v in g.edges:
        g.edges[u, v].update(latency=float(rng.uniform(0.05, 2.0)), reliability=1.0)
    capacity = rng.uniform(1, 50, n)
    bus = MessageBus(
        g,
        {v: v for v in g.nodes},
        capacity,
        latency_factor=1.0,
        reliability_gain=0.0,
        rng=np.random.default_rng(0),
    )
    weighted = nx.DiGraph()
    weighted.add_nodes_from(g.nodes)
    for u, v, d in g.edges(data=True):
        weighted.add_edge(u, v, w=d["latency"] + 1 / capacity[v])
        weighted.add_edge(v, u, w=d["latency"] + 1 / capacity[u])
    for src in g.nodes:
        lengths, paths = nx.single_source_dijkstra(weighted, src, weight="w")
        for dst in g.nodes:
            route = bus.route(src, dst)
            if dst not in paths:
                assert route is None
                continue
            cost = sum(weighted.edges[a, b]["w"] for a, b in zip(route, route[1:]))
            assert cost == pytest.approx(lengths[dst])
            assert route == paths[dst]


# ------------------------------------------------------------------------------- the contagion


@pytest.mark.parametrize("transmission", [0.06, 0.3])
def test_sparse_and_dense_infection_pressure_agree(transmission):
    """The pressure from reading only the infectious residents' contacts equals the mat-vec."""
    model = CoordinationModel(
        "default",
        "no_response",
        2,
        residents=3000,
        transmission=transmission,
        initial_cases=40,
        run_until="steps",
        steps=30,
    )
    hz = model.hazard
    for _ in range(25):
        model.step()
        sources = hz.detectable.nonzero()[0]
        if not sources.size:
            continue
        weight = np.linspace(0.2, 1.0, sources.size)
        pressure, touched = hz._pressure(sources, weight)
        w = np.zeros(hz.state.size)
        w[sources] = weight
        dense = hz.contacts @ w
        np.testing.assert_allclose(pressure, dense, rtol=0, atol=1e-12)
        assert set(touched.tolist()) == set((dense > 0).nonzero()[0].tolist())


# ------------------------------------------------------------------------------- keyed draws


def test_a_residents_number_does_not_depend_on_who_else_drew():
    d = Draws(stream_key(7, "hazard"))
    everyone = d.at(5, np.arange(1000))
    some = np.array([3, 500, 999])
    assert (d.at(5, some) == everyone[some]).all()
    assert (d.day(5, 1000)[some] == everyone[some]).all()
    mask = np.zeros(1000, dtype=bool)
    mask[some] = True
    assert (d.day(5, 1000)[mask] == everyone[some]).all()


def test_keyed_draws_differ_by_day_stream_and_seed_and_look_uniform():
    rows = np.arange(20_000)
    a = Draws(stream_key(1, "hazard")).at(3, rows)
    assert not np.array_equal(a, Draws(stream_key(1, "hazard")).at(4, rows))
    assert not np.array_equal(a, Draws(stream_key(1, "detection")).at(3, rows))
    assert not np.array_equal(a, Draws(stream_key(2, "hazard")).at(3, rows))
    assert 0 <= a.min() and a.max() < 1
    assert abs(a.mean() - 0.5) < 0.01 and abs(a.var() - 1 / 12) < 0.005
    counts = np.bincount((a * 10).astype(int), minlength=10)
    assert counts.min() > 1800 and counts.max() < 2200  # about 2,000 in each tenth
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < 0.03  # neighbours are not correlated


def test_patterns_touching_different_residents_stay_paired_on_the_hazard():
    """Residents never reached by any measure get the same infection draws under every pattern:
    with measures off everywhere, two patterns that differ only in messages infect the same people."""
    a = CoordinationModel("default", "no_response", 4, residents=1200, steps=60, run_until="steps")
    b = CoordinationModel(
        "default",
        "no_response",
        4,
        residents=1200,
        steps=60,
        run_until="steps",
        horizontal_links=1.0,
        platform=True,
    )
    a.run(), b.run()
    assert np.array_equal(a.hazard.affected, b.hazard.affected)


# ------------------------------------------------------------------------------- the state machine


def test_committee_state_changes_are_only_the_legal_ones():
    legal = {
        (G.NORMAL, G.PRE_TRANSITION),
        (G.NORMAL, G.EMERGENCY),
        (G.PRE_TRANSITION, G.EMERGENCY),
        (G.PRE_TRANSITION, G.NORMAL),
        (G.EMERGENCY, G.POST_TRANSITION),
        (G.POST_TRANSITION, G.EMERGENCY),
        (G.POST_TRANSITION, G.NORMAL),
    }
    seen = Counter()
    for pattern in ("siloed", "command", "full_cycle", "co_governance"):
        for seed in range(3):
            model = CoordinationModel("default", pattern, seed, residents=1500)
            model.run()
            states = model.series.states[: model.series.n]
            for c in range(states.shape[1]):
                for x, y in zip(states[:-1, c], states[1:, c]):
                    if x != y:
                        assert (G(x), G(y)) in legal, (pattern, seed, c, x, y)
                        seen[(G(x), G(y))] += 1
    assert seen[(G.NORMAL, G.PRE_TRANSITION)] > 0 and seen[(G.EMERGENCY, G.POST_TRANSITION)] > 0


def test_a_committee_reads_back_every_state_it_is_put_in():
    # The committee reads its state from the community's number by position (a tuple of the states):
    # every state must come back as itself, whatever its number.
    model = CoordinationModel(
        "default", "full_cycle", 1, residents=800, street_offices=1, communities_per_street=2
    )
    committee = model.committees[1]
    for state in G:
        committee.state = state
        assert committee.state is state
        assert model.world.communities.state[1] == state.value


def test_a_state_change_counts_once_and_closes_its_request():
    model = CoordinationModel("default", "co_governance", 1, residents=1200)
    gov, c = model.governance, model.committees[0]
    gov.note_request(c, 0, G.EMERGENCY)
    gov.change_state(c, G.EMERGENCY, at=0.5)
    assert model.tally.emergencies == 1 and model.tally.decisions == [(0, 0.0, 0.5)]
    assert G.EMERGENCY not in gov.open_requests[0]
    gov.change_state(c, G.EMERGENCY)  # no change: nothing counted
    assert model.tally.emergencies == 1
    gov.change_state(c, G.POST_TRANSITION)
    gov.change_state(c, G.EMERGENCY)
    assert model.tally.secondary_crises == 1 and model.tally.emergencies == 2


# ------------------------------------------------------------------------------- the decision seam


class Echo:
    """A decider that takes every suggestion and keeps what it saw."""

    def __init__(self) -> None:
        self.seen: list[Decision] = []

    def decide(self, decision: Decision):
        self.seen.append(decision)
        assert decision.suggested in decision.options
        assert decision.kind in KINDS
        assert "true_risk" not in decision.facts
        return decision.suggested


@pytest.mark.parametrize(
    "scenario, pattern, seed, levers",
    [
        ("default", "siloed", 0, {}),
        ("default", "full_cycle", 5, {}),
        ("rural_flood", "platform", 1, {}),
        ("default", "command", 2, {}),
        ("default", "co_governance", 3, {"alert_rule": "confirm"}),
        ("default", "platform", 4, {"alert_rule": "vote", "command": True}),
    ],
)
def test_a_decider_taking_every_suggestion_reproduces_the_rules_bit_for_bit(scenario, pattern, seed, levers):
    """Also guards the committees' rest: the rules' run skips committees with nothing to decide
    (CommunityCommittee.at_rest), a decider's run asks every committee every day."""
    echo = Echo()
    rules = CoordinationModel(scenario, pattern, seed, residents=1500, **levers)
    people = CoordinationModel(
        scenario, pattern, seed, residents=1500, deciders={k: echo for k in ALL_KINDS}, **levers
    )
    a, b = rules.run(), people.run()
    assert {k: v for k, v in a.items() if not math.isnan(v)} == {
        k: v for k, v in b.items() if not math.isnan(v)
    }
    assert rules.series.frame().equals(people.series.frame())
    # What every committee knows at the end (its quiet days, confirmations, ...) is the same too.
    ours, theirs = vars(rules.world.communities), vars(people.world.communities)
    for column, values in ours.items():
        if isinstance(values, np.ndarray):
            assert np.array_equal(values, theirs[column]), column
    assert {d.kind for d in echo.seen} >= {"request_state"}


def test_a_decider_changes_the_run_where_it_decides():
    class Refuse:
        def decide(self, decision):
            return "refuse" if decision.kind == "approve_state" else decision.suggested

    base = run_once("default", "siloed", seed=3, residents=1500)
    refused = run_once("default", "siloed", seed=3, residents=1500, deciders={"government": Refuse()})
    assert (
        refused["emergencies"] + refused["days_pre_transition"]
        < base["emergencies"] + base["days_pre_transition"]
    )


def test_deciders_by_node_override_the_kind():
    echo_kind, echo_node = Echo(), Echo()
    model = CoordinationModel("default", "co_governance", 3, residents=1200)
    node = model.committees[0].node
    model = CoordinationModel(
        "default", "co_governance", 3, residents=1200, deciders={"committee": echo_kind, node: echo_node}
    )
    model.run()
    assert echo_node.seen and all(d.node == node for d in echo_node.seen)
    assert all(d.node != node for d in echo_kind.seen)


def test_a_choice_outside_the_options_is_refused_naming_the_decision():
    class Wild:
        def decide(self, decision):
            return "launch"

    with pytest.raises(
        CoopError, match=r"decision request_state of committee .* choice 'launch' is not allowed"
    ):
        run_once("default", "co_governance", seed=3, residents=1200, deciders={"committee": Wild()})
    d = Decision("warn", ("warn", "silent"), "warn", 1, "committee", 0, 3)
    assert check_choice(d, "silent") == "silent"
    assert RULES.decide(d) == "warn"


def test_unknown_decider_keys_are_refused():
    with pytest.raises(CoopError, match="neither an organisation kind"):
        CoordinationModel("default", "siloed", 0, residents=600, deciders={"mayor": Echo()})
    with pytest.raises(CoopError, match="no decide"):
        CoordinationModel("default", "siloed", 0, residents=600, deciders={"committee": object()})


def test_the_time_series_keeps_every_day_when_it_grows_past_its_rows():
    """A run may outlast its preallocated rows (run_until an event's end): the series doubles and
    every recorded day, scalar and matrix alike, reads back as written."""
    from coop_agents.metrics import TimeSeries

    series = TimeSeries(steps=2, n_communities=3)  # 3 rows, then 6, then 12
    for day in range(10):
        series.record(harm=float(day), states=np.full(3, day % 4), risk=np.full(3, day / 10))
    assert series.n == 10
    assert series.data["harm"][:10].tolist() == [float(d) for d in range(10)]
    assert series.states[:10, 1].tolist() == [d % 4 for d in range(10)]
    assert np.allclose(series.matrices["risk"][:10, 2], [d / 10 for d in range(10)])
    assert not series.data["trust"][:10].any()  # what is not given stays 0


@pytest.mark.parametrize("scenario", ["default", "recurring"])
def test_a_run_returns_the_outcomes_worked_out_as_it_ended(scenario):
    """run() hands back the outcomes the last day's metrics phase worked out: the same as working
    them out again (several events included: the learning twin), and a copy the caller may change."""
    model = CoordinationModel(scenario, "full_cycle", 3)
    out = model.run()
    again = model.outcomes()
    assert out.keys() == again.keys()
    assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(out.values(), again.values()))
    out["harm"] = -1.0
    assert model.run()["harm"] == again["harm"] != -1.0


def test_each_events_state_moves_are_counted_day_by_day():
    """An event's emergencies (moves into emergency) and secondary crises (post-transition back to
    emergency), counted over its window of the per-community states, one community and day at a time."""
    from coop_agents.metrics import event_outcomes

    model = CoordinationModel("recurring", "siloed", 1)
    model.run()
    states = model.series.states[: model.series.n].astype(int)
    specs = model.hazard.begun
    events = event_outcomes(model)
    assert len(events) >= 2 and sum(e["emergencies"] for e in events) > 0
    for e, event in enumerate(events):
        lo = specs[e].day
        hi = specs[e + 1].day if e + 1 < len(specs) else model.series.n
        moves = [(states[d, c], states[d + 1, c]) for d in range(lo, hi - 1) for c in range(states.shape[1])]
        assert event["emergencies"] == sum(a != 2 and b == 2 for a, b in moves)
        assert event["secondary_crises"] == sum(a == 3 and b == 2 for a, b in moves)
