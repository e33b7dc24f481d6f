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
