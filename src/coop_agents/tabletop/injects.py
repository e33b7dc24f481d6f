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
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from coop_agents.config import check_keys, read_toml
from coop_agents.errors import CoopError
from coop_agents.network.kinds import ORGANISATION_KINDS
from coop_agents.tabletop.inject_checks import check_spec, expected_met
from coop_agents.tabletop.inject_effects import APPLY

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
LANGS = ("en", "zh")
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
_RECIPIENTS = ORGANISATION_KINDS
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
        check_spec(data.get("expected"), where),
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
        APPLY[self.spec.effect](model, day, self)


def inject_from_record(record: Mapping[str, Any], where: str) -> Inject:
    """An :class:`Inject` from a log record (or a settings list entry); one-line errors."""
    if not isinstance(record, Mapping) or not isinstance(record.get("inject"), str):
        raise CoopError(f"{where}: an inject needs inject = <library id>")
    params = record.get("params") or {}
    if not isinstance(params, Mapping):
        raise CoopError(f"{where}: the inject's params must be an object of numbers")
    day: Any = record.get("day")  # checked by Inject
    return Inject(record["inject"], day, record.get("target"), tuple(sorted(params.items())))
