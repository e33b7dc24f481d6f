"""What the learning phase keeps between days gives, bit for bit, what the day's computation from
scratch gives over real runs: readiness, trust losses and the district's stock after the day's
upkeep, and whether residents' behaviour follows. (Who is served and the supplies used, changed in
the same pass, are checked in test_actions_kept_parts.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.actions import Actions
from coop_agents.readiness import DAYS_PER_YEAR, PSYCH_TRUST, READINESS_BUILD, Upkeep

SMALL = dict(residents=1800, street_offices=2, communities_per_street=3, steps=80)
RUNS = [
    ("default", "full_cycle", SMALL),  # preparation, psychological support, several state changes
    ("default", "siloed", SMALL),
    ("recurring", "full_cycle", {"steps": 120}),  # several events, one after another
    ("rural_flood", "full_cycle", SMALL),  # a shock
    ("default", "no_response", SMALL),
]


def _upkeep_from_scratch(model: CoordinationModel, states: np.ndarray, unlocked: bool):
    """Readiness, trust losses and the district's stock after the day, by the design's formula on
    copies of today's values (rates worked out afresh from the configuration)."""
    cfg, comm, government = model.config, model.world.communities, model.roster.government
    readiness, loss = comm.readiness.copy(), comm.trust_loss.copy()
    if cfg.preparation:
        build = READINESS_BUILD * cfg.peacetime_budget * (states == 0)
    else:
        build = 0.0
    readiness += build * (1 - readiness) - cfg.readiness_decay / DAYS_PER_YEAR * readiness
    psych = model.effects.psychological
    if psych.any():
        kept = 1 - np.minimum(1.0, cfg.trust_recovery * (1 + PSYCH_TRUST * psych) / DAYS_PER_YEAR)
    else:
        kept = 1 - min(1.0, cfg.trust_recovery / DAYS_PER_YEAR)
    loss *= kept
    upkeep = model.upkeep
    stock = government.stock
    stock += max(0.0, upkeep.district_stock - stock) / upkeep.restock_days[unlocked]
    return readiness, loss, stock


@pytest.mark.parametrize("scenario, pattern, overrides", RUNS)
def test_the_days_upkeep_is_the_computation_from_scratch(monkeypatch, scenario, pattern, overrides):
    """The build kept with the states it was made from, and the 0-d rates, give the readiness and
    trust losses of the day's formula every day, also on days the states change."""
    days = {"checked": 0, "states_changed": 0}
    seen: dict[int, bytes] = {}
    day, learning = Upkeep.day, CoordinationModel._learning_phase
    current: list[CoordinationModel] = []

    def learning_of(model: CoordinationModel, states: np.ndarray) -> None:
        current[:] = [model]
        learning(model, states)

    def checked(self: Upkeep, states: np.ndarray, unlocked: bool) -> None:
        (model,) = current
        assert model.upkeep is self
        readiness, loss, stock = _upkeep_from_scratch(model, states, unlocked)
        day(self, states, unlocked)
        comm = model.world.communities
        assert comm.readiness.tobytes() == readiness.tobytes()
        assert comm.trust_loss.tobytes() == loss.tobytes()
        assert model.roster.government.stock == stock
        days["checked"] += 1
        key = states.tobytes()
        days["states_changed"] += seen.get(id(self), key) != key
        seen[id(self)] = key

    monkeypatch.setattr(Upkeep, "day", checked)
    monkeypatch.setattr(CoordinationModel, "_learning_phase", learning_of)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert days["checked"]
    if pattern == "full_cycle":
        assert days["states_changed"]  # also days after the states changed


@pytest.mark.parametrize("scenario, pattern, overrides", RUNS)
def test_behaviour_follows_when_the_change_is_worth_it(monkeypatch, scenario, pattern, overrides):
    """Behaviour is refreshed exactly on the days trust losses or readiness moved more than the
    threshold from what the last refresh used (the comparison worked out afresh)."""
    days = {"checked": 0, "refreshed": 0}
    follow, refresh = Actions.follow_behaviour, Actions.refresh_behaviour
    calls = []

    def counted(self: Actions) -> None:
        calls.append(1)
        refresh(self)

    def checked(self: Actions) -> None:
        loss, ready = self.basis
        comm = self.communities
        expected = bool(
            np.abs(comm.trust_loss - loss).max() > 0.005 or np.abs(comm.readiness - ready).max() > 0.005
        )
        calls.clear()
        follow(self)
        assert bool(calls) == expected
        days["checked"] += 1
        days["refreshed"] += expected

    monkeypatch.setattr(Actions, "follow_behaviour", checked)
    monkeypatch.setattr(Actions, "refresh_behaviour", counted)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert days["checked"]
    if pattern == "full_cycle":
        assert days["refreshed"]
