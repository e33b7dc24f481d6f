"""The preview: the open turn stepped on a copy of the run, to find the decisions waiting for
people and what each role knows when it decides (see :mod:`coop_agents.tabletop.exercise`).

The copy's two phases are wrapped to take each role's view (:class:`~coop_agents.tabletop.views.RoleView`)
and the truth at the moment its decisions arise; the decider of the human roles records every
decision (:class:`Preview`) and answers it with the answer already given, else the suggestion.
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from coop_agents.decisions import RULES, Decision
from coop_agents.governance import GovernanceState as G
from coop_agents.model import CoordinationModel
from coop_agents.tabletop.deciders import decision_key, do_nothing
from coop_agents.tabletop.injects import Inject
from coop_agents.tabletop.views import (
    AFTERNOON,
    MORNING,
    CommunityView,
    MessageView,
    OrgView,
    Pending,
    RoleView,
    Truth,
)

if TYPE_CHECKING:
    from coop_agents.tabletop.exercise import Exercise

__all__ = ["HISTORY_DAYS", "Preview", "copy_model", "message_view", "preview", "truth_of"]

HISTORY_DAYS = 5  # earlier days' messages a role sees besides today's


class Preview:
    """The decider of the human roles in a preview: records each decision, answers it with the
    answer given so far, else the suggestion."""

    def __init__(self, exercise: Exercise, model: CoordinationModel, turn: int) -> None:
        self.exercise, self.model, self.turn = exercise, model, turn
        self.counter: Counter = Counter()
        self.half = MORNING
        self.found: list[Pending] = []

    def decide(self, decision: Decision) -> Any:
        ex = self.exercise
        key = decision_key(decision, self.counter)
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


def preview(ex: Exercise) -> tuple[list[Pending], dict[Hashable, RoleView], Truth]:
    """Step a copy through the open turn: the decisions waiting, each role's view, the truth."""
    if ex._preview_cache is not None:
        return ex._preview_cache
    if ex.finished:
        ex._preview_cache = ([], {}, truth_of(ex.model, ex.model.steps))
        return ex._preview_cache
    first, last, half = ex.span()
    twin = copy_model(ex.model, shared=(ex,))
    seer = Preview(ex, twin, ex.turn)
    for org in twin.organisations:
        if org.node in ex._role:
            org.decider = seer
    views: dict[int, tuple[dict, Truth]] = {}
    decision_phase, action_phase = twin._decision_phase, twin._action_phase

    inboxes: dict = {}

    def deciding(t: int) -> None:
        if t == first:
            inboxes.update({o.node: list(o.inbox) for o in twin.organisations if o.node in ex._role})
            if half in (None, MORNING):
                views[MORNING] = role_views(ex, twin, t, half, inboxes), truth_of(twin, t)
        decision_phase(t)

    def acting(t: int, states) -> None:
        seer.half = AFTERNOON
        if t == first and half == AFTERNOON:
            views[AFTERNOON] = role_views(ex, twin, t, AFTERNOON, inboxes), truth_of(twin, t)
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
    seen, truth = views.get(MORNING if half in (None, MORNING) else AFTERNOON, ({}, truth_of(twin, first)))
    ex._preview_cache = (pending, seen, truth)
    return ex._preview_cache


def message_view(model: CoordinationModel, msg, day: int) -> MessageView:
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


def communities_of(model: CoordinationModel, org) -> list[int]:
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


def role_views(
    ex: Exercise, model: CoordinationModel, day: int, half: int | None, inboxes: Mapping[Hashable, list]
) -> dict[Hashable, RoleView]:
    comm = model.world.communities
    states = comm.state.copy()
    capacity = model.actions.needs_capacity(states) * comm.available
    out = {}
    for role in ex.humans:
        orgs, ks, own = [], set(), set()
        for org in model.organisations:
            if ex._role.get(org.node) != role:
                continue
            reported = tuple(sorted((k, float(v)) for k, v in getattr(org, "picture", {}).items()))
            orgs.append(
                OrgView(
                    org.node,
                    org.kind,
                    org.name,
                    float(org.stock),
                    tuple(message_view(model, m, day) for m in inboxes.get(org.node, ())),
                    tuple((model.organisations[a].name, int(c), float(v)) for a, (c, v) in org.owed.items()),
                    reported,
                )
            )
            ks.update(communities_of(model, org))
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
                    perceived_history=tuple(float(p[k]) for p in ex.perceived[-HISTORY_DAYS - 1 :])
                    if mine
                    else (),
                )
            )
        history: list[MessageView] = []
        for o in orgs:
            history.extend(m for m in ex.history.get(o.node, ()) if m.day >= day - HISTORY_DAYS)
        history.sort(key=lambda m: -m.day)
        out[role] = RoleView(
            role,
            ex.turn,
            day,
            half,
            tuple(orgs),
            tuple(communities),
            tuple(injects_for(ex, model, role, ks)),
            tuple(history),
        )
    return out


def injects_for(
    ex: Exercise, model: CoordinationModel, role: Hashable, communities: set[int]
) -> list[Inject]:
    first, last, half = ex.span()
    kinds = {o.kind for o in model.organisations if ex._role.get(o.node) == role}
    out = []
    for _, inject in ex.fired:
        due = first <= inject.day <= last or (half == AFTERNOON and inject.day == last + 1)
        if not due or not kinds & set(inject.spec.recipients):
            continue
        if "government" in kinds or "platform" in kinds or set(inject.communities(model)) & communities:
            out.append(inject)
    return out


def truth_of(model: CoordinationModel, day: int) -> Truth:
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
