"""The brief's tables: predictions against the results, equity, and every outcome with its intervals."""

from __future__ import annotations

import math

from coop_agents.errors import ConfigError
from coop_agents.experiments.analysis import find_outcome
from coop_agents.i18n.brief_strings import BRIEF
from coop_agents.workshop.brief.comparison import _ALL_OUTCOMES, EQUITY_OUTCOMES, Comparison
from coop_agents.workshop.brief.figures import _chart_equity
from coop_agents.workshop.brief.text import _decimals, _e, _fill, _label, _outcome_label, _span, _unit, _why


def _predictions_html(c: Comparison, lang: str, predictions: dict) -> str:
    rows, bests = [], []
    for outcome, guesses in predictions.items():
        if outcome not in _ALL_OUTCOMES:
            raise ConfigError(
                f"predictions: unknown outcome {outcome!r}; allowed: {', '.join(_ALL_OUTCOMES)}"
            )
        best = c.best(outcome)
        unit = _unit(outcome, lang)
        value = c.value("summary", best, outcome, "mean")
        mean = _span("value", value, f"summary|{best}|{outcome}|mean", lang, _decimals(outcome, [value]))
        bests.append(
            f"<li><b>{_e(_outcome_label(c, outcome, lang))}</b>: "
            + _fill(lang, "pred_best", True, label=_e(_label(best, lang)), mean=mean, unit=_e(unit))
            + "</li>"
        )
        for who, guess in guesses.items():
            if guess not in c.patterns:
                raise ConfigError(
                    f"predictions: {who!r} chose {guess!r}, not one of the patterns compared "
                    f"({', '.join(c.patterns)})"
                )
            right = guess == best
            mark = (
                f'<span class="ok">✓ {_e(BRIEF[lang]["yes"])}</span>'
                if right
                else f'<span class="miss">✗ {_e(BRIEF[lang]["no"])}</span>'
            )
            rows.append(
                f"<tr><td>{_e(_outcome_label(c, outcome, lang))}</td><td>{_e(who)}</td>"
                f"<td>{_e(_label(guess, lang))}</td><td>{mark}</td></tr>"
            )
    head = "".join(
        f"<th>{_e(BRIEF[lang][k])}</th>" for k in ("pred_outcome", "pred_who", "pred_guess", "pred_right")
    )
    return (
        f"<p>{_e(BRIEF[lang]['pred_intro'])}</p><ul>{''.join(bests)}</ul>"
        f'<table class="compact"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _summary_decimals(c: Comparison, o: str) -> int:
    """One number of decimals for every mean and bound of outcome ``o`` (a row of the tables)."""
    columns = ("mean", "ci_low", "ci_high")
    return _decimals(o, [c.value("summary", p, o, k) for p in c.patterns for k in columns])


def _mean_ci(c: Comparison, p: str, o: str, lang: str) -> str:
    dec = _summary_decimals(c, o)

    def s(column):
        return _span("value", c.value("summary", p, o, column), f"summary|{p}|{o}|{column}", lang, dec)

    if math.isnan(c.value("summary", p, o, "ci_low")):
        return s("mean")
    return f"{s('mean')} ({s('ci_low')}–{s('ci_high')})"


def _equity_html(c: Comparison, lang: str) -> str:
    head = "".join(
        f"<th>{_e(x)}</th>"
        for x in (
            BRIEF[lang]["pattern"],
            *(_outcome_label(c, o, lang) + " — " + BRIEF[lang]["mean_ci"] for o in EQUITY_OUTCOMES),
        )
    )
    rows, notes = [], []
    for p in c.patterns:
        cells = "".join(f'<td class="num">{_mean_ci(c, p, o, lang)}</td>' for o in EQUITY_OUTCOMES)
        rows.append(f"<tr><td>{_e(_label(p, lang))}</td>{cells}</tr>")
        missing = c.value("summary", p, "equity_gap", "n_missing")
        if missing > 0:
            notes.append(
                _fill(
                    lang,
                    "equity_missing",
                    True,
                    a=_e(_label(p, lang)),
                    m=_span("count", missing, f"summary|{p}|equity_gap|n_missing", lang),
                    why=_e(_why("equity_gap", lang)),
                )
            )
    return (
        f"<p>{_e(BRIEF[lang]['equity_intro'])}</p>"
        f'<table class="compact"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        + "".join(f'<p class="muted">{n}</p>' for n in notes)
        + f"<figure>{_chart_equity(c, lang)}<figcaption>{_e(BRIEF[lang]['equity_caption'])}</figcaption></figure>"
    )


def _table_html(c: Comparison, lang: str) -> str:
    b = _label(c.baseline, lang)
    head = "".join(
        f"<th>{_e(x)}</th>"
        for x in (
            BRIEF[lang]["outcome"],
            BRIEF[lang]["pattern"],
            BRIEF[lang]["mean_ci"],
            BRIEF[lang]["diff_ci"].format(b=b),
            BRIEF[lang]["rel_ci"],
            BRIEF[lang]["better_in"],
        )
    )
    rows = []
    for o in c.table_outcomes:
        meta = find_outcome(o)
        # Only an outcome with a better direction gets an arrow and a count of pairs it was better in.
        arrow = {"lower": BRIEF[lang]["lower_better"], "higher": BRIEF[lang]["higher_better"]}.get(
            meta.better, ""
        )
        mark = f"<br>{_e(arrow)}" if arrow else ""
        columns = ("mean_diff", "ci_low", "ci_high")
        dec = _decimals(o, [c.value("paired", p, o, k) for p in c.others for k in columns])
        for i, p in enumerate(c.patterns):
            first = (
                (
                    f'<td rowspan="{len(c.patterns)}"><b>{_e(_outcome_label(c, o, lang))}</b><br>'
                    f'<span class="muted">{_e(_unit(o, lang))}{mark}</span></td>'
                )
                if i == 0
                else ""
            )
            diff = rel = better = ""
            if p != c.baseline and not math.isnan(c.value("paired", p, o, "n_pairs")):

                def s(column, kind="value"):
                    return _span(
                        kind,
                        c.value("paired", p, o, column),
                        f"paired|{p}|{o}|{column}",
                        lang,
                        dec if kind == "value" else None,
                    )

                if not math.isnan(c.value("paired", p, o, "ci_low")):
                    diff = f"{s('mean_diff')} ({s('ci_low')}–{s('ci_high')})"
                else:
                    diff = s("mean_diff")

                def signed(column):
                    return ("−" if c.value("paired", p, o, column) < 0 else "+") + s(column, "pct") + "%"

                if not math.isnan(c.value("paired", p, o, "rel_diff")):
                    rel = signed("rel_diff")
                    if not math.isnan(c.value("paired", p, o, "rel_ci_low")):
                        rel += f" ({signed('rel_ci_low')} – {signed('rel_ci_high')})"
                if meta.better in ("lower", "higher"):
                    better = (
                        f"{s('n_lower' if meta.better == 'lower' else 'n_higher', 'count')}/"
                        f"{s('n_pairs', 'count')}"
                    )
            rows.append(
                f'<tr>{first}<td>{_e(_label(p, lang))}</td><td class="num">{_mean_ci(c, p, o, lang)}</td>'
                f'<td class="num">{diff}</td><td class="num">{rel}</td><td class="num">{better}</td></tr>'
            )
    # Thirty outcomes fill seven A4 pages: the handout leaves them to the HTML file.
    return (
        f'<div class="screen-only"><p>{_e(BRIEF[lang]["table_intro"].format(b=b))}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="print-only muted">{_e(BRIEF[lang]["table_print_note"])}</p>'
    )
