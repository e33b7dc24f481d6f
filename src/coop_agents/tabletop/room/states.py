"""What a page is shown of a room, taken at once under the room's lock: a player's
(:class:`PlayerState`) and the facilitator's console (:class:`ConsoleState`)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from coop_agents.tabletop.room.codes import Seat
from coop_agents.tabletop.views import Pending, RoleView, Truth

__all__ = ["ConsoleState", "PlayerState"]


@dataclass(frozen=True)
class PlayerState:
    """What one player's page shows, taken at once under the room's lock."""

    version: int
    role: Hashable
    player: str | None
    turn: int
    n_turns: int | None
    span: tuple[int, int, int | None]
    view: RoleView | None
    pending: tuple[Pending, ...]
    answers: Mapping[tuple, Any]  # this role's answers so far this turn
    submitted: bool
    hints: bool
    finished: bool
    clock: tuple[str, float | None]  # ("waiting" | "running" | "paused" | "none", seconds left)


@dataclass(frozen=True)
class ConsoleState:
    """What the facilitator's console shows."""

    version: int
    code: str
    facilitator_code: str
    seats: tuple[Seat, ...]
    waiting: Mapping[Hashable, int]  # decisions waiting per role
    turn: int
    n_turns: int | None
    span: tuple[int, int, int | None]
    truth: Truth
    fired: tuple[tuple[int, Any], ...]
    hints: bool
    default: str
    time_limit: float | None
    clock: tuple[str, float | None]
    finished: bool
    log: str | None
    debrief: Any  # None, "running", a Debrief or an Exception
    debrief_note: str
