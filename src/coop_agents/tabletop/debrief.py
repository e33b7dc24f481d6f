"""The debrief of a drill: the team beside every pattern on the same outbreak, the decisions that
mattered, the injects against their expected actions, and the after-action report as HTML.

:func:`debrief` plays the team's run to its end (the rules after the drill's last turn), runs
every preset pattern on the same seed with the same injects (the same district, outbreak draws
and events: only the decisions differ), and replays each turn in which the team chose otherwise
than the rules with the rules' choices for that turn (the team's other decisions kept,
:class:`~coop_agents.tabletop.exercise.Replayer`): the difference in harm is what that turn's
decisions did. :func:`render_debrief` writes it as one self-contained HTML page (no external
requests, inline SVG, prints on A4) in Chinese or English, following the after-action report and
improvement plan (AAR/IP; 演练评估报告 with 总结与改进).

What an outcome is called, its unit and better direction come from
:mod:`coop_agents.outcome_registry`; numbers are written by :mod:`coop_agents.numbers`.
"""

from __future__ import annotations

import html
import math
import os
import shlex
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coop_agents import __version__
from coop_agents.errors import CoopError
from coop_agents.model import CoordinationModel
from coop_agents.numbers import decimals_for, format_number
from coop_agents.outcome_registry import OUTCOMES, outcome_label, outcome_unit, table_outcomes
from coop_agents.tabletop.exercise import Exercise, Replayer, copy_model, org_name, role_name
from coop_agents.tabletop.injects import Inject, expected_met, target_name
from coop_agents.tabletop.strings import LANGS, choice_label, kind_label, t

__all__ = ["ACTING", "Debrief", "debrief", "render_debrief", "write_debrief"]

HEADLINE = ("harm", "severe_harm", "response_delay")
# Choices that act (the others hold, pass or stay silent).
ACTING = {
    "request_state": {"pre_transition", "emergency", "post_transition"},
    "approve_state": {"approve"},
    "stand_down": {"normal"},
    "deescalate": {"next_stage"},
    "warn": {"warn"},
    "own_task": {"own_now"},
    "request_resources": {"request"},
    "dispatch": {"dispatch"},
}
_COLOURS = (
    "#1f5f99",
    "#d1495b",
    "#2e8b57",
    "#edae49",
    "#6a4c93",
    "#00798c",
    "#8d6a2f",
    "#e07a5f",
    "#3d5a80",
    "#9c6644",
    "#5f0f40",
    "#0b6e4f",
)


def acts(kind: str, choice: Any) -> bool:
    """Whether a choice does something (asks, approves, measures, delivers, ...)."""
    if kind == "measures":
        return float(choice) > 0
    return choice in ACTING.get(kind, ())


@dataclass
class Debrief:
    """Everything the debrief page shows, as tables.

    Attributes:
        table: one row per outcome (``label_en``, ``label_zh``, ``unit``, ``better``), a ``team``
            column and one column per preset pattern; its ``attrs`` hold the other tables.
        key_decisions: the turns whose decisions mattered most: ``turn``, ``first``, ``last``,
            ``decisions`` (the team's choices that differed from the rules), and per headline
            outcome the team's value, the value with the rules' choices for that turn and the
            difference (``harm_delta`` = team - rules).
        communities: per community, when the risk became real and critical, when the team and
            anyone acted, whether the window was missed, requests not approved, who played it.
        decisions: every decision of the human roles as it took effect (answered or default).
        msel: the injects: day, target, texts, the check of the expected action and its result.
        notes: the players' notes.
    """

    settings: dict
    table: pd.DataFrame
    key_decisions: pd.DataFrame
    communities: pd.DataFrame
    decisions: pd.DataFrame
    msel: pd.DataFrame
    notes: pd.DataFrame
    players: dict[str, list[str]]
    roles: dict[str, dict[str, str]]
    risk: np.ndarray
    harm_series: dict[str, np.ndarray]
    alert_threshold: float
    last_played: int
    turns: int
    hazard: str | None
    several: bool
    injects: list[Inject] = field(default_factory=list)
    log: str | None = None


def _rules_run(construction: dict, pattern: str, injects: Sequence[Inject]) -> CoordinationModel:
    """A preset's run on the drill's seed, with the drill's injects, played to its end."""

    def build(**changes) -> CoordinationModel:
        model = CoordinationModel(**{**construction, "deciders": None, "pattern": pattern, **changes})
        for inject in injects:
            model.schedule_inject(inject.day, inject)
        return model

    model = build()
    if model.config.arrival != "single" and model.config.learning:
        # The learning gain's twin (learning off) meets the same injects.
        model.__dict__.setdefault("_twins", {})[(("learning", False),)] = build(learning=False)
    model.run()
    return model


def _deviations(ex: Exercise) -> list[tuple[int, int, int, list[dict]]]:
    """(turn, first day, last day, the team's choices that differed from the rules) for every
    turn that stepped days in which some decision differed."""
    by_turn: dict[int, list[dict]] = {}
    for taken in ex.taken:
        if taken["day"] <= ex.last_played and taken["choice"] != taken["suggested"]:
            by_turn.setdefault(taken["turn"], []).append(taken)
    spans = {r["turn"]: r["days"] for r in ex.turns}
    return [
        (turn, spans[turn][0], min(spans[turn][1], ex.last_played), found)
        for turn, found in sorted(by_turn.items())
    ]


def _key_decisions(
    ex: Exercise, team: dict[str, float], keep: int, progress: Callable[[str], None] | None
) -> pd.DataFrame:
    """Replay each deviating turn with the rules' choices; rank by the change in harm."""
    rows = []
    candidates = _deviations(ex)
    if candidates:
        base = ex.rebuild()
        for i, (turn, first, last, found) in enumerate(candidates):
            if progress:
                progress(f"key {i + 1}/{len(candidates)}")
            while base.running and base.steps < first - 1:
                base.step()
            twin = copy_model(base)
            for org in twin.organisations:  # the copy's replayer (one for every human role)
                if isinstance(org.decider, Replayer):
                    org.decider.rules_days = frozenset(range(first, last + 1))
            while twin.running:
                twin.step()
            rules = twin.outcomes()
            row = {"turn": turn, "first": first, "last": last, "decisions": found}
            for o in HEADLINE:
                row[f"{o}_team"], row[f"{o}_rules"] = team[o], rules[o]
                row[f"{o}_delta"] = team[o] - rules[o]
            rows.append(row)
    columns = ["turn", "first", "last", "decisions"] + [
        f"{o}_{c}" for o in HEADLINE for c in ("team", "rules", "delta")
    ]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame
    size = frame[[f"{o}_delta" for o in HEADLINE]].abs().fillna(0)
    frame = frame.assign(_h=size["harm_delta"], _s=size["severe_harm_delta"], _r=size["response_delay_delta"])
    frame = frame[(frame["_h"] > 0) | (frame["_s"] > 0) | (frame["_r"] > 0)]
    frame = frame.sort_values(
        ["_h", "_s", "_r", "turn"], ascending=[False, False, False, True], kind="stable"
    )
    return frame.drop(columns=["_h", "_s", "_r"]).head(keep).reset_index(drop=True)


def _communities(
    ex: Exercise, model: CoordinationModel, risk: np.ndarray, taken: pd.DataFrame
) -> pd.DataFrame:
    tally = model.tally
    rows = []
    for c in model.committees:
        k = c.community
        critical = np.flatnonzero(risk[1:, k] >= 1.0)
        mine = taken[(taken["community"] == k)] if not taken.empty else taken
        acted = [int(r.day) for r in mine.itertuples() if acts(r.kind, r.choice)] if not mine.empty else []
        bounced = 0
        for node in ex.history:
            org = model.organisations[model.bus.node_index[node]]
            if org.kind == "committee" and org.community == k:
                bounced += sum(1 for m in ex.history[node] if m.kind == "decision" and m.state < 0)
        if not mine.empty:
            bounced += int(
                ((mine["kind"] == "approve_state") & mine["choice"].isin(["refuse", "pass_back"])).sum()
            )
        rows.append(
            {
                "community": k,
                "name_en": org_name("committee", c.name, "en"),
                "name_zh": f"社区{k + 1}",
                "played": ex.role_of(c.node) is not None,
                "alert": int(tally.onset[k]) if tally.onset[k] >= 0 else None,
                "critical": int(critical[0]) + 1 if critical.size else None,
                "acted": min(acted) if acted else None,
                "first_measure": int(tally.first_measure[k]) if tally.first_measure[k] >= 0 else None,
                "missed": bool(tally.missed[k]),
                "bounced": bounced,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "community",
            "name_en",
            "name_zh",
            "played",
            "alert",
            "critical",
            "acted",
            "first_measure",
            "missed",
            "bounced",
        ],
    )
    return frame.astype({c: "Int64" for c in ("alert", "critical", "acted", "first_measure")})


def debrief(
    ex: Exercise,
    presets: Sequence[str] | None = None,
    key_decisions: int = 3,
    progress: Callable[[str], None] | None = None,
) -> Debrief:
    """The team against every preset pattern (on the same seed and injects) and the key decisions.

    Args:
        ex: the drill (finished or not: an unfinished one is played to its end by the rules on a
            copy, the drill itself left as it is).
        presets: the patterns to compare with (default: every preset).
        key_decisions: how many of the decisions that mattered most to keep.
        progress: called with a short note as each run finishes (the app shows it).
    """
    from coop_agents.patterns import preset_names

    presets = list(preset_names() if presets is None else presets)
    if ex.finished:
        model, team = ex.model, ex.outcomes()
    else:
        model = ex.rebuild()
        model.run()
        team = model.outcomes()
    construction = ex.model.construction
    injects = [inject for _, inject in ex.fired]
    n = model.series.n
    risk = model.series.matrices["risk"][:n].astype(float)
    states = model.series.matrices["states"][:n]
    levels = model.series.matrices["level"][:n].astype(float)
    runs: dict[str, dict[str, float]] = {}
    harm_series = {"team": model.series.data["harm"][:n].copy()}
    for name in presets:
        if progress:
            progress(name)
        preset = _rules_run(construction, name, injects)
        runs[name] = preset.outcomes()
        harm_series[name] = preset.series.data["harm"][: preset.series.n].copy()
    hazard = model.config.hazard if model.config.arrival == "single" else _hazard_of(model)
    several = model.config.arrival != "single"
    names = table_outcomes(hazard, several)
    table = pd.DataFrame(
        {
            "label_en": [outcome_label(o, "en", hazard) for o in names],
            "label_zh": [outcome_label(o, "zh", hazard) for o in names],
            "unit": [OUTCOMES[o].unit for o in names],
            "better": [OUTCOMES[o].better for o in names],
            "team": [team[o] for o in names],
            **{p: [runs[p][o] for o in names] for p in presets},
        },
        index=pd.Index(names, name="outcome"),
    )
    taken = pd.DataFrame(
        ex.taken,
        columns=[
            "turn",
            "day",
            "key",
            "role",
            "kind",
            "organisation",
            "community",
            "choice",
            "suggested",
            "answered",
            "player",
        ],
    )
    keys = _key_decisions(ex, team, key_decisions, progress)
    communities = _communities(ex, model, risk, taken)
    human_kinds = {o.kind for o in ex.model.organisations if ex.role_of(o.node) is not None}
    msel = []
    for turn, inject in ex.fired:
        status, day = expected_met(inject, inject.communities(model), states, levels, ex.taken, human_kinds)
        msel.append(
            {
                "turn": turn,
                "day": inject.day,
                "inject": inject.id,
                "target": inject.target,
                **{
                    f"{k}_{lang}": getattr(inject, k)(lang)
                    for k in ("title", "message", "expected")
                    for lang in LANGS
                },
                "status": status,
                "met_day": day,
                "gap": None if day is None else day - inject.day,
            }
        )
    notes = pd.DataFrame(
        [
            {k: r.get(k) for k in ("turn", "day", "role", "player", "text")}
            for r in ex.records
            if r.get("type") == "note"
        ],
        columns=["turn", "day", "role", "player", "text"],
    )
    players: dict[str, list[str]] = {}
    for r in ex.records:
        if r.get("player") and r.get("role") is not None:
            names_ = players.setdefault(str(r["role"]), [])
            if r["player"] not in names_:
                names_.append(r["player"])
    roles = {str(h): {lang: role_name(ex, h, lang) for lang in LANGS} for h in ex.humans}
    msel_frame = pd.DataFrame(
        msel,
        columns=["turn", "day", "inject", "target"]
        + [f"{k}_{lang}" for k in ("title", "message", "expected") for lang in LANGS]
        + ["status", "met_day", "gap"],
    )
    table.attrs.update(
        key_decisions=keys, communities=communities, decisions=taken, msel=msel_frame, notes=notes
    )
    return Debrief(
        settings=dict(ex.settings),
        table=table,
        key_decisions=keys,
        communities=communities,
        decisions=taken,
        msel=msel_frame,
        notes=notes,
        players=players,
        roles=roles,
        risk=risk,
        harm_series=harm_series,
        alert_threshold=float(model.config.alert_threshold),
        last_played=ex.last_played,
        turns=len(ex.turns),
        hazard=hazard,
        several=several,
        injects=injects,
        log=str(ex.log) if ex.log else None,
    )


def _hazard_of(model: CoordinationModel) -> str | None:
    hazards = {type(e).name for e in getattr(model.hazard, "events", [])} or {model.config.hazard}
    return hazards.pop() if len(hazards) == 1 else None


# ----------------------------------------------------------------------------- the page


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _num(x: float | None, decimals: int | None = None, lang: str = "en") -> str:
    return format_number(x, decimals, na="n/a" if lang == "en" else "不适用")


def _pattern(name: str, lang: str) -> str:
    from coop_agents.i18n import pattern_label
    from coop_agents.patterns import load_pattern

    try:
        return pattern_label(load_pattern(name), lang)
    except CoopError:
        return str(name)


def _scenario(name: str, lang: str) -> str:
    from coop_agents.i18n import scenario_title
    from coop_agents.scenarios import load_scenario

    try:
        return scenario_title(load_scenario(name), lang)
    except CoopError:
        return str(name)


def _day(day: Any, lang: str) -> str:
    return t("never", lang) if day is None or pd.isna(day) else t("day", lang, day=int(day))


def _svg_risk(d: Debrief, lang: str) -> str:
    """The true risk of each community over time, the critical point, the drill's days, the
    team's acting decisions and the injects."""
    w, h, left, right, top, bottom = 720, 280, 44, 160, 14, 30
    days = d.risk.shape[0] - 1
    if days < 1:
        return ""
    shown = [k for k in range(d.risk.shape[1]) if d.risk[:, k].max() >= d.alert_threshold]
    top_risk = max(1.2, float(d.risk.max()) * 1.05)

    def x(day: float) -> float:
        return left + (w - left - right) * day / days

    def y(r: float) -> float:
        return top + (h - top - bottom) * (1 - min(r, top_risk) / top_risk)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        f'class="chart" aria-label="{_e(t("d.timeline", lang))}">'
    ]
    if d.last_played:
        parts.append(
            f'<rect x="{x(0.5):.1f}" y="{top}" width="{x(d.last_played + 0.5) - x(0.5):.1f}" '
            f'height="{h - top - bottom}" fill="#f1f4f8"/>'
        )
    for level, dash in ((1.0, "6 3"), (d.alert_threshold, "2 3")):
        parts.append(
            f'<line x1="{left}" x2="{w - right}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="#999" stroke-dasharray="{dash}"/>'
        )
    parts.append(
        f'<text x="{w - right + 4}" y="{y(1.0) + 4:.1f}" class="axis">1 = {_e(t("col.critical", lang))}</text>'
    )
    for tick in range(0, days + 1, max(1, days // 8)):
        parts.append(f'<text x="{x(tick):.1f}" y="{h - 10}" class="axis" text-anchor="middle">{tick}</text>')
    for r in (0.0, 0.5, 1.0):
        parts.append(f'<text x="{left - 6}" y="{y(r) + 4:.1f}" class="axis" text-anchor="end">{r:g}</text>')
    taken = d.decisions
    for i, k in enumerate(shown):
        colour = _COLOURS[i % len(_COLOURS)]
        points = " ".join(f"{x(day):.1f},{y(float(d.risk[day, k])):.1f}" for day in range(days + 1))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" points="{points}"/>')
        label = (
            d.communities.loc[d.communities["community"] == k, f"name_{lang}"].iloc[0]
            if not d.communities.empty
            else str(k + 1)
        )
        parts.append(
            f'<text x="{w - right + 4}" y="{top + 14 + 14 * i}" class="axis" fill="{colour}">'
            f"— {_e(label)}</text>"
        )
        if not taken.empty:
            mine = taken[(taken["community"] == k)]
            for day in sorted({int(r.day) for r in mine.itertuples() if acts(r.kind, r.choice)}):
                if day <= days:
                    cx, cy = x(day), y(float(d.risk[day, k]))
                    parts.append(
                        f'<path d="M{cx:.1f},{cy - 5:.1f} L{cx - 4:.1f},{cy + 3:.1f} '
                        f'L{cx + 4:.1f},{cy + 3:.1f} Z" fill="{colour}" stroke="#222" stroke-width="0.5"/>'
                    )
    for inject in d.injects:
        if inject.day <= days:
            cx = x(inject.day)
            parts.append(
                f'<path d="M{cx:.1f},{top:.1f} l4,5 l-4,5 l-4,-5 Z" fill="#c62828"><title>'
                f"{_e(inject.title(lang))}</title></path>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _svg_harm(d: Debrief, lang: str) -> str:
    """Residents harmed over time: the team and every preset."""
    w, h, left, right, top, bottom = 720, 220, 44, 200, 10, 26
    days = max(len(s) for s in d.harm_series.values()) - 1
    top_harm = max(1.0, max(float(s.max()) for s in d.harm_series.values())) * 1.05
    if days < 1:
        return ""

    def x(day: float) -> float:
        return left + (w - left - right) * day / days

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - v / top_harm)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" class="chart">'
    ]
    for tick in range(0, days + 1, max(1, days // 8)):
        parts.append(f'<text x="{x(tick):.1f}" y="{h - 8}" class="axis" text-anchor="middle">{tick}</text>')
    parts.append(f'<text x="{left - 6}" y="{y(0) + 4:.1f}" class="axis" text-anchor="end">0</text>')
    parts.append(
        f'<text x="{left - 6}" y="{y(top_harm / 1.05) + 4:.1f}" class="axis" text-anchor="end">'
        f"{_e(format_number(round(top_harm / 1.05)))}</text>"
    )
    ends = []
    for i, (name, series) in enumerate(d.harm_series.items()):
        team = name == "team"
        colour = "#111" if team else _COLOURS[i % len(_COLOURS)]
        points = " ".join(f"{x(day):.1f},{y(float(v)):.1f}" for day, v in enumerate(series))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="{2.6 if team else 1.1}" '
            f'points="{points}"/>'
        )
        ends.append((float(series[-1]), colour, t("d.team", lang) if team else _pattern(name, lang), team))
    ends.sort(key=lambda e: -e[0])
    for i, (value, colour, label, team) in enumerate(ends):
        weight = ' font-weight="bold"' if team else ""
        parts.append(
            f'<text x="{w - right + 4}" y="{top + 12 + 13 * i}" class="axis" fill="{colour}"{weight}>'
            f"{_e(label)}: {_e(format_number(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
       "Helvetica Neue", Arial, sans-serif; color: #1b1b1b; margin: 0 auto; max-width: 190mm; padding: 8mm 6mm;
       font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 19pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #ccd; padding-bottom: 1mm; break-after: avoid; }
p.sub { color: #555; margin: 0 0 4mm; }
p.help { color: #555; font-size: 9pt; margin: 1mm 0 2mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 9pt; break-inside: auto; }
th, td { border-bottom: 1px solid #dde; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #f1f4f8; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
td.best { font-weight: 700; }
table.outcomes { table-layout: fixed; font-size: 8pt; }
table.outcomes th.n { white-space: normal; font-size: 7.5pt; }
table.outcomes td:first-child, table.outcomes th:first-child { width: 24%; }
th.team, td.team { background: #fff7e0; }
.chart { display: block; margin: 2mm 0; }
.chart .axis, svg text.axis { font-size: 10px; fill: #444; }
.headline { font-size: 11.5pt; background: #f6f8fb; border-left: 3px solid #1f5f99; padding: 2mm 3mm; }
.key li { margin-bottom: 1.5mm; }
.status-met { color: #2e7d32; } .status-missed { color: #c62828; } .status-model { color: #666; }
.plan td { height: 11mm; }
code { font-size: 8.5pt; word-break: break-all; }
footer { color: #666; font-size: 8.5pt; margin-top: 6mm; }
@media print { body { padding: 0; } h2 { break-after: avoid; } .chart { break-inside: avoid; } }
"""


def _outcome_table(d: Debrief, lang: str) -> str:
    columns = [c for c in d.table.columns if c not in ("label_en", "label_zh", "unit", "better")]
    heads = "".join(
        f'<th class="n{" team" if c == "team" else ""}">'
        f"{_e(t('d.team', lang) if c == 'team' else _pattern(c, lang))}</th>"
        for c in columns
    )
    body = []
    for outcome, row in d.table.iterrows():
        values = [row[c] for c in columns]
        dec = decimals_for([v for v in values if v is not None], OUTCOMES[outcome].decimals)
        finite = [v for v in values if v is not None and not math.isnan(v)]
        best = None
        if finite and row["better"] in ("lower", "higher"):
            best = min(finite) if row["better"] == "lower" else max(finite)
        cells = []
        for c, v in zip(columns, values):
            cls = "n" + (" team" if c == "team" else "") + (" best" if best is not None and v == best else "")
            cells.append(f'<td class="{cls}">{_e(_num(v, dec, lang))}</td>')
        arrow = {"lower": " ↓", "higher": " ↑"}.get(row["better"], "")
        body.append(
            f'<tr><td>{_e(row[f"label_{lang}"])}{arrow} <span class="unit">'
            f"({_e(outcome_unit(outcome, lang))})</span></td>{''.join(cells)}</tr>"
        )
    label = "Outcome" if lang == "en" else "结果"
    return (
        f'<table class="outcomes"><thead><tr><th>{label}</th>{heads}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _decision_text(kind: str, choice: Any, community: int, lang: str) -> str:
    where = "" if community < 0 else f" · {target_name('community', community, lang)}"
    return f"{kind_label(kind, lang)}{where}: {choice_label(kind, choice, lang)}"


def _key_html(d: Debrief, lang: str) -> str:
    if d.key_decisions.empty:
        return f"<p>{_e(t('d.key.none', lang))}</p>"
    items = []
    for row in d.key_decisions.itertuples():
        when = (
            t("day", lang, day=row.first)
            if row.first == row.last
            else t("days", lang, first=row.first, last=row.last)
        )
        shown = row.decisions[:4]
        decisions = "; ".join(
            f"{role_label(d, r['role'], lang)} — {_decision_text(r['kind'], r['choice'], r['community'], lang)} "
            f"({t('col.rules', lang)}: {choice_label(r['kind'], r['suggested'], lang)})"
            for r in shown
        )
        if len(row.decisions) > len(shown):
            decisions += " …"
        delta = row.harm_delta
        sign = t("d.key.worse" if delta > 0 else "d.key.better" if delta < 0 else "d.key.same", lang)
        items.append(
            f"<li>{_e(t('d.key.row', lang, when=when, decisions=decisions, harm_delta=_num(row.harm_rules, 0), sign=sign))}"
            f" <b>{_e(('Δ ' if lang == 'en' else '差值 ') + _num(delta, 0))}</b></li>"
        )
    return f'<ol class="key">{"".join(items)}</ol>'


def role_label(d: Debrief, role: Any, lang: str) -> str:
    return d.roles.get(str(role), {}).get(lang, str(role))


def _communities_html(d: Debrief, lang: str) -> str:
    heads = [
        t("community", lang),
        t("col.alert", lang),
        t("col.critical", lang),
        t("col.acted", lang),
        t("col.first_measure", lang),
        t("col.missed", lang),
        t("col.bounced", lang),
    ]
    body = []
    for r in d.communities.itertuples():
        if pd.isna(r.alert) and pd.isna(r.acted) and pd.isna(r.first_measure):
            continue  # never at risk and nobody acted there: nothing to say
        played = " *" if r.played else ""
        body.append(
            "<tr>"
            + "".join(
                f"<td>{_e(c)}</td>"
                for c in (
                    getattr(r, f"name_{lang}") + played,
                    _day(r.alert, lang),
                    _day(r.critical, lang),
                    _day(r.acted, lang),
                    _day(r.first_measure, lang),
                    t("yes" if r.missed else "no", lang),
                    r.bounced,
                )
            )
            + "</tr>"
        )
    note = "* " + ("played by people" if lang == "en" else "由人员扮演")
    return (
        f"<table><thead><tr>{''.join(f'<th>{_e(h)}</th>' for h in heads)}</tr></thead>"
        f'<tbody>{"".join(body)}</tbody></table><p class="help">{_e(note)}</p>'
    )


def _decisions_html(d: Debrief, lang: str) -> str:
    if d.decisions.empty:
        return f"<p>{_e(t('d.decisions.none', lang))}</p>"
    rows = [r for r in d.decisions.itertuples() if r.choice != r.suggested or acts(r.kind, r.choice)]
    if not rows:
        return f"<p>{_e(t('d.decisions.none', lang))}</p>"
    heads = [
        t("col.when", lang),
        t("col.role", lang),
        t("col.decision", lang),
        t("col.choice", lang),
        t("col.rules", lang),
        t("col.how", lang),
    ]
    body = []
    for r in rows:
        where = "" if r.community < 0 else f" · {target_name('community', r.community, lang)}"
        how = (
            t("how.answered", lang) + (f" ({r.player})" if r.player else "")
            if r.answered
            else t("how.default", lang)
        )
        differs = ' style="background:#fdecea"' if r.choice != r.suggested else ""
        body.append(
            f"<tr{differs}>"
            + "".join(
                f"<td>{_e(c)}</td>"
                for c in (
                    t("day", lang, day=r.day),
                    role_label(d, r.role, lang),
                    kind_label(r.kind, lang) + where,
                    choice_label(r.kind, r.choice, lang),
                    choice_label(r.kind, r.suggested, lang),
                    how,
                )
            )
            + "</tr>"
        )
    return (
        f'<table class="decisions"><thead><tr>{"".join(f"<th>{_e(h)}</th>" for h in heads)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _msel_html(d: Debrief, lang: str) -> str:
    if d.msel.empty:
        return f"<p>{_e(t('d.msel.none', lang))}</p>"
    heads = [
        t("col.when", lang),
        t("col.inject", lang),
        t("col.expected", lang),
        t("col.happened", lang),
        t("col.gap", lang),
    ]
    body = []
    for r in d.msel.itertuples():
        status = {
            "met": t("msel.met", lang, day=r.met_day),
            "missed": t("msel.missed", lang),
            "model": t("msel.model", lang),
        }[r.status]
        gap = (
            ""
            if r.gap is None or (isinstance(r.gap, float) and math.isnan(r.gap))
            else t("msel.gap", lang, days=int(r.gap))
        )
        body.append(
            "<tr>" + f"<td>{_e(t('day', lang, day=r.day))}</td>"
            f"<td><b>{_e(getattr(r, f'title_{lang}'))}</b><br>{_e(getattr(r, f'message_{lang}'))}</td>"
            f"<td>{_e(getattr(r, f'expected_{lang}'))}</td>"
            f'<td class="status-{r.status}">{_e(status)}</td><td>{_e(gap)}</td></tr>'
        )
    return (
        f'<table class="msel"><thead><tr>{"".join(f"<th>{_e(h)}</th>" for h in heads)}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _plan_html(d: Debrief, lang: str) -> str:
    gaps = []
    for r in d.msel.itertuples():
        if r.status == "missed":
            gaps.append((getattr(r, f"title_{lang}"), getattr(r, f"expected_{lang}")))
    for r in d.key_decisions.itertuples():
        if r.harm_delta > 0:
            when = t("day", lang, day=r.first)
            first = r.decisions[0]
            gaps.append(
                (
                    f"{when}: {_decision_text(first['kind'], first['choice'], first['community'], lang)}",
                    f"{t('col.rules', lang)}: {choice_label(first['kind'], first['suggested'], lang)}",
                )
            )
    for r in d.communities.itertuples():
        if r.missed:
            gaps.append((f"{getattr(r, f'name_{lang}')}: {t('col.missed', lang)}", t("plan.missed", lang)))
    while len(gaps) < 3:
        gaps.append(("", ""))
    heads = [
        t("col.what", lang),
        t("col.expected", lang),
        t("col.improvement", lang),
        t("col.owner", lang),
        t("col.due", lang),
    ]
    body = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td></td><td></td><td></td></tr>" for a, b in gaps)
    return (
        f'<table class="plan"><thead><tr>{"".join(f"<th>{_e(h)}</th>" for h in heads)}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def render_debrief(d: Debrief, lang: str = "zh", log_path: str | Path | None = None) -> str:
    """The debrief as one self-contained HTML page in ``lang`` (``zh`` or ``en``)."""
    if lang not in LANGS:
        raise CoopError(f"--lang {lang}: allowed: {', '.join(LANGS)}")
    s = d.settings
    pattern = _pattern(s["pattern"], lang)
    turn_len = (
        t("d.turn_len.half", lang)
        if s["turn_days"] == 0.5
        else t("d.turn_len.day", lang)
        if s["turn_days"] == 1
        else t("d.turn_len.days", lang, n=s["turn_days"])
    )
    sep = ", " if lang == "en" else "、"
    roles = sep.join(role_label(d, h, lang) for h in s["humans"]) or t("d.roles.none", lang)
    team_harm = d.table.loc["harm", "team"]
    presets = [c for c in d.table.columns if c not in ("label_en", "label_zh", "unit", "better", "team")]
    headline = ""
    if presets:
        best = min(presets, key=lambda p: (d.table.loc["harm", p], presets.index(p)))
        rules = d.table.loc["harm", s["pattern"]] if s["pattern"] in presets else float("nan")
        headline = t(
            "d.headline",
            lang,
            harm=_num(team_harm, 0),
            pattern=pattern,
            rules=_num(rules, 0),
            best=_pattern(best, lang),
            best_harm=_num(d.table.loc["harm", best], 0),
        )
    players = "".join(
        f"<li>{_e(role_label(d, role, lang))}: {_e(sep.join(names))}</li>"
        for role, names in d.players.items()
    )
    notes = ""
    if not d.notes.empty:
        notes = (
            f"<h2>{_e(t('d.notes', lang))}</h2><ul>"
            + "".join(
                f"<li>{_e(t('day', lang, day=r.day))} · {_e(role_label(d, r.role, lang))}"
                f"{' (' + _e(r.player) + ')' if r.player else ''}: {_e(r.text)}</li>"
                for r in d.notes.itertuples()
            )
            + "</ul>"
        )
    log_name = Path(log_path).name if log_path else (Path(d.log).name if d.log else "drill.jsonl")
    command = " ".join(
        shlex.quote(a)
        for a in (
            "coop-agents",
            "tabletop",
            "replay",
            log_name,
            "--out",
            f"debrief-{lang}.html",
            "--lang",
            lang,
        )
    )
    date = str(s.get("created", ""))[:10] or datetime.now().date().isoformat()
    body = f"""
<h1>{_e(t("d.title", lang))}</h1>
<p class="sub">{
        _e(
            t(
                "d.subtitle",
                lang,
                scenario=_scenario(s["scenario"], lang),
                pattern=pattern,
                seed=s["seed"],
                date=date,
            )
        )
    }</p>
<h2>{_e(t("d.setup", lang))}</h2>
<p>{
        _e(
            t(
                "d.setup.text",
                lang,
                roles=roles,
                pattern=pattern,
                turns=d.turns,
                turn_len=turn_len,
                last=d.last_played,
                default=t("default." + s["default"], lang),
            )
        )
    }</p>
{f"<p><b>{_e(t('d.players', lang))}</b></p><ul>{players}</ul>" if players else ""}
<h2>{_e(t("d.outcomes", lang))}</h2>
{f'<p class="headline">{_e(headline)}</p>' if headline else ""}
<p class="help">{_e(t("d.outcomes.help", lang))}</p>
{_outcome_table(d, lang)}
{_svg_harm(d, lang)}
<h2>{_e(t("d.timeline", lang))}</h2>
<p class="help">{_e(t("d.timeline.help", lang))} {_e(t("risk.help", lang))}</p>
{_svg_risk(d, lang)}
<h3>{_e(t("d.communities", lang))}</h3>
{_communities_html(d, lang)}
<h2>{_e(t("d.key", lang))}</h2>
<p class="help">{_e(t("d.key.help", lang))}</p>
{_key_html(d, lang)}
<h2>{_e(t("d.msel", lang))}</h2>
{_msel_html(d, lang)}
<h2>{_e(t("d.decisions", lang))}</h2>
{_decisions_html(d, lang)}
{notes}
<h2>{_e(t("d.plan", lang))}</h2>
<p class="help">{_e(t("d.plan.help", lang))}</p>
{_plan_html(d, lang)}
<h2>{_e(t("d.reproduce", lang))}</h2>
<p>{_e(t("d.reproduce.text", lang))}</p>
<p><code>{_e(command)}</code></p>
<footer>{
        _e(t("d.versions", lang, version=__version__, log_version=s.get("coop_agents", __version__)))
    }</footer>
"""
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(t('d.title', lang))}</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def write_debrief(d: Debrief, path: str | Path, lang: str = "zh", log_path: str | Path | None = None) -> Path:
    """Write the debrief page to ``path`` (atomically, as the drill's log is written)."""
    path = Path(path)
    page = render_debrief(d, lang, log_path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(
            dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.", suffix=".tmp"
        )
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise CoopError(
            f"cannot write {path} ({exc.strerror or type(exc).__name__}); give a file in a folder "
            "this user can write to"
        ) from None
    return path
