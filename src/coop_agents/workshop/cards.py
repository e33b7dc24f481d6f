"""Scenario cards and pattern cards for policy workshops (研讨会), in 简体中文 or English.

A card is what a facilitator hands round before a run: for a scenario, its story, the facts of
the district and the hazard, and notes for the facilitator; for a pattern, a plain summary, what
the actors do differently and the levers it sets. The texts live with the presets (the
``story_*``/``notes_*`` keys of scenario files, ``summary_*``/``actors_*`` of pattern files); the
facts and levers are read from the scenario's and pattern's own data, so a card cannot disagree
with what runs.

    >>> card = scenario_card("heatwave", "en")
    >>> card.title
    'A heatwave with many elderly living alone'
    >>> dict(card.facts)["Hazard"]
    'Sudden shock (flood, leak, heatwave)'
    >>> pattern_card("siloed", "zh").levers[0]
    ('技术赋能', '0.1（低）')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coop_agents.config import PARAMETERS, make_config
from coop_agents.errors import ConfigError
from coop_agents.i18n import (
    choice_label,
    param_label,
    pattern_description,
    pattern_label,
    scenario_description,
    scenario_title,
    unit_label,
)
from coop_agents.patterns import Pattern, load_pattern
from coop_agents.scenarios import Scenario, load_scenario, preset_scenarios

__all__ = ["ScenarioCard", "PatternCard", "scenario_card", "pattern_card", "library", "LANGUAGES"]

LANGUAGES = ("zh", "en")

# A workshop starts from the plainest story (one epidemic, one start) and moves on to where the
# district's make-up, a short warning, scale, two crises at once or many years change the lesson.
LIBRARY_ORDER = (
    "default",
    "old_urban_epidemic",
    "heatwave",
    "rural_flood",
    "chemical_leak",
    "urban_district",
    "citywide_rainstorm",
    "flood_during_epidemic",
    "recurring",
)

# Words of the cards themselves: key -> (English, Chinese).
_WORDS: dict[str, tuple[str, str]] = {
    "on": ("on", "开启"),
    "off": ("off", "关闭"),
    "none": ("none", "无"),
    "low": ("low", "低"),
    "medium": ("medium", "中"),
    "high": ("high", "高"),
    "communities": ("Communities", "社区数"),
    "communities.value": (
        "{n} ({streets} street offices × {per})",
        "{n} 个（{streets} 个街道 × 每街道 {per} 个）",
    ),
    "events": ("Events", "事件"),
    "event.contagion": (
        "One epidemic: first cases in {sites} on day 0",
        "一次疫情：第 0 天在 {sites}出现首批病例",
    ),
    "event.shock": (
        "One shock over {sites}: first signs on day {onset}, full strength on day {full}, "
        "lasting {duration} days",
        "一次冲击，波及 {sites}：第 {onset} 天出现征兆，第 {full} 天达到最强，持续 {duration} 天",
    ),
    "event.poisson": ("At random, about {rate:g} a year: {hazard}", "随机发生，每年约 {rate:g} 次：{hazard}"),
    "event.day": ("day {day}: {hazard}", "第 {day} 天：{hazard}"),
    "sites.one": ("one community", "1 个社区"),
    "sites.some": ("{n} communities", "{n} 个社区"),
    "sites.all": ("every community ({n})", "全部 {n} 个社区"),
    "list.sep": ("; ", "；"),
    "no_story": (
        "(No story has been written for this scenario; above is its one-line description.)",
        "（该情景尚未编写案例故事，以上是它的一句话说明。）",
    ),
    "no_notes": ("No facilitator notes have been written for this scenario.", "该情景尚未编写主持人备注。"),
    "no_summary": (
        "(No card text has been written for this pattern; the levers below show what it sets.)",
        "（该模式尚未编写卡片说明，下列政策杠杆即其设置。）",
    ),
}


@dataclass(frozen=True)
class ScenarioCard:
    """A scenario as a workshop sees it, in one language.

    Attributes:
        name: the scenario's name (preset name or the ``name`` of its file).
        title: its title.
        story: who lives there, what happens, what is at stake.
        notes: for the facilitator: what to point out, instructive contrasts, what the model leaves out.
        facts: ``(label, value)`` pairs: hazard, residents, communities, profile, days, events.
    """

    name: str
    title: str
    story: str
    notes: str
    facts: list[tuple[str, str]]


@dataclass(frozen=True)
class PatternCard:
    """A coordination pattern as a workshop sees it, in one language.

    Attributes:
        name: the pattern's name.
        label: its label.
        summary: one paragraph in plain words.
        actors: what the actors do differently (empty if the file says nothing).
        levers: ``(lever label, value in words)`` for every lever the pattern sets, in the order of
            the parameter table.
    """

    name: str
    label: str
    summary: str
    actors: list[str]
    levers: list[tuple[str, str]]


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ConfigError(f"language {lang!r}; allowed: {', '.join(LANGUAGES)}")


def _word(key: str, lang: str, **fields: Any) -> str:
    return _WORDS[key][lang == "zh"].format(**fields)


def _in(pair: tuple[str, str], lang: str) -> str:
    """The text in ``lang``, or the other language's when one is missing (a user's file)."""
    en, zh = pair
    return (zh or en) if lang == "zh" else (en or zh)


def value_words(name: str, value: Any, lang: str) -> str:
    """A parameter's value as a card shows it.

    Levels and clarities (0 to 1) get a word, shares a percentage, choices their label.

        >>> value_words("technology", 0.7, "en"), value_words("horizontal_links", 0.3, "zh")
        ('0.7 (high)', '30%')
        >>> value_words("vulnerable_registry", True, "zh"), value_words("authority", "street", "en")
        ('开启', 'Street office')
    """
    _check(lang)
    p = PARAMETERS[name]
    if p.type == "bool":
        return _word("on" if value else "off", lang)
    if p.type == "choice":
        return choice_label(name, value, lang)
    if p.unit == "share":
        return f"{value * 100:.0f}%"
    if p.unit in ("level", "clarity"):
        grade = "none" if value == 0 else "low" if value < 0.35 else "medium" if value < 0.65 else "high"
        return f"{value:g}（{_word(grade, lang)}）" if lang == "zh" else f"{value:g} ({_word(grade, lang)})"
    try:
        unit = unit_label(p.unit, lang)
    except KeyError:  # a unit no card or table has shown yet: better English than nothing
        unit = p.unit
    return f"{value:g} {unit}".rstrip()


def _sites(n: int, total: int, lang: str) -> str:
    if n >= total > 1:
        return _word("sites.all", lang, n=total)
    return _word("sites.one", lang) if n == 1 else _word("sites.some", lang, n=n)


def _facts(sc: Scenario, lang: str) -> list[tuple[str, str]]:
    cfg = make_config(sc.parameters)
    n_comm = cfg.street_offices * cfg.communities_per_street
    if cfg.arrival == "schedule":
        sep = _word("list.sep", lang)
        events = sep.join(
            _word("event.day", lang, day=e.day, hazard=choice_label("hazard", e.hazard, lang))
            for e in sc.events
        )
    elif cfg.arrival == "poisson":
        events = _word(
            "event.poisson", lang, rate=cfg.arrival_rate, hazard=choice_label("hazard", cfg.hazard, lang)
        )
    elif cfg.hazard == "shock":
        events = _word(
            "event.shock",
            lang,
            sites=_sites(cfg.shock_sites, n_comm, lang),
            onset=cfg.shock_onset,
            full=cfg.shock_onset + cfg.shock_lead,
            duration=cfg.shock_duration,
        )
    else:
        events = _word("event.contagion", lang, sites=_sites(cfg.outbreak_sites, n_comm, lang))
    return [
        (param_label("hazard", lang), choice_label("hazard", cfg.hazard, lang)),
        (param_label("residents", lang), f"{cfg.residents:,}"),
        (
            _word("communities", lang),
            _word(
                "communities.value",
                lang,
                n=n_comm,
                streets=cfg.street_offices,
                per=cfg.communities_per_street,
            ),
        ),
        (param_label("profile", lang), choice_label("profile", cfg.profile, lang)),
        (param_label("steps", lang), f"{cfg.steps}"),
        (_word("events", lang), events),
    ]


def scenario_card(scenario: str | Path | Scenario, lang: str) -> ScenarioCard:
    """The card of a preset scenario, a scenario file or a :class:`Scenario`, in ``lang``.

    A scenario without a story gets its one-line description and a note that no story was
    written; without notes, a note that none were written.

    Raises:
        ConfigError: ``lang`` is not ``"zh"`` or ``"en"``; the scenario cannot be loaded.
    """
    _check(lang)
    sc = load_scenario(scenario)
    story = _in((sc.texts.get("story_en", ""), sc.texts.get("story_zh", "")), lang)
    if not story:
        description = scenario_description(sc, lang)
        story = f"{description} {_word('no_story', lang)}".strip()
    notes = _in((sc.texts.get("notes_en", ""), sc.texts.get("notes_zh", "")), lang) or _word("no_notes", lang)
    return ScenarioCard(
        name=sc.name, title=scenario_title(sc, lang), story=story, notes=notes, facts=_facts(sc, lang)
    )


def pattern_card(pattern: str | Path | Pattern, lang: str) -> PatternCard:
    """The card of a preset pattern, a pattern file or a :class:`Pattern`, in ``lang``.

    The levers are those the pattern sets (its own and any ``based_on`` pattern's), labelled from
    the parameter table. A pattern without card texts gets its one-line description, a note that
    no card text was written, and no actors.

    Raises:
        ConfigError: ``lang`` is not ``"zh"`` or ``"en"``; the pattern cannot be loaded.
    """
    _check(lang)
    pat = load_pattern(pattern)
    summary = _in((pat.summary_en, pat.summary_zh), lang)
    if not summary:
        summary = f"{pattern_description(pat, lang)} {_word('no_summary', lang)}".strip()
    actors = list(pat.actors_zh or pat.actors_en) if lang == "zh" else list(pat.actors_en or pat.actors_zh)
    levers = [
        (param_label(name, lang), value_words(name, pat.levers[name], lang))
        for name in PARAMETERS
        if name in pat.levers
    ]
    return PatternCard(
        name=pat.name, label=pattern_label(pat, lang), summary=summary, actors=actors, levers=levers
    )


def library() -> list[str]:
    """The shipped scenarios that have a story in both languages, in workshop order.

    >>> library()[:3]
    ['default', 'old_urban_epidemic', 'heatwave']
    """
    presets = preset_scenarios()
    told = {name for name, sc in presets.items() if sc.texts.get("story_en") and sc.texts.get("story_zh")}
    first = [name for name in LIBRARY_ORDER if name in told]
    return first + sorted(told - set(first))
