"""Organisations: the governance actors that decide, as Mesa agents (design §2.1).

Organisations are few (tens to hundreds), so their decision logic is ordinary Python. They touch
residents only through the model's vectorised resident arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa

from coop_agents.governance import GovernanceState as G
from coop_agents.governance import Message

if TYPE_CHECKING:
    from coop_agents.model import CoordinationModel

__all__ = [
    "Organisation",
    "Government",
    "StreetOffice",
    "CommunityCommittee",
    "PartyBranch",
    "SocialOrganisation",
    "ResponsePlatform",
    "ORGANISATION_KINDS",
]


class Organisation(mesa.Agent):
    """Any organisation: a node of the district graph that handles messages.

    Attributes:
        node: its node in the district graph.
        index: its position in the model's organisation list (message bus index).
        stock: resources it holds (units: resident-days of supplies).
        inbox: messages delivered to it this step.
    """

    kind: ClassVar[str] = ""
    label_zh: ClassVar[str] = ""
    capacity_factor: ClassVar[float] = 1.0  # messages/day relative to a committee's

    model: CoordinationModel

    def __init__(self, model: CoordinationModel, node: int, attrs: dict) -> None:
        super().__init__(model)
        self.node = node
        self.index = -1
        self.name = attrs.get("name", f"{self.kind} {node}")
        self.street = int(attrs.get("street", -1))
        self.community = int(attrs.get("community", -1))
        self.stock = 0.0
        self.inbox: list[Message] = []
        self.resources_asked_at: int | None = None  # day of the open request upward, if any
        self.owed: dict[int, tuple[int, float]] = {}  # asker -> (community, amount) still to deliver

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
            self.model.publish_alert(self, msg)

    def pay_owed(self) -> None:
        """Deliver what others asked for, in order, from stock; ask upward for any shortfall."""
        for asker, (community, amount) in list(self.owed.items()):
            if self.stock <= 0:
                break
            give = min(self.stock, amount)
            self.stock -= give
            self.model.send("delivery", self, asker, community, give)
            if give < amount:
                self.owed[asker] = (community, amount - give)
            else:
                del self.owed[asker]
        if self.owed:
            self.ask_for_resources(2 * sum(a for _, a in self.owed.values()))

    def ask_for_resources(self, amount: float) -> None:
        """Ask the supplier for more, unless a request is still open (lost ones are re-sent)."""
        upstream = self.model.supplier_of(self)
        if upstream is None:
            return
        t = self.model.steps
        if self.resources_asked_at is not None and t - self.resources_asked_at <= self.model.resend_days(self, upstream):
            return
        self.resources_asked_at = t
        self.model.send("resource_request", self, upstream, self.community, amount)

    def step(self) -> None:
        inbox, self.inbox = self.inbox, []
        for msg in inbox:
            self.handle(msg)
        if self.owed:
            self.pay_owed()  # also re-asks upward once an earlier request has gone unanswered


class Authority(Organisation):
    """An organisation that may approve state changes: it keeps a picture of each community."""

    def __init__(self, model, node, attrs) -> None:
        super().__init__(model, node, attrs)
        self.picture: dict[int, float] = {}  # community -> last reported risk

    def handle(self, msg: Message) -> None:
        if msg.kind == "report":
            self.picture[msg.community] = msg.value
        elif msg.kind == "request":
            self.decide(msg)
        else:
            super().handle(msg)

    def decide(self, msg: Message) -> None:
        """Approve or decline a committee's request for a new state, after deliberation.

        Where responsibility is unclear the request may first be passed back unanswered
        (buck-passing), with chance ``1 - model.p_own``. Otherwise the authority judges the risk
        (the reported one, or its picture from reports if higher, times its misjudgement) against
        the threshold the request states: an escalation needs at least 0.8 times it, a
        de-escalation less than 1.25 times it (a de-escalation is judged on the request alone).
        """
        model = self.model
        committee = model.committees[msg.community]
        if model.community_rng[msg.community].random() > model.p_own:
            # Nobody owns the call (推诿扯皮): the request is passed back unanswered and the
            # committee must ask again.
            model.tally.buck_passing += 1
            model.send("decision", self, committee, msg.community, value=msg.state, state=-1,
                       delay=model.deliberation_days)
            return
        target = G(msg.state)
        judged = max(msg.value, self.picture.get(msg.community, 0.0) if target != G.POST_TRANSITION else 0.0)
        judged *= model.misjudgement(msg.community)
        cfg = model.config
        # The request states the committee's own threshold (lowered by learning or a peer's
        # alert); the authority holds the risk it judges against that, with some leeway.
        if target in (G.PRE_TRANSITION, G.EMERGENCY):
            ok = judged >= msg.threshold * 0.8
        else:
            ok = judged < msg.threshold * 1.25
        model.send("decision", self, committee, msg.community, value=int(target),
                   state=int(target) if ok else -1, delay=model.deliberation_days)


class Government(Authority):
    """基层政府 (district or county): top of the administrative line, command node, large stock."""

    kind = "government"
    label_zh = "基层政府"
    capacity_factor = 2.0


class StreetOffice(Authority):
    """街道办事处 / 乡镇: middle of the administrative line; may hold escalation authority."""

    kind = "street_office"
    label_zh = "街道办事处"
    capacity_factor = 1.5


class PartyBranch(Organisation):
    """党组织: a community branch, a street party working committee or the district committee.

    Party bodies relay on the party line and, with the party overlay (大党委), across lines and
    blocks; a community branch mobilises party-member residents as volunteers (see
    :meth:`coop_agents.model.CoordinationModel.needs_capacity`).
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


class CommunityCommittee(Organisation):
    """居委会 / 村委会: the last kilometre. Monitors, proposes state changes, acts.

    Its state machine (design §2.4) runs on its *perceived* risk, never the true one:
    normal → pre-transition at the alert threshold; pre-transition → emergency at the emergency
    threshold, or back to normal (de-crisis, 去危机化) after ``clear_days`` quiet days;
    emergency → post-transition after ``clear_days`` days below the alert threshold;
    post-transition → emergency again (a secondary crisis, 次生危机) at the emergency threshold,
    or → normal once measures are withdrawn and risk stays low (then the after-action review).
    Changes other than de-crisis and the return to normal need the authority's approval unless the
    committee holds it (``authority = committee`` or delegated emergency powers).
    """

    kind = "committee"
    label_zh = "社区居委会"

    def __init__(self, model, node, attrs) -> None:
        super().__init__(model, node, attrs)
        self.profile = attrs.get("profile", "urban")
        self.infrastructure = float(attrs.get("infrastructure", 0.5))
        self.trust = float(attrs.get("trust", 0.6))
        self.state = G.NORMAL
        self.perceived = 0.0
        self.quiet_days = 0
        self.pending: tuple[G, int] | None = None  # (wanted state, day asked)
        self.lessons = 0.0
        self.stage = 0  # de-escalation stage reached in post-transition
        self.stage_since = 0

    @property
    def vigilant_until(self) -> int:
        """The last day a peer's alert keeps this committee vigilant (kept by the model, per community)."""
        return int(self.model.vigilant_until[self.community])

    @property
    def alert_threshold(self) -> float:
        base = self.model.config.alert_threshold * (1 - 0.4 * self.lessons)
        return base * (0.6 if self.model.steps <= self.vigilant_until else 1.0)

    def handle(self, msg: Message) -> None:
        if msg.kind == "decision":
            # ``value`` names the state asked for: only the answer to the open request closes it.
            if self.pending is not None and int(self.pending[0]) == int(msg.value):
                self.pending = None
            if msg.state >= 0 and self.still_wants(G(msg.state)):
                self.model.change_state(self, G(msg.state))
        elif msg.kind == "alert":
            self.model.hear_alert(self.community, self.model.steps)
        else:
            super().handle(msg)

    def still_wants(self, new: G) -> bool:
        """Whether an approval that arrives now still makes sense in the current state."""
        if new == G.POST_TRANSITION:
            return self.state == G.EMERGENCY
        severity = {G.NORMAL: 0, G.PRE_TRANSITION: 1, G.POST_TRANSITION: 1, G.EMERGENCY: 2}
        return severity[new] > severity[self.state] and not (
            new == G.PRE_TRANSITION and self.state == G.POST_TRANSITION
        )

    def decide(self, step: int) -> None:
        """One day's decision: report, then propose or make a state change."""
        model, cfg = self.model, self.model.config
        r = self.perceived
        authority = model.authority_of(self)
        if authority is not self and (self.state != G.NORMAL or r > 0):
            model.send("report", self, authority, self.community, r)
        low = r < self.alert_threshold * (0.5 if self.state in (G.PRE_TRANSITION, G.POST_TRANSITION) else 1.0)
        self.quiet_days = self.quiet_days + 1 if low else 0
        wanted = None
        if self.state == G.NORMAL:
            if r >= cfg.emergency_threshold:
                wanted = G.EMERGENCY
            elif r >= self.alert_threshold:
                wanted = G.PRE_TRANSITION
        elif self.state == G.PRE_TRANSITION:
            if r >= cfg.emergency_threshold:
                wanted = G.EMERGENCY
            elif self.quiet_days >= cfg.clear_days:
                model.change_state(self, G.NORMAL)  # de-crisis: the committee's own call
        elif self.state == G.EMERGENCY:
            if self.quiet_days >= cfg.clear_days:
                wanted = G.POST_TRANSITION
        elif self.state == G.POST_TRANSITION:
            if r >= cfg.emergency_threshold:
                wanted = G.EMERGENCY
            elif model.measure_level(self) == 0 and self.quiet_days >= cfg.clear_days:
                model.change_state(self, G.NORMAL)
        if wanted is None:
            return
        if (self.pending is not None and self.pending[0] == wanted
                and step - self.pending[1] <= model.resend_days(self, authority)):
            return
        model.note_request(self, step, wanted)
        self.pending = (wanted, step)
        if authority is self:
            model.schedule_change(self, wanted, step, delay=model.deliberation_days * 0.5)
        else:
            threshold = cfg.emergency_threshold if wanted == G.EMERGENCY else self.alert_threshold
            model.send("request", self, authority, self.community, r, state=int(wanted), threshold=threshold)


ORGANISATION_KINDS: dict[str, type[Organisation]] = {
    "government": Government,
    "street_office": StreetOffice,
    "committee": CommunityCommittee,
    "party_committee": PartyBranch,
    "social_organisation": SocialOrganisation,
    "platform": ResponsePlatform,
}
