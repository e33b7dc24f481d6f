"""The brief's text: numbers as the page writes them, pattern and outcome names, the headlines.

Every number goes through :func:`_span` (on the page: a ``<span>`` naming its source cell) or
:func:`_plain` (plain text); the words come from :mod:`coop_agents.i18n.brief_strings`, in the
words of the scenario's hazard.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from coop_agents.errors import ConfigError
from coop_agents.experiments.analysis import find_outcome, outcome_label, outcome_unit
from coop_agents.i18n.brief_strings import BRIEF, LANGS, PHRASES
from coop_agents.numbers import decimals_for, format_number

if TYPE_CHECKING:  # the comparison calls the headlines; the text only reads the comparison
    from coop_agents.workshop.brief.comparison import Comparison

__all__ = ["fmt_value", "fmt_pct"]


def fmt_value(x: float, lang: str = "en", decimals: int | None = None) -> str:
    """A mean, difference or bound as the brief shows it: :func:`coop_agents.numbers.format_number`
    (``decimals``, or three significant figures), "n/a" in ``lang`` for a missing value."""
    return format_number(x, decimals, na=BRIEF[lang]["na"])


def fmt_pct(x: float, lang: str = "en", decimals: int | None = None) -> str:
    """The size of a relative difference in percent, without its sign: -0.312 → ``31``
    (one decimal below 10%)."""
    if x is None or math.isnan(x):
        return BRIEF[lang]["na"]
    p = abs(x) * 100
    return format_number(p, decimals if decimals is not None else 0 if p >= 10 or p == 0 else 1)


def _fmt_count(x: float, lang: str = "en", decimals: int | None = None) -> str:
    """A count of runs or pairs: a whole number, thousands grouped as every other number."""
    return format_number(int(x), 0, na=BRIEF[lang]["na"])


_FORMATS = {
    "value": fmt_value,
    "abs": lambda x, lang, decimals=None: fmt_value(abs(x), lang, decimals),
    "pct": fmt_pct,
    "count": _fmt_count,
}


def _decimals(outcome: str, values) -> int:
    """The decimals of a row of ``outcome``'s values: the registry's, none if all are whole."""
    return decimals_for([abs(v) for v in values], find_outcome(outcome).decimals)


def _plain(kind: str, x: float, src: str, lang: str, decimals: int | None = None) -> str:
    return _FORMATS[kind](x, lang, decimals)


def _span(kind: str, x: float, src: str, lang: str, decimals: int | None = None) -> str:
    dec = "" if decimals is None else f' data-dec="{decimals}"'
    return (
        f'<span class="v" data-src="{html.escape(src)}" data-kind="{kind}"{dec}>'
        f"{html.escape(_FORMATS[kind](x, lang, decimals))}</span>"
    )


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ConfigError(f"lang {lang!r}: not allowed; expected one of {', '.join(LANGS)}")


@functools.cache
def _pattern_card(pattern: str, lang: str):
    from coop_agents.workshop.cards import pattern_card

    return pattern_card(pattern, lang)


def _label(pattern: str, lang: str, inline: bool = False) -> str:
    """A pattern's name on the page; ``inline``: inside a sentence."""
    label = _pattern_card(pattern, lang).label
    if not inline:
        return label
    if lang == "zh":
        return label if label.endswith("模式") else f"{label}模式"
    # Lower-case the first letter mid-sentence, unless the first word is an acronym.
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _outcome_label(c: Comparison, outcome: str, lang: str) -> str:
    """An outcome's label from the registry, in the words of the comparison's hazard."""
    return outcome_label(outcome, lang, hazard=c.hazard)


def _words(c: Comparison, key: str, lang: str) -> str:
    """A text of :data:`BRIEF` in the words of the hazard: ``key_any`` (events) where the
    scenario is not an epidemic and such a variant exists, else ``key`` (outbreaks)."""
    if c.hazard != "contagion" and f"{key}_any" in BRIEF[lang]:
        return BRIEF[lang][f"{key}_any"]
    return BRIEF[lang][key]


def _events(c: Comparison, lang: str) -> tuple[str, str]:
    """The words for one simulated event and several: outbreaks for an epidemic, events otherwise."""
    return _words(c, "event_one", lang), _words(c, "events", lang)


def _why(outcome: str, lang: str) -> str:
    """Why an outcome can be undefined: the registry's n/a rule, as a clause."""
    meta = find_outcome(outcome)
    why = (meta.na_zh if lang == "zh" else meta.na_en).strip().rstrip(".。")
    if not why:
        return BRIEF[lang]["why_other"]
    return why if lang == "zh" else why[:1].lower() + why[1:]


def _fill(lang: str, key: str, as_html: bool, **values) -> str:
    text = BRIEF[lang][key]
    return (html.escape(text, quote=False) if as_html else text).format(**values)


def _headline(c: Comparison, pattern: str, outcome: str, lang: str, num: Callable) -> str:
    """One sentence: how ``pattern`` did against the baseline on ``outcome``, with its numbers."""
    as_html = num is _span
    esc = html.escape if as_html else (lambda s: s)
    get = functools.partial(c.value, "paired", pattern, outcome)
    # The differences of a sentence share one number of decimals (the registry's for the outcome).
    dec = _decimals(outcome, [get(k) for k in ("mean_diff", "ci_low", "ci_high")])

    def v(column: str, kind: str) -> str:
        return num(
            kind,
            get(column),
            f"paired|{pattern}|{outcome}|{column}",
            lang,
            dec if kind in ("value", "abs") else None,
        )

    a, b = esc(_label(pattern, lang, inline=True)), esc(_label(c.baseline, lang, inline=True))
    label = esc(_outcome_label(c, outcome, lang))
    events = esc(_events(c, lang)[1])
    n, missing = get("n_pairs"), get("n_missing")
    if math.isnan(n) or n == 0:
        return _fill(lang, "headline_none", as_html, label=label, a=a, b=b, why=esc(_why(outcome, lang)))
    if get("n_equal") == n:
        text = _fill(
            lang, "headline_same", as_html, n=v("n_pairs", "count"), events=events, a=a, b=b, label=label
        )
    else:
        words = PHRASES[outcome][lang]
        diff = get("mean_diff")
        lower = diff < 0 or (diff == 0 and get("n_lower") >= get("n_higher"))
        side = "lower" if lower else "higher"
        # Chinese names the outcome by its registry label; English says it in a phrase of its own.
        phrase = esc(_outcome_label(c, outcome, lang) + words[side] if lang == "zh" else words[side])
        word = esc(words["less" if lower else "more"])
        ties = _fill(lang, "ties", as_html, m=v("n_equal", "count")) if get("n_equal") else ""
        common = dict(
            k=v("n_lower" if lower else "n_higher", "count"),
            n=v("n_pairs", "count"),
            events=events,
            phrase=phrase,
            a=a,
            b=b,
            ties=ties,
            word=word,
            unit=esc(_unit(outcome, lang)),
        )

        def unclear(key: str, low: float, high: float, **numbers: str) -> str:
            """An interval that includes no difference: each end's direction in words."""
            return _fill(
                lang,
                key,
                as_html,
                word_lo=esc(words["less" if low < 0 else "more"]),
                word_hi=esc(words["less" if high < 0 else "more"]),
                **numbers,
                **common,
            )

        rel, rel_lo, rel_hi = get("rel_diff"), get("rel_ci_low"), get("rel_ci_high")
        lo, hi = get("ci_low"), get("ci_high")
        rel_ok = not math.isnan(rel) and not math.isnan(rel_lo)
        if math.isnan(lo):
            text = _fill(lang, "headline_noci", as_html, abs=v("mean_diff", "abs"), **common)
        elif lo * hi <= 0:  # the difference's interval includes no difference
            text = unclear(
                "headline_abs_unclear",
                lo,
                hi,
                abs=v("mean_diff", "abs"),
                abs_lo=v("ci_low", "abs"),
                abs_hi=v("ci_high", "abs"),
            )
        elif not rel_ok:  # the baseline averaged zero, or too close to it for a percentage's interval
            near, far = ("ci_high", "ci_low") if lower else ("ci_low", "ci_high")
            key = "headline_abs" if math.isnan(rel) else "headline_abs_norel"
            text = _fill(
                lang,
                key,
                as_html,
                abs=v("mean_diff", "abs"),
                abs_lo=v(near, "abs"),
                abs_hi=v(far, "abs"),
                **common,
            )
        elif rel_lo * rel_hi <= 0:  # the ratio's interval includes no difference
            text = unclear(
                "headline_unclear",
                rel_lo,
                rel_hi,
                pct=v("rel_diff", "pct"),
                lo=v("rel_ci_low", "pct"),
                hi=v("rel_ci_high", "pct"),
            )
        else:
            near, far = ("rel_ci_high", "rel_ci_low") if lower else ("rel_ci_low", "rel_ci_high")
            abs_near, abs_far = ("ci_high", "ci_low") if lower else ("ci_low", "ci_high")
            text = _fill(
                lang,
                "headline_better",
                as_html,
                pct=v("rel_diff", "pct"),
                lo=v(near, "pct"),
                hi=v(far, "pct"),
                abs=v("mean_diff", "abs"),
                abs_lo=v(abs_near, "abs"),
                abs_hi=v(abs_far, "abs"),
                **common,
            )
    if missing:
        text += _fill(
            lang, "missing", as_html, m=v("n_missing", "count"), label=label, why=esc(_why(outcome, lang))
        )
    return text


def _e(text) -> str:
    return html.escape(str(text))


def _unit(outcome: str, lang: str) -> str:
    """An outcome's unit in ``lang``, from the registry."""
    return outcome_unit(outcome, lang)
