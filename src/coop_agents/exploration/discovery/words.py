"""How a box is said in words: a factor's limit (:class:`Condition`) in English and Chinese,
shares as percentages, the subset of runs in Chinese."""

from __future__ import annotations

import math
from dataclasses import dataclass

from coop_agents.exploration._common import (
    param_words,
    value_words,
)

# Units of the parameter table in Chinese, for the Chinese sentences.
_UNITS_ZH = {
    "days/hop": "天/跳",
    "days": "天",
    "day": "天",
    "residents": "人",
    "communities": "个社区",
    "per contact-day": "/接触日",
    "per day": "/天",
    "per year": "次/年",
    "messages/day": "条/天",
    "x critical point": "倍临界值",
    "stages": "个阶段",
    "x": "倍",
    "trust": "",
    "per 1,000 residents per day": "/千人/天",
}


@dataclass(frozen=True)
class Condition:
    """A box's limit on one factor: a range (``low``/``high``, None: open) or a set of values."""

    factor: str
    low: float | None = None
    high: float | None = None
    values: tuple = ()
    integer: bool = False
    strict: bool = False  # a CART split: x > low and x <= high, rather than within [low, high]

    def words(self, lang: str = "en") -> str:
        name, unit = param_words(self.factor, lang)
        if lang == "zh":
            unit = _UNITS_ZH.get(unit, unit)
        space = " " if unit and lang == "en" else ""
        u = f"{space}{unit}" if unit else ""
        if self.values:
            shown = [value_words(v) for v in self.values]
            if lang == "zh":
                return f"{name}为 {' 或 '.join(shown)}"
            return (
                f"{name} is {' or '.join(shown)}"
                if len(shown) < 3
                else f"{name} is one of {', '.join(shown)}"
            )
        lo = None if self.low is None else value_words(self.low, self.integer)
        hi = None if self.high is None else value_words(self.high, self.integer)
        if lang == "zh":
            if lo is not None and hi is not None:
                return f"{name}在 {lo} 到 {hi}{u} 之间"
            if lo is not None:
                return f"{name}{'不少于' if self.integer and not self.strict else '高于'} {lo}{u}"
            return f"{name}{'不超过' if self.integer or self.strict else '低于'} {hi}{u}"
        gt = ">" if self.strict or not self.integer else "≥"
        lt = "≤" if self.strict or self.integer else "<"
        if lo is not None and hi is not None:
            return f"{lo} {'<' if gt == '>' else '≤'} {name} {lt} {hi}{u}"
        if lo is not None:
            return f"{name} {gt} {lo}{u}"
        return f"{name} {lt} {hi}{u}"


def _subset_zh(subset: str) -> str:
    """``pattern = siloed`` in Chinese words: 协同模式为 siloed."""
    factor, eq, value = subset.partition(" = ")
    if not eq:
        return subset.replace("arm", "组别")
    return f"{param_words(factor, 'zh')[0]}为 {value} "


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * float(x):.0f}%"


def _lower_first(label: str) -> str:
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label
