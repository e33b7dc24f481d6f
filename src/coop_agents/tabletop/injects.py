"""Injects: the events a drill's controllers fire into the run (a master scenario events list).

An inject (HSEEP's term; 演练中的"情景注入") is a message the players receive *and* an event in
the model. The library is data: one TOML file per inject in ``coop_agents/presets/injects/``,
with its title, the message players receive and the action expected of them in English and
Chinese, the model event it is (``effect``, one of :data:`EFFECTS`) with its parameters, what it
targets (a community, a street or the district), who receives its message, and a check of the
expected action the debrief evaluates (:func:`expected_met`).

An :class:`Inject` is one firing: a library entry, the day it applies, its target and any
changed parameters. It applies through the model's inject hook
(:meth:`coop_agents.model.CoordinationModel.schedule_inject`): at the start of its day, before
the hazard moves. Effects change the run only through the model's collaborators (the hazard's
state, the communities' trust, the message bus's ties, organisations' stocks, the effects'
detection rates); whatever randomness one needs is a keyed draw of the seed and the day
(:mod:`coop_agents.rng`), so an inject does the same in every replay and under every pattern.

The effects:

- ``index_cases`` (a second outbreak site): ``cases`` residents of the target community who
  have not been infected become exposed (those with the smallest keyed draws); under a shock
  (flood, leak) the target community joins the footprint.
- ``trust_cut`` (a rumour): the target communities' trust loss rises by ``amount``; residents'
  trust and compliance follow at once and recover at the scenario's ``trust_recovery`` rate.
- ``slow_ties`` (a road floods): for ``days`` days every active tie of the target (a community's
  committee, or a street office and its committees) takes ``factor`` times as long and arrives
  with ``reliability`` times its chance; routes are searched again.
- ``capacity_cut`` (a committee head falls ill): for ``days`` days the target committee handles
  ``capacity`` of its messages a day and its grid workers find ``detection`` of the cases.
- ``stock_delay`` (a supply truck is delayed): ``share`` of the stock of the target's supplier
  (the street office of a street or community; the district for the district) is held up and
  returns after ``days`` days; deliveries on their way to the target arrive ``days`` days later.

    >>> [spec.id for spec in library().values()]
    ['head_ill', 'road_flood', 'rumour', 'second_site', 'truck_delayed']
    >>> Inject("second_site", day=12, target=4).title("zh")
    '出现第二个疫点'
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from coop_agents.config import check_keys, read_toml
from coop_agents.errors import CoopError
from coop_agents.rng import Draws, stream_key

if TYPE_CHECKING:
    from coop_agents.model import CoordinationModel

__all__ = [
    "EFFECTS",
    "TARGETS",
    "Inject",
    "InjectSpec",
    "expected_met",
    "inject_from_record",
    "library",
    "load_inject",
    "target_name",
]

TARGETS = ("community", "street", "district")
CHECKS = ("state", "measures", "decision")
LANGS = ("en", "zh")
STATES = ("normal", "pre_transition", "emergency", "post_transition")
# Each effect's parameters: (default, low, high); an integer default makes an integer parameter.
EFFECTS: dict[str, dict[str, tuple[float, float, float]]] = {
    "index_cases": {"cases": (8, 1, 500)},
    "trust_cut": {"amount": (0.2, 0.0, 1.0)},
    "slow_ties": {"factor": (4.0, 1.0, 50.0), "reliability": (0.8, 0.0, 1.0), "days": (5, 1, 60)},
    "capacity_cut": {"capacity": (0.3, 0.01, 1.0), "detection": (0.5, 0.0, 1.0), "days": (7, 1, 60)},
    "stock_delay": {"share": (0.6, 0.0, 1.0), "days": (4, 1, 60)},
}
_KEYS = {
    "id",
    "effect",
    "target",
    "recipients",
    "title_en",
    "title_zh",
    "message_en",
    "message_zh",
    "expected_en",
    "expected_zh",
    "params",
    "expected",
}
_RECIPIENTS = (
    "government",
    "street_office",
    "committee",
    "party_committee",
    "social_organisation",
    "platform",
)
_NAMES = {
    "community": ("community {n}", "社区{n}"),
    "street": ("street {n}", "街道{n}"),
    "district": ("the whole district", "全辖区"),
}


@dataclass(frozen=True)
class InjectSpec:
    """One inject of the library (a TOML file of ``presets/injects``).

    Attributes:
        id: its name (the file's stem).
        effect: the model event, a key of :data:`EFFECTS`.
        target: what it is aimed at: a ``community``, a ``street`` or the ``district``.
        recipients: organisation kinds whose players receive its message (those of the target's
            community or street; the government always concerns the whole district).
        title, message, expected: ``{lang: text}``; the message and the expected action may name
            ``{target}`` and the parameters (``{days}``, ``{factor}``, ...).
        params: the effect's parameters (defaults of :data:`EFFECTS`, changed by the file).
        check: how the debrief decides whether the expected action happened (see
            :func:`expected_met`).
    """

    id: str
    effect: str
    target: str
    recipients: tuple[str, ...]
    title: Mapping[str, str]
    message: Mapping[str, str]
    expected: Mapping[str, str]
    params: Mapping[str, float]
    check: Mapping[str, Any] = field(default_factory=dict)


def _number(effect: str, name: str, value: Any, where: str) -> float:
    default, low, high = EFFECTS[effect][name]
    whole = isinstance(default, int)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (whole and not float(value).is_integer())
    ):
        raise CoopError(
            f"{where}: {name}={value!r}; expected {'an integer' if whole else 'a number'} "
            f"from {low:g} to {high:g}"
        )
    if not math.isfinite(value) or not low <= value <= high:
        raise CoopError(f"{where}: {name}={value!r} is out of range; allowed {low:g} to {high:g}")
    return int(value) if whole else float(value)


def _params(effect: str, given: Mapping[str, Any], where: str) -> dict[str, float]:
    if not isinstance(given, Mapping):
        raise CoopError(f"{where}: params must be a table of numbers")
    check_keys(given, EFFECTS[effect], f"the parameters of {where}")
    out = {k: d for k, (d, _, _) in EFFECTS[effect].items()}
    out.update({k: _number(effect, k, v, where) for k, v in given.items()})
    return out


def _check(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or raw.get("check") not in CHECKS:
        raise CoopError(f"{where}: [expected] needs check = one of {', '.join(CHECKS)}")
    allowed = {
        "state": {"check", "states", "within_days"},
        "measures": {"check", "at_least", "within_days"},
        "decision": {"check", "kinds", "choices", "within_days"},
    }[raw["check"]]
    check_keys(raw, allowed, f"[expected] of {where}")
    days = raw.get("within_days")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
        raise CoopError(f"{where}: [expected] within_days={days!r}; expected an integer from 0 to 365")
    if raw["check"] == "state" and not (raw.get("states") and set(raw["states"]) <= set(STATES)):
        raise CoopError(f"{where}: [expected] states must list some of {', '.join(STATES)}")
    if raw["check"] == "measures":
        level = raw.get("at_least")
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level <= 1:
            raise CoopError(f"{where}: [expected] at_least={level!r}; expected a level above 0, at most 1")
    if raw["check"] == "decision":
        from coop_agents.decisions import KINDS

        if not raw.get("kinds") or not set(raw["kinds"]) <= set(KINDS) or not raw.get("choices"):
            raise CoopError(f"{where}: [expected] needs kinds (some of {', '.join(KINDS)}) and choices")
    return dict(raw)


def _spec(data: dict, where: str, name: str) -> InjectSpec:
    check_keys(data, _KEYS, where)
    if data.get("id", name) != name:
        raise CoopError(f"{where}: id={data.get('id')!r} must be the file's name, {name!r}")
    effect = data.get("effect")
    if effect not in EFFECTS:
        raise CoopError(f"{where}: effect={effect!r}; allowed: {', '.join(EFFECTS)}")
    target = data.get("target", "community")
    if target not in TARGETS:
        raise CoopError(f"{where}: target={target!r}; allowed: {', '.join(TARGETS)}")
    recipients = tuple(data.get("recipients", ()))
    if not set(recipients) <= set(_RECIPIENTS):
        raise CoopError(f"{where}: recipients must be some of {', '.join(_RECIPIENTS)}")
    texts: dict[str, dict[str, str]] = {}
    for key in ("title", "message", "expected"):
        pair = {lang: data.get(f"{key}_{lang}") for lang in LANGS}
        if not all(isinstance(v, str) and v.strip() for v in pair.values()):
            raise CoopError(f"{where}: {key}_en and {key}_zh are both needed (the drill is bilingual)")
        texts[key] = {lang: str(v) for lang, v in pair.items()}
    return InjectSpec(
        name,
        effect,
        target,
        recipients,
        texts["title"],
        texts["message"],
        texts["expected"],
        _params(effect, data.get("params", {}), where),
        _check(data.get("expected"), where),
    )


@functools.cache
def library() -> dict[str, InjectSpec]:
    """The injects that ship with coop-agents, by id (alphabetical)."""
    folder = resources.files("coop_agents") / "presets" / "injects"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            with resources.as_file(entry) as path:
                out[path.stem] = _spec(read_toml(path, "inject"), str(path), path.stem)
    return out


def load_inject(name: str | Path) -> InjectSpec:
    """A library inject by id, or an inject TOML file of one's own (the same keys)."""
    if isinstance(name, str) and name in library():
        return library()[name]
    path = Path(name)
    if path.suffix == ".toml" and path.exists():
        return _spec(read_toml(path, "inject"), str(path), path.stem)
    raise CoopError(f"unknown inject {str(name)!r}; allowed: {', '.join(library())} or an inject .toml file")


def target_name(kind: str, target: int | None, lang: str) -> str:
    """A target in words: ``community 3`` (targets are numbered from 0 inside, from 1 in words)."""
    if kind == "district" or target is None:
        return _NAMES["district"][LANGS.index(lang)]
    return _NAMES[kind][LANGS.index(lang)].format(n=target + 1)


@dataclass(frozen=True)
class Inject:
    """One inject fired into a run: a library entry, its day, its target and changed parameters.

    Args:
        id: a library id (see :func:`library`).
        day: the model day at whose start it applies (days are numbered from 1).
        target: the community's or street's number, from 0 (ignored for the district).
        params: parameters that differ from the library's (e.g. ``{"cases": 20}``).
    """

    id: str
    day: int
    target: int | None = None
    params: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        spec = load_inject(self.id)
        if isinstance(self.day, bool) or not isinstance(self.day, int) or self.day < 1:
            raise CoopError(f"inject {self.id}: day={self.day!r}; expected a model day of at least 1")
        if spec.target == "district":
            object.__setattr__(self, "target", None)
        elif self.target is not None and (
            isinstance(self.target, bool) or not isinstance(self.target, int) or self.target < 0
        ):
            raise CoopError(
                f"inject {self.id}: target={self.target!r}; expected a {spec.target} number from 0"
            )
        given = dict(self.params)
        _params(spec.effect, given, f"inject {self.id}")
        object.__setattr__(self, "params", tuple(sorted(given.items())))

    @property
    def spec(self) -> InjectSpec:
        return load_inject(self.id)

    @property
    def where(self) -> int:
        """The target's number (a community's or a street's), once resolved (see check_against)."""
        if self.target is None:
            raise CoopError(f"inject {self.id}: no target yet; resolve it against the model first")
        return self.target

    @property
    def values(self) -> dict[str, float]:
        """The effect's parameters: the library's, changed by ``params``."""
        return {**self.spec.params, **dict(self.params)}

    def check_against(self, model: CoordinationModel) -> Inject:
        """This inject with its target resolved for ``model``'s district (a second outbreak site
        without a target goes to the community at the least risk today, the lowest number on a
        tie); a target the district does not have is a :class:`CoopError`."""
        spec = self.spec
        if spec.target == "community":
            n = model.n_communities
            target = self.target
            if target is None:
                risk = np.asarray(model._risk, dtype=float)
                target = int(np.argmin(risk)) if spec.effect == "index_cases" else int(np.argmax(risk))
            if not 0 <= target < n:
                raise CoopError(
                    f"inject {self.id}: community {target + 1} does not exist; "
                    f"the district has communities 1 to {n}"
                )
            return Inject(self.id, self.day, target, self.params)
        if spec.target == "street":
            streets = sorted(model.roster.street_offices)
            target = streets[0] if self.target is None else self.target
            if target not in model.roster.street_offices:
                raise CoopError(
                    f"inject {self.id}: street {target + 1} does not exist; the district has streets "
                    f"{', '.join(str(s + 1) for s in streets)}"
                )
            return Inject(self.id, self.day, target, self.params)
        return self

    def title(self, lang: str) -> str:
        return self.spec.title[lang]

    def _fill(self, text: str, lang: str) -> str:
        values = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in self.values.items()}
        return text.format(target=target_name(self.spec.target, self.target, lang), **values)

    def message(self, lang: str) -> str:
        """What the players concerned receive."""
        return self._fill(self.spec.message[lang], lang)

    def expected(self, lang: str) -> str:
        """The action expected of the players (the debrief checks it)."""
        return self._fill(self.spec.expected[lang], lang)

    def communities(self, model: CoordinationModel) -> list[int]:
        """The communities it concerns (in community order)."""
        kind = self.spec.target
        if kind == "community":
            return [self.where]
        if kind == "street":
            return [c.community for c in model.committees if c.street == self.target]
        return list(range(model.n_communities))

    def record(self) -> dict[str, Any]:
        """The inject as a log record's fields."""
        return {"inject": self.id, "day": self.day, "target": self.target, "params": dict(self.params)}

    def apply(self, model: CoordinationModel, day: int) -> None:
        """Apply the effect to ``model`` at the start of ``day`` (called by the model's hook)."""
        _APPLY[self.spec.effect](model, day, self)


def inject_from_record(record: Mapping[str, Any], where: str) -> Inject:
    """An :class:`Inject` from a log record (or a settings list entry); one-line errors."""
    if not isinstance(record, Mapping) or not isinstance(record.get("inject"), str):
        raise CoopError(f"{where}: an inject needs inject = <library id>")
    params = record.get("params") or {}
    if not isinstance(params, Mapping):
        raise CoopError(f"{where}: the inject's params must be an object of numbers")
    day: Any = record.get("day")  # checked by Inject
    return Inject(record["inject"], day, record.get("target"), tuple(sorted(params.items())))


# ----------------------------------------------------------------------------- effects


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
    for a, links in enumerate(bus._costs):
        if a in touched or any(b in touched for b, _ in links):
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
    for a, links in enumerate(bus._costs):
        if any(b == i for b, _ in links):
            bus._costs[a] = [(b, bus._hops[a, b][0] + 1.0 / bus.capacity[b]) for b, _ in links]
    bus._routes = {}
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


_APPLY = {
    "index_cases": _index_cases,
    "trust_cut": _trust_cut,
    "slow_ties": _slow_ties,
    "capacity_cut": _capacity_cut,
    "stock_delay": _stock_delay,
}


# ----------------------------------------------------------------------------- the expected action


def expected_met(
    inject: Inject,
    communities: list[int],
    states: np.ndarray,
    levels: np.ndarray,
    decisions: list[dict[str, Any]],
    human_kinds: set[str],
) -> tuple[str, int | None]:
    """Whether the expected action of ``inject`` happened in a run, and on which day.

    Args:
        inject: the inject (its target resolved); ``communities`` those it concerns.
        states, levels: per day (row = day) and community, the governance state and the level of
            measures of the run.
        decisions: the team's decisions (log records with ``day``, ``kind``, ``community``,
            ``choice``, ``organisation``).
        human_kinds: organisation kinds some player played.

    Returns:
        ``("met", day)``, ``("missed", None)`` or, for a check of decisions no player could have
        made, ``("model", None)`` (the model played every role concerned).
    """
    check = inject.spec.check
    first, last = inject.day, inject.day + int(check["within_days"])
    ks = list(communities)
    rows = range(first, min(last, states.shape[0] - 1) + 1)
    if check["check"] == "state":
        wanted = [STATES.index(s) for s in check["states"]]
        for day in rows:
            if np.isin(states[day, ks], wanted).any():
                return "met", day
        return "missed", None
    if check["check"] == "measures":
        for day in rows:
            if (levels[day, ks] >= check["at_least"] - 1e-9).any():
                return "met", day
        return "missed", None
    kinds = {
        "request_resources": {"committee", "street_office"},
        "dispatch": {"government", "street_office"},
        "approve_state": {"government", "street_office"},
        "own_task": {"committee"},
    }
    could = set().union(*(kinds.get(k, {"committee"}) for k in check["kinds"]))
    if not could & human_kinds:
        return "model", None
    hits = [
        d["day"]
        for d in decisions
        if d["kind"] in check["kinds"]
        and d["choice"] in check["choices"]
        and (d["community"] in ks or d["community"] == -1)
        and first <= d["day"] <= last
    ]
    return ("met", min(hits)) if hits else ("missed", None)
