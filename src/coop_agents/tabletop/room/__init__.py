"""A drill held for the app: a room with codes, players, submissions, a timer and a console.

A :class:`Room` holds one :class:`~coop_agents.tabletop.exercise.Exercise` for several browser
sessions at once (the facilitator's and the players'): the facilitator creates it and hands out
its room code and one code per role; a player joins with both (:func:`join`; no open lobby: a
wrong code is refused without saying which part is wrong). Each turn the players submit their
answers; the turn advances when every role played by people has submitted (a role with nothing
to decide counts as submitted) or when the time limit runs out, and an undecided decision takes
the facilitator's default. (A turn in which nobody has anything to decide waits for the clock or
the facilitator, so players can read what reached them and injects land when planned.) The facilitator starts, pauses and extends the timer, fires injects,
turns hints on or off and ends the drill.

Every change goes through the room's lock and is written to the drill's log before anyone sees
it (the exercise rewrites its log atomically); sessions wait on :meth:`Room.wait` and redraw when
the room's version changes. After a restart the facilitator reopens the drill from its log with
the room code and the facilitator's code (:func:`reopen`); the same codes let the players back in.

Nothing here imports Solara: the tests and ``benchmarks/app_step.py`` drive rooms directly.

The parts: :mod:`.codes` (the codes and the seats they open), :mod:`.states` (what a page is
shown), :mod:`.drill_room` (the :class:`Room`: submissions, the timer, the controls) and
:mod:`.registry` (the live rooms: create, join, reopen).
"""

from __future__ import annotations

from coop_agents.tabletop.room.codes import CODE_ALPHABET, Seat
from coop_agents.tabletop.room.drill_room import EXTEND_S, Room
from coop_agents.tabletop.room.registry import ROOMS, console_access, create_room, join, reopen
from coop_agents.tabletop.room.states import ConsoleState, PlayerState

__all__ = [
    "CODE_ALPHABET",
    "EXTEND_S",
    "ROOMS",
    "ConsoleState",
    "PlayerState",
    "Room",
    "Seat",
    "console_access",
    "create_room",
    "join",
    "reopen",
]
