"""Organisations: the governance actors that decide, as Mesa agents (design §2.1).

Organisations are few (tens to hundreds), so their decision logic is ordinary Python. They act
through narrow collaborators, never the model: the pattern's rules (:class:`coop_agents.governance.
Governance`: who approves, who supplies, messages, state changes), their decider (every choice
goes through :mod:`coop_agents.decisions`) and, for a committee, its community's row of
:class:`coop_agents.world.CommunityArrays`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import mesa

from coop_agents.decisions import RULES, Decider, choose
from coop_agents.governance import (
    LEVEL_DOWN_DAYS,
    LEVEL_FRESH_DAYS,
    LEVEL_I_SHARE,
    LEVEL_II_SHARE,
    LEVEL_NAMES,
    OVERREACH_ALERT,
    VOTE_DAYS,
)
from coop_agents.governance import GovernanceState as G
from coop_agents.messaging import Message

if TYPE_CHECKING:
    from coop_agents.governance import Governance
    from coop_agents.world import CommunityArrays

__all__ = [
    "Organisation",
    "Government",
    "StreetOffice",
    "CommunityCommittee",
    "PartyBranch",
    "SocialOrganisation",
    "ResponsePlatform",
    "ORGANISATION_KINDS",
    "Roster",
]


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
        return choose(
            self.decider,
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


class Authority(Organisation):
    """An organisation that may approve state changes: it keeps a picture of each community."""

    def __init__(self, model, node, attrs) -> None:
        super().__init__(model, node, attrs)
        self.picture: dict[int, float] = {}  # community -> last reported risk
        self.status: dict[int, tuple[int, int]] = {}  # community -> (last reported state, day of the report)
        self.votes: dict[int, int] = {}  # community -> day of its last alert vote (alert_rule = vote)

    def handle(self, msg: Message) -> None:
        if msg.kind == "report":
            self.picture[msg.community] = msg.value
            self.status[msg.community] = (msg.state, self.rules.today)
        elif msg.kind == "request":
            self.decide(msg)
        elif msg.kind == "vote":
            self.count_votes(msg)
        else:
            super().handle(msg)

    def count_votes(self, msg: Message) -> None:
        """alert_rule = vote: once ``alert_quorum`` communities of its street have alerted within
        the last three days, the street office moves every community of the street into
        pre-transition (``street_alert``: raise, hold)."""
        rules = self.rules
        t = rules.today
        self.votes[msg.community] = t
        mine = [c for c in rules.committees if self.street < 0 or c.street == self.street]
        voting = sum(1 for c in mine if t - self.votes.get(c.community, -(10**9)) <= VOTE_DAYS)
        quorum = min(rules.config.alert_quorum, len(mine))
        suggested = "raise" if voting >= quorum else "hold"
        if self.decider is RULES and suggested == "hold":
            return
        if (
            self.choose(
                "street_alert",
                ("raise", "hold"),
                suggested,
                msg.community,
                votes=voting,
                quorum=quorum,
                communities=len(mine),
            )
            == "hold"
        ):
            return
        self.votes.clear()
        for c in mine:
            rules.send(
                "order", self, c, c.community, value=int(G.PRE_TRANSITION), state=int(G.PRE_TRANSITION)
            )

    def decide(self, msg: Message) -> None:
        """Answer a committee's request for a new state, after deliberation (``approve_state``).

        The rules: where responsibility is unclear the request may first be passed back unanswered
        (buck-passing), with chance ``1 - p_own``. Otherwise the authority judges the risk (the
        reported one, or its picture from reports if higher, times its misjudgement) against the
        threshold the request states: an escalation needs at least 0.8 times it, a de-escalation
        less than 1.25 times it (a de-escalation is judged on the request alone).
        """
        rules = self.rules
        committee = rules.committees[msg.community]
        target = G(msg.state)
        picture = self.picture.get(msg.community, 0.0)
        if rules.community_rng[msg.community].random() > rules.effects.p_own:
            suggested = "pass_back"  # nobody owns the call (推诿扯皮)
        else:
            judged = max(msg.value, picture if target != G.POST_TRANSITION else 0.0)
            judged *= rules.misjudgement(msg.community)
            # The request states the committee's own threshold (lowered by learning or a peer's
            # alert); the authority holds the risk it judges against that, with some leeway.
            if target in (G.PRE_TRANSITION, G.EMERGENCY):
                ok = judged >= msg.threshold * 0.8
            else:
                ok = judged < msg.threshold * 1.25
            suggested = "approve" if ok else "refuse"
        choice = self.choose(
            "approve_state",
            ("approve", "refuse", "pass_back"),
            suggested,
            msg.community,
            requested_state=target.name.lower(),
            reported_risk=msg.value,
            picture_risk=picture,
            threshold=msg.threshold,
        )
        if choice == "pass_back":
            # The request is passed back unanswered and the committee must ask again.
            rules.tally.buck_passing += 1
            rules.send(
                "decision",
                self,
                committee,
                msg.community,
                value=msg.state,
                state=-1,
                delay=rules.deliberation_days,
            )
            return
        rules.send(
            "decision",
            self,
            committee,
            msg.community,
            value=int(target),
            state=int(target) if choice == "approve" else -1,
            delay=rules.deliberation_days,
        )


class Government(Authority):
    """基层政府 (district or county): top of the administrative line, command node, large stock.

    Under unified command (``command``) it is the command node (指挥部): committees' requests and
    their asks for an owner of boundary tasks wait in its queue, first come first served, and it
    decides ``span`` of them a day (:meth:`command`), each answer an order down the command
    channel. With ``response_level`` it grades the district's response level every day from its
    picture of the communities (:meth:`grade`).
    """

    kind = "government"
    label_zh = "基层政府"
    capacity_factor = 2.0

    def __init__(self, model, node, attrs) -> None:
        super().__init__(model, node, attrs)
        # The command node's queue: (community, "state" | "owner") -> the request it answers (None
        # for an owner) and the day it arrived, in order of arrival; a newer request of a community
        # replaces its queued one and keeps its place.
        self.queue: dict[tuple[int, str], tuple[Message | None, int]] = {}
        self.free_at = 0.0  # when the command node is free for its next decision (continuous time)
        self.lower_since: int | None = None  # first day of a run of days that support a lower level

    @property
    def busy(self) -> bool:
        return bool(self.queue) or self.rules.config.response_level != "none"

    def handle(self, msg: Message) -> None:
        if self.rules.config.command and msg.kind == "request":
            self.queue[(msg.community, "state")] = (msg, self.rules.today)
        elif self.rules.config.command and msg.kind == "owner_request":
            self.queue.setdefault((msg.community, "owner"), (None, self.rules.today))
        else:
            super().handle(msg)

    def step(self) -> None:
        super().step()
        if self.queue:
            self.command(self.rules.today)
        if self.rules.config.response_level != "none":
            self.grade(self.rules.today)

    def command(self, t: int) -> None:
        """The command node decides from its queue, in order, one decision every ``1/span`` days
        (``span`` = span of control x (1 + training) x capacity), as long as it can start today;
        each answer is an order down the command channel, leaving when the decision is made (at the
        end of today at the earliest).

        A committee's request: the node judges the risk as an approving authority does (the
        reported risk, or its picture if higher, times its misjudgement, against the committee's
        threshold), except that a report newer than the request replaces it (a request that waited
        in the queue is judged on the community's latest report); it never passes the call back: it
        owns every call (``command_order``: order, refuse). An ask for an owner of boundary tasks:
        the node names the committee's own staff owner of every boundary task of the episode
        (``assign_owner``: assign, hold).
        """
        rules = self.rules
        per_decision = 1.0 / rules.command_span
        while self.queue and max(self.free_at, t) < t + 1:
            (c, what), (msg, arrived) = next(iter(self.queue.items()))
            del self.queue[(c, what)]
            self.free_at = max(self.free_at, t) + per_decision
            delay = max(0.0, self.free_at - (t + 1))
            committee = rules.committees[c]
            if what == "owner":
                if (
                    self.choose("assign_owner", ("assign", "hold"), "assign", c, queued=len(self.queue))
                    == "assign"
                ):
                    rules.send("assign", self, committee, c, delay=delay)
                continue
            target = G(msg.state)
            picture = self.picture.get(c, 0.0)
            if self.status.get(c, (-1, -1))[1] > arrived:
                judged = picture  # the community has reported since it asked: its latest word counts
            else:
                judged = max(msg.value, picture if target != G.POST_TRANSITION else 0.0)
            judged *= rules.misjudgement(c)
            if target in (G.PRE_TRANSITION, G.EMERGENCY):
                ok = judged >= msg.threshold * 0.8
            else:
                ok = judged < msg.threshold * 1.25
            choice = self.choose(
                "command_order",
                ("order", "refuse"),
                "order" if ok else "refuse",
                c,
                requested_state=target.name.lower(),
                reported_risk=msg.value,
                picture_risk=picture,
                threshold=msg.threshold,
                queued=len(self.queue),
            )
            rules.send(
                "order",
                self,
                committee,
                c,
                value=int(target),
                state=int(target) if choice == "order" else -1,
                delay=delay,
            )

    def grade(self, t: int) -> None:
        """The district's response level (``set_level``) from its picture of the communities.

        Counting the communities whose last report is at most three days old: by ``states``, those
        that report emergency and those that report any state but normal; by ``risk``, those whose
        reported risk reaches the emergency threshold and the alert threshold. Level I (特别重大)
        if half the district's communities count as in emergency, II (重大) if a fifth, III (较大)
        if one, IV (一般) if one is on alert, else none. A higher level is declared at once; the
        level steps down one grade once a lower one has been supported for seven days running.
        """
        rules = self.rules
        cfg = rules.config
        n = rules.communities.n
        fresh = [c for c, (_state, day) in self.status.items() if t - day <= LEVEL_FRESH_DAYS]
        if cfg.response_level == "states":
            emergency = sum(1 for c in fresh if self.status[c][0] == G.EMERGENCY)
            alerting = sum(1 for c in fresh if self.status[c][0] not in (G.NORMAL, -1))
        else:
            emergency = sum(1 for c in fresh if self.picture[c] >= cfg.emergency_threshold)
            alerting = sum(1 for c in fresh if self.picture[c] >= cfg.alert_threshold)
        target = (
            4
            if emergency >= LEVEL_I_SHARE * n
            else 3
            if emergency >= LEVEL_II_SHARE * n
            else 2
            if emergency >= 1
            else 1
            if alerting >= 1
            else 0
        )
        current = rules.level
        suggested = current
        if target > current:
            suggested, self.lower_since = target, None
        elif target < current:
            if self.lower_since is None:
                self.lower_since = t
            if t - self.lower_since >= LEVEL_DOWN_DAYS:
                suggested, self.lower_since = current - 1, t
        else:
            self.lower_since = None
        choice = self.choose(
            "set_level",
            LEVEL_NAMES,
            LEVEL_NAMES[suggested],
            -1,
            level=LEVEL_NAMES[current],
            communities_in_emergency=emergency,
            communities_alerting=alerting,
            communities=n,
        )
        rules.set_level(LEVEL_NAMES.index(choice))


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


# lateral_sharing: a committee lends only what it holds beyond this share of its own initial stock.
LEND_KEEP = 0.5

# With expert support a committee holds the next stage of withdrawal while its perceived risk is at
# least this share of its alert threshold (the share below which it counts a day as quiet).
EXPERT_HOLD = 0.5


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

    Its governance state, perceived risk, quiet days, lessons and de-escalation stage are views
    onto its community's row of :class:`coop_agents.world.CommunityArrays`.
    """

    kind = "committee"
    label_zh = "社区居委会"

    def __init__(self, model, node, attrs) -> None:
        super().__init__(model, node, attrs)
        self.profile = attrs.get("profile", "urban")
        self.infrastructure = float(attrs.get("infrastructure", 0.5))
        self.trust = float(attrs.get("trust", 0.6))
        self.pending: tuple[G, int] | None = None  # (wanted state, day asked)
        self.loan_asked_at: int | None = None  # day of its open ask to its peers (lateral_sharing)
        self.communities: CommunityArrays

    def attach_community(self, communities: CommunityArrays) -> None:
        self.communities = communities

    def _get(self, column: str):
        return self.communities.__dict__[column][self.community]

    def _set(self, column: str, value) -> None:
        self.communities.__dict__[column][self.community] = value

    state = property(lambda self: G(self._get("state")), lambda self, v: self._set("state", v))
    perceived = property(
        lambda self: float(self._get("perceived")), lambda self, v: self._set("perceived", v)
    )
    quiet_days = property(
        lambda self: int(self._get("quiet_days")), lambda self, v: self._set("quiet_days", v)
    )
    lessons = property(lambda self: float(self._get("lessons")), lambda self, v: self._set("lessons", v))
    stage = property(lambda self: int(self._get("stage")), lambda self, v: self._set("stage", v))
    stage_since = property(
        lambda self: int(self._get("stage_since")), lambda self, v: self._set("stage_since", v)
    )

    @property
    def vigilant_until(self) -> int:
        """The last day a peer's alert keeps this committee vigilant."""
        return int(self.communities.vigilant_until[self.community])

    @property
    def alert_threshold(self) -> float:
        base = self.rules.config.alert_threshold * (1 - 0.4 * self.lessons)
        if self.rules.overreach:  # 层层加码: alerts at a lower threshold than needed
            base *= 1 - OVERREACH_ALERT * self.rules.overreach
        return base * (0.6 if self.rules.today <= self.vigilant_until else 1.0)

    def facts(self) -> dict[str, Any]:
        """What the committee knows: never its community's true risk."""
        return {
            "perceived_risk": self.perceived,
            "state": self.state.name.lower(),
            "pending": None if self.pending is None else self.pending[0].name.lower(),
            "quiet_days": self.quiet_days,
            "vigilant": self.rules.today <= self.vigilant_until,
        }

    def handle(self, msg: Message) -> None:
        if msg.kind in ("decision", "order"):
            # ``value`` names the state asked for: only the answer to the open request closes it.
            # An order (unified command, or a street office's alert under alert_rule = vote) binds
            # as an approval does.
            if self.pending is not None and int(self.pending[0]) == int(msg.value):
                self.pending = None
            if msg.state >= 0 and self.still_wants(G(msg.state)):
                self.rules.change_state(self, G(msg.state))
        elif msg.kind == "assign":
            # The command node named an owner for this episode's boundary tasks (taken up from
            # the next day's monitoring on).
            comm = self.communities
            if comm.owner_wanted[self.community]:
                comm.owner_assigned[self.community] = True
                comm.owner_wanted[self.community] = False
        elif msg.kind == "alert":
            self.rules.hear_alert(self.community, self.rules.today)
        elif msg.kind == "loan_request":
            self.lend(msg)
        elif msg.kind == "loan":
            self.stock += msg.value
            self.loan_asked_at = None
        else:
            super().handle(msg)

    def ask_peers(self, amount: float) -> None:
        """lateral_sharing: ask the neighbours on active peer ties to lend ``amount`` between them,
        unless an ask is still open (asked again after ``resend_days``)."""
        rules = self.rules
        peers = rules.effects.active_peers.get(self.community, [])
        if not peers:
            return
        t = rules.today
        if self.loan_asked_at is not None and t - self.loan_asked_at <= rules.resend_days(self, peers[0]):
            return
        self.loan_asked_at = t
        for peer in peers:
            rules.send("loan_request", self, peer, self.community, amount / len(peers))

    def lend(self, msg: Message) -> None:
        """A neighbour asks for a loan (``lend``: lend, refuse): the rules lend what the committee holds
        beyond half of its own initial stock, up to what was asked."""
        keep = LEND_KEEP * self.rules.effects.committee_stock[self.community]
        give = min(msg.value, max(0.0, self.stock - keep))
        if (
            self.choose(
                "lend",
                ("lend", "refuse"),
                "lend" if give > 0 else "refuse",
                msg.community,
                asked=msg.value,
                spare=give,
            )
            == "refuse"
            or give <= 0
        ):
            return
        self.stock -= give
        self.rules.send("loan", self, msg.sender, msg.community, give)

    def still_wants(self, new: G) -> bool:
        """Whether an approval that arrives now still makes sense in the current state."""
        if new == G.POST_TRANSITION:
            return self.state == G.EMERGENCY
        severity = {G.NORMAL: 0, G.PRE_TRANSITION: 1, G.POST_TRANSITION: 1, G.EMERGENCY: 2}
        return severity[new] > severity[self.state] and not (
            new == G.PRE_TRANSITION and self.state == G.POST_TRANSITION
        )

    def stand_down(self) -> None:
        """End the alert episode, back to normal: the committee's own call (``stand_down``)."""
        if (
            self.choose("stand_down", ("normal", "hold"), "normal", self.community, **self.facts())
            == "normal"
        ):
            self.rules.change_state(self, G.NORMAL)

    def decide(self, step: int) -> None:
        """One day's decision: report, then propose or make a state change (``request_state``)."""
        rules = self.rules
        cfg = rules.config
        r = self.perceived
        target = rules.report_target(self)
        # Under unified command a committee with an open request keeps the command node informed,
        # so a request that waited in its queue is judged on the latest word.
        if self.state != G.NORMAL or r > 0 or (cfg.command and self.pending is not None):
            if target is not self:
                rules.send("report", self, target, self.community, r, state=int(self.state))
            district = rules.roster.government
            if cfg.response_level != "none" and target is not district:
                # The district grades its response level on its own picture of every community.
                rules.send("report", self, district, self.community, r, state=int(self.state))
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
            elif self.quiet_days >= rules.clear_days:
                self.stand_down()  # de-crisis
        elif self.state == G.EMERGENCY:
            if self.quiet_days >= rules.clear_days:
                wanted = G.POST_TRANSITION
        elif self.state == G.POST_TRANSITION:
            if r >= cfg.emergency_threshold:
                wanted = G.EMERGENCY
            elif rules.measure_level(self) == 0 and self.quiet_days >= rules.clear_days:
                self.stand_down()
        comm, c = self.communities, self.community
        if self.state == G.NORMAL and cfg.alert_rule == "confirm":
            if wanted is None:
                comm.confirmed[c] = False  # the signal is gone: a new one needs a new second source
            elif not rules.alert_confirmed(self):
                wanted = None  # an alert waits for a second source
        if cfg.command and comm.owner_wanted[c]:
            # Boundary tasks without an owner: ask the command node to name one (again after a
            # round trip and slack, in case the ask or the answer was lost).
            node = rules.roster.government
            if comm.owner_asked_at[c] < 0 or step - comm.owner_asked_at[c] > rules.resend_days(self, node):
                comm.owner_asked_at[c] = step
                rules.send("owner_request", self, node, c)
        if wanted is None and self.decider is RULES:
            return
        # Under alert_rule = vote an alert is a vote to the street office, renewed every day.
        voting = cfg.alert_rule == "vote" and self.state == G.NORMAL and wanted == G.PRE_TRANSITION
        authority = rules.authority_of(self, wanted)
        if (
            wanted is not None
            and not voting
            and self.pending is not None
            and self.pending[0] == wanted
            and step - self.pending[1] <= rules.resend_days(self, authority)
        ):
            return
        # The states a request may ask for now (a person may ask unprompted; the rules only when
        # the perceived risk says so).
        options = tuple(
            s.name.lower() for s in (G.PRE_TRANSITION, G.EMERGENCY, G.POST_TRANSITION) if self.still_wants(s)
        ) + ("hold",)
        suggested = "hold" if wanted is None else wanted.name.lower()
        choice = self.choose(
            "request_state",
            options,
            suggested,
            self.community,
            own_authority=authority is self,
            **self.facts(),
        )
        if choice == "hold":
            return
        wanted = G[choice.upper()]
        rules.note_request(self, step, wanted)
        if cfg.alert_rule == "vote" and self.state == G.NORMAL and wanted == G.PRE_TRANSITION:
            if self.pending is None or self.pending[0] != wanted:
                self.pending = (wanted, step)
            rules.send("vote", self, rules.vote_target(self), self.community, r)
            return
        self.pending = (wanted, step)
        authority = rules.authority_of(self, wanted)
        if authority is self:
            rules.schedule_change(self, wanted, step, delay=rules.own_delay(self))
        else:
            threshold = cfg.emergency_threshold if wanted == G.EMERGENCY else self.alert_threshold
            rules.send("request", self, authority, self.community, r, state=int(wanted), threshold=threshold)

    def step_down(self, t: int) -> None:
        """In post-transition, the next stage of withdrawing measures once a stage has lasted
        ``stage_days`` (``deescalate``)."""
        if self.state == G.POST_TRANSITION and t - self.stage_since >= self.rules.config.stage_days:
            # With expert support (specialty expert) the withdrawal waits while risk is still seen.
            expert = self.rules.effects.expert
            hold = (
                expert.size > 0
                and expert[self.community] > 0
                and self.perceived >= EXPERT_HOLD * self.alert_threshold
            )
            if (
                self.choose(
                    "deescalate",
                    ("next_stage", "hold"),
                    "hold" if hold else "next_stage",
                    self.community,
                    stage=self.stage,
                    **self.facts(),
                )
                == "next_stage"
            ):
                self.stage, self.stage_since = self.stage + 1, t

    def measures(self) -> float:
        """The intensity of measures today (``measures``): the rules' level by state and stage."""
        suggested = self.rules.measure_level(self)
        if self.decider is RULES:
            return suggested
        options = tuple(sorted({0.0, self.rules.config.mitigation_level, 1.0, suggested}))
        return float(self.choose("measures", options, suggested, self.community, **self.facts()))


ORGANISATION_KINDS: dict[str, type[Organisation]] = {
    "government": Government,
    "street_office": StreetOffice,
    "committee": CommunityCommittee,
    "party_committee": PartyBranch,
    "social_organisation": SocialOrganisation,
    "platform": ResponsePlatform,
}


@dataclass
class Roster:
    """The organisations of a district, by role (committees in community order)."""

    organisations: list[Organisation]
    committees: list[CommunityCommittee]
    government: Government
    platform_hub: ResponsePlatform | None
    street_offices: dict[int, StreetOffice]
    branches: dict[int, PartyBranch]
    social: list[SocialOrganisation]

    @classmethod
    def of(cls, organisations: list[Organisation]) -> Roster:
        return cls(
            organisations=organisations,
            committees=sorted(
                (o for o in organisations if isinstance(o, CommunityCommittee)), key=lambda o: o.community
            ),
            government=next(o for o in organisations if isinstance(o, Government)),
            platform_hub=next((o for o in organisations if isinstance(o, ResponsePlatform)), None),
            street_offices={o.street: o for o in organisations if isinstance(o, StreetOffice)},
            branches={
                o.community: o for o in organisations if isinstance(o, PartyBranch) and o.level == "community"
            },
            social=[o for o in organisations if isinstance(o, SocialOrganisation)],
        )
