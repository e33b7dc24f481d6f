"""The decision seam: every choice an organisation makes goes through a :class:`Decider`.

A choice point builds a :class:`Decision` — its ``kind`` (one of :data:`KINDS`), the ``options``
allowed now, the ``suggested`` option (what the pattern's rules choose), who decides, about which
community, and the facts that decider could know (its inbox, its perceived risk, its stock; never
the true risk) — and acts on what the decider returns. :class:`RuleDecider` returns the
suggestion, which is today's behaviour; a person in a drill (:mod:`coop_agents.tabletop`), an
optimiser or a new mechanism is another decider.

``CoordinationModel(..., deciders={key: decider})`` names deciders by organisation kind
(``"government"``, ``"street_office"``, ``"committee"``, ``"party_committee"``,
``"social_organisation"``) or by one organisation's node id; organisations not named keep the
rules. A decider that always returns ``decision.suggested`` reproduces the rules' run bit for bit:
the rules draw the same random numbers whatever is chosen.

Examples:
    >>> d = Decision("approve_state", ("approve", "refuse", "pass_back"), "approve", node=3,
    ...              org_kind="street_office", community=0, day=5, facts={"reported_risk": 0.4})
    >>> RULES.decide(d)
    'approve'
    >>> check_choice(d, "ignore")
    Traceback (most recent call last):
    ...
    coop_agents.errors.CoopError: decision approve_state of street_office 3 about community 0 on day 5: \
choice 'ignore' is not allowed; allowed: approve, refuse, pass_back
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from coop_agents.errors import CoopError
from coop_agents.network.kinds import ORGANISATION_KINDS

__all__ = [
    "KINDS",
    "Decision",
    "Decider",
    "RuleDecider",
    "RULES",
    "all_by_rules",
    "check_choice",
    "resolve_deciders",
    "DECIDER_KINDS",
]

# Every kind of choice, who makes it and what its options are (the options of a particular
# decision may be fewer, e.g. no "emergency" for a community already in emergency).
KINDS: dict[str, str] = {
    "request_state": "a committee asks to move its community into pre-transition or emergency, or holds "
    "(options: the state wanted, 'hold'); with the authority itself, it declares it",
    "approve_state": "an authority answers a committee's request (approve, refuse, pass_back: no owner "
    "takes the call, 推诿扯皮)",
    "stand_down": "a committee ends an alert episode: pre-transition back to normal (de-crisis) or "
    "post-transition back to normal (normal, hold)",
    "deescalate": "a committee in post-transition moves to the next stage of withdrawing measures "
    "(next_stage, hold)",
    "measures": "a committee sets the intensity of measures in its community (0 to 1)",
    "warn": "a committee warns its residents today where measures are on (warn, silent)",
    "own_task": "a committee takes today's boundary tasks itself or they are passed on until someone "
    "owns them (own_now, pass_on)",
    "request_resources": "an organisation asks its supplier for resources (request, hold)",
    "dispatch": "a supplier delivers what an organisation asked for (dispatch, hold)",
    "command_order": "under unified command, the command node answers a committee's request from its queue "
    "with an order down the command channel (order, refuse); it never passes a call back",
    "assign_owner": "under unified command, the command node names the committee's staff owner of the "
    "episode's boundary tasks (assign, hold)",
    "set_level": "the district sets its emergency response level (none, IV, III, II, I) from its picture of "
    "the communities",
    "street_alert": "under alert_rule = vote, a street office moves every community of its street into "
    "pre-transition once enough of them alert (raise, hold)",
    "lend": "under lateral_sharing, a committee lends supplies to a neighbour that asks (lend, refuse)",
}

# Organisation kinds a decider may be named by: every kind of organisation.
DECIDER_KINDS = ORGANISATION_KINDS


@dataclass(frozen=True)
class Decision:
    """One choice waiting for its decider.

    Attributes:
        kind: a key of :data:`KINDS`.
        options: the choices allowed now.
        suggested: what the pattern's rules choose (one of ``options``).
        node: the deciding organisation's node id; ``org_kind`` its kind.
        community: the community it is about (-1: none in particular).
        day: the model day.
        facts: what the decider could know (never the true risk).
    """

    kind: str
    options: tuple[Any, ...]
    suggested: Any
    node: Hashable
    org_kind: str
    community: int
    day: int
    facts: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Decider(Protocol):
    """Anything that chooses one of a decision's options."""

    def decide(self, decision: Decision) -> Any: ...


class RuleDecider:
    """The pattern's rules: always the suggested option."""

    def decide(self, decision: Decision) -> Any:
        return decision.suggested

    def __repr__(self) -> str:
        return "RuleDecider()"


RULES = RuleDecider()


def all_by_rules(organisations: Iterable[Any]) -> bool:
    """Whether every one of ``organisations`` decides by the rules: then none of their choices
    needs asking, and a shortcut that takes the rules' answers for all of them at once is exact.
    (A list, not a generator: cheaper for the few tens of committees it is asked of each day.)"""
    return all([o.decider is RULES for o in organisations])


def check_choice(decision: Decision, choice: Any) -> Any:
    """``choice`` if it is one of the decision's options, else a :class:`CoopError` naming both."""
    if choice in decision.options:
        return choice
    raise CoopError(
        f"decision {decision.kind} of {decision.org_kind} {decision.node} about community "
        f"{decision.community} on day {decision.day}: choice {choice!r} is not allowed; allowed: "
        f"{', '.join(map(str, decision.options))}"
    )


def resolve_deciders(
    deciders: Mapping[Hashable, Decider] | None, nodes: Mapping[Hashable, str]
) -> dict[Hashable, Decider]:
    """Each organisation's decider (by node id): named by node, else by kind, else the rules.

    Raises:
        CoopError: a key that is neither an organisation kind nor a node id of the district, or a
            value without a ``decide`` method.
    """
    deciders = dict(deciders or {})
    for key, decider in deciders.items():
        if key not in DECIDER_KINDS and key not in nodes:
            raise CoopError(
                f"deciders: {key!r} is neither an organisation kind ({', '.join(DECIDER_KINDS)}) "
                "nor a node id of this district"
            )
        if not callable(getattr(decider, "decide", None)):
            raise CoopError(f"deciders[{key!r}]: {decider!r} has no decide(decision) method")
    return {node: deciders.get(node, deciders.get(kind, RULES)) for node, kind in nodes.items()}


def choose(
    decider: Decider,
    kind: str,
    options: tuple[Any, ...],
    suggested: Any,
    node: Hashable,
    org_kind: str,
    community: int,
    day: int,
    facts: Callable[[], Mapping[str, Any]],
) -> Any:
    """Ask ``decider`` (the rules answer without building the decision or its facts)."""
    if decider is RULES:
        return suggested
    decision = Decision(kind, options, suggested, node, org_kind, community, day, facts())
    return check_choice(decision, decider.decide(decision))
