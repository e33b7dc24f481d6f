"""The figures of a batch's report: outcome distributions per arm, and the sensitivity indices."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from coop_agents.experiments.analysis.arms import _named, arm_names
from coop_agents.experiments.analysis.outcomes import (
    _factor_columns,
    _label_or_name,
    outcome_label,
    outcome_unit,
)


def _figures(
    out: Path, df: pd.DataFrame, outcomes: list[str], indices: pd.DataFrame, design: str, hazard: str | None
) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = df[df["error"].isna()]
    names = []
    shown = outcomes[:9]
    # Grid designs: one distribution per arm. Sampled designs have an arm per sample point, so
    # their distributions are shown per combination of the crossed factors instead.
    if design == "grid":
        words = arm_names(ok) if len(ok) else {}
        keys = ok["arm_id"].map(words)
    else:
        crossed = [c for c in _factor_columns(ok) if ok[c].nunique() <= 12 and ok[c].dtype == object] + [
            c for c in ("scenario", "pattern") if ok[c].nunique() > 1
        ]
        keys = (
            ok[crossed].apply(lambda row: _named(row.to_dict()), axis=1)
            if crossed
            else pd.Series("all", index=ok.index)
        )
    groups = list(dict.fromkeys(keys))
    if len(groups) <= 30 and shown:
        cols = min(3, len(shown))
        rows = math.ceil(len(shown) / cols)
        fig, axes = plt.subplots(
            rows, cols, figsize=(5.2 * cols, (1.2 + 0.3 * len(groups)) * rows + 0.6), squeeze=False
        )
        for ax, o in zip(axes.flat, shown):
            data = [ok.loc[keys == g, o].dropna().to_numpy() for g in groups]
            ax.boxplot(
                data, orientation="horizontal", tick_labels=[str(g)[:40] for g in groups], showmeans=True
            )
            ax.set_title(f"{outcome_label(o, 'en', hazard)} ({outcome_unit(o, 'en')})", fontsize=10)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(shown) :]:
            ax.axis("off")
        fig.tight_layout()
        for ext in ("png", "svg"):
            fig.savefig(out / f"outcomes.{ext}", dpi=120)
        plt.close(fig)
        names.append("outcomes")
    if not indices.empty:
        metric = "ST" if design == "sobol" else "mu_star"
        first = indices[indices["group"] == indices["group"].iloc[0]]
        pivot = first.pivot(index="factor", columns="outcome", values=metric)
        fig, ax = plt.subplots(figsize=(1.5 + 1.1 * len(pivot.columns), 0.8 + 0.45 * len(pivot.index) + 1.5))
        im = ax.imshow(pivot.to_numpy(float), cmap="viridis", aspect="auto")
        ax.set_xticks(
            range(len(pivot.columns)),
            [_label_or_name(o, hazard) for o in pivot.columns],
            rotation=45,
            ha="right",
            fontsize=8,
        )
        ax.set_yticks(range(len(pivot.index)), pivot.index, fontsize=8)
        ax.set_title(
            f"{'Total-order Sobol index' if design == 'sobol' else 'Morris mu*'} ({first['group'].iloc[0]})",
            fontsize=10,
        )
        fig.colorbar(im, ax=ax)
        fig.tight_layout()
        for ext in ("png", "svg"):
            fig.savefig(out / f"indices.{ext}", dpi=120)
        plt.close(fig)
        names.append("indices")
    return names
