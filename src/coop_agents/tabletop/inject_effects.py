"""What an inject does to the run: one function per effect of :data:`~coop_agents.tabletop.injects.EFFECTS`
(:data:`APPLY`), and the end of a lasting one (the road open again, the head back, the truck in).

Effects change the run only through the model's collaborators, and whatever randomness one needs
is a keyed draw of the seed and the day, so an inject does the same in every replay.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coop_agents.rng import Draws, stream_key

if TYPE_CHECKING:
    from coop_agents.model import CoordinationModel
    from coop_agents.tabletop.injects import Inject

__all__ = ["APPLY"]


def _index_cases(model: CoordinationModel, day: int, inject: Inject) -> None:
    from coop_agents.events import HazardSet
    from coop_agents.hazards.contagion import EXPOSED, SUSCEPTIBLE, Contagion
    from coop_agents.hazards.shock import Shock

    hazard = model.hazard
    events = list(reversed(hazard.running)) if isinstance(hazard, HazardSet) else [hazard]
    event = next((e for e in events if isinstance(e, (Contagion, Shock))), None)
    k = inject.target
    if isinstance(event, Contagion):
        res = model.world.residents
        rows = ((res.community == k) & (event.state == SUSCEPTIBLE)).nonzero()[0]
        if rows.size:
            u = Draws(stream_key(model.seed_value, f"inject/{inject.id}")).at(day, rows)
            chosen = rows[np.argsort(u, kind="stable")[: int(inject.values["cases"])]]
            event.state[chosen] = EXPOSED
            event.active[chosen] = True
            event.affected[chosen] = True
            if event.onset_step is None:
                event.onset_step = day
    elif isinstance(event, Shock):
        event.footprint[k] = True
        event.in_footprint = event.footprint[model.world.residents.community]
    if isinstance(hazard, HazardSet):
        hazard.combine()
        if hazard.onset_step is None:
            hazard.onset_step = day


def _trust_cut(model: CoordinationModel, day: int, inject: Inject) -> None:
    ks = inject.communities(model)
    model.world.communities.trust_loss[ks] += inject.values["amount"]
    model.actions.refresh_behaviour()


def _ties(model: CoordinationModel, inject: Inject) -> list[int]:
    """The organisations (bus indices) whose ties a road flood cuts."""
    orgs = [model.committees[k] for k in inject.communities(model)]
    if inject.spec.target == "street":
        orgs.append(model.roster.street_offices[inject.where])
    return sorted({o.index for o in orgs})


def _scale_ties(bus, nodes: list[int], factor: float, reliability: float) -> None:
    """Every active tie touching ``nodes`` (bus indices): delay × ``factor``, chance of arriving ×
    ``reliability``; the routes are searched again. (The bus keeps each tie's delay and chance in
    ``_hops`` and its routing cost in ``_costs``; this is the one place outside the bus that
    changes them.)"""
    touched = set(nodes)
    for (a, b), (delay, chance) in list(bus._hops.items()):
        if a in touched or b in touched:
            bus._hops[a, b] = (delay * factor, chance * reliability)
    _recost(bus, touched, own=True)


def _recost(bus, touched: set[int], own: bool) -> None:
    """The routing cost of every tie into ``touched`` (and, with ``own``, out of it) made again
    from its delay and the receiver's capacity; routes are searched again."""
    for a, links in enumerate(bus._costs):
        if (own and a in touched) or any(b in touched for b, _ in links):
            bus._costs[a] = [(b, bus._hops[a, b][0] + 1.0 / bus.capacity[b]) for b, _ in links]
    bus._routes = {}


def _slow_ties(model: CoordinationModel, day: int, inject: Inject) -> None:
    v = inject.values
    nodes = _ties(model, inject)
    _scale_ties(model.bus, nodes, v["factor"], v["reliability"])
    model.schedule_inject(
        day + int(v["days"]), _Undo("slow_ties", tuple(nodes), (v["factor"], v["reliability"]))
    )


def _scale_capacity(model: CoordinationModel, community: int, capacity: float, detection: float) -> None:
    bus = model.bus
    i = model.committees[community].index
    bus.capacity[i] *= capacity
    bus._capacity[i] = float(bus.capacity[i])
    _recost(bus, {i}, own=False)
    model.effects.grid_detection[community] *= detection


def _capacity_cut(model: CoordinationModel, day: int, inject: Inject) -> None:
    v = inject.values
    _scale_capacity(model, inject.where, v["capacity"], v["detection"])
    model.schedule_inject(
        day + int(v["days"]), _Undo("capacity_cut", (inject.where,), (v["capacity"], v["detection"]))
    )


def _supplier(model: CoordinationModel, inject: Inject):
    roster = model.roster
    if inject.spec.target == "district" or inject.target is None:
        return roster.government
    street = inject.target if inject.spec.target == "street" else model.committees[inject.target].street
    return roster.street_offices.get(street, roster.government)


def _stock_delay(model: CoordinationModel, day: int, inject: Inject) -> None:
    v = inject.values
    supplier = _supplier(model, inject)
    held = supplier.stock * v["share"]
    supplier.stock -= held
    days = int(v["days"])
    # Deliveries on their way to the target's communities (or their street office) arrive later.
    targets = {model.committees[k].index for k in inject.communities(model)}
    if inject.spec.target == "street":
        targets.add(supplier.index)
    bus = model.bus
    bus._events = [
        (t + days, seq, msg) if msg.kind == "delivery" and msg.target in targets else (t, seq, msg)
        for t, seq, msg in bus._events
    ]
    heapq.heapify(bus._events)
    model.schedule_inject(day + days, _Undo("stock_delay", (supplier.index,), (held,)))


@dataclass(frozen=True)
class _Undo:
    """The end of a lasting inject: the road is open again, the head is back, the truck arrives."""

    effect: str
    where: tuple[int, ...]
    amounts: tuple[float, ...]

    def apply(self, model: CoordinationModel, day: int) -> None:
        if self.effect == "slow_ties":
            factor, reliability = self.amounts
            _scale_ties(model.bus, list(self.where), 1.0 / factor, 1.0 / reliability if reliability else 1.0)
        elif self.effect == "capacity_cut":
            capacity, detection = self.amounts
            _scale_capacity(model, self.where[0], 1.0 / capacity, 1.0 / detection if detection else 1.0)
        elif self.effect == "stock_delay":
            org = model.organisations[self.where[0]]
            org.stock += self.amounts[0]
            if org.owed:
                org.pay_owed()


APPLY = {
    "index_cases": _index_cases,
    "trust_cut": _trust_cut,
    "slow_ties": _slow_ties,
    "capacity_cut": _capacity_cut,
    "stock_delay": _stock_delay,
}
