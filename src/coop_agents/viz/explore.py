"""The app's Explore page (``/explore``): discovery boxes and the robustness ranking of a results folder.

Read-only: the folder is the one given on the app's command line (``coop-agents app --results
DIR``, passed here in :data:`RESULTS_ENV`); a visitor can choose an outcome and read the
analyses, never upload, write or run anything. Discovery (PRIM, the runs worse than 80% of all
runs) and robustness (regret and satisficing) are :mod:`coop_agents.exploration`'s, computed
once per outcome in a background thread and kept for every session.
"""

from __future__ import annotations

import base64
import functools
import io
import math
import os
import threading
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import solara

from coop_agents.i18n import text

__all__ = ["RESULTS_ENV", "WORSE_THAN", "ExplorePage", "analyses"]

RESULTS_ENV = "COOP_AGENTS_EXPLORE_RESULTS"
WORSE_THAN = 0.8

_TEXT = {
    "title": ("Explore", "探索"),
    "none": (
        "No results folder: start the app with --results DIR (a folder written by 'coop-agents batch') to "
        "see its scenario discovery and robustness here.",
        "没有结果文件夹：用 --results DIR（由 'coop-agents batch' 写出的文件夹）启动应用，即可在此查看情景发现与稳健性分析。",
    ),
    "folder": ("Results", "结果"),
    "working": (
        "Analysing (PRIM, CART, regret with bootstrap intervals)…",
        "正在分析（PRIM、CART、带自助法区间的遗憾值）……",
    ),
    "discovery": ("Scenario discovery (PRIM)", "情景发现（PRIM）"),
    "discovery.help": (
        "The runs worse than 80% of all runs, described by the factors the experiment varied: the "
        "chosen box of PRIM's peeling trajectory, in plain words. Coverage: share of those runs inside "
        "the box; density: share of the box's runs that are such runs.",
        "把比 80% 的运行更差的运行，用实验中变化的因素来描述：PRIM 剥离轨迹中选定的区域，用文字表述。"
        "覆盖率：此类运行中落在区域内的比例；密度：区域内的运行中属于此类运行的比例。",
    ),
    "trajectory": ("Peeling trajectory", "剥离轨迹"),
    "limits": ("Limits of the chosen box", "选定区域的边界"),
    "cart": ("CART leaves (densest first)", "CART 叶节点（密度从高到低）"),
    "robust": ("Robustness across scenarios", "跨情景稳健性"),
    "robust.help": (
        "Regret: how much worse than the best policy of the same scenario (paired by replicate); "
        "satisficing: share of scenarios meeting the threshold; 95% bootstrap intervals.",
        "遗憾值：与同一情景中最好的方案相比差多少（按重复配对）；满意度：达到阈值的情景比例；95% 自助法区间。",
    ),
    "no_robust": (
        "No robustness ranking: these results compare no policies (no crossed lever such as a list of "
        "patterns).",
        "没有稳健性排名：这些结果没有比较方案（没有交叉的杠杆，例如模式列表）。",
    ),
    "failed": ("This analysis could not be made:", "无法进行此项分析："),
    "box": ("box", "区域"),
    "coverage": ("coverage", "覆盖率"),
    "density": ("density", "密度"),
    "mass": ("mass", "占比"),
    "restricted": ("factors", "因素数"),
    "factor": ("factor", "因素"),
    "limit": ("limit", "边界"),
    "quasi_p": ("quasi-p", "准 p 值"),
    "runs": ("runs", "运行数"),
    "rule": ("rule", "规则"),
    "rank": ("rank", "排名"),
    "policy": ("policy", "方案"),
    "mean_outcome": ("mean", "均值"),
    "mean_regret": ("mean regret [95% CI]", "平均遗憾 [95% 区间]"),
    "p90": ("p90 regret", "90 分位遗憾"),
    "max": ("max regret", "最大遗憾"),
    "satisficing": ("satisficing [95% CI]", "满意度 [95% 区间]"),
    "p_best": ("P(best)", "最优概率"),
}


def _t(key: str, lang: str) -> str:
    en, zh = _TEXT[key]
    return zh if lang == "zh" else en


def results_folder() -> Path | None:
    value = os.environ.get(RESULTS_ENV)
    return Path(value) if value else None


_LOCK = threading.Lock()


@functools.lru_cache(maxsize=32)
def _cached(folder: str, outcome: str) -> dict[str, Any]:
    from coop_agents.errors import CoopError
    from coop_agents.exploration.discovery import discover
    from coop_agents.exploration.robust import robustness

    out: dict[str, Any] = {}
    try:
        out["discovery"] = discover(folder, outcome, worse_than=WORSE_THAN)
    except CoopError as exc:
        out["discovery_error"] = str(exc)
    try:
        out["robust"] = robustness(folder, outcome)
    except CoopError as exc:
        out["robust_error"] = str(exc)
    return out


def analyses(folder: str | Path, outcome: str) -> dict[str, Any]:
    """Discovery and robustness of ``outcome`` in ``folder`` (computed once, one at a time)."""
    with _LOCK:
        return _cached(str(folder), outcome)


@functools.lru_cache(maxsize=8)
def _outcomes(folder: str) -> tuple[tuple[str, ...], str]:
    """The results' outcomes with a better direction, and the experiment's name."""
    from coop_agents.exploration._common import load

    res = load(folder)
    from coop_agents.exploration.robust import _directed

    return tuple(o for o in res.outcomes if _directed(o)), str(res.definition.get("name", Path(folder).name))


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.0f}%"


def _table(heads: list[str], rows: list[list[str]], css: str) -> str:
    cell = 'style="padding:2px 10px;text-align:left;border-bottom:1px solid #e0e0e0"'
    head = "".join(f"<th {cell}>{escape(h)}</th>" for h in heads)
    body = "".join("<tr>" + "".join(f"<td {cell}>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<table class="{css}" style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _png(fig_maker) -> str:
    """A figure as an inline PNG (a data: URL: nothing is fetched)."""
    from coop_agents.exploration._common import pyplot

    plt = pyplot()
    fig = fig_maker(plt)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}"/>'


def discovery_html(d, lang: str) -> str:
    from coop_agents.numbers import format_number

    traj = [
        [
            str(r.Index) + (" ◀" if r.Index == d.chosen else ""),
            _pct(r.coverage),
            _pct(r.density),
            _pct(r.mass),
            str(int(r.restricted)),
        ]
        for r in d.trajectory.itertuples()
    ]
    limits = [
        [
            r.factor,
            r.words_zh if lang == "zh" else r.words_en,
            "" if math.isnan(r.quasi_p) else format_number(r.quasi_p, 3),
        ]
        for r in d.limits.itertuples()
    ]
    cart = [
        [_pct(r.density), _pct(r.coverage), str(r.n), r.rule_zh if lang == "zh" else r.rule_en]
        for r in d.cart.head(6).itertuples()
    ]

    def tradeoff(plt):
        fig, ax = plt.subplots(figsize=(5, 3.4))
        t = d.trajectory
        ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=20)
        ax.scatter(
            [t.loc[d.chosen, "coverage"]],
            [t.loc[d.chosen, "density"]],
            s=120,
            facecolors="none",
            edgecolors="crimson",
            linewidths=2,
        )
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        return fig

    return (
        f'<p class="coop-explore-sentence" style="font-size:1.05rem">{escape(d.sentence(lang))}</p>'
        f"<div style='display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start'>"
        f"<div><b>{escape(_t('trajectory', lang))}</b>"
        + _table(
            [_t(k, lang) for k in ("box", "coverage", "density", "mass", "restricted")],
            traj,
            "coop-explore-trajectory",
        )
        + "</div>"
        f"<div>{_png(tradeoff)}<br/><b>{escape(_t('limits', lang))}</b>"
        + _table([_t(k, lang) for k in ("factor", "limit", "quasi_p")], limits, "coop-explore-limits")
        + f"<br/><b>{escape(_t('cart', lang))}</b>"
        + _table([_t(k, lang) for k in ("density", "coverage", "runs", "rule")], cart, "coop-explore-cart")
        + "</div></div>"
    )


def robust_html(r, lang: str) -> str:
    from coop_agents.numbers import format_interval, format_number

    rows = [
        [
            str(x.rank),
            x.policy,
            format_number(x.mean_outcome),
            f"{format_number(x.mean_regret)} {format_interval(x.regret_ci_low, x.regret_ci_high)}",
            format_number(x.p90_regret),
            format_number(x.max_regret),
            f"{_pct(x.satisficing)} [{_pct(x.sat_ci_low)}, {_pct(x.sat_ci_high)}]",
            _pct(x.p_best),
        ]
        for x in r.table.itertuples()
    ]
    heads = [
        _t(k, lang)
        for k in ("rank", "policy", "mean_outcome", "mean_regret", "p90", "max", "satisficing", "p_best")
    ]
    return f"<p>{escape(r.report().splitlines()[2])}</p>" + _table(heads, rows, "coop-explore-ranking")


@solara.component
def ExplorePage():
    """Discovery boxes and the robustness ranking of the app's results folder (read-only)."""
    from coop_agents.viz.app import language
    from coop_agents.viz.server import APP_NAME

    lang = language.value
    solara.Title(f"{_t('title', lang)} · {APP_NAME}")
    folder = results_folder()
    if folder is None:
        solara.Text(_t("none", lang), classes=["coop-explore-none"])
    else:
        ExploreResults(str(folder), lang)


@solara.component
def ExploreResults(folder: str, lang: str):
    outcomes, name = _outcomes(folder)
    default = "harm" if "harm" in outcomes else (outcomes[0] if outcomes else "")
    outcome, set_outcome = solara.use_state(default)
    with solara.Column(gap="12px", style={"padding": "12px"}):
        # Plain HTML, not Markdown: Solara's Markdown loads KaTeX, which the offline bundle leaves out.
        solara.HTML(
            tag="h2", unsafe_innerHTML=escape(f"{_t('title', lang)}: {name}"), classes=["coop-explore-title"]
        )
        solara.Text(f"{_t('folder', lang)}: {folder}", style={"color": "grey"})
        if outcomes:
            solara.Select(
                text("table.outcome", lang),  # the app's word for it
                values=list(outcomes),
                value=outcome,
                on_value=set_outcome,
                classes=["coop-explore-outcome"],
            )
        ExploreViews(folder, outcome, lang)


@solara.component
def ExploreViews(folder: str, outcome: str, lang: str):
    result = solara.use_thread(lambda: analyses(folder, outcome), dependencies=[folder, outcome])
    if result.state != solara.ResultState.FINISHED:
        if result.state == solara.ResultState.ERROR:
            solara.Error(f"{_t('failed', lang)} {result.error}")
        else:
            solara.Text(_t("working", lang), classes=["coop-explore-working"])
            solara.ProgressLinear(True)
        return
    found = result.value or {}
    _analysis_card("discovery", found, discovery_html, lambda error: f"{_t('failed', lang)} {error}", lang)
    _analysis_card("robust", found, robust_html, lambda error: f"{_t('no_robust', lang)} ({error})", lang)


def _analysis_card(
    key: str,
    found: dict[str, Any],
    html: Callable[[Any, str], str],
    missing: Callable[[str], str],
    lang: str,
) -> None:
    """A card of ``analyses``' result ``key`` (``discovery`` or ``robust``): its title and help, and
    its HTML, or why it could not be made (``missing`` of the error)."""
    with solara.Card(_t(key, lang)):
        solara.Text(_t(f"{key}.help", lang), style={"color": "grey"})
        if key in found:
            solara.HTML(tag="div", unsafe_innerHTML=html(found[key], lang), classes=[f"coop-explore-{key}"])
        else:
            solara.Text(missing(found[f"{key}_error"]), classes=[f"coop-explore-{key}-error"])
