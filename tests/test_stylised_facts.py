"""Stylised facts of design §2.10, each over paired replicates with a criterion that can fail.

Every arm of a fact runs on the same seeds (common random numbers), so the paired difference's
95% confidence interval must exclude zero in the stated direction. The runs and intervals are
computed by :mod:`coop_agents.validation`, which ``make docs`` also uses to write
``docs/validation.md``: the document shows the numbers these tests check. Fact 10 compares the
model with every action off against an independent plain network SEIR.
"""

from __future__ import annotations

import pytest

from coop_agents import validation as v

# Many paired seeds each: `pytest -m "not slow"` leaves them out for a quick loop; make test runs them.
pytestmark = pytest.mark.slow


def _why(c: v.Comparison) -> str:
    return (
        f"{c.what or c.outcome}: {c.after} - {c.before} = {c.mean:.3g}, 95% CI [{c.low:.3g}, {c.high:.3g}] "
        f"should be {'above' if c.expect == 'higher' else 'below'} 0"
    )


def test_fact1_vertical_latency_slows_response_and_escalates():
    """More vertical latency → longer response delay and more communities past the critical point."""
    fact = v.fact1_vertical_latency()
    for outcome in ("response_delay", "decision_latency", "missed_windows"):
        c = fact.comparison(outcome, "fast", "slow")
        assert c.low > 0, _why(c)


def test_fact2_horizontal_links_cut_response_delay_first_few_most():
    """Horizontal or platform links cut response delay; the first ties give most of the gain.

    Diminishing returns: the first half of the possible ties gives more than half of the gain
    of all of them.
    """
    fact = v.fact2_horizontal_links()
    c = fact.comparison("response_delay", "none", "all")
    assert c.high < 0, "all horizontal ties should cut response delay; " + _why(c)
    c = fact.comparison("response_delay", "none", "platform")
    assert c.high < 0, "the platform should cut response delay; " + _why(c)
    assert fact.values["gain_few"] > 0.5 * fact.values["gain_all"], (
        "the first half of the ties should give most of the gain"
    )


def test_fact4_responsibility_lists_cut_buck_passing_and_missed_windows():
    """Unclear ownership → buck-passing and missed windows; responsibility lists reduce both."""
    fact = v.fact4_responsibility_lists()
    for outcome in ("buck_passing_events", "missed_windows"):
        c = fact.comparison(outcome, "unclear", "lists")
        assert c.high < 0, _why(c)


def test_fact4_approval_rules_miss_windows():
    """Approval up the vertical chain (district) misses more windows than local authority."""
    fact = v.fact4_approval_rules()
    for outcome in ("missed_windows", "buck_passing_events"):
        c = fact.comparison(outcome, "district", "committee")
        assert c.high < 0, _why(c)


def test_fact5_mitigation_in_pre_transition_decides_decrisis_or_emergency():
    """Timely mitigation near the critical point → de-crisis; without it → emergency."""
    fact = v.fact5_mitigation()
    c = fact.comparison("emergencies", "mitigate", "wait")
    assert c.low > 0, "without mitigation more communities should end in emergency; " + _why(c)
    assert fact.values["decrisis_share_mitigate"] > fact.values["decrisis_share_wait"]
    c = fact.comparison("missed_windows", "mitigate", "wait")
    assert c.low > 0, _why(c)


def test_fact6_abrupt_deescalation_brings_secondary_crises():
    """Abrupt withdrawal → more secondary crises; graded → fewer, with more days under measures."""
    fact = v.fact6_deescalation()
    c = fact.comparison("secondary_crises", "graded", "abrupt")
    assert c.low > 0, _why(c)
    c = fact.comparison("wind_down_days", "graded", "abrupt")
    assert c.high < 0, "graded withdrawal keeps residents under measures longer; " + _why(c)


def test_fact7_no_registry_widens_equity_gap():
    """Without a vulnerable registry, vulnerable residents' needs go unmet more than others'."""
    fact = v.fact7_vulnerable_registry()
    for outcome in ("equity_gap", "unmet_need_days_vulnerable"):
        c = fact.comparison(outcome, "registry", "none")
        assert c.low > 0, _why(c)


def test_fact8_low_infrastructure_detects_later_technology_narrows_gap():
    """Rural communities detect later than urban ones; the technology pillar narrows the gap."""
    fact = v.fact8_infrastructure_and_technology()
    c = fact.comparison("gap", "urban", "low")
    assert c.low > 0, "rural communities should detect later without technology; " + _why(c)
    c = fact.comparison("gap", "high", "low")
    assert c.low > 0, "technology should narrow the rural-urban gap; " + _why(c)


@pytest.mark.parametrize("transmission", [0.06, 0.1])
def test_fact10_no_response_matches_plain_network_seir(transmission):
    """With every action off the contagion's mean final size equals a plain SEIR's (same graph)."""
    fact = v.fact10_plain_seir(transmission)
    m, ref = fact.values["model_mean"], fact.values["reference_mean"]
    assert fact.values["pvalue"] > 0.01, (m, ref)
    # And both really are epidemics of the same order (the test would fail on a broken hazard).
    assert abs(m - ref) < 0.15 * ref + 10
    assert m > 10
