"""Outcome tables for the terminal and for JSON: one run, paired comparisons with their
uncertainty, and the list of every outcome's definition (``coop-agents outcomes``).

Labels, units, directions and decimals come from :mod:`coop_agents.outcome_registry`, numbers are
written by :mod:`coop_agents.numbers`, and the means, intervals and paired differences of a
comparison are those of :mod:`coop_agents.experiments.analysis`, the same functions ``analyse``,
the brief and the workshop page use: the same seeds give the same numbers everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from coop_agents.numbers import decimals_for, format_interval, format_number, format_row
from coop_agents.outcome_registry import (
    FAMILIES,
    OUTCOMES,
    outcome_label,
    outcome_meaning,
    outcome_unit,
    table_outcomes,
)

__all__ = ["runs_frame", "compare", "run_table", "comparison_table", "comparison_json", "outcomes_listing"]


def runs_frame(
    per_pattern: Mapping[str, Sequence[Mapping[str, float]]], seeds: Sequence[int], scenario: str
) -> pd.DataFrame:
    """Runs in the results schema of a batch (one row per pattern and replicate), so the
    analysis functions of :mod:`coop_agents.experiments.analysis` apply to them."""
    rows = []
    for arm_id, (pattern, runs) in enumerate(per_pattern.items()):
        for replicate, (seed, out) in enumerate(zip(seeds, runs)):
            rows.append(
                {
                    "run_id": f"{arm_id}-{replicate}",
                    "arm_id": arm_id,
                    "arm": f"pattern={pattern}",
                    "replicate": replicate,
                    "seed": seed,
                    "scenario": scenario,
                    "pattern": pattern,
                    "error": None,
                    **out,
                }
            )
    return pd.DataFrame(rows)


def compare(runs: pd.DataFrame, baseline: str, outcomes: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per pattern, means with 95 % CIs, and paired differences against ``baseline``."""
    from coop_agents.experiments.analysis import paired_differences, summarise

    summary = summarise(runs, list(outcomes))
    paired = (
        paired_differences(runs, {"pattern": baseline}, list(outcomes))
        if runs["pattern"].nunique() > 1
        else pd.DataFrame()
    )
    return summary, paired


def _cell(df: pd.DataFrame, pattern: str, outcome: str, column: str) -> float:
    if df.empty:
        return math.nan
    hit = df[(df["arm"] == f"pattern={pattern}") & (df["outcome"] == outcome)]
    return float(hit[column].iloc[0]) if len(hit) else math.nan


def _layout(rows: list[list[str]], header_rows: int = 1) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(row[2:], widths[2:])]
        lines.append("  ".join(cells).rstrip())
        if j == header_rows - 1:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run_table(
    values: Mapping[str, Mapping[str, float]], hazard: str | None = None, several: bool = False
) -> str:
    """One column per run (or pattern), one row per outcome that applies."""
    names = list(values)
    rows = [["outcome", "unit", *names]]
    for key in table_outcomes(hazard, several):
        rows.append(
            [
                outcome_label(key, "en", hazard),
                outcome_unit(key),
                *format_row([values[n].get(key, math.nan) for n in names], OUTCOMES[key].decimals),
            ]
        )
    return _layout(rows)


def comparison_table(
    summary: pd.DataFrame,
    paired: pd.DataFrame,
    patterns: Sequence[str],
    baseline: str,
    hazard: str | None = None,
    several: bool = False,
) -> str:
    """Means with their 95 % CIs (a second line under each mean), then paired differences against
    the baseline with theirs; outcomes that do not apply to the hazard are left out."""
    keys = table_outcomes(hazard, several)
    parts = [
        "Means, with their 95% confidence intervals below them",
        _layout(_mean_rows(summary, "mean", patterns, keys, hazard, signed=False)),
    ]
    others = [p for p in patterns if p != baseline]
    if others and not paired.empty:
        parts += [
            "",
            f"Paired differences: each pattern minus {baseline} on the same seeds, with 95% CIs",
            _layout(_mean_rows(paired, "mean_diff", others, keys, hazard, signed=True)),
        ]
    return "\n".join(parts)


def _mean_rows(
    df: pd.DataFrame,
    column: str,
    patterns: Sequence[str],
    keys: Sequence[str],
    hazard: str | None,
    signed: bool,
) -> list[list[str]]:
    """Two rows per outcome: the values, and their intervals below them, all with one number of
    decimals (none when every value and bound is whole)."""
    rows = [["outcome", "unit", *patterns]]
    for key in keys:
        values = [_cell(df, p, key, column) for p in patterns]
        bounds = [(_cell(df, p, key, "ci_low"), _cell(df, p, key, "ci_high")) for p in patterns]
        d = decimals_for([*values, *(b for pair in bounds for b in pair)], OUTCOMES[key].decimals)
        cells = [("+" if signed and x > 0 else "") + format_number(x, d) for x in values]
        rows.append([outcome_label(key, "en", hazard), outcome_unit(key), *cells])
        rows.append(["", "95% CI", *(format_interval(lo, hi, d) for lo, hi in bounds)])
    return rows


def comparison_json(
    summary: pd.DataFrame, paired: pd.DataFrame, patterns: Sequence[str], outcomes: Sequence[str]
) -> dict[str, dict[str, dict[str, float | None]]]:
    """``{pattern: {outcome: {mean, ci_low, ci_high, n[, diff, diff_ci_low, diff_ci_high]}}}``."""

    def num(x: float) -> float | None:
        return None if math.isnan(x) else x

    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for p in patterns:
        out[p] = {}
        for key in outcomes:
            cell = {c: num(_cell(summary, p, key, c)) for c in ("mean", "ci_low", "ci_high", "n")}
            if not paired.empty and ((paired["arm"] == f"pattern={p}") & (paired["outcome"] == key)).any():
                cell.update(
                    diff=num(_cell(paired, p, key, "mean_diff")),
                    diff_ci_low=num(_cell(paired, p, key, "ci_low")),
                    diff_ci_high=num(_cell(paired, p, key, "ci_high")),
                )
            out[p][key] = cell
    return out


_WORDS = {
    "en": {
        "better": "better",
        "lower": "lower",
        "higher": "higher",
        "neither": "neither",
        "na": "n/a when",
        "censoring": "censoring",
        "unit": "unit",
        "hazards": "applies to",
        "several": "only runs with several events",
    },
    "zh": {
        "better": "更好的方向",
        "lower": "越低越好",
        "higher": "越高越好",
        "neither": "无好坏之分",
        "na": "不适用的情形",
        "censoring": "删失规则",
        "unit": "单位",
        "hazards": "适用风险",
        "several": "仅限多事件运行",
    },
}


def outcomes_listing(lang: str = "en") -> str:
    """Every outcome, family by family: name, label, unit, better direction, meaning, when it is
    n/a and how it is censored (``coop-agents outcomes``)."""
    w = _WORDS[lang]
    lines = []
    for family, names in FAMILIES.items():
        members = [o for o in OUTCOMES.values() if o.family == family]
        if not members:
            continue
        lines += ["", names[1] if lang == "zh" else names[0]]
        for o in members:
            better = o.better if lang == "en" else w[o.better]
            lines.append(
                f"  {o.name}: {outcome_label(o.name, lang)} [{w['unit']}: {outcome_unit(o.name, lang)}; "
                f"{w['better']}: {better}]"
            )
            lines.append(f"      {outcome_meaning(o.name, lang)}")
            for hazard, en, zh in o.hazard_labels:
                lines.append(f"      {hazard}: {zh if lang == 'zh' else en}")
            if o.several_events:
                lines.append(f"      {w['several']}")
            if o.na_en:
                lines.append(f"      {w['na']}: {o.na_zh if lang == 'zh' else o.na_en}")
            if o.censoring_en:
                lines.append(f"      {w['censoring']}: {o.censoring_zh if lang == 'zh' else o.censoring_en}")
    return "\n".join(lines[1:])
