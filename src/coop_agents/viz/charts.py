"""Charts drawn by the browser: ECharts options (and the outcome table, re-exported).

The governance states and the outcomes over time are ECharts charts (ECharts ships with Solara's
offline assets): each day the server sends numbers, not a picture, and the browser's fonts draw
the Chinese.

The panels that chart an outcome read its label and unit from :mod:`coop_agents.outcome_registry`
(through :mod:`coop_agents.i18n`). The outcome table lives in :mod:`coop_agents.viz.outcome_table`;
its names are imported here too, where they were first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coop_agents.governance import GovernanceState
from coop_agents.i18n import (
    level_label,
    outcome_label,
    outcome_unit,
    pattern_label,
    state_label,
    street_label,
    text,
)
from coop_agents.patterns import load_pattern
from coop_agents.viz.layout import street_offices
from coop_agents.viz.outcome_table import OutcomeRow, format_value, outcome_heads, outcome_rows, outcome_table
from coop_agents.viz.session import Run

__all__ = [
    "PANELS",
    "STATE_COLOURS",
    "LEVEL_COLOURS",
    "charts_option",
    "states_option",
    "states_height",
    "states_title",
    "state_rows",
    "StateRows",
    "outcome_table",
    "outcome_rows",
    "outcome_heads",
    "OutcomeRow",
    "format_value",
]

# Panels: a title key and (series, legend key) pairs. The prevalence panel's title depends on the
# hazard; the unmet-needs panel shows vulnerable residents beside everyone.
PANELS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("chart.prevalence", (("prevalence", ""),)),
    ("chart.harm", (("harm", "chart.harm.all"), ("severe", "chart.harm.severe"))),
    ("chart.unmet", (("unmet_needs", "chart.unmet.all"), ("unmet_vulnerable", "chart.unmet.vulnerable"))),
    (
        "chart.messages",
        (
            ("messages", "chart.messages.handled"),
            ("in_flight", "chart.messages.in_flight"),
            ("max_backlog", "chart.messages.queue"),
        ),
    ),
    ("chart.resources", (("resources", "chart.resources.stock"), ("spent", "chart.resources.spent"))),
    ("chart.measures", (("measures", ""),)),
)
# Panels that chart an outcome of the registry: (outcome, titled by its label or by the panel's own
# text); either way the title ends with the outcome's unit.
PANEL_OUTCOMES: dict[str, tuple[str, bool]] = {
    "chart.harm": ("harm", True),
    "chart.resources": ("resources_spent", False),
}
STATE_COLOURS = ("#cfd8dc", "#ffb300", "#e53935", "#42a5f5")  # normal, pre-, emergency, post-transition
# The district's response level (none, IV, III, II, I): a row above the communities when graded.
LEVEL_COLOURS = ("#eceff1", "#90caf9", "#ffd54f", "#fb8c00", "#b71c1c")
SERIES_COLOURS = ("#1565c0", "#ef6c00", "#2e7d32")  # one run: by series; several: by run
LINE_TYPES = ("solid", "dashed", "dotted")  # several runs: by series


def _title(key: str, run: Run, lang: str) -> str:
    """A panel's title; prevalence is named after the built-in hazards, generically for others.

    A panel charting an outcome of the registry is titled with its label (if it is named after
    it) and its unit: "Residents harmed (residents)".
    """
    hazard = run.model.config.hazard
    if key == "chart.prevalence" and hazard in ("contagion", "shock"):
        key = f"{key}.{hazard}"
    if key not in PANEL_OUTCOMES:
        return text(key, lang)
    outcome, named = PANEL_OUTCOMES[key]
    title = outcome_label(outcome, lang, hazard) if named else text(key, lang)
    unit = outcome_unit(outcome, lang)
    return f"{title}（{unit}）" if lang == "zh" else f"{title} ({unit})"


def _round(y: float) -> float | None:
    """Four significant digits (what a tooltip shows); ``None`` for a missing value."""
    if not math.isfinite(y):
        return None
    return float(f"{y:.4g}")


def _panels(titles: list, grids: list, xaxes: list, yaxes: list, **rest: object) -> dict:
    """An ECharts option of panels (a grid each, with its axes and title) and ``rest``; without
    animation, as every day redraws it."""
    return {"animation": False, "title": titles, "grid": grids, "xAxis": xaxes, "yAxis": yaxes, **rest}


def charts_option(runs: list[Run], lang: str) -> dict:
    """One ECharts option with a grid of panels: prevalence (or exposure), harm, unmet needs (all
    and vulnerable residents), messages and queues, resources, measures; day 0 to the horizon.

    One run: a colour per series and a legend per panel. Several runs (a comparison): a colour
    per pattern (the legend at the top), a line type per series (named under each title).
    """
    several = len(runs) > 1
    days = runs[0].days
    titles, grids, xaxes, yaxes, legends, series = [], [], [], [], [], []
    for i, (key, lines) in enumerate(PANELS):
        col, row = i % 3, i // 3
        left, top = 4 + 33 * col, (14 if several else 8) + 46 * row
        grids.append(
            {"left": f"{left}%", "top": f"{top + 8}%", "width": "26%", "height": "27%", "containLabel": True}
        )
        subtext = ""
        if several and len(lines) > 1:
            subtext = " · ".join(
                f"{text(f'line.{LINE_TYPES[s]}', lang)}: {text(label, lang)}"
                for s, (_name, label) in enumerate(lines)
            )
        titles.append(
            {
                "text": _title(key, runs[0], lang),
                "subtext": subtext,
                "left": f"{left}%",
                "top": f"{top}%",
                "textStyle": {"fontSize": 13},
                "itemGap": 3,
                "subtextStyle": {"fontSize": 11},
            }
        )
        xaxes.append(
            {
                "gridIndex": i,
                "type": "value",
                "min": 0,
                "max": days,
                "name": text("axis.day", lang) if row == 1 else "",
                "nameLocation": "middle",
                "nameGap": 24,
                "splitNumber": 4,
            }
        )
        yaxes.append({"gridIndex": i, "type": "value", "min": 0, "splitNumber": 3})
        names = []
        for r, run in enumerate(runs):
            for s, (name, label) in enumerate(lines):
                y = run.series(name)
                legend_name = (
                    pattern_label(load_pattern(run.pattern), lang)
                    if several
                    else text(label, lang)
                    if label
                    else _title(key, run, lang)
                )
                names.append(legend_name)
                series.append(
                    {
                        "type": "line",
                        "name": legend_name,
                        "xAxisIndex": i,
                        "yAxisIndex": i,
                        "showSymbol": False,
                        "data": [[d, _round(v)] for d, v in enumerate(y.tolist())],
                        "color": SERIES_COLOURS[r if several else s],
                        "lineStyle": {"width": 2, "type": LINE_TYPES[s] if several else "solid"},
                    }
                )
        if not several and len(lines) > 1:
            legends.append(
                {
                    "data": names,
                    "left": f"{left + 1}%",
                    "top": f"{top + 4}%",
                    "itemWidth": 14,
                    "itemHeight": 8,
                    "textStyle": {"fontSize": 11},
                }
            )
    if several:
        legends.append(
            {
                "data": [pattern_label(load_pattern(r.pattern), lang) for r in runs],
                "top": 0,
                "textStyle": {"fontSize": 13},
            }
        )
    return _panels(titles, grids, xaxes, yaxes, legend=legends, series=series, tooltip={"trigger": "axis"})


# Pixel sizes of the states chart: a row per community or street office (thinner for many rows), a
# legend on top.
STATES_TOP, STATES_GAP, STATES_AXIS = 40, 34, 36
# A street office's row shows the most escalated state any of its communities is in (emergency, then
# pre-transition, post-transition, normal; indexed by state), so one community's alert is seen at
# the district's glance; the tooltip counts the communities in each state.
ESCALATION = np.array([0, 2, 3, 1])


def _row_px(n_rows: int) -> int:
    return max(4, min(16, 480 // max(n_rows, 1)))


def _graded(run: Run) -> bool:
    """Whether the run's district grades a response level (a row of its own in the states chart)."""
    return run.model.config.response_level != "none"


@dataclass(frozen=True)
class StateRows:
    """What the states chart's rows are for a run: communities, or street offices at district scale.

    Attributes:
        by_street: whether a row is a street office (its cell: the most escalated state any of its
            communities is in, with the count of communities in each state) rather than one community.
        labels: each row's label on the axis.
        keys: the community numbers of the rows, or their street office numbers.
    """

    by_street: bool
    labels: list[str]
    keys: list[int]


def state_rows(run: Run, lang: str, street: int | None = None) -> StateRows:
    """The rows of the states chart: one per community below
    :data:`~coop_agents.viz.layout.OVERVIEW_MIN` communities; from there on one per street office
    (:func:`~coop_agents.viz.layout.street_offices`), or, with ``street``, one per community of
    that street office."""
    m = run.model
    offices = street_offices(m.graph)
    if street is not None and street in offices:
        keys = sorted(c.community for c in m.committees if c.street == street)
        return StateRows(False, [str(c + 1) for c in keys], keys)
    if offices:
        return StateRows(True, [street_label(s, name, lang) for s, name in offices.items()], list(offices))
    return StateRows(False, [str(c + 1) for c in range(m.n_communities)], list(range(m.n_communities)))


def _state_cells(run: Run, rows: StateRows) -> list[list[int]]:
    """The heatmap's cells: [day, row, state] per community, or [day, row, state, communities in
    each of the four states] per street office."""
    states = run.model.series.states[: run.model.series.n]
    if not rows.by_street:
        return [
            [d, r, int(v)] for d, row_ in enumerate(states[:, rows.keys].tolist()) for r, v in enumerate(row_)
        ]
    street_of = np.array([c.street for c in sorted(run.model.committees, key=lambda c: c.community)])
    member = (street_of[:, None] == np.array(rows.keys)[None, :]).astype(np.int64)  # community, row
    # day, row, state: how many of the row's communities are in that state that day
    counts = np.stack([(states == k).astype(np.int64) @ member for k in GovernanceState], axis=2)
    mode = np.argmax(np.where(counts > 0, ESCALATION, -1), axis=2)
    mode[counts.sum(axis=2) == 0] = GovernanceState.NORMAL  # a street office without communities
    return [
        [d, r, int(mode[d, r]), *counts[d, r].tolist()]
        for d in range(states.shape[0])
        for r in range(len(rows.keys))
    ]


def states_title(runs: list[Run], lang: str, street: int | None = None) -> tuple[str, str]:
    """The states chart's title and a line under it: by community, by street office (saying what a
    cell shows), or one street office's communities."""
    offices = street_offices(runs[0].model.graph)
    if street is not None and street in offices:
        return text("view.states.street", lang, name=street_label(street, offices[street], lang)), ""
    if offices:
        return text("view.states.streets", lang), text("view.states.streets.help", lang)
    return text("view.states", lang), ""


def _label_px(labels: list[str]) -> float:
    """About how wide the longest of the states chart's row labels is, in pixels (9 px type)."""
    return max((sum(9 if ord(ch) > 0x2E80 else 5.5 for ch in label) for label in labels), default=0)


def states_height(runs: list[Run], street: int | None = None) -> int:
    """Pixel height of the states chart for these runs."""
    n_rows = len(state_rows(runs[0], "en", street).keys)
    rows = sum(n_rows + (1 if _graded(run) else 0) for run in runs)
    return STATES_TOP + rows * _row_px(n_rows) + len(runs) * STATES_GAP + STATES_AXIS


def states_option(runs: list[Run], lang: str, street: int | None = None) -> dict:
    """The governance state of every community, day by day (常态, 前转换态, 应急态, 后转换态):
    a row per community, a column per day, one panel per run (titled by pattern if several).

    From :data:`~coop_agents.viz.layout.OVERVIEW_MIN` communities on, a row per street office
    instead (:func:`state_rows`), coloured by the most escalated state any of its communities is in
    and naming in its tooltip how many communities are in each state; with
    ``street``, a row per community of that street office.

    Where the district grades a response level (``response_level``), a row below the communities
    shows it day by day (none, IV 一般, III 较大, II 重大, I 特别重大: :data:`LEVEL_COLOURS`, named
    in the tooltip).
    """
    rows = state_rows(runs[0], lang, street)
    n_rows = len(rows.keys)
    days = runs[0].days
    row = _row_px(n_rows)
    # Room on the left for the rows' labels (street offices' names can be long) and the axis name.
    left = int(min(180, max(56, _label_px(rows.labels) + 34)))
    grids, xaxes, yaxes, series, titles = [], [], [], [], []
    level_series = []
    top = STATES_TOP
    for i, run in enumerate(runs):
        graded = _graded(run)
        panel = row * (n_rows + (1 if graded else 0))
        top += (STATES_GAP - 14 if len(runs) > 1 else 0) if i == 0 else 0
        grids.append({"left": left, "right": 16, "top": top, "height": panel})
        if len(runs) > 1:
            titles.append(
                {
                    "text": pattern_label(load_pattern(run.pattern), lang),
                    "left": left,
                    "top": top - 22,
                    "textStyle": {"fontSize": 12},
                }
            )
        last = i == len(runs) - 1
        xaxes.append(
            {
                "gridIndex": i,
                "type": "category",
                "data": list(range(days + 1)),
                "name": text("axis.day", lang) if last else "",
                "nameLocation": "middle",
                "nameGap": 24,
                "axisLabel": {"show": last},
                "splitArea": {"show": False},
            }
        )
        yaxes.append(
            {
                "gridIndex": i,
                "type": "category",
                "data": rows.labels + ([text("axis.level", lang)] if graded else []),
                "inverse": True,
                "name": text("axis.street" if rows.by_street else "axis.community", lang),
                "nameLocation": "middle",
                "nameGap": left - 24,
                "axisLabel": {"fontSize": 9},
            }
        )
        states = {
            "type": "heatmap",
            "name": pattern_label(load_pattern(run.pattern), lang),
            "xAxisIndex": i,
            "yAxisIndex": i,
            "progressive": 0,
            "data": _state_cells(run, rows),
        }
        if rows.by_street:  # the tooltip names the communities in each state
            states["dimensions"] = [
                text("axis.day", lang),
                text("axis.street", lang),
                text("colour_by.state", lang),
                *(state_label(s, lang) for s in GovernanceState),
            ]
            states["encode"] = {"x": 0, "y": 1, "value": 2, "tooltip": [3, 4, 5, 6]}
        series.append(states)
        if graded:
            # Coloured cell by cell (the states' colour scale is not theirs), named in the tooltip.
            levels = run.model.governance.level_history[: run.model.series.n]
            level_series.append(
                {
                    "type": "heatmap",
                    "name": text("axis.level", lang),
                    "xAxisIndex": i,
                    "yAxisIndex": i,
                    "progressive": 0,
                    "data": [
                        {
                            "value": [d, n_rows, int(v)],
                            "name": level_label(int(v), lang),
                            "itemStyle": {"color": LEVEL_COLOURS[int(v)]},
                        }
                        for d, v in enumerate(levels)
                    ],
                }
            )
        top += panel + STATES_GAP
    series.extend(level_series)
    pieces = [
        {"value": int(s), "label": state_label(s, lang), "color": c}
        for s, c in zip(GovernanceState, STATE_COLOURS)
    ]
    return _panels(
        titles,
        grids,
        xaxes,
        yaxes,
        series=series,
        visualMap={
            "type": "piecewise",
            "dimension": 2,
            "pieces": pieces,
            "orient": "horizontal",
            "top": 0,
            "right": 16,
            "seriesIndex": list(range(len(runs))),
        },
        tooltip={"position": "top"},
    )
