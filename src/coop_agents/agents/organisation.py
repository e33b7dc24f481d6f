"""The organisation every governance actor is, and the actors with no rules of their own.

Organisations are few (tens to hundreds), so their decision logic is ordinary Python. They act
through narrow collaborators, never the model: the pattern's rules (:class:`coop_agents.governance.
Governance`: who approves, who supplies, messages, state changes) and their decider (every choice
goes through :mod:`coop_agents.decisions`). The kinds that decide more live beside this module:
:mod:`coop_agents.agents.authorities` (the district government and street offices) and
:mod:`coop_agents.agents.committee` (the community committee).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import mesa

from coop_agents.decisions import RULES, Decider, choose
from coop_agents.messaging import Message

if TYPE_CHECKING:
    from coop_agents.governance import Governance


class Organisation(mesa.Agent):
    """Any organisation: a node of the district graph that handles messages.

    Attributes:
        node: its node in the district graph.
        index: its position in the organisation list (message bus index).
        stock: resources it holds (units: resident-days of supplies).
        inbox: messages delivered to it this step; ``read`` those it read last.
        rules: the pattern's rules it acts through; ``decider`` who makes its choices.
    """

    kind: ClassVar[str] = ""
    label_zh: ClassVar[str] = ""
    capacity_factor: ClassVar[float] = 1.0  # messages/day relative to a committee's

    def __init__(self, model: mesa.Model, node: Hashable, attrs: Mapping[str, Any]) -> None:
        super().__init__(model)
        self.node = node
        self.index = -1
        self.name = attrs.get("name", f"{self.kind} {node}")
        self.street = int(attrs.get("street", -1))
        self.community = int(attrs.get("community", -1))
        self.stock = 0.0
        self.inbox: list[Message] = []
        self.read: list[Message] = []
        self.resources_asked_at: int | None = None  # day of the open request upward, if any
        self.owed: dict[int, tuple[int, float]] = {}  # asker -> (community, amount) still to deliver
        self.rules: Governance
        self.decider: Decider = RULES

    @property
    def busy(self) -> bool:
        """Whether it has work to do today besides its inbox and what it owes (see the command node)."""
        return False

    def attach(self, rules: Governance, decider: Decider) -> None:
        """Give the organisation the rules it acts through and its decider."""
        self.rules, self.decider = rules, decider

    def choose(self, kind: str, options: tuple, suggested: Any, community: int = -1, **facts: Any) -> Any:
        """One choice through the decision seam (see :mod:`coop_agents.decisions`)."""
        decider = self.decider
        if decider is RULES:  # as ``choose`` answers for the rules, without the facts' closure
            return suggested
        return choose(
            decider,
            kind,
            options,
            suggested,
            self.node,
            self.kind,
            community,
            self.rules.today,
            lambda: {
                "stock": self.stock,
                "inbox": [(m.kind, m.community, m.value) for m in self.read],
                **facts,
            },
        )

    def handle(self, msg: Message) -> None:
        """React to one delivered message; subclasses add the kinds they act on."""
        if msg.kind == "resource_request":
            # A request replaces the asker's earlier one: a re-sent request is not a second order.
            self.owed[msg.sender] = (msg.community, msg.value)
            self.pay_owed()
        elif msg.kind == "delivery":
            self.stock += msg.value
            self.resources_asked_at = None
            self.pay_owed()
        elif msg.kind == "alert":
            # Only a hub (the platform, or the district under unified command) is sent alerts
            # besides committees: it posts them once for every committee on its ties to read.
            self.rules.publish_alert(self, msg)

    def pay_owed(self) -> None:
        """Deliver what others asked for, in order, from stock; ask upward for any shortfall."""
        for asker, (community, amount) in list(self.owed.items()):
            if self.stock <= 0:
                break
            give = min(self.stock, amount)
            if (
                self.choose("dispatch", ("dispatch", "hold"), "dispatch", community, asked=amount, give=give)
                == "hold"
            ):
                continue
            self.stock -= give
            self.rules.send("delivery", self, asker, community, give)
            if give < amount:
                self.owed[asker] = (community, amount - give)
            else:
                del self.owed[asker]
        if self.owed:
            self.ask_for_resources(2 * sum(a for _, a in self.owed.values()))

    def ask_for_resources(self, amount: float) -> None:
        """Ask the supplier for more, unless a request is still open (lost ones are re-sent)."""
        rules = self.rules
        upstream = rules.supplier_of(self)
        if upstream is None:
            return
        t = rules.today
        if self.resources_asked_at is not None and t - self.resources_asked_at <= rules.resend_days(
            self, upstream
        ):
            return
        if (
            self.choose("request_resources", ("request", "hold"), "request", self.community, amount=amount)
            == "hold"
        ):
            return
        self.resources_asked_at = t
        rules.send("resource_request", self, upstream, self.community, amount)

    def step(self) -> None:
        inbox, self.inbox = self.inbox, []
        self.read = inbox
        for msg in inbox:
            self.handle(msg)
        if self.owed:
            self.pay_owed()  # also re-asks upward once an earlier request has gone unanswered


class PartyBranch(Organisation):
    """党组织: a community branch, a street party working committee or the district committee.

    Party bodies relay on the party line and, with the party overlay (大党委), across lines and
    blocks; a community branch mobilises party-member residents as volunteers (see
    :meth:`coop_agents.actions.Actions.needs_capacity`).
    """

    kind = "party_committee"
    label_zh = "党组织"

    def __init__(self, model, node, attrs) -> None:
        super().__init__(model, node, attrs)
        self.level = attrs.get("level", "community")


class SocialOrganisation(Organisation):
    """社会组织: specialised capacity serving several communities (care, logistics, ...)."""

    kind = "social_organisation"
    label_zh = "社会组织"
    help_per_day: ClassVar[float] = 15.0  # residents helped per day at full coordination

    def __init__(self, model, node, attrs) -> None:
        super().__init__(model, node, attrs)
        self.specialty = attrs.get("specialty", "care")


class ResponsePlatform(Organisation):
    """社区应急响应平台: the hub of the platform pattern; a fast relay every organisation reaches."""

    kind = "platform"
    label_zh = "应急响应平台"
    capacity_factor = 50.0
