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

from __future__ import annotations

import functools
import html
import importlib.metadata
import math
import os
import platform
import re
import shlex
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from coop_agents.errors import ConfigError, CoopError
from coop_agents.experiments.analysis import (
    DERIVED_OUTCOMES,
    derive_outcomes,
    find_outcome,
    load_definition,
    load_results,
    outcome_label,
    outcome_unit,
    paired_differences,
    series_bands,
    summarise,
)
from coop_agents.experiments.design import experiment_from_dict
from coop_agents.experiments.runner import run_batch
from coop_agents.i18n.brief_strings import BRIEF, LANGS, PHRASES
from coop_agents.numbers import decimals_for, format_number
from coop_agents.outcome_registry import OUTCOMES, Outcome, table_outcomes

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

# Headline comparisons, in this order, for every pattern against the baseline (each has a better
# direction in the registry: only such outcomes can make a "better" or "worse" headline).
HEADLINE_OUTCOMES = ("harm", "severe_harm", "response_delay", "unmet_need_days_vulnerable")
# Daily series kept per run and charted with their bands.
SERIES = ("prevalence", "harm", "measures", "unmet_needs")
EQUITY_OUTCOMES = ("unmet_need_days_vulnerable", "unmet_need_days_others", "equity_gap")
# Every outcome the brief can name: the registry's and the analysis's derived ones.
_ALL_OUTCOMES: dict[str, Outcome] = {**OUTCOMES, **DERIVED_OUTCOMES}
# Chart text is left as text in the SVG, drawn by the page's fonts; these measure it meanwhile.
_RC = {
    "font.family": "sans-serif",
    "font.size": 8,
    "font.sans-serif": ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans"],
}
_COLOURS = ("#1f5f99", "#d1495b", "#2e8b57", "#edae49", "#6a4c93", "#00798c", "#8d6a2f", "#e07a5f")


@dataclass
class Comparison:
    """Paired replicates of several patterns on one scenario, and their analysis tables.

    ``runs`` has one row per run (with the derived outcomes); ``summary`` and ``paired`` are
    :func:`~coop_agents.experiments.analysis.summarise` and
    :func:`~coop_agents.experiments.analysis.paired_differences` of it (baseline: ``baseline``);
    ``bands`` the :func:`~coop_agents.experiments.analysis.series_bands` of every kept series.
    Arm ``i`` of the tables is ``patterns[i]``.
    """

    scenario: str
    patterns: list[str]
    baseline: str
    replicates: int
    seed: int
    runs: pd.DataFrame
    summary: pd.DataFrame
    paired: pd.DataFrame
    bands: dict[str, pd.DataFrame] = field(default_factory=dict)
    residents: int | None = None
    steps: int | None = None
    out: Path | None = None

    @classmethod
    def from_results(cls, runs: pd.DataFrame, definition: dict, out: Path | None = None) -> Comparison:
        """Analyse a batch made by :func:`run_comparison` (its runs and its experiment definition)."""
        factors = {f["name"]: f["values"] for f in definition["factors"]}
        patterns = [str(p) for p in factors["pattern"]]
        baseline = str((definition.get("baseline") or {}).get("pattern", patterns[0]))
        runs = derive_outcomes(runs)
        outcomes = [o for o in _ALL_OUTCOMES if o in runs.columns]
        base_idx = patterns.index(baseline)
        stored = runs.loc[runs["arm_id"] == base_idx, "pattern"]
        # The pattern column holds what the runs were given (a resolved path for a .toml file).
        base_value = stored.iloc[0] if len(stored) else baseline
        bands = {s: series_bands(runs, s) for s in SERIES if f"series_{s}" in runs.columns}
        return cls(
            scenario=str(factors.get("scenario", ["default"])[0]),
            patterns=patterns,
            baseline=baseline,
            replicates=int(definition["replicates"]),
            seed=int(definition["seed"]),
            runs=runs,
            summary=summarise(runs, outcomes),
            paired=paired_differences(runs, {"pattern": base_value}, outcomes),
            bands=bands,
            residents=factors["residents"][0] if "residents" in factors else None,
            steps=factors["steps"][0] if "steps" in factors else None,
            out=out,
        )

    @functools.cached_property
    def hazard(self) -> str | None:
        """The hazard of every event of the scenario (None: events of several hazards)."""
        return _scenario_facts(self.scenario)[0]

    @functools.cached_property
    def several_events(self) -> bool:
        """Whether the scenario's runs have several events (arrival other than single)."""
        return _scenario_facts(self.scenario)[1]

    @property
    def table_outcomes(self) -> list[str]:
        """The outcomes of the full table: those the registry's tables show for this scenario's
        hazard and events, then the derived ones, each only if the runs have it."""
        names = [*table_outcomes(self.hazard, self.several_events), *DERIVED_OUTCOMES]
        return [o for o in names if o in self.runs.columns]

    @property
    def headline_outcomes(self) -> list[str]:
        """:data:`HEADLINE_OUTCOMES` with a better direction (the registry's)."""
        return [o for o in HEADLINE_OUTCOMES if find_outcome(o).better in ("lower", "higher")]

    @property
    def seeds(self) -> list[int]:
        """The seed of each replicate (shared by every pattern), from the runs themselves."""
        return [int(s) for s in self.runs.groupby("replicate", sort=True)["seed"].first()]

    def value(self, table: str, pattern: str, outcome: str, column: str) -> float:
        """One cell of ``summary`` or ``paired`` (the source of every number on the page)."""
        frame = self.summary if table == "summary" else self.paired
        arm = self.patterns.index(pattern)
        cached = self.__dict__.setdefault("_rows", {})
        if cached.get(table, (None,))[0] is not frame:  # (re)index a table on first use
            keys = [] if frame.empty else zip(frame["arm_id"], frame["outcome"])
            cached[table] = (frame, {key: i for i, key in enumerate(keys)})
        i = cached[table][1].get((arm, outcome))
        return math.nan if i is None else float(frame[column].iat[i])

    def best(self, outcome: str) -> str:
        """The pattern with the best mean on ``outcome`` (the first listed on a tie).

        Raises:
            ConfigError: for an unknown outcome, one without a better direction, or one with no
                defined mean in any pattern.
        """
        meta = _ALL_OUTCOMES.get(outcome)
        if meta is None:
            raise ConfigError(f"unknown outcome {outcome!r}; allowed: {', '.join(_ALL_OUTCOMES)}")
        if meta.better not in ("lower", "higher"):
            raise ConfigError(
                f"outcome {outcome!r} has no better direction; choose e.g. harm or response_delay"
            )
        means = [(self.value("summary", p, outcome, "mean"), i, p) for i, p in enumerate(self.patterns)]
        means = [m for m in means if not math.isnan(m[0])]
        if not means:
            raise ConfigError(f"outcome {outcome!r} is not defined in any run of this comparison")
        sign = 1 if meta.better == "lower" else -1
        return min(means, key=lambda m: (sign * m[0], m[1]))[2]

    def headlines(self, lang: str) -> list[str]:
        """Plain-language comparisons of every pattern with the baseline, as plain text."""
        _check_lang(lang)
        return [_headline(self, p, o, lang, _plain) for p in self.others for o in self.headline_outcomes]

    @property
    def others(self) -> list[str]:
        return [p for p in self.patterns if p != self.baseline]

    def command(self, lang: str, output: str | Path = "brief.html") -> str:
        """The ``coop-agents brief`` command line that reproduces this comparison."""
        args = [
            "coop-agents",
            "brief",
            "--scenario",
            self.scenario,
            "--patterns",
            ",".join(self.patterns),
            "--baseline",
            self.baseline,
            "--replicates",
            str(self.replicates),
            "--seed",
            str(self.seed),
        ]
        if self.residents is not None:
            args += ["--residents", str(self.residents)]
        if self.steps is not None:
            args += ["--steps", str(self.steps)]
        args += ["--lang", lang, "-o", str(output)]
        return " ".join(shlex.quote(a) for a in args)


def run_comparison(
    scenario="default",
    patterns: list[str] | tuple[str, ...] = ("siloed", "full_cycle"),
    baseline: str | None = None,
    replicates: int = 30,
    seed: int = 1,
    residents: int | None = None,
    out: Path | None = None,
    executor: str = "processes",
    workers: int | None = None,
    progress: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    steps: int | None = None,
) -> Comparison:
    """Run ``patterns`` on ``scenario`` as paired replicates through the batch runner and analyse them.

    Args:
        scenario: a preset name or a scenario ``.toml`` file.
        patterns: two or more preset names or pattern ``.toml`` files.
        baseline: the pattern the others are compared with (default: ``siloed`` if listed, else
            the first).
        replicates: paired replicates; replicate k of every pattern runs on the same seed.
        seed: the master seed the replicate seeds derive from.
        residents: residents of the district (default: the scenario's).
        out: the batch's results folder (kept, and resumed if run again); ``None``: a temporary
            folder, removed once the results are in memory.
        executor: ``serial``, ``processes`` or ``dask`` (the results do not depend on it).
        workers: worker processes (default: one per core).
        progress: show the batch's progress bar on stderr.
        on_progress: called with (runs done, runs in all) as tasks finish.
        steps: days to simulate (default: the scenario's).

    Raises:
        CoopError: one line naming the input at fault and what is allowed.
    """
    patterns = [str(p) for p in patterns]
    if len(patterns) < 2:
        raise ConfigError(f"patterns {','.join(patterns) or '(none)'}: give at least two patterns to compare")
    if any(not p for p in patterns):
        raise ConfigError(f"patterns {','.join(patterns)!r}: empty pattern name; give P1,P2,...")
    if len(set(patterns)) < len(patterns):
        raise ConfigError(f"patterns {','.join(patterns)!r}: a pattern is listed twice; list each once")
    if baseline is None:
        baseline = "siloed" if "siloed" in patterns else patterns[0]
    if baseline not in patterns:
        raise ConfigError(f"baseline {baseline!r}: not one of the patterns compared ({', '.join(patterns)})")
    for name, value in (
        ("replicates", replicates),
        ("seed", seed),
        ("residents", residents),
        ("steps", steps),
    ):
        low = 0 if name == "seed" else 1
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
            raise ConfigError(f"{name}={value!r}: expected an integer of at least {low}")
    scenario = getattr(scenario, "name", None) or str(scenario)
    data = {
        "name": f"brief_{Path(scenario).stem}",
        "description": f"Workshop brief: {', '.join(patterns)} on {scenario}, against {baseline}.",
        "seed": seed,
        "replicates": replicates,
        "baseline": {"pattern": baseline},
        "series": list(SERIES),
        "levers": {"pattern": patterns},
        "uncertainties": {"scenario": scenario},
    }
    if steps is not None:
        data["steps"] = steps
    experiment = experiment_from_dict(data, "the comparison", Path.cwd(), residents=residents)
    if out is not None:
        run_batch(
            experiment, out, executor=executor, workers=workers, progress=progress, on_progress=on_progress
        )
        return load_comparison(out)
    with tempfile.TemporaryDirectory(prefix="coop-brief-") as tmp:
        run_batch(
            experiment, tmp, executor=executor, workers=workers, progress=progress, on_progress=on_progress
        )
        comparison = load_comparison(tmp)
    comparison.out = None
    return comparison


def _scenario_facts(scenario: str) -> tuple[str | None, bool]:
    """A scenario's hazard (None: its events are of several hazards), and whether it has several events."""
    from coop_agents.scenarios import load_scenario

    sc = load_scenario(scenario)
    hazards = {sc.parameters.get("hazard", "contagion")} | {e.hazard for e in sc.events}
    return (hazards.pop() if len(hazards) == 1 else None), sc.parameters.get("arrival", "single") != "single"


def load_comparison(out: str | Path) -> Comparison:
    """The :class:`Comparison` of a results folder written by :func:`run_comparison`."""
    definition = load_definition(out)
    if "pattern" not in {f["name"] for f in definition["factors"]}:
        raise CoopError(f"{out}: not a comparison of patterns (its experiment does not vary the pattern)")
    return Comparison.from_results(load_results(out), definition, Path(out))


# ----------------------------------------------------------------------------- numbers and words


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
    return str(int(x))


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
        rel, rel_lo, rel_hi = get("rel_diff"), get("rel_ci_low"), get("rel_ci_high")
        lo, hi = get("ci_low"), get("ci_high")
        rel_ok = not math.isnan(rel) and not math.isnan(rel_lo)
        if math.isnan(lo):
            text = _fill(lang, "headline_noci", as_html, abs=v("mean_diff", "abs"), **common)
        elif lo * hi <= 0:  # the difference's interval includes no difference
            text = _fill(
                lang,
                "headline_abs_unclear",
                as_html,
                abs=v("mean_diff", "abs"),
                abs_lo=v("ci_low", "abs"),
                abs_hi=v("ci_high", "abs"),
                word_lo=esc(words["less" if lo < 0 else "more"]),
                word_hi=esc(words["less" if hi < 0 else "more"]),
                **common,
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
            text = _fill(
                lang,
                "headline_unclear",
                as_html,
                pct=v("rel_diff", "pct"),
                lo=v("rel_ci_low", "pct"),
                hi=v("rel_ci_high", "pct"),
                word_lo=esc(words["less" if rel_lo < 0 else "more"]),
                word_hi=esc(words["less" if rel_hi < 0 else "more"]),
                **common,
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


# ----------------------------------------------------------------------------- charts


def _svg(fig, key: str) -> str:
    """A figure as inline SVG: text left as text (the page's fonts draw it), ids made unique."""
    import io
    import warnings

    import matplotlib

    buf = io.StringIO()
    with (
        matplotlib.rc_context({**_RC, "svg.fonttype": "none", "svg.hashsalt": key}),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # glyphs missing from matplotlib's own fonts: the browser draws them
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"\s*<style[^>]*>.*?</style>", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", text)
    return text.replace("<svg ", '<svg role="img" ', 1)


def _figure(width: float, height: float, rows: int = 1, cols: int = 1):
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(rows, cols, squeeze=False)
    return fig, axes


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.25, linewidth=0.5)


def _chart_time(c: Comparison, lang: str) -> str:
    from matplotlib.ticker import PercentFormatter

    names = [s for s in SERIES if s in c.bands]
    cols = 2
    rows = math.ceil(len(names) / cols)
    fig, axes = _figure(7.2, 2.3 * rows + 0.5, rows, cols)
    for ax, name in zip(axes.flat, names):
        bands = c.bands[name]
        for i, p in enumerate(c.patterns):
            b = bands[bands["arm_id"] == i]
            colour = _COLOURS[i % len(_COLOURS)]
            # A bootstrap band of a count or a share never reaches below 0.
            ax.fill_between(b["day"], b["p_low"], b["p_high"], color=colour, alpha=0.10, linewidth=0)
            ax.fill_between(b["day"], b["ci_low"], b["ci_high"], color=colour, alpha=0.30, linewidth=0)
            ax.plot(b["day"], b["mean"], color=colour, linewidth=1.4, label=_label(p, lang))
        ax.set_title(BRIEF[lang][f"series_{name}"], fontsize=8.5)
        ax.set_xlabel(BRIEF[lang]["day"], fontsize=7.5)
        if name in ("prevalence", "measures"):
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        _style(ax)
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="outside lower center", ncols=min(4, len(labels)), fontsize=7.5, frameon=False
    )
    return _svg(fig, "time")


def _chart_distributions(c: Comparison, lang: str) -> str:
    rng = np.random.default_rng(0)  # jitter of the dots only
    ok = c.runs[c.runs["error"].isna()]
    fig, axes = _figure(7.2, 1.2 + 0.55 * len(c.patterns) * 2, 2, 2)
    labels = [_label(p, lang) for p in c.patterns]
    for ax, outcome in zip(axes.flat, c.headline_outcomes):
        data = [ok.loc[ok["arm_id"] == i, outcome].dropna().to_numpy(float) for i in range(len(c.patterns))]
        positions = np.arange(len(c.patterns))[::-1]
        ax.boxplot(
            [d if d.size else [np.nan] for d in data],
            positions=positions,
            orientation="horizontal",
            widths=0.55,
            showmeans=True,
            showfliers=False,
            tick_labels=labels,
            meanprops={
                "marker": "D",
                "markerfacecolor": "white",
                "markeredgecolor": "black",
                "markersize": 4,
            },
            medianprops={"color": "black"},
            boxprops={"linewidth": 0.8},
        )
        for i, (d, y) in enumerate(zip(data, positions)):
            ax.scatter(
                d,
                y + rng.uniform(-0.18, 0.18, d.size),
                s=6,
                color=_COLOURS[i % len(_COLOURS)],
                alpha=0.6,
                linewidths=0,
                zorder=3,
            )
        ax.set_title(_outcome_label(c, outcome, lang), fontsize=8.5)
        ax.set_xlabel(_unit(outcome, lang), fontsize=7.5)
        _style(ax)
    return _svg(fig, "dist")


def _chart_equity(c: Comparison, lang: str) -> str:
    fig, axes = _figure(7.2, 0.9 + 0.5 * len(c.patterns))
    ax = axes[0, 0]
    y = np.arange(len(c.patterns))[::-1]
    for j, (outcome, key) in enumerate(
        (("unmet_need_days_vulnerable", "vulnerable"), ("unmet_need_days_others", "others"))
    ):
        means = np.array([c.value("summary", p, outcome, "mean") for p in c.patterns])
        lows = np.array([c.value("summary", p, outcome, "ci_low") for p in c.patterns])
        highs = np.array([c.value("summary", p, outcome, "ci_high") for p in c.patterns])
        err = np.vstack([means - lows, highs - means])
        ax.barh(
            y + (0.2 if j == 0 else -0.2),
            means,
            height=0.38,
            xerr=np.nan_to_num(err),
            color=("#d1495b", "#8aa1b4")[j],
            label=BRIEF[lang][key],
            error_kw={"linewidth": 0.8},
        )
    ax.set_yticks(y, [_label(p, lang) for p in c.patterns])
    ax.set_xlabel(_unit("unmet_need_days_vulnerable", lang), fontsize=7.5)
    ax.legend(fontsize=7.5, frameon=False, loc="lower right")
    _style(ax)
    return _svg(fig, "equity")


# ----------------------------------------------------------------------------- the page


def _e(text) -> str:
    return html.escape(str(text))


def _css() -> str:
    return (resources.files(__package__) / "templates" / "brief.css").read_text(encoding="utf-8")


def _unit(outcome: str, lang: str) -> str:
    """An outcome's unit in ``lang``, from the registry."""
    return outcome_unit(outcome, lang)


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
