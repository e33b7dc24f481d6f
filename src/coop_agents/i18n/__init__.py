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

import re

from coop_agents import outcome_registry as registry
from coop_agents.config import PARAMETERS
from coop_agents.governance import LEVEL_NAMES, GovernanceState
from coop_agents.i18n.strings import CHOICES, PARAM_HELP_ZH, TEXTS, UNITS_ZH
from coop_agents.patterns import Pattern
from coop_agents.scenarios import Scenario

__all__ = [
    "LANGUAGES",
    "text",
    "param_label",
    "param_help",
    "choice_label",
    "outcome_label",
    "outcome_unit",
    "outcome_meaning",
    "unit_label",
    "state_label",
    "level_label",
    "street_label",
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


# Outcomes' units in Chinese, as the outcome registry writes them (one word per English unit).
_OUTCOME_UNITS_ZH: dict[str, str] = {o.unit: o.unit_zh for o in registry.OUTCOMES.values()}


def _outcome_words(name: str, lang: str):
    """The registry's outcome words module for ``name``: the registry, or the analysis's derived outcomes."""
    _pick(("", ""), lang)  # an unknown language is a KeyError, as everywhere here
    if name in registry.OUTCOMES:
        return registry
    from coop_agents.experiments import analysis  # derived outcomes only (it loads pandas and scipy)

    analysis.find_outcome(name)  # KeyError for an unknown outcome
    return analysis


def outcome_label(name: str, lang: str, hazard: str | None = None) -> str:
    """An outcome's label, from :mod:`coop_agents.outcome_registry`: the hazard's own name for it
    where it has one (``peak_prevalence`` of a shock: "Peak share exposed")."""
    return _outcome_words(name, lang).outcome_label(name, lang, hazard=hazard)


def outcome_unit(name: str, lang: str) -> str:
    """An outcome's unit, from the outcome registry."""
    return _outcome_words(name, lang).outcome_unit(name, lang)


def outcome_meaning(name: str, lang: str) -> str:
    """One sentence saying what an outcome's number is, from the outcome registry."""
    return _outcome_words(name, lang).outcome_meaning(name, lang)


def unit_label(unit: str, lang: str) -> str:
    """A unit in ``lang``: a parameter's (:data:`UNITS_ZH`) or an outcome's (the outcome registry's)."""
    zh = UNITS_ZH.get(unit, _OUTCOME_UNITS_ZH.get(unit))
    if zh is None:
        raise KeyError(
            f"no Chinese word for the unit {unit!r}; add it to coop_agents.i18n.strings (a "
            f"parameter's) or to the outcome registry (an outcome's)"
        )
    return _pick((unit, zh), lang)


def level_label(level: int, lang: str) -> str:
    """A district response level's name (none, IV 一般, III 较大, II 重大, I 特别重大)."""
    return text(f"level.{LEVEL_NAMES[level]}", lang)


def street_label(number: int, name: str, lang: str) -> str:
    """A street office as the app names it: a district file's own name as it is, a built
    district's generic "street office 3" in ``lang`` ("街道 3").

    >>> street_label(2, "street office 3", "zh"), street_label(0, "解放路街道", "en")
    ('街道 3', '解放路街道')
    """
    if re.fullmatch(r"street office \d+", name):
        return text("street", lang, n=number + 1)
    return name


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
