"""What the drill page's panels share: the session's place, the room's watch and clock, the
tables they draw, and how they write risks, places and turns."""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable
from collections.abc import Set as AbstractSet
from html import escape
from pathlib import Path

import solara

from coop_agents.numbers import format_number
from coop_agents.tabletop.injects import target_name
from coop_agents.tabletop.room import ConsoleState, PlayerState, Room
from coop_agents.tabletop.strings import t
from coop_agents.viz.components import NUMBER
from coop_agents.viz.workshop.rounds import workshop_dir

__all__ = [
    "CARD",
    "Clock",
    "html_table",
    "place",
    "place_name",
    "risk_text",
    "role_css",
    "tabletop_dir",
    "turn_text",
    "use_room",
]

DEFAULT_DAYS, DEFAULT_LIMIT_S = 30, 90
TURN_CHOICES = (0.5, 1, 2, 3, 7)
WAIT_S = 5.0  # a session's watcher wakes at least this often to see whether it is still wanted
CARD = {"margin": "0"}

# A browser session's place: None (the lobby), ("player", room code, role) or ("console", room code).
place: solara.Reactive[tuple | None] = solara.reactive(None)


def tabletop_dir() -> Path:
    """Where drills' logs are kept: ``tabletop/`` in the workshop folder (``--workshop-dir``)."""
    return workshop_dir() / "tabletop"


def role_css(role: Hashable) -> str:
    """A role as a CSS class suffix (``coop-inbox-<role>``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(role))


def html_table(
    heads: list[str], rows: list[list[str]], classes: str, numeric: AbstractSet[int] = frozenset()
) -> None:
    head = "".join(f"<th{NUMBER if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(heads))
    body = "".join(
        "<tr>" + "".join(f"<td{NUMBER if i in numeric else ''}>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        classes=["v-data-table", "v-data-table--dense", *classes.split()],
    )


def place_name(kind: str, number: int | None, lang: str) -> str:
    """A community or street as a table cell names it (capitalised in English)."""
    name = target_name(kind, number, lang)
    return name[:1].upper() + name[1:]


def risk_text(x: float | None) -> str:
    return "" if x is None else format_number(round(float(x), 2), 2)


def _when(span: tuple[int, int, int | None], lang: str) -> str:
    first, last, half = span
    if half is not None:
        return t("day.morning" if half == 0 else "day.afternoon", lang, day=first)
    return t("day", lang, day=first) if first == last else t("days", lang, first=first, last=last)


def _turn(turn: int, n_turns: int | None, lang: str) -> str:
    return t("turn.of", lang, turn=turn + 1, turns=n_turns) if n_turns else t("turn", lang, turn=turn + 1)


def turn_text(state: PlayerState | ConsoleState, lang: str) -> str:
    """The open turn and its days: ``Turn 2 of 4 · Day 2``."""
    return f"{_turn(state.turn, state.n_turns, lang)} · {_when(state.span, lang)}"


def use_room(room: Room) -> int:
    """The room's version; the calling component redraws whenever the room changes."""
    version, set_version = solara.use_state(room.version)

    def watch(cancel: threading.Event) -> None:
        seen = version
        while not cancel.is_set():
            now = room.wait(seen, WAIT_S)
            if now != seen and not cancel.is_set():
                set_version(now)
                return

    solara.use_thread(watch, dependencies=[id(room), version], intrusive_cancel=False)
    return version


@solara.component
def Clock(room: Room, version: int, lang: str):
    """The turn's time left, ticking each second while it runs."""
    tick, set_tick = solara.use_state(0)
    state, left = room.seconds_left()

    def run(cancel: threading.Event) -> None:
        if state != "running":
            return
        room.wait(room.version, 1.0)  # wakes within a second, or at once when the room changes
        if not cancel.is_set():
            set_tick(lambda n: n + 1)

    solara.use_thread(run, dependencies=[id(room), version, tick, state], intrusive_cancel=False)
    words = {
        "waiting": t("time.waiting", lang),
        "none": t("time.none", lang),
        "over": t("over", lang),
        "paused": t("time.paused", lang)
        + ("" if left is None else f" · {t('time.left', lang, seconds=int(left))}"),
        "running": t("time.left", lang, seconds=int(round(left or 0))),
    }[state]
    solara.Text(words, classes=["coop-clock", f"coop-clock-{state}"], style={"font-weight": "500"})
