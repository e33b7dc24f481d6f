"""Replays of a drill: the drill rebuilt from its log (the log *is* the exercise, see
:meth:`Exercise.replay`), and the team's run built anew with its decisions replayed
(:meth:`Exercise.rebuild`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_agents import __version__
from coop_agents.errors import CoopError
from coop_agents.model import CoordinationModel
from coop_agents.tabletop.deciders import DEFAULTS, Replayer, key_from_json
from coop_agents.tabletop.injects import inject_from_record
from coop_agents.tabletop.log import read_log

if TYPE_CHECKING:
    from coop_agents.tabletop.exercise import Exercise

__all__ = ["rebuild_model", "replay_log"]


def replay_log(cls: type[Exercise], path: str | Path, log: str | Path | None = None) -> Exercise:
    """The exercise of the log at ``path`` (made by ``cls``), at the turn the log left open;
    ``log``: the file it keeps logging to (see :meth:`Exercise.replay`)."""
    records = read_log(path)
    s = records[0]
    where = f"{path}:1"
    for key in ("scenario", "pattern", "seed", "humans", "turn_days", "default"):
        if key not in s:
            raise CoopError(f"{where}: the settings lack {key!r}")
    if not isinstance(s.get("overrides", {}), dict) or not isinstance(s.get("injects", []), list):
        raise CoopError(f"{where}: the settings' overrides must be an object and injects a list")
    injects = [inject_from_record(r, f"{where}: injects") for r in s.get("injects", [])]
    ex = cls(
        s["scenario"],
        s["pattern"],
        s["seed"],
        humans=s["humans"],
        turn_days=s["turn_days"],
        injects=injects,
        days=s.get("days"),
        default=s["default"],
        **s.get("overrides", {}),
    )
    ex.settings = {
        **ex.settings,
        "created": s.get("created", ex.settings["created"]),
        "coop_agents": s.get("coop_agents", __version__),
    }
    for r in records[1:]:
        where = f"{path}:{r['_line']}"
        kind = r["type"]
        if kind in ("decision", "inject", "turn", "end") and r.get("turn") != ex.turn:
            raise CoopError(
                f"{where}: a {kind} of turn {r.get('turn')!r} where turn {ex.turn} is open; "
                "the log is out of order"
            )
        if kind == "decision":
            r["key"] = list(key_from_json(r.get("key"), where))
            ex._answer(r)
        elif kind == "inject":
            inject = inject_from_record(r, where).check_against(ex.model)
            ex._schedule(inject)
        elif kind == "turn":
            if r.get("default") not in DEFAULTS:
                raise CoopError(f"{where}: default={r.get('default')!r}; allowed: {', '.join(DEFAULTS)}")
            if ex.finished:
                raise CoopError(f"{where}: a turn after the run ended; the log is damaged")
            done = ex._advance(bool(r.get("timed_out")), r["default"])
            if done["defaults"] != r.get("defaults") or done["decided"] != r.get("decided"):
                raise CoopError(
                    f"{where}: turn {r['turn'] + 1} does not replay as logged (made with "
                    f"coop-agents {ex.settings['coop_agents']}, replayed with {__version__}); "
                    "the model's rules have changed since"
                )
        elif kind == "end":
            if ex.finished:
                raise CoopError(f"{where}: the drill ended after the run ended; the log is damaged")
            ex._ended = ex.turn
            ex._finish_if_over()
        ex._keep(r)
    ex.log = Path(log) if log is not None else None
    ex._autosave()
    return ex


def rebuild_model(ex: Exercise, rules_days: Iterable[int] = (), **changes: Any) -> CoordinationModel:
    """The drill's run built anew, not yet stepped (see :meth:`Exercise.rebuild`)."""
    replayer = Replayer(ex.team, rules_days)
    c = ex.model.construction
    model = CoordinationModel(**{**c, "deciders": {h: replayer for h in ex.humans}, **changes})
    for _, inject in ex.fired:
        model.schedule_inject(inject.day, inject)
    return model
