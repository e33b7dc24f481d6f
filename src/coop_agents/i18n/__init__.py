"""English and 简体中文 words for the app: one function per kind of thing to name.

Every function takes the language (``"en"`` or ``"zh"``) last and raises ``KeyError`` for a
word it does not know, so a missing translation is an error in the tests, not an English word in
a Chinese page.

    >>> text("reset", "zh")
    '重置'
    >>> text("day", "en", day=3, days=120)
    'Day 3 of 120'
    >>> param_label("technology", "zh"), outcome_label("harm", "en")
    ('技术赋能', 'Residents harmed')
    >>> state_label(2, "zh")
    '应急态'
"""

from __future__ import annotations

from coop_agents.config import PARAMETERS
from coop_agents.governance import GovernanceState
from coop_agents.i18n.strings import CHOICES, PARAM_HELP_ZH, TEXTS, UNITS_ZH
from coop_agents.metrics import OUTCOMES
from coop_agents.patterns import Pattern
from coop_agents.scenarios import Scenario

__all__ = [
    "LANGUAGES",
    "text",
    "param_label",
    "param_help",
    "choice_label",
    "outcome_label",
    "unit_label",
    "state_label",
    "scenario_title",
    "scenario_description",
    "pattern_label",
    "pattern_description",
]

# Language code -> its own name, as the switch shows it.
LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}


def _pick(pair: tuple[str, str], lang: str) -> str:
    if lang not in LANGUAGES:
        raise KeyError(f"language {lang!r}; allowed: {', '.join(LANGUAGES)}")
    return pair[0] if lang == "en" else pair[1]


def text(key: str, lang: str, **fields: object) -> str:
    """The app's string ``key`` in ``lang``, with ``{fields}`` filled in."""
    return _pick(TEXTS[key], lang).format(**fields)


def param_label(name: str, lang: str) -> str:
    """A parameter's label, from the parameter table."""
    p = PARAMETERS[name]
    return _pick((p.label_en, p.label_zh), lang)


def param_help(name: str, lang: str) -> str:
    """A parameter's help: the table's text in English, :data:`PARAM_HELP_ZH` in Chinese."""
    if lang == "zh" and name not in PARAM_HELP_ZH:
        raise KeyError(f"no Chinese help for parameter {name!r}; add it to coop_agents.i18n.strings")
    return _pick((PARAMETERS[name].help, PARAM_HELP_ZH.get(name, "")), lang)


def choice_label(name: str, value: str, lang: str) -> str:
    """A choice parameter's value in words (``authority="street"`` -> Street office)."""
    return _pick(CHOICES[(name, value)], lang)


def outcome_label(name: str, lang: str) -> str:
    """An outcome's label, from :data:`coop_agents.metrics.OUTCOMES`."""
    o = OUTCOMES[name]
    return _pick((o.label_en, o.label_zh), lang)


def unit_label(unit: str, lang: str) -> str:
    """An outcome's unit."""
    return _pick((unit, UNITS_ZH[unit]), lang)


def state_label(state: int, lang: str) -> str:
    """A governance state's name (常态, 前转换态, 应急态, 后转换态)."""
    state = GovernanceState(state)
    return _pick((state.name.replace("_", "-").capitalize(), state.label_zh), lang)


# A scenario or pattern file a user wrote may have no Chinese description; it then shows in English.


def scenario_title(sc: Scenario, lang: str) -> str:
    return _pick((sc.title_en, sc.title_zh), lang)


def scenario_description(sc: Scenario, lang: str) -> str:
    return _pick((sc.description, sc.texts.get("description_zh") or sc.description), lang)


def pattern_label(p: Pattern, lang: str) -> str:
    return _pick((p.label_en, p.label_zh), lang)


def pattern_description(p: Pattern, lang: str) -> str:
    return _pick((p.description, p.description_zh or p.description), lang)
