"""Robustness across scenarios: which pattern holds up, whatever the scenario turns out to be?

*Policies* are the combinations of the crossed levers of an experiment (usually its patterns);
*scenarios* are the combinations of every other factor it varies (the points of a sampled
design, crossed uncertainties such as the hazard). In each scenario every policy ran on the same
replicate seeds, so policies are compared scenario by scenario and seed by seed.

- **Regret** of a policy in a scenario: how much worse its outcome is than that of the best
  policy *in that scenario* (mean over the paired replicates; in the outcome's unit; 0 for the
  best). A robust policy has small regret everywhere: its mean, 90th percentile and maximum over
  the scenarios are reported.
- **Satisficing**: the share of scenarios where the policy's outcome meets a threshold (at most
  the threshold for an outcome where lower is better, at least it where higher is better).
- **Ranking**: by mean regret, with 95% percentile bootstrap intervals. A resample draws the
  scenarios and, within them, the replicates with replacement, the same replicates for every
  policy (the pairing kept); the interval of a rank is the range of ranks the policy took in
  the middle 95% of the resamples, and P(best) the share of resamples it ranked first in.

Directions come from the outcome registry; an outcome with none has no regret.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from coop_agents.errors import CoopError
from coop_agents.exploration._common import (
    Results,
    better,
    check_outcome,
    load,
    outcome_words,
    pyplot,
    save_figure,
    value_words,
)
from coop_agents.numbers import decimals_for, format_interval, format_number

__all__ = ["DEFAULT_OUTCOME", "RESAMPLES", "Robustness", "robustness"]

RESAMPLES = 2000
SEED = 20240917  # the same fixed seed as analysis.BOOTSTRAP_SEED: the same results, the same intervals
DEFAULT_OUTCOME = "harm"


@dataclass
class Robustness:
    """What :func:`robustness` found; every table a DataFrame."""

    outcome: str
    policies: list[str]  # the factors that make a policy
    scenario_factors: list[str]  # the factors that make a scenario
    satisfice: float
    satisfice_rule: str
    per_scenario: pd.DataFrame  # scenario, policy, mean outcome, regret, satisfies
    table: pd.DataFrame  # one row per policy, best first
    n_scenarios: int
    n_replicates: int
    dropped: int  # scenarios left out: a policy had no value there
    where: str = ""

    def report(self) -> str:
        label, unit = outcome_words(self.outcome)
        from coop_agents.experiments.analysis import find_outcome

        d = find_outcome(self.outcome).decimals
        t = self.table
        dr = decimals_for(list(t["mean_regret"]) + list(t["p90_regret"]) + list(t["max_regret"]), d)
        do = decimals_for(list(t["mean_outcome"]), d)
        side = "at most" if better(self.outcome) == "lower" else "at least"
        lines = [
            f"robust: {label} ({unit}; {better(self.outcome)} is better) in {self.where}",
            f"policies: {', '.join(self.policies)}; {self.n_scenarios} scenario{'s' if self.n_scenarios != 1 else ''}"
            f"{' (' + ', '.join(self.scenario_factors) + ')' if self.scenario_factors else ''} x "
            f"{self.n_replicates} paired replicates"
            + (
                f"; {self.dropped} scenario(s) left out (a policy had no value there)" if self.dropped else ""
            ),
            f"regret: how much worse than the best policy of the same scenario ({unit}); satisficing: "
            f"{label} {side} {value_words(self.satisfice)} {unit} ({self.satisfice_rule})",
            "",
        ]
        head = [
            "rank",
            "policy",
            "mean outcome",
            "mean regret [95% CI]",
            "p90 regret",
            "max regret",
            "satisficing [95% CI]",
            "rank [95% CI]",
            "P(best)",
        ]
        rows = []
        for r in t.itertuples():
            rows.append(
                [
                    str(r.rank),
                    r.policy,
                    format_number(r.mean_outcome, do),
                    f"{format_number(r.mean_regret, dr)} {format_interval(r.regret_ci_low, r.regret_ci_high, dr)}",
                    format_number(r.p90_regret, dr),
                    format_number(r.max_regret, dr),
                    f"{_pct(r.satisficing)} [{_pct(r.sat_ci_low)}, {_pct(r.sat_ci_high)}]",
                    f"[{r.rank_low}, {r.rank_high}]",
                    _pct(r.p_best),
                ]
            )
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
        lines.append(
            "  ".join(h.ljust(w) if i == 1 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths)))
        )
        lines.append("  ".join("-" * w for w in widths))
        for row in rows:
            lines.append(
                "  ".join(c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
            )
        lines += [
            "",
            f"Intervals: 95% percentile bootstrap ({RESAMPLES:,} resamples of scenarios and of the "
            f"paired replicates within them, from a fixed seed).",
        ]
        return "\n".join(lines)

    def write(self, out: str | Path) -> list[Path]:
        """``robust.csv``, ``regret.csv``, ``robust.md`` and a figure (PNG and SVG) in ``out``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / "robust.csv", out / "regret.csv", out / "robust.md"]
        self.table.to_csv(paths[0], index=False)
        self.per_scenario.to_csv(paths[1], index=False)
        paths[2].write_text(
            f"# Robustness: {self.outcome}\n\n```\n{self.report()}\n```\n\n![robust](robust.png)\n",
            encoding="utf-8",
        )
        return paths + self.figure(out)

    def figure(self, out: Path) -> list[Path]:
        plt = pyplot()
        label, unit = outcome_words(self.outcome)
        order = list(self.table["policy"])
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 1.6 + 0.5 * len(order)), width_ratios=[3, 2])
        data = [self.per_scenario.loc[self.per_scenario["policy"] == p, "regret"].to_numpy() for p in order]
        ax.boxplot(data, orientation="horizontal", tick_labels=order, showmeans=True, whis=(0, 100))
        ax.invert_yaxis()
        ax.set_xlabel(f"regret: {label} above the best policy of the scenario ({unit})")
        ax.set_title(
            f"Regret over {self.n_scenarios} scenarios (box: quartiles; whiskers: min-max; ▲ mean)",
            fontsize=9,
        )
        ax.grid(axis="x", alpha=0.3)
        t = self.table
        y = np.arange(len(t))
        err = np.vstack([t["satisficing"] - t["sat_ci_low"], t["sat_ci_high"] - t["satisficing"]])
        bx.barh(y, t["satisficing"], xerr=err, color="seagreen", alpha=0.8, capsize=3)
        bx.set_yticks(y, order)
        bx.invert_yaxis()
        bx.set_xlim(0, 1)
        side = "≤" if better(self.outcome) == "lower" else "≥"
        bx.set_xlabel(f"share of scenarios with {label} {side} {value_words(self.satisfice)}")
        bx.set_title("Satisficing (95% CI)", fontsize=9)
        bx.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        return save_figure(fig, out, "robust")


def _pct(x: float) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{100 * x:.0f}%"


def _policy_factors(res: Results) -> tuple[list[str], list[str]]:
    varied = res.varied()
    policies = [c for c in varied if res.role(c) == "lever" and res.crossed(c)]
    if not policies:
        raise CoopError(
            f"{res.where}: robust compares policies, the values of a crossed lever (e.g. pattern = "
            f'["siloed", "full_cycle"] under [levers]); these results vary '
            f"{', '.join(varied) or 'nothing'}, none of them a crossed lever"
        )
    return policies, [c for c in varied if c not in policies]


def robustness(
    results: str | Path | pd.DataFrame,
    outcome: str | None = None,
    satisfice: float | None = None,
    definition: dict | None = None,
) -> Robustness:
    """Regret, satisficing and a ranking with intervals of every policy across the scenarios.

    Args:
        results: a results folder of ``coop-agents batch`` (or its DataFrame).
        outcome: an outcome the results kept with a better direction (default: ``harm`` if
            kept, else the first kept outcome that has one).
        satisfice: the threshold of satisficing (default: the median of every policy's mean
            outcome over every scenario, said so in the report).

    Raises:
        CoopError: an outcome not in the results or without a direction, a threshold outside
            the data, results without a crossed lever.
    """
    res = load(results, definition)
    if outcome is None:
        kept = [o for o in res.outcomes if _directed(o)]
        if not kept:
            raise CoopError(f"{res.where}: no outcome with a better direction; give --outcome")
        outcome = DEFAULT_OUTCOME if DEFAULT_OUTCOME in kept else kept[0]
    check_outcome(res, outcome)
    direction = better(outcome)
    if direction == "neither":
        label, _ = outcome_words(outcome)
        raise CoopError(
            f"--outcome {outcome}: the outcome registry gives {label} no better direction, so no "
            f"policy can be best; choose an outcome where lower or higher is better"
        )
    policy_cols, scenario_cols = _policy_factors(res)
    runs = res.runs
    if len(policy_cols) > 1:
        policy = runs[policy_cols].apply(
            lambda r: ", ".join(f"{k}={_words(r[k])}" for k in policy_cols), axis=1
        )
    else:
        policy = runs[policy_cols[0]].map(_words)
    scen = (
        runs[scenario_cols].apply(lambda r: tuple(r), axis=1)
        if scenario_cols
        else pd.Series([()] * len(runs), index=runs.index)
    )
    frame = pd.DataFrame(
        {
            "policy": policy,
            "scenario": scen.map(str),
            "replicate": runs["replicate"],
            "value": runs[outcome].astype(float),
        }
    )
    names = list(dict.fromkeys(policy))
    scenarios = list(dict.fromkeys(frame["scenario"]))
    reps = sorted(frame["replicate"].unique())
    cube = np.full((len(scenarios), len(names), len(reps)), np.nan)
    si = {s: i for i, s in enumerate(scenarios)}
    pi = {p: i for i, p in enumerate(names)}
    ri = {r: i for i, r in enumerate(reps)}
    cube[frame["scenario"].map(si), frame["policy"].map(pi), frame["replicate"].map(ri)] = frame["value"]
    means = _nanmean(cube, axis=2)
    keep = ~np.isnan(means).any(axis=1)
    dropped = int((~keep).sum())
    if not keep.any():
        raise CoopError(f"--outcome {outcome}: no scenario where every policy has a value")
    cube, means = cube[keep], means[keep]
    scenarios = [s for s, k in zip(scenarios, keep) if k]
    sign = 1.0 if direction == "lower" else -1.0
    regret = sign * (
        means - (means.min(axis=1, keepdims=True) if sign > 0 else means.max(axis=1, keepdims=True))
    )
    low, high = float(np.nanmin(means)), float(np.nanmax(means))
    if satisfice is None:
        satisfice = float(np.median(means))
        rule = "the median over every policy and scenario; set it with --satisfice"
    else:
        if not math.isfinite(satisfice):
            raise CoopError(f"--satisfice {satisfice}: expected a finite number")
        label, unit = outcome_words(outcome)
        never = satisfice < low if sign > 0 else satisfice > high
        always = satisfice >= high if sign > 0 else satisfice <= low
        if never or always:
            raise CoopError(
                f"--satisfice {value_words(satisfice)}: outside the data, where every policy's mean "
                f"{label} per scenario lies between {value_words(low)} and {value_words(high)} {unit}: "
                + (
                    "no policy would meet it in any scenario"
                    if never
                    else "every policy would meet it in every scenario"
                )
                + "; choose a threshold inside that range"
            )
        rule = "--satisfice"
    meets = (means <= satisfice) if sign > 0 else (means >= satisfice)
    boot = _bootstrap(cube, sign, satisfice)
    mean_regret = regret.mean(axis=0)
    rank = stats.rankdata(mean_regret, method="min").astype(int)
    rows = []
    for j, p in enumerate(names):
        rows.append(
            {
                "policy": p,
                "rank": int(rank[j]),
                "mean_outcome": float(means[:, j].mean()),
                "mean_regret": float(mean_regret[j]),
                "regret_ci_low": boot["regret"][0][j],
                "regret_ci_high": boot["regret"][1][j],
                "p90_regret": float(np.quantile(regret[:, j], 0.9)),
                "max_regret": float(regret[:, j].max()),
                "satisficing": float(meets[:, j].mean()),
                "sat_ci_low": boot["sat"][0][j],
                "sat_ci_high": boot["sat"][1][j],
                "rank_low": int(boot["rank"][0][j]),
                "rank_high": int(boot["rank"][1][j]),
                "p_best": boot["best"][j],
                "n_scenarios": len(scenarios),
                "n_replicates": len(reps),
            }
        )
    table = pd.DataFrame(rows).sort_values(["mean_regret", "policy"], kind="stable").reset_index(drop=True)
    per = []
    for i, s in enumerate(scenarios):
        for j, p in enumerate(names):
            per.append(
                {
                    "scenario": s,
                    "policy": p,
                    "mean_outcome": means[i, j],
                    "regret": regret[i, j],
                    "satisfies": bool(meets[i, j]),
                }
            )
    return Robustness(
        outcome,
        policy_cols,
        scenario_cols,
        float(satisfice),
        rule,
        pd.DataFrame(per),
        table,
        len(scenarios),
        len(reps),
        dropped,
        res.where,
    )


def _words(v) -> str:
    return value_words(v) if isinstance(v, (float, np.floating)) else str(v)


def _directed(outcome: str) -> bool:
    try:
        return better(outcome) != "neither"
    except KeyError:
        return False


def _nanmean(a: np.ndarray, axis: int) -> np.ndarray:
    n = (~np.isnan(a)).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.nansum(a, axis=axis) / np.maximum(n, 1), np.nan)


def _bootstrap(cube: np.ndarray, sign: float, satisfice: float, resamples: int = RESAMPLES) -> dict:
    """Percentile intervals of mean regret, satisficing share and rank; P(best)."""
    rng = np.random.default_rng(SEED)
    s, p, r = cube.shape
    regrets, sats, ranks = np.empty((resamples, p)), np.empty((resamples, p)), np.empty((resamples, p))
    for b in range(resamples):
        si = rng.integers(0, s, s)
        ri = rng.integers(0, r, r)  # the same replicates for every policy: pairs stay pairs
        m = _nanmean(cube[si][:, :, ri], axis=2)
        ok = ~np.isnan(m).any(axis=1)
        if not ok.any():
            m = _nanmean(cube[si], axis=2)
            ok = ~np.isnan(m).any(axis=1)
        m = m[ok]
        best = m.min(axis=1, keepdims=True) if sign > 0 else m.max(axis=1, keepdims=True)
        reg = sign * (m - best)
        regrets[b] = reg.mean(axis=0)
        sats[b] = ((m <= satisfice) if sign > 0 else (m >= satisfice)).mean(axis=0)
        ranks[b] = stats.rankdata(regrets[b], method="min")
    lo, hi = 2.5, 97.5
    return {
        "regret": (np.percentile(regrets, lo, axis=0), np.percentile(regrets, hi, axis=0)),
        "sat": (np.percentile(sats, lo, axis=0), np.percentile(sats, hi, axis=0)),
        "rank": (np.floor(np.percentile(ranks, lo, axis=0)), np.ceil(np.percentile(ranks, hi, axis=0))),
        "best": (ranks == 1).mean(axis=0),
    }
