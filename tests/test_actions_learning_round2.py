"""What the learning and actions phases keep between days gives, bit for bit, what the day's
computation from scratch gives over real runs: readiness, trust losses and the district's stock
after the day's upkeep, and whether residents' behaviour follows."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.actions import NEED_REPORT, PRIVACY_REPORT_GAIN, VULNERABLE_REPORT_WITHOUT_PRIVACY, Actions
from coop_agents.readiness import DAYS_PER_YEAR, PSYCH_TRUST, READINESS_BUILD, Upkeep
from coop_agents.rng import FEW_ROWS
from coop_agents.service_order import care_first, take

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


def _known_and_served_from_scratch(actions: Actions, t: int, in_need: np.ndarray, capacity: np.ndarray):
    """Who of ``in_need`` is known to need help, and who is served, every resident in need read
    from both streams afresh (one stream at a time)."""
    cfg, res, n_comm = actions.config, actions.residents, actions.communities.n
    report_u = actions.draws["need_report"].at(t, in_need)
    order_u = actions.draws["priority"].at(t, in_need)
    report = NEED_REPORT * res.trust[in_need]
    if cfg.privacy:
        report = report * PRIVACY_REPORT_GAIN
    else:
        report = report * np.where(res.vulnerable[in_need], VULNERABLE_REPORT_WITHOUT_PRIVACY, 1.0)
    is_known = res.detected[in_need] | (report_u < report) | actions._listed[in_need]
    known = in_need[is_known]
    quota = np.floor(capacity + 0.5)
    where = res.community[known]
    if not known.size or not (np.bincount(where, minlength=n_comm) > quota).any():
        return known, known
    priority = order_u[is_known]
    key = priority - res.vulnerable[known] if cfg.vulnerable_registry else priority
    chosen = []
    care_quota = np.minimum(np.floor(actions.care_today + 0.5), quota)
    cares = actions.care_today.any()
    for k in range(n_comm):
        mine = np.flatnonzero(where == k)
        first = []
        if cares:  # care organisations' help to the vulnerable first, by priority
            vulnerable = mine[res.vulnerable[known[mine]]]
            first = sorted(vulnerable.tolist(), key=lambda i: priority[i])[: int(max(care_quota[k], 0))]
        rest = [i for i in mine.tolist() if i not in first]
        chosen += first + sorted(rest, key=lambda i: key[i])[: int(max(quota[k] - len(first), 0))]
    return known, known[np.sort(np.array(chosen, dtype=np.intp))]


@pytest.mark.parametrize(
    "scenario, pattern, overrides",
    # (nobody helps without a response; care organisations without a registry: their own order)
    [*RUNS[:4], ("default", "full_cycle", {**SMALL, "vulnerable_registry": False})],
)
def test_reports_and_the_order_read_only_where_they_decide(monkeypatch, scenario, pattern, overrides):
    """Reading need reports only for those neither detected nor listed (or for everyone in need in
    one pass with the order's numbers, when many must report), and the order's numbers only where
    help runs short, gives the residents served that reading both streams for everyone gives; and
    under a registry, care organisations' help goes to whom the vulnerable-first order gives it."""
    paths = {"none": 0, "few": 0, "many": 0, "ordered": 0, "care": 0}
    serve = Actions._who_is_served

    def checked(self: Actions, t: int, in_need: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        served = serve(self, t, in_need, capacity)
        known, expected = _known_and_served_from_scratch(self, t, in_need, capacity)
        assert np.array_equal(np.sort(served), expected)
        res = self.residents
        unknown = np.count_nonzero(~(res.detected[in_need] | self._listed[in_need]))
        paths["none" if not unknown else "few" if unknown <= FEW_ROWS else "many"] += 1
        paths["ordered"] += expected.size < known.size
        paths["care"] += expected.size < known.size and bool(self.care_today.any())
        return served

    monkeypatch.setattr(Actions, "_who_is_served", checked)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert sum(paths.values())
    if (scenario, pattern) == ("default", "full_cycle"):
        # (also days care organisations help, under a registry: their share goes by the key)
        assert paths["none"] and paths["few"] and paths["ordered"] and paths["care"]
    if overrides.get("vulnerable_registry") is False:
        assert paths["care"]
    if (scenario, pattern) == ("default", "siloed"):
        assert paths["many"] and paths["ordered"]


def test_under_a_registry_care_first_serves_whom_the_key_serves():
    """With the vulnerable's keys their priority minus 1 (as under a registry), the care
    organisations' share given to the vulnerable first serves the same residents as the first of
    each community by key, over random days (ties in priority included)."""
    rng = np.random.default_rng(5)
    for _ in range(400):
        n, n_comm = int(rng.integers(1, 80)), int(rng.integers(1, 8))
        where = np.sort(rng.integers(0, n_comm, n))
        vulnerable = rng.random(n) < rng.random()
        priority = rng.integers(0, 1 << 53, n) * 2.0**-53  # the keyed draws' numbers
        if rng.random() < 0.3:
            priority = np.round(priority, 1)  # ties
        key = priority - vulnerable.astype(float)
        quota = np.floor(rng.random(n_comm) * 10 + 0.5)
        care_quota = np.minimum(np.floor(rng.random(n_comm) * 6 + 0.5), quota)
        cared = care_first(where, vulnerable.nonzero()[0], priority, key, quota, care_quota)
        assert np.array_equal(np.sort(take(where, None, key, quota)), cared)


@pytest.mark.parametrize(
    "scenario, pattern, overrides",
    [*RUNS, ("default", "siloed", {**SMALL, "resources": 0.0})],  # (short)
)
def test_supplies_used_are_the_days_computation_from_scratch(monkeypatch, scenario, pattern, overrides):
    """The measures' use kept with the level, and supplies marked short only where short, give the
    stocks, the supplies available and the counts that the day's rule from scratch gives."""
    days = {"checked": 0, "measured": 0, "short": 0}
    use_resources = Actions._use_resources

    def checked(self: Actions, served: np.ndarray, level: np.ndarray, measured: bool) -> None:
        comm, rules = self.communities, self.rules
        pools = rules.roster.street_offices if rules is not None else {}
        stocks = [c.stock for c in self.committees]
        pooled = {s: p.stock for s, p in pools.items()}
        available = comm.available.copy()
        spent_total, short_days = self.tally.resources_spent, self.shortage_days
        if served.size == 0 and not measured:
            available[:] = 1.0
        else:
            use = (
                comm.size * level * 0.002
                + np.bincount(self.residents.community[served], minlength=comm.n) * 0.01
            )
            available[use == 0] = 1.0
            for k in np.flatnonzero(use > 0):
                c, need = self.committees[k], use[k]
                spent = min(need, stocks[k])
                stocks[k] -= spent
                if self.config.resource_pooling == "pooled" and spent < need and pooled.get(c.street, 0) > 0:
                    drawn = min(need - spent, pooled[c.street])
                    pooled[c.street] -= drawn
                    spent += drawn
                spent_total += spent
                available[k] = 1.0 if spent >= need else 0.4
                short_days += spent < need
            days["measured"] += measured
        use_resources(self, served, level, measured)
        assert [c.stock for c in self.committees] == stocks
        assert {s: p.stock for s, p in pools.items()} == pooled
        assert comm.available.tobytes() == available.tobytes()
        assert (self.tally.resources_spent, self.shortage_days) == (spent_total, short_days)
        days["checked"] += 1
        days["short"] += bool((comm.available < 1).any())

    monkeypatch.setattr(Actions, "_use_resources", checked)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert days["checked"]
    if pattern == "full_cycle":
        assert days["measured"]
    if overrides.get("resources") == 0.0:
        assert days["short"]  # also days some committee ran short
