"""The outcome definitions' guard: invariants that follow from the registry's definitions, checked
over random scenarios, patterns, seeds and sizes (property-based, with hypothesis).

Each test's docstring states the invariant; docs/validation.md lists them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop_agents import CoordinationModel, run_once
from coop_agents.governance import GovernanceState
from coop_agents.metrics import community_delays
from coop_agents.outcome_registry import OUTCOMES, table_outcomes
from coop_agents.patterns import preset_names

SINGLE = ["default", "old_urban_epidemic", "chemical_leak", "heatwave", "rural_flood"]
SETTINGS = settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

runs = st.fixed_dictionaries(
    {
        "scenario": st.sampled_from(SINGLE),
        "pattern": st.sampled_from(preset_names()),
        "seed": st.integers(0, 2**31),
        "residents": st.integers(200, 1000),
        "steps": st.integers(15, 250),
    }
)


def build(r: dict, **extra) -> CoordinationModel:
    return CoordinationModel(
        r["scenario"], r["pattern"], r["seed"], residents=r["residents"], steps=r["steps"], **extra
    )


@SETTINGS
@given(runs)
def test_counts_whole_and_non_negative_and_every_outcome_reported(r):
    """Every outcome of the registry is reported; counts are whole, non-negative numbers; the
    vulnerable part of unmet need never exceeds the whole; the equity gap is a difference of two
    shares; every community is in exactly one state each day of the run."""
    model = build(r)
    out = model.run()
    assert list(out) == list(OUTCOMES)
    for key, o in OUTCOMES.items():
        if o.count and not math.isnan(out[key]):
            assert out[key] >= 0 and float(out[key]).is_integer(), (key, out[key])
    assert out["unmet_need_days_vulnerable"] <= out["unmet_need_days"]
    assert math.isnan(out["equity_gap"]) or -1 <= out["equity_gap"] <= 1
    days = sum(out[f"days_{s.name.lower()}"] for s in GovernanceState)
    assert days == model.steps * model.n_communities
    assert out["truncated"] in (0.0, 1.0) and out["prevented"] in (0.0, 1.0)


@SETTINGS
@given(runs)
def test_a_part_of_a_delay_never_exceeds_the_whole(r):
    """Per community: detection delay <= response delay; the first authorised decision comes no
    later than the first measure (so the wait for a decision after the onset is part of the
    response delay); and the means obey the same order (they average over the same communities)."""
    model = build(r)
    out = model.run()
    d = community_delays(model)
    reached = d["onset"] >= 0
    assert (d["detection_delay"][reached] <= d["response_delay"][reached]).all()
    measured = d["first_measure"] >= 0
    assert (d["first_decision"][measured] <= d["first_measure"][measured]).all()
    if not math.isnan(out["response_delay"]):
        assert out["detection_delay"] <= out["response_delay"]


@SETTINGS
@given(runs)
def test_harm_after_the_event_is_over_does_not_change_when_the_cap_is_raised(r):
    """A run that ended because its event was over gives the same outcomes under a higher cap; a
    run that reached the cap says so (truncated)."""
    model = build(r)
    out = model.run()
    if out["truncated"]:
        assert model.steps == r["steps"]
        assert not model.event_over()
        return
    assert model.steps <= r["steps"] and model.event_over()
    longer = build({**r, "steps": r["steps"] * 2}).run()
    assert {k: v for k, v in longer.items() if not math.isnan(v)} == {
        k: v for k, v in out.items() if not math.isnan(v)
    }


@SETTINGS
@given(runs)
def test_decision_latency_is_taken_over_decisions_on_their_own_clock(r):
    """Decision latency is the mean over authorised changes of decided - asked, each >= 0; a
    committee that decides itself takes its deliberation (part of a day), not a whole step."""
    model = build(r)
    out = model.run()
    decisions = model.tally.decisions
    if not decisions:
        assert math.isnan(out["decision_latency"])
        return
    waits = [d - a for _, a, d in decisions]
    assert min(waits) >= 0
    assert out["decision_latency"] == pytest.approx(np.mean(waits))


def test_own_decisions_are_sub_day():
    """Under co_governance (committees hold the authority) every decision takes the deliberation:
    less than a day, not floored at the next step."""
    model = CoordinationModel("default", "co_governance", 3, residents=1200)
    out = model.run()
    assert 0 < out["decision_latency"] < 1
    # Half the deliberation, which lessons shorten over the run: never a whole day.
    waits = [d - a for _, a, d in model.tally.decisions]
    assert waits and all(0 < w <= model.effects.base_deliberation_days * 0.5 + 1e-12 for w in waits)


@pytest.mark.parametrize("pattern", ["no_response", "siloed", "full_cycle"])
def test_without_an_event_the_event_outcomes_are_na(pattern):
    """With prevention removing every index case nothing is harmed, the run ends at once, and the
    delays and containment time are n/a (prevented says why)."""
    out = run_once(
        "default",
        pattern,
        seed=1,
        residents=600,
        initial_cases=1,
        transmission=0.0,
        prevention=True,
        intellect=1.0,
        technology=1.0,
    )
    if out["prevented"]:
        assert out["harm"] == 0
        for key in ("detection_delay", "response_delay", "containment_time"):
            assert math.isnan(out[key]), key
    else:
        assert out["harm"] >= 1 and not math.isnan(out["containment_time"])


def test_prevented_runs_are_counted_and_have_no_containment_time():
    found = []
    for seed in range(40):
        out = run_once("default", "full_cycle", seed=seed, residents=600, initial_cases=1)
        if out["prevented"]:
            found.append(out)
    assert found, "with one index case, screening removes it in some seeds"
    for out in found:
        assert out["harm"] == 0 and math.isnan(out["containment_time"]) and out["truncated"] == 0


@pytest.mark.parametrize("pattern", ["siloed", "full_cycle"])
def test_learning_gain_is_zero_without_learning_and_a_paired_counterfactual_with_it(pattern):
    """Learning gain = the same seed with learning off minus this run: exactly 0 with learning off."""
    off = run_once("recurring", pattern, seed=2, residents=1200, steps=400, learning=False)
    assert off["learning_gain"] == 0.0
    model = CoordinationModel("recurring", pattern, 2, residents=1200, steps=400, learning=True)
    on = model.run()
    twin = model.counterfactual(learning=False)
    assert twin.steps == model.steps
    assert twin.outcomes()["learning_gain"] == 0.0
    from coop_agents.metrics import event_outcomes

    def mean_delay(m):
        delays = [e["response_delay"] for e in event_outcomes(m) if not math.isnan(e["response_delay"])]
        return np.mean(delays)

    assert on["learning_gain"] == pytest.approx(mean_delay(twin) - mean_delay(model))


def test_several_event_outcomes_are_hidden_in_single_event_tables():
    assert "events" not in table_outcomes("contagion", several_events=False)
    assert "learning_gain" in table_outcomes("contagion", several_events=True)
    assert "detection_delay_rural" not in table_outcomes("contagion", several_events=True)


def test_shock_runs_name_the_peak_for_shocks():
    from coop_agents.outcome_registry import outcome_label

    assert outcome_label("peak_prevalence", "en", "shock") == "Peak share exposed"
    assert outcome_label("peak_prevalence", "en", "contagion") == "Peak prevalence"


def test_unneeded_measures_and_wind_down_are_kept_apart():
    """Wind-down counts exactly the resident-days under graded post-transition measures; an abrupt
    wind-down has none."""
    seen_wind_down = False
    for seed in range(8):
        graded = CoordinationModel("default", "siloed", seed, residents=1200, deescalation="graded")
        g = graded.run()
        a = run_once("default", "siloed", seed=seed, residents=1200, deescalation="abrupt")
        assert a["wind_down_days"] == 0
        post = graded.series.states[: graded.series.n] == GovernanceState.POST_TRANSITION
        level = graded.series.matrices["level"][: graded.series.n]
        assert g["wind_down_days"] == pytest.approx(
            float(((post & (level > 0)) * graded.community_size).sum())
        )
        seen_wind_down |= g["wind_down_days"] > 0
    assert seen_wind_down
