"""The tabletop drill: people as deciders, turn by turn, with injects; the log replays it exactly;
the room's codes, submissions and timer; the debrief against every preset (coop_agents.tabletop)."""

from __future__ import annotations

import json
import math
import os
import re
import time

import numpy as np
import pytest

from coop_agents import CoordinationModel
from coop_agents.errors import CoopError
from coop_agents.tabletop import Exercise, Inject, library
from coop_agents.tabletop.exercise import NOTHING, do_nothing
from coop_agents.tabletop.room import ROOMS, Room, create_room, join, reopen

RESIDENTS = 1200


def same_outcomes(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def play(ex: Exercise, choose=lambda p: p.suggested, turns: int | None = None) -> int:
    """Answer every pending decision with ``choose`` and advance, until the drill ends (or for
    ``turns`` turns); returns the decisions answered."""
    answered = 0
    while not ex.finished and (turns is None or turns > 0):
        for p in ex.pending():
            ex.decide(p, choose(p))
            answered += 1
        ex.advance()
        turns = None if turns is None else turns - 1
    return answered


# ------------------------------------------------------------------------------- the seam is faithful


@pytest.mark.parametrize(
    "scenario, pattern, seed, turn_days, humans",
    [
        ("default", "siloed", 0, 1, ["government", "street_office", "committee"]),
        ("default", "full_cycle", 5, 0.5, ["committee", "street_office"]),
        ("rural_flood", "platform", 1, 2, ["committee", "government"]),
        ("flood_during_epidemic", "command", 2, 1, ["committee", "street_office", "government"]),
        ("default", "co_governance", 3, 3, ["committee", "party_committee", "social_organisation"]),
    ],
)
def test_a_team_taking_every_suggestion_reproduces_the_preset_bit_for_bit(
    scenario, pattern, seed, turn_days, humans
):
    ex = Exercise(scenario, pattern, seed, humans=humans, turn_days=turn_days, days=30, residents=RESIDENTS)
    assert play(ex) > 30  # people decided every turn
    rules = CoordinationModel(scenario, pattern, seed, residents=RESIDENTS)
    rules.run()
    assert ex.model.series.frame().equals(rules.series.frame())
    assert same_outcomes(ex.outcomes(), rules.outcomes())
    assert not ex.deviations()


def test_one_organisation_by_node_and_every_day_a_committee_played_by_people_is_asked():
    model = CoordinationModel("default", "siloed", 4, residents=RESIDENTS)
    committee, office = model.committees[0], model.roster.street_offices[0]
    ex = Exercise("default", "siloed", 4, humans=[committee.node, office.node], days=5, residents=RESIDENTS)
    for _ in range(5):
        pending = ex.pending()
        assert [p.kind for p in pending if p.role == committee.node].count("request_state") == 1
        assert {p.role for p in pending} <= {committee.node, office.node}
        assert all(p.node == committee.node for p in pending if p.role == committee.node)
        assert all(p.suggested in p.options and p.nothing in p.options for p in pending)
        ex.advance()
    assert ex.finished


# ------------------------------------------------------------------------------- defaults and the log


def test_undecided_decisions_take_the_facilitators_default():
    kw = dict(humans=["committee", "government"], days=40, residents=RESIDENTS)
    nothing, rules = (
        Exercise("default", "siloed", 0, default="nothing", **kw),
        Exercise("default", "siloed", 0, default="rules", **kw),
    )
    for ex in (nothing, rules):
        while not ex.finished:
            ex.advance(timed_out=True)
    assert all(t["choice"] == t["suggested"] for t in rules.taken)
    reference = CoordinationModel("default", "siloed", 0, residents=RESIDENTS)
    reference.run()
    assert rules.model.series.frame().equals(reference.series.frame())
    assert not any(t["answered"] for t in nothing.taken)
    for t in nothing.taken:
        if t["kind"] in NOTHING and t["kind"] != "measures":
            assert t["choice"] == NOTHING[t["kind"]] or t["choice"] == t["suggested"]
    assert nothing.deviations()  # doing nothing is not what the rules do here...
    assert nothing.outcomes()["harm"] > rules.outcomes()["harm"]  # ...and it costs
    turns = [r for r in nothing.log_records() if r["type"] == "turn"]
    assert all(r["timed_out"] and r["default"] == "nothing" for r in turns)
    assert sum(len(r["defaults"]) for r in turns) == sum(
        t["day"] <= nothing.last_played for t in nothing.taken
    )


def test_do_nothing_holds_and_keeps_todays_measures():
    from coop_agents.decisions import Decision

    d = Decision("measures", (0.0, 0.5, 1.0), 1.0, 1, "committee", 0, 3)
    assert do_nothing(d, level=0.5) == 0.5 and do_nothing(d, level=0.0) == 0.0 and do_nothing(d, 0.9) == 1.0
    assert (
        do_nothing(Decision("approve_state", ("approve", "refuse", "pass_back"), "approve", 1, "g", 0, 3))
        == "pass_back"
    )
    assert (
        do_nothing(Decision("set_level", ("none", "IV", "III"), "III", 1, "g", -1, 3, {"level": "IV"}))
        == "IV"
    )


def drill(tmp_path, **kw) -> Exercise:
    """A drill with deviations, a scheduled and two fired injects, notes and a half-played turn."""
    model = CoordinationModel("default", "siloed", 2, residents=RESIDENTS)
    seat = model.committees[int(np.argmax(model._risk))].node
    ex = Exercise(
        "default",
        "siloed",
        2,
        humans=["government", seat],
        days=24,
        residents=RESIDENTS,
        injects=[Inject("rumour", day=6, target=1)],
        log=tmp_path / "drill.jsonl",
        **kw,
    )
    for turn in range(18):
        if turn == 3:
            ex.fire("second_site", target=4)
        if turn == 9:
            ex.fire("road_flood")
        for p in ex.pending():
            if p.kind == "request_state" and turn >= 5:
                ex.decide(p, "emergency" if "emergency" in p.options else p.suggested, player="Li")
            elif p.kind == "approve_state":
                ex.decide(p, "approve", player="Wang")
        if turn == 7:
            ex.note(seat, "Nobody owned the boundary tasks", "Li")
        ex.advance(timed_out=turn % 4 == 0)
    return ex


def test_replaying_the_log_gives_the_same_drill_and_play_continues(tmp_path):
    ex = drill(tmp_path)
    assert ex.deviations() and len(ex.fired) == 3
    pending = ex.pending()
    ex.decide(pending[0], pending[0].options[0], player="Li")  # an answer of the open turn
    again = Exercise.replay(tmp_path / "drill.jsonl")
    assert again.turn == ex.turn and again.model.steps == ex.model.steps
    assert [p.key for p in again.pending()] == [p.key for p in ex.pending()]
    assert again.answers.keys() == ex.answers.keys()
    assert again.model.series.frame().equals(ex.model.series.frame())
    assert [i for _, i in again.fired] == [i for _, i in ex.fired]
    for x in (ex, again):  # both play on, alike, to the end
        play(x, lambda p: "approve" if p.kind == "approve_state" else p.suggested)
    assert again.model.series.frame().equals(ex.model.series.frame())
    assert same_outcomes(again.outcomes(), ex.outcomes())
    rebuilt = ex.rebuild()
    rebuilt.run()
    assert rebuilt.series.frame().equals(ex.model.series.frame())  # what a debrief replays is the drill


def test_the_log_is_json_lines_written_atomically_after_every_change(tmp_path, monkeypatch):
    ex = drill(tmp_path)
    path = tmp_path / "drill.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == json.loads(json.dumps(ex.log_records()))
    assert lines[0]["type"] == "settings" and lines[0]["injects"][0]["inject"] == "rumour"
    assert {"decision", "inject", "turn", "note"} <= {r["type"] for r in lines}
    decision = next(r for r in lines if r["type"] == "decision")
    assert {"turn", "player", "key", "choice", "suggested", "role"} <= decision.keys()
    pending = ex.pending()[0]
    before = path.read_text(encoding="utf-8")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(CoopError, match="No space left on device"):
        ex.decide(pending, pending.suggested)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == before  # whole, as it was
    assert not list(tmp_path.glob(".*.tmp"))
    ex.decide(pending, pending.suggested)
    assert path.read_text(encoding="utf-8").startswith(before)  # append-only: earlier lines unchanged


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda lines: ["{not json", *lines[1:]], r":1: not a JSON record"),
        (lambda lines: lines[1:], r"first record must be the settings"),
        (lambda lines: [lines[0], '{"type": "launch"}'], r":2: a record of unknown type 'launch'"),
        (
            lambda lines: [lines[0], *[line for line in lines[1:] if '"type": "turn"' in line][1:]],
            r"out of order",
        ),
        (lambda lines: [lines[0].replace('"humans": [', '"humans": ["mayor", '), *lines[1:]], r"mayor"),
    ],
)
def test_a_damaged_log_is_one_clear_line(tmp_path, damage, message):
    ex = drill(tmp_path)
    lines = (tmp_path / "drill.jsonl").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(damage(lines)) + "\n", encoding="utf-8")
    with pytest.raises(CoopError, match=message) as info:
        Exercise.replay(bad)
    assert "\n" not in str(info.value)
    assert ex.turn == 18


def test_bad_settings_and_choices_are_refused():
    with pytest.raises(CoopError, match="neither an organisation kind"):
        Exercise("default", "siloed", 0, humans=["mayor"], residents=600)
    with pytest.raises(CoopError, match="name at least one role"):
        Exercise("default", "siloed", 0, humans=[], residents=600)
    with pytest.raises(CoopError, match="turn_days=0.7"):
        Exercise("default", "siloed", 0, humans=["committee"], turn_days=0.7, residents=600)
    with pytest.raises(CoopError, match="default='maybe'"):
        Exercise("default", "siloed", 0, humans=["committee"], default="maybe", residents=600)
    ex = Exercise("default", "siloed", 0, humans=["committee"], days=2, residents=600)
    p = ex.pending()[0]
    with pytest.raises(CoopError, match="choice 'launch' is not allowed"):
        ex.decide(p, "launch")
    with pytest.raises(CoopError, match="unknown role"):
        ex.view("government")
    ex.advance()
    with pytest.raises(CoopError, match="is not waiting for anyone: turn 2 is open"):
        ex.decide(p, p.suggested)


# ------------------------------------------------------------------------------- what a role knows


def test_a_role_sees_what_it_knows_and_never_the_true_risk():
    model = CoordinationModel("default", "siloed", 2, residents=RESIDENTS)
    k = int(np.argmax(model._risk))
    committee = model.committees[k]
    office = model.roster.street_offices[committee.street]
    ex = Exercise(
        "default",
        "siloed",
        2,
        humans=[committee.node, office.node, "government"],
        days=40,
        residents=RESIDENTS,
    )
    seen_reports = False
    for _ in range(30):
        truth = ex.truth()
        mine = ex.view(committee.node)
        assert [c.community for c in mine.communities] == [k]
        assert mine.communities[0].perceived == pytest.approx(truth.perceived[k])
        assert mine.organisations[0].node == committee.node
        street = ex.view(office.node)
        assert {c.community for c in street.communities} == {
            c.community for c in ex.model.committees if c.street == committee.street
        }
        assert all(c.perceived is None for c in street.communities)  # an authority hears reports
        seen_reports |= any(c.reported is not None for c in ex.view("government").communities)
        for p in ex.pending():
            assert "true_risk" not in p.facts and "risk" not in {f for f in p.facts if f != "perceived_risk"}
        ex.advance()
    assert seen_reports
    assert (
        any(m.kind == "report" for o in ex.view("government").organisations for m in o.inbox) or seen_reports
    )


# ------------------------------------------------------------------------------- injects


def model_with(inject: Inject | None, pattern="siloed", seed=3, steps=None) -> CoordinationModel:
    model = CoordinationModel(
        "default",
        pattern,
        seed,
        residents=RESIDENTS,
        **({"steps": steps, "run_until": "steps"} if steps else {}),
    )
    if inject is not None:
        model.schedule_inject(inject.day, inject.check_against(model))
    return model


def step_to(model: CoordinationModel, day: int) -> CoordinationModel:
    while model.steps < day:
        model.step()
    return model


def test_the_library_is_bilingual_data_with_an_expected_action_each():
    assert set(library()) == {"rumour", "road_flood", "head_ill", "second_site", "truck_delayed"}
    for spec in library().values():
        inject = Inject(spec.id, day=5, target=1)
        for lang in ("en", "zh"):
            assert inject.title(lang) and "{" not in inject.message(lang) and "{" not in inject.expected(lang)
        assert spec.check["check"] in ("state", "measures", "decision")


def test_a_second_outbreak_site_infects_the_same_residents_under_every_pattern():
    inject = Inject("second_site", day=10, target=7, params=(("cases", 12),))
    seen = []
    for pattern in ("siloed", "full_cycle"):
        model = step_to(model_with(None, pattern), 9)
        before = model.hazard.active.copy()
        model.schedule_inject(10, inject)
        model._apply_injects(10)
        new = model.hazard.active & ~before
        assert new.sum() == 12 and set(model.world.residents.community[new]) == {7}
        seen.append(new.nonzero()[0])
    assert np.array_equal(*seen)
    early = Inject("second_site", day=2, target=7, params=(("cases", 12),))
    quiet, struck = model_with(None).run(), model_with(early).run()
    assert struck["harm"] >= quiet["harm"] + 12


def test_a_rumour_cuts_trust_and_compliance_where_it_spreads():
    model = step_to(model_with(Inject("rumour", day=4, target=2, params=(("amount", 0.3),))), 3)
    res, comm = model.world.residents, model.world.communities
    trust, loss = res.trust.copy(), comm.trust_loss.copy()
    model.step()
    assert comm.trust_loss[2] == pytest.approx(loss[2] + 0.3, abs=0.01)
    there = res.community == 2
    assert res.trust[there].mean() < trust[there].mean() - 0.2
    assert np.allclose(res.trust[~there], trust[~there], atol=0.01)


def test_a_flooded_road_slows_the_ties_then_opens_again():
    model = step_to(model_with(Inject("road_flood", day=3, target=0, params=(("days", 4),))), 2)
    bus, i = model.bus, model.committees[0].index
    ties = {key: hop for key, hop in bus._hops.items() if i in key}
    others = {key: hop for key, hop in bus._hops.items() if i not in key}
    model.step()
    for key, (delay, chance) in ties.items():
        assert bus._hops[key] == pytest.approx((delay * 4, chance * 0.8))
    assert {k: bus._hops[k] for k in others} == others
    step_to(model, 7)
    for key, hop in ties.items():
        assert bus._hops[key] == pytest.approx(hop)


def test_a_committee_head_falls_ill_and_comes_back():
    model = step_to(model_with(Inject("head_ill", day=3, target=5)), 2)
    i = model.committees[5].index
    capacity, detection = model.bus.capacity[i], model.effects.grid_detection[5]
    model.step()
    assert model.bus.capacity[i] == pytest.approx(0.3 * capacity)
    assert model.effects.grid_detection[5] == pytest.approx(0.5 * detection)
    step_to(model, 10)
    assert model.bus.capacity[i] == pytest.approx(capacity) and model.effects.grid_detection[
        5
    ] == pytest.approx(detection)


def test_a_delayed_truck_holds_the_stock_up_then_delivers():
    model = step_to(model_with(Inject("truck_delayed", day=3, target=1)), 2)
    office = model.roster.street_offices[1]
    stock = office.stock
    model.step()
    assert office.stock == pytest.approx(0.4 * stock)
    step_to(model, 7)
    assert office.stock == pytest.approx(stock, rel=0.05) or office.owed  # back (less what it paid out)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Inject("meteor", day=3), "unknown inject 'meteor'"),
        (lambda: Inject("rumour", day=0), "day=0"),
        (lambda: Inject("rumour", day=3, params=(("amount", 7),)), "amount=7 is out of range"),
        (lambda: Inject("rumour", day=3, params=(("colour", 1),)), "unknown key 'colour'"),
        (
            lambda: Inject("rumour", day=3, target=99).check_against(model_with(None)),
            "community 100 does not exist",
        ),
    ],
)
def test_bad_injects_are_one_clear_line(make, message):
    with pytest.raises(CoopError, match=message) as info:
        make()
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------------------- the room


@pytest.fixture
def room():
    ex = Exercise("default", "siloed", 2, humans=["government", "committee"], days=20, residents=RESIDENTS)
    made = create_room(ex, time_limit=None)
    yield made
    made.close()
    ROOMS.pop(made.code, None)


def wait_for(room: Room, holds, timeout: float = 30.0) -> None:
    """Wait on the room's condition until ``holds()``; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    seen = -1
    while not holds():
        if time.monotonic() > deadline:
            pytest.fail("the room never reached the expected state")
        seen = room.wait(seen, 0.5)


def test_only_holders_of_a_code_join(room):
    codes = {seat.role: seat.code for seat in room.seats.values()}
    for bad_room, bad_code in [("NOPE00", codes["committee"]), (room.code, "WRONG1"), (room.code, "")]:
        with pytest.raises(CoopError, match="^wrong code$"):
            join(bad_room, bad_code, "Eve")
    found, role = join(room.code.lower(), codes["committee"].lower(), "  Li  Na ")
    assert found is room and role == "committee" and room.seats["committee"].player == "Li Na"
    assert re.fullmatch(r"[A-Z2-9]{6}", room.code) and len(room.facilitator_code) == 10


def test_the_turn_advances_when_everyone_submitted_or_the_time_runs_out(room):
    ex = room.exercise
    room.start()
    for role in room.seats:
        if ex.pending(role):
            room.submit(role, {p.key: p.suggested for p in ex.pending(role)})
    assert ex.turn == 1 and not ex.turns[0]["timed_out"]
    # Only the committees answer; the government's decisions wait for the clock.
    room.set_default("rules")  # until then, the rules decide: committees ask, the government is asked
    while not ex.pending("government"):
        assert not ex.finished
        room.advance()
    room.set_default("nothing")
    turn = ex.turn
    waiting = [p.key for p in ex.pending("government")]
    room.submit("committee", {p.key: p.suggested for p in ex.pending("committee")})
    assert ex.turn == turn and not room.all_submitted()
    room.set_limit(0.2)  # the open turn's limit: already over, or nearly
    wait_for(room, lambda: ex.turn > turn)
    record = ex.turns[turn]
    assert record["timed_out"] and record["default"] == "nothing"
    assert {tuple(k) for k, _ in record["defaults"]} >= set(waiting)
    assert all(c == "pass_back" for k, c in record["defaults"] if k[2] == "approve_state")


def test_pausing_stops_the_clock_and_extending_adds_time():
    now = [100.0]
    ex = Exercise("default", "siloed", 2, humans=["committee"], days=5, residents=600)
    room = Room(ex, time_limit=60, clock=lambda: now[0])
    try:
        assert room.seconds_left() == ("waiting", None)
        room.start()
        now[0] += 20
        assert room.seconds_left() == ("running", 40)
        room.pause()
        now[0] += 500
        assert room.seconds_left() == ("paused", 40)
        room.extend(30)
        room.resume()
        assert room.seconds_left() == ("running", 70)
        room.set_limit(90)
        assert room.seconds_left() == ("running", 100)
        assert ex.turn == 0  # the fake clock never ran out
    finally:
        room.close()


def test_a_restart_loses_nothing_the_facilitator_reopens_from_the_log(tmp_path):
    ex = Exercise(
        "default",
        "siloed",
        2,
        humans=["government", "committee"],
        days=20,
        residents=RESIDENTS,
        log=tmp_path / "drill-1.jsonl",
    )
    room = create_room(ex, time_limit=45, hints=False)
    code, facilitator = room.code, room.facilitator_code
    join(code, room.seats["committee"].code, "Li")
    room.start()
    room.pause()  # the facilitator leads a discussion: turns advance when the facilitator says so
    for _ in range(3):
        room.submit("committee", {p.key: p.suggested for p in ex.pending("committee")})
        room.advance()
    room.fire("second_site", target=3)
    answer = {p.key: p.options[0] for p in ex.pending("committee")}
    room.submit("committee", answer, note="asking early")
    room.close()
    del ROOMS[code]  # the server restarts
    with pytest.raises(CoopError, match="no drill with these codes"):
        reopen(code, "WRONGCODE0", tmp_path)
    back = reopen(code, facilitator, tmp_path)
    try:
        again = back.exercise
        assert again.turn == ex.turn and [p.key for p in again.pending()] == [p.key for p in ex.pending()]
        assert {k: again.answers[k]["choice"] for k in answer} == answer
        assert back.seats["committee"].player == "Li" and back.seats["committee"].submitted
        assert back.time_limit == 45 and back.hints is False and back.seconds_left()[0] == "paused"
        assert join(code, room.seats["committee"].code, "Li")[0] is back  # the same codes
        back.resume()  # everyone had submitted: the turn goes on at once
        assert again.turn == ex.turn + 1
        ex.advance()
        assert again.model.series.frame().equals(ex.model.series.frame())
    finally:
        back.close()
        ROOMS.pop(code, None)


# ------------------------------------------------------------------------------- the debrief


def test_the_debrief_sets_the_team_beside_every_preset_on_the_same_injects(tmp_path):
    from coop_agents.patterns import preset_names
    from coop_agents.tabletop.debrief import debrief, render_debrief

    ex = drill(tmp_path)
    play(ex)
    report = debrief(ex, presets=["siloed", "full_cycle"])
    table = report.table
    assert list(table.columns[-3:]) == ["team", "siloed", "full_cycle"]
    assert table.loc["harm", "team"] == ex.outcomes()["harm"]
    for name in ("siloed", "full_cycle"):
        model = CoordinationModel("default", name, 2, residents=RESIDENTS)
        for _, inject in ex.fired:
            model.schedule_inject(inject.day, inject)
        assert table.loc["harm", name] == model.run()["harm"]
    keys = report.key_decisions
    assert 1 <= len(keys) <= 3 and (keys["harm_delta"].abs() > 0).any()
    first = keys.iloc[0]
    variant = ex.rebuild(rules_days=range(first["first"], first["last"] + 1))
    variant.run()
    assert first["harm_rules"] == variant.outcomes()["harm"]
    assert first["harm_delta"] == table.loc["harm", "team"] - variant.outcomes()["harm"]
    assert list(report.msel["inject"]) == ["rumour", "second_site", "road_flood"]
    assert set(report.msel["status"]) <= {"met", "missed", "model"}
    assert table.attrs["key_decisions"] is keys
    for lang in ("en", "zh"):
        page = render_debrief(report, lang)
        assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(|@import""", page)
        assert "@page" in page and "A4" in page and "<svg" in page
        assert ("Nobody owned the boundary tasks" in page) and ("Wang" in page)
    assert "复盘" in render_debrief(report, "zh") or "评估报告" in render_debrief(report, "zh")
    assert set(preset_names()) >= {"siloed", "full_cycle"}


def test_the_command_rebuilds_the_debrief_from_a_log(tmp_path, capsys):
    from coop_agents import cli

    ex = Exercise(
        "default", "platform", 1, humans=["committee"], days=8, residents=600, log=tmp_path / "drill.jsonl"
    )
    play(ex, lambda p: p.options[0])
    out = tmp_path / "debrief.html"
    assert (
        cli.main(["tabletop", "replay", str(tmp_path / "drill.jsonl"), "--out", str(out), "--lang", "en"])
        == 0
    )
    assert "after-action report" in out.read_text(encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"type": "settings", "format": 1}\n{"oops"\n', encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["tabletop", "replay", str(tmp_path / "bad.jsonl"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.jsonl:2" in err
    assert (
        cli.main(
            ["tabletop", "replay", str(tmp_path / "drill.jsonl"), "--out", str(tmp_path / "no" / "x.html")]
        )
        == 2
    )
    assert cli.main(["tabletop", "injects", "--lang", "zh"]) == 0
    assert "谣言扩散" in capsys.readouterr().out
