"""The community committee (居委会 / 村委会): the last kilometre, whose state machine is the
model's governance state (design §2.4).

Its governance state, perceived risk, quiet days, lessons and de-escalation stage are views onto
its community's row of :class:`coop_agents.world.CommunityArrays`; the model asks
:meth:`CommunityCommittee.at_rest` which committees have nothing to decide on a day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from coop_agents.agents.organisation import Organisation
from coop_agents.decisions import RULES, all_by_rules
from coop_agents.governance import OVERREACH_ALERT
from coop_agents.governance import GovernanceState as G
from coop_agents.messaging import Message

if TYPE_CHECKING:
    from coop_agents.world import CommunityArrays


# lateral_sharing: a committee lends only what it holds beyond this share of its own initial stock.
LEND_KEEP = 0.5

# With expert support a committee holds the next stage of withdrawal while its perceived risk is at
# least this share of its alert threshold (the share below which it counts a day as quiet).
EXPERT_HOLD = 0.5


_STATES = tuple(G)  # G(k) is _STATES[k]: the values are 0, 1, 2, 3 in order
_NORMAL = int(G.NORMAL)  # (numpy compares an array with an int faster than with an IntEnum)
_ONE = np.array(1, dtype=np.int64)  # (a 0-d array: numpy converts no Python number on each add)


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

    # The state by its number: a tuple read is a fifth of the cost of ``G(number)``, and the state
    # is read several times a day by every committee that is not at rest.
    state = property(
        lambda self: _STATES[self.communities.state[self.community]], lambda self, v: self._set("state", v)
    )
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
        rules, comm, c = self.rules, self.communities, self.community
        base = rules.config.alert_threshold * (1 - 0.4 * float(comm.lessons[c]))
        if rules.overreach:  # 层层加码: alerts at a lower threshold than needed
            base *= 1 - OVERREACH_ALERT * rules.overreach
        return base * (0.6 if rules.clock() <= comm.vigilant_until[c] else 1.0)

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

    @staticmethod
    def at_rest(committees: list[CommunityCommittee], communities: CommunityArrays, config) -> np.ndarray:
        """Which committees have nothing to decide today, one flag per community.

        A committee in normal times that perceives no risk, deciding by the rules, with no open
        request or unowned task the command node must hear of, sends no report and asks for
        nothing: its day only counts as quiet (:meth:`rest`). On a large district most committees
        are at rest most days, so the model skips their :meth:`decide` (the same run, draw for
        draw). An alert threshold of 0 means any perceived risk alerts: then none is at rest.
        """
        if config.alert_threshold <= 0:
            return np.zeros(len(committees), dtype=bool)
        rest = communities.perceived == 0
        rest &= communities.state == _NORMAL
        if config.command:
            rest &= ~communities.owner_wanted
        if config.command or not all_by_rules(committees):
            for i in np.flatnonzero(rest):
                c = committees[i]
                if c.decider is not RULES or (config.command and c.pending is not None):
                    rest[i] = False
        return rest

    @staticmethod
    def rest(communities: CommunityArrays, at_rest: np.ndarray, config) -> None:
        """What :meth:`decide` does for the committees :meth:`at_rest`: a quiet day; and under
        alert_rule = confirm the signal is gone, so a new alert needs a new second source."""
        communities.quiet_days += at_rest  # one more for each (adding the flags: no index to build)
        if config.alert_rule == "confirm":
            communities.confirmed[at_rest] = False

    @staticmethod
    def deciding(
        committees: list[CommunityCommittee], communities: CommunityArrays, config
    ) -> list[CommunityCommittee]:
        """The committees that decide today, in community order, once those :meth:`at_rest` have had
        their quiet day (:meth:`rest`): the same as the two together, for the model's day.

        When every committee decides by the rules (no unified command, no second source to forget,
        an alert threshold above 0), a committee rests exactly when it perceives nothing in normal
        times (state 0). On the days when no committee perceives anything and every one is in normal
        times (two counts of what is not 0; NaN counts), all rest: every quiet-day count moves up by
        one. On the others the two rows are read as Python lists (cheaper than the compares, the mask
        and its add for a district's few tens of committees): every count moves up by one, and those
        of the committees that decide are put back (whole numbers: the same counts).
        """
        if (
            config.command
            or config.alert_threshold <= 0
            or config.alert_rule == "confirm"
            or not all_by_rules(committees)
        ):
            at_rest = CommunityCommittee.at_rest(committees, communities, config)
            CommunityCommittee.rest(communities, at_rest, config)
            return [c for c, rests in zip(committees, at_rest.tolist()) if not rests]
        perceived, state, quiet = communities.perceived, communities.state, communities.quiet_days
        if not (np.count_nonzero(perceived) or np.count_nonzero(state)):
            quiet += _ONE  # nobody perceives anything in normal times: all rest
            return []
        # (a number is true when it is not 0, as ``perceived == 0`` is false for it: NaN included)
        quiet += _ONE
        busy = []
        for i, (p, s) in enumerate(zip(perceived.tolist(), state.tolist())):
            if p or s:
                quiet[i] -= 1  # (by position, as :meth:`rest` counts; back to what :meth:`decide` reads)
                busy.append(committees[i])
        return busy

    def decide(self, step: int) -> None:
        """One day's decision: report, then propose or make a state change (``request_state``)."""
        rules = self.rules
        cfg = rules.config
        comm, c = self.communities, self.community
        # Read once from the community's row (the properties' values without their calls): nothing
        # below changes them until a stand-down (after which state is read again).
        r = float(comm.perceived[c])
        number = int(comm.state[c])
        state, threshold = _STATES[number], self.alert_threshold
        target = rules.report_target(self)
        # Under unified command a committee with an open request keeps the command node informed,
        # so a request that waited in its queue is judged on the latest word.
        if number or r > 0 or (cfg.command and self.pending is not None):
            if target is not self:
                rules.send("report", self, target, c, r, number)
            district = rules.roster.government
            if cfg.response_level != "none" and target is not district:
                # The district grades its response level on its own picture of every community.
                rules.send("report", self, district, c, r, number)
        low = r < threshold * (0.5 if state in (G.PRE_TRANSITION, G.POST_TRANSITION) else 1.0)
        quiet = int(comm.quiet_days[c]) + 1 if low else 0
        comm.quiet_days[c] = quiet
        wanted = None
        if state == G.NORMAL:
            if r >= cfg.emergency_threshold:
                wanted = G.EMERGENCY
            elif r >= threshold:
                wanted = G.PRE_TRANSITION
        elif state == G.PRE_TRANSITION:
            if r >= cfg.emergency_threshold:
                wanted = G.EMERGENCY
            elif quiet >= rules.clear_days:
                self.stand_down()  # de-crisis
        elif state == G.EMERGENCY:
            if quiet >= rules.clear_days:
                wanted = G.POST_TRANSITION
        elif state == G.POST_TRANSITION:
            if r >= cfg.emergency_threshold:
                wanted = G.EMERGENCY
            elif rules.measure_level(self) == 0 and quiet >= rules.clear_days:
                self.stand_down()
        if cfg.alert_rule == "confirm" and self.state == G.NORMAL:
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
