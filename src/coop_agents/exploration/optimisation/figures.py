"""The figures of an optimisation: cost against the first objective (the front and the best plan
within each budget), and the levers bought along the front."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from coop_agents.exploration._common import (
    outcome_words,
    pyplot,
    save_figure,
)
from coop_agents.exploration.costs import CostModel
from coop_agents.exploration.optimisation.result import Optimisation
from coop_agents.numbers import format_number


def figures(o: Optimisation, out: Path) -> list[Path]:
    """``front`` and ``levers`` (PNG and SVG) in ``out``."""
    plt = pyplot()
    first = o.objectives[0]
    label, unit = outcome_words(first)
    fig, ax = plt.subplots(figsize=(6.8, 4.6))
    ax.scatter(o.evaluations["cost"], o.evaluations[first], s=12, color="lightgrey", label="evaluated")
    if len(o.objectives) > 1:
        second = o.objectives[1]
        sc = ax.scatter(
            o.front["cost"],
            o.front[first],
            c=o.front[second],
            cmap="viridis_r",
            s=40,
            zorder=3,
            label="Pareto front",
        )
        fig.colorbar(sc, ax=ax, label=f"{outcome_words(second)[0]} ({outcome_words(second)[1]})")
    else:
        ax.scatter(o.front["cost"], o.front[first], color="crimson", s=40, zorder=3, label="Pareto front")
    ax.step(
        o.steps["budget"],
        o.steps[first],
        where="post",
        color="crimson",
        lw=1,
        label="best within budget",
    )
    ax.axvline(o.budget, color="black", ls=":", lw=1)
    ax.set_xlabel(f"cost ({o.costs.unit})")
    ax.set_ylabel(f"{label} ({unit})")
    ax.set_title(f"{o.scenario}: cost against {label.lower()}, {o.replicates} paired seeds", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    paths = save_figure(fig, out, "front")
    # Lever settings along the front: 0 = cheapest, 1 = dearest.
    f = o.front
    m = np.array([[_share(o.costs, k, row[k]) for k in o.levers] for row in f[o.levers].to_dict("records")])
    fig, ax = plt.subplots(figsize=(1.6 + 0.35 * max(len(f), 4), 1.2 + 0.45 * len(o.levers)))
    im = ax.imshow(
        m.T if len(m) else np.zeros((len(o.levers), 1)), aspect="auto", cmap="Reds", vmin=0, vmax=1
    )
    ax.set_yticks(range(len(o.levers)), o.levers, fontsize=8)
    ax.set_xticks(range(len(f)), [format_number(c, 0) for c in f["cost"]], rotation=90, fontsize=7)
    ax.set_xlabel(f"plans of the Pareto front, by cost ({o.costs.unit})")
    fig.colorbar(im, ax=ax, label="share of the lever's cost range bought")
    paths += save_figure(fig, out, "levers")
    return paths


def _share(costs: CostModel, lever: str, value: Any) -> float:
    c = costs.levers[lever]
    span = c.cost(c.dearest) - c.cost(c.cheapest)
    return 0.0 if span <= 0 else (c.cost(value) - c.cost(c.cheapest)) / span
