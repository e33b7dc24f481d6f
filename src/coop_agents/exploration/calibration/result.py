"""What :func:`~coop_agents.exploration.calibration.calibrate` found (:class:`Calibration`): its
printed report and the files it writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from coop_agents.exploration._common import (
    value_words,
    write_outputs,
)

PREDICTIVE_DRAWS = 40
LEVEL = 0.90


@dataclass
class Calibration:
    """What :func:`calibrate` found; every table a DataFrame."""

    scenario: str
    pattern: str
    data: str
    priors: dict[str, tuple[float, float]]
    posterior: pd.DataFrame  # parameter, mean, median, low, high (90%), prior_low, prior_high
    samples: pd.DataFrame  # the last generation's particles and their weights
    generations: pd.DataFrame  # t, epsilon, particles, simulations, acceptance
    predictive: pd.DataFrame  # day, observed, median, low, high (district per day); cumulative too
    communities: pd.DataFrame  # community, observed total, predicted median, low, high
    coverage: float  # share of days whose observed district count lies in the 90% band
    fitted: dict[str, Any]  # the posterior medians, as the scenario file sets them
    scenario_file: Path | None
    simulations: int
    draws: int = PREDICTIVE_DRAWS
    out: Path | None = None

    def report(self) -> str:
        lines = [
            f"calibrate: scenario {self.scenario}, pattern {self.pattern}, data {self.data}",
            f"ABC-SMC (pyabc): {len(self.generations)} generations, {self.simulations:,} simulations in all",
            "",
            "  gen  epsilon  particles  simulations  acceptance",
        ]
        for r in self.generations.itertuples():
            lines.append(
                f"  {r.t:3d}  {value_words(r.epsilon):>7s}  {r.particles:9d}  {r.simulations:11,d}  "
                f"{100 * r.acceptance:9.0f}%"
            )
        lines += [
            "",
            f"Posterior ({100 * LEVEL:.0f}% intervals; prior: uniform over the range):",
            "  parameter              median    mean   90% interval        prior",
        ]
        for r in self.posterior.itertuples():
            lines.append(
                f"  {r.parameter:20s} {value_words(r.median):>8s} {value_words(r.mean):>7s}   "
                f"[{value_words(r.low)}, {value_words(r.high)}]".ljust(58)
                + f"[{value_words(r.prior_low)}, {value_words(r.prior_high)}]"
            )
        lines += [
            "",
            f"Posterior predictive ({self.draws} simulations from posterior draws): the observed "
            f"district count lies in the {100 * LEVEL:.0f}% band on {100 * self.coverage:.0f}% of the "
            f"{len(self.predictive)} days; total observed {int(self.predictive['observed'].sum()):,}, "
            f"predicted {value_words(self.predictive['cum_median'].iloc[-1])} "
            f"[{value_words(self.predictive['cum_low'].iloc[-1])}, "
            f"{value_words(self.predictive['cum_high'].iloc[-1])}].",
        ]
        if self.scenario_file is not None:
            lines.append(f"Fitted scenario (posterior medians): {self.scenario_file}")
        return "\n".join(lines)

    def write(self, out: str | Path | None = None) -> list[Path]:
        """The tables as CSV, ``calibrate.md`` and the figures, in ``out`` (default: the fit's folder)."""
        folder, paths = write_outputs(
            out,
            self.out,
            {
                "posterior.csv": self.posterior,
                "particles.csv": self.samples,
                "generations.csv": self.generations,
                "predictive.csv": self.predictive,
                "communities.csv": self.communities,
            },
            "calibrate.md",
            f"# Calibration\n\n```\n{self.report()}\n```\n\n![predictive](predictive.png)\n\n"
            f"![posterior](posterior.png)\n",
        )
        return paths + self.figures(folder)

    def figures(self, out: Path) -> list[Path]:
        from coop_agents.exploration.calibration.figures import figures

        return figures(self, out)
