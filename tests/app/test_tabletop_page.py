"""The tabletop drill in the browser: a facilitator and two players, in separate sessions.

A real ``coop-agents app --workshop-dir DIR`` and Debian's chromium: the facilitator starts a
short drill on the page, two players join with their codes (one in Chinese), a wrong code is
refused, an inject reaches the player it concerns, a turn times out, the drill ends and the
debrief is exported. What each player's page shows *and what its WebSocket receives* is checked
for another role's inbox and the true risk; every request stays on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from coop_agents.model import CoordinationModel

from .conftest import start_app
from .test_workshop_page import external_references, number_field

RESIDENTS, SEED, DAYS = 1200, 1, 4
DEBRIEF_TIMEOUT_MS = 240_000  # every preset on the same outbreak, and the key turns replayed
# What only the facilitator's console may show.
TRUE_MARKS = ("coop-true-risk", "True risk", "真实风险", "True state", "真实状态")


@pytest.fixture(scope="module")
def tabletop_app(tmp_path_factory):
    """The app with its own workshop folder: ``(address, folder)``."""
    folder, logs = tmp_path_factory.mktemp("sessions"), tmp_path_factory.mktemp("tabletop-app")
    for address in start_app(logs, "--workshop-dir", str(folder)):
        yield address, folder


@pytest.fixture
def open_session(new_session, tabletop_app):
    """Open /tabletop in a new browser session; returns the page and the WebSocket frames it got."""

    def open_page():
        page = new_session()
        frames: list[str] = []
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived",
                lambda payload: frames.append(
                    payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
                ),
            ),
        )
        page.goto(tabletop_app[0] + "tabletop")
        page.locator(".coop-join-button").wait_for()
        return page, frames

    return open_page


def roles() -> tuple[int, int, int]:
    """The committee of the community where the outbreak starts, its street office, and the
    community's number, in the district the page will build."""
    model = CoordinationModel("default", "siloed", SEED, residents=RESIDENTS)
    committee = model.committees[int(np.argmax(model._risk))]
    return committee.node, model.roster.street_offices[committee.street].node, committee.community


def join_as(page, room: str, code: str, name: str) -> None:
    page.locator(".coop-join-room input").fill(room)
    page.locator(".coop-join-code input").fill(code)
    page.locator(".coop-join-name input").fill(name)
    page.locator(".coop-join-button").click()


def submit(page, turn: int) -> None:
    """Submit this turn's form (the form of turn ``turn``, not one being replaced)."""
    page.locator(f".coop-decisions-turn-{turn} .coop-submit").click()


def turn_shown(page, turn: int, lang: str = "en"):
    expect(page.locator(".coop-turn").first).to_contain_text(
        f"Turn {turn} of" if lang == "en" else f"第{turn}轮"
    )


def test_a_drill_with_a_facilitator_and_two_players(open_session, tabletop_app):
    committee, office, community = roles()
    folder = Path(tabletop_app[1]) / "tabletop"
    facilitator, console_frames = open_session()

    # The facilitator sets up a short drill: two roles played by people, the rest by the model.
    create = facilitator.locator(".coop-create")
    number_field(create, "Residents").fill(str(RESIDENTS))
    number_field(create, "Days played").fill(str(DAYS))
    create.locator(f".coop-role-{committee}").click()
    create.locator(f".coop-role-{office}").click()
    facilitator.locator(".coop-create-button").click()
    console = facilitator.locator(".coop-console")
    expect(console.locator(".coop-room-code")).to_contain_text("Room code: ")
    room = facilitator.locator(".coop-room-code").inner_text().split(":")[-1].strip()
    codes = {
        role: facilitator.locator(f".coop-code-{role}").inner_text().strip() for role in (committee, office)
    }
    assert re.fullmatch(r"[A-Z2-9]{6}", room) and all(re.fullmatch(r"[A-Z2-9]{6}", c) for c in codes.values())
    expect(console.locator(".coop-truth-table tbody tr")).to_have_count(12)
    logs = list(folder.glob("*.jsonl"))
    assert len(logs) == 1

    # A wrong code is refused; the codes handed out let the players in.
    intruder, _ = open_session()
    join_as(intruder, room, "ABCDEF" if codes[committee] != "ABCDEF" else "FEDCBA", "Eve")
    expect(intruder.locator(".coop-join-error")).to_be_visible()
    expect(intruder.locator(".coop-player")).to_have_count(0)
    alice, alice_frames = open_session()
    join_as(alice, room, codes[committee], "Alice")
    expect(alice.locator(f".coop-player-{committee}")).to_be_visible()
    bob, bob_frames = open_session()
    bob.get_by_role("button", name="中文", exact=True).click()
    join_as(bob, room, codes[office].lower(), "Bob")
    expect(bob.locator(f".coop-player-{office}")).to_contain_text("你的角色")
    expect(facilitator.locator(".coop-seats")).to_contain_text("Alice")
    expect(facilitator.locator(".coop-seats")).to_contain_text("Bob")

    # Turn 1: the facilitator starts; Alice asks for pre-transition; the turn advances once both
    # have submitted (a role with nothing to decide has nothing to submit).
    facilitator.locator(".coop-start").click()
    turn_shown(alice, 1)
    ask = alice.locator(".coop-decision-request_state").get_by_role("button", name="Ask for pre-transition")
    ask.click()
    # The choice is the server's once the toggle shows it: submitting earlier could send the default.
    expect(ask).to_have_class(re.compile(r"\bv-btn--active\b"))
    submit(alice, 1)
    if bob.locator(".coop-decisions-turn-1 .coop-decision").count():
        submit(bob, 1)
    turn_shown(alice, 2)
    turn_shown(bob, 2, "zh")

    # Turn 2: a rumour spreads in Alice's community; it reaches her inbox, not the facilitator's
    # players elsewhere, and the log keeps it.
    injects = facilitator.locator(".coop-injects")
    injects.locator(".coop-inject-which .v-input__slot").click()
    facilitator.locator(".menuable__content__active .v-list-item").get_by_text(
        "A rumour spreads", exact=True
    ).click()
    injects.locator(".coop-inject-target .v-input__slot").click()
    facilitator.locator(".menuable__content__active .v-list-item").get_by_text(
        f"community {community + 1}", exact=True
    ).click()
    injects.locator(".coop-fire").click()
    expect(injects.locator(".coop-fired")).to_contain_text("A rumour spreads")
    expect(alice.locator(".coop-inject-card")).to_contain_text("A rumour spreads")
    expect(bob.locator(".coop-inject-card")).to_contain_text("谣言扩散")  # its street office hears too
    submit(alice, 2)
    if bob.locator(".coop-decisions-turn-2 .coop-decision").count():
        submit(bob, 2)
    turn_shown(alice, 3)

    # Turn 3 times out: Alice does not submit; the facilitator cuts the time limit to a second.
    # The last turn, 4, then times out too, and the model plays the rest of the event.
    controls = facilitator.locator(".coop-controls")
    number_field(controls, "Time per turn (seconds)").fill("1")
    controls.locator(".coop-set-limit").click()
    expect(alice.locator(".coop-over")).to_be_visible()
    expect(bob.locator(".coop-over")).to_contain_text("推演结束")
    records = [json.loads(line) for line in logs[0].read_text(encoding="utf-8").splitlines()]
    turns = [r for r in records if r["type"] == "turn"]
    assert [r["timed_out"] for r in turns] == [False, False, True, True]
    assert turns[2]["defaults"] and all(r["default"] == "nothing" for r in turns)
    assert any(
        r["type"] == "inject" and r["inject"] == "rumour" and r["target"] == community for r in records
    )
    assert any(
        r["type"] == "decision" and r["player"] == "Alice" and r["choice"] == "pre_transition"
        for r in records
    )

    # What each player's page and WebSocket received: their own inbox, never another's, never
    # the true state; the console did receive it (so the check can see it).
    assert any("coop-true-risk" in f for f in console_frames)
    for page, frames, mine, other in (
        (alice, alice_frames, committee, office),
        (bob, bob_frames, office, committee),
    ):
        received = "\n".join(frames)
        assert f"coop-inbox-{mine}" in received
        assert f"coop-inbox-{other}" not in received and f"coop-player-{other}" not in received
        for mark in TRUE_MARKS:
            assert mark not in received, mark
            assert mark not in page.content(), mark

    # The debrief: the team against every pattern on the same outbreak, exported as one page.
    facilitator.locator(".coop-debrief-button").click()
    expect(facilitator.locator(".coop-debrief-table")).to_be_visible(timeout=DEBRIEF_TIMEOUT_MS)
    expect(facilitator.locator(".coop-debrief-table")).to_contain_text("Your team")
    with facilitator.expect_download() as info:
        facilitator.get_by_role("button", name="Export the debrief (English)").click()
    html = open(info.value.path(), encoding="utf-8").read()
    assert info.value.suggested_filename == f"debrief-{room}-en.html"
    assert html.lstrip().lower().startswith("<!doctype html") and external_references(html) == []
    for words in (
        "after-action report",
        "Alice",
        "A rumour spreads",
        "Siloed lines and blocks",
        "Full-cycle",
    ):
        assert words in html, words
    with facilitator.expect_download() as info:
        facilitator.get_by_role("button", name="Export the debrief (Chinese)").click()
    html_zh = open(info.value.path(), encoding="utf-8").read()
    assert "桌面推演评估报告" in html_zh and "谣言扩散" in html_zh and external_references(html_zh) == []
