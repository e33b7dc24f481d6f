"""Comparisons between arms: each arm minus its baseline arm, paired by replicate (same seed)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from coop_agents.experiments.analysis.bootstrap import _mean_cis, _ratio_cis
from coop_agents.experiments.analysis.outcomes import _factor_columns, _outcomes

__all__ = ["paired_differences"]


def paired_differences(df: pd.DataFrame, baseline: dict, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Each arm minus its baseline arm, paired by replicate (same seed), with 95% CIs.

    The baseline arm of an arm has the same values of every varied factor except those named in
    ``baseline``, which take the baseline's values. Only pairs where both outcomes are defined
    (not NaN) count: ``n_pairs`` of them; ``n_missing`` replicates of both arms lacked one.
    ``mean_diff`` is the mean of the paired differences, ``ci_low``/``ci_high`` its percentile
    bootstrap interval over the pairs. ``share_lower`` is the share of pairs in which the arm's
    outcome was lower than the baseline's; ``n_lower``, ``n_higher`` and ``n_equal`` count the
    pairs. ``base_mean`` is the baseline's mean over the same pairs and ``rel_diff`` =
    ``mean_diff / base_mean`` (the arm's mean relative to the baseline's, e.g. -0.31: 31%
    lower), with the percentile bootstrap interval of that ratio over the pairs
    (``rel_ci_low``/``rel_ci_high``; never below -100%). ``rel_diff`` is NaN for outcomes that
    can be negative and when the baseline's mean is 0; its interval also with fewer than two
    pairs, or when a resample of the baseline averages 0.
    """
    if not baseline:
        return pd.DataFrame()
    ok = df[df["error"].isna()]
    varied = _factor_columns(ok) + [c for c in ("scenario", "pattern") if ok[c].nunique() > 1]
    key = [c for c in varied if c not in baseline]
    is_base = pd.Series(True, index=ok.index)
    for k, v in baseline.items():
        is_base &= ok[k] == v
    base = ok[is_base]
    outcomes = [o for o in (outcomes or _outcomes(df)) if o in ok.columns]
    rows = []
    for (arm_id, arm), group in ok[~is_base].groupby(["arm_id", "arm"], sort=True):
        match = base
        for k in key:
            match = match[match[k] == group[k].iloc[0]]
        if match.empty or not outcomes:
            continue
        merged = group.merge(match, on="replicate", suffixes=("", "_base"))
        arm_values = merged[outcomes].to_numpy(float).T
        base_values = merged[[f"{o}_base" for o in outcomes]].to_numpy(float).T
        d = arm_values - base_values
        mean, low, high, n = _mean_cis(d)
        rel, rel_low, rel_high = _ratio_cis(arm_values, base_values)
        for j, o in enumerate(outcomes):
            dj = d[j][~np.isnan(d[j])]
            bj = base_values[j][~np.isnan(d[j])]
            rows.append(
                {
                    "arm_id": arm_id,
                    "arm": arm,
                    "baseline_arm": match["arm"].iloc[0],
                    "outcome": o,
                    "n_pairs": int(n[j]),
                    "mean_diff": float(mean[j]),
                    "ci_low": float(low[j]),
                    "ci_high": float(high[j]),
                    "share_lower": float((dj < 0).mean()) if dj.size else math.nan,
                    "n_lower": int((dj < 0).sum()),
                    "n_higher": int((dj > 0).sum()),
                    "n_equal": int((dj == 0).sum()),
                    "n_missing": int(d.shape[1] - n[j]),
                    "base_mean": float(bj.mean()) if dj.size else math.nan,
                    "rel_diff": float(rel[j]),
                    "rel_ci_low": float(rel_low[j]),
                    "rel_ci_high": float(rel_high[j]),
                }
            )
    return pd.DataFrame(rows)
