"""The shortcuts of keyed draws, the contagion and monitoring give the full computation's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents import CoordinationModel
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


def test_few_infectious_residents_rows_one_by_one_give_the_same_pressure(monkeypatch):
    """Reading a handful of infectious residents' rows one by one gives the vectorised reading's
    contacts, in the same order, and the same sums bit for bit."""
    from coop_agents.hazards import contagion

    model = CoordinationModel("default", "no_response", 4, residents=3000)
    hz = model.hazard
    rng = np.random.default_rng(1)
    for k in (1, 2, 5, contagion.FEW_SOURCES, contagion.FEW_SOURCES + 1, 40):
        sources = np.sort(rng.choice(hz.state.size, k, replace=False))
        weight = rng.random(k)
        monkeypatch.setattr(contagion, "FEW_SOURCES", 10**9)
        one_by_one = hz._pressure(sources, weight)
        monkeypatch.setattr(contagion, "FEW_SOURCES", 0)
        vectorised = hz._pressure(sources, weight)
        assert one_by_one[1].tolist() == vectorised[1].tolist()
        assert one_by_one[0].tobytes() == vectorised[0].tobytes()


def test_an_outbreak_of_latent_residents_only_moves_them_as_the_full_step_would():
    """Before anyone is infectious, only onsets happen; the masks stay those of the states."""
    from coop_agents.hazards.contagion import EXPOSED, INFECTIOUS

    model = CoordinationModel("default", "no_response", 3, residents=3000, initial_cases=30)
    hz = model.hazard
    assert hz.active.any() and not hz.detectable.any()
    seen_onset = False
    for _ in range(15):
        before = hz.state.copy()
        model.step()
        moved = before != hz.state
        if not (before == INFECTIOUS).any():  # a day that began with latent residents only
            assert ((before[moved] == EXPOSED) & (hz.state[moved] == INFECTIOUS)).all()
            seen_onset |= bool(moved.any())
        np.testing.assert_array_equal(hz.active, (hz.state == EXPOSED) | (hz.state == INFECTIOUS))
        np.testing.assert_array_equal(hz.detectable, hz.state == INFECTIOUS)
    assert seen_onset


def test_new_cases_off_the_boundary_are_owned_at_once_and_boundary_ones_bounce_by_their_draws():
    import math

    from coop_agents.monitoring import MAX_BOUNCES

    model = CoordinationModel("default", "siloed", 2, residents=3000)
    mon, res, world = model.monitoring, model.world.residents, model.world
    assert 0 < mon.effects.p_own < 1
    inner = (~world.boundary).nonzero()[0][:5]
    edge = world.boundary.nonzero()[0][:40]
    passed = model.tally.buck_passing
    mon.assign_tasks(inner, 7)
    assert (res.isolate_at[inner] == 7).all() and model.tally.buck_passing == passed
    new = np.sort(np.concatenate((inner, edge)))
    mon.assign_tasks(new, 9)
    u = mon.bounces.at(9, edge)
    bounces = np.minimum(np.floor(np.log1p(-u) / math.log1p(-mon.effects.p_own)), MAX_BOUNCES)
    assert (res.isolate_at[edge] == 9 + bounces).all() and (res.isolate_at[inner] == 9).all()
    assert model.tally.buck_passing == passed + int(bounces.sum()) and bounces.any()


def test_keyed_draws_of_a_list_of_rows_are_those_of_the_array():
    d = Draws(stream_key(2, "bounce"))
    assert (
        d.at(6, [4, 0, 4]).tolist()
        == d.at(6, np.array([4, 0, 4])).tolist()
        == _reference(d.key, 6, [4, 0, 4])
    )
