"""The hazard's and monitoring's kept values and shortcuts against a from-scratch computation."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents import rng as R


def _vectorised(draws: R.Draws, day: int, rows: np.ndarray) -> np.ndarray:
    """The keyed uniforms the long way: every word through the array code."""
    z = R._times_gamma(rows)
    z += draws._day_base(day)
    return R._to_unit(z)


@pytest.mark.parametrize("key", [0, 1, 2**63 + 12345, R.stream_key(7, "monitoring")])
def test_few_rows_are_the_array_numbers(key):
    draws = R.Draws(key)
    gen = np.random.default_rng(key % 1000)
    for day in (0, 1, 5, 99, 2**20):
        for n in range(1, R.FEW_ROWS + 3):
            rows = np.sort(gen.choice(1_000_000, n, replace=False))
            few = draws.at(day, rows)
            assert few.dtype == np.float64
            assert np.array_equal(few, _vectorised(draws, day, rows))
            # A list of indices reads the same numbers.
            assert np.array_equal(draws.at(day, rows.tolist()), few)


# ------------------------------------------------------------------ the model's phases


@pytest.mark.parametrize("pattern", ["full_cycle", "platform", "command", "siloed"])
def test_monitoring_reads_the_alerting_mask_of_the_moment(monkeypatch, pattern):
    """The hazard phase's mask of alerting communities, kept for monitoring, is today's state."""
    from coop_agents import CoordinationModel
    from coop_agents.governance import G
    from coop_agents.monitoring import Monitoring

    observe = Monitoring.observe
    alerting_days = []

    def checked(self, t, alerting):
        now = self.communities.state != G.NORMAL
        assert np.array_equal(alerting, now)
        alerting_days.append(bool(now.any()))
        return observe(self, t, alerting)

    monkeypatch.setattr(Monitoring, "observe", checked)
    model = CoordinationModel("default", pattern, 1, residents=1500, steps=60, run_until="steps")
    model.run()
    assert any(alerting_days) and not all(alerting_days)


# ------------------------------------------------------------------ the contagion's kept count


def _contagions(hazard):
    from coop_agents.events import HazardSet
    from coop_agents.hazards.contagion import Contagion

    events = hazard.running if isinstance(hazard, HazardSet) else [hazard]
    return [e for e in events if isinstance(e, Contagion)]


def _run_checked(model) -> int:
    """Step ``model`` to its end, checking every day each running contagion's kept count of the
    affected, and what it answers from it, against its masks; the most residents ever affected."""
    res, most = model.world.residents, 0
    while model.running:
        model.step()
        for event in _contagions(model.hazard):
            active = event.active
            n = int(np.count_nonzero(active))
            assert event._n_active == n
            counts = np.bincount(res.community[active], minlength=event.n_comm)
            seen = np.bincount(res.community[res.detected & active], minlength=event.n_comm)
            with np.errstate(invalid="ignore"):
                assert np.array_equal(event.true_risk(model.steps), counts / event.critical, equal_nan=True)
                observed = event.observe(res.detected, None, None, model.steps)
                assert np.array_equal(observed, seen / event.critical, equal_nan=True)
            assert event.contained(model.steps) == (n == 0)
            most = max(most, n)
    return most


@pytest.mark.parametrize(("pattern", "most"), [("full_cycle", 5), ("no_response", 30), ("siloed", 30)])
def test_the_kept_count_follows_the_masks_every_day(pattern, most):
    from coop_agents import CoordinationModel

    model = CoordinationModel("default", pattern, 1, residents=1500, steps=80, run_until="steps")
    assert _run_checked(model) >= most  # (an epidemic that got going: many days with movers)


@pytest.mark.parametrize("scenario", ["flood_during_epidemic", "recurring"])
def test_the_kept_count_follows_the_masks_under_several_events(scenario):
    from coop_agents import CoordinationModel

    model = CoordinationModel(scenario, "full_cycle", 2, residents=1200, steps=200, run_until="steps")
    assert _run_checked(model) > 0


@pytest.mark.parametrize("scenario", ["default", "flood_during_epidemic"])
def test_the_kept_count_follows_a_drills_index_cases(scenario):
    """A drill's inject writes the contagion's masks directly: the count is taken again (one
    event, or the running one of several)."""
    from coop_agents import CoordinationModel
    from coop_agents.tabletop.injects import Inject

    model = CoordinationModel(scenario, "full_cycle", 2, residents=1200, steps=60, run_until="steps")
    for day, target in ((1, 4), (2, 2), (3, 5), (30, 7), (45, 1)):
        model.schedule_inject(day, Inject("second_site", day=day, target=target, params=(("cases", 12),)))
    assert _run_checked(model) >= 12


@pytest.mark.parametrize("scenario", ["default", "chemical_leak", "flood_during_epidemic"])
def test_the_days_prevalence_and_detected_count_every_affected_resident(scenario):
    """The day's record reads how many residents are affected from the hazard (a contagion keeps
    the number; a shock and several events count their mask): the same as counting the masks, and
    the detected among them, after every day."""
    from coop_agents import CoordinationModel

    model = CoordinationModel(scenario, "full_cycle", 2)
    hz, res = model.hazard, model.residents
    while model.running:
        model.step()
        active = np.count_nonzero(hz.active)
        assert hz.n_active == active
        row = model.series.n - 1
        assert model.series.data["prevalence"][row] == active / res.n
        assert model.series.data["detected"][row] == np.count_nonzero(res.detected & hz.active)
    assert model.series.data["prevalence"][: model.series.n].max() > 0
