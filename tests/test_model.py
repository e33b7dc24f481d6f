"""The model as a whole: interface, agents, reproducibility, common random numbers, Mesa compatibility."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pytest

from coop_agents import CoordinationModel, run_once
from coop_agents.agents import (
    CommunityCommittee,
    Government,
    PartyBranch,
    Resident,
    SocialOrganisation,
    StreetOffice,
)
from coop_agents.errors import ConfigError
from coop_agents.governance import GovernanceState
from coop_agents.hazards import Hazard, register_hazard
from coop_agents.hazards.contagion import INFECTIOUS
from coop_agents.metrics import OUTCOMES

TINY = dict(residents=600, street_offices=1, communities_per_street=4, steps=40, run_until="steps")

REQUIRED = [
    "harm",
    "severe_harm",
    "peak_prevalence",
    "detection_delay",
    "decision_latency",
    "response_delay",
    "containment_time",
    "missed_windows",
    "secondary_crises",
    "unneeded_measures",
    "wind_down_days",
    "unmet_need_days",
    "unmet_need_days_vulnerable",
    "equity_gap",
    "buck_passing_events",
    "messages",
    "queue_wait",
    "longest_wait",
    "busiest_load",
    "resources_spent",
    "unanswered_requests",
    "truncated",
    "prevented",
]


def test_run_once_reports_every_outcome_as_float():
    out = run_once("default", "full_cycle", seed=3, **TINY)
    assert set(REQUIRED) <= set(out)
    assert set(out) == set(OUTCOMES)
    assert all(isinstance(v, float) for v in out.values())
    assert out["harm"] >= out["severe_harm"] / 2 >= 0
    assert 0 <= out["peak_prevalence"] <= 1 and out["busiest_load"] >= 0
    days = sum(out[f"days_{s.name.lower()}"] for s in GovernanceState)
    assert days == TINY["steps"] * 4, "every community is in exactly one state each day"


def test_same_seed_same_outcomes_different_seed_differs():
    a = run_once("default", "siloed", seed=11, **TINY)
    b = run_once("default", "siloed", seed=11, **TINY)
    c = run_once("default", "siloed", seed=12, **TINY)
    assert a == b or all(
        (x == y) or (math.isnan(x) and math.isnan(y)) for x, y in zip(a.values(), b.values())
    )
    assert a != c


def test_time_series_identical_for_same_seed():
    m1 = CoordinationModel("default", "platform", 5, **TINY)
    m2 = CoordinationModel("default", "platform", 5, **TINY)
    m1.run(), m2.run()
    f1, f2 = m1.series.frame(), m2.series.frame()
    assert f1.equals(f2)
    assert len(f1) == TINY["steps"] + 1
    assert {"prevalence", "harm", "messages", "max_backlog", "resources", "unmet_needs", "state_0"} <= set(f1)


def test_common_random_numbers_two_patterns_share_district_and_first_draws():
    """Same seed: same district, same index cases, and identical hazard until governance acts."""
    a = CoordinationModel("default", "no_response", 7, **TINY)
    # Prevention screens index cases before day 1, so it is off here to compare from the start.
    b = CoordinationModel("default", "full_cycle", 7, prevention=False, **TINY)
    assert sorted(a.graph.edges()) == sorted(b.graph.edges())
    assert np.array_equal(a.residents.vulnerable, b.residents.vulnerable)
    assert np.array_equal(a.hazard.state, b.hazard.state)
    # Before any measure exists, both worlds evolve identically day by day.
    for _ in range(40):
        if b.world.communities.measures.any() or b.residents.isolated.any() or a.steps >= 40:
            break
        assert np.array_equal(a.hazard.state, b.hazard.state)
        a.step(), b.step()
    assert a.steps > 1


def test_common_random_numbers_reduce_noise_of_comparisons():
    """Paired comparison (same seeds) of two close arms is far less noisy than unpaired."""
    seeds = range(30)
    base = np.array([run_once("default", "siloed", seed=s, **TINY)["harm"] for s in seeds])
    variant = dict(TINY, vertical_latency=1.5)
    paired = np.array([run_once("default", "siloed", seed=s, **variant)["harm"] for s in seeds])
    unpaired = np.array([run_once("default", "siloed", seed=s + 1000, **variant)["harm"] for s in seeds])
    assert np.std(paired - base) < 0.7 * np.std(unpaired - base)


def test_agents_of_every_kind_are_mesa_agents():
    m = CoordinationModel("default", "full_cycle", 1, **TINY)
    by_type = m.agents_by_type
    assert len(by_type[Resident]) == TINY["residents"]
    assert len(by_type[CommunityCommittee]) == 4
    assert len(by_type[Government]) == 1 and len(by_type[StreetOffice]) == 1
    assert len(by_type[PartyBranch]) == 4 + 1 + 1  # community branches, street and district committees
    assert len(by_type[SocialOrganisation]) == 4
    resident = next(iter(by_type[Resident]))
    assert isinstance(resident, mesa.Agent)
    assert resident.community == m.residents.community[resident.index]
    assert resident.vulnerable == bool(m.residents.vulnerable[resident.index])


def test_residents_inspectable_view_tracks_arrays():
    m = CoordinationModel("default", "no_response", 2, **TINY)
    m.run(20)
    infected = [r for r in m.agents_by_type[Resident] if r.affected]
    assert len(infected) == int(m.hazard.active.sum())
    assert all(m.hazard.state[r.index] != 0 for r in infected)


def test_no_response_takes_no_governance_action():
    out = run_once("default", "no_response", seed=4, **TINY)
    assert out["messages"] == 0 and out["emergencies"] == 0 and out["resources_spent"] == 0
    assert out["days_normal"] == TINY["steps"] * 4
    assert out["harm"] > 4, "an unchecked epidemic should spread beyond its index cases"


def test_full_cycle_beats_siloed_on_default_scenario():
    """The calibration a workshop relies on: a clear margin on harm and response delay."""
    seeds = range(12)
    s = [run_once("default", "siloed", seed=k) for k in seeds]
    f = [run_once("default", "full_cycle", seed=k) for k in seeds]
    harm_s, harm_f = np.mean([r["harm"] for r in s]), np.mean([r["harm"] for r in f])
    delay_s = np.nanmean([r["response_delay"] for r in s])
    delay_f = np.nanmean([r["response_delay"] for r in f])
    assert harm_f < 0.6 * harm_s
    assert delay_f < 0.6 * delay_s


def test_governance_states_move_through_the_cycle():
    m = CoordinationModel(
        "default", "co_governance", 1, residents=1200, street_offices=1, communities_per_street=4, steps=120
    )
    m.run()
    seen = set(np.unique(m.series.states[: m.series.n]))
    assert {0, 1} <= seen, "a community should at least leave normal for pre-transition"
    # Only legal transitions: NORMAL->PRE/EMERGENCY, PRE->NORMAL/EMERGENCY, EMERGENCY->POST, POST->EMERGENCY/NORMAL.
    legal = {(0, 1), (0, 2), (1, 0), (1, 2), (2, 3), (3, 2), (3, 0)}
    states = m.series.states[: m.series.n]
    for c in range(states.shape[1]):
        for a, b in zip(states[:-1, c], states[1:, c]):
            if a != b:
                assert (a, b) in legal, (c, a, b)


def test_messages_queue_at_a_congested_top_node():
    """Unified command routes everything through one node: it handles the most and messages wait there."""
    multi = dict(
        residents=4000,
        street_offices=2,
        communities_per_street=5,
        steps=60,
        outbreak_sites=6,
        initial_cases=24,
    )
    cmd = CoordinationModel("default", "command", 3, **multi)
    out = cmd.run()
    top = int(np.argmax(cmd.bus.handled))
    assert cmd.organisations[top] is cmd.roster.government
    assert out["queue_wait"] > 0 and out["longest_wait"] > 0
    one_site = run_once("default", "command", seed=3, **{**multi, "outbreak_sites": 1, "initial_cases": 4})
    assert out["queue_wait"] > one_site["queue_wait"]  # more sites at once: messages wait longer


def test_shock_scenario_warnings_and_help_reduce_harm():
    """Paired by seed, full-cycle governance harms fewer residents of a flash flood than no
    response: the paired difference's 95% CI (t) lies below zero."""
    from scipy import stats

    seeds = range(20)
    diff = np.array(
        [
            run_once("rural_flood", "full_cycle", seed=s)["harm"]
            - run_once("rural_flood", "no_response", seed=s)["harm"]
            for s in seeds
        ]
    )
    half = stats.t.ppf(0.975, diff.size - 1) * diff.std(ddof=1) / np.sqrt(diff.size)
    assert diff.mean() + half < 0, (diff.mean(), half)
    out = run_once("chemical_leak", "platform", seed=0)
    assert out["harm"] > 0 and out["containment_time"] > 0


def test_mesa_batch_run_works_with_the_model():
    rows = mesa.batch_run(
        CoordinationModel,
        parameters={"pattern": ["siloed", "full_cycle"], "residents": 600, "steps": 10},
        rng=[0, 1],
        max_steps=10,
        number_processes=1,
        display_progress=False,
    )
    assert {(r["pattern"], r["seed"]) for r in rows} == {
        (p, s) for p in ("siloed", "full_cycle") for s in (0, 1)
    }
    # Every outcome is in the row of the run's last step, as run_once gives it.
    last = [r for r in rows if r["pattern"] == "full_cycle" and r["seed"] == 1 and r["Step"] == 10]
    expected = run_once("default", "full_cycle", seed=1, residents=600, steps=10)
    assert len(last) == 1 and all(key in last[0] for key in expected)
    assert last[0]["harm"] == expected["harm"] and last[0]["messages"] == expected["messages"]
    again = mesa.batch_run(
        CoordinationModel,
        parameters={"pattern": ["siloed"], "residents": 600, "steps": 10},
        rng=[0],
        max_steps=10,
        number_processes=1,
        display_progress=False,
    )
    first = [r for r in rows if r["pattern"] == "siloed" and r["seed"] == 0]
    assert [r["harm"] for r in again] == [r["harm"] for r in first]


def test_seed_none_draws_a_recorded_seed():
    m = CoordinationModel("default", "siloed", None, **TINY)
    assert isinstance(m.seed_value, int)
    again = CoordinationModel("default", "siloed", m.seed_value, **TINY)
    assert m.run()["harm"] == again.run()["harm"]
    assert np.array_equal(m.residents.vulnerable, again.residents.vulnerable)


def test_model_stops_at_horizon_for_runners():
    m = CoordinationModel("default", "siloed", 0, **TINY)
    while m.running:
        m.step()
    assert m.steps == TINY["steps"]


def test_bad_override_is_refused_with_one_line():
    with pytest.raises(ConfigError) as err:
        CoordinationModel("default", "siloed", 0, horizontal_links=1.5)
    assert "horizontal_links" in str(err.value) and "\n" not in str(err.value)


def test_user_hazard_plugs_in_through_the_registry(restore_hazards):
    @register_hazard
    class Blackout(Hazard):
        """A hazard that affects every resident of community 0 from day 3 on."""

        name = "test_blackout"

        def start(self, rng, prevention):
            self.onset_step = 3

        def advance(self, step, u):
            if step >= 3:
                self.active = self.world.residents.community == 0
                self.detectable = self.active
                self.affected |= self.active

        def true_risk(self, step):
            return (
                np.bincount(
                    self.world.residents.community, weights=self.active, minlength=self.world.n_communities
                )
                / 10
            )

        def observe(self, detected, notice, u, step):
            return (
                np.bincount(
                    self.world.residents.community,
                    weights=detected & self.active,
                    minlength=self.world.n_communities,
                )
                / 10
            )

        def contained(self, step):
            return False

        def needs(self, step):
            return self.active

    from coop_agents.config import PARAMETERS

    assert "test_blackout" not in PARAMETERS["hazard"].choices  # the table is not edited at import
    assert "test_blackout" in PARAMETERS["hazard"].allowed()  # the registry is what is allowed
    out = run_once("default", "co_governance", seed=0, hazard="test_blackout", **TINY)
    assert out["harm"] == 150  # community 0 of 600 residents over 4 communities
    assert out["days_normal"] < TINY["steps"] * 4, "governance should react to the user's hazard"


def test_infectious_residents_get_isolated_under_mitigation():
    m = CoordinationModel(
        "default", "full_cycle", 2, residents=1200, street_offices=1, communities_per_street=4, steps=60
    )
    isolated_days = 0
    for _ in range(60):
        m.step()
        isolated_days += int((m.residents.isolated & (m.hazard.state == INFECTIOUS)).sum())
        # Only detected residents whose isolation task found an owner are isolated.
        assert not (m.residents.isolated & ~m.residents.detected).any()
        assert (m.residents.isolate_at[m.residents.isolated] <= m.steps).all()
    assert isolated_days > 0


def test_solaraviz_reset_keeps_scenario_pattern_and_seed():
    """Mesa's SolaraViz rebuilds a model on reset as ``cls(scenario=<class of model.scenario>(
    fields from the app's parameters), other parameters...)``; the scenario must survive that."""
    from coop_agents.scenarios import PresetScenario

    m = CoordinationModel("rural_flood", "full_cycle", 4, residents=600)
    assert isinstance(m.scenario, PresetScenario) and m.scenario.scenario_name == "rural_flood"
    rebuilt_scenario = type(m.scenario)(rng=None, scenario_name="rural_flood")
    again = type(m)(scenario=rebuilt_scenario, pattern="full_cycle", residents=600, rng=4)
    assert again.config == m.config and again.scenario_spec.name == "rural_flood"
    assert np.array_equal(again.residents.vulnerable, m.residents.vulnerable)
