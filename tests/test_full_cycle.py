"""The full cycle over time: several events, learning between them, trust and false alarms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coop_agents import CoordinationModel, run_once
from coop_agents.errors import ConfigError
from coop_agents.metrics import EVENT_OUTCOMES, event_outcomes

TWO_EPIDEMICS = """
name = "two_epidemics"
[parameters]
hazard = "contagion"
arrival = "schedule"
residents = 1800
street_offices = 2
communities_per_street = 3
steps = 180
[[events]]
day = 0
hazard = "contagion"
[[events]]
day = 90
hazard = "contagion"
"""


@pytest.fixture
def two_epidemics(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text(TWO_EPIDEMICS)
    return path


def test_fact9_learning_after_one_event_improves_the_next(two_epidemics, paired):
    """Paired runs with and without the after-action review: the second event goes better."""
    _, ci = paired
    second = {True: [], False: []}
    for seed in range(40):
        for learning in (True, False):
            model = CoordinationModel(two_epidemics, "siloed", seed, learning=learning, learning_rate=0.5)
            model.run()
            second[learning].append(event_outcomes(model)[1])
    first_draws = [e["harm"] for e in second[True]], [e["harm"] for e in second[False]]
    assert first_draws[0] != first_draws[1], "learning should change what happens in event 2"
    for key in ("response_delay", "harm"):
        with_review = [e[key] for e in second[True]]
        without = [e[key] for e in second[False]]
        _, _, high = ci(without, with_review)
        assert high < 0, f"{key} of the next event should fall after learning"
    assert np.mean([e["lessons_at_start"] > 0 for e in second[True]]) > 0.6, "most runs had a review"
    assert all(e["lessons_at_start"] == 0 for e in second[False])


def test_cry_wolf_lower_alert_threshold_fewer_misses_more_false_alarms_less_trust(paired):
    runs, ci = paired
    r = runs(
        "co_governance",
        {"low": dict(alert_threshold=0.1), "high": dict(alert_threshold=0.4)},
        range(30),
        scenario="recurring",
        steps=365,
    )
    _, lo, _ = ci(r["low"]["missed_windows"], r["high"]["missed_windows"])
    assert lo > 0, "a higher threshold should miss more windows"
    _, _, high = ci(r["low"]["false_alarms"], r["high"]["false_alarms"])
    assert high < 0, "a higher threshold should give fewer false alarms"
    _, lo, _ = ci(r["low"]["mean_trust"], r["high"]["mean_trust"])
    assert lo > 0, "fewer false alarms should leave residents more trusting"


def test_false_alarms_cost_trust_and_trust_recovers():
    base = dict(residents=1200, street_offices=1, communities_per_street=4, steps=365, alert_threshold=0.1)
    noisy = run_once("recurring", "co_governance", seed=2, **base)
    assert noisy["false_alarms"] > 0 and noisy["mean_trust"] < 0.6
    forgiving = run_once(
        "recurring", "co_governance", seed=2, cry_wolf_penalty=0.0, missed_penalty=0.0, **base
    )
    assert forgiving["mean_trust"] > noisy["mean_trust"]
    quick = run_once("recurring", "co_governance", seed=2, trust_recovery=10.0, **base)
    assert quick["mean_trust"] > noisy["mean_trust"]


def test_compound_scenario_reports_both_hazards():
    model = CoordinationModel("flood_during_epidemic", "full_cycle", 3)
    out = model.run()
    events = event_outcomes(model)
    assert [e["hazard"] for e in events] == ["contagion", "shock"]
    assert [e["day"] for e in events] == [0.0, 30.0]
    assert all(e["harm"] > 0 for e in events)
    assert out["events"] == 2
    assert set(EVENT_OUTCOMES) <= set(events[0])
    assert out["harm"] <= sum(e["harm"] for e in events)


def test_poisson_arrivals_over_a_long_horizon_are_deterministic_by_seed():
    over = dict(residents=1200, street_offices=1, communities_per_street=4, steps=730)
    a = CoordinationModel("recurring", "full_cycle", 5, **over)
    b = CoordinationModel("recurring", "full_cycle", 5, **over)
    c = CoordinationModel("recurring", "full_cycle", 6, **over)
    for m in (a, b, c):
        m.run()
    assert [e.day for e in a.hazard.specs] == [e.day for e in b.hazard.specs]
    assert event_outcomes(a) == event_outcomes(b) or all(
        (x == y) or (isinstance(x, float) and math.isnan(x) and math.isnan(y))
        for ea, eb in zip(event_outcomes(a), event_outcomes(b))
        for x, y in zip(ea.values(), eb.values())
    )
    assert a.series.frame().equals(b.series.frame())
    assert [e.day for e in a.hazard.specs] != [e.day for e in c.hazard.specs]
    assert len(a.hazard.specs) >= 2, "about three events a year over two years"


def test_events_share_draws_across_patterns():
    """Both patterns face the same arrivals, and where governance does not touch residents the
    events infect exactly the same residents: no response against no response with a platform and
    every horizontal tie (more messages, different queues), event by event."""
    over = dict(residents=1200, street_offices=1, communities_per_street=4, steps=365)
    a = CoordinationModel("recurring", "siloed", 9, **over)
    b = CoordinationModel("recurring", "full_cycle", 9, prevention=False, **over)
    a.run(), b.run()
    assert [e.day for e in a.hazard.begun] == [e.day for e in b.hazard.begun]
    assert len(a.hazard.begun) >= 2
    quiet = CoordinationModel("recurring", "no_response", 9, **over)
    busy = CoordinationModel("recurring", "no_response", 9, platform=True, horizontal_links=1.0, **over)
    quiet.run(), busy.run()
    assert busy.outcomes()["messages"] != quiet.outcomes()["messages"] or busy.outcomes()["messages"] == 0
    for x, y in zip(quiet.hazard.events, busy.hazard.events, strict=True):
        assert np.array_equal(x.affected, y.affected)


def test_readiness_builds_with_budget_and_fades_without_upkeep():
    over = dict(
        residents=600,
        street_offices=1,
        communities_per_street=2,
        steps=365,
        initial_cases=0,
        run_until="steps",
    )  # a year without any event
    kept = CoordinationModel("default", "siloed", 0, peacetime_budget=0.6, **over)
    kept.world.communities.readiness[:] = 0.1
    neglected = CoordinationModel("default", "siloed", 0, peacetime_budget=0.6, preparation=False, **over)
    kept.run(), neglected.run()
    assert (kept.world.communities.readiness > 0.3).all(), (
        "drills with a budget build readiness in normal times"
    )
    assert (neglected.world.communities.readiness == 0).all()
    lapsed = CoordinationModel("default", "siloed", 0, peacetime_budget=0.0, **over)
    lapsed.world.communities.readiness[:] = 0.5
    lapsed.run()
    assert (lapsed.world.communities.readiness < 0.5 * math.exp(-0.9)).all(), (
        "readiness fades about e-fold a year"
    )


@pytest.mark.parametrize(
    "events, needle",
    [
        ("[[events]]\nday = -1\nhazard = 'contagion'", "day"),
        ("[[events]]\nday = 3\nhazard = 'meteor'", "meteor"),
        ("[[events]]\nwhen = 3", "day"),
    ],
)
def test_bad_event_schedule_is_refused(tmp_path, events, needle):
    path = tmp_path / "s.toml"
    path.write_text(f"name = 's'\n[parameters]\narrival = 'schedule'\n{events}\n")
    with pytest.raises(ConfigError) as err:
        run_once(path, "siloed", seed=0, residents=200, steps=5)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_schedule_without_events_is_refused(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("name = 's'\n[parameters]\narrival = 'schedule'\n")
    with pytest.raises(ConfigError, match="events"):
        run_once(path, "siloed", seed=0, residents=200, steps=5)
