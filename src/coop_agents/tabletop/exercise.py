"""A tabletop drill (应急演练 / 桌面推演): people decide for some organisations, the model plays the rest.

People are deciders on the decision seam (:mod:`coop_agents.decisions`). A choice arises inside a
model day, but people answer later, so a turn has two passes over the same days:

1. **Preview**: a copy of the run steps the turn's days with a decider for the human roles that
   records every decision that arises (and what the role knew then) and answers it with the
   answer already given, else the rules' suggestion. The recorded decisions are the turn's
   :meth:`Exercise.pending` decisions; each has a key: (day, organisation, kind, community,
   ordinal), the ordinal counting the same organisation's decisions of that kind about that
   community on that day.
2. **Commit** (:meth:`Exercise.advance`): the run itself steps the turn with a decider that
   returns the people's answer for each key, and the facilitator's default for anything nobody
   answered ("nothing": hold, pass, keep today's level; "rules": the suggestion) -- also for a
   decision that arises only because of an earlier answer in the same turn.

Randomness is keyed by stream, day and resident, and the rules draw the same numbers whatever is
chosen, so a team that takes every suggestion reproduces the pattern's own run bit for bit, and
the same settings, answers and injects reproduce a drill exactly: the log *is* the exercise
(:meth:`Exercise.save`, :meth:`Exercise.replay`).

A turn is one model day (``turn_days=1``), several days, or half a day (``turn_days=0.5``: the
morning turn holds the decisions made before the day's actions -- requests, approvals, supplies,
tasks --, the afternoon turn those of the actions -- measures, warnings, de-escalation -- with the
morning's answers in force). After the drill's last turn the model plays the rest of the event
by the pattern's rules, so the team's outcomes are comparable with every preset's
(:meth:`Exercise.debrief`).

Examples:
    >>> ex = Exercise("default", "siloed", seed=1, humans=["street_office"], days=3, residents=600)
    >>> while not ex.finished:
    ...     for p in ex.pending():
    ...         ex.decide(p, p.suggested)
    ...     _ = ex.advance()
    >>> rules = CoordinationModel("default", "siloed", 1, residents=600)
    >>> _ = rules.run()
    >>> ex.model.series.frame().equals(rules.series.frame())
    True
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coop_agents.decisions import Decision, check_choice
from coop_agents.errors import CoopError
from coop_agents.model import CoordinationModel
from coop_agents.tabletop import commit
from coop_agents.tabletop.deciders import DEFAULTS, NOTHING, Replayer, Seats, TeamRecord, do_nothing
from coop_agents.tabletop.injects import Inject, inject_from_record, load_inject
from coop_agents.tabletop.log import jsonable, log_line, write_log
from coop_agents.tabletop.names import org_name, role_name
from coop_agents.tabletop.preview import copy_model, preview
from coop_agents.tabletop.replay import rebuild_model, replay_log
from coop_agents.tabletop.settings import HALF_DAY, assign_roles, check_settings, settings_record
from coop_agents.tabletop.views import (
    AFTERNOON,
    CommunityView,
    Key,
    MessageView,
    OrgView,
    Pending,
    RoleView,
    Truth,
)

# The drill's parts live in modules of their own (settings, deciders, views, preview, commit,
# replay, names); the names below are this module's public ones as before the split.

__all__ = [
    "DEFAULTS",
    "NOTHING",
    "CommunityView",
    "Exercise",
    "MessageView",
    "OrgView",
    "Pending",
    "Replayer",
    "RoleView",
    "Truth",
    "copy_model",
    "do_nothing",
    "org_name",
    "role_name",
]


class Exercise:
    """A drill: people in some roles, the model in the rest, turn by turn.

    Args:
        scenario, pattern, seed: as :class:`~coop_agents.model.CoordinationModel` (the pattern is
            the institutional setting the team plays in).
        humans: the roles people play, as keys of ``deciders``: an organisation kind (one player
            decides for every organisation of that kind) or an organisation's node id.
        turn_days: model days per turn: 0.5 (half a day) or a whole number from 1 to 14.
        injects: injects scheduled in advance (:class:`~coop_agents.tabletop.injects.Inject` or
            log-style dicts); more can be fired during the drill (:meth:`fire`).
        days: the days the people play (default: the whole run); the model plays the rest.
        default: what an undecided decision takes: ``"nothing"`` or ``"rules"``.
        log: a file to keep the log in, rewritten atomically after every change.
        **overrides: parameter-table keys, as for the model (e.g. ``residents=1200``).

    Raises:
        CoopError: an unknown role, scenario, pattern or key, a bad turn length or default.
    """

    def __init__(
        self,
        scenario: str | Path = "default",
        pattern: str | Path = "siloed",
        seed: int = 0,
        humans: Sequence[Hashable] = (),
        turn_days: float = 1,
        injects: Iterable[Inject | Mapping] = (),
        days: int | None = None,
        default: str = "nothing",
        log: str | Path | None = None,
        **overrides: Any,
    ) -> None:
        humans = check_settings(seed, turn_days, default, days, humans)
        self.turn_days = HALF_DAY if turn_days == HALF_DAY else int(turn_days)
        self.default = default
        self.days = days
        self.humans = humans
        self.answers: dict[Key, dict] = {}
        self.records: list[dict] = []
        self._lines: list[str] = []  # the records as the log's lines, made once each
        self.log = Path(log) if log is not None else None
        self._seats = Seats(self)
        self.fired: list[tuple[int, Inject]] = []
        self.model = CoordinationModel(
            scenario, pattern, seed, deciders={h: self._seats for h in humans}, **overrides
        )
        self.team = TeamRecord()
        # A counterfactual of the run (same seed, a lever changed) replays the team's decisions;
        # the learning gain's twin (several events) also meets the drill's injects.
        self.model.construction["deciders"] = {h: Replayer(self.team) for h in humans}
        if self.model.config.arrival != "single" and self.model.config.learning:
            self.model.__dict__.setdefault("_twins", {})[(("learning", False),)] = self.rebuild(
                learning=False
            )
        self._role = assign_roles(self.model, humans)
        self.turn = 0
        self.turns: list[dict] = []
        self.taken: list[dict] = []  # every decision of a human role as it took effect
        self.history: dict[Hashable, list[MessageView]] = {node: [] for node in self._role}
        self._last_read = {
            node: self.model.roster.organisations[self._index(node)].read for node in self._role
        }
        self.perceived: list[np.ndarray] = [self.model.world.communities.perceived.copy()]
        self._preview_cache: tuple | None = None
        scheduled = []
        for item in injects:
            inject = item if isinstance(item, Inject) else inject_from_record(item, "injects")
            inject = inject.check_against(self.model)
            self._schedule(inject, turn=-1)
            scheduled.append(inject.record())
        self.settings = settings_record(
            scenario, pattern, seed, humans, self.turn_days, days, default, overrides, scheduled
        )
        self._finish_if_over()
        self._autosave()

    # ------------------------------------------------------------------ roles and turns

    def _index(self, node: Hashable) -> int:
        return self.model.bus.node_index[node]

    def role_of(self, node: Hashable) -> Hashable:
        """The role that decides for organisation ``node`` (None: the model)."""
        return self._role.get(node)

    def organisations_of(self, role: Hashable) -> list:
        """The organisations a role decides for, in node order."""
        if role not in self.humans:
            raise CoopError(
                f"unknown role {role!r}; the roles people play: {', '.join(map(str, self.humans))}"
            )
        return [o for o in self.model.organisations if self._role.get(o.node) == role]

    @property
    def n_turns(self) -> int | None:
        """The number of turns people play (None: until the run ends)."""
        if self._ended is not None:
            return self._ended
        if self.days is None:
            return None
        return 2 * self.days if self.turn_days == HALF_DAY else math.ceil(self.days / self.turn_days)

    def span(self, turn: int | None = None) -> tuple[int, int, int | None]:
        """``(first day, last day, half)`` of a turn (the open one by default); half is None for
        turns of whole days, else MORNING (0) or AFTERNOON (1)."""
        turn = self.turn if turn is None else turn
        if self.turn_days == HALF_DAY:
            day = 1 + turn // 2
            return day, day, turn % 2
        n = int(self.turn_days)
        return 1 + turn * n, (turn + 1) * n, None

    @property
    def finished(self) -> bool:
        """Whether the run has ended (the drill's turns are over and the model played the rest)."""
        return not self.model.running

    @property
    def day(self) -> int:
        """The model days done so far."""
        return self.model.steps

    # ------------------------------------------------------------------ the preview (preview.py)

    def pending(self, role: Hashable | None = None) -> list[Pending]:
        """The decisions of the open turn waiting for people (of one role, or of all), in the
        order they arise in the model."""
        found = preview(self)[0]
        return found if role is None else [p for p in found if p.role == role]

    def view(self, role: Hashable) -> RoleView | None:
        """What ``role`` knows at the open turn's decisions: its organisations' stocks, inboxes,
        requests waiting and pictures; its communities' states, levels of measures, perceived
        risk (its own committee's) and reported risk (an authority's); the injects that reached
        it. Never the true risk. None once the run has ended."""
        self.organisations_of(role)  # an unknown role is an error
        return preview(self)[1].get(role)

    def truth(self) -> Truth:
        """The true state at the open turn (for the facilitator; never shown to players)."""
        return preview(self)[2]

    # ------------------------------------------------------------------ people decide

    def _pending_for(self, decision: Pending | Sequence) -> Pending:
        key = decision.key if isinstance(decision, Pending) else tuple(decision)
        for p in self.pending():
            if p.key == key:
                return p
        raise CoopError(
            f"decision {list(key)} is not waiting for anyone: turn {self.turn + 1} is open"
            + (" and the drill is over" if self.finished else "")
        )

    def decide(self, decision: Pending | Sequence, choice: Any, player: str | None = None) -> None:
        """Answer a pending decision (a :class:`Pending` or its key) with ``choice``, one of its
        options; a later answer to the same decision replaces an earlier one.

        Raises:
            CoopError: the decision is not waiting (another turn, the drill over) or the choice
                is not one of its options.
        """
        p = self._pending_for(decision)
        choice = check_choice(p.decision, choice)
        record = {
            "type": "decision",
            "turn": self.turn,
            "day": p.day,
            "key": list(p.key),
            "role": p.role,
            "player": player,
            "kind": p.kind,
            "organisation": p.node,
            "community": p.community,
            "choice": jsonable(choice),
            "suggested": jsonable(p.suggested),
        }
        self._answer(record)
        self._append(record)

    def _answer(self, record: dict) -> None:
        self.answers[tuple(record["key"])] = record

    def note(self, role: Hashable, text: str, player: str | None = None) -> None:
        """A player's note for the debrief (what they would do, what they lacked)."""
        self.organisations_of(role)
        text = " ".join(str(text).split())[:1000]
        if text:
            self._append(
                {
                    "type": "note",
                    "turn": self.turn,
                    "day": self.span()[0],
                    "role": role,
                    "player": player,
                    "text": text,
                }
            )

    def fire(
        self,
        inject: str | Inject,
        target: int | None = None,
        params: Mapping[str, float] | None = None,
        by: str = "facilitator",
    ) -> Inject:
        """Fire an inject now: it applies at the start of the open turn's first day (after a
        morning, at the start of the next day). Returns the inject with its target resolved.

        Raises:
            CoopError: an unknown inject, target or parameter, or the drill is over.
        """
        if self.finished:
            raise CoopError("the drill is over; injects can no longer be fired")
        first, last, half = self.span()
        day = last + 1 if half == AFTERNOON else first
        if not isinstance(inject, Inject):
            load_inject(inject)
            inject = Inject(inject, day, target, tuple(sorted((params or {}).items())))
        elif inject.day != day:
            inject = Inject(inject.id, day, inject.target, inject.params)
        inject = inject.check_against(self.model)
        self._schedule(inject)
        self._append({"type": "inject", "turn": self.turn, "by": by, **inject.record()})
        return inject

    def _schedule(self, inject: Inject, turn: int | None = None) -> None:
        for model in (self.model, *self.model.__dict__.get("_twins", {}).values()):
            model.schedule_inject(inject.day, inject)
        self.fired.append((self.turn if turn is None else turn, inject))
        self._preview_cache = None

    # ------------------------------------------------------------------ the run steps (commit.py)

    def _commit_choice(self, decision: Decision, key: Key) -> Any:
        return commit.commit_choice(self, decision, key)

    _turn_default = "nothing"

    def advance(self, timed_out: bool = False) -> dict:
        """Close the open turn: the run steps its days with the people's answers (the default for
        anything unanswered), then the next turn opens. After the drill's last turn the model
        plays the rest of the run by the pattern's rules. Returns the turn's log record.

        Raises:
            CoopError: the drill is over.
        """
        record = self._advance(timed_out, self.default)
        self._append(record)
        return record

    def _advance(self, timed_out: bool, default: str) -> dict:
        return commit.play_turn(self, timed_out, default)

    def _finish_if_over(self) -> None:
        commit.finish_if_over(self)

    def outcomes(self) -> dict[str, float]:
        """The run's outcomes (the same keys as :func:`~coop_agents.model.run_once`): final once
        :attr:`finished`, else so far.

        With several events, the learning gain compares the run with the same run with learning
        off: what the team did differently replayed there, with the same injects (:meth:`rebuild`).
        """
        return self.model.outcomes()

    def deviations(self) -> dict[Key, Any]:
        """The decisions of the human roles that took another choice than the rules' suggestion
        (answers and defaults), by key: what the team did differently."""
        return {t["key"]: t["choice"] for t in self.taken if t["choice"] != t["suggested"]}

    @property
    def last_played(self) -> int:
        """The last model day people played (0: none yet)."""
        return self.team.last_day

    _ended: int | None = None  # the turn at which the facilitator ended the drill

    def end(self) -> None:
        """End the drill now, before the open turn: the model plays the rest of the run by the
        pattern's rules (injects already fired still apply).

        Raises:
            CoopError: the drill is already over.
        """
        if self.finished:
            raise CoopError("the drill is over already")
        self._ended = self.turn
        self._append({"type": "end", "turn": self.turn})
        self._finish_if_over()

    def rebuild(self, rules_days: Iterable[int] = (), **changes: Any) -> CoordinationModel:
        """A new model of this drill's run: the same settings (with ``changes``), the same injects,
        the team's decisions replayed (:class:`Replayer`; on ``rules_days`` the rules decide),
        not yet stepped. Stepped to its end without changes, it is the team's run again."""
        return rebuild_model(self, rules_days, **changes)

    # ------------------------------------------------------------------ the log

    def _append(self, record: dict) -> None:
        self._keep(record)
        self._autosave()

    def _keep(self, record: dict) -> None:
        self.records.append(record)
        self._lines.append(log_line({k: v for k, v in record.items() if k != "_line"}))

    _holding = 0  # saves deferred while a batch of records is made (see batch)

    def _autosave(self) -> None:
        if self.log is not None and not self._holding:
            self.save(self.log)

    @contextlib.contextmanager
    def batch(self):
        """Make several records (a player's answers) and write the log once, at the end."""
        self._holding += 1
        try:
            yield self
        finally:
            self._holding -= 1
            self._autosave()

    def log_records(self) -> list[dict]:
        """The log: the settings, then every record in order."""
        return [self.settings, *({k: v for k, v in r.items() if k != "_line"} for r in self.records)]

    def save(self, path: str | Path) -> Path:
        """Write the log to ``path`` (JSON lines, atomically: see :mod:`coop_agents.tabletop.log`)."""
        return write_log(path, [log_line(self.settings), *self._lines])

    @classmethod
    def replay(cls, path: str | Path, log: str | Path | None = None) -> Exercise:
        """Rebuild an exercise from its log: the same settings, answers and injects in the same
        order give the same run, bit for bit; the exercise is left at the turn the log left open
        (with that turn's answers and injects), so play can continue. ``log``: keep logging to
        this file (the same file continues the drill's log).

        Raises:
            CoopError: a damaged log, or one this version of the model does not reproduce (a
                turn's defaults differ from those logged).
        """
        return replay_log(cls, path, log)

    # ------------------------------------------------------------------ the debrief

    def debrief(self, presets: Sequence[str] | None = None, key_decisions: int = 3):
        """The team against every preset pattern on the same seed and injects, with the key
        decisions: a DataFrame, one row per outcome (see :func:`coop_agents.tabletop.debrief.debrief`).

        The run is played to its end first (by the rules after the drill's last turn).
        """
        from coop_agents.tabletop.debrief import debrief

        return debrief(self, presets=presets, key_decisions=key_decisions).table
