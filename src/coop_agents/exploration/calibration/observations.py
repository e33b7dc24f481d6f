"""Observed data: the CSV of daily counts read and checked, and counts of the same form simulated
(:func:`simulate_counts`, :func:`simulate_observations`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError

COLUMNS = ("day", "community", "new_detected")


def read_observations(path: str | Path | pd.DataFrame) -> pd.DataFrame:
    """The observed counts of a CSV file, checked (see the module's table of columns).

    Raises:
        CoopError: a missing column, a blank, fractional or negative count, a missing or repeated
            day of a community (one line naming the first one).
    """
    if isinstance(path, pd.DataFrame):
        return check_observations(
            path.astype(str).replace({"nan": "", "None": "", "<NA>": ""}), "the data given"
        )
    path = Path(path)
    if not path.is_file():
        raise CoopError(f"--data {path}: no such file; expected a CSV with columns {', '.join(COLUMNS)}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CoopError(f"--data {path}: not a readable CSV file ({str(exc).splitlines()[0]})") from None
    return check_observations(df, str(path))


def check_observations(df: pd.DataFrame, path: str) -> pd.DataFrame:
    """The observed counts of ``df`` (every cell text, as read from a CSV file), checked."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise CoopError(
            f"--data {path}: no column {', '.join(missing)}; expected columns {', '.join(COLUMNS)} "
            f"(found {', '.join(df.columns) or 'none'})"
        )
    if df.empty:
        raise CoopError(f"--data {path}: no rows; expected one row per day and community")
    out = {}
    for c in COLUMNS:
        values = df[c].str.strip()
        blank = values == ""
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            raise CoopError(
                f"--data {path}: line {i + 2} has no {c} (a missing count is not a zero; give 0 or "
                f"leave the day out of the analysis)"
            )
        nums = pd.to_numeric(values, errors="coerce")
        bad = nums.isna() | (nums % 1 != 0) | ~np.isfinite(nums)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise CoopError(f"--data {path}: line {i + 2}: {c} = {values.iloc[i]!r} is not a whole number")
        low = 1 if c == "day" else 0
        below = nums < low
        if below.any():
            i = int(np.flatnonzero(below)[0])
            what = "a negative count" if c == "new_detected" else f"below {low}"
            raise CoopError(
                f"--data {path}: line {i + 2}: {c} = {values.iloc[i]} is {what}; expected a whole "
                f"number of at least {low}"
            )
        out[c] = nums.astype(np.int64)
    obs = pd.DataFrame(out)
    dup = obs.duplicated(["day", "community"])
    if dup.any():
        r = obs[dup].iloc[0]
        raise CoopError(f"--data {path}: community {r['community']} has two rows for day {r['day']}")
    days = int(obs["day"].max())
    for community, group in obs.groupby("community"):
        have = set(group["day"])
        gap = next((d for d in range(1, days + 1) if d not in have), None)
        if gap is not None:
            raise CoopError(
                f"--data {path}: no count for community {community} on day {gap}; every community "
                f"needs a row for every day from 1 to {days} (a missing count is not a zero)"
            )
    return obs.sort_values(["day", "community"]).reset_index(drop=True)


def simulate_counts(scenario: str, pattern: str, seed: int, days: int, **overrides: Any) -> np.ndarray:
    """New detected cases per day (rows, day 1 first) and community (columns) of one run."""
    from coop_agents.model import CoordinationModel

    model = CoordinationModel(scenario, pattern, seed, **{**overrides, "steps": days, "run_until": "steps"})
    res = model.world.residents
    counts = np.zeros((days, model.n_communities), dtype=np.int64)
    before = res.detected.copy()
    for t in range(days):
        model.step()
        new = res.detected & ~before
        counts[t] = np.bincount(res.community[new], minlength=model.n_communities)
        before = res.detected.copy()
    return counts


def simulate_observations(
    scenario: str = "default", pattern: str = "siloed", seed: int = 0, days: int = 60, **overrides: Any
) -> pd.DataFrame:
    """Daily counts in the CSV's form from one run of the model (e.g. synthetic data with known values)."""
    counts = simulate_counts(scenario, pattern, seed, days, **overrides)
    d, c = np.meshgrid(np.arange(1, counts.shape[0] + 1), np.arange(counts.shape[1]), indexing="ij")
    return pd.DataFrame({"day": d.ravel(), "community": c.ravel(), "new_detected": counts.ravel()})


def _matrix(obs: pd.DataFrame, communities: int) -> np.ndarray:
    days = int(obs["day"].max())
    m = np.zeros((days, communities), dtype=np.int64)
    m[obs["day"].to_numpy() - 1, obs["community"].to_numpy()] = obs["new_detected"].to_numpy()
    return m
