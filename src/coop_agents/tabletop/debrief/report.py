"""The debrief as one self-contained HTML page (no external requests, inline SVG, prints on A4),
following the after-action report and improvement plan (AAR/IP; 演练评估报告 with 总结与改进)."""

from __future__ import annotations

import math
import shlex
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from coop_agents import __version__
from coop_agents.errors import CoopError
from coop_agents.numbers import decimals_for
from coop_agents.outcome_registry import OUTCOMES, outcome_unit
from coop_agents.tabletop.debrief.figures import svg_harm, svg_risk
from coop_agents.tabletop.debrief.tables import Debrief, acts
from coop_agents.tabletop.debrief.words import (
    day_text,
    decision_text,
    esc,
    num,
    pattern_name,
    role_label,
    scenario_name,
)
from coop_agents.tabletop.injects import target_name
from coop_agents.tabletop.log import replace_atomically
from coop_agents.tabletop.strings import LANGS, choice_label, kind_label, t

__all__ = ["render_debrief", "role_label", "write_debrief"]

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
        f"{esc(t('d.team', lang) if c == 'team' else pattern_name(c, lang))}</th>"
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
            cells.append(f'<td class="{cls}">{esc(num(v, dec, lang))}</td>')
        arrow = {"lower": " ↓", "higher": " ↑"}.get(row["better"], "")
        body.append(
            f'<tr><td>{esc(row[f"label_{lang}"])}{arrow} <span class="unit">'
            f"({esc(outcome_unit(outcome, lang))})</span></td>{''.join(cells)}</tr>"
        )
    label = "Outcome" if lang == "en" else "结果"
    return (
        f'<table class="outcomes"><thead><tr><th>{label}</th>{heads}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _key_html(d: Debrief, lang: str) -> str:
    if d.key_decisions.empty:
        return f"<p>{esc(t('d.key.none', lang))}</p>"
    items = []
    for row in d.key_decisions.itertuples():
        when = (
            t("day", lang, day=row.first)
            if row.first == row.last
            else t("days", lang, first=row.first, last=row.last)
        )
        shown = row.decisions[:4]
        decisions = "; ".join(
            f"{role_label(d, r['role'], lang)} — {decision_text(r['kind'], r['choice'], r['community'], lang)} "
            f"({t('col.rules', lang)}: {choice_label(r['kind'], r['suggested'], lang)})"
            for r in shown
        )
        if len(row.decisions) > len(shown):
            decisions += " …"
        delta = row.harm_delta
        sign = t("d.key.worse" if delta > 0 else "d.key.better" if delta < 0 else "d.key.same", lang)
        items.append(
            f"<li>{esc(t('d.key.row', lang, when=when, decisions=decisions, harm_delta=num(row.harm_rules, 0), sign=sign))}"
            f" <b>{esc(('Δ ' if lang == 'en' else '差值 ') + num(delta, 0))}</b></li>"
        )
    return f'<ol class="key">{"".join(items)}</ol>'


def _heads(lang: str, *keys: str) -> list[str]:
    return [t(k, lang) for k in keys]


def _row(cells: Any, attrs: str = "") -> str:
    """A table row of escaped cells."""
    return f"<tr{attrs}>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>"


def _table(heads: list[str], rows: list[str] | str, cls: str = "") -> str:
    """A table: escaped headings over rows already made."""
    klass = f' class="{cls}"' if cls else ""
    return (
        f"<table{klass}><thead><tr>{''.join(f'<th>{esc(h)}</th>' for h in heads)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _communities_html(d: Debrief, lang: str) -> str:
    heads = _heads(
        lang,
        "community",
        "col.alert",
        "col.critical",
        "col.acted",
        "col.first_measure",
        "col.missed",
        "col.bounced",
    )
    body = []
    for r in d.communities.itertuples():
        if pd.isna(r.alert) and pd.isna(r.acted) and pd.isna(r.first_measure):
            continue  # never at risk and nobody acted there: nothing to say
        played = " *" if r.played else ""
        body.append(
            _row(
                (
                    getattr(r, f"name_{lang}") + played,
                    day_text(r.alert, lang),
                    day_text(r.critical, lang),
                    day_text(r.acted, lang),
                    day_text(r.first_measure, lang),
                    t("yes" if r.missed else "no", lang),
                    r.bounced,
                )
            )
        )
    note = "* " + ("played by people" if lang == "en" else "由人员扮演")
    return _table(heads, body) + f'<p class="help">{esc(note)}</p>'


def _decisions_html(d: Debrief, lang: str) -> str:
    if d.decisions.empty:
        return f"<p>{esc(t('d.decisions.none', lang))}</p>"
    rows = [r for r in d.decisions.itertuples() if r.choice != r.suggested or acts(r.kind, r.choice)]
    if not rows:
        return f"<p>{esc(t('d.decisions.none', lang))}</p>"
    heads = _heads(lang, "col.when", "col.role", "col.decision", "col.choice", "col.rules", "col.how")
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
            _row(
                (
                    t("day", lang, day=r.day),
                    role_label(d, r.role, lang),
                    kind_label(r.kind, lang) + where,
                    choice_label(r.kind, r.choice, lang),
                    choice_label(r.kind, r.suggested, lang),
                    how,
                ),
                differs,
            )
        )
    return _table(heads, body, "decisions")


def _msel_html(d: Debrief, lang: str) -> str:
    if d.msel.empty:
        return f"<p>{esc(t('d.msel.none', lang))}</p>"
    heads = _heads(lang, "col.when", "col.inject", "col.expected", "col.happened", "col.gap")
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
            "<tr>" + f"<td>{esc(t('day', lang, day=r.day))}</td>"
            f"<td><b>{esc(getattr(r, f'title_{lang}'))}</b><br>{esc(getattr(r, f'message_{lang}'))}</td>"
            f"<td>{esc(getattr(r, f'expected_{lang}'))}</td>"
            f'<td class="status-{r.status}">{esc(status)}</td><td>{esc(gap)}</td></tr>'
        )
    return _table(heads, body, "msel")


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
                    f"{when}: {decision_text(first['kind'], first['choice'], first['community'], lang)}",
                    f"{t('col.rules', lang)}: {choice_label(first['kind'], first['suggested'], lang)}",
                )
            )
    for r in d.communities.itertuples():
        if r.missed:
            gaps.append((f"{getattr(r, f'name_{lang}')}: {t('col.missed', lang)}", t("plan.missed", lang)))
    while len(gaps) < 3:
        gaps.append(("", ""))
    heads = _heads(lang, "col.what", "col.expected", "col.improvement", "col.owner", "col.due")
    return _table(heads, [_row((a, b, "", "", "")) for a, b in gaps], "plan")


def render_debrief(d: Debrief, lang: str = "zh", log_path: str | Path | None = None) -> str:
    """The debrief as one self-contained HTML page in ``lang`` (``zh`` or ``en``)."""
    if lang not in LANGS:
        raise CoopError(f"--lang {lang}: allowed: {', '.join(LANGS)}")
    s = d.settings
    pattern = pattern_name(s["pattern"], lang)
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
            harm=num(team_harm, 0),
            pattern=pattern,
            rules=num(rules, 0),
            best=pattern_name(best, lang),
            best_harm=num(d.table.loc["harm", best], 0),
        )
    players = "".join(
        f"<li>{esc(role_label(d, role, lang))}: {esc(sep.join(names))}</li>"
        for role, names in d.players.items()
    )
    notes = ""
    if not d.notes.empty:
        notes = (
            f"<h2>{esc(t('d.notes', lang))}</h2><ul>"
            + "".join(
                f"<li>{esc(t('day', lang, day=r.day))} · {esc(role_label(d, r.role, lang))}"
                f"{' (' + esc(r.player) + ')' if r.player else ''}: {esc(r.text)}</li>"
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
<h1>{esc(t("d.title", lang))}</h1>
<p class="sub">{
        esc(
            t(
                "d.subtitle",
                lang,
                scenario=scenario_name(s["scenario"], lang),
                pattern=pattern,
                seed=s["seed"],
                date=date,
            )
        )
    }</p>
<h2>{esc(t("d.setup", lang))}</h2>
<p>{
        esc(
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
{f"<p><b>{esc(t('d.players', lang))}</b></p><ul>{players}</ul>" if players else ""}
<h2>{esc(t("d.outcomes", lang))}</h2>
{f'<p class="headline">{esc(headline)}</p>' if headline else ""}
<p class="help">{esc(t("d.outcomes.help", lang))}</p>
{_outcome_table(d, lang)}
{svg_harm(d, lang)}
<h2>{esc(t("d.timeline", lang))}</h2>
<p class="help">{esc(t("d.timeline.help", lang))} {esc(t("risk.help", lang))}</p>
{svg_risk(d, lang)}
<h3>{esc(t("d.communities", lang))}</h3>
{_communities_html(d, lang)}
<h2>{esc(t("d.key", lang))}</h2>
<p class="help">{esc(t("d.key.help", lang))}</p>
{_key_html(d, lang)}
<h2>{esc(t("d.msel", lang))}</h2>
{_msel_html(d, lang)}
<h2>{esc(t("d.decisions", lang))}</h2>
{_decisions_html(d, lang)}
{notes}
<h2>{esc(t("d.plan", lang))}</h2>
<p class="help">{esc(t("d.plan.help", lang))}</p>
{_plan_html(d, lang)}
<h2>{esc(t("d.reproduce", lang))}</h2>
<p>{esc(t("d.reproduce.text", lang))}</p>
<p><code>{esc(command)}</code></p>
<footer>{
        esc(t("d.versions", lang, version=__version__, log_version=s.get("coop_agents", __version__)))
    }</footer>
"""
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(t('d.title', lang))}</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def write_debrief(d: Debrief, path: str | Path, lang: str = "zh", log_path: str | Path | None = None) -> Path:
    """Write the debrief page to ``path`` (atomically, as the drill's log is written)."""
    path = Path(path)
    page = render_debrief(d, lang, log_path)
    try:
        replace_atomically(path, page, folder=path.parent if str(path.parent) else ".", sync=False)
    except OSError as exc:
        raise CoopError(
            f"cannot write {path} ({exc.strerror or type(exc).__name__}); give a file in a folder "
            "this user can write to"
        ) from None
    return path
