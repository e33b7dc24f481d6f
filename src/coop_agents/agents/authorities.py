"""The authorities: organisations that approve state changes (design §2.1).

The district government (区政府, also the command node under unified command and the body that
grades the district's response level) and the street offices (街道办事处) in the middle of the
administrative line.
"""

from __future__ import annotations

from coop_agents.agents.organisation import Organisation
from coop_agents.decisions import RULES
from coop_agents.governance import (
    LEVEL_DOWN_DAYS,
    LEVEL_FRESH_DAYS,
    LEVEL_I_SHARE,
    LEVEL_II_SHARE,
    LEVEL_NAMES,
    VOTE_DAYS,
)
from coop_agents.governance import GovernanceState as G
from coop_agents.messaging import Message


class Authority(Organisation):
    """An organisation that may approve state changes: it keeps a picture of each community."""

    def __init__(self, model, node, attrs) -> None:
        super().__init__(model, node, attrs)
        self.picture: dict[int, float] = {}  # community -> last reported risk
        self.status: dict[int, tuple[int, int]] = {}  # community -> (last reported state, day of the report)
        self.votes: dict[int, int] = {}  # community -> day of its last alert vote (alert_rule = vote)
        # The day of the newest report (every report is stamped with the day it is read, so the
        # last one read is the newest): once it is too old to count, no report counts.
        self.last_report = -(10**9)

    def handle(self, msg: Message) -> None:
        if msg.kind == "report":
            self.picture[msg.community] = msg.value
            self.status[msg.community] = (msg.state, today := self.rules.today)
            self.last_report = today
        elif msg.kind == "request":
            self.decide(msg)
        elif msg.kind == "vote":
            self.count_votes(msg)
        else:
            super().handle(msg)

    def supports(self, msg: Message, risk: float) -> bool:
        """Whether the risk the authority sees in a community (``risk``, before its misjudgement)
        supports the state the committee's request ``msg`` asks for.

        The request states the committee's own threshold (lowered by learning or a peer's alert);
        the authority holds the risk it judges against that, with some leeway: an escalation needs
        at least 0.8 times it, a de-escalation less than 1.25 times it.
        """
        judged = risk * self.rules.misjudgement(msg.community)
        if G(msg.state) in (G.PRE_TRANSITION, G.EMERGENCY):
            return judged >= msg.threshold * 0.8
        return judged < msg.threshold * 1.25

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
            suggested = "approve" if self.supports(msg, judged) else "refuse"
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
        if self.rules.config.command:
            if msg.kind == "request":
                self.queue[(msg.community, "state")] = (msg, self.rules.today)
                return
            if msg.kind == "owner_request":
                self.queue.setdefault((msg.community, "owner"), (None, self.rules.today))
                return
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
            assert msg is not None  # a state request always queues the committee's message
            target = G(msg.state)
            picture = self.picture.get(c, 0.0)
            if self.status.get(c, (-1, -1))[1] > arrived:
                judged = picture  # the community has reported since it asked: its latest word counts
            else:
                judged = max(msg.value, picture if target != G.POST_TRANSITION else 0.0)
            ok = self.supports(msg, judged)
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
        if t - self.last_report > LEVEL_FRESH_DAYS:
            emergency = alerting = 0  # no report is recent enough to count (a quiet district)
        else:
            # (days are whole numbers: ``day >= t - 3`` is ``t - day <= 3``; one pass, no list between)
            since = t - LEVEL_FRESH_DAYS
            if cfg.response_level == "states":
                reported = [state for state, day in self.status.values() if day >= since]
                emergency = reported.count(G.EMERGENCY)
                alerting = len(reported) - reported.count(G.NORMAL) - reported.count(-1)
            else:
                picture = self.picture
                risks = [picture[c] for c, (_state, day) in self.status.items() if day >= since]
                high, alert = cfg.emergency_threshold, cfg.alert_threshold  # (read once, not per risk)
                emergency = len([r for r in risks if r >= high])
                alerting = len([r for r in risks if r >= alert])
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
        if self.decider is RULES:  # the rules choose the suggestion: no facts to gather for them
            level = suggested
        else:
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
            level = LEVEL_NAMES.index(choice)
        if level or rules.level:  # (setting no level when there is none changes nothing)
            rules.set_level(level)


class StreetOffice(Authority):
    """街道办事处 / 乡镇: middle of the administrative line; may hold escalation authority."""

    kind = "street_office"
    label_zh = "街道办事处"
    capacity_factor = 1.5
