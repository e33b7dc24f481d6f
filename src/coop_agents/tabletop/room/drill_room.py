"""The :class:`Room`: one drill shared by its facilitator's and players' sessions (submissions,
the turn's timer, the facilitator's controls, what each page is shown, the debrief)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from coop_agents.errors import CoopError
from coop_agents.tabletop.exercise import Exercise
from coop_agents.tabletop.room.codes import (
    FACILITATOR_CODE_LEN,
    ROLE_CODE_LEN,
    ROOM_CODE_LEN,
    Seat,
    new_code,
    same_code,
)
from coop_agents.tabletop.room.states import ConsoleState, PlayerState

__all__ = ["EXTEND_S", "MAX_LIMIT_S", "Room"]

EXTEND_S = 30.0
MAX_LIMIT_S = 3600.0


class Room:
    """One drill, shared by its facilitator's and players' sessions.

    Args:
        exercise: the drill (with a log file, so nothing is lost on a restart).
        time_limit: seconds per turn (None: no limit).
        hints: whether players see the rules' suggestion.
        code, facilitator_code, codes: the codes (new ones by default; a reopened room keeps its own).
        clock: the time source (seconds, monotonic).
    """

    def __init__(
        self,
        exercise: Exercise,
        time_limit: float | None = None,
        hints: bool = True,
        code: str | None = None,
        facilitator_code: str | None = None,
        codes: Mapping[Hashable, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        record: bool = True,
    ) -> None:
        self.exercise = exercise
        self.code = code or new_code(ROOM_CODE_LEN)
        self.facilitator_code = facilitator_code or new_code(FACILITATOR_CODE_LEN)
        codes = dict(codes or {})
        self.seats = {
            role: Seat(role, codes.get(role) or new_code(ROLE_CODE_LEN)) for role in exercise.humans
        }
        self.hints = bool(hints)
        self.time_limit = self._limit(time_limit)
        self.clock = clock
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.version = 0
        self.started = False
        self.paused = False
        self.deadline: float | None = None
        self.remaining: float | None = None
        self.debrief: Any = None
        self.debrief_note = ""
        self.closed = False
        if record:
            exercise._append(
                {
                    "type": "room",
                    "code": self.code,
                    "facilitator": self.facilitator_code,
                    "codes": [[s.role, s.code] for s in self.seats.values()],
                    "time_limit": self.time_limit,
                    "hints": self.hints,
                }
            )
        self._timer = threading.Thread(target=self._run_timer, name=f"drill-{self.code}", daemon=True)
        self._timer.start()

    # ------------------------------------------------------------------ bookkeeping

    @staticmethod
    def _limit(seconds: float | None) -> float | None:
        if seconds is None or seconds == 0:
            return None
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not 0 < seconds <= MAX_LIMIT_S
        ):
            raise CoopError(
                f"time limit {seconds!r}: seconds per turn, above 0 and at most {MAX_LIMIT_S:g} (or none)"
            )
        return float(seconds)

    def _changed(self) -> None:
        self.version += 1
        self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the room's version differs from ``seen`` (or ``timeout`` seconds); return it."""
        with self.changed:
            if self.version == seen:
                self.changed.wait(timeout)
            return self.version

    def close(self) -> None:
        """Stop the room's timer (the drill's log stays)."""
        with self.lock:
            self.closed = True
            self._changed()

    def seat(self, role: Hashable) -> Seat:
        if role not in self.seats:
            raise CoopError(f"unknown role {role!r} in room {self.code}")
        return self.seats[role]

    # ------------------------------------------------------------------ the timer

    def seconds_left(self) -> tuple[str, float | None]:
        """("waiting", None) before the start, ("none", None) without a limit, ("paused", left),
        ("running", left), ("over", None) once the drill is over."""
        with self.lock:
            if self.exercise.finished:
                return "over", None
            if not self.started:
                return "waiting", None
            if self.time_limit is None:
                return ("paused" if self.paused else "none"), None
            if self.paused:
                return "paused", self.remaining
            return "running", max(0.0, (self.deadline or 0.0) - self.clock())

    def _open_turn(self) -> None:
        """A new turn opens: nobody has submitted; the clock starts again."""
        for seat in self.seats.values():
            seat.submitted = False
        if self.started and self.time_limit is not None:
            if self.paused:
                self.remaining = self.time_limit
            else:
                self.deadline = self.clock() + self.time_limit

    def _run_timer(self) -> None:
        with self.changed:
            while not self.closed:
                state, left = self.seconds_left()
                if state == "running" and left is not None and left <= 0:
                    self._advance(timed_out=True)
                    continue
                self.changed.wait(None if state != "running" or left is None else max(left, 0.001))

    def start(self) -> None:
        """Start the drill: the clock of the open turn starts."""
        with self.lock:
            if not self.started:
                self.started = True
                self.paused = False
                if self.time_limit is not None:
                    self.deadline = self.clock() + self.time_limit
                self._control("start")
                self._maybe_advance()

    def pause(self) -> None:
        with self.lock:
            if self.started and not self.paused:
                self.paused = True
                if self.time_limit is not None and self.deadline is not None:
                    self.remaining = max(0.0, self.deadline - self.clock())
                self._control("pause")

    def resume(self) -> None:
        with self.lock:
            if self.started and self.paused:
                self.paused = False
                if self.time_limit is not None:
                    self.deadline = self.clock() + (
                        self.remaining if self.remaining is not None else self.time_limit
                    )
                self._control("resume")
                self._maybe_advance()

    def extend(self, seconds: float = EXTEND_S) -> None:
        """More time for the open turn."""
        with self.lock:
            if self.time_limit is None:
                return
            if self.paused:
                self.remaining = (self.remaining or 0.0) + seconds
            elif self.deadline is not None:
                self.deadline += seconds
            self._control("extend", seconds=seconds)

    def set_limit(self, seconds: float | None) -> None:
        """A new time limit per turn; it applies to the open turn at once (from when it opened)."""
        with self.lock:
            new = self._limit(seconds)
            if self.started and new is not None:
                if self.time_limit is None or self.deadline is None:
                    opened = self.clock()
                else:
                    opened = self.deadline - self.time_limit
                if self.paused:
                    self.remaining = max(0.0, new - ((self.time_limit or 0.0) - (self.remaining or 0.0)))
                else:
                    self.deadline = opened + new
            self.time_limit = new
            self._control("time_limit", seconds=new)

    def set_hints(self, on: bool) -> None:
        with self.lock:
            self.hints = bool(on)
            self._control("hints", on=self.hints)

    def set_default(self, default: str) -> None:
        """What undecided decisions take from the next advance on."""
        from coop_agents.tabletop.exercise import DEFAULTS

        with self.lock:
            if default not in DEFAULTS:
                raise CoopError(f"default {default!r}; allowed: {', '.join(DEFAULTS)}")
            self.exercise.default = default
            self._control("default", default=default)

    def _control(self, action: str, **fields: Any) -> None:
        self.exercise._append({"type": "control", "turn": self.exercise.turn, "action": action, **fields})
        self._changed()

    # ------------------------------------------------------------------ players

    def join(self, role_code: str, player: str) -> Hashable:
        """The role whose code is ``role_code``; the player's name is noted (a new player in the
        same seat takes it over)."""
        with self.lock:
            for seat in self.seats.values():
                if same_code(seat.code, role_code):
                    name = " ".join(str(player).split())[:60] or None
                    seat.player = name
                    self.exercise._append(
                        {"type": "join", "turn": self.exercise.turn, "role": seat.role, "player": name}
                    )
                    self._changed()
                    return seat.role
        raise CoopError("wrong code")

    def submit(self, role: Hashable, choices: Mapping[tuple, Any], note: str = "") -> None:
        """A player's answers for the open turn (decision key -> choice) and an optional note.

        Raises:
            CoopError: an unknown role, a decision not waiting, a choice not allowed (nothing is
                recorded then), or the drill is over.
        """
        with self.lock:
            seat = self.seat(role)
            ex = self.exercise
            if ex.finished:
                raise CoopError("the drill is over")
            mine = {p.key: p for p in ex.pending(role)}
            for key, choice in choices.items():
                if tuple(key) not in mine:
                    raise CoopError(f"decision {list(key)} is not waiting for {role}")
                from coop_agents.decisions import check_choice

                check_choice(mine[tuple(key)].decision, choice)
            with ex.batch():  # one write of the log for the whole submission
                for key, choice in choices.items():
                    answer = ex.answers.get(tuple(key))
                    if answer is None or answer["choice"] != choice:
                        ex.decide(mine[tuple(key)], choice, player=seat.player)
                if note and note.strip():
                    ex.note(role, note, seat.player)
                seat.submitted = True
                ex._append({"type": "submit", "turn": ex.turn, "role": role, "player": seat.player})
            self._changed()
            self._maybe_advance()

    def all_submitted(self) -> bool:
        with self.lock:
            return all(seat.submitted or not self.exercise.pending(seat.role) for seat in self.seats.values())

    def _maybe_advance(self) -> None:
        if self.started and not self.paused and not self.exercise.finished and self.all_submitted():
            self._advance(timed_out=False)

    def _advance(self, timed_out: bool) -> None:
        self.exercise.advance(timed_out=timed_out)
        self._open_turn()
        self._changed()

    def advance(self) -> None:
        """The facilitator ends the open turn now (undecided decisions take the default)."""
        with self.lock:
            if not self.exercise.finished:
                self._advance(timed_out=False)

    def fire(self, inject: str, target: int | None = None, params: Mapping[str, float] | None = None):
        """Fire an inject now (see :meth:`Exercise.fire`); roles whose decisions change must
        submit again."""
        with self.lock:
            before = {role: {p.key for p in self.exercise.pending(role)} for role in self.seats}
            fired = self.exercise.fire(inject, target, params)
            for role, seat in self.seats.items():
                if {p.key for p in self.exercise.pending(role)} != before[role]:
                    seat.submitted = False
            self._changed()
            return fired

    def end(self) -> None:
        """End the drill now: the model plays the rest of the run by the rules."""
        with self.lock:
            self.exercise.end()
            self._changed()

    # ------------------------------------------------------------------ what pages show

    def player_state(self, role: Hashable) -> PlayerState:
        with self.lock:
            seat = self.seat(role)
            ex = self.exercise
            pending = tuple(ex.pending(role))
            answers = {p.key: ex.answers[p.key]["choice"] for p in pending if p.key in ex.answers}
            return PlayerState(
                self.version,
                role,
                seat.player,
                ex.turn,
                ex.n_turns,
                ex.span(),
                ex.view(role),
                pending,
                answers,
                seat.submitted,
                self.hints,
                ex.finished,
                self.seconds_left(),
            )

    def console_state(self) -> ConsoleState:
        with self.lock:
            ex = self.exercise
            return ConsoleState(
                self.version,
                self.code,
                self.facilitator_code,
                tuple(Seat(s.role, s.code, s.player, s.submitted) for s in self.seats.values()),
                {role: len(ex.pending(role)) for role in self.seats},
                ex.turn,
                ex.n_turns,
                ex.span(),
                ex.truth(),
                tuple(ex.fired),
                self.hints,
                ex.default,
                self.time_limit,
                self.seconds_left(),
                ex.finished,
                str(ex.log) if ex.log else None,
                self.debrief,
                self.debrief_note,
            )

    # ------------------------------------------------------------------ the debrief

    def run_debrief(self) -> None:
        """Compute the debrief (in the calling thread; the app calls it from a thread of its own)."""
        from coop_agents.tabletop.debrief import debrief

        with self.lock:
            if self.debrief == "running" or not self.exercise.finished:
                return
            self.debrief, self.debrief_note = "running", ""
            self._changed()

        def note(text: str) -> None:
            with self.lock:
                self.debrief_note = text
                self._changed()

        try:
            result: Any = debrief(self.exercise, progress=note)
        except Exception as exc:  # shown on the console; the drill's log is intact
            result = exc
        with self.lock:
            self.debrief = result
            self._changed()
