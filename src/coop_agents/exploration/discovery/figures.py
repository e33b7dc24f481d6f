"""The figures of a discovery: PRIM's trade-off, the chosen box against the full ranges, CART's tree."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coop_agents.exploration._common import (
    outcome_words,
    pyplot,
    save_figure,
    value_words,
)
from coop_agents.exploration.discovery.result import Discovery
from coop_agents.exploration.discovery.words import _pct


def figures(d: Discovery, out: Path) -> list[Path]:
    """``tradeoff``, ``box`` and ``cart`` (PNG and SVG) in ``out``."""
    plt = pyplot()
    label, unit = outcome_words(d.outcome)
    thr = value_words(d.threshold)
    paths = []
    # The trade-off: every box of the peeling trajectory, coloured by restricted factors.
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    t = d.trajectory
    sc = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=28, zorder=3)
    chosen = t.loc[d.chosen]
    ax.scatter(
        [chosen["coverage"]],
        [chosen["density"]],
        s=160,
        facecolors="none",
        edgecolors="crimson",
        linewidths=2,
        zorder=4,
        label=f"chosen box {d.chosen}",
    )
    ax.set_xlabel("coverage (share of all cases inside the box)")
    ax.set_ylabel("density (share of the box's runs that are cases)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    fig.colorbar(sc, ax=ax, label="factors restricted")
    ax.legend(loc="lower left")
    ax.set_title(f"PRIM trade-off: {label} {d.side} {thr} {unit}\n{d.subset}", fontsize=10)
    paths += save_figure(fig, out, "tradeoff")
    # The chosen box's limits against each factor's full range.
    shown = d.limits if len(d.limits) else pd.DataFrame(columns=d.limits.columns)
    fig, ax = plt.subplots(figsize=(6.4, 1.2 + 0.6 * max(1, len(shown))))
    for i, r in enumerate(shown.itertuples()):
        full_lo, full_hi = r.full_low, r.full_high
        if isinstance(r.values, str) and r.values:
            ax.text(0.5, i, f"{r.factor}: {r.values}", ha="center", va="center", fontsize=9)
            continue
        span = (full_hi - full_lo) or 1.0
        lo = (r.low - full_lo) / span
        hi = (r.high - full_lo) / span
        ax.plot([0, 1], [i, i], color="lightgrey", lw=8, solid_capstyle="butt")
        ax.plot([lo, hi], [i, i], color="crimson", lw=8, solid_capstyle="butt")
        ax.text(lo, i + 0.28, value_words(r.low), ha="center", fontsize=8)
        ax.text(hi, i + 0.28, value_words(r.high), ha="center", fontsize=8)
        ax.text(0, i - 0.32, value_words(full_lo), ha="left", fontsize=7, color="grey")
        ax.text(1, i - 0.32, value_words(full_hi), ha="right", fontsize=7, color="grey")
    ax.set_yticks(range(len(shown)), list(shown["factor"]))
    ax.set_xticks([])
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.8, max(0.8, len(shown) - 0.2))
    b = d.box()
    ax.set_title(
        f"Box {d.chosen}: coverage {_pct(b['coverage'])}, density {_pct(b['density'])} "
        f"({label} {d.side} {thr})",
        fontsize=10,
    )
    paths += save_figure(fig, out, "box")
    # CART's tree.
    if d._tree is not None:
        from sklearn.tree import plot_tree

        clf, names = d._tree
        fig, ax = plt.subplots(figsize=(11, 5.5))
        plot_tree(
            clf,
            feature_names=names,
            class_names=["other", "case"],
            filled=True,
            impurity=False,
            proportion=True,
            fontsize=7,
            ax=ax,
        )
        ax.set_title(f"CART: {label} {d.side} {thr} {unit}", fontsize=10)
        paths += save_figure(fig, out, "cart")
    return paths
