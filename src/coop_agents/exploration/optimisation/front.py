"""What the evaluations say: the Pareto front, the best plan within each budget level and the
"first investments" ranking (the least budget at which the best plan buys each lever)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.exploration._common import value_words
from coop_agents.exploration.costs import CostModel

BUDGET_STEPS = 8  # budget levels of the "first investments" ranking


def _setting_words(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    return value_words(value) if isinstance(value, (float, np.floating)) else str(value)


def _front(table: pd.DataFrame, objectives: list[str]) -> pd.DataFrame:
    """The candidates no other candidate beats on cost and every objective at once."""
    from coop_agents.exploration._common import better

    ok = table.dropna(subset=objectives).reset_index(drop=True)
    signs = np.array([1.0] + [1.0 if better(o) == "lower" else -1.0 for o in objectives])
    m = ok[["cost", *objectives]].to_numpy(float) * signs
    keep = np.ones(len(m), bool)
    for i in range(len(m)):
        dominated = np.all(m <= m[i], axis=1) & np.any(m < m[i], axis=1)
        keep[i] = not dominated.any()
    front = ok[keep].drop_duplicates(subset=["cost", *objectives])
    return front.sort_values(["cost", *objectives], kind="stable").reset_index(drop=True)


def _budget_steps(front: pd.DataFrame, objectives: list[str], budget: float, floor: float) -> pd.DataFrame:
    from coop_agents.exploration._common import better

    first = objectives[0]
    sign = 1.0 if better(first) == "lower" else -1.0
    levels = [floor + (budget - floor) * j / BUDGET_STEPS for j in range(BUDGET_STEPS + 1)]
    rows = []
    for level in levels:
        within = front[front["cost"] <= level + 1e-9]
        if within.empty:
            continue
        best = within.loc[(sign * within[first]).idxmin()]
        rows.append({"budget": level, **best.to_dict()})
    return pd.DataFrame(rows, columns=["budget", *front.columns])


def _investments(steps: pd.DataFrame, names: list[str], model: CostModel, budget: float) -> pd.DataFrame:
    rows = []
    for lever in names:
        c = model.levers[lever]
        hit = steps[[c.invested(v) for v in steps[lever]]] if len(steps) else steps
        if len(hit):
            r = hit.iloc[0]
            rows.append(
                {
                    "lever": lever,
                    "budget": float(r["budget"]),
                    "setting": _setting_words(r[lever]),
                    "lever_cost": c.cost(r[lever]) - c.cost(c.cheapest),
                    "note": c.note,
                }
            )
        else:
            rows.append(
                {"lever": lever, "budget": math.nan, "setting": "", "lever_cost": math.nan, "note": c.note}
            )
    df = (
        pd.DataFrame(rows)
        .sort_values(["budget", "lever_cost"], ascending=[True, False], na_position="last", kind="stable")
        .reset_index(drop=True)
    )
    df.insert(
        0,
        "rank",
        pd.array([i + 1 if not math.isnan(b) else None for i, b in enumerate(df["budget"])], dtype="Int64"),
    )
    return df
