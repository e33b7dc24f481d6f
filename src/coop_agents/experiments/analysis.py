"""Analysis of a batch's results: per-arm means with CIs, paired differences, sensitivity indices.

Every function takes the results DataFrame (see :func:`load_results`) and returns a DataFrame,
so the same numbers feed the Markdown summary, the figures, briefs and a user's own notebook.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from coop_agents.errors import CoopError
from coop_agents.metrics import OUTCOMES, Outcome

__all__ = ["load_results", "load_definition", "summarise", "paired_differences", "series_bands",
           "derive_outcomes", "DERIVED_OUTCOMES", "sensitivity", "analyse"]

_ID_COLUMNS = {"run_id", "arm_id", "arm", "replicate", "seed", "scenario", "pattern", "error", "seconds"}

# Outcomes computed from stored ones (see :func:`derive_outcomes`), with the same metadata.
DERIVED_OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    Outcome("unmet_need_days_others", "resident-days", "Unmet need-days (others)", "其他居民未满足需求天数",
            "Unmet need-days of residents who are not vulnerable: unmet_need_days minus "
            "unmet_need_days_vulnerable."),
)}
_DERIVATIONS = {"unmet_need_days_others": lambda df: df["unmet_need_days"] - df["unmet_need_days_vulnerable"]}


def load_results(out: str | Path) -> pd.DataFrame:
    """Every finished run of the results folder ``out``, one row each.

    A damaged part (unreadable, or without the id columns of a run) is set aside in
    ``out/quarantine/`` with a warning on stderr (resuming the batch runs its runs again);
    ``df.attrs["quarantined"]`` says how many were set aside.
    """
    from coop_agents.experiments.store import Parts

    runs = Path(out) / "runs"
    parts = Parts(out)
    tables = [table for _, table in parts]
    if not tables:
        damaged = (f"; {len(parts.set_aside)} damaged part(s) set aside in {Path(out) / 'quarantine'}"
                   if parts.set_aside else "")
        raise CoopError(f"{out}: no results found (expected {runs}/part-*.parquet){damaged}; "
                        f"run 'coop-agents batch' first")
    df = pd.concat([t.to_pandas() for t in tables], ignore_index=True)
    df = df.sort_values(["arm_id", "replicate"], kind="stable").reset_index(drop=True)
    df.attrs["quarantined"] = len(parts.set_aside)
    return df


def load_definition(out: str | Path) -> dict:
    """The experiment definition a results folder was made with (from its experiment.json)."""
    from coop_agents.experiments.store import read_experiment_json

    return read_experiment_json(out)["experiment"]


def derive_outcomes(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with the :data:`DERIVED_OUTCOMES` whose inputs it has."""
    out = df.copy()
    for name, derive in _DERIVATIONS.items():
        try:
            out[name] = derive(out).astype(float)
        except KeyError:
            continue
    return out


def _outcomes(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c in OUTCOMES]


def _factor_columns(df: pd.DataFrame) -> list[str]:
    """Columns of the varied factors (not ids, outcomes, derived outcomes or series)."""
    return [c for c in df.columns if c not in _ID_COLUMNS and c not in OUTCOMES and c not in DERIVED_OUTCOMES
            and not c.startswith("series_")]


def _ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float, int]:
    v = values[~np.isnan(values)]
    if v.size == 0:
        return math.nan, math.nan, math.nan, 0
    if v.size == 1:
        return float(v[0]), math.nan, math.nan, 1
    half = stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size)
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half), int(v.size)


def summarise(df: pd.DataFrame, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Per arm and outcome: runs with a value (``n``; ``n_missing`` without: NaN), mean and 95% CI (t)."""
    ok = df[df["error"].isna()]
    rows = []
    for (arm_id, arm), group in ok.groupby(["arm_id", "arm"], sort=True):
        for o in outcomes or _outcomes(df):
            mean, low, high, n = _ci(group[o].to_numpy(float))
            rows.append({"arm_id": arm_id, "arm": arm, "outcome": o, "n": n, "mean": mean,
                         "ci_low": low, "ci_high": high, "n_missing": len(group) - n})
    return pd.DataFrame(rows)


def paired_differences(df: pd.DataFrame, baseline: dict, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Each arm minus its baseline arm, paired by replicate (same seed), with 95% CIs.

    The baseline arm of an arm has the same values of every varied factor except those named in
    ``baseline``, which take the baseline's values. Only pairs where both outcomes are defined
    (not NaN) count: ``n_pairs`` of them; ``n_missing`` replicates of both arms lacked one.
    ``share_lower`` is the share of pairs in which the arm's outcome was lower than the
    baseline's; ``n_lower``, ``n_higher`` and ``n_equal`` count the pairs. ``base_mean`` is the
    baseline's mean over the same pairs and ``rel_diff`` = ``mean_diff / base_mean`` (the arm's
    mean relative to the baseline's, e.g. -0.31: 31% lower), with a 95% CI by the delta method
    on the log of the ratio of paired means (NaN for outcomes that can be negative, when the
    baseline's mean is 0, and the CI with fewer than two pairs).
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
    rows = []
    for (arm_id, arm), group in ok[~is_base].groupby(["arm_id", "arm"], sort=True):
        match = base
        for k in key:
            match = match[match[k] == group[k].iloc[0]]
        if match.empty:
            continue
        merged = group.merge(match, on="replicate", suffixes=("", "_base"))
        for o in outcomes or _outcomes(df):
            d = (merged[o] - merged[f"{o}_base"]).to_numpy(float)
            mean, low, high, n = _ci(d)
            valid = ~np.isnan(d)
            base_values = merged[f"{o}_base"].to_numpy(float)[valid]
            rel, rel_low, rel_high = _ratio_ci(d[valid], base_values)
            rows.append({"arm_id": arm_id, "arm": arm, "baseline_arm": match["arm"].iloc[0], "outcome": o,
                         "n_pairs": n, "mean_diff": mean, "ci_low": low, "ci_high": high,
                         "share_lower": float((d[valid] < 0).mean()) if n else math.nan,
                         "n_lower": int((d[valid] < 0).sum()), "n_higher": int((d[valid] > 0).sum()),
                         "n_equal": int((d[valid] == 0).sum()), "n_missing": int(len(d) - n),
                         "base_mean": float(base_values.mean()) if n else math.nan,
                         "rel_diff": rel, "rel_ci_low": rel_low, "rel_ci_high": rel_high})
    return pd.DataFrame(rows)


def _ratio_ci(d: np.ndarray, base: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """mean(arm) / mean(base) - 1 over paired samples (``d`` = arm - base), with a t interval.

    Only for outcomes on a ratio scale (no negative values; NaN otherwise). The interval is the
    delta method's on the log of the ratio, so it stays above -100%; when the arm's mean is 0 it
    is the plain delta method's (then exactly -100%).
    """
    n = d.size
    arm = d + base
    if n == 0 or base.mean() <= 0 or (arm < 0).any() or (base < 0).any():
        return math.nan, math.nan, math.nan
    ma, mb = float(arm.mean()), float(base.mean())
    r = ma / mb - 1
    if n < 2:
        return r, math.nan, math.nan
    cov = np.cov(arm, base, ddof=1)
    t = stats.t.ppf(0.5 + level / 2, n - 1)
    if ma == 0:
        var = (cov[0, 0] - 2 * (r + 1) * cov[0, 1] + (r + 1) ** 2 * cov[1, 1]) / (n * mb * mb)
        half = t * math.sqrt(max(var, 0.0))
        return r, r - half, r + half
    var = (cov[0, 0] / ma**2 + cov[1, 1] / mb**2 - 2 * cov[0, 1] / (ma * mb)) / n
    half = t * math.sqrt(max(var, 0.0))
    log_ratio = math.log(ma / mb)
    return r, math.exp(log_ratio - half) - 1, math.exp(log_ratio + half) - 1


def series_bands(df: pd.DataFrame, name: str, level: float = 0.95) -> pd.DataFrame:
    """Per arm and day: mean of a stored daily series over the runs, with two bands.

    ``ci_low``/``ci_high`` is the 95% confidence interval (t) of the mean; ``p_low``/``p_high``
    the range of the middle 95% of the runs (2.5th and 97.5th percentiles). Day 0 is the state
    before the first simulated day.

    Raises:
        CoopError: when the results have no such series (the experiment did not keep it).
    """
    column = f"series_{name}"
    if column not in df.columns:
        kept = sorted(c.removeprefix("series_") for c in df.columns if c.startswith("series_"))
        raise CoopError(f"series {name!r} was not kept by this batch; kept: {', '.join(kept) or 'none'} "
                        f"(add series = [...] to the experiment)")
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
        n = (~np.isnan(m)).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nanmean(m, axis=0)
            sd = np.nanstd(m, axis=0, ddof=1) if len(runs) > 1 else np.full(days, np.nan)
            half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
        half = np.where(n > 1, half, np.nan)
        tail = 50 * (1 - level)
        frames.append(pd.DataFrame({"arm_id": arm_id, "arm": arm, "day": np.arange(days), "n": n, "mean": mean,
                                    "ci_low": mean - half, "ci_high": mean + half,
                                    "p_low": np.nanpercentile(m, tail, axis=0),
                                    "p_high": np.nanpercentile(m, 100 - tail, axis=0)}))
    columns = ["arm_id", "arm", "day", "n", "mean", "ci_low", "ci_high", "p_low", "p_high"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


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
    problem = {"num_vars": len(ranged), "names": [f["name"] for f in ranged],
               "bounds": [[f["low"], f["high"]] for f in ranged]}
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
                for i, name in enumerate(problem["names"]):
                    rows.append({"group": label, "outcome": o, "factor": name, "S1": res["S1"][i],
                                 "S1_conf": res["S1_conf"][i], "ST": res["ST"][i], "ST_conf": res["ST_conf"][i]})
            else:
                from SALib.analyze import morris

                res = morris.analyze(problem, points.to_numpy(float), y, print_to_console=False)
                for i, name in enumerate(problem["names"]):
                    rows.append({"group": label, "outcome": o, "factor": name, "mu_star": res["mu_star"][i],
                                 "mu_star_conf": res["mu_star_conf"][i], "sigma": res["sigma"][i]})
    return pd.DataFrame(rows)


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def analyse(out: str | Path) -> dict[str, pd.DataFrame]:
    """Write ``summary.md`` and figures (PNG and SVG) into ``out``; return the tables.

    Returns:
        ``{"results", "summary", "paired", "sensitivity"}`` as DataFrames.
    """
    out = Path(out)
    df = load_results(out)
    definition = load_definition(out)
    outcomes = [o for o in definition["outcomes"] if o in df.columns]
    summary = summarise(df, outcomes)
    paired = paired_differences(df, definition.get("baseline") or {}, outcomes)
    indices = sensitivity(df, definition, outcomes)
    figures = _figures(out, df, outcomes, indices, definition["design"])
    _markdown(out, definition, df, summary, paired, indices, figures)
    summary.to_csv(out / "summary.csv", index=False)
    if not paired.empty:
        paired.to_csv(out / "paired.csv", index=False)
    if not indices.empty:
        indices.to_csv(out / "sensitivity.csv", index=False)
    return {"results": df, "summary": summary, "paired": paired, "sensitivity": indices}


def _figures(out: Path, df: pd.DataFrame, outcomes: list[str], indices: pd.DataFrame, design: str) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = df[df["error"].isna()]
    names = []
    shown = outcomes[:9]
    # Grid designs: one distribution per arm. Sampled designs have an arm per sample point, so
    # their distributions are shown per combination of the crossed factors instead.
    if design == "grid":
        keys = ok["arm"]
    else:
        crossed = [c for c in _factor_columns(ok) if ok[c].nunique() <= 12 and ok[c].dtype == object] + [
            c for c in ("scenario", "pattern") if ok[c].nunique() > 1]
        keys = ok[crossed].astype(str).agg(", ".join, axis=1) if crossed else pd.Series("all", index=ok.index)
    groups = list(dict.fromkeys(keys))
    if len(groups) <= 30 and shown:
        cols = min(3, len(shown))
        rows = math.ceil(len(shown) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, (1.2 + 0.3 * len(groups)) * rows + 0.6),
                                 squeeze=False)
        for ax, o in zip(axes.flat, shown):
            data = [ok.loc[keys == g, o].dropna().to_numpy() for g in groups]
            ax.boxplot(data, orientation="horizontal", tick_labels=[str(g)[:40] for g in groups], showmeans=True)
            ax.set_title(f"{OUTCOMES[o].label_en} ({OUTCOMES[o].unit})", fontsize=10)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(shown):]:
            ax.axis("off")
        fig.tight_layout()
        for ext in ("png", "svg"):
            fig.savefig(out / f"outcomes.{ext}", dpi=120)
        plt.close(fig)
        names.append("outcomes")
    if not indices.empty:
        metric = "ST" if design == "sobol" else "mu_star"
        first = indices[indices["group"] == indices["group"].iloc[0]]
        pivot = first.pivot(index="factor", columns="outcome", values=metric)
        fig, ax = plt.subplots(figsize=(1.5 + 1.1 * len(pivot.columns), 0.8 + 0.45 * len(pivot.index) + 1.5))
        im = ax.imshow(pivot.to_numpy(float), cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(pivot.columns)), pivot.columns, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(pivot.index)), pivot.index, fontsize=8)
        ax.set_title(f"{'Total-order Sobol index' if design == 'sobol' else 'Morris mu*'} ({first['group'].iloc[0]})",
                     fontsize=10)
        fig.colorbar(im, ax=ax)
        fig.tight_layout()
        for ext in ("png", "svg"):
            fig.savefig(out / f"indices.{ext}", dpi=120)
        plt.close(fig)
        names.append("indices")
    return names


def _markdown(out, definition, df, summary, paired, indices, figures) -> None:
    failed = df[df["error"].notna()]
    lines = [f"# {definition['name']}", "", definition.get("description", ""), "",
             f"Design: {definition['design']}; {df['arm_id'].nunique()} arms; "
             f"{df['replicate'].nunique()} paired replicates (seeds shared across arms); "
             f"{len(df)} runs, {len(failed)} failed.", ""]
    lines += ["## Outcomes per arm (mean and 95% CI)", "", "| arm | outcome | n | mean | 95% CI |",
              "|---|---|---|---|---|"]
    for r in summary.itertuples():
        lines.append(f"| {r.arm} | {r.outcome} | {r.n} | {_fmt(r.mean)} | {_fmt(r.ci_low)} – {_fmt(r.ci_high)} |")
    if not paired.empty:
        lines += ["", f"## Paired differences against the baseline ({definition['baseline']})", "",
                  "| arm | baseline arm | outcome | pairs | mean difference | 95% CI | share lower |",
                  "|---|---|---|---|---|---|---|"]
        for r in paired.itertuples():
            lines.append(f"| {r.arm} | {r.baseline_arm} | {r.outcome} | {r.n_pairs} | {_fmt(r.mean_diff)} | "
                         f"{_fmt(r.ci_low)} – {_fmt(r.ci_high)} | {_fmt(r.share_lower)} |")
    if not indices.empty:
        lines += ["", "## Sensitivity indices", ""]
        cols = [c for c in indices.columns]
        lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for r in indices.itertuples(index=False):
            lines.append("| " + " | ".join(_fmt(v) if isinstance(v, float) else str(v) for v in r) + " |")
    if len(failed):
        lines += ["", "## Failed runs", "", "| run | arm | error |", "|---|---|---|"]
        lines += [f"| {r.run_id} | {r.arm} | {r.error} |" for r in failed.head(50).itertuples()]
    lines += [""] + [f"![{name}]({name}.png)" for name in figures]
    (out / "summary.md").write_text("\n".join(lines) + "\n")
