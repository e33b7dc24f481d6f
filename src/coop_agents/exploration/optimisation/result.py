"""What :func:`~coop_agents.exploration.optimisation.optimise` found (:class:`Optimisation`): its
printed report and the files it writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from coop_agents.exploration._common import outcome_words, write_outputs
from coop_agents.exploration.costs import CostModel
from coop_agents.exploration.optimisation.front import _setting_words
from coop_agents.exploration.optimisation.search import _dir
from coop_agents.numbers import decimals_for, format_number


@dataclass
class Optimisation:
    """What :func:`optimise` found; every table a DataFrame."""

    scenario: str
    pattern: str
    budget: float
    objectives: list[str]
    levers: list[str]
    costs: CostModel
    evaluations: pd.DataFrame  # every candidate evaluated: levers, cost, objectives
    front: pd.DataFrame  # the non-dominated candidates, by cost
    steps: pd.DataFrame  # the best plan (first objective) within each budget level
    investments: pd.DataFrame  # each lever: the least budget at which the best plan buys it
    replicates: int
    seeds: list[int]
    ran: int  # model runs made by this call (0: all taken from the saved evaluations)
    out: Path | None = None

    def report(self) -> str:
        unit = self.costs.unit
        head = (
            f"optimise: scenario {self.scenario}, levers {', '.join(self.levers)} on top of {self.pattern}, "
            f"budget {format_number(self.budget)} ({unit}); {len(self.evaluations)} candidates x "
            f"{self.replicates} paired seeds; objectives: cost, "
            + ", ".join(f"{outcome_words(o)[0]} ({_dir(o)})" for o in self.objectives)
        )
        lines = [head, "", f"Pareto front ({len(self.front)} plans, cheapest first; levers as set):"]
        lines += _table(self.front, self.objectives, self.levers, self.costs)
        first = self.objectives[0]
        lines += ["", f"Best plan for {outcome_words(first)[0]} within each budget:"]
        lines += _table(self.steps, self.objectives, self.levers, self.costs, budget=True)
        lines += [
            "",
            "First investments (the least budget at which the best plan for "
            f"{outcome_words(first)[0]} buys a lever):",
        ]
        for r in self.investments.itertuples():
            if pd.isna(r.budget):
                lines.append(f"  -  {r.lever:28s} not bought within {format_number(self.budget)}")
            else:
                lines.append(
                    f"  {int(r.rank)}. {r.lever:28s} from a budget of {format_number(r.budget)} "
                    f"(set to {r.setting}, costing {format_number(r.lever_cost)})"
                )
        lines.append("")
        lines.append(
            f"Objectives are means over the same {self.replicates} seeds for every plan: differences "
            f"between close plans may be noise of those seeds."
        )
        return "\n".join(lines)

    def write(self, out: str | Path | None = None) -> list[Path]:
        """``front.csv``, ``evaluations.csv``, ``investments.csv``, ``optimise.md`` and figures."""
        folder, paths = write_outputs(
            out,
            self.out,
            {
                "front.csv": self.front,
                "evaluations.csv": self.evaluations,
                "budget_steps.csv": self.steps,
                "investments.csv": self.investments,
            },
            "optimise.md",
            f"# Optimisation under a budget\n\n```\n{self.report()}\n```\n\n![front](front.png)\n\n"
            f"![levers](levers.png)\n",
        )
        return paths + self.figures(folder)

    def figures(self, out: Path) -> list[Path]:
        from coop_agents.exploration.optimisation.figures import figures

        return figures(self, out)


def _table(
    df: pd.DataFrame, objectives: list[str], levers: list[str], costs: CostModel, budget: bool = False
) -> list[str]:
    from coop_agents.experiments.analysis import find_outcome

    cols = (["budget"] if budget else []) + ["cost", *objectives, *levers]
    heads = [c if c in levers or c in ("budget", "cost") else outcome_words(c)[0] for c in cols]
    cells = []
    for c in cols:
        if c in levers:
            cells.append([_setting_words(v) for v in df[c]])
        else:
            d = 0 if c in ("budget", "cost") else find_outcome(c).decimals
            d = decimals_for(df[c], d)
            cells.append([format_number(v, d) for v in df[c]])
    widths = [max(len(h), *(len(x) for x in col)) if len(col) else len(h) for h, col in zip(heads, cells)]
    lines = ["  " + "  ".join(h.rjust(w) for h, w in zip(heads, widths))]
    for i in range(len(df)):
        lines.append("  " + "  ".join(col[i].rjust(w) for col, w in zip(cells, widths)))
    return lines
