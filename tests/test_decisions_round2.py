"""The decision phase's shortcuts against what they stand for, computed from scratch on real runs."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.agents.committee import CommunityCommittee

RUNS = [
    ("default", "full_cycle", 5, {}),
    ("default", "siloed", 0, {}),
    ("rural_flood", "platform", 1, {}),
    ("default", "command", 5, {}),
    ("default", "co_governance", 3, {"alert_rule": "confirm"}),
    ("chemical_leak", "party_led", 4, {}),
    ("default", "full_cycle", 6, {"alert_threshold": 0.0}),
]


def _by_rest(committees, communities, config):
    """The committees that decide today and the rows after the rest, the long way: every
    committee's rest flag, the rest applied to a copy of the rows."""
    rows = copy.copy(communities)
    rows.quiet_days = communities.quiet_days.copy()
    rows.confirmed = communities.confirmed.copy()
    at_rest = CommunityCommittee.at_rest(committees, rows, config)
    CommunityCommittee.rest(rows, at_rest, config)
    return [c for c, rests in zip(committees, at_rest.tolist()) if not rests], rows


@pytest.mark.parametrize("scenario, pattern, seed, levers", RUNS)
def test_the_committees_that_decide_are_those_not_at_rest(monkeypatch, scenario, pattern, seed, levers):
    deciding = CommunityCommittee.deciding
    days = []

    def checked(committees, communities, config):
        expected, rows = _by_rest(committees, communities, config)
        got = deciding(committees, communities, config)
        assert [c.community for c in got] == [c.community for c in expected]
        assert np.array_equal(communities.quiet_days, rows.quiet_days)
        assert np.array_equal(communities.confirmed, rows.confirmed)
        days.append(len(got))
        return got

    monkeypatch.setattr(CommunityCommittee, "deciding", staticmethod(checked))
    CoordinationModel(scenario, pattern, seed, residents=1500, steps=80, **levers).run()
    assert days and max(days) > 0  # some days some committees decided


def test_the_committees_that_decide_on_odd_perceptions():
    """Negative zero rests as zero does; NaN and tiny numbers do not rest."""
    model = CoordinationModel("default", "full_cycle", 5, residents=1500, steps=5)
    model.run()
    committees, comm, cfg = model.committees, model.world.communities, model.config
    rng = np.random.default_rng(1)
    for _ in range(40):
        comm.perceived[:] = rng.choice(
            [0.0, -0.0, np.nan, 1e-300, 0.3], size=comm.n, p=[0.6, 0.1, 0.1, 0.1, 0.1]
        )
        comm.state[:] = rng.choice([0, 1, 2, 3], size=comm.n, p=[0.85, 0.05, 0.05, 0.05])
        comm.quiet_days[:] = rng.integers(0, 30, size=comm.n)
        expected, rows = _by_rest(committees, comm, cfg)
        got = CommunityCommittee.deciding(committees, comm, cfg)
        assert got == expected
        assert np.array_equal(comm.quiet_days, rows.quiet_days)
