"""Which runs are analysed (``--arm``), their factors as PRIM and CART take them, and which of
them are cases (worse than the threshold)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.exploration._common import (
    Results,
    better,
    outcome_words,
    value_words,
)


def select_runs(res: Results, arm: str | None) -> tuple[pd.DataFrame, str]:
    """The runs of ``arm``: ``factor=value`` of a crossed factor, a value of one (``siloed``), an
    arm's label or its number; all runs without it."""
    runs = res.runs
    if arm is None:
        return runs, "all runs"
    text = arm.strip()
    crossed = [c for c in res.varied() if res.crossed(c)]
    if "=" in text:
        key, _, value = (s.strip() for s in text.partition("="))
        if key not in runs.columns or key not in res.varied():
            raise CoopError(
                f"--arm {arm}: {key!r} is not a factor these results vary; varied: "
                f"{', '.join(res.varied()) or 'none'}"
            )
        match = runs[runs[key].map(_as_text) == value]
        if match.empty:
            values = sorted({_as_text(v) for v in runs[key]})
            raise CoopError(f"--arm {arm}: no run has {key} = {value}; its values: {', '.join(values[:20])}")
        return match, f"{key} = {value}"
    for c in crossed:
        match = runs[runs[c].map(_as_text) == text]
        if not match.empty:
            return match, f"{c} = {text}"
    match = runs[runs["arm"] == text]
    if match.empty and text.isdigit():
        match = runs[runs["arm_id"] == int(text)]
    if not match.empty:
        return match, f"arm {text}"
    allowed = sorted({f"{c}={_as_text(v)}" for c in crossed for v in runs[c].unique()})
    raise CoopError(
        f"--arm {arm}: no such arm in {res.where}; give factor=value of a crossed factor "
        f"({', '.join(allowed[:20]) or 'none crossed here'}) or an arm's number"
    )


def _as_text(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)):
        return value_words(v)
    return str(v)


def factor_frame(res: Results, runs: pd.DataFrame) -> pd.DataFrame:
    """The varied factors of ``runs`` as PRIM and CART take them: numbers stay numbers (integers
    integers), anything else becomes text."""
    names = res.varied(runs)
    if not names:
        raise CoopError(
            f"nothing varies between the runs of {res.where}"
            f"{'' if len(runs) == len(res.runs) else ' chosen by --arm'}: discovery needs factors "
            f"with several values (a list or a sampled range in the experiment)"
        )
    x = pd.DataFrame(index=runs.index)
    for c in names:
        col = runs[c]
        if pd.api.types.is_bool_dtype(col):
            x[c] = col.map(lambda v: "on" if v else "off").astype(object)
        elif pd.api.types.is_integer_dtype(col):
            x[c] = col.astype(np.int64)
        elif pd.api.types.is_float_dtype(col):
            x[c] = col.astype(float)
        else:
            x[c] = col.map(_as_text).astype(object)
    return x.reset_index(drop=True)


# ------------------------------------------------------------------------------------ threshold


def cases_of(
    y: pd.Series,
    outcome: str,
    worse_than: float | None,
    threshold: float | None,
    side: str | None,
    subset: str,
) -> tuple[np.ndarray, float, str, str]:
    """Which runs are cases: (mask, threshold, side, the rule in words)."""
    direction = better(outcome)
    label, unit = outcome_words(outcome)
    if side is None:
        if direction == "neither":
            raise CoopError(
                f"--outcome {outcome}: the outcome registry gives {label} no better direction; "
                f"say which side is of interest with --side above or --side below"
            )
        side = "above" if direction == "lower" else "below"
    elif side not in ("above", "below"):
        raise CoopError(f"--side {side}: expected above or below")
    if worse_than is not None and threshold is not None:
        raise CoopError("give either --worse-than Q or --threshold X, not both")
    low, high = float(y.min()), float(y.max())
    span = f"{label} runs from {value_words(low)} to {value_words(high)} {unit} in {subset}"
    if threshold is None:
        q = 0.8 if worse_than is None else worse_than
        if not (isinstance(q, (int, float)) and 0 < q < 1):
            raise CoopError(
                f"--worse-than {q}: expected a share between 0 and 1, e.g. 0.8 (the runs worse than "
                f"80% of all runs)"
            )
        threshold = float(np.quantile(y, q if side == "above" else 1 - q))
        rule = f"worse than {100 * q:.0f}% of the runs"
    else:
        if not math.isfinite(threshold):
            raise CoopError(f"--threshold {threshold}: expected a finite number")
        rule = "--threshold"
    cases = (y > threshold) if side == "above" else (y < threshold)
    k = int(cases.sum())
    if k == 0 or k == len(y):
        where = "no run is" if k == 0 else "every run is"
        raise CoopError(
            f"--threshold {value_words(threshold)}: {where} {side} it ({span}); choose a threshold "
            f"inside that range"
            if rule == "--threshold"
            else f"--worse-than {worse_than}: {where} {side} {value_words(threshold)} ({span}); too many "
            f"runs share one value; give --threshold inside that range"
        )
    return cases.to_numpy(bool), float(threshold), side, rule
