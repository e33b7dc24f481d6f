"""The live rooms of this server, by room code: create a room, join one with its codes, and
reopen one from its log after a restart."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from datetime import datetime
from pathlib import Path
from typing import Any

from coop_agents.errors import CoopError
from coop_agents.tabletop.exercise import Exercise
from coop_agents.tabletop.log import read_log
from coop_agents.tabletop.room.codes import ROOM_CODE_LEN, new_code, same_code
from coop_agents.tabletop.room.drill_room import Room

__all__ = ["ROOMS", "console_access", "create_room", "join", "reopen"]

ROOMS: dict[str, Room] = {}
_ROOMS_LOCK = threading.Lock()


def create_room(exercise: Exercise, **kwargs: Any) -> Room:
    """A new room for ``exercise``, registered under a fresh code."""
    with _ROOMS_LOCK:
        room = Room(exercise, **kwargs)
        while room.code in ROOMS:
            room.code = new_code(ROOM_CODE_LEN)
        ROOMS[room.code] = room
        return room


def join(room_code: str, role_code: str, player: str) -> tuple[Room, Hashable]:
    """The room and role for these codes. A wrong room code or role code is the same
    :class:`CoopError` ("wrong code"), so a guess learns nothing."""
    room = ROOMS.get(str(room_code).strip().upper())
    if room is None:
        raise CoopError("wrong code")
    return room, room.join(role_code, player)


def console_access(room_code: str, facilitator_code: str) -> Room | None:
    """The live room whose codes these are, or None."""
    room = ROOMS.get(str(room_code).strip().upper())
    if room is not None and same_code(room.facilitator_code, facilitator_code):
        return room
    return None


def _room_record(path: Path) -> dict | None:
    """The room record of a drill's log (it follows the settings), without reading the rest."""
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i > 3:
                    return None
                record = json.loads(line)
                if isinstance(record, dict) and record.get("type") == "room":
                    return record
    except (OSError, ValueError):
        return None
    return None


def reopen(room_code: str, facilitator_code: str, folder: str | Path) -> Room:
    """The room with these codes: live, or rebuilt from its log in ``folder`` after a restart
    (paused; players rejoin with their codes and find their answers of the open turn).

    Raises:
        CoopError: no drill with these codes.
    """
    live = console_access(room_code, facilitator_code)
    if live is not None:
        return live
    code = str(room_code).strip().upper()
    for path in sorted(Path(folder).glob("*.jsonl")):
        record = _room_record(path)
        if (
            not record
            or record.get("code") != code
            or not same_code(str(record.get("facilitator", "")), facilitator_code)
        ):
            continue
        exercise = Exercise.replay(path, log=path)
        codes = {role: c for role, c in record.get("codes", [])}
        with _ROOMS_LOCK:
            room = Room(
                exercise,
                time_limit=record.get("time_limit"),
                hints=record.get("hints", True),
                code=code,
                facilitator_code=record["facilitator"],
                codes=codes,
                record=False,
            )
            for r in read_log(path)[1:]:
                seat = room.seats.get(r.get("role"))
                if r["type"] == "join" and seat is not None:
                    seat.player = r.get("player")
                elif r["type"] == "submit" and seat is not None and r.get("turn") == exercise.turn:
                    seat.submitted = True
                elif r["type"] == "control" and r.get("action") == "hints":
                    room.hints = bool(r.get("on"))
                elif r["type"] == "control" and r.get("action") == "time_limit":
                    room.time_limit = r.get("seconds")
                elif r["type"] == "control" and r.get("action") == "start":
                    room.started = True
            room.paused = room.started
            room.remaining = room.time_limit
            ROOMS[code] = room
            exercise._append(
                {
                    "type": "control",
                    "turn": exercise.turn,
                    "action": "reopen",
                    "at": datetime.now().astimezone().isoformat(timespec="seconds"),
                }
            )
        return room
    raise CoopError("no drill with these codes")
