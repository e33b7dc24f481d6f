"""The round's result on the page: the best pattern of each question, who predicted it, the means
with their intervals, and the brief of the same batch to download."""

from __future__ import annotations

import math
from html import escape
from typing import Any

import solara
import solara.lab

from coop_agents.i18n import outcome_label, pattern_label, text, unit_label
from coop_agents.metrics import OUTCOMES
from coop_agents.patterns import load_pattern
from coop_agents.viz.components import HELP_STYLE, NUMBER
from coop_agents.viz.workshop.rounds import (
    QUESTIONS,
    pattern_means,
    predictions,
    predictions_by_question,
    round_id,
    verdicts,
)

__all__ = ["ExportView", "ResultView", "pattern_name"]


def pattern_name(name: str, lang: str) -> str:
    return pattern_label(load_pattern(name), lang)  # not a whole card: this runs on every redraw


@solara.component
def ResultView(comparison: Any, lang: str):
    """The best pattern of each question, who predicted it, and the means with their intervals."""
    from coop_agents.workshop.brief import fmt_value

    best = solara.use_memo(lambda: {q: comparison.best(q) for q in QUESTIONS}, [id(comparison)])
    means = solara.use_memo(lambda: {q: pattern_means(comparison, q) for q in QUESTIONS}, [id(comparison)])
    headlines = solara.use_memo(lambda: comparison.headlines(lang), [id(comparison), lang])
    judged = verdicts(best, predictions.value)
    right = sum(ok for q in QUESTIONS for _, _, ok in judged[q])
    with solara.Columns([1, 1]):
        for q in QUESTIONS:
            with solara.Column(gap="4px", classes=[f"coop-result-{q}"]):
                solara.Text(
                    text(f"workshop.best.{q}", lang, pattern=pattern_name(best[q], lang)),
                    style={"font-size": "1.15rem", "font-weight": "bold"},
                    classes=["coop-best"],
                )
                for participant, pattern, ok in judged[q]:
                    mark = "✓ " + text("workshop.right", lang) if ok else "✗ " + text("workshop.wrong", lang)
                    solara.Text(
                        f"{participant}: {pattern_name(pattern, lang)} — {mark}",
                        classes=["coop-verdict", "coop-right" if ok else "coop-wrong"],
                        style={"color": "#2e7d32" if ok else "#c62828"},
                    )
    total = sum(len(judged[q]) for q in QUESTIONS)
    if total:
        solara.Text(text("workshop.score", lang, right=right, total=total), classes=["coop-score"])
    heads = [text("workshop.table.pattern", lang)] + [
        f"{outcome_label(q, lang)} ({unit_label(OUTCOMES[q].unit, lang)})" for q in QUESTIONS
    ]
    body = ""
    for pattern in comparison.patterns:
        cells = [escape(pattern_name(pattern, lang))]
        for q in QUESTIONS:
            mean, low, high = means[q][pattern]
            interval = "" if math.isnan(low) else f" [{fmt_value(low, lang)}, {fmt_value(high, lang)}]"
            cell = escape(fmt_value(mean, lang) + interval)
            cells.append(f"<b>{cell}</b>" if pattern == best[q] else cell)
        body += "<tr>" + "".join(f"<td{NUMBER if i else ''}>{c}</td>" for i, c in enumerate(cells)) + "</tr>"
    solara.Text(text("workshop.means", lang, replicates=comparison.replicates), style={"margin-top": "12px"})
    head = "".join(f"<th{NUMBER if i else ''}>{escape(h)}</th>" for i, h in enumerate(heads))
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        classes=["v-data-table", "v-data-table--dense", "coop-means"],
    )
    solara.Text(text("workshop.headlines", lang), style={"margin-top": "12px"})
    solara.HTML(
        tag="ul",
        unsafe_innerHTML="".join(f"<li>{escape(h)}</li>" for h in headlines),
        classes=["coop-headlines"],
    )


@solara.component
def ExportView(comparison: Any, lang: str):
    """The brief of this batch, in ``lang``, with the predictions, made when the button is pressed."""
    from coop_agents.workshop.brief import render_brief

    entered = predictions.value
    brief = solara.use_memo(
        lambda: lambda: render_brief(comparison, lang=lang, predictions=predictions_by_question(entered)),
        [id(comparison), lang, entered],
    )
    solara.FileDownload(
        brief,
        filename=f"workshop-brief-{round_id.value or 'round'}-{lang}.html",
        label=text("workshop.export", lang),
        mime_type="text/html",
    )
    solara.Text(text("workshop.export.help", lang), style=HELP_STYLE)
