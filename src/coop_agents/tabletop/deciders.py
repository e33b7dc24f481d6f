"""Who answers a human role's decisions: the people (:class:`Seats`), "nothing", or a replay of
what the team did (:class:`Replayer`), and the key that names a decision across runs.

A decision's key is (day, organisation, kind, community, ordinal), the ordinal counting the same
organisation's decisions of that kind about that community on that day: the same decision has
the same key in the preview, the run itself and a replay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coop_agents.decisions import Decision
from coop_agents.errors import CoopError
from coop_agents.tabletop.views import Key

if TYPE_CHECKING:
    from coop_agents.tabletop.exercise import Exercise

__all__ = [
    "DEFAULTS",
    "NOTHING",
    "Replayer",
    "Seats",
    "TeamRecord",
    "decision_key",
    "do_nothing",
    "key_from_json",
]

DEFAULTS = ("nothing", "rules")  # what an undecided decision takes
# What "doing nothing" is, by kind of decision (measures: keep today's level).
NOTHING = {
    "request_state": "hold",
    "approve_state": "pass_back",
    "stand_down": "hold",
    "deescalate": "hold",
    "warn": "silent",
    "own_task": "pass_on",
    "request_resources": "hold",
    "dispatch": "hold",
}


def do_nothing(decision: Decision, level: float = 0.0) -> Any:
    """The option that does nothing: hold, pass back, stay silent; for measures the option
    nearest today's ``level`` (the lower one on a tie); for a kind not listed in :data:`NOTHING`,
    hold if it is an option, else the level it has (``facts["level"]``), else the suggestion."""
    if decision.kind == "measures":
        return min(decision.options, key=lambda o: (abs(float(o) - level), float(o)))
    choice = NOTHING.get(decision.kind)
    if choice is None:  # a kind without its own entry: hold if it can, else keep the level it has
        choice = "hold" if "hold" in decision.options else decision.facts.get("level", decision.suggested)
    return choice if choice in decision.options else decision.suggested


def decision_key(decision: Decision, counter: Counter) -> Key:
    base = (decision.day, decision.node, decision.kind, decision.community)
    ordinal = counter[base]
    counter[base] += 1
    return (*base, ordinal)


def key_from_json(raw: Any, where: str) -> Key:
    if not (
        isinstance(raw, list)
        and len(raw) == 5
        and isinstance(raw[0], int)
        and isinstance(raw[2], str)
        and isinstance(raw[3], int)
        and isinstance(raw[4], int)
    ):
        raise CoopError(f"{where}: a decision's key is [day, organisation, kind, community, ordinal]")
    return tuple(raw)


class Seats:
    """The decider of the human roles in the run itself: the people's answers, else the default."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.counter: Counter = Counter()

    def decide(self, decision: Decision) -> Any:
        return self.exercise._commit_choice(decision, decision_key(decision, self.counter))

    def __deepcopy__(self, memo):  # a copy of the run never takes the exercise with it
        return self


@dataclass
class TeamRecord:
    """What a replay needs of the team's run, kept up to date as the drill goes: the choices that
    differed from the rules' suggestion (by key) and the last day people played."""

    deviations: dict = field(default_factory=dict)
    last_day: int = 0


class Replayer:
    """Decides as a team did, in a run built anew: the same seed with a lever changed (the
    learning gain's twin), or a turn given back to the rules (a key decision's counterfactual).

    Args:
        team: the team's record (shared, so a twin made at the start replays the whole drill).
        rules_days: days on which every decision takes the rules' suggestion.

    Where the team chose as the rules did, or never met the decision (it arises only in this
    run), the rules decide here too: what is replayed is what the team did differently. So a
    team that took every suggestion is replayed as the rules' own run, and the team's run itself
    (the same settings, no changes) is replayed exactly. After the last day people played, the
    rules decide.
    """

    def __init__(self, team: TeamRecord, rules_days: Iterable[int] = ()) -> None:
        self.team = team
        self.rules_days = frozenset(rules_days)
        self.counter: Counter = Counter()

    def decide(self, decision: Decision) -> Any:
        key = decision_key(decision, self.counter)
        if decision.day > self.team.last_day or decision.day in self.rules_days:
            return decision.suggested
        choice = self.team.deviations.get(key, decision.suggested)
        return choice if choice in decision.options else decision.suggested

    def __deepcopy__(self, memo):
        twin = Replayer(self.team, self.rules_days)
        twin.counter = Counter(self.counter)
        return twin
