"""The cost model of lever settings, kept as data (``presets/costs.toml``, editable by users).

Each lever with a cost is one table of the file::

    [levers.technology]        # a level: per_unit x value
    per_unit = 100
    low = 0.1                  # what the search may set
    high = 1.0

    [levers.vertical_latency]  # less is dearer: per_unit x (high - value)
    per_unit = 20
    direction = "decrease"
    low = 0.25
    high = 1.0

    [levers.platform]          # on/off: `on` when on
    on = 60

    [levers.resource_pooling]  # a choice: the cost of the value chosen
    choices = { silo = 0, central = 20, pooled = 30 }

The cost of a setting is the sum of its levers' costs. The search encodes every lever as a
number in [0, 1] (:meth:`LeverCost.decode`), so one real-valued genetic algorithm covers levels,
whole numbers, on/off levers and choices.

    >>> m = load_costs()
    >>> m.levers["technology"].cost(0.5), m.levers["platform"].cost(True), m.levers["vertical_latency"].cost(0.5)
    (50.0, 60.0, 10.0)
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from coop_agents.config import PARAMETERS, check_keys, read_toml
from coop_agents.errors import ConfigError, CoopError

__all__ = ["DEFAULT_COSTS", "INVESTED", "CostModel", "LeverCost", "load_costs"]

DEFAULT_COSTS = "presets/costs.toml"  # inside this package
INVESTED = 0.1  # a level counts as invested in once it is this share of its range above its cheapest value
_DECIMALS = 2  # levels are searched to two decimals


@dataclass(frozen=True)
class LeverCost:
    """What one lever's settings cost, and the range the search may set."""

    name: str
    kind: str  # float | int | bool | choice
    low: float = 0.0
    high: float = 1.0
    per_unit: float = 0.0
    direction: str = "increase"
    on: float = 0.0
    choices: tuple[tuple[str, float], ...] = ()  # (value, cost), cheapest first
    note: str = ""

    def cost(self, value: Any) -> float:
        if self.kind == "bool":
            return float(self.on) if value else 0.0
        if self.kind == "choice":
            return float(dict(self.choices)[value])
        v = float(value)
        return float(self.per_unit * ((self.high - v) if self.direction == "decrease" else v))

    @property
    def cheapest(self) -> Any:
        if self.kind == "bool":
            return self.on < 0
        if self.kind == "choice":
            return self.choices[0][0]
        edge = self.high if self.direction == "decrease" else self.low
        return int(edge) if self.kind == "int" else float(edge)

    @property
    def dearest(self) -> Any:
        if self.kind == "bool":
            return self.on >= 0
        if self.kind == "choice":
            return self.choices[-1][0]
        edge = self.low if self.direction == "decrease" else self.high
        return int(edge) if self.kind == "int" else float(edge)

    def decode(self, u: float) -> Any:
        """The setting a number ``u`` in [0, 1] stands for (levels to two decimals)."""
        u = min(1.0, max(0.0, float(u)))
        if self.kind == "bool":
            return u >= 0.5
        if self.kind == "choice":
            return self.choices[min(len(self.choices) - 1, int(u * len(self.choices)))][0]
        if self.kind == "int":
            return int(min(self.high, self.low + math.floor(u * (self.high - self.low + 1))))
        return round(self.low + u * (self.high - self.low), _DECIMALS)

    def encode(self, value: Any) -> float:
        """The number in [0, 1] that decodes to ``value``."""
        if self.kind == "bool":
            return 0.75 if value else 0.25
        if self.kind == "choice":
            names = [c for c, _ in self.choices]
            return (names.index(value) + 0.5) / len(names)
        if self.kind == "int":
            return (int(value) - self.low + 0.5) / (self.high - self.low + 1)
        return 0.0 if self.high == self.low else (float(value) - self.low) / (self.high - self.low)

    def toward_cheapest(self, value: Any, share: float) -> Any:
        """``value`` moved to ``share`` of its way from the cheapest setting (levels only), rounded
        towards the cheapest so the cost never grows."""
        c = self.cheapest
        x = c + share * (float(value) - c)
        if self.kind == "int":
            return int(math.floor(x) if value >= c else math.ceil(x))
        scale = 10**_DECIMALS
        return (math.floor(x * scale + 1e-9) if float(value) >= c else math.ceil(x * scale - 1e-9)) / scale

    def invested(self, value: Any) -> bool:
        """Whether ``value`` buys more than the cheapest setting (a level: by a tenth of its range)."""
        if self.kind in ("bool", "choice"):
            return self.cost(value) > self.cost(self.cheapest)
        span = abs(self.cost(self.dearest) - self.cost(self.cheapest))
        return span > 0 and self.cost(value) - self.cost(self.cheapest) >= INVESTED * span - 1e-12

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "per_unit": self.per_unit,
            "direction": self.direction,
            "on": self.on,
            "choices": [list(c) for c in self.choices],
        }


@dataclass
class CostModel:
    """Every lever's cost; the unit they are in."""

    levers: dict[str, LeverCost]
    unit: str = "cost units"
    unit_zh: str = "成本单位"
    source: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    def check_levers(self, names: list[str]) -> list[str]:
        """``names`` if each is a lever with a cost here; else a one-line CoopError."""
        if not names:
            raise CoopError("--levers: give at least one lever to search")
        for n in names:
            if n not in self.levers:
                p = PARAMETERS.get(n)
                why = (
                    "not a parameter"
                    if p is None
                    else "a scenario parameter (an uncertainty), not a lever"
                    if p.role != "lever"
                    else f"a lever without a cost in {self.source or 'the cost model'}"
                )
                raise CoopError(f"--levers {n}: {why}; levers with a cost: {', '.join(self.levers)}")
        if len(set(names)) < len(names):
            raise CoopError(f"--levers {','.join(names)}: a lever is listed twice; list each once")
        return names

    def cost(self, setting: dict[str, Any]) -> float:
        return float(sum(self.levers[k].cost(v) for k, v in setting.items()))

    def cheapest(self, names: list[str]) -> dict[str, Any]:
        return {n: self.levers[n].cheapest for n in names}

    def dearest(self, names: list[str]) -> dict[str, Any]:
        return {n: self.levers[n].dearest for n in names}

    def repair(self, setting: dict[str, Any], budget: float) -> dict[str, Any]:
        """``setting`` brought within ``budget``: the dearest on/off levers and choices go back to
        their cheapest value first, then every level moves towards its cheapest value by one
        common share. A setting within budget is returned as it is."""
        if self.cost(setting) <= budget + 1e-9:
            return dict(setting)
        out = dict(setting)
        base = self.cost(self.cheapest(list(setting)))
        available = budget - base
        discrete = [k for k in out if self.levers[k].kind in ("bool", "choice")]
        levels = [k for k in out if k not in discrete]

        def extra(keys):
            return sum(
                self.levers[k].cost(out[k]) - self.levers[k].cost(self.levers[k].cheapest) for k in keys
            )

        for k in sorted(
            discrete,
            key=lambda k: (-(self.levers[k].cost(out[k]) - self.levers[k].cost(self.levers[k].cheapest)), k),
        ):
            if extra(discrete) <= available + 1e-9:
                break
            out[k] = self.levers[k].cheapest
        room, spent = available - extra(discrete), extra(levels)
        if spent > room + 1e-9:
            share = max(0.0, room / spent) if spent > 0 else 0.0
            for k in levels:
                out[k] = self.levers[k].toward_cheapest(out[k], share)
        return out

    def fingerprint(self, names: list[str]) -> str:
        payload = {n: self.levers[n].as_dict() for n in names}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


_LEVER_KEYS = ("per_unit", "direction", "low", "high", "on", "choices", "note")


def load_costs(path: str | Path | None = None) -> CostModel:
    """The cost model in ``path`` (default: the one shipped, ``presets/costs.toml``).

    Raises:
        ConfigError: a malformed file, a lever that is not a lever, a cost or range that does not
            fit the lever (one line naming the key).
    """
    if path is None:
        source = "the default cost model (presets/costs.toml)"
        import tomllib

        data = tomllib.loads(
            (resources.files("coop_agents.exploration") / DEFAULT_COSTS).read_text(encoding="utf-8")
        )
    else:
        source = str(path)
        data = read_toml(Path(path), "cost model")
    where = source
    check_keys(data, ("unit", "unit_zh", "levers"), where)
    table = data.get("levers")
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"{where}: expected [levers.NAME] tables, e.g. [levers.technology] per_unit = 100")
    levers, notes = {}, {}
    for name, spec in table.items():
        at = f"[levers.{name}] in {where}"
        p = PARAMETERS.get(name)
        if p is None or p.role != "lever":
            what = "not a parameter" if p is None else "a scenario parameter (an uncertainty), not a lever"
            raise ConfigError(f"{at}: {name!r} is {what}; see 'coop-agents params --role lever'")
        if not isinstance(spec, dict):
            raise ConfigError(f"{at}: expected a table of {', '.join(_LEVER_KEYS)}")
        check_keys(spec, _LEVER_KEYS, at)
        notes[name] = str(spec.get("note", ""))
        if p.type == "bool":
            levers[name] = LeverCost(
                name, "bool", on=_number(spec, "on", at, required=True), note=notes[name]
            )
        elif p.type == "choice":
            choices = spec.get("choices")
            if not isinstance(choices, dict) or not choices:
                raise ConfigError(
                    f"{at}: expected choices = {{ {', '.join(f'{c} = 0' for c in p.choices)} }}"
                )
            for c in choices:
                if c not in p.choices:
                    raise ConfigError(f"{at}: choice {c!r} is not one of {', '.join(p.choices)}")
            pairs = sorted(((c, _number(choices, c, at)) for c in choices), key=lambda cv: (cv[1], cv[0]))
            levers[name] = LeverCost(name, "choice", choices=tuple(pairs), note=notes[name])
        else:
            low = p.coerce(spec.get("low", p.low), at)
            high = p.coerce(spec.get("high", p.high), at)
            if not low < high:
                raise ConfigError(f"{at}: low={low} must be below high={high}")
            direction = spec.get("direction", "increase")
            if direction not in ("increase", "decrease"):
                raise ConfigError(f"{at}: direction={direction!r}; expected increase or decrease")
            levers[name] = LeverCost(
                name,
                p.type,
                float(low),
                float(high),
                _number(spec, "per_unit", at, required=True),
                direction,
                note=notes[name],
            )
    unit = data.get("unit", "cost units")
    unit_zh = data.get("unit_zh", unit)
    if not isinstance(unit, str) or not isinstance(unit_zh, str):
        raise ConfigError(f'unit in {where}: expected a string, e.g. unit = "10,000 yuan a year"')
    return CostModel(levers, unit, unit_zh, source, notes)


def _number(spec: dict, key: str, at: str, required: bool = False) -> float:
    if key not in spec:
        if required:
            raise ConfigError(f"{at}: {key} is missing; expected a cost of at least 0, e.g. {key} = 10")
        return 0.0
    v = spec[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
        raise ConfigError(f"{at}: {key}={v!r}; expected a cost of at least 0")
    return float(v)
