"""The shortcuts of keyed draws, the contagion and monitoring give the full computation's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents.rng import _GAMMA, _M64, Draws, _mix, stream_key


def _reference(key: int, day: int, rows: list[int]) -> list[float]:
    """The keyed uniforms one resident at a time on Python integers (the module's definition)."""
    day_key = _mix((key & _M64) ^ _mix(day * _GAMMA + _GAMMA))
    return [(_mix(day_key + (i + 1) * _GAMMA) >> 11) / 2.0**53 for i in rows]


@pytest.mark.parametrize("dtype", [np.intp, np.int32, np.uint32, np.uint64])
def test_keyed_draws_equal_the_definition_for_any_integer_rows(dtype):
    key = stream_key(3, "hazard")
    d = Draws(key)
    rows = np.array([0, 1, 2, 77, 9_999, 123_456, 5, 5], dtype=dtype)
    for day in (0, 1, 1, 40, 2):  # the day's key is kept between calls and renewed on a new day
        assert d.at(day, rows).tolist() == _reference(key, day, rows.tolist())
        # a strided view of the rows reads the same numbers as a fresh copy of them
        assert d.at(day, rows[::3]).tolist() == _reference(key, day, rows[::3].tolist())


def test_two_streams_read_in_one_pass_equal_two_reads():
    hazard, detection = Draws(stream_key(5, "hazard")), Draws(stream_key(5, "detection"))
    fresh_h, fresh_d = Draws(stream_key(5, "hazard")), Draws(stream_key(5, "detection"))
    rng = np.random.default_rng(0)
    for day in (3, 3, 4, 9):
        for n in (0, 1, 2, 60, 1_000):
            rows = rng.integers(0, 20_000, n)
            a, b = hazard.at_two(detection, day, rows)
            assert np.array_equal(a, fresh_h.at(day, rows)) and np.array_equal(b, fresh_d.at(day, rows))
            assert a.shape == b.shape == (n,)
