"""Per-arm summaries of a batch: each outcome's mean with its interval, each daily series' bands."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.experiments.analysis.bootstrap import _mean_cis
from coop_agents.experiments.analysis.outcomes import _outcomes

__all__ = ["summarise", "series_bands"]


def summarise(df: pd.DataFrame, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Per arm and outcome: runs with a value (``n``; ``n_missing`` without: NaN), mean and 95% CI.

    The interval is the percentile bootstrap's over the arm's runs (see the module's notes): it
    never leaves the range the outcome's values span, so a count's is never negative. With one
    run it is NaN.
    """
    ok = df[df["error"].isna()]
    outcomes = list(outcomes or _outcomes(df))
    rows = []
    for (arm_id, arm), group in ok.groupby(["arm_id", "arm"], sort=True):
        present = [o for o in outcomes if o in group.columns]
        if not present:
            continue
        mean, low, high, n = _mean_cis(group[present].to_numpy(float).T)
        for j, o in enumerate(present):
            rows.append(
                {
                    "arm_id": arm_id,
                    "arm": arm,
                    "outcome": o,
                    "n": int(n[j]),
                    "mean": float(mean[j]),
                    "ci_low": float(low[j]),
                    "ci_high": float(high[j]),
                    "n_missing": len(group) - int(n[j]),
                }
            )
    columns = ["arm_id", "arm", "outcome", "n", "mean", "ci_low", "ci_high", "n_missing"]
    return pd.DataFrame(rows, columns=columns)


def series_bands(df: pd.DataFrame, name: str, level: float = 0.95) -> pd.DataFrame:
    """Per arm and day: mean of a stored daily series over the runs, with two bands.

    ``level`` is the share of runs the wider band holds; the mean's interval is always 95%.

    ``ci_low``/``ci_high`` is the 95% percentile bootstrap interval of the day's mean (over the
    runs, as :func:`summarise`'s: never below 0 for a count or a share); ``p_low``/``p_high`` the
    range of the middle 95% of the runs (2.5th and 97.5th percentiles). Day 0 is the state
    before the first simulated day. A run that ended before the others (its event was over)
    counts with its last day's values on the days after.

    Raises:
        CoopError: when the results have no such series (the experiment did not keep it).
    """
    column = f"series_{name}"
    if column not in df.columns:
        kept = sorted(c.removeprefix("series_") for c in df.columns if c.startswith("series_"))
        raise CoopError(
            f"series {name!r} was not kept by this batch; kept: {', '.join(kept) or 'none'} "
            f"(add series = [...] to the experiment)"
        )
    ok = df[df["error"].isna()]
    frames = []
    for (arm_id, arm), group in ok.groupby(["arm_id", "arm"], sort=True):
        runs = [np.asarray(v, float) for v in group[column] if v is not None]
        if not runs:
            continue
        days = max(len(v) for v in runs)
        m = np.full((len(runs), days), np.nan)
        for i, v in enumerate(runs):
            m[i, : len(v)] = v
            if 0 < len(v) < days:
                m[i, len(v) :] = v[-1]  # a run over before the others stays as it ended
        mean, low, high, n = _mean_cis(m.T)
        tail = 50 * (1 - level)
        frames.append(
            pd.DataFrame(
                {
                    "arm_id": arm_id,
                    "arm": arm,
                    "day": np.arange(days),
                    "n": n,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "p_low": np.nanpercentile(m, tail, axis=0),
                    "p_high": np.nanpercentile(m, 100 - tail, axis=0),
                }
            )
        )
    columns = ["arm_id", "arm", "day", "n", "mean", "ci_low", "ci_high", "p_low", "p_high"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
