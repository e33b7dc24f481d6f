"""The workshop brief: paired replicates of several patterns, told on one self-contained HTML page.

:func:`run_comparison` runs the patterns on one scenario through the batch runner (replicate k of
every pattern on the same seed) and analyses the results folder with
:mod:`coop_agents.experiments.analysis`; :func:`render_brief` and :func:`write_brief` turn the
:class:`Comparison` into a page in Chinese or English: the scenario and pattern cards, headline
comparisons in plain language with 95% confidence intervals, charts (inline SVG), equity for
vulnerable residents, assumptions and limits, and what it takes to reproduce it. The page loads
nothing from anywhere; it prints as an A4 handout.

Every number on the page is a cell of the analysis tables of the batch (``summary``, ``paired``)
and sits in ``<span class="v" data-src="table|pattern|outcome|column" data-kind=... data-dec=...>``,
so a reader (or a test) can trace it to its source; ``data-dec`` is the decimals it is written
with (:mod:`coop_agents.numbers`: the outcome's decimals from the registry, the same along a row).

What an outcome is called, its unit and which direction is better come from
:mod:`coop_agents.outcome_registry` alone: an outcome better in neither direction gets no arrow
and no "better" count, and never makes a headline. Labels and words follow the scenario's hazard
(a heatwave's "Peak share exposed", its "events" rather than "outbreaks").

    >>> from coop_agents.workshop.brief import run_comparison, write_brief
"""

from coop_agents.i18n.brief_strings import LANGS as LANGS
from coop_agents.workshop.brief.comparison import (
    HEADLINE_OUTCOMES,
    SERIES,
    Comparison,
    load_comparison,
    run_comparison,
)
from coop_agents.workshop.brief.page import render_brief, write_brief
from coop_agents.workshop.brief.text import fmt_pct, fmt_value

__all__ = [
    "Comparison",
    "run_comparison",
    "load_comparison",
    "render_brief",
    "write_brief",
    "HEADLINE_OUTCOMES",
    "SERIES",
    "fmt_value",
    "fmt_pct",
]
