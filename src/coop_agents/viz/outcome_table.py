"""The live outcome table: the outcomes that apply to the runs so far, in the page's language.

Each row reads its outcome's label, unit and meaning from :mod:`coop_agents.outcome_registry`
(through :mod:`coop_agents.i18n`), and writes numbers with :mod:`coop_agents.numbers`: one number
of decimals per row. (Moved here from :mod:`coop_agents.viz.charts`, which still exports it.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coop_agents.i18n import outcome_label, outcome_meaning, outcome_unit, pattern_label, text
from coop_agents.numbers import format_number, format_row
from coop_agents.outcome_registry import OUTCOMES, table_outcomes
from coop_agents.patterns import load_pattern
from coop_agents.viz.session import Run

__all__ = ["outcome_table", "outcome_rows", "outcome_heads", "OutcomeRow", "format_value"]


def format_value(x: float, lang: str, decimals: int | None = None) -> str:
    """One outcome value as the app shows it (:func:`coop_agents.numbers.format_number`); an
    undefined one (NaN) as "n/a" in ``lang``."""
    if x is None or math.isnan(x):
        return text("not_yet", lang)
    return format_number(x, decimals)


@dataclass(frozen=True)
class OutcomeRow:
    """One row of the live outcome table: the outcome, its label, unit and meaning in the page's
    language, and its value in each run (one number of decimals along the row)."""

    name: str
    label: str
    unit: str
    help: str
    values: tuple[str, ...]


def outcome_rows(runs: list[Run], lang: str) -> list[OutcomeRow]:
    """The rows of the live outcome table, in the registry's order.

    Only outcomes that apply to the runs: those the registry's tables show for the first run's
    hazard, and with several events (``arrival`` other than ``single``) or one; and only those
    the model computes. Labels are the hazard's own ("Peak share exposed" for a shock).
    """
    config = runs[0].model.config
    hazard, several = config.hazard, config.arrival != "single"
    values = [run.model.outcomes() for run in runs]
    rows = []
    for name in table_outcomes(hazard, several):
        if not all(name in v for v in values):
            continue
        cells = format_row([v[name] for v in values], OUTCOMES[name].decimals, na=text("not_yet", lang))
        rows.append(
            OutcomeRow(
                name,
                outcome_label(name, lang, hazard),
                outcome_unit(name, lang),
                outcome_meaning(name, lang),
                tuple(cells),
            )
        )
    return rows


def outcome_heads(runs: list[Run], lang: str) -> list[str]:
    """The headings of the live outcome table: outcome, unit, then one per run (its pattern if several)."""
    if len(runs) > 1:
        heads = [pattern_label(load_pattern(run.pattern), lang) for run in runs]
    else:
        heads = [text("table.value", lang)]
    return [text("table.outcome", lang), text("table.unit", lang), *heads]


def outcome_table(runs: list[Run], lang: str) -> tuple[list[str], list[list[str]]]:
    """Headings and rows of the live outcome table: outcome, unit, then a value per run
    (see :func:`outcome_rows` for which outcomes it shows)."""
    return outcome_heads(runs, lang), [[r.label, r.unit, *r.values] for r in outcome_rows(runs, lang)]
