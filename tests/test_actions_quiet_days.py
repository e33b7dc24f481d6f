"""The actions phase keeps what it made while its inputs stay the same (the measures' effect, the
parts of the capacity that follow the states) and skips what a quiet day leaves unchanged: after
every day, residents' protection and the care organisations' help are what the full computation
gives from that day's states, measures and supplies, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.actions import MAX_PROTECTION, MEASURE_EFFICACY, PSYCH_PRECAUTION, Actions
from coop_agents.governance import GovernanceState as G

SMALL = dict(residents=1800, street_offices=2, communities_per_street=3, steps=80)


def _mobilised(actions: Actions, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where a crisis mobilises help, and where contracted services reach (design §2.5)."""
    crisis, contracted = states != G.NORMAL, states == G.EMERGENCY
    rules = actions.rules
    if rules is not None and rules.level:
        crisis, contracted = crisis | rules.mobilised, contracted | rules.unlocked
    return crisis, contracted


def _full_protection(actions: Actions, states: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Residents' protection from the day's measures, computed afresh."""
    comm, res, fx = actions.communities, actions.residents, actions.effects
    effect = comm.measures * available * fx.fidelity
    factor = actions.rules.fidelity_factor() if actions.rules is not None else None
    if factor is not None:
        effect = effect * factor
    protect = effect
    if fx.psychological.any():
        kept = np.maximum(effect, PSYCH_PRECAUTION * fx.psychological)
        protect = np.where(states == G.POST_TRANSITION, kept, effect)
    return np.minimum(MAX_PROTECTION, MEASURE_EFFICACY * protect[res.community] * res.compliance)


@pytest.mark.parametrize(
    "scenario, pattern, overrides",
    [
        ("default", "full_cycle", SMALL),  # contagion; care and psychological support
        ("recurring", "full_cycle", {"steps": 120}),  # several events, one after another
        ("rural_flood", "full_cycle", SMALL),  # a shock: warnings, help that keeps residents safe
        # cadres' motivation cuts fidelity
        ("default", "siloed", {**SMALL, "territorial_load": 1.0, "evaluation": 0.9}),
    ],
)
def test_protection_and_care_are_the_full_computation_every_day(monkeypatch, scenario, pattern, overrides):
    days = {"quiet": 0, "measured": 0}
    act = Actions.act

    def checked(self: Actions, t: int, true_risk: np.ndarray, states: np.ndarray) -> None:
        available = self.communities.available.copy()  # supplies as they were when the day began
        act(self, t, true_risk, states)
        assert np.array_equal(self.residents.protection, _full_protection(self, states, available))
        crisis, contracted = _mobilised(self, states)
        fx = self.effects
        care = crisis * (fx.care_direct + fx.care_contract * contracted) * available
        assert np.array_equal(self.care_today, care)
        days["measured" if self.communities.measures.any() else "quiet"] += 1

    monkeypatch.setattr(Actions, "act", checked)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert days["quiet"] and days["measured"]  # both kinds of day were checked


def test_capacity_follows_the_states_and_the_response_level():
    """What is kept of the capacity between days is made again when the states or the district's
    response level change, also back to an earlier one: a fresh Actions (nothing kept) agrees."""
    m = CoordinationModel("default", "full_cycle", 3, **SMALL)
    actions, gov = m.actions, m.governance
    rng = np.random.default_rng(5)
    states = [m.world.communities.state.copy() for _ in range(3)]
    for s in states[1:]:
        s[:] = rng.integers(0, 4, s.size)
    for k, level in [(0, 0), (1, 0), (0, 0), (0, 3), (0, 2), (2, 2), (0, 0)]:
        gov.level = level
        capacity = actions.needs_capacity(states[k])
        fresh = Actions(m.world, m.effects, m.hazard, m.committees, m.tally, m.draws, gov)
        assert np.array_equal(capacity, fresh.needs_capacity(states[k]))
        assert np.array_equal(actions.care_today, fresh.care_today)
