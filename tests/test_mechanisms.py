"""The paper's mechanisms beyond the stylised facts: unified command with a span of control, district
response levels, alerting rules, social organisations' specialties.

Each direction is a paired difference over common random numbers whose 95% interval must exclude
zero on the expected side (computed by :mod:`coop_agents.mechanisms`, whose numbers
``scripts/mechanism_findings.py`` writes into experiments/README.md). Besides the directions: with
every new lever at its "off" value the model is today's, and a decider that takes every suggestion
reproduces the rules bit for bit with every mechanism on.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from coop_agents import CoordinationModel, run_once
from coop_agents import mechanisms as m
from coop_agents.decisions import KINDS, Decision
from coop_agents.governance import LEVEL_NAMES
from coop_agents.governance import GovernanceState as G

ALL_KINDS = ("government", "street_office", "committee", "party_committee", "social_organisation", "platform")
SMALL = dict(residents=1200, street_offices=2, communities_per_street=3)


def _why(c) -> str:
    return (
        f"{c.what or c.outcome}: {c.after} - {c.before} = {c.mean:.3g}, 95% CI [{c.low:.3g}, {c.high:.3g}] "
        f"should be {'above' if c.expect == 'higher' else 'below'} 0"
    )


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all((math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a)


# ------------------------------------------------------------------------------- off is today's model


@pytest.mark.parametrize("pattern", ["siloed", "platform", "party_led", "co_governance"])
def test_the_new_levers_change_nothing_while_their_mechanism_is_off(pattern):
    """The magnitudes of a mechanism (span, autonomy, floor, quorum) do nothing while it is off."""
    base = run_once("default", pattern, seed=3, **SMALL)
    tuned = run_once(
        "default",
        pattern,
        seed=3,
        span_of_control=1.0,
        local_autonomy="full",
        level_floor=0.1,
        alert_quorum=5,
        **SMALL,
    )
    assert _same(base, tuned)
    explicit = run_once(
        "default",
        pattern,
        seed=3,
        response_level="none",
        alert_rule="any",
        specialties="none",
        lateral_sharing=False,
        territorial_load=0.0,
        **SMALL,
    )
    assert _same(base, explicit)


# ------------------------------------------------------------------------------- the decision seam


class Echo:
    """Takes every suggestion; keeps the kinds of decision it saw."""

    def __init__(self) -> None:
        self.kinds: set[str] = set()

    def decide(self, decision: Decision):
        assert decision.kind in KINDS and decision.suggested in decision.options
        assert "true_risk" not in decision.facts
        self.kinds.add(decision.kind)
        return decision.suggested


@pytest.mark.parametrize(
    "scenario, pattern, seed, levers",
    [
        (
            "rural_flood",
            "command",
            2,
            dict(local_autonomy="none", span_of_control=1.0, response_level="states"),
        ),
        (
            "default",
            "command",
            2,
            dict(local_autonomy="mitigation", alert_rule="confirm", specialties="mixed"),
        ),
        ("default", "full_cycle", 2, dict(response_level="risk", alert_rule="vote", specialties="logistics")),
        ("default", "co_governance", 0, dict(alert_rule="vote", alert_quorum=1, specialties="care")),
        (
            "default",
            "siloed",
            1,
            dict(
                lateral_sharing=True,
                horizontal_links=1.0,
                resources=0.0,
                vertical_latency=3.0,
                outbreak_sites=4,
                initial_cases=16,
                territorial_load=1.0,
                evaluation=1.0,
            ),
        ),
    ],
)
def test_a_decider_taking_every_suggestion_reproduces_every_mechanism_bit_for_bit(
    scenario, pattern, seed, levers
):
    echo = Echo()
    rules = CoordinationModel(scenario, pattern, seed, residents=1500, **levers)
    people = CoordinationModel(
        scenario, pattern, seed, residents=1500, deciders={k: echo for k in ALL_KINDS}, **levers
    )
    a, b = rules.run(), people.run()
    assert _same(a, b)
    assert rules.series.frame().equals(people.series.frame())
    assert rules.governance.level_history == people.governance.level_history
    if pattern == "command" and levers.get("local_autonomy") == "none":
        assert {"command_order", "set_level"} <= echo.kinds
    if levers.get("alert_rule") == "vote" and levers.get("alert_quorum") == 1:
        assert "street_alert" in echo.kinds
    if levers.get("lateral_sharing"):
        assert "lend" in echo.kinds
        assert rules.governance.motivation_history == people.governance.motivation_history


# ------------------------------------------------------------------------------- the mechanisms' rules


def test_command_orders_come_from_the_command_nodes_queue():
    """Under unified command every escalation is an order of the district's command node; it decides
    at most its span a day, so a narrow span leaves work queued on busy days."""

    class Watch(Echo):
        def __init__(self) -> None:
            super().__init__()
            self.queued: list[int] = []

        def decide(self, decision):
            if decision.kind == "command_order":
                self.queued.append(decision.facts["queued"])
            return super().decide(decision)

    watch = Watch()
    model = CoordinationModel(
        "rural_flood", "command", 1, shock_sites=6, span_of_control=1.0, deciders={"government": watch}
    )
    model.run()
    assert watch.queued and max(watch.queued) >= 2, "a narrow span with six sites should queue requests"
    assert model.tally.decisions, "orders should have moved communities"


def test_local_autonomy_lets_committees_declare_pre_transition_themselves():
    none = run_once("default", "command", seed=4, local_autonomy="none", **SMALL)
    mitigation = run_once("default", "command", seed=4, local_autonomy="mitigation", **SMALL)
    full = run_once("default", "command", seed=4, local_autonomy="full", **SMALL)
    assert full["decision_latency"] < none["decision_latency"]
    assert mitigation["decision_latency"] <= none["decision_latency"]


def test_the_response_level_is_recorded_every_day_and_steps_down_one_grade_at_a_time():
    model = CoordinationModel("rural_flood", "platform", 1, shock_sites=5, response_level="risk")
    model.run()
    levels = model.governance.level_history
    assert len(levels) == model.series.n
    assert max(levels) >= 3 and levels[0] == 0
    steps = np.diff(levels)
    assert (steps >= -1).all(), "the level steps down one grade at a time"
    assert set(levels) <= set(range(len(LEVEL_NAMES)))
    off = CoordinationModel("rural_flood", "platform", 1, shock_sites=5)
    off.run()
    assert set(off.governance.level_history) == {0}


def test_a_street_vote_moves_every_community_of_the_street():
    model = CoordinationModel(
        "rural_flood", "co_governance", 3, shock_sites=3, alert_rule="vote", alert_quorum=2
    )
    model.run()
    states = model.series.states[: model.series.n]
    risk = model.series.matrices["risk"][: model.series.n]
    alerted = (states != G.NORMAL).any(axis=0)
    assert alerted.all(), "the street office should have moved all six villages"
    assert (risk.max(axis=0) == 0).any(), "some of them without any risk"


def test_a_care_organisation_knows_and_serves_the_vulnerable_first():
    base = run_once("heatwave", "co_governance", seed=1, residents=1200)
    care = run_once("heatwave", "co_governance", seed=1, residents=1200, specialties="care")
    assert care["unmet_need_days_vulnerable"] < base["unmet_need_days_vulnerable"]


def test_logistics_organisations_hold_stock_and_supply_their_communities():
    model = CoordinationModel("default", "co_governance", 1, specialties="logistics", **SMALL)
    logistics = [o for o in model.roster.social if o.stock > 0]
    assert logistics, "logistics organisations should hold stock"
    total = sum(o.stock for o in model.roster.organisations)
    plain = CoordinationModel("default", "co_governance", 1, **SMALL)
    assert total == pytest.approx(sum(o.stock for o in plain.roster.organisations))
    served = [c for c in model.committees if model.governance.supplier_of(c) in logistics]
    assert served


# ------------------------------------------------------------------------------- the directions


@pytest.mark.parametrize("name", list(m.MECHANISMS))
def test_each_mechanism_moves_its_outcomes_the_expected_way(name):
    fact = m.MECHANISMS[name]()
    for c in fact.comparisons:
        assert c.holds, _why(c)


def test_the_states_chart_shows_the_district_level_below_the_communities():
    from coop_agents.viz.charts import LEVEL_COLOURS, states_height, states_option
    from coop_agents.viz.session import Run

    graded, plain = (
        Run("rural_flood", "platform", 1, shock_sites=5, response_level=level) for level in ("risk", "none")
    )
    for run in (graded, plain):
        run.model.run()
    n = graded.model.n_communities
    option = states_option([graded, plain], "en")
    assert option["yAxis"][0]["data"][n] == "District level" and len(option["yAxis"][1]["data"]) == n
    cells = option["series"][2]["data"]
    assert [c["value"][2] for c in cells] == graded.model.governance.level_history
    assert {c["value"][1] for c in cells} == {n}
    top = max(graded.model.governance.level_history)
    assert any(c["name"] == "Level I (especially major)" for c in cells) == (top == 4)
    assert all(c["itemStyle"]["color"] == LEVEL_COLOURS[c["value"][2]] for c in cells)
    assert option["visualMap"]["seriesIndex"] == [0, 1]  # the states' colours only
    assert states_height([graded]) > states_height([plain])
    zh = states_option([graded], "zh")
    assert zh["yAxis"][0]["data"][n] == "区级响应"
