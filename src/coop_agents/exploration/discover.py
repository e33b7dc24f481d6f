"""Scenario discovery: under which conditions does an outcome turn bad?

The runs of a batch are split into *cases* (the outcome is worse than a threshold: above it for
an outcome where lower is better, below it where higher is better, as the outcome registry
says) and the others. Two rule-induction methods then describe the cases by the factors the
experiment varied:

- **PRIM** (the EMA Workbench's :class:`ema_workbench.analysis.prim.Prim`) peels the space of
  factors, a thin slice at a time, towards a box where cases are dense. Every step of its
  *peeling trajectory* trades **coverage** (the share of all cases inside the box) for
  **density** (the share of runs inside the box that are cases). One box of the trajectory is
  chosen (:func:`choose_box`) and its limits are written in plain words, in English and Chinese.
- **CART** (scikit-learn's :class:`~sklearn.tree.DecisionTreeClassifier`) splits the runs into
  leaves, each a box of its own; a second view of the same question.

Each run is one row (its replicate's seed is part of the noise PRIM has to see through), so a
density is a share of *runs*. With ``arm`` the runs are first narrowed to one value of a crossed
factor, e.g. ``pattern=siloed``.

Example (the numbers of a run of ``experiments/siloed_conditions.toml``)::

    >>> d = discover("results/siloed_conditions", "harm", worse_than=0.8)   # doctest: +SKIP
    >>> d.sentence("en")                                                    # doctest: +SKIP
    'Residents harmed is above 312 residents in 83% of the runs where ...'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.exploration._common import (
    Results,
    better,
    check_outcome,
    load,
    outcome_words,
    param_words,
    pyplot,
    quiet_libraries,
    save_figure,
    value_words,
)
from coop_agents.numbers import format_number

__all__ = ["MIN_COVERAGE", "Condition", "Discovery", "choose_box", "discover"]

MIN_COVERAGE = 0.5  # the chosen box holds at least half of the cases
CART_DEPTH = 3
MASS_MIN = 0.05  # PRIM's and CART's smallest box (leaf): 5% of the runs
SIGNIFICANCE = 0.05  # a limit of the chosen box with a larger quasi-p value is dropped

# Units of the parameter table in Chinese, for the Chinese sentences.
_UNITS_ZH = {
    "days/hop": "天/跳",
    "days": "天",
    "day": "天",
    "residents": "人",
    "communities": "个社区",
    "per contact-day": "/接触日",
    "per day": "/天",
    "per year": "次/年",
    "messages/day": "条/天",
    "x critical point": "倍临界值",
    "stages": "个阶段",
    "x": "倍",
    "trust": "",
    "per 1,000 residents per day": "/千人/天",
}
# The EMA Workbench's PRIM drops a column named "scenario"; it is renamed for PRIM only.
_RENAMED = {"scenario": "scenario_"}


@dataclass(frozen=True)
class Condition:
    """A box's limit on one factor: a range (``low``/``high``, None: open) or a set of values."""

    factor: str
    low: float | None = None
    high: float | None = None
    values: tuple = ()
    integer: bool = False
    strict: bool = False  # a CART split: x > low and x <= high, rather than within [low, high]

    def words(self, lang: str = "en") -> str:
        name, unit = param_words(self.factor, lang)
        if lang == "zh":
            unit = _UNITS_ZH.get(unit, unit)
        space = " " if unit and lang == "en" else ""
        u = f"{space}{unit}" if unit else ""
        if self.values:
            shown = [value_words(v) for v in self.values]
            if lang == "zh":
                return f"{name}为 {' 或 '.join(shown)}"
            return (
                f"{name} is {' or '.join(shown)}"
                if len(shown) < 3
                else f"{name} is one of {', '.join(shown)}"
            )
        lo = None if self.low is None else value_words(self.low, self.integer)
        hi = None if self.high is None else value_words(self.high, self.integer)
        if lang == "zh":
            if lo is not None and hi is not None:
                return f"{name}在 {lo} 到 {hi}{u} 之间"
            if lo is not None:
                return f"{name}{'不少于' if self.integer and not self.strict else '高于'} {lo}{u}"
            return f"{name}{'不超过' if self.integer or self.strict else '低于'} {hi}{u}"
        gt = ">" if self.strict or not self.integer else "≥"
        lt = "≤" if self.strict or self.integer else "<"
        if lo is not None and hi is not None:
            return f"{lo} {'<' if gt == '>' else '≤'} {name} {lt} {hi}{u}"
        if lo is not None:
            return f"{name} {gt} {lo}{u}"
        return f"{name} {lt} {hi}{u}"


@dataclass
class Discovery:
    """What :func:`discover` found; every table a DataFrame."""

    outcome: str
    side: str  # "above" or "below": which side of the threshold is a case
    threshold: float
    rule: str  # how the threshold was set, in words
    subset: str  # the runs analysed, in words ("all runs", "pattern = siloed")
    data: pd.DataFrame  # the factors of every run, its outcome and whether it is a case
    factors: list[str]
    trajectory: pd.DataFrame  # PRIM's peeling trajectory: box, coverage, density, mass, restricted, n, cases
    chosen: int  # the box of the trajectory described in words
    limits: pd.DataFrame  # the chosen box's limits: factor, low, high, values, quasi_p, words_en, words_zh
    cart: pd.DataFrame  # CART's leaves, densest first
    cart_text: str  # the tree as text
    where: str = ""
    conditions: list[Condition] = field(default_factory=list)
    origin: int | None = None  # the box of the peeling trajectory the chosen one was made from
    _tree: Any = None  # the fitted scikit-learn tree and its feature names, for the figure

    @property
    def n_runs(self) -> int:
        return len(self.data)

    @property
    def n_cases(self) -> int:
        return int(self.data["case"].sum())

    def box(self) -> pd.Series:
        """The chosen box's row of the trajectory."""
        return self.trajectory.loc[self.chosen]

    def sentence(self, lang: str = "en") -> str:
        """The chosen box in plain words (``en`` or ``zh``)."""
        label, unit = outcome_words(self.outcome, lang)
        thr = value_words(self.threshold)
        b = self.box()
        density, coverage = _pct(b["density"]), _pct(b["coverage"])
        base = _pct(self.n_cases / self.n_runs)
        k, n = int(b["cases"]), int(b["n"])
        if lang == "zh":
            side = "高于" if self.side == "above" else "低于"
            where = "" if self.subset == "all runs" else f"在{_subset_zh(self.subset)}的运行里，"
            if not self.conditions:
                return f"{where}{label}{side} {thr} {unit}的运行占 {base}%；PRIM 没有找到比全部运行更集中的区域。"
            conds = "，且".join(c.words("zh") for c in self.conditions)
            return (
                f"{where}在{conds}的运行中，{density} 的运行{label}{side} {thr} {unit}"
                f"（{n} 次运行中有 {k} 次；这些运行占全部{side} {thr} {unit}的 {self.n_cases} 次运行的 "
                f"{coverage}；全部运行中这一比例为 {base}）。"
            )
        side = "above" if self.side == "above" else "below"
        subject = _lower_first(label)
        where = "" if self.subset == "all runs" else f"With {self.subset}, "
        head = f"{where}{subject}" if where else label
        if not self.conditions:
            return (
                f"{head} is {side} {thr} {unit} in {base} of the runs; PRIM found no box where such runs are "
                f"denser than among all runs."
            )
        conds = " and ".join(c.words("en") for c in self.conditions)
        return (
            f"{head} is {side} {thr} {unit} in {density} of the runs where {conds} ({k} of {n} runs; they hold "
            f"{coverage} of the {self.n_cases} runs {side} {thr}; among all runs the share is {base})."
        )

    def report(self) -> str:
        """The peeling trajectory, the chosen box, its sentences and CART's leaves, as printed."""
        label, unit = outcome_words(self.outcome)
        lines = [
            f"discover: {label} {self.side} {value_words(self.threshold)} {unit} ({self.rule}) in {self.where}, "
            f"{self.subset}: {self.n_runs} runs, {self.n_cases} cases "
            f"({_pct(self.n_cases / self.n_runs)})",
            f"factors: {', '.join(self.factors)}",
            "",
            "PRIM peeling trajectory (EMA Workbench)",
            "  box  coverage  density   mass  factors restricted",
        ]
        for r in self.trajectory.itertuples():
            mark = (
                "  <- chosen"
                if r.Index == self.chosen
                else "  <- chosen, before its weak limits were dropped"
                if r.Index == self.origin
                else ""
            )
            lines.append(
                f"  {r.Index:3d}  {_pct(r.coverage):>8s}  {_pct(r.density):>7s}  {_pct(r.mass):>5s}  "
                f"{r.restricted:d}{mark}"
            )
        made = (
            f"box {self.origin} ({_choice_rule()}) without its limits of quasi-p above {SIGNIFICANCE}"
            if self.origin is not None
            else _choice_rule()
        )
        lines += [
            "",
            f"chosen box {self.chosen}: coverage {_pct(self.box()['coverage'])}, density "
            f"{_pct(self.box()['density'])}; {made}",
        ]
        for r in self.limits.itertuples():
            qp = "" if pd.isna(r.quasi_p) else f"   (quasi-p {format_number(r.quasi_p, 3)})"
            lines.append(f"  {r.words_en}{qp}")
        lines += [
            "",
            "EN: " + self.sentence("en"),
            "中文: " + self.sentence("zh"),
            "",
            f"CART (scikit-learn, depth {CART_DEPTH}, leaves of at least {_pct(MASS_MIN)} of the runs), "
            f"densest leaves first",
            "  density  coverage   runs  rule",
        ]
        for r in self.cart.head(6).itertuples():
            lines.append(f"  {_pct(r.density):>7s}  {_pct(r.coverage):>8s}  {r.n:5d}  {r.rule_en}")
        return "\n".join(lines)

    def write(self, out: str | Path) -> list[Path]:
        """CSV tables, the tree as text, ``discover.md`` and figures (PNG and SVG) in ``out``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = [
            out / "trajectory.csv",
            out / "box.csv",
            out / "cart.csv",
            out / "cart_tree.txt",
            out / "discover.md",
        ]
        self.trajectory.to_csv(paths[0], index_label="box")
        self.limits.to_csv(paths[1], index=False)
        self.cart.to_csv(paths[2], index=False)
        paths[3].write_text(self.cart_text, encoding="utf-8")
        paths[4].write_text(
            f"# Scenario discovery: {self.outcome}\n\n```\n{self.report()}\n```\n\n"
            "![trade-off](tradeoff.png)\n\n![box](box.png)\n\n![CART](cart.png)\n",
            encoding="utf-8",
        )
        paths += self.figures(out)
        return paths

    def figures(self, out: Path) -> list[Path]:
        plt = pyplot()
        label, unit = outcome_words(self.outcome)
        thr = value_words(self.threshold)
        paths = []
        # The trade-off: every box of the peeling trajectory, coloured by restricted factors.
        fig, ax = plt.subplots(figsize=(6.4, 4.6))
        t = self.trajectory
        sc = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=28, zorder=3)
        chosen = t.loc[self.chosen]
        ax.scatter(
            [chosen["coverage"]],
            [chosen["density"]],
            s=160,
            facecolors="none",
            edgecolors="crimson",
            linewidths=2,
            zorder=4,
            label=f"chosen box {self.chosen}",
        )
        ax.set_xlabel("coverage (share of all cases inside the box)")
        ax.set_ylabel("density (share of the box's runs that are cases)")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        fig.colorbar(sc, ax=ax, label="factors restricted")
        ax.legend(loc="lower left")
        ax.set_title(f"PRIM trade-off: {label} {self.side} {thr} {unit}\n{self.subset}", fontsize=10)
        paths += save_figure(fig, out, "tradeoff")
        # The chosen box's limits against each factor's full range.
        shown = self.limits if len(self.limits) else pd.DataFrame(columns=self.limits.columns)
        fig, ax = plt.subplots(figsize=(6.4, 1.2 + 0.6 * max(1, len(shown))))
        for i, r in enumerate(shown.itertuples()):
            full_lo, full_hi = r.full_low, r.full_high
            if isinstance(r.values, str) and r.values:
                ax.text(0.5, i, f"{r.factor}: {r.values}", ha="center", va="center", fontsize=9)
                continue
            span = (full_hi - full_lo) or 1.0
            lo = (r.low - full_lo) / span
            hi = (r.high - full_lo) / span
            ax.plot([0, 1], [i, i], color="lightgrey", lw=8, solid_capstyle="butt")
            ax.plot([lo, hi], [i, i], color="crimson", lw=8, solid_capstyle="butt")
            ax.text(lo, i + 0.28, value_words(r.low), ha="center", fontsize=8)
            ax.text(hi, i + 0.28, value_words(r.high), ha="center", fontsize=8)
            ax.text(0, i - 0.32, value_words(full_lo), ha="left", fontsize=7, color="grey")
            ax.text(1, i - 0.32, value_words(full_hi), ha="right", fontsize=7, color="grey")
        ax.set_yticks(range(len(shown)), list(shown["factor"]))
        ax.set_xticks([])
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.8, max(0.8, len(shown) - 0.2))
        b = self.box()
        ax.set_title(
            f"Box {self.chosen}: coverage {_pct(b['coverage'])}, density {_pct(b['density'])} "
            f"({label} {self.side} {thr})",
            fontsize=10,
        )
        paths += save_figure(fig, out, "box")
        # CART's tree.
        if self._tree is not None:
            from sklearn.tree import plot_tree

            clf, names = self._tree
            fig, ax = plt.subplots(figsize=(11, 5.5))
            plot_tree(
                clf,
                feature_names=names,
                class_names=["other", "case"],
                filled=True,
                impurity=False,
                proportion=True,
                fontsize=7,
                ax=ax,
            )
            ax.set_title(f"CART: {label} {self.side} {thr} {unit}", fontsize=10)
            paths += save_figure(fig, out, "cart")
        return paths


def _subset_zh(subset: str) -> str:
    """``pattern = siloed`` in Chinese words: 协同模式为 siloed."""
    factor, eq, value = subset.partition(" = ")
    if not eq:
        return subset.replace("arm", "组别")
    return f"{param_words(factor, 'zh')[0]}为 {value} "


def _choice_rule() -> str:
    return f"the box nearest to 100% coverage and 100% density of those holding at least {_pct(MIN_COVERAGE)} of the cases"


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * float(x):.0f}%"


def _lower_first(label: str) -> str:
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


# --------------------------------------------------------------------------------------- subset


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


# ----------------------------------------------------------------------------------------- PRIM


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


# ----------------------------------------------------------------------------------------- CART


def _cart(x: pd.DataFrame, cases: np.ndarray) -> tuple[pd.DataFrame, str, Any]:
    """scikit-learn's CART on ``x`` (text factors one-hot): its leaves as boxes, and the tree."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    categorical = [c for c in x.columns if x[c].dtype == object]
    encoded = pd.get_dummies(x, columns=categorical, prefix_sep="=").astype(float)
    names = list(encoded.columns)
    n = len(x)
    clf = DecisionTreeClassifier(
        max_depth=CART_DEPTH, min_samples_leaf=max(2, math.ceil(MASS_MIN * n)), random_state=0
    )
    clf.fit(encoded.to_numpy(), cases.astype(int))
    tree = clf.tree_
    leaf_of = clf.apply(encoded.to_numpy())
    total = int(cases.sum())
    rows = []

    def walk(node: int, bounds: dict, sets: dict) -> None:
        if tree.children_left[node] == -1:
            inside = leaf_of == node
            k, m = int(cases[inside].sum()), int(inside.sum())
            conds = []
            for f, (lo, hi) in bounds.items():
                conds.append(Condition(f, lo, hi, integer=pd.api.types.is_integer_dtype(x[f]), strict=True))
            for f, allowed in sets.items():
                conds.append(Condition(f, values=tuple(sorted(allowed, key=str))))
            rows.append(
                {
                    "leaf": node,
                    "n": m,
                    "cases": k,
                    "density": k / m if m else math.nan,
                    "coverage": k / total if total else math.nan,
                    "mass": m / n,
                    "rule_en": " and ".join(c.words("en") for c in conds) or "all runs",
                    "rule_zh": "且".join(c.words("zh") for c in conds) or "全部运行",
                }
            )
            return
        feature, thr = names[tree.feature[node]], float(tree.threshold[node])
        left, right = tree.children_left[node], tree.children_right[node]
        if "=" in feature and feature.split("=", 1)[0] in categorical:
            f, value = feature.split("=", 1)
            full = sets.get(f, set(x[f].unique()))
            walk(left, bounds, {**sets, f: full - {value}})  # not this value
            walk(right, bounds, {**sets, f: full & {value}})
        else:
            lo, hi = bounds.get(feature, (None, None))
            walk(left, {**bounds, feature: (lo, thr)}, sets)
            walk(right, {**bounds, feature: (thr, hi)}, sets)

    walk(0, {}, {})
    leaves = pd.DataFrame(rows).sort_values(["density", "coverage"], ascending=False, kind="stable")
    text = export_text(clf, feature_names=names, show_weights=True)
    return leaves.reset_index(drop=True), text, (clf, names)


# ------------------------------------------------------------------------------------- discover


def discover(
    results: str | Path | pd.DataFrame,
    outcome: str,
    worse_than: float | None = None,
    threshold: float | None = None,
    arm: str | None = None,
    side: str | None = None,
    box: int | None = None,
    min_coverage: float = MIN_COVERAGE,
    significance: float | None = SIGNIFICANCE,
    definition: dict | None = None,
) -> Discovery:
    """PRIM boxes and a CART tree of the runs where ``outcome`` is worse than a threshold.

    Args:
        results: a results folder of ``coop-agents batch`` (or its DataFrame, see
            :func:`coop_agents.experiments.load_results`).
        outcome: an outcome the results kept.
        worse_than: a share Q (0..1): cases are the runs worse than a share Q of all runs
            (default 0.8, the worst 20%).
        threshold: cases are the runs worse than this value (instead of ``worse_than``).
        arm: only the runs of one value of a crossed factor, ``factor=value`` (``pattern=siloed``)
            or just the value.
        side: ``above`` or ``below``: overrides the registry's direction (needed for an outcome
            with none).
        box: the box of the peeling trajectory to describe as it is (default: :func:`choose_box`,
            then without its weak limits).
        significance: limits of the chosen box whose quasi-p value (the Workbench's one-sided
            binomial test of whether the limit raises the density) is above it are dropped, and
            the box without them is described; None keeps every limit.

    Raises:
        CoopError: an outcome not in the results, a threshold outside the data, an unknown arm,
            nothing varied.
    """
    res = load(results, definition)
    check_outcome(res, outcome)
    runs, subset = select_runs(res, arm)
    runs = runs[runs[outcome].notna()]
    if runs.empty:
        raise CoopError(f"--outcome {outcome}: n/a in every run of {subset}")
    x = factor_frame(res, runs)
    y = runs[outcome].astype(float).reset_index(drop=True)
    cases, thr, side, rule = cases_of(y, outcome, worse_than, threshold, side, subset)
    trajectory, lims, pvalues, chosen, origin = _prim(x, cases, box, min_coverage, significance)
    limits, conds = _limits(x, lims, pvalues, chosen)
    leaves, text, tree = _cart(x, cases)
    data = x.assign(**{outcome: y, "case": cases})
    return Discovery(
        outcome,
        side,
        thr,
        rule,
        subset,
        data,
        list(x.columns),
        trajectory,
        chosen,
        limits,
        leaves,
        text,
        where=res.where,
        conditions=conds,
        origin=origin,
        _tree=tree,
    )
