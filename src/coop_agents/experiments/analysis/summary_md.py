"""The batch's ``summary.md``: tables of means and paired differences per outcome family.

Arms are set side by side, at most :data:`MAX_COLUMNS` to a table (more are split by a factor);
a cell is "mean [95% CI]" with the decimals of the outcome's row.
"""

from __future__ import annotations

import math

import pandas as pd

from coop_agents.experiments.analysis.arms import _named, _varied, _words, arm_names
from coop_agents.experiments.analysis.bootstrap import CI_METHOD
from coop_agents.experiments.analysis.outcomes import (
    DERIVED_OUTCOMES,
    _label_or_name,
    find_outcome,
    outcome_label,
    outcome_unit,
)
from coop_agents.numbers import decimals_for, format_interval, format_number
from coop_agents.outcome_registry import FAMILIES, OUTCOMES

MAX_COLUMNS = 8  # arms side by side in one table; more are split by a factor (or left to summary.csv)
_ARROWS = {"lower": " ↓", "higher": " ↑", "neither": ""}


def _layout(ok: pd.DataFrame, arm_ids: list[int], split: bool) -> list[tuple[str, dict, list]] | None:
    """How arms fill tables: sections ``(heading, its factors' values, [(column heading, arm id)])``.

    Unless ``split``, the arms share one table, headed by their names. Split: the columns are
    the values of one factor (the pattern if it varies; at most :data:`MAX_COLUMNS`), one
    section per combination of the others. None when no factor splits them so (a sampled
    design's points).
    """
    names = arm_names(ok)
    if not split:
        return [("", {}, [(names[a], a) for a in arm_ids])]
    first = ok.groupby("arm_id", sort=True).first().loc[arm_ids]
    varied = _varied(ok)
    fits = [c for c in varied if first[c].nunique() <= MAX_COLUMNS]
    if not fits:
        return None
    column = "pattern" if "pattern" in fits else max(fits, key=lambda c: first[c].nunique())
    others = [c for c in varied if c != column]
    sections: dict[tuple, list[int]] = {}
    for a in arm_ids:
        sections.setdefault(tuple(first.loc[a, c] for c in others), []).append(a)
    layout = []
    for key, arms in sections.items():
        if first.loc[arms, column].nunique() < len(arms):
            return None  # arms this factor does not tell apart (sample points)
        fixed = dict(zip(others, key))
        layout.append(
            (f"{_named(fixed)} (columns: {column})", fixed, [(_words(first.loc[a, column]), a) for a in arms])
        )
    return layout


def _cell(mean: float, low: float, high: float, decimals: int) -> str:
    if math.isnan(mean):
        return format_number(mean)
    if math.isnan(low) or math.isnan(high):
        return format_number(mean, decimals)
    return f"{format_number(mean, decimals)} {format_interval(low, high, decimals)}"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def _family_tables(
    outcomes: list[str], columns: list[tuple[str, int]], cells: dict, hazard: str | None, level: int
) -> list[str]:
    """One Markdown table per outcome family: a row per outcome, a column per arm, "mean [low, high]".

    ``cells`` maps (arm id, outcome) to (mean, low, high). A row's numbers share one number of
    decimals: the registry's for the outcome, none when they are all whole.
    """
    lines = []
    nan3 = (math.nan, math.nan, math.nan)
    for family, (title, _) in FAMILIES.items():
        rows = [o for o in outcomes if find_outcome(o).family == family]
        if not rows:
            continue
        heads = " | ".join(_md(h) for h, _ in columns)
        lines += [
            f"{'#' * level} {title}",
            "",
            f"| outcome | unit | {heads} |",
            "|---|---|" + "---:|" * len(columns),
        ]
        for o in rows:
            meta = find_outcome(o)
            values = [cells.get((a, o), nan3) for _, a in columns]
            d = decimals_for([x for v in values for x in v], meta.decimals)
            label = f"{_md(outcome_label(o, 'en', hazard))}{_ARROWS[meta.better]}"
            cells_ = " | ".join(_cell(mean, low, high, d) for mean, low, high in values)
            lines.append(f"| {label} | {_md(outcome_unit(o))} | {cells_} |")
        lines.append("")
    return lines


def _sectioned(
    ok: pd.DataFrame, arm_ids: list[int], outcomes: list[str], cells: dict, hazard: str | None, what: str
) -> list[str]:
    """The tables of ``arm_ids``: side by side if every arm of the batch fits in one table, else
    split as :func:`_layout` says (the paired differences as the means)."""
    layout = _layout(ok, arm_ids, split=ok["arm_id"].nunique() > MAX_COLUMNS)
    if layout is None:
        return [
            f"{len(arm_ids)} arms (points of a sampled design) are too many to set side by side: "
            f"the {what} of every arm are in the CSV file; see the sensitivity indices below.",
            "",
        ]
    lines = []
    for heading, fixed, columns in layout:
        if heading:
            lines += [f"### {heading}", ""]
        # Labels in the words of the section's hazard where it has one ("Peak share exposed").
        lines += _family_tables(
            outcomes, columns, cells, str(fixed.get("hazard", hazard) or "") or None, 4 if heading else 3
        )
    return lines


def _truncation_line(ok: pd.DataFrame) -> str:
    if "truncated" not in ok.columns:
        return (
            "Whether runs were cut short at the scenario's cap of days is not recorded in these results "
            "(no `truncated` outcome)."
        )
    flags = ok["truncated"].dropna()
    k, n = int((flags > 0).sum()), len(flags)
    if k == 0:
        return f"No run was cut short at the scenario's cap of days ({n} runs)."
    return (
        f"Runs cut short at the scenario's cap of days, before the event was over: {k} of {n} "
        f"({format_number(100 * k / n, 0)}%); their times count until the last day "
        "(see `truncated` per arm)."
    )


def _markdown(out, definition, df, summary, paired, indices, figures, kept, shown, hazard) -> None:
    ok = df[df["error"].isna()]
    failed = df[df["error"].notna()]
    unknown = [o for o in kept if o not in OUTCOMES and o not in DERIVED_OUTCOMES]
    hidden = [o for o in kept if o not in shown and o not in unknown]
    lines = [f"# {definition['name']}", ""]
    if definition.get("description"):
        lines += [definition["description"], ""]
    lines += [
        f"Design: {definition['design']}; {df['arm_id'].nunique()} arms; "
        f"{df['replicate'].nunique()} paired replicates (seeds shared across arms); "
        f"{len(df)} runs, {len(failed)} failed.",
        "",
        f"Intervals: {CI_METHOD}. An interval of a count or a share never goes below 0.",
        "",
        _truncation_line(ok),
        "",
        "↓ lower is better, ↑ higher is better; no arrow: neither direction is better in itself.",
        "",
    ]
    if hidden:
        names = ", ".join(outcome_label(o) for o in hidden)
        lines += [f"Left out of these tables (in summary.csv): {names}.", ""]
    if unknown:
        lines += [
            "Outcomes of an earlier version, not in the outcome registry, are left out of these "
            f"tables (they are in summary.csv): {', '.join(unknown)}.",
            "",
        ]
    lines += ["## Outcomes per arm: mean [95% CI]", ""]
    cells = {(r.arm_id, r.outcome): (r.mean, r.ci_low, r.ci_high) for r in summary.itertuples()}
    arm_ids = sorted(int(a) for a in ok["arm_id"].unique())
    lines += _sectioned(ok, arm_ids, shown, cells, hazard, "means")
    missing = summary[summary["outcome"].isin(shown)].groupby("outcome", sort=False)[["n_missing", "n"]].sum()
    notes = []
    for o in shown:
        if o in missing.index and missing.loc[o, "n_missing"] > 0:
            m, n = int(missing.loc[o, "n_missing"]), int(missing.loc[o, "n_missing"] + missing.loc[o, "n"])
            why = find_outcome(o).na_en
            notes.append(f"- {outcome_label(o, 'en', hazard)}: n/a in {m} of {n} runs. {why}".rstrip())
    if notes:
        lines += ["Runs without a value (n/a, left out of the mean):", "", *notes, ""]
    if not paired.empty:
        baseline = _named(definition.get("baseline") or {})
        lines += [
            f"## Paired differences from the baseline ({baseline}): mean [95% CI]",
            "",
            "Each arm minus its baseline arm (the same values of the other factors), replicate by "
            "replicate on the same seeds; only pairs where both runs have a value count.",
            "",
        ]
        cells = {(r.arm_id, r.outcome): (r.mean_diff, r.ci_low, r.ci_high) for r in paired.itertuples()}
        lines += _sectioned(
            ok, sorted(int(a) for a in paired["arm_id"].unique()), shown, cells, hazard, "differences"
        )
    if not indices.empty:
        lines += ["## Sensitivity indices", ""]
        cols = list(indices.columns)
        lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for r in indices.itertuples(index=False):
            cells_ = [
                format_number(v, 3)
                if isinstance(v, float)
                else _label_or_name(v, hazard)
                if c == "outcome"
                else str(v)
                for c, v in zip(cols, r)
            ]
            lines.append("| " + " | ".join(_md(x) for x in cells_) + " |")
        lines.append("")
    if len(failed):
        lines += ["## Failed runs", "", "| run | arm | error |", "|---|---|---|"]
        lines += [f"| {r.run_id} | {_md(r.arm)} | {_md(r.error)} |" for r in failed.head(50).itertuples()]
        lines.append("")
    lines += [f"![{name}]({name}.png)" for name in figures]
    (out / "summary.md").write_text("\n".join(lines).rstrip("\n") + "\n")
