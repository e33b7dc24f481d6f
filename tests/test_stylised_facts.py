"""Stylised facts of design §2.10, each over paired replicates with a criterion that can fail.

Every arm of a test runs on the same seeds (common random numbers), so the paired difference's
95% confidence interval must exclude zero in the stated direction. Fact 10 compares the model with
every action off against an independent plain network SEIR written here.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from coop_agents.config import make_config
from coop_agents.model import resolve
from coop_agents.network import DistrictSpec, build_district, contact_matrix
from coop_agents.rng import make_streams

SEEDS = range(60)


def test_fact1_vertical_latency_slows_response_and_escalates(paired):
    """More vertical latency → longer response delay and more communities past the critical point."""
    runs, ci = paired
    r = runs("siloed", {"fast": dict(vertical_latency=0.5), "slow": dict(vertical_latency=3.0)}, SEEDS)
    mean, lo, _ = ci(r["fast"]["response_delay"], r["slow"]["response_delay"])
    assert lo > 0, f"response delay should grow with vertical latency (diff {mean:.2f}, lo {lo:.2f})"
    mean, lo, _ = ci(r["fast"]["decision_latency"], r["slow"]["decision_latency"])
    assert lo > 0
    mean, lo, _ = ci(r["fast"]["missed_windows"], r["slow"]["missed_windows"])
    assert lo > 0, f"slower lines should miss more windows (diff {mean:.2f}, lo {lo:.2f})"


def test_fact2_horizontal_links_cut_response_delay_first_few_most(paired):
    """Horizontal or platform links cut response delay; the first ties give most of the gain.

    Diminishing returns: the first half of the possible ties gives more than half of the gain
    of all of them.
    """
    runs, ci = paired
    arms = {"none": dict(horizontal_links=0.0), "few": dict(horizontal_links=0.5),
            "all": dict(horizontal_links=1.0), "platform": dict(platform=True)}
    r = runs("siloed", arms, range(80))
    _, _, hi_all = ci(r["none"]["response_delay"], r["all"]["response_delay"])
    assert hi_all < 0, "all horizontal ties should cut response delay"
    _, _, hi_plat = ci(r["none"]["response_delay"], r["platform"]["response_delay"])
    assert hi_plat < 0, "the platform should cut response delay"
    gain_few = np.nanmean(r["none"]["response_delay"] - r["few"]["response_delay"])
    gain_all = np.nanmean(r["none"]["response_delay"] - r["all"]["response_delay"])
    assert gain_few > 0.5 * gain_all, "the first half of the ties should give most of the gain"


def test_fact4_responsibility_lists_cut_buck_passing_and_missed_windows(paired):
    """Unclear ownership → buck-passing and missed windows; responsibility lists reduce both."""
    runs, ci = paired
    r = runs("platform", {"unclear": dict(responsibility_lists=0.0), "lists": dict(responsibility_lists=1.0)},
             SEEDS)
    _, _, hi = ci(r["unclear"]["buck_passing_events"], r["lists"]["buck_passing_events"])
    assert hi < 0
    _, _, hi = ci(r["unclear"]["missed_windows"], r["lists"]["missed_windows"])
    assert hi < 0, "responsibility lists should save windows"


def test_fact4_approval_rules_miss_windows(paired):
    """Approval up the vertical chain (district) misses more windows than local authority."""
    runs, ci = paired
    r = runs("siloed", {"district": dict(authority="district"), "committee": dict(authority="committee")}, SEEDS)
    _, _, hi = ci(r["district"]["missed_windows"], r["committee"]["missed_windows"])
    assert hi < 0
    _, _, hi = ci(r["district"]["buck_passing_events"], r["committee"]["buck_passing_events"])
    assert hi < 0


def test_fact5_mitigation_in_pre_transition_decides_decrisis_or_emergency(paired):
    """Timely mitigation near the critical point → de-crisis; without it → emergency."""
    runs, ci = paired
    r = runs("platform", {"mitigate": dict(), "wait": dict(mitigation=False)}, SEEDS)
    _, lo, _ = ci(r["mitigate"]["emergencies"], r["wait"]["emergencies"])
    assert lo > 0, "without mitigation more communities should end in emergency"
    share = {k: np.sum(v["decrisis"]) / max(np.sum(v["decrisis"] + v["emergencies"]), 1) for k, v in r.items()}
    assert share["mitigate"] > share["wait"]
    _, lo, _ = ci(r["mitigate"]["missed_windows"], r["wait"]["missed_windows"])
    assert lo > 0


def test_fact6_abrupt_deescalation_brings_secondary_crises(paired):
    """Abrupt withdrawal → more secondary crises; graded → fewer, with more days under measures."""
    runs, ci = paired
    # A more transmissible epidemic and a quick exit from emergency leave residual cases behind.
    r = runs("co_governance", {"graded": dict(deescalation="graded"), "abrupt": dict(deescalation="abrupt")},
             SEEDS, transmission=0.09, clear_days=2)
    _, lo, _ = ci(r["graded"]["secondary_crises"], r["abrupt"]["secondary_crises"])
    assert lo > 0
    _, _, hi = ci(r["graded"]["over_response_days"], r["abrupt"]["over_response_days"])
    assert hi < 0, "graded withdrawal keeps residents under measures longer"


def test_fact7_no_registry_widens_equity_gap(paired):
    """Without a vulnerable registry, vulnerable residents' needs go unmet more than others'."""
    runs, ci = paired
    r = runs("platform", {"registry": dict(vulnerable_registry=True), "none": dict(vulnerable_registry=False)},
             range(40))
    _, lo, _ = ci(r["registry"]["equity_gap"], r["none"]["equity_gap"])
    assert lo > 0
    _, lo, _ = ci(r["registry"]["unmet_need_days_vulnerable"], r["none"]["unmet_need_days_vulnerable"])
    assert lo > 0


def test_fact8_low_infrastructure_detects_later_technology_narrows_gap(paired):
    """Rural communities detect later than urban ones; the technology pillar narrows the gap."""
    runs, ci = paired
    # Cases in every community, so each profile has communities past the alert threshold.
    r = runs("siloed", {"low": dict(technology=0.0), "high": dict(technology=1.0)}, SEEDS,
             outbreak_sites=6, initial_cases=12)
    gap_low = r["low"]["detection_delay_rural"] - r["low"]["detection_delay_urban"]
    gap_high = r["high"]["detection_delay_rural"] - r["high"]["detection_delay_urban"]
    _, lo, _ = ci(np.zeros_like(gap_low), gap_low)
    assert lo > 0, "rural communities should detect later without technology"
    _, lo, _ = ci(gap_high, gap_low)
    assert lo > 0, "technology should narrow the rural-urban gap"


def _reference_seir(contacts, n_comm_members, beta, latent, infectious, initial, rng, steps):
    """A plain discrete-time network SEIR, written independently of the model."""
    n = contacts.shape[0]
    state = np.zeros(n, dtype=np.int8)
    state[rng.choice(n_comm_members, size=initial, replace=False)] = 1
    ever = state > 0
    for _ in range(steps):
        inf = (state == 2).astype(float)
        k = contacts @ inf
        p = 1 - (1 - beta) ** k
        u = rng.random(n)
        to_e = (state == 0) & (u < p)
        to_i = (state == 1) & (u < 1 / latent)
        to_r = (state == 2) & (u < 1 / infectious)
        state[to_e], state[to_i], state[to_r] = 1, 2, 3
        ever |= to_e
    return ever.sum()


@pytest.mark.parametrize("transmission", [0.06, 0.1])
def test_fact10_no_response_matches_plain_network_seir(transmission):
    """With every action off the contagion's mean final size equals a plain SEIR's (same graph)."""
    from coop_agents import CoordinationModel

    over = dict(residents=1200, street_offices=1, communities_per_street=4, steps=150,
                transmission=transmission, outbreak_sites=1, initial_cases=4)
    cfg, _, _ = resolve("default", "no_response", **over)
    model_sizes, ref_sizes = [], []
    for seed in range(80):
        model_sizes.append(CoordinationModel("default", "no_response", seed, **over).run()["harm"])
        g = build_district(DistrictSpec.from_config(cfg), make_streams(seed)["network"])
        contacts = contact_matrix(g, cfg.residents)
        # Index cases in one community, chosen by the reference's own generator.
        rng = np.random.default_rng(10_000 + seed)
        community = rng.integers(4)
        members = [i for i in range(cfg.residents) if g.nodes[i]["community"] == community]
        ref_sizes.append(_reference_seir(contacts, members, cfg.transmission, cfg.latent_days,
                                         cfg.infectious_days, 4, rng, 150))
    model_sizes, ref_sizes = np.array(model_sizes), np.array(ref_sizes)
    test = stats.ttest_ind(model_sizes, ref_sizes, equal_var=False)
    assert test.pvalue > 0.01, (model_sizes.mean(), ref_sizes.mean())
    # And both really are epidemics of the same order (the test would fail on a broken hazard).
    assert abs(model_sizes.mean() - ref_sizes.mean()) < 0.15 * ref_sizes.mean() + 10
    assert model_sizes.mean() > 10
