"""What :func:`~coop_agents.exploration.discovery.discover` found (:class:`Discovery`): its
sentences, its printed report and the files it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from coop_agents.exploration._common import (
    outcome_words,
    value_words,
)
from coop_agents.exploration.discovery.cart import CART_DEPTH
from coop_agents.exploration.discovery.prim import MASS_MIN, SIGNIFICANCE, _choice_rule
from coop_agents.exploration.discovery.words import Condition, _lower_first, _pct, _subset_zh
from coop_agents.numbers import format_number


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
        from coop_agents.exploration.discovery.figures import figures

        return figures(self, out)
