"""The outcome registry (design §2.8): every outcome's name, unit, meaning, better direction,
the hazards it applies to, when it is n/a and how it is censored.

This is the one place that says what an outcome *means*. The command line's tables and
``--json``, ``coop-agents outcomes``, the app's tables and help, ``analyse``, the brief's
headlines and directions, and the ODD's "Outcomes" section all read it; none keeps a label, a
unit or a direction of its own. :mod:`coop_agents.metrics` computes the values.

Conventions every definition follows:

- **A run covers the event.** A single-event run ends when the event is over (nobody exposed or
  infectious, or the shock has passed, and every community back in normal) or at the scenario's
  cap of days; ``truncated`` says which.
- **One censoring rule.** A time that never came counts as coming at the end of the period in
  which it could have come: for a community's delays, the day after its true risk was last at or
  above the alert threshold; for the containment time, the run's last day (the run is then
  flagged ``truncated``).
- **Counts are whole numbers** in every run.
- A **better direction** is ``lower``, ``higher`` or ``neither`` (a number that describes what
  happened without being good or bad in itself, such as the days spent in a state).

Examples:
    >>> OUTCOMES["decision_latency"].better
    'lower'
    >>> outcome_label("peak_prevalence", "en", hazard="shock")
    'Peak share exposed'
    >>> applies("learning_gain", hazard="contagion", several_events=False)
    False
"""

from __future__ import annotations

from coop_agents.outcome_table import BETTER, FAMILIES, HAZARDS, Outcome, outcome_rows

__all__ = [
    "OUTCOMES",
    "Outcome",
    "FAMILIES",
    "BETTER",
    "HAZARDS",
    "outcome_label",
    "outcome_unit",
    "outcome_meaning",
    "applies",
    "table_outcomes",
    "VULNERABLE_WEIGHT",
]

# Severe harm of a vulnerable resident weighs this much more (vulnerability-weighted severe harm).
VULNERABLE_WEIGHT = 2.0

# Tables list outcomes family by family, in the registry's order within each.
_ALL = outcome_rows(VULNERABLE_WEIGHT)
OUTCOMES: dict[str, Outcome] = {o.name: o for f in FAMILIES for o in _ALL if o.family == f}


def _pick(pair: tuple[str, str], lang: str) -> str:
    if lang not in ("en", "zh"):
        raise ValueError(f"lang={lang!r}: expected 'en' or 'zh'")
    return pair[1] if lang == "zh" else pair[0]


def outcome_label(name: str, lang: str = "en", hazard: str | None = None) -> str:
    """An outcome's name in ``lang``, the hazard's own name for it where it has one."""
    o = OUTCOMES[name]
    for h, en, zh in o.hazard_labels:
        if h == hazard:
            return _pick((en, zh), lang)
    return _pick((o.label_en, o.label_zh), lang)


def outcome_unit(name: str, lang: str = "en") -> str:
    o = OUTCOMES[name]
    return _pick((o.unit, o.unit_zh), lang)


def outcome_meaning(name: str, lang: str = "en") -> str:
    o = OUTCOMES[name]
    return _pick((o.meaning_en, o.meaning_zh), lang)


def applies(name: str, hazard: str | None = None, several_events: bool = False) -> bool:
    """Whether a table of runs of ``hazard`` (and one or several events) shows outcome ``name``."""
    o = OUTCOMES[name]
    if o.detail or (o.several_events and not several_events):
        return False
    return hazard is None or hazard in o.hazards


def table_outcomes(hazard: str | None = None, several_events: bool = False) -> list[str]:
    """The outcomes a table shows, in the registry's order (families, then definitions)."""
    return [n for n in OUTCOMES if applies(n, hazard, several_events)]
