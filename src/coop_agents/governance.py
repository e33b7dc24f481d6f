"""Governance: the rules of a pattern that move a community between its four states.

:class:`Governance` is the one collaborator organisations act through: who approves a
committee's state changes (authority, delegated emergency powers), who supplies whom, how long an
answer takes, how a state change counts (emergencies, secondary crises, de-crises, false alarms,
decisions), how alerts travel (peers, the hub's bulletin), and the after-action review. It holds
no per-resident state; per-community state lives in :class:`coop_agents.world.CommunityArrays`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from coop_agents.messaging import Message
from coop_agents.states import GovernanceState

if TYPE_CHECKING:
    from coop_agents.agents.organisations import CommunityCommittee, Organisation, Roster
    from coop_agents.config import Config
    from coop_agents.effects import Effects
    from coop_agents.messaging import MessageBus
    from coop_agents.metrics import Tally
    from coop_agents.world import CommunityArrays

__all__ = ["GovernanceState", "Governance", "VIGILANT_DAYS", "LEVEL_NAMES"]

VIGILANT_DAYS = 14  # how long a peer's alert keeps a committee vigilant
RESEND_SLACK_DAYS = 3  # days beyond a round trip and deliberation before a request is asked again
LESSONS_DELIBERATION = 0.5  # share of the deliberation that full lessons save
# Unified command: span_of_control is stated for a node of the default processing capacity.
COMMAND_CAPACITY_REF = 20.0  # org_capacity at which span_of_control is the node's decisions a day
# District response levels (应急响应级别, Emergency Response Law art. 42; 0 none, 1 = IV 一般, 2 = III
# 较大, 3 = II 重大, 4 = I 特别重大). The law names the grades; the thresholds and effects' sizes are
# assumptions (level_floor is the lever for the size of the floor).
LEVEL_NAMES = ("none", "IV", "III", "II", "I")
# Share of the communities in emergency that makes a 重大 (II) or a 特别重大 (I) event.
LEVEL_II_SHARE, LEVEL_I_SHARE = 0.2, 0.5
LEVEL_FLOOR_SHARE = (0.0, 0.0, 0.0, 0.5, 1.0)  # floor on measures by level, as a share of level_floor
# From level III every community mobilises; from II contracts and procurement open.
LEVEL_MOBILISE, LEVEL_UNLOCK = 2, 3
LEVEL_PROCUREMENT = 3.0  # from level II the district restocks this many times faster (emergency procurement)
LEVEL_FRESH_DAYS = 3  # the district counts a community by its last report only while it is this recent
LEVEL_DOWN_DAYS = 7  # days a lower grade must hold before the district steps down one grade
# Alerting rules: a targeted check of a reported case by grid workers confirms a real signal with
# this daily chance (at full infrastructure; half of it at none); a street office counts a
# community's vote for this many days.
VERIFY_CHANCE = 0.8  # daily chance a grid worker's targeted check confirms a real signal
VOTE_DAYS = 3  # days a community's alert counts towards its street's quorum
# Authority-responsibility imbalance (权责失衡, territorial_load). The paper gives the direction (load
# beyond authority -> lower morale -> formalism and missed windows; rewards and training -> a virtuous
# cycle); every size here is an assumption (territorial_load is the lever for the load itself).
LOAD_CRISIS = 1.0  # a crisis doubles the tasks and reports pushed down
LOAD_INSPECTION = 0.5  # inspections and reports that evaluation adds, at evaluation 1
RELIEF_LISTS = 0.4  # load a full responsibility list takes off a committee (it knows what is not its job)
RELIEF_POWERS = 0.4  # load the power to decide for itself takes off a committee (authority matches duty)
RELIEF_TRAINING = 0.2  # load full training takes off a committee (it does the work faster)
STRAIN_EFFECT = 0.6  # how far a unit of unrelieved load lowers motivation's target
REWARD_EFFECT = 0.2  # rewards (evaluation) raise motivation's target
MOTIVATION_MIN = 0.1  # cadres never give up entirely
MOTIVATION_DAYS = 30.0  # motivation moves towards its target over about a month
FORMALISM_FLOOR = 0.4  # at zero motivation this share of fidelity remains: measures reported, partly done
SLOW_DECISIONS = 1.0  # at zero motivation a committee takes 1 + this times as long over its own decisions
EVAL_SAFE = 0.5  # evaluation beyond this, under load, drives 层层加码 (overreach)
OVERREACH_ALERT = 0.4  # at full overreach committees alert at this share less than their threshold
OVERREACH_CLEAR = 1.0  # at full overreach committees wait this many times longer before standing down
OVERREACH_MEASURES = 1.0  # at full overreach mitigation is this many times stronger (at most full measures)


G = GovernanceState


class Governance:
    """The rules of the pattern in force, and the bookkeeping of what they decide.

    Args:
        config: the run's configuration.
        communities: per-community state (governance state, trust losses, vigilance, …).
        roster: the organisations (committees in community order, government, street offices).
        bus: the message bus.
        effects: the rates derived from the levers.
        tally: running counts for the outcomes.
        community_rng: one decisions stream per community (approvals, misjudgement).
        clock: today's day.
    """

    def __init__(
        self,
        config: Config,
        communities: CommunityArrays,
        roster: Roster,
        bus: MessageBus,
        effects: Effects,
        tally: Tally,
        community_rng: list[np.random.Generator],
        clock: Callable[[], int],
    ) -> None:
        self.config = config
        self.communities = communities
        self.roster = roster
        self.committees = roster.committees
        self.bus = bus
        self.effects = effects
        self.tally = tally
        self.community_rng = community_rng
        self.clock = clock
        self.deliberation_days = effects.base_deliberation_days  # shortened by lessons (see review)
        self.delegated = False
        # Own decisions waiting for their deliberation: (due time, committee, state, day asked).
        self.scheduled: list[tuple[float, CommunityCommittee, G, int]] = []
        self.closed: list[CommunityCommittee] = []  # episodes closed today: review tonight
        self.bulletins: list[np.ndarray] = []  # per community, the day a posted alert is read
        # Each community's open requests for pre-transition or emergency: state -> the day it was
        # first asked (the clock of decision latency).
        self.open_requests: list[dict[G, float]] = [{} for _ in range(communities.n)]
        # Unified command: the command node's decisions a day (its span of control, scaled).
        self.command_span = (
            config.span_of_control * (1 + config.training) * config.org_capacity / COMMAND_CAPACITY_REF
        )
        # District response level (0 none, 1..4 = IV..I) and its value on every recorded day.
        self.level = 0
        self.level_history: list[int] = []
        # territorial_load: 层层加码 (overreach) under heavy evaluation, 0..1; mean motivation by day.
        self.overreach = config.territorial_load * max(0.0, config.evaluation - EVAL_SAFE) / (1 - EVAL_SAFE)
        self.motivation_history: list[float] = []

    @property
    def today(self) -> int:
        return self.clock()

    # ------------------------------------------------------------------ who decides, who supplies

    def update_delegation(self) -> None:
        """Emergency powers are delegated to committees while any community is in emergency.

        Decided once a day, before the decisions, so every committee sees the same rule today.
        """
        # (a list of the states is searched faster than numpy compares and reduces a few tens of them)
        self.delegated = (
            self.config.delegated_emergency_powers and G.EMERGENCY in self.communities.state.tolist()
        )

    def authority_of(self, committee: CommunityCommittee, wanted: G | None = None) -> Organisation:
        """The organisation that approves this committee's state changes now (for ``wanted``, if
        named: under unified command, local autonomy leaves some states to the committee)."""
        cfg = self.config
        level = cfg.authority
        if level == "committee" or self.delegated:
            return committee
        if cfg.command:
            # The command node decides, but for what local autonomy leaves to the committee.
            if cfg.local_autonomy == "full" or (
                cfg.local_autonomy == "mitigation" and wanted == G.PRE_TRANSITION
            ):
                return committee
            return self.roster.government
        if level == "street":
            return self.roster.street_offices.get(committee.street, self.roster.government)
        return self.roster.government

    def report_target(self, committee: CommunityCommittee) -> Organisation:
        """Where a committee sends its daily report: the command node under unified command, else
        whoever approves its state changes (itself: no report)."""
        return self.roster.government if self.config.command else self.authority_of(committee)

    def vote_target(self, committee: CommunityCommittee) -> Organisation:
        """Where a committee's alert counts as a vote (alert_rule = vote): its street office."""
        return self.roster.street_offices.get(committee.street, self.roster.government)

    def alert_confirmed(self, committee: CommunityCommittee) -> bool:
        """alert_rule = confirm: does the committee's alert have a second source today?

        A neighbour's or the hub's alert (the committee is vigilant) confirms it; otherwise a grid
        worker checks the reported cases, which confirms a real signal (one monitoring saw) with
        the day's chance ``verify`` (one draw from the community's decision stream, made only when
        there is a real signal to check). Once confirmed, the alert stays confirmed while the
        committee still wants it.
        """
        c, comm = committee.community, self.communities
        if not comm.confirmed[c]:
            if self.today <= comm.vigilant_until[c]:
                comm.confirmed[c] = True
            elif comm.verify[c] > 0 and self.community_rng[c].random() < comm.verify[c]:
                comm.confirmed[c] = True
        return bool(comm.confirmed[c])

    # ------------------------------------------------------------------ authority and responsibility

    @property
    def clear_days(self) -> float:
        """Quiet days before a committee stands down or asks to de-escalate (longer under 层层加码)."""
        if self.overreach:
            return self.config.clear_days * (1 + OVERREACH_CLEAR * self.overreach)
        return self.config.clear_days

    def own_delay(self, committee: CommunityCommittee) -> float:
        """How long a committee deliberates over its own decision (longer when motivation is low)."""
        delay = self.deliberation_days * 0.5
        if self.config.territorial_load:
            delay *= 1 + SLOW_DECISIONS * (1 - self.communities.motivation[committee.community])
        return delay

    def fidelity_factor(self) -> np.ndarray | None:
        """Per community, the share of implementation fidelity that cadres' motivation leaves
        (None without territorial load: fidelity is the lever's alone)."""
        if not self.config.territorial_load:
            return None
        return FORMALISM_FLOOR + (1 - FORMALISM_FLOOR) * self.communities.motivation

    def update_motivation(self, states: np.ndarray) -> None:
        """Cadre motivation moves towards what today's load against authority and capacity allows.

        demand = load · (1 + crisis + 0.5 · evaluation) (tasks, reports, inspections pushed down);
        relief = 0.4 · responsibility lists + 0.4 · [the committee may declare its own state today]
        + 0.2 · training; target = clip(1 − 0.6 · max(0, demand − relief) + 0.2 · evaluation, 0.1, 1);
        motivation moves a thirtieth of the way to its target each day.
        """
        cfg, comm = self.config, self.communities
        demand = cfg.territorial_load * (
            1 + LOAD_CRISIS * (states != G.NORMAL) + LOAD_INSPECTION * cfg.evaluation
        )
        powers = np.array([self.authority_of(c, G.EMERGENCY) is c for c in self.committees], dtype=float)
        relief = (
            RELIEF_LISTS * cfg.responsibility_lists + RELIEF_POWERS * powers + RELIEF_TRAINING * cfg.training
        )
        target = np.clip(
            1 - STRAIN_EFFECT * np.maximum(0.0, demand - relief) + REWARD_EFFECT * cfg.evaluation,
            MOTIVATION_MIN,
            1.0,
        )
        comm.motivation += (target - comm.motivation) / MOTIVATION_DAYS
        self.motivation_history.append(float(comm.motivation.mean()))

    # ------------------------------------------------------------------ the district response level

    def set_level(self, level: int) -> None:
        """The district's response level from today (0 none, 1..4 = IV..I). From IV every
        committee is vigilant while the level lasts."""
        self.level = int(level)
        if self.level >= 1:
            np.maximum(self.communities.vigilant_until, self.today + 1, out=self.communities.vigilant_until)

    @property
    def measures_floor(self) -> float:
        """The least intensity of measures the district's level sets in every community."""
        return LEVEL_FLOOR_SHARE[self.level] * self.config.level_floor

    @property
    def mobilised(self) -> bool:
        """From level III volunteers, party members and organisations help in every community."""
        return self.level >= LEVEL_MOBILISE

    @property
    def unlocked(self) -> bool:
        """From level II contracted services reach every community and procurement speeds up."""
        return self.level >= LEVEL_UNLOCK

    def supplier_of(self, org: Organisation) -> Organisation | None:
        """Where an organisation asks for resources (by the pooling rule), or None at the top."""
        if org.kind == "committee":
            logistics = self.effects.logistics_of.get(org.community)
            if logistics is not None:  # a logistics organisation on a direct tie supplies it first
                return logistics
            if self.config.resource_pooling == "central":
                return self.roster.government
            return self.roster.street_offices.get(org.street, self.roster.government)
        if org.kind == "social_organisation":
            # A logistics organisation restocks where its committees would: its street office's
            # pool, or the district's under central pooling (and the district's by its contract
            # when no street office is known).
            if self.config.resource_pooling == "central":
                return self.roster.government
            return self.roster.street_offices.get(org.street, self.roster.government)
        if org.kind == "street_office":
            return self.roster.government
        return None

    def resend_days(self, asker: Organisation, answerer: Organisation) -> float:
        """Days an organisation waits for an answer (a decision, a delivery) before asking again:
        a round trip on today's fastest route plus deliberation and slack."""
        path = self.bus.route(asker.index, answerer.index) or []
        orgs, edges = self.roster.organisations, self.bus.graph.edges
        one_way = (
            sum(edges[orgs[a].node, orgs[b].node]["latency"] for a, b in zip(path, path[1:]))
            * self.bus.latency_factor
        )
        return 2 * one_way + self.deliberation_days + RESEND_SLACK_DAYS

    def misjudgement(self, community: int) -> float:
        """A multiplicative error of judging a community's state (smaller with intellectual support)."""
        return float(
            math.exp(self.effects.misjudgement_sigma * self.community_rng[community].standard_normal())
        )

    def measure_level(self, committee: CommunityCommittee) -> float:
        """The rules' intensity of measures in a community (0..1) given its state and the schedule."""
        cfg, state = self.config, committee.state
        if state == G.PRE_TRANSITION:
            if self.overreach and cfg.mitigation:  # 层层加码: stricter than needed
                return min(1.0, cfg.mitigation_level * (1 + OVERREACH_MEASURES * self.overreach))
            return cfg.mitigation_level if cfg.mitigation else 0.0
        if state == G.EMERGENCY:
            return 1.0 if cfg.response else (cfg.mitigation_level if cfg.mitigation else 0.0)
        if state == G.POST_TRANSITION:
            if not (cfg.recovery and cfg.response) or cfg.deescalation == "abrupt":
                return 0.0
            return max(0.0, 1.0 - committee.stage / cfg.deescalation_stages)
        return 0.0

    # ------------------------------------------------------------------ messages and requests

    def send(
        self,
        kind: str,
        sender: Organisation,
        target: Organisation | int,
        community: int = -1,
        value: float = 0.0,
        state: int = -1,
        delay: float = 0.0,
        threshold: float = 0.0,
    ) -> None:
        """Send a message; it leaves at the end of today (plus ``delay`` days of deliberation)."""
        target_index = target if isinstance(target, int) else target.index
        msg = Message(kind, sender.index, target_index, community, float(value), state, threshold)
        self.bus.send(msg, at=self.clock() + 1 + delay)

    def schedule_change(self, committee: CommunityCommittee, new: G, asked: int, delay: float) -> None:
        """A committee's own decision, taking effect after its deliberation."""
        self.scheduled.append((asked + delay, committee, new, asked))

    def apply_scheduled(self, t: int) -> None:
        """Own decisions whose deliberation has ended take effect (if still wanted)."""
        due = [s for s in self.scheduled if s[0] <= t]
        self.scheduled = [s for s in self.scheduled if s[0] > t]
        for decided_at, committee, new_state, _asked in due:
            if committee.pending is not None and committee.pending[0] == new_state:
                committee.pending = None
                if committee.still_wants(new_state):
                    self.change_state(committee, new_state, at=decided_at)

    def note_request(self, committee: CommunityCommittee, step: int, wanted: G) -> None:
        """A committee asks for a state change. For pre-transition or emergency the clock of
        decision latency starts, unless it already runs for the same state (a request re-sent
        after a refusal, a bounce or a loss is the same request)."""
        if wanted in (G.PRE_TRANSITION, G.EMERGENCY):
            self.open_requests[committee.community].setdefault(wanted, float(step))

    # ------------------------------------------------------------------ alerts

    def hear_alert(self, community: int | np.ndarray, day: int | np.ndarray) -> None:
        """A committee hears a peer's alert on ``day``: it stays vigilant for 14 days from then."""
        vigilant_until = self.communities.vigilant_until
        if isinstance(community, int):  # one committee (a peer's message): no ufunc.at to set up
            vigilant_until[community] = max(vigilant_until[community], day + VIGILANT_DAYS)
            return
        np.maximum.at(vigilant_until, community, np.asarray(day) + VIGILANT_DAYS)

    def publish_alert(self, hub: Organisation, msg: Message) -> None:
        """The hub posts an alert it received; each committee tied to it reads it after the tie's delay.

        Those who read it today become vigilant at once; later readers when their day comes
        (see :meth:`read_bulletins`). The alerting committee itself is not told its own news.
        """
        read_on = np.floor(msg.delivered_at + self.effects.bulletin_delay)
        read_on[msg.community] = np.inf
        self.bulletins.append(read_on)
        self.read_bulletins(self.today)

    def read_bulletins(self, t: int) -> None:
        """Apply the posted alerts that committees read by day ``t``; keep the rest for later."""
        waiting = []
        for read_on in self.bulletins:
            due = (read_on <= t).nonzero()[0]
            if due.size:
                self.hear_alert(due, read_on[due].astype(np.int64))
                read_on[due] = np.inf
            if np.isfinite(read_on).any():
                waiting.append(read_on)
        self.bulletins = waiting

    # ------------------------------------------------------------------ state changes

    def change_state(self, committee: CommunityCommittee, new: G, at: float | None = None) -> None:
        """Move a community to a new governance state and count what that means.

        ``at`` is the decision's own time (a committee's own call: the day it asked plus its
        deliberation); by default the day the change takes effect.
        """
        old, t, c = committee.state, self.today, committee.community
        if new == old:
            return
        committee.state = new
        requests = self.open_requests[c]
        if new in requests:
            self.tally.decisions.append((c, requests.pop(new), float(t if at is None else at)))
        for lapsed in [s for s in requests if not committee.still_wants(s)]:
            del requests[lapsed]  # the community moved past what it asked for
        committee.quiet_days = 0
        tally, comm = self.tally, self.communities
        if new == G.EMERGENCY:
            tally.emergencies += 1
            if old == G.POST_TRANSITION:
                tally.secondary_crises += 1
        if old == G.PRE_TRANSITION and new == G.NORMAL:
            tally.decrisis += 1
        if new == G.POST_TRANSITION:
            committee.stage, committee.stage_since = 0, t
        comm_ = self.communities
        if old == G.NORMAL:
            comm_.confirmed[c] = False  # a confirmation is for one alert
        if new == G.NORMAL:
            # The episode ends: the owner the command node named was for it only.
            comm_.owner_assigned[c] = comm_.owner_wanted[c] = comm_.confirmed[c] = False
            comm_.owner_asked_at[c] = -1
        false_alarm = False
        if old == G.NORMAL:
            comm.episode_peak[c] = 0.0
        elif new == G.NORMAL and comm.episode_peak[c] < self.config.alert_threshold:
            # The alert episode ends and the true risk never reached the alert threshold: a false
            # alarm, and residents trust the next warning less (the cry-wolf effect).
            false_alarm = True
            tally.false_alarm_days.append(t)
            comm.trust_loss[c] += self.config.cry_wolf_penalty
        if new in (G.PRE_TRANSITION, G.EMERGENCY) and old in (G.NORMAL, G.PRE_TRANSITION):
            for peer in self.effects.alert_recipients[c]:
                self.send("alert", committee, peer, c, float(new))
            if self.effects.alert_hub is not None:
                self.send("alert", committee, self.effects.alert_hub, c, float(new))
        # A real episode closed (not a false alarm, which teaches nothing about the next risk):
        if new == G.NORMAL and old in (G.PRE_TRANSITION, G.POST_TRANSITION) and not false_alarm:
            self.closed.append(committee)  # an episode closed: after-action review tonight

    def review(self) -> None:
        """After-action review (学习, 闭环) of the episodes closed today: their committees learn the
        most; the review is archived and shared through the district, so every other committee
        learns half as much. Lessons lower the alert threshold, speed detection and shorten
        deliberation.
        """
        rate = self.config.learning_rate
        lessons = self.communities.lessons
        for committee in self.committees:
            share = rate if committee in self.closed else 0.5 * rate
            lessons[committee.community] += share * (1 - lessons[committee.community])
        self.deliberation_days = self.effects.base_deliberation_days * (
            1 - LESSONS_DELIBERATION * float(np.mean(lessons))
        )
