"""The commit pass: the run itself steps a turn's days, the human roles' decisions answered by
the people, else by the turn's default (see :mod:`coop_agents.tabletop.exercise`).

Every decision of a human role is recorded as it takes effect (``Exercise.taken``), and every
choice that differs from the rules' suggestion is kept for replays (``Exercise.team``). After the
drill's last turn the rules play the rest of the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coop_agents.decisions import RULES, Decision
from coop_agents.errors import CoopError
from coop_agents.tabletop.deciders import do_nothing
from coop_agents.tabletop.log import jsonable
from coop_agents.tabletop.preview import message_view
from coop_agents.tabletop.views import MORNING, Key

if TYPE_CHECKING:
    from coop_agents.tabletop.exercise import Exercise

__all__ = ["after_day", "commit_choice", "finish_if_over", "play_turn"]


def commit_choice(ex: Exercise, decision: Decision, key: Key) -> Any:
    """The choice a human role's decision takes in the run itself, recorded as taken."""
    answer = ex.answers.get(key) or {}
    answered = bool(answer) and answer["choice"] in decision.options
    if answered:
        choice = answer["choice"]
    elif ex._turn_default == "rules":
        choice = decision.suggested
    else:
        level = (
            float(ex.model.world.communities.measures[decision.community]) if decision.community >= 0 else 0
        )
        choice = do_nothing(decision, level)
    if choice != decision.suggested:
        ex.team.deviations[key] = choice
    ex.taken.append(
        {
            "turn": ex.turn,
            "day": decision.day,
            "key": key,
            "role": ex.role_of(decision.node),
            "kind": decision.kind,
            "organisation": decision.node,
            "community": decision.community,
            "choice": choice,
            "suggested": decision.suggested,
            "answered": answered,
            "player": answer.get("player") if answered else None,
        }
    )
    return choice


def play_turn(ex: Exercise, timed_out: bool, default: str) -> dict:
    """Step the open turn's days (none for a morning: its answers take effect in the afternoon),
    an unanswered decision taking ``default``; returns the turn's log record."""
    if ex.finished:
        raise CoopError("the drill is over; there is no turn to advance")
    first, last, half = ex.span()
    before = len(ex.taken)
    ex._turn_default = default
    if half != MORNING:
        for _ in range(first, last + 1):
            if not ex.model.running:
                break
            ex.team.last_day = ex.model.steps + 1  # decisions of the day being played
            ex.model.step()
            after_day(ex)
    taken = ex.taken[before:]
    record = {
        "type": "turn",
        "turn": ex.turn,
        "days": [first, last],
        "timed_out": bool(timed_out),
        "default": default,
        "decided": len(taken),
        "defaults": [[list(t["key"]), jsonable(t["choice"])] for t in taken if not t["answered"]],
    }
    ex.turns.append(record)
    ex.turn += 1
    ex._preview_cache = None
    finish_if_over(ex)
    return record


def after_day(ex: Exercise) -> None:
    """Keep what the roles will be shown of the day just played: perceived risk, messages read."""
    model, day = ex.model, ex.model.steps
    ex.perceived.append(model.world.communities.perceived.copy())
    for node, seen in ex._last_read.items():
        org = model.organisations[ex._index(node)]
        if org.read is not seen:
            ex._last_read[node] = org.read
            ex.history[node].extend(message_view(model, m, day) for m in org.read)


def finish_if_over(ex: Exercise) -> None:
    """After the last turn (or if the run is over), the rules play the rest of the run."""
    if ex.finished or (ex.n_turns is None or ex.turn < ex.n_turns):
        return
    for org in ex.model.organisations:
        if org.node in ex._role:
            org.decider = RULES
    while ex.model.running:
        ex.model.step()
        after_day(ex)
    ex._preview_cache = None
