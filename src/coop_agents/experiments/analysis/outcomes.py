"""Which columns of the results are outcomes, and what an outcome is called.

The registry (:mod:`coop_agents.outcome_registry`) defines the stored outcomes;
:data:`DERIVED_OUTCOMES` adds those computed from stored ones, in the same form, and
:func:`find_outcome` looks up either. Old results folders may hold outcomes of earlier versions
(:data:`_LEGACY_OUTCOMES`): summarised, never taken for varied factors.
"""

from __future__ import annotations

import pandas as pd

from coop_agents import outcome_registry as registry
from coop_agents.outcome_registry import OUTCOMES, Outcome

__all__ = [
    "DERIVED_OUTCOMES",
    "find_outcome",
    "outcome_label",
    "outcome_unit",
    "outcome_meaning",
    "derive_outcomes",
]

_ID_COLUMNS = {"run_id", "arm_id", "arm", "replicate", "seed", "scenario", "pattern", "error", "seconds"}

# Outcomes computed from stored ones (see :func:`derive_outcomes`), described like the registry's.
DERIVED_OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome(
            "unmet_need_days_others",
            "resident-days",
            "人·天",
            "Unmet need-days (others)",
            "其他居民未满足需求天数",
            "Unmet need-days of residents who are not vulnerable: unmet need-days minus those of the "
            "vulnerable.",
            "非弱势居民的未满足需求天数：未满足需求天数减去弱势居民的未满足需求天数。",
            "lower",
            "needs",
            decimals=0,
            count=True,
        ),
    )
}
_DERIVATIONS = {"unmet_need_days_others": lambda df: df["unmet_need_days"] - df["unmet_need_days_vulnerable"]}

# Outcomes of earlier versions that old results folders still hold (not in the registry): never
# taken for varied factors, summarised for the CSV files but left out of the tables.
_LEGACY_OUTCOMES = frozenset({"over_response_days", "max_queue", "top_share"})


def find_outcome(name: str) -> Outcome:
    """The definition of outcome ``name``: the registry's, or a derived outcome's.

    Raises:
        KeyError: for a name that is neither.
    """
    found = OUTCOMES.get(name) or DERIVED_OUTCOMES.get(name)
    if found is None:
        raise KeyError(f"unknown outcome {name!r}: not in the outcome registry nor derived")
    return found


def _pick(en: str, zh: str, lang: str) -> str:
    if lang not in ("en", "zh"):
        raise ValueError(f"lang={lang!r}: expected 'en' or 'zh'")
    return zh if lang == "zh" else en


def outcome_label(name: str, lang: str = "en", hazard: str | None = None) -> str:
    """An outcome's name in ``lang`` (the hazard's own where it has one); derived outcomes too."""
    if name in OUTCOMES:
        return registry.outcome_label(name, lang, hazard=hazard)
    o = find_outcome(name)
    for h, en, zh in o.hazard_labels:
        if h == hazard:
            return _pick(en, zh, lang)
    return _pick(o.label_en, o.label_zh, lang)


def outcome_unit(name: str, lang: str = "en") -> str:
    """An outcome's unit in ``lang``; derived outcomes too."""
    if name in OUTCOMES:
        return registry.outcome_unit(name, lang)
    o = find_outcome(name)
    return _pick(o.unit, o.unit_zh, lang)


def outcome_meaning(name: str, lang: str = "en") -> str:
    """One sentence saying what an outcome's number is, in ``lang``; derived outcomes too."""
    if name in OUTCOMES:
        return registry.outcome_meaning(name, lang)
    o = find_outcome(name)
    return _pick(o.meaning_en, o.meaning_zh, lang)


def derive_outcomes(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with the :data:`DERIVED_OUTCOMES` whose inputs it has."""
    out = df.copy()
    for name, derive in _DERIVATIONS.items():
        try:
            out[name] = derive(out).astype(float)
        except KeyError:
            continue
    return out


def _is_outcome(column: str) -> bool:
    return column in OUTCOMES or column in DERIVED_OUTCOMES or column in _LEGACY_OUTCOMES


def _outcomes(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if _is_outcome(c)]


def _factor_columns(df: pd.DataFrame) -> list[str]:
    """Columns of the varied factors (not ids, outcomes, derived outcomes or series)."""
    return [
        c for c in df.columns if c not in _ID_COLUMNS and not _is_outcome(c) and not c.startswith("series_")
    ]


def _label_or_name(name: str, hazard: str | None) -> str:
    """An outcome's label; the column name of an outcome of an earlier version (not in the registry)."""
    try:
        return outcome_label(name, "en", hazard)
    except KeyError:
        return name
