"""The keyed draws' shortcuts (days' keys worked out in blocks, two streams read in one pass, a few
residents on Python integers) against the documented formula computed from scratch."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents import rng as R

_M64 = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    z &= _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _from_scratch(key: int, day: int, rows) -> np.ndarray:
    """SplitMix64's output on ``day_key + (i + 1) * γ``, its top 53 bits as a float in [0, 1)."""
    day_key = _mix((key & _M64) ^ _mix(day * _GAMMA + _GAMMA))
    return np.array([(_mix(day_key + (int(i) + 1) * _GAMMA) >> 11) / 2.0**53 for i in rows], dtype=np.float64)


KEYS = [0, 1, _M64, R.stream_key(7, "need_report"), R.stream_key(7, "priority")]
# Forward, back, across and far beyond a block of days, and before day 0.
DAYS = [0, 1, 2, R.DAY_BLOCK - 1, R.DAY_BLOCK, R.DAY_BLOCK + 1, 5, 3 * R.DAY_BLOCK + 7, 2**20, 4, -1, -7, 0]


@pytest.mark.parametrize("key", KEYS)
def test_one_stream_in_any_order_of_days(key):
    draws = R.Draws(key)
    gen = np.random.default_rng(key % 977)
    for day in DAYS:
        for n in (0, 1, 2, R.FEW_ROWS, R.FEW_ROWS + 1, 45, 300):
            rows = np.sort(gen.choice(100_000, n, replace=False))
            expected = _from_scratch(key, day, rows)
            got = draws.at(day, rows)
            assert got.dtype == np.float64 and np.array_equal(got, expected), (day, n)
            assert np.array_equal(draws.at(day, rows.tolist()), expected)
        assert np.array_equal(draws.day(day, 50).all(), _from_scratch(key, day, range(50)))
        mask = gen.random(50) < 0.3
        assert np.array_equal(draws.day(day, 50)[mask], _from_scratch(key, day, mask.nonzero()[0]))


@pytest.mark.parametrize("pair", [(0, 1), (KEYS[3], KEYS[4]), (_M64, KEYS[3])])
def test_two_streams_read_together(pair):
    a, b = R.Draws(pair[0]), R.Draws(pair[1])
    gen = np.random.default_rng(5)
    for day in DAYS:
        for n in (0, 1, R.FEW_ROWS, R.FEW_ROWS + 1, 45, 200):
            rows = np.sort(gen.choice(100_000, n, replace=False))
            u, v = a.at_two(b, day, rows)
            assert u.shape == v.shape == (n,) and u.dtype == v.dtype == np.float64
            assert np.array_equal(u, _from_scratch(pair[0], day, rows))
            assert np.array_equal(v, _from_scratch(pair[1], day, rows))
            # Reading one stream alone in between changes nothing.
            assert np.array_equal(a.at(day, rows), u)


def test_a_day_key_does_not_depend_on_the_days_read_before():
    late, fresh = R.Draws(KEYS[3]), R.Draws(KEYS[3])
    for day in range(0, 3 * R.DAY_BLOCK, 11):
        late.at(day, np.arange(10))
    rows = np.arange(7, 70, 3)
    for day in (R.DAY_BLOCK + 3, 1, 2 * R.DAY_BLOCK + 100):
        assert np.array_equal(late.at(day, rows), fresh.at(day, rows))
        assert np.array_equal(late.at(day, rows), _from_scratch(KEYS[3], day, rows))


@pytest.mark.parametrize(
    ("pattern", "residents", "two_stream_reads"),
    # Two streams are read in one pass only where more than a few residents must report their need
    # at once: siloed and command runs at the default scenario's size do, full_cycle's do not.
    [("full_cycle", 1500, 0), ("no_response", 1500, 0), ("siloed", None, 5), ("command", None, 5)],
)
def test_every_read_of_real_runs_is_the_formula(monkeypatch, pattern, residents, two_stream_reads):
    """Every keyed read of whole runs (hazard, detection, bounces, needs, lockdown, priority)."""
    from coop_agents import CoordinationModel

    reads = {"at": 0, "at_two": 0}
    at, at_two = R.Draws.at, R.Draws.at_two

    def checked_at(self, day, rows):
        got = at(self, day, rows)
        assert np.array_equal(got, _from_scratch(self.key, day, np.asarray(rows).tolist()))
        reads["at"] += 1
        return got

    def checked_at_two(self, other, day, rows):
        u, v = at_two(self, other, day, rows)
        listed = np.asarray(rows).tolist()
        assert np.array_equal(u, _from_scratch(self.key, day, listed))
        assert np.array_equal(v, _from_scratch(other.key, day, listed))
        reads["at_two"] += 1
        return u, v

    monkeypatch.setattr(R.Draws, "at", checked_at)
    monkeypatch.setattr(R.Draws, "at_two", checked_at_two)
    size = {"residents": residents} if residents else {}
    CoordinationModel("default", pattern, 3, steps=60, **size).run()
    assert reads["at"] > 20
    assert reads["at_two"] >= two_stream_reads


# ------------------------------------------------------------------ monitoring's days read ahead


@pytest.mark.parametrize(
    ("pattern", "false_signals"), [("full_cycle", 0.0), ("siloed", 0.0), ("full_cycle", 0.5)]
)
def test_monitoring_reads_each_day_the_numbers_of_a_day_by_day_read(monkeypatch, pattern, false_signals):
    """Monitoring's per-community draws, read many days at once, against fresh streams read one day
    at a time (and the false signals' counts between days, which read the same stream)."""
    from coop_agents import CoordinationModel
    from coop_agents.monitoring import READ_AHEAD, Monitoring

    model = CoordinationModel(
        "default",
        pattern,
        11,
        steps=READ_AHEAD + 30,
        run_until="steps",
        residents=1500,
        false_signal_rate=false_signals,
    )
    fresh = R.make_streams(model.seed_value)
    days = []
    day_draws = Monitoring._day_draws

    def checked(self, n):
        u, z = day_draws(self, n)
        assert np.array_equal(u, fresh["monitoring"].random(n))
        assert np.array_equal(z, fresh["decisions"].standard_normal(n))
        if self.config.false_signal_rate > 0:
            fresh["monitoring"].poisson(self.config.false_signal_rate / 1000 * self.communities.size)
        days.append(n)
        return u, z

    monkeypatch.setattr(Monitoring, "_day_draws", checked)
    model.run()
    assert len(days) == READ_AHEAD + 30
