"""The figures of a calibration: the posterior-predictive bands against the data, the posterior."""

from __future__ import annotations

from pathlib import Path

from coop_agents.exploration._common import (
    pyplot,
    save_figure,
)
from coop_agents.exploration.calibration.result import LEVEL, Calibration


def figures(c: Calibration, out: Path) -> list[Path]:
    """``predictive`` and ``posterior`` (PNG and SVG) in ``out``."""
    plt = pyplot()
    p = c.predictive
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4))
    for axis, prefix, title in ((ax, "", "new detected cases per day"), (bx, "cum_", "cumulative")):
        obs = p["observed"] if not prefix else p["observed"].cumsum()
        axis.fill_between(
            p["day"],
            p[f"{prefix}low"],
            p[f"{prefix}high"],
            color="steelblue",
            alpha=0.3,
            label=f"{100 * LEVEL:.0f}% posterior-predictive band",
        )
        axis.plot(p["day"], p[f"{prefix}median"], color="steelblue", label="median")
        axis.plot(p["day"], obs, "o", ms=3, color="black", label="observed")
        axis.set_xlabel("day")
        axis.set_title(f"District: {title}", fontsize=10)
        axis.grid(alpha=0.3)
    ax.legend(fontsize=8)
    paths = save_figure(fig, out, "predictive")
    names = list(c.priors)
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.2), squeeze=False)
    for axis, name in zip(axes[0], names):
        lo, hi = c.priors[name]
        axis.hist(
            c.samples[name],
            weights=c.samples["weight"],
            bins=20,
            range=(lo, hi),
            color="seagreen",
            alpha=0.8,
        )
        r = c.posterior.set_index("parameter").loc[name]
        axis.axvspan(r["low"], r["high"], color="orange", alpha=0.2, label=f"{100 * LEVEL:.0f}% interval")
        axis.axvline(r["median"], color="orange")
        axis.set_xlim(lo, hi)
        axis.set_title(name, fontsize=10)
        axis.set_yticks([])
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Posterior (histogram, weighted) over the prior's range", fontsize=10)
    fig.tight_layout()
    return paths + save_figure(fig, out, "posterior")
