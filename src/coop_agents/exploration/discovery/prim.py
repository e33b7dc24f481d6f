"""PRIM (the EMA Workbench's): the peeling trajectory, the box chosen from it
(:func:`choose_box`), its weak limits dropped, and its limits in numbers and words."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.exploration._common import quiet_libraries
from coop_agents.exploration.discovery.words import Condition, _pct

MIN_COVERAGE = 0.5  # the chosen box holds at least half of the cases
MASS_MIN = 0.05  # PRIM's and CART's smallest box (leaf): 5% of the runs
SIGNIFICANCE = 0.05  # a limit of the chosen box with a larger quasi-p value is dropped
# The EMA Workbench's PRIM drops a column named "scenario"; it is renamed for PRIM only.
_RENAMED = {"scenario": "scenario_"}


def _choice_rule() -> str:
    return f"the box nearest to 100% coverage and 100% density of those holding at least {_pct(MIN_COVERAGE)} of the cases"


def choose_box(trajectory: pd.DataFrame, min_coverage: float = MIN_COVERAGE) -> int:
    """The box of a peeling trajectory described in words: of the boxes that hold at least
    ``min_coverage`` of the cases, the one nearest the ideal corner (every case inside, nothing
    but cases inside: coverage and density both 1). Ties go to fewer restricted factors.

    >>> t = pd.DataFrame({"coverage": [1, .9, .7, .4], "density": [.2, .5, .8, .95], "restricted": [0, 1, 2, 4]})
    >>> choose_box(t), choose_box(t, min_coverage=0.95), choose_box(t, min_coverage=0.3)
    (2, 0, 2)
    """
    t = trajectory
    pool = t[t["coverage"] >= min_coverage - 1e-12]
    if pool.empty:
        pool = t
    distance = np.hypot(1 - pool["coverage"], 1 - pool["density"])
    order = pool.assign(distance=distance.round(12)).sort_values(["distance", "restricted"], kind="stable")
    return int(order.index[0])


def _prim(
    x: pd.DataFrame, cases: np.ndarray, box: int | None, min_coverage: float, significance: float | None
) -> tuple[pd.DataFrame, list, list, int, int | None]:
    """The EMA Workbench's PRIM on ``x``: its trajectory, box limits, quasi-p values, the chosen
    box, and the box of the trajectory it was chosen from (when its weak limits were dropped)."""
    quiet_libraries()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        # Whole-number factors go in as floats: the Workbench's pasting writes a float limit into
        # the box's column, which pandas refuses for an integer column. Their limits are rounded
        # back inwards (:func:`_limits`).
        as_float = x.astype({c: float for c in x.columns if pd.api.types.is_integer_dtype(x[c])})
        p = prim.Prim(
            as_float.rename(columns=_RENAMED),
            cases.astype(bool),
            peel_alpha=0.05,
            paste_alpha=0.05,
            mass_min=MASS_MIN,
        )
        found = p.find_box()
        t = found.peeling_trajectory
        if box is None:
            picked = choose_box(t.rename(columns={"res_dim": "restricted"}), min_coverage)
        elif not 0 <= box < len(t):
            raise CoopError(f"--box {box}: the peeling trajectory has boxes 0 to {len(t) - 1}")
        else:
            picked = box
        chosen, origin = picked, None
        if significance is not None and picked > 0 and box is None:
            chosen = _drop_weak(found, picked, significance)
            origin = picked if chosen != picked else None
    t = found.peeling_trajectory
    trajectory = pd.DataFrame(
        {
            "coverage": t["coverage"].astype(float),
            "density": t["density"].astype(float),
            "mass": t["mass"].astype(float),
            "restricted": t["res_dim"].astype(int),
            "n": t["n"].astype(int),
            "cases": t["k"].astype(int),
        }
    )
    back = {v: k for k, v in _RENAMED.items()}
    lims = [b.rename(columns=back) for b in found.box_lims]
    pvalues = [{back.get(k, k): v for k, v in qp.items()} for qp in found.p_values]
    return trajectory, lims, pvalues, chosen, origin


def _drop_weak(box: Any, i: int, significance: float) -> int:
    """Box ``i`` without its weak limits, appended to the trajectory as the Workbench's
    ``drop_restriction`` does: the limit with the largest quasi-p value above ``significance``
    goes first (one side of a range at a time: a range's lower limit may matter and its upper
    not), the quasi-p values of the rest are computed again, and so on until every limit left
    is significant. Returns the index of the last box."""
    from ema_workbench.analysis import scenario_discovery_util as sdutil

    current = i
    while True:
        init = box.box_lims[0]
        weakest = None
        for dim, sides in box.p_values[current].items():
            for side, qp in enumerate(sides[:2]):
                if qp is not None and qp >= 0 and qp > significance and (weakest is None or qp > weakest[0]):
                    weakest = (qp, dim, side)
        if weakest is None:
            return current
        _, dim, side = weakest
        lims = box.box_lims[current].copy()
        if isinstance(init.loc[0, dim], (set, frozenset)):
            lims.loc[:, dim] = init.loc[:, dim]
        else:
            lims.loc[side, dim] = init.loc[side, dim]
        inside = sdutil._in_box(box.prim.x.loc[box.prim.yi_remaining, :], lims)
        box.update(lims, box.prim.yi_remaining[inside])
        current = len(box.peeling_trajectory) - 1


def _limits(x: pd.DataFrame, lims: list, pvalues: list, i: int) -> tuple[pd.DataFrame, list[Condition]]:
    """The factors box ``i`` restricts: its limits in numbers and words."""
    init, box = lims[0], lims[i]
    rows, conds = [], []
    for c in x.columns:
        if c not in box.columns:
            continue
        lo, hi = box[c].iloc[0], box[c].iloc[1]
        lo0, hi0 = init[c].iloc[0], init[c].iloc[1]
        qp = pvalues[i].get(c) if i < len(pvalues) else None
        q = max((v for v in (qp or []) if v is not None and v >= 0), default=math.nan)
        if isinstance(lo, (set, frozenset)):
            if set(lo) == set(lo0):
                continue
            kept = tuple(sorted(lo, key=str))
            cond = Condition(c, values=kept)
            rows.append(
                {
                    "factor": c,
                    "low": math.nan,
                    "high": math.nan,
                    "values": ", ".join(map(str, kept)),
                    "full_low": math.nan,
                    "full_high": math.nan,
                    "quasi_p": q,
                }
            )
        else:
            restrict_lo, restrict_hi = lo > lo0, hi < hi0
            if not (restrict_lo or restrict_hi):
                continue
            integer = pd.api.types.is_integer_dtype(x[c])
            if integer:  # the whole numbers inside the limits
                lo, hi, lo0, hi0 = math.ceil(lo - 1e-9), math.floor(hi + 1e-9), round(lo0), round(hi0)
            cond = Condition(
                c, float(lo) if restrict_lo else None, float(hi) if restrict_hi else None, integer=integer
            )
            rows.append(
                {
                    "factor": c,
                    "low": float(lo),
                    "high": float(hi),
                    "values": "",
                    "full_low": float(lo0),
                    "full_high": float(hi0),
                    "quasi_p": q,
                }
            )
        rows[-1]["words_en"], rows[-1]["words_zh"] = cond.words("en"), cond.words("zh")
        conds.append(cond)
    columns = ["factor", "low", "high", "values", "full_low", "full_high", "quasi_p", "words_en", "words_zh"]
    return pd.DataFrame(rows, columns=columns), conds
