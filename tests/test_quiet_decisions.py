"""The decision phase's shortcuts decide what the full computation decides: the organisations with
work are picked before any of them steps, as each would be picked at its turn; the district counts
no report once its newest is too old, and sets no level when it has none and chooses none."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.agents.organisation import Organisation
from coop_agents.agents.organisations import Roster
from coop_agents.governance import LEVEL_FRESH_DAYS


@pytest.mark.parametrize(
    "scenario, pattern, overrides, seen",
    [
        # the district grades its level every day: a duty of its own beside other organisations' mail
        ("default", "full_cycle", {"steps": 60}, "busy"),
        # the command node decides half a request a day: its queue keeps it busy from day to day
        ("heatwave", "command", {"span_of_control": 0.5}, "queue"),
        # suppliers that run short still owe what they were asked for on the following days
        ("old_urban_epidemic", "siloed", {}, "owed"),
    ],
)
def test_organisations_with_work_are_those_picked_at_their_turn(
    monkeypatch, scenario, pattern, overrides, seen
):
    days = {"busy": 0, "queue": 0, "owed": 0}
    picked = Roster.with_work

    def at_their_turn(self: Roster):
        upfront = picked(self)
        days["busy"] += any(o.busy for o in upfront)
        days["queue"] += any(getattr(o, "queue", None) for o in upfront)
        days["owed"] += any(o.owed for o in upfront)

        def each_at_its_turn():
            # The rule as it reads, judged for each organisation after the ones before it stepped.
            stepped = []
            for org in self.organisations:
                if org.inbox or org.owed or (type(org).busy is not Organisation.busy and org.busy):
                    stepped.append(org)
                    yield org
            assert stepped == upfront

        return each_at_its_turn()

    monkeypatch.setattr(Roster, "with_work", at_their_turn)
    CoordinationModel(scenario, pattern, 1, **overrides).run()
    assert days[seen] > 0  # the case the run is here for happened


def test_the_newest_report_is_the_one_read_last():
    """The district skips its count once its newest report is more than three days old."""
    m = CoordinationModel("default", "full_cycle", 2, steps=60)
    gov = m.roster.government
    stale_days = 0
    for _ in range(60):
        m.step()
        newest = max((day for _state, day in gov.status.values()), default=None)
        assert newest is None or gov.last_report == newest
        stale_days += newest is not None and m.steps - newest > LEVEL_FRESH_DAYS
    assert gov.status and stale_days > 0  # reports came, and then stopped for a while


def test_a_stale_picture_grades_no_level_and_a_held_level_still_keeps_committees_vigilant():
    m = CoordinationModel("default", "full_cycle", 2, steps=60)
    gov, rules = m.roster.government, m.governance
    for _ in range(5):
        m.step()
    t = m.steps
    gov.status = {0: (2, t - LEVEL_FRESH_DAYS - 1)}  # one emergency, reported too long ago
    gov.picture = {0: 1.0}
    gov.last_report = t - LEVEL_FRESH_DAYS - 1
    rules.level, gov.lower_since = 0, None
    vigilant = m.world.communities.vigilant_until.copy()
    gov.grade(t)
    assert rules.level == 0 and np.array_equal(m.world.communities.vigilant_until, vigilant)
    # At level IV the same stale picture holds the level (a lower one must hold for a week) and
    # the level renews every committee's vigilance for today.
    rules.level = 1
    gov.grade(t)
    assert rules.level == 1 and gov.lower_since == t
    assert (m.world.communities.vigilant_until >= t + 1).all()
    # A fresh report counts again.
    gov.status, gov.last_report = {0: (2, t)}, t
    gov.grade(t)
    assert rules.level == 2  # one community in emergency: level III
