"""What people see of a drill: a role's messages, organisations and communities, the truth the
facilitator sees, and a decision waiting for a person (:class:`Pending`).

These are frozen snapshots made by the preview (:mod:`coop_agents.tabletop.preview`): a page
shows them and never reaches into the model through them.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from coop_agents.decisions import Decision
from coop_agents.tabletop.injects import Inject

__all__ = [
    "AFTERNOON",
    "MORNING",
    "CommunityView",
    "Key",
    "MessageView",
    "OrgView",
    "Pending",
    "RoleView",
    "Truth",
]

Key = tuple  # (day, organisation node, kind, community, ordinal)
# Which half of a day a decision belongs to when turns are half a day (it arises before the
# actions phase: morning; in it: afternoon).
MORNING, AFTERNOON = 0, 1


@dataclass(frozen=True)
class MessageView:
    """A message as its receiver sees it: what, from whom, about which community, when."""

    kind: str
    sender: Hashable
    sender_kind: str
    sender_name: str
    community: int
    value: float
    state: int
    day: int


@dataclass(frozen=True)
class OrgView:
    """One organisation of a role: its stock, today's inbox, what it owes, its picture."""

    node: Hashable
    kind: str
    name: str
    stock: float
    inbox: tuple[MessageView, ...]
    owed: tuple[tuple[str, int, float], ...]  # (asker, community, amount) still to deliver
    reported: tuple[tuple[int, float], ...]  # authorities: (community, last reported risk)


@dataclass(frozen=True)
class CommunityView:
    """A community as a role knows it. ``perceived`` only for its own committee (None otherwise);
    the true risk never."""

    community: int
    name: str
    state: str
    level: float  # measures in force (0..1)
    residents: int
    perceived: float | None = None
    reported: float | None = None
    capacity: float | None = None  # residents its staff and volunteers can help a day
    pending: str | None = None  # a state asked for and not yet answered
    perceived_history: tuple[float, ...] = ()


@dataclass(frozen=True)
class RoleView:
    """What one role knows when it decides (see :meth:`Exercise.view`)."""

    role: Hashable
    turn: int
    day: int
    half: int | None
    organisations: tuple[OrgView, ...]
    communities: tuple[CommunityView, ...]
    injects: tuple[Inject, ...]  # the inject messages that reached this role this turn
    history: tuple[MessageView, ...]  # messages of earlier days (most recent first)


@dataclass(frozen=True)
class Truth:
    """The true state the facilitator's console shows (never a player's)."""

    day: int
    true_risk: tuple[float, ...]
    perceived: tuple[float, ...]
    states: tuple[str, ...]
    levels: tuple[float, ...]
    harmed: tuple[int, ...]
    harm: int
    prevalence: float


@dataclass(frozen=True)
class Pending:
    """A decision waiting for a person: the :class:`~coop_agents.decisions.Decision` (kind,
    options, the rules' suggestion, what the role knew), whose it is and its key."""

    key: Key
    role: Hashable
    turn: int
    decision: Decision
    nothing: Any  # the option that does nothing (see do_nothing)
    half: int | None = None

    kind = property(lambda self: self.decision.kind)
    options = property(lambda self: self.decision.options)
    suggested = property(lambda self: self.decision.suggested)
    community = property(lambda self: self.decision.community)
    day = property(lambda self: self.decision.day)
    node = property(lambda self: self.decision.node)
    facts = property(lambda self: self.decision.facts)
