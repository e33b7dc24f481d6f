"""A tabletop drill (应急演练 / 桌面推演): people decide for some organisations, the model plays the rest.

People are deciders on the decision seam (:mod:`coop_agents.decisions`). A choice arises inside a
model day, but people answer later, so a turn has two passes over the same days:

1. **Preview**: a copy of the run steps the turn's days with a decider for the human roles that
   records every decision that arises (and what the role knew then) and answers it with the
   answer already given, else the rules' suggestion. The recorded decisions are the turn's
   :meth:`Exercise.pending` decisions; each has a key: (day, organisation, kind, community,
   ordinal), the ordinal counting the same organisation's decisions of that kind about that
   community on that day.
2. **Commit** (:meth:`Exercise.advance`): the run itself steps the turn with a decider that
   returns the people's answer for each key, and the facilitator's default for anything nobody
   answered ("nothing": hold, pass, keep today's level; "rules": the suggestion) -- also for a
   decision that arises only because of an earlier answer in the same turn.

Randomness is keyed by stream, day and resident, and the rules draw the same numbers whatever is
chosen, so a team that takes every suggestion reproduces the pattern's own run bit for bit, and
the same settings, answers and injects reproduce a drill exactly: the log *is* the exercise
(:meth:`Exercise.save`, :meth:`Exercise.replay`).

A turn is one model day (``turn_days=1``), several days, or half a day (``turn_days=0.5``: the
morning turn holds the decisions made before the day's actions -- requests, approvals, supplies,
tasks --, the afternoon turn those of the actions -- measures, warnings, de-escalation -- with the
morning's answers in force). After the drill's last turn the model plays the rest of the event
by the pattern's rules, so the team's outcomes are comparable with every preset's
(:meth:`Exercise.debrief`).

Examples:
    >>> ex = Exercise("default", "siloed", seed=1, humans=["street_office"], days=3, residents=600)
    >>> while not ex.finished:
    ...     for p in ex.pending():
    ...         ex.decide(p, p.suggested)
    ...     _ = ex.advance()
    >>> rules = CoordinationModel("default", "siloed", 1, residents=600)
    >>> _ = rules.run()
    >>> ex.model.series.frame().equals(rules.series.frame())
    True
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from coop_agents import __version__
from coop_agents.decisions import DECIDER_KINDS, RULES, Decision, check_choice
from coop_agents.errors import CoopError
from coop_agents.governance import GovernanceState as G
from coop_agents.model import CoordinationModel
from coop_agents.tabletop.injects import Inject, inject_from_record, load_inject
from coop_agents.tabletop.log import FORMAT, jsonable, log_line, read_log, write_log

__all__ = [
    "DEFAULTS",
    "CommunityView",
    "Exercise",
    "MessageView",
    "OrgView",
    "Pending",
    "Replayer",
    "RoleView",
    "Truth",
    "copy_model",
    "do_nothing",
    "org_name",
    "role_name",
]

DEFAULTS = ("nothing", "rules")  # what an undecided decision takes
HALF_DAY = 0.5
MAX_TURN_DAYS = 14
HISTORY_DAYS = 5  # earlier days' messages a role sees besides today's
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
# Which half of a day a decision belongs to when turns are half a day (it arises before the
# actions phase: morning; in it: afternoon).
MORNING, AFTERNOON = 0, 1
_KIND_ZH = {
    "government": "基层政府",
    "street_office": "街道办事处",
    "committee": "社区居委会",
    "party_committee": "党组织",
    "social_organisation": "社会组织",
    "platform": "应急响应平台",
}
_KIND_EN = {
    "government": "District government",
    "street_office": "All street offices",
    "committee": "All community committees",
    "party_committee": "All party bodies",
    "social_organisation": "All social organisations",
    "platform": "The response platform",
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


Key = tuple  # (day, organisation node, kind, community, ordinal)


def _key(decision: Decision, counter: Counter) -> Key:
    base = (decision.day, decision.node, decision.kind, decision.community)
    ordinal = counter[base]
    counter[base] += 1
    return (*base, ordinal)


def _key_from_json(raw: Any, where: str) -> Key:
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


class _Seats:
    """The decider of the human roles in the run itself: the people's answers, else the default."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.counter: Counter = Counter()

    def decide(self, decision: Decision) -> Any:
        return self.exercise._commit_choice(decision, _key(decision, self.counter))

    def __deepcopy__(self, memo):  # a copy of the run never takes the exercise with it
        return self


class _Preview:
    """The decider of the human roles in a preview: records each decision, answers it with the
    answer given so far, else the suggestion."""

    def __init__(self, exercise: Exercise, model: CoordinationModel, turn: int) -> None:
        self.exercise, self.model, self.turn = exercise, model, turn
        self.counter: Counter = Counter()
        self.half = MORNING
        self.found: list[Pending] = []

    def decide(self, decision: Decision) -> Any:
        ex = self.exercise
        key = _key(decision, self.counter)
        level = (
            float(self.model.world.communities.measures[decision.community])
            if decision.community >= 0
            else 0.0
        )
        self.found.append(
            Pending(
                key, ex.role_of(decision.node), self.turn, decision, do_nothing(decision, level), self.half
            )
        )
        answer = ex.answers.get(key)
        return (
            answer["choice"]
            if answer is not None and answer["choice"] in decision.options
            else decision.suggested
        )


def copy_model(model: CoordinationModel, shared: Iterable[Any] = ()) -> CoordinationModel:
    """A copy of ``model`` to step ahead on, alike in every draw to come.

    What never changes during a run (the district graph, the contacts, the resident agents, which
    only view the arrays, the configuration) is shared with ``model`` and the rest copied; the
    bus's counter goes on from where it is and its cache of routes is searched again as needed
    (routes are a function of the ties alone; itertools' counters cannot be deep-copied). The
    governance's clock is the one closure over the model, and is pointed at the copy.
    """
    from coop_agents.agents.residents import Resident

    w, bus = model.world, model.bus
    keep = [
        RULES,
        *shared,
        w.graph,
        w.contacts,
        w.boundary,
        w.base_trust,
        model.active,
        model.config,
        model.scenario_spec,
        model.pattern_spec,
        *model.agents_by_type.get(Resident, ()),
    ]
    memo = {id(o): o for o in keep}
    memo[id(bus._seq)] = itertools.count(int(repr(bus._seq)[len("count(") : -1]))
    memo[id(bus._routes)] = {}
    if "_twins" in model.__dict__:  # counterfactual twins are the run's own, not its copy's
        memo[id(model.__dict__["_twins"])] = {}
    twin = copy.deepcopy(model, memo)
    twin.governance.clock = lambda: twin.steps
    return twin


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
        key = _key(decision, self.counter)
        if decision.day > self.team.last_day or decision.day in self.rules_days:
            return decision.suggested
        choice = self.team.deviations.get(key, decision.suggested)
        return choice if choice in decision.options else decision.suggested

    def __deepcopy__(self, memo):
        twin = Replayer(self.team, self.rules_days)
        twin.counter = Counter(self.counter)
        return twin


class Exercise:
    """A drill: people in some roles, the model in the rest, turn by turn.

    Args:
        scenario, pattern, seed: as :class:`~coop_agents.model.CoordinationModel` (the pattern is
            the institutional setting the team plays in).
        humans: the roles people play, as keys of ``deciders``: an organisation kind (one player
            decides for every organisation of that kind) or an organisation's node id.
        turn_days: model days per turn: 0.5 (half a day) or a whole number from 1 to 14.
        injects: injects scheduled in advance (:class:`~coop_agents.tabletop.injects.Inject` or
            log-style dicts); more can be fired during the drill (:meth:`fire`).
        days: the days the people play (default: the whole run); the model plays the rest.
        default: what an undecided decision takes: ``"nothing"`` or ``"rules"``.
        log: a file to keep the log in, rewritten atomically after every change.
        **overrides: parameter-table keys, as for the model (e.g. ``residents=1200``).

    Raises:
        CoopError: an unknown role, scenario, pattern or key, a bad turn length or default.
    """

    def __init__(
        self,
        scenario: str | Path = "default",
        pattern: str | Path = "siloed",
        seed: int = 0,
        humans: Sequence[Hashable] = (),
        turn_days: float = 1,
        injects: Iterable[Inject | Mapping] = (),
        days: int | None = None,
        default: str = "nothing",
        log: str | Path | None = None,
        **overrides: Any,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise CoopError(f"seed={seed!r}: expected a non-negative integer")
        if turn_days != HALF_DAY and (
            isinstance(turn_days, bool)
            or not float(turn_days).is_integer()
            or not 1 <= turn_days <= MAX_TURN_DAYS
        ):
            raise CoopError(
                f"turn_days={turn_days!r}: a turn is half a day (0.5) or 1 to {MAX_TURN_DAYS} days"
            )
        if default not in DEFAULTS:
            raise CoopError(f"default={default!r}: an undecided decision takes one of {', '.join(DEFAULTS)}")
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
            raise CoopError(f"days={days!r}: the days people play, a whole number of at least 1")
        humans = list(dict.fromkeys(humans))
        if not humans:
            raise CoopError("humans: name at least one role people play (an organisation kind or node id)")
        self.turn_days = HALF_DAY if turn_days == HALF_DAY else int(turn_days)
        self.default = default
        self.days = days
        self.humans = humans
        self.answers: dict[Key, dict] = {}
        self.records: list[dict] = []
        self._lines: list[str] = []  # the records as the log's lines, made once each
        self.log = Path(log) if log is not None else None
        self._seats = _Seats(self)
        self.fired: list[tuple[int, Inject]] = []
        self.model = CoordinationModel(
            scenario, pattern, seed, deciders={h: self._seats for h in humans}, **overrides
        )
        self.team = TeamRecord()
        # A counterfactual of the run (same seed, a lever changed) replays the team's decisions;
        # the learning gain's twin (several events) also meets the drill's injects.
        self.model.construction["deciders"] = {h: Replayer(self.team) for h in humans}
        if self.model.config.arrival != "single" and self.model.config.learning:
            self.model.__dict__.setdefault("_twins", {})[(("learning", False),)] = self.rebuild(
                learning=False
            )
        self._role = {}
        for org in self.model.organisations:
            role = org.node if org.node in humans else org.kind if org.kind in humans else None
            if role is not None:
                self._role[org.node] = role
        for h in humans:
            if h in DECIDER_KINDS and not any(o.kind == h for o in self.model.organisations):
                raise CoopError(
                    f"humans: this district has no {h}; its organisations are of the kinds "
                    f"{', '.join(sorted({o.kind for o in self.model.organisations}))}"
                )
        self.turn = 0
        self.turns: list[dict] = []
        self.taken: list[dict] = []  # every decision of a human role as it took effect
        self.history: dict[Hashable, list[MessageView]] = {node: [] for node in self._role}
        self._last_read = {
            node: self.model.roster.organisations[self._index(node)].read for node in self._role
        }
        self.perceived: list[np.ndarray] = [self.model.world.communities.perceived.copy()]
        self._preview_cache: tuple | None = None
        scheduled = []
        for item in injects:
            inject = item if isinstance(item, Inject) else inject_from_record(item, "injects")
            inject = inject.check_against(self.model)
            self._schedule(inject, turn=-1)
            scheduled.append(inject.record())
        self.settings = {
            "type": "settings",
            "format": FORMAT,
            "coop_agents": __version__,
            "scenario": str(scenario),
            "pattern": str(pattern),
            "seed": seed,
            "humans": humans,
            "turn_days": self.turn_days,
            "days": days,
            "default": default,
            "overrides": overrides,
            "injects": scheduled,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        self._finish_if_over()
        self._autosave()

    # ------------------------------------------------------------------ roles and turns

    def _index(self, node: Hashable) -> int:
        return self.model.bus.node_index[node]

    def role_of(self, node: Hashable) -> Hashable:
        """The role that decides for organisation ``node`` (None: the model)."""
        return self._role.get(node)

    def organisations_of(self, role: Hashable) -> list:
        """The organisations a role decides for, in node order."""
        if role not in self.humans:
            raise CoopError(
                f"unknown role {role!r}; the roles people play: {', '.join(map(str, self.humans))}"
            )
        return [o for o in self.model.organisations if self._role.get(o.node) == role]

    @property
    def n_turns(self) -> int | None:
        """The number of turns people play (None: until the run ends)."""
        if self._ended is not None:
            return self._ended
        if self.days is None:
            return None
        return 2 * self.days if self.turn_days == HALF_DAY else math.ceil(self.days / self.turn_days)

    def span(self, turn: int | None = None) -> tuple[int, int, int | None]:
        """``(first day, last day, half)`` of a turn (the open one by default); half is None for
        turns of whole days, else MORNING (0) or AFTERNOON (1)."""
        turn = self.turn if turn is None else turn
        if self.turn_days == HALF_DAY:
            day = 1 + turn // 2
            return day, day, turn % 2
        n = int(self.turn_days)
        return 1 + turn * n, (turn + 1) * n, None

    @property
    def finished(self) -> bool:
        """Whether the run has ended (the drill's turns are over and the model played the rest)."""
        return not self.model.running

    @property
    def day(self) -> int:
        """The model days done so far."""
        return self.model.steps

    # ------------------------------------------------------------------ the preview

    def _copy(self, model: CoordinationModel) -> CoordinationModel:
        return copy_model(model, shared=(self,))

    def _preview(self) -> tuple[list[Pending], dict[Hashable, RoleView], Truth]:
        """Step a copy through the open turn: the decisions waiting, each role's view, the truth."""
        if self._preview_cache is not None:
            return self._preview_cache
        if self.finished:
            self._preview_cache = ([], {}, self._truth(self.model, self.model.steps))
            return self._preview_cache
        first, last, half = self.span()
        twin = self._copy(self.model)
        seer = _Preview(self, twin, self.turn)
        for org in twin.organisations:
            if org.node in self._role:
                org.decider = seer
        views: dict[int, tuple[dict, Truth]] = {}
        decision_phase, action_phase = twin._decision_phase, twin._action_phase

        inboxes: dict = {}

        def deciding(t: int) -> None:
            if t == first:
                inboxes.update({o.node: list(o.inbox) for o in twin.organisations if o.node in self._role})
                if half in (None, MORNING):
                    views[MORNING] = self._views(twin, t, half, inboxes), self._truth(twin, t)
            decision_phase(t)

        def acting(t: int, states) -> None:
            seer.half = AFTERNOON
            if t == first and half == AFTERNOON:
                views[AFTERNOON] = self._views(twin, t, AFTERNOON, inboxes), self._truth(twin, t)
            action_phase(t, states)

        # The copy's two phases, wrapped to see what each role knows when it decides.
        setattr(twin, "_decision_phase", deciding)  # noqa: B010
        setattr(twin, "_action_phase", acting)  # noqa: B010
        for _ in range(first, last + 1):
            if not twin.running:
                break
            seer.half = MORNING
            twin.step()
        pending = [p for p in seer.found if half is None or p.half == half]
        role_views, truth = views.get(
            MORNING if half in (None, MORNING) else AFTERNOON, ({}, self._truth(twin, first))
        )
        self._preview_cache = (pending, role_views, truth)
        return self._preview_cache

    def pending(self, role: Hashable | None = None) -> list[Pending]:
        """The decisions of the open turn waiting for people (of one role, or of all), in the
        order they arise in the model."""
        found = self._preview()[0]
        return found if role is None else [p for p in found if p.role == role]

    def view(self, role: Hashable) -> RoleView | None:
        """What ``role`` knows at the open turn's decisions: its organisations' stocks, inboxes,
        requests waiting and pictures; its communities' states, levels of measures, perceived
        risk (its own committee's) and reported risk (an authority's); the injects that reached
        it. Never the true risk. None once the run has ended."""
        self.organisations_of(role)  # an unknown role is an error
        return self._preview()[1].get(role)

    def truth(self) -> Truth:
        """The true state at the open turn (for the facilitator; never shown to players)."""
        return self._preview()[2]

    # ------------------------------------------------------------------ what roles know

    def _message(self, model: CoordinationModel, msg, day: int) -> MessageView:
        sender = model.organisations[msg.sender]
        return MessageView(
            msg.kind,
            sender.node,
            sender.kind,
            sender.name,
            int(msg.community),
            float(msg.value),
            int(msg.state),
            day,
        )

    def _communities_of(self, model: CoordinationModel, org) -> list[int]:
        if org.kind in ("committee", "party_committee") and org.community >= 0:
            return [org.community]
        if org.kind == "street_office":
            return [c.community for c in model.committees if c.street == org.street]
        if org.kind == "government":
            return list(range(model.n_communities))
        neighbours = model.active.neighbors(org.node) if org.node in model.active else ()
        tied = {
            model.graph.nodes[n].get("community", -1)
            for n in neighbours
            if model.graph.nodes[n].get("kind") == "committee"
        }
        if org.kind == "party_committee" and org.street >= 0:
            tied |= {c.community for c in model.committees if c.street == org.street}
        return sorted(k for k in tied if k >= 0)

    def _views(
        self, model: CoordinationModel, day: int, half: int | None, inboxes: Mapping[Hashable, list]
    ) -> dict[Hashable, RoleView]:
        comm = model.world.communities
        states = comm.state.copy()
        capacity = model.actions.needs_capacity(states) * comm.available
        out = {}
        for role in self.humans:
            orgs, ks, own = [], set(), set()
            for org in model.organisations:
                if self._role.get(org.node) != role:
                    continue
                reported = tuple(sorted((k, float(v)) for k, v in getattr(org, "picture", {}).items()))
                orgs.append(
                    OrgView(
                        org.node,
                        org.kind,
                        org.name,
                        float(org.stock),
                        tuple(self._message(model, m, day) for m in inboxes.get(org.node, ())),
                        tuple(
                            (model.organisations[a].name, int(c), float(v)) for a, (c, v) in org.owed.items()
                        ),
                        reported,
                    )
                )
                ks.update(self._communities_of(model, org))
                if org.kind == "committee":
                    own.add(org.community)
            pictures = {}
            for o in orgs:
                pictures.update(dict(o.reported))
            communities = []
            for k in sorted(ks):
                committee = model.committees[k]
                mine = k in own
                communities.append(
                    CommunityView(
                        k,
                        committee.name,
                        G(states[k]).name.lower(),
                        float(comm.measures[k]),
                        int(comm.size[k]),
                        perceived=float(comm.perceived[k]) if mine else None,
                        reported=pictures.get(k),
                        capacity=float(capacity[k]) if mine else None,
                        pending=None
                        if not mine or committee.pending is None
                        else committee.pending[0].name.lower(),
                        perceived_history=tuple(float(p[k]) for p in self.perceived[-HISTORY_DAYS - 1 :])
                        if mine
                        else (),
                    )
                )
            history: list[MessageView] = []
            for o in orgs:
                history.extend(m for m in self.history.get(o.node, ()) if m.day >= day - HISTORY_DAYS)
            history.sort(key=lambda m: -m.day)
            out[role] = RoleView(
                role,
                self.turn,
                day,
                half,
                tuple(orgs),
                tuple(communities),
                tuple(self._injects_for(model, role, ks)),
                tuple(history),
            )
        return out

    def _injects_for(self, model: CoordinationModel, role: Hashable, communities: set[int]) -> list[Inject]:
        first, last, half = self.span()
        kinds = {o.kind for o in model.organisations if self._role.get(o.node) == role}
        out = []
        for _, inject in self.fired:
            due = first <= inject.day <= last or (half == AFTERNOON and inject.day == last + 1)
            if not due or not kinds & set(inject.spec.recipients):
                continue
            if "government" in kinds or "platform" in kinds or set(inject.communities(model)) & communities:
                out.append(inject)
        return out

    def _truth(self, model: CoordinationModel, day: int) -> Truth:
        comm, hz, res = model.world.communities, model.hazard, model.world.residents
        harmed = np.bincount(res.community[hz.affected], minlength=model.n_communities)
        return Truth(
            day,
            tuple(float(r) for r in model._risk),
            tuple(float(p) for p in comm.perceived),
            tuple(G(s).name.lower() for s in comm.state),
            tuple(float(v) for v in comm.measures),
            tuple(int(h) for h in harmed),
            int(np.count_nonzero(hz.affected)),
            float(np.count_nonzero(hz.active) / res.n),
        )

    # ------------------------------------------------------------------ people decide

    def _pending_for(self, decision: Pending | Sequence) -> Pending:
        key = decision.key if isinstance(decision, Pending) else tuple(decision)
        for p in self.pending():
            if p.key == key:
                return p
        raise CoopError(
            f"decision {list(key)} is not waiting for anyone: turn {self.turn + 1} is open"
            + (" and the drill is over" if self.finished else "")
        )

    def decide(self, decision: Pending | Sequence, choice: Any, player: str | None = None) -> None:
        """Answer a pending decision (a :class:`Pending` or its key) with ``choice``, one of its
        options; a later answer to the same decision replaces an earlier one.

        Raises:
            CoopError: the decision is not waiting (another turn, the drill over) or the choice
                is not one of its options.
        """
        p = self._pending_for(decision)
        choice = check_choice(p.decision, choice)
        record = {
            "type": "decision",
            "turn": self.turn,
            "day": p.day,
            "key": list(p.key),
            "role": p.role,
            "player": player,
            "kind": p.kind,
            "organisation": p.node,
            "community": p.community,
            "choice": jsonable(choice),
            "suggested": jsonable(p.suggested),
        }
        self._answer(record)
        self._append(record)

    def _answer(self, record: dict) -> None:
        self.answers[tuple(record["key"])] = record

    def note(self, role: Hashable, text: str, player: str | None = None) -> None:
        """A player's note for the debrief (what they would do, what they lacked)."""
        self.organisations_of(role)
        text = " ".join(str(text).split())[:1000]
        if text:
            self._append(
                {
                    "type": "note",
                    "turn": self.turn,
                    "day": self.span()[0],
                    "role": role,
                    "player": player,
                    "text": text,
                }
            )

    def fire(
        self,
        inject: str | Inject,
        target: int | None = None,
        params: Mapping[str, float] | None = None,
        by: str = "facilitator",
    ) -> Inject:
        """Fire an inject now: it applies at the start of the open turn's first day (after a
        morning, at the start of the next day). Returns the inject with its target resolved.

        Raises:
            CoopError: an unknown inject, target or parameter, or the drill is over.
        """
        if self.finished:
            raise CoopError("the drill is over; injects can no longer be fired")
        first, last, half = self.span()
        day = last + 1 if half == AFTERNOON else first
        if not isinstance(inject, Inject):
            load_inject(inject)
            inject = Inject(inject, day, target, tuple(sorted((params or {}).items())))
        elif inject.day != day:
            inject = Inject(inject.id, day, inject.target, inject.params)
        inject = inject.check_against(self.model)
        self._schedule(inject)
        self._append({"type": "inject", "turn": self.turn, "by": by, **inject.record()})
        return inject

    def _schedule(self, inject: Inject, turn: int | None = None) -> None:
        for model in (self.model, *self.model.__dict__.get("_twins", {}).values()):
            model.schedule_inject(inject.day, inject)
        self.fired.append((self.turn if turn is None else turn, inject))
        self._preview_cache = None

    # ------------------------------------------------------------------ the run steps

    def _commit_choice(self, decision: Decision, key: Key) -> Any:
        answer = self.answers.get(key) or {}
        answered = bool(answer) and answer["choice"] in decision.options
        if answered:
            choice = answer["choice"]
        elif self._turn_default == "rules":
            choice = decision.suggested
        else:
            level = (
                float(self.model.world.communities.measures[decision.community])
                if decision.community >= 0
                else 0
            )
            choice = do_nothing(decision, level)
        if choice != decision.suggested:
            self.team.deviations[key] = choice
        self.taken.append(
            {
                "turn": self.turn,
                "day": decision.day,
                "key": key,
                "role": self.role_of(decision.node),
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

    _turn_default = "nothing"

    def advance(self, timed_out: bool = False) -> dict:
        """Close the open turn: the run steps its days with the people's answers (the default for
        anything unanswered), then the next turn opens. After the drill's last turn the model
        plays the rest of the run by the pattern's rules. Returns the turn's log record.

        Raises:
            CoopError: the drill is over.
        """
        record = self._advance(timed_out, self.default)
        self._append(record)
        return record

    def _advance(self, timed_out: bool, default: str) -> dict:
        if self.finished:
            raise CoopError("the drill is over; there is no turn to advance")
        first, last, half = self.span()
        before = len(self.taken)
        self._turn_default = default
        if half != MORNING:
            for _ in range(first, last + 1):
                if not self.model.running:
                    break
                self.team.last_day = self.model.steps + 1  # decisions of the day being played
                self.model.step()
                self._after_day()
        taken = self.taken[before:]
        record = {
            "type": "turn",
            "turn": self.turn,
            "days": [first, last],
            "timed_out": bool(timed_out),
            "default": default,
            "decided": len(taken),
            "defaults": [[list(t["key"]), jsonable(t["choice"])] for t in taken if not t["answered"]],
        }
        self.turns.append(record)
        self.turn += 1
        self._preview_cache = None
        self._finish_if_over()
        return record

    def _after_day(self) -> None:
        model, day = self.model, self.model.steps
        self.perceived.append(model.world.communities.perceived.copy())
        for node, seen in self._last_read.items():
            org = model.organisations[self._index(node)]
            if org.read is not seen:
                self._last_read[node] = org.read
                self.history[node].extend(self._message(model, m, day) for m in org.read)

    def _finish_if_over(self) -> None:
        """After the last turn (or if the run is over), the rules play the rest of the run."""
        if self.finished or (self.n_turns is None or self.turn < self.n_turns):
            return
        for org in self.model.organisations:
            if org.node in self._role:
                org.decider = RULES
        while self.model.running:
            self.model.step()
            self._after_day()
        self._preview_cache = None

    def outcomes(self) -> dict[str, float]:
        """The run's outcomes (the same keys as :func:`~coop_agents.model.run_once`): final once
        :attr:`finished`, else so far.

        With several events, the learning gain compares the run with the same run with learning
        off: what the team did differently replayed there, with the same injects (:meth:`rebuild`).
        """
        return self.model.outcomes()

    def deviations(self) -> dict[Key, Any]:
        """The decisions of the human roles that took another choice than the rules' suggestion
        (answers and defaults), by key: what the team did differently."""
        return {t["key"]: t["choice"] for t in self.taken if t["choice"] != t["suggested"]}

    @property
    def last_played(self) -> int:
        """The last model day people played (0: none yet)."""
        return self.team.last_day

    _ended: int | None = None  # the turn at which the facilitator ended the drill

    def end(self) -> None:
        """End the drill now, before the open turn: the model plays the rest of the run by the
        pattern's rules (injects already fired still apply).

        Raises:
            CoopError: the drill is already over.
        """
        if self.finished:
            raise CoopError("the drill is over already")
        self._ended = self.turn
        self._append({"type": "end", "turn": self.turn})
        self._finish_if_over()

    def rebuild(self, rules_days: Iterable[int] = (), **changes: Any) -> CoordinationModel:
        """A new model of this drill's run: the same settings (with ``changes``), the same injects,
        the team's decisions replayed (:class:`Replayer`; on ``rules_days`` the rules decide),
        not yet stepped. Stepped to its end without changes, it is the team's run again."""
        replayer = Replayer(self.team, rules_days)
        c = self.model.construction
        model = CoordinationModel(**{**c, "deciders": {h: replayer for h in self.humans}, **changes})
        for _, inject in self.fired:
            model.schedule_inject(inject.day, inject)
        return model

    # ------------------------------------------------------------------ the log

    def _append(self, record: dict) -> None:
        self.records.append(record)
        self._lines.append(log_line({k: v for k, v in record.items() if k != "_line"}))
        self._autosave()

    _holding = 0  # saves deferred while a batch of records is made (see batch)

    def _autosave(self) -> None:
        if self.log is not None and not self._holding:
            self.save(self.log)

    @contextlib.contextmanager
    def batch(self):
        """Make several records (a player's answers) and write the log once, at the end."""
        self._holding += 1
        try:
            yield self
        finally:
            self._holding -= 1
            self._autosave()

    def log_records(self) -> list[dict]:
        """The log: the settings, then every record in order."""
        return [self.settings, *({k: v for k, v in r.items() if k != "_line"} for r in self.records)]

    def save(self, path: str | Path) -> Path:
        """Write the log to ``path`` (JSON lines, atomically: see :mod:`coop_agents.tabletop.log`)."""
        return write_log(path, [log_line(self.settings), *self._lines])

    @classmethod
    def replay(cls, path: str | Path, log: str | Path | None = None) -> Exercise:
        """Rebuild an exercise from its log: the same settings, answers and injects in the same
        order give the same run, bit for bit; the exercise is left at the turn the log left open
        (with that turn's answers and injects), so play can continue. ``log``: keep logging to
        this file (the same file continues the drill's log).

        Raises:
            CoopError: a damaged log, or one this version of the model does not reproduce (a
                turn's defaults differ from those logged).
        """
        records = read_log(path)
        s = records[0]
        where = f"{path}:1"
        for key in ("scenario", "pattern", "seed", "humans", "turn_days", "default"):
            if key not in s:
                raise CoopError(f"{where}: the settings lack {key!r}")
        if not isinstance(s.get("overrides", {}), dict) or not isinstance(s.get("injects", []), list):
            raise CoopError(f"{where}: the settings' overrides must be an object and injects a list")
        injects = [inject_from_record(r, f"{where}: injects") for r in s.get("injects", [])]
        ex = cls(
            s["scenario"],
            s["pattern"],
            s["seed"],
            humans=s["humans"],
            turn_days=s["turn_days"],
            injects=injects,
            days=s.get("days"),
            default=s["default"],
            **s.get("overrides", {}),
        )
        ex.settings = {
            **ex.settings,
            "created": s.get("created", ex.settings["created"]),
            "coop_agents": s.get("coop_agents", __version__),
        }
        for r in records[1:]:
            where = f"{path}:{r['_line']}"
            kind = r["type"]
            if kind in ("decision", "inject", "turn", "end") and r.get("turn") != ex.turn:
                raise CoopError(
                    f"{where}: a {kind} of turn {r.get('turn')!r} where turn {ex.turn} is open; "
                    "the log is out of order"
                )
            if kind == "decision":
                r["key"] = list(_key_from_json(r.get("key"), where))
                ex._answer(r)
            elif kind == "inject":
                inject = inject_from_record(r, where).check_against(ex.model)
                ex._schedule(inject)
            elif kind == "turn":
                if r.get("default") not in DEFAULTS:
                    raise CoopError(f"{where}: default={r.get('default')!r}; allowed: {', '.join(DEFAULTS)}")
                if ex.finished:
                    raise CoopError(f"{where}: a turn after the run ended; the log is damaged")
                done = ex._advance(bool(r.get("timed_out")), r["default"])
                if done["defaults"] != r.get("defaults") or done["decided"] != r.get("decided"):
                    raise CoopError(
                        f"{where}: turn {r['turn'] + 1} does not replay as logged (made with "
                        f"coop-agents {ex.settings['coop_agents']}, replayed with {__version__}); "
                        "the model's rules have changed since"
                    )
            elif kind == "end":
                if ex.finished:
                    raise CoopError(f"{where}: the drill ended after the run ended; the log is damaged")
                ex._ended = ex.turn
                ex._finish_if_over()
            ex.records.append(r)
            ex._lines.append(log_line({k: v for k, v in r.items() if k != "_line"}))
        ex.log = Path(log) if log is not None else None
        ex._autosave()
        return ex

    # ------------------------------------------------------------------ the debrief

    def debrief(self, presets: Sequence[str] | None = None, key_decisions: int = 3):
        """The team against every preset pattern on the same seed and injects, with the key
        decisions: a DataFrame, one row per outcome (see :func:`coop_agents.tabletop.debrief.debrief`).

        The run is played to its end first (by the rules after the drill's last turn).
        """
        from coop_agents.tabletop.debrief import debrief

        return debrief(self, presets=presets, key_decisions=key_decisions).table


def role_name(exercise: Exercise, role: Hashable, lang: str = "en") -> str:
    """A role in words: the organisation's name (``street office 1`` / ``街道办事处1``), or all
    organisations of a kind."""
    if role in DECIDER_KINDS:
        if role in ("government", "platform"):
            return _KIND_EN[role] if lang == "en" else _KIND_ZH[role]
        return _KIND_EN[role] if lang == "en" else f"全部{_KIND_ZH[role]}"
    org = next(o for o in exercise.model.organisations if o.node == role)
    return org_name(org.kind, org.name, lang, getattr(org, "level", ""))


def org_name(kind: str, name: str, lang: str, level: str = "") -> str:
    """An organisation's name in ``lang`` (the district's names are English; the number is kept).

    >>> org_name("committee", "community 3", "zh"), org_name("street_office", "street office 1", "en")
    ('社区3居委会', 'Street office 1')
    """
    if lang == "en":
        return name[:1].upper() + name[1:]
    digits = "".join(ch for ch in name if ch.isdigit())
    if kind == "committee":
        return f"社区{digits}居委会"
    if kind == "party_committee":
        if name.startswith("party branch"):
            return f"社区{digits}党支部"
        return f"街道{digits}党工委" if name.startswith("street") else "区委"
    return f"{_KIND_ZH.get(kind, kind)}{digits}"
