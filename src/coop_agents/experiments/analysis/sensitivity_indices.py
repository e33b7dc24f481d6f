"""Sensitivity indices of a sampled design: Sobol (first and total order) or Morris (mu*, sigma)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from coop_agents.experiments.analysis.outcomes import _outcomes

__all__ = ["sensitivity"]


def sensitivity(df: pd.DataFrame, definition: dict, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Sobol (first and total order) or Morris (mu*, sigma) indices of the ranged factors.

    Outcomes are averaged over replicates per sample point (the replicates share seeds, so the
    average removes noise without confounding the inputs); indices come from SALib, per
    combination of the crossed factors.
    """
    design = definition["design"]
    if design not in ("sobol", "morris"):
        return pd.DataFrame()
    ranged = [f for f in definition["factors"] if f["low"] is not None]
    crossed = [f["name"] for f in definition["factors"] if f["low"] is None and len(f["values"]) > 1]
    problem: dict[str, Any] = {
        "num_vars": len(ranged),
        "names": [f["name"] for f in ranged],
        "bounds": [[f["low"], f["high"]] for f in ranged],
    }
    # The columns of each index with its confidence, in the order SALib names them.
    indices = (
        ("S1", "S1_conf", "ST", "ST_conf") if design == "sobol" else ("mu_star", "mu_star_conf", "sigma")
    )
    groups = df.groupby(crossed, sort=True) if crossed else [((), df)]
    rows = []
    for combo, group in groups:
        combo = combo if isinstance(combo, tuple) else (combo,)
        means = group.groupby("arm_id", sort=True)[outcomes or _outcomes(df)].mean()
        points = group.groupby("arm_id", sort=True)[problem["names"]].first()
        expected = len(group["arm_id"].unique())
        label = ", ".join(f"{k}={v}" for k, v in zip(crossed, combo)) or "all"
        for o in means.columns:
            y = means[o].to_numpy(float)
            if np.isnan(y).any() or expected != len(y):
                continue  # an incomplete design (failed or missing runs) has no valid indices
            if design == "sobol":
                from SALib.analyze import sobol

                res = sobol.analyze(problem, y, calc_second_order=False, print_to_console=False)
            else:
                from SALib.analyze import morris

                res = morris.analyze(problem, points.to_numpy(float), y, print_to_console=False)
            for i, name in enumerate(problem["names"]):
                rows.append({"group": label, "outcome": o, "factor": name, **{m: res[m][i] for m in indices}})
    return pd.DataFrame(rows)
