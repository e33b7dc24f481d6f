"""What the actions phase keeps between days, or works out once for the run, gives what the day's
computation from scratch gives, bit for bit, over real runs: who is served, residents' protection,
the tally's marks, the capacity to help and the supplies used."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents import CoordinationModel, service_order
from coop_agents.actions import (
    MAX_PROTECTION,
    MEASURE_EFFICACY,
    NEED_REPORT,
    PRIVACY_REPORT_GAIN,
    VULNERABLE_REPORT_WITHOUT_PRIVACY,
    Actions,
)
from coop_agents.help_capacity import PARTY_HELP, STAFF_HELP, VOLUNTEER_HELP
from coop_agents.marks import DayMarks
from coop_agents.readiness import READINESS_REF
from coop_agents.rng import FEW_ROWS

SMALL = dict(residents=1800, street_offices=2, communities_per_street=3, steps=80)
RUNS = [
    ("default", "full_cycle", SMALL),  # privacy, a registry, care organisations, pooled stocks
    ("default", "siloed", SMALL),  # no privacy, no registry
    ("recurring", "full_cycle", {"steps": 120}),  # several events, one after another
    ("rural_flood", "full_cycle", SMALL),  # a shock: help that keeps residents safe
]


def _served_from_scratch(
    actions: Actions, t: int, in_need: np.ndarray, capacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Who of ``in_need`` is known to need help and who is served, every number read for everyone
    in need (one stream at a time) and worked out afresh, and whether help ran short somewhere, so
    that the order decided."""
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
        return known, known, False

    def take(rows: np.ndarray, key: np.ndarray, quota: np.ndarray) -> np.ndarray:
        taken = [
            r
            for k in range(n_comm)
            for r in sorted((r for r in rows.tolist() if where[r] == k), key=lambda r: key[r])[
                : int(max(quota[k], 0))
            ]
        ]
        return np.array(sorted(taken), dtype=np.intp)

    priority = order_u[is_known]
    key = priority - res.vulnerable[known] if cfg.vulnerable_registry else priority
    everyone = np.arange(known.size)
    if actions.care_today.any():
        care_quota = np.minimum(np.floor(actions.care_today + 0.5), quota)
        first = take(res.vulnerable[known].nonzero()[0], priority, care_quota)
        used = np.bincount(where[first], minlength=n_comm)
        rest = np.setdiff1d(everyone, first)
        return known, known[np.union1d(first, take(rest, key, quota - used))], True
    return known, known[take(everyone, key, quota)], True


@pytest.mark.parametrize(
    "scenario, pattern, overrides",
    # (care organisations without a registry: their own order)
    [*RUNS, ("default", "full_cycle", {**SMALL, "vulnerable_registry": False})],
)
def test_who_is_served_is_the_computation_from_scratch(monkeypatch, scenario, pattern, overrides):
    """Reading need reports only for those neither detected nor listed (or for everyone in need in
    one pass with the order's numbers, when many must report), and the order's numbers only where
    help runs short, serves whom reading both streams for everyone serves; under a registry, care
    organisations' help goes to whom the vulnerable-first order gives it."""
    paths = {"none": 0, "few": 0, "many": 0, "ordered": 0, "care": 0}
    serve = Actions._who_is_served

    def checked(self: Actions, t: int, in_need: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        served = serve(self, t, in_need, capacity)
        known, expected, short = _served_from_scratch(self, t, in_need, capacity)
        assert np.array_equal(np.sort(served), expected)
        res = self.residents
        unknown = np.count_nonzero(~(res.detected[in_need] | self._listed[in_need]))
        paths["none" if not unknown else "few" if unknown <= FEW_ROWS else "many"] += 1
        paths["ordered"] += short
        paths["care"] += short and bool(self.care_today.any())
        return served

    monkeypatch.setattr(Actions, "_who_is_served", checked)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert sum(paths.values())  # the check ran
    if (scenario, pattern) == ("default", "full_cycle"):
        # (also days care organisations help, under a registry: their share goes by the key)
        assert paths["none"] and paths["few"] and paths["ordered"] and paths["care"]
    if overrides.get("vulnerable_registry") is False:
        assert paths["care"]
    if (scenario, pattern) == ("default", "siloed"):
        assert paths["many"] and paths["ordered"]


@pytest.mark.parametrize(
    "scenario, pattern, overrides", [*RUNS, ("default", "siloed", {**SMALL, "territorial_load": 1.0})]
)
def test_protection_set_community_by_community_is_the_whole_computation(
    monkeypatch, scenario, pattern, overrides
):
    """Residents' protection after every day, also when only some communities' numbers were
    written again, is what one pass over every resident gives."""
    days = {"checked": 0, "in_part": 0}
    act, set_protection = Actions.act, Actions._set_protection

    def counted(self: Actions, protect: np.ndarray) -> None:
        whole = self.residents.protection
        set_protection(self, protect)
        days["in_part"] += self.residents.protection is whole

    def checked(self: Actions, t: int, true_risk: np.ndarray, states: np.ndarray) -> None:
        act(self, t, true_risk, states)
        res = self.residents
        if self.effect is not None:
            expected = np.minimum(
                MAX_PROTECTION, MEASURE_EFFICACY * self.effect[res.community] * res.compliance
            )
            assert np.array_equal(res.protection, expected)
            days["checked"] += 1

    monkeypatch.setattr(Actions, "act", checked)
    monkeypatch.setattr(Actions, "_set_protection", counted)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert days["checked"]
    if scenario == "default":
        assert days["in_part"]  # some days changed only a few communities' numbers


@pytest.mark.parametrize("scenario, pattern, overrides", RUNS)
def test_the_burden_of_measures_and_the_states_counts_kept_are_the_days_own(
    monkeypatch, scenario, pattern, overrides
):
    """The burden of measures added each day, the first measures marked, and what is kept of the
    states (counts, who is alerted), are what the day's states, measures and risk give from
    scratch."""
    days = {"measured": 0, "winding": 0}
    mark, act = DayMarks.day, Actions.act
    first_measure = {}

    def checked_mark(self: DayMarks, t, true_risk, states, acting, winding) -> None:
        tally, size = self.tally, self.communities.size
        before = tally.unneeded_measures, tally.wind_down_days
        first = first_measure.setdefault(id(self), tally.first_measure.copy())
        mark(self, t, true_risk, states, acting, winding)
        if acting is not None:
            first[acting & (tally.onset >= 0) & (first < 0)] = t
        assert np.array_equal(tally.first_measure, first)
        unneeded = wind_down = 0.0
        if acting is not None:
            idle = acting & (true_risk == 0)
            post = states == 3
            unneeded = float(size[idle & ~post].sum()) if winding else float(size[idle].sum())
            wind_down = float(size[acting & post].sum()) if winding else 0.0
            days["measured"] += 1
            days["winding"] += winding
        assert tally.unneeded_measures == before[0] + unneeded
        assert tally.wind_down_days == before[1] + wind_down

    def checked_act(self: Actions, t, true_risk, states) -> None:
        act(self, t, true_risk, states)
        counts, n_normal, n_post, alerted, state_of = self._by_state
        assert np.array_equal(counts, np.bincount(states, minlength=4))
        assert (n_normal, n_post) == (int((states == 0).sum()), int((states == 3).sum()))
        assert alerted == np.flatnonzero(states != 0).tolist() and state_of == states.tolist()

    monkeypatch.setattr(DayMarks, "day", checked_mark)
    monkeypatch.setattr(Actions, "act", checked_act)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert days["measured"]
    if (scenario, pattern) == ("default", "full_cycle"):
        assert days["winding"]  # also days with a community in post-transition


@pytest.mark.parametrize("scenario, pattern, overrides", RUNS)
def test_the_capacity_to_help_is_the_days_computation_from_scratch(monkeypatch, scenario, pattern, overrides):
    """What the capacity keeps between days (the parts fixed for the run and those that follow the
    states) gives the day's capacity of the design's formula, bit for bit."""
    days = []
    capacity_today = Actions.needs_capacity

    def checked(self: Actions, states: np.ndarray) -> np.ndarray:
        capacity = capacity_today(self, states)
        cfg, fx, comm, rules = self.config, self.effects, self.communities, self.rules
        if not (cfg.mitigation or cfg.response):
            assert not capacity.any()
            return capacity
        crisis, contracted = states != 0, states == 2
        if rules is not None and rules.level:
            crisis, contracted = crisis | rules.mobilised, contracted | rules.unlocked
        pooling = 0.5 + 0.5 * cfg.coordination
        staff = STAFF_HELP * comm.size * (1 + cfg.training)
        volunteers = VOLUNTEER_HELP * cfg.participation * comm.size * pooling
        reached = np.where(fx.branch_mobilised, 1.0, 0.2)
        party = fx.party_members * PARTY_HELP * (0.3 + 0.7 * cfg.training) * pooling * reached
        social = fx.service_direct + fx.service_contract * contracted
        turnout = 0.5 + 0.5 * np.minimum(2.0, comm.readiness / READINESS_REF)
        assert np.array_equal(capacity, staff + crisis * (volunteers * turnout + party + social))
        days.append(bool(crisis.any()))
        return capacity

    monkeypatch.setattr(Actions, "needs_capacity", checked)
    CoordinationModel(scenario, pattern, 7, **overrides).run()
    assert days


def test_first_measures_are_marked_when_the_onset_comes_under_measures_already_on():
    """Measures on before a community's onset (the district's floor, a false alarm): its first
    measure is marked on the day of its onset, also while where measures are on stays the same;
    over random days the marks are the rule's, worked out from scratch."""
    m = CoordinationModel("default", "full_cycle", 7, **SMALL)
    marks, tally, n = m.actions.marks, m.tally, m.world.communities.n
    states, risk = np.zeros(n, dtype=np.int64), np.zeros(n)
    tally.onset[:], tally.first_measure[:] = -1, -1
    everywhere = np.ones(n, dtype=bool)
    marks.day(1, risk, states, everywhere, False)
    tally.onset[2] = 2
    marks.day(2, risk, states, everywhere, False)
    assert tally.first_measure[2] == 2 and (np.delete(tally.first_measure, 2) < 0).all()
    rng, first = np.random.default_rng(3), tally.first_measure.copy()
    for t in range(3, 60):
        acting = everywhere if rng.random() < 0.5 else rng.random(n) < 0.5
        tally.onset[(tally.onset < 0) & (rng.random(n) < 0.05)] = t
        marks.day(t, risk, states, acting if acting.any() else None, False)
        first[acting & (tally.onset >= 0) & (first < 0)] = t
        assert np.array_equal(tally.first_measure, first)


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
        cared = service_order.care_first(where, vulnerable.nonzero()[0], priority, key, quota, care_quota)
        assert np.array_equal(np.sort(service_order.take(where, None, key, quota)), cared)


@pytest.mark.parametrize(
    "scenario, pattern, overrides",
    [*RUNS, ("default", "no_response", SMALL), ("default", "siloed", {**SMALL, "resources": 0.0})],
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
