"""How the debrief's page writes things: escaped text, numbers, days, patterns, scenarios, roles
and decisions, in ``en`` or ``zh``."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.numbers import format_number
from coop_agents.tabletop.debrief.tables import Debrief
from coop_agents.tabletop.injects import target_name
from coop_agents.tabletop.strings import choice_label, kind_label, t

__all__ = ["day_text", "decision_text", "esc", "num", "pattern_name", "role_label", "scenario_name"]


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def num(x: float | None, decimals: int | None = None, lang: str = "en") -> str:
    return format_number(x, decimals, na="n/a" if lang == "en" else "不适用")


def pattern_name(name: str, lang: str) -> str:
    from coop_agents.i18n import pattern_label
    from coop_agents.patterns import load_pattern

    return _named(lambda: pattern_label(load_pattern(name), lang), name)


def scenario_name(name: str, lang: str) -> str:
    from coop_agents.i18n import scenario_title
    from coop_agents.scenarios import load_scenario

    return _named(lambda: scenario_title(load_scenario(name), lang), name)


def _named(words: Callable[[], str], name: str) -> str:
    """A preset's name in words; a file of one's own that no longer loads: its name as given."""
    try:
        return words()
    except CoopError:
        return str(name)


def day_text(day: Any, lang: str) -> str:
    return t("never", lang) if day is None or pd.isna(day) else t("day", lang, day=int(day))


def decision_text(kind: str, choice: Any, community: int, lang: str) -> str:
    where = "" if community < 0 else f" · {target_name('community', community, lang)}"
    return f"{kind_label(kind, lang)}{where}: {choice_label(kind, choice, lang)}"


def role_label(d: Debrief, role: Any, lang: str) -> str:
    return d.roles.get(str(role), {}).get(lang, str(role))
