"""The brief's charts, drawn with matplotlib and inlined as SVG (text left for the page's fonts)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from coop_agents.i18n.brief_strings import BRIEF
from coop_agents.workshop.brief.comparison import SERIES, Comparison
from coop_agents.workshop.brief.text import _label, _outcome_label, _unit

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Chart text is left as text in the SVG, drawn by the page's fonts; these measure it meanwhile.
_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.size": 8,
    "font.sans-serif": ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans"],
}
_COLOURS = ("#1f5f99", "#d1495b", "#2e8b57", "#edae49", "#6a4c93", "#00798c", "#8d6a2f", "#e07a5f")


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
