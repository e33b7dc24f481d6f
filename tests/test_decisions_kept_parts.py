"""The decision phase's shortcuts against what they stand for, computed from scratch on real runs."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.agents.committee import CommunityCommittee
from coop_agents.states import GovernanceState as G

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


def _grade_counts_from_scratch(government, t):
    """The communities counted as in emergency and as alerting, as the grade counted them before
    its one-pass lists: the fresh communities first, then their reports."""
    rules = government.rules
    cfg = rules.config
    if t - government.last_report > 3:
        return 0, 0
    fresh = [c for c, (_state, day) in government.status.items() if t - day <= 3]
    if cfg.response_level == "states":
        reported = [government.status[c][0] for c in fresh]
        emergency = reported.count(G.EMERGENCY)
        return emergency, len(reported) - reported.count(G.NORMAL) - reported.count(-1)
    risks = [government.picture[c] for c in fresh]
    return (
        len([r for r in risks if r >= cfg.emergency_threshold]),
        len([r for r in risks if r >= cfg.alert_threshold]),
    )


@pytest.mark.parametrize("response_level", ["risk", "states"])
@pytest.mark.parametrize(
    "scenario, pattern, seed", [("default", "full_cycle", 5), ("rural_flood", "platform", 1)]
)
def test_the_district_grades_on_the_counts_from_scratch(monkeypatch, scenario, pattern, seed, response_level):
    """Every day the level graded is the one the counts made from scratch give (the grade is asked
    to set it from them; both counts are checked through the facts a decider would be shown)."""
    from coop_agents.agents.authorities import Government
    from coop_agents.decisions import RULES

    seen = []

    class Watch:
        def decide(self, decision):
            seen.append(decision)
            return decision.suggested

    grade = Government.grade

    def checked(self, t):
        expected = _grade_counts_from_scratch(self, t)
        before = len(seen)
        self.decider = Watch()  # so the grade shows its counts, and then decides as the rules
        try:
            grade(self, t)
        finally:
            self.decider = RULES
        facts = seen[before].facts
        assert (facts["communities_in_emergency"], facts["communities_alerting"]) == expected

    monkeypatch.setattr(Government, "grade", checked)
    model = CoordinationModel(
        scenario, pattern, seed, residents=1500, steps=80, response_level=response_level
    )
    model.run()
    assert seen and max(d.facts["communities_alerting"] for d in seen) > 0


@pytest.mark.parametrize("response_level", ["risk", "states"])
def test_the_district_grades_on_the_counts_from_scratch_at_the_edges(response_level):
    """Reports exactly three days old still count, a day older do not; risks exactly at a threshold
    count."""
    from coop_agents.decisions import RULES

    model = CoordinationModel(
        "default", "full_cycle", 5, residents=1500, steps=3, response_level=response_level
    )
    model.run()
    government, cfg = model.roster.government, model.config
    seen = []

    class Watch:
        def decide(self, decision):
            seen.append(decision)
            return decision.suggested

    rng = np.random.default_rng(3)
    t = 20
    risks = [0.0, cfg.alert_threshold, cfg.emergency_threshold, 0.5 * cfg.alert_threshold, 1.0]
    for _ in range(60):
        government.status = {
            c: (int(rng.integers(-1, 4)), t - int(rng.integers(0, 6)))
            for c in range(model.world.communities.n)
        }
        government.picture = {c: risks[rng.integers(len(risks))] for c in government.status}
        government.last_report = max(day for _s, day in government.status.values())
        government.decider = Watch()
        government.grade(t)
        government.decider = RULES
        facts = seen[-1].facts
        assert (
            facts["communities_in_emergency"],
            facts["communities_alerting"],
        ) == _grade_counts_from_scratch(government, t)


def test_an_organisation_that_still_owes_has_work_on_a_day_without_mail():
    """A quiet day (no mail since the last look) still finds those whose debts carry over."""
    from coop_agents.messaging import Message

    model = CoordinationModel("default", "siloed", 1, residents=1500, steps=5)
    roster = model.roster
    office = next(iter(roster.street_offices.values()))
    committee = next(c for c in roster.committees if c.street == office.street)
    office.stock = 0.0  # it cannot pay: the debt carries over
    roster.deliver([Message("resource_request", committee.index, office.index, committee.community, 5.0)])
    for day in range(3):
        work = roster.with_work()
        from_scratch = [o for o in roster.organisations if o.inbox or o.owed or o.busy]
        assert work == from_scratch, day
        assert office in work
        for org in work:
            org.step()
