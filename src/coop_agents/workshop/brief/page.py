"""The brief's page: its sections in order, the headlines, and the file it is written to."""

from __future__ import annotations

import importlib.metadata
import math
import os
import platform
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.i18n.brief_strings import BRIEF
from coop_agents.workshop.brief.comparison import Comparison
from coop_agents.workshop.brief.figures import _chart_distributions, _chart_time
from coop_agents.workshop.brief.tables import _equity_html, _predictions_html, _table_html
from coop_agents.workshop.brief.text import (
    _check_lang,
    _e,
    _events,
    _fill,
    _headline,
    _label,
    _pattern_card,
    _span,
    _words,
)

__all__ = ["render_brief", "write_brief"]


def _css() -> str:
    return (resources.files("coop_agents.workshop") / "templates" / "brief.css").read_text(encoding="utf-8")


def _section(c: Comparison, key: str, lang: str, body: str) -> str:
    return f'<section id="{key}">\n<h2>{_e(_words(c, "sec_" + key, lang))}</h2>\n{body}\n</section>'


def _story(c: Comparison, lang: str) -> str:
    from coop_agents.workshop.cards import scenario_card

    card = scenario_card(c.scenario, lang)
    facts = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in card.facts)
    parts = [f"<h3>{_e(card.title)}</h3>", f'<p class="story">{_e(card.story)}</p>']
    if card.facts:
        parts.append(f'<div class="card"><h3>{_e(BRIEF[lang]["facts"])}</h3><dl>{facts}</dl></div>')
    if card.notes:
        parts.append(f'<p class="muted">{_e(card.notes)}</p>')
    return "\n".join(parts)


def _pattern_cards(c: Comparison, lang: str) -> str:
    cards = []
    for p in c.patterns:
        card = _pattern_card(p, lang)
        tag = f'<span class="tag">{_e(BRIEF[lang]["baseline_tag"])}</span>' if p == c.baseline else ""
        actors = "".join(f"<li>{_e(a)}</li>" for a in card.actors)
        levers = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in card.levers)
        cards.append(
            f'<div class="card"><h3>{_e(card.label)}{tag}</h3><p>{_e(card.summary)}</p>'
            + (f'<p class="muted">{_e(BRIEF[lang]["actors"])}</p><ul>{actors}</ul>' if card.actors else "")
            + (f'<p class="muted">{_e(BRIEF[lang]["levers"])}</p><dl>{levers}</dl>' if card.levers else "")
            + "</div>"
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _headlines_html(c: Comparison, lang: str) -> str:
    intro = _fill(
        lang,
        "headlines_intro",
        True,
        replicates=_e(c.replicates),
        events_plural=_e(_events(c, lang)[1]),
        baseline=_e(_label(c.baseline, lang)),
    )
    parts = [f"<p>{intro}</p>"]
    for p in c.others:
        vs = f"{_label(p, lang)} — {_label(c.baseline, lang)}"
        items = "".join(f"<li>{_headline(c, p, o, lang, _span)}</li>" for o in c.headline_outcomes)
        parts.append(f'<h3>{_e(vs)}</h3>\n<ul class="headlines">{items}</ul>')
    note = _truncation_note(c, lang)
    if note:
        parts.append(f'<p class="muted footnote">{note}</p>')
    return "\n".join(parts)


def _truncation_note(c: Comparison, lang: str) -> str:
    """A footnote when runs were cut short at the scenario's cap of days: the share of runs (per
    pattern when the patterns differ); empty when none was, or the runs do not say."""
    if "truncated" not in c.runs.columns:
        return ""
    shares = [c.value("summary", p, "truncated", "mean") for p in c.patterns]
    if all(math.isnan(x) or x == 0 for x in shares):
        return ""

    def pct(p: str) -> str:
        return _span("pct", c.value("summary", p, "truncated", "mean"), f"summary|{p}|truncated|mean", lang)

    def runs(p: str) -> str:
        return _span("count", c.value("summary", p, "truncated", "n"), f"summary|{p}|truncated|n", lang)

    event = _e(_events(c, lang)[0])
    if len(set(shares)) == 1:
        return _fill(lang, "truncated_all", True, pct=pct(c.patterns[0]), event=event)
    sep = "；" if lang == "zh" else "; "
    each = sep.join(
        _fill(lang, "truncated_one", True, label=_e(_label(p, lang)), pct=pct(p), n=runs(p))
        for p in c.patterns
    )
    return _fill(lang, "truncated_some", True, each=each, event=event)


def _assumptions_html(lang: str) -> str:
    items = "".join(f"<li>{_e(line)}</li>" for line in BRIEF[lang]["assumptions"].split("\n"))
    return (
        f'<div class="panel"><p><b>{_e(BRIEF[lang]["assumptions_lead"])}</b></p><ul>{items}</ul>'
        f'<p class="muted">{_e(BRIEF[lang]["odd"])}</p></div>'
    )


def _versions() -> str:
    import coop_agents

    return (
        f"coop-agents {coop_agents.__version__}; Mesa {importlib.metadata.version('mesa')}; "
        f"Python {platform.python_version()}; NumPy {np.__version__}; pandas {pd.__version__}"
    )


def _reproduce_html(c: Comparison, lang: str, output: str | Path) -> str:
    from coop_agents.scenarios import load_scenario

    t = BRIEF[lang]
    params = dict(load_scenario(c.scenario).parameters)
    if c.residents is not None:
        params["residents"] = c.residents
    if c.steps is not None:
        params["steps"] = c.steps
    failed = int(c.runs["error"].notna().sum())
    runs = f"{len(c.runs)}" + (f" ({t['repro_failed'].format(failed=failed)})" if failed else "")
    entries = [
        (t["repro_scenario"], _e(c.scenario)),
        (
            t["repro_params"],
            "<code>" + _e(", ".join(f"{k} = {v}" for k, v in params.items()) or t["none"]) + "</code>",
        ),
        (t["repro_patterns"], _e(", ".join(c.patterns))),
        (t["repro_baseline"], _e(c.baseline)),
        (t["repro_replicates"], _e(c.replicates)),
        (t["repro_seed"], _e(c.seed)),
        (t["repro_seeds"], "<code>" + _e(", ".join(map(str, c.seeds))) + "</code>"),
        (t["repro_runs"], _e(runs)),
        (t["repro_versions"], _e(_versions())),
    ]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in entries)
    return (
        f'<dl class="repro">{dl}</dl><p>{_e(t["repro_command"])}:</p>'
        f"<pre><code>{_e(c.command(lang, Path(output).name))}</code></pre>"
        f'<p class="muted">{_e(t["repro_note"])}</p>'
    )


def render_brief(
    comparison: Comparison,
    lang: str = "zh",
    predictions: dict | None = None,
    output: str | Path = "brief.html",
) -> str:
    """The brief as one self-contained HTML page (``output``: the file name the command shows).

    Raises:
        ConfigError: for an unknown language, or predictions naming an unknown outcome or a pattern
            not compared.
    """
    _check_lang(lang)
    c, t = comparison, BRIEF[lang]
    from coop_agents.workshop.cards import scenario_card

    title = t["title"].format(scenario=scenario_card(c.scenario, lang).title)
    event_one, events = _events(c, lang)
    subtitle = t["subtitle"].format(
        patterns="、".join(_label(p, lang) for p in c.patterns)
        if lang == "zh"
        else ", ".join(_label(p, lang) for p in c.patterns),
        replicates=c.replicates,
        events_plural=events,
    )
    sections = [
        _section(c, "story", lang, _story(c, lang)),
        _section(c, "patterns", lang, _pattern_cards(c, lang)),
        _section(c, "headlines", lang, _headlines_html(c, lang)),
    ]
    if predictions:
        sections.append(_section(c, "predictions", lang, _predictions_html(c, lang, predictions)))
    if c.bands:
        caption = t["time_caption"].format(replicates=c.replicates, events=events)
        sections.append(
            _section(
                c,
                "time",
                lang,
                f"<figure>{_chart_time(c, lang)}<figcaption>{_e(caption)}</figcaption></figure>",
            )
        )
    sections += [
        _section(
            c,
            "distributions",
            lang,
            f"<figure>{_chart_distributions(c, lang)}<figcaption>"
            f"{_e(t['dist_caption'].format(event=event_one))}</figcaption></figure>",
        ),
        _section(c, "equity", lang, _equity_html(c, lang)),
        _section(c, "table", lang, _table_html(c, lang)),
        _section(c, "assumptions", lang, _assumptions_html(lang)),
        _section(c, "reproduce", lang, _reproduce_html(c, lang, output)),
    ]
    ids = re.findall(r'<section id="(\w+)"', "".join(sections))
    toc = " ".join(f'<a href="#{i}">{_e(_words(c, "sec_" + i, lang))}</a>' for i in ids)
    import coop_agents

    return f"""<!DOCTYPE html>
<html lang="{t["html_lang"]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="coop-agents {_e(coop_agents.__version__)}">
<title>{_e(title)}</title>
<style>
{_css()}
</style>
</head>
<body>
<main>
<header class="brief-head">
<h1>{_e(title)}</h1>
<p class="subtitle">{_e(subtitle)}</p>
</header>
<nav class="toolbar no-print" aria-label="{_e(t["toc"])}">{toc}
<button type="button" onclick="window.print()">{_e(t["print"])}</button></nav>
{chr(10).join(sections)}
<footer>{_e(t["generated"].format(version=coop_agents.__version__))}</footer>
</main>
</body>
</html>
"""


def write_brief(
    comparison: Comparison, path: str | Path, lang: str = "zh", predictions: dict | None = None
) -> Path:
    """Write the brief to ``path`` (under a temporary name first, then renamed); return the path."""
    path = Path(path)
    text = render_brief(comparison, lang, predictions, output=path.name)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CoopError(f"-o {path}: cannot write the brief ({exc.strerror})") from None
    return path
