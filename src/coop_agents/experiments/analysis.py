"""Analysis of a batch's results: per-arm means with CIs, paired differences, sensitivity indices.

Every function takes the results DataFrame (see :func:`load_results`) and returns a DataFrame,
so the same numbers feed the Markdown summary, the figures, briefs and a user's own notebook.

Confidence intervals are **percentile bootstrap** intervals (:func:`scipy.stats.bootstrap`,
``method="percentile"``, :data:`BOOTSTRAP_RESAMPLES` resamples drawn from a fixed seed, so the
same results always give the same intervals): for an arm's mean the arm's runs are resampled,
for a paired difference (and a relative difference) the pairs of runs. A percentile interval
only holds means the resamples can reach, so the interval of a count or a share is never
negative and a relative difference's never below -100%; it needs no assumption of normality
(harm and delays are skewed, with many zeros).

What an outcome is called, its unit, its better direction, its family and its decimals come
from :mod:`coop_agents.outcome_registry`; :data:`DERIVED_OUTCOMES` adds the outcomes computed
from stored ones, in the same form, and :func:`find_outcome` looks up either.

    >>> outcome_label("unmet_need_days_others", "zh")
    '其他居民未满足需求天数'
    >>> outcome_label("peak_prevalence", "en", hazard="shock")
    'Peak share exposed'
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from coop_agents import outcome_registry as registry
from coop_agents.errors import CoopError
from coop_agents.numbers import decimals_for, format_interval, format_number
from coop_agents.outcome_registry import FAMILIES, OUTCOMES, Outcome

__all__ = [
    "load_results",
    "load_definition",
    "summarise",
    "paired_differences",
    "series_bands",
    "derive_outcomes",
    "DERIVED_OUTCOMES",
    "find_outcome",
    "outcome_label",
    "outcome_unit",
    "outcome_meaning",
    "arm_names",
    "sensitivity",
    "analyse",
    "CI_METHOD",
    "BOOTSTRAP_RESAMPLES",
]

_ID_COLUMNS = {"run_id", "arm_id", "arm", "replicate", "seed", "scenario", "pattern", "error", "seconds"}

CI_LEVEL = 0.95
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20240917  # any fixed number: the intervals of the same results never change
# Resamples evaluated at once: bounds the memory of long batches (fixed, so still deterministic).
_BOOTSTRAP_BATCH = 250
CI_METHOD = (
    f"{CI_LEVEL:.0%} percentile bootstrap ({BOOTSTRAP_RESAMPLES:,} resamples from a fixed seed: "
    "of the runs for an arm's mean, of the pairs for a paired difference)"
)

# Outcomes computed from stored ones (see :func:`derive_outcomes`), described like the registry's.
DERIVED_OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome(
            "unmet_need_days_others",
            "resident-days",
            "人·天",
            "Unmet need-days (others)",
            "其他居民未满足需求天数",
            "Unmet need-days of residents who are not vulnerable: unmet need-days minus those of the "
            "vulnerable.",
            "非弱势居民的未满足需求天数：未满足需求天数减去弱势居民的未满足需求天数。",
            "lower",
            "needs",
            decimals=0,
            count=True,
        ),
    )
}
_DERIVATIONS = {"unmet_need_days_others": lambda df: df["unmet_need_days"] - df["unmet_need_days_vulnerable"]}

# Outcomes of earlier versions that old results folders still hold (not in the registry): never
# taken for varied factors, summarised for the CSV files but left out of the tables.
_LEGACY_OUTCOMES = frozenset({"over_response_days", "max_queue", "top_share"})


def find_outcome(name: str) -> Outcome:
    """The definition of outcome ``name``: the registry's, or a derived outcome's.

    Raises:
        KeyError: for a name that is neither.
    """
    found = OUTCOMES.get(name) or DERIVED_OUTCOMES.get(name)
    if found is None:
        raise KeyError(f"unknown outcome {name!r}: not in the outcome registry nor derived")
    return found


def _pick(en: str, zh: str, lang: str) -> str:
    if lang not in ("en", "zh"):
        raise ValueError(f"lang={lang!r}: expected 'en' or 'zh'")
    return zh if lang == "zh" else en


def outcome_label(name: str, lang: str = "en", hazard: str | None = None) -> str:
    """An outcome's name in ``lang`` (the hazard's own where it has one); derived outcomes too."""
    if name in OUTCOMES:
        return registry.outcome_label(name, lang, hazard=hazard)
    o = find_outcome(name)
    for h, en, zh in o.hazard_labels:
        if h == hazard:
            return _pick(en, zh, lang)
    return _pick(o.label_en, o.label_zh, lang)


def outcome_unit(name: str, lang: str = "en") -> str:
    """An outcome's unit in ``lang``; derived outcomes too."""
    if name in OUTCOMES:
        return registry.outcome_unit(name, lang)
    o = find_outcome(name)
    return _pick(o.unit, o.unit_zh, lang)


def outcome_meaning(name: str, lang: str = "en") -> str:
    """One sentence saying what an outcome's number is, in ``lang``; derived outcomes too."""
    if name in OUTCOMES:
        return registry.outcome_meaning(name, lang)
    o = find_outcome(name)
    return _pick(o.meaning_en, o.meaning_zh, lang)


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
        damaged = (
            f"; {len(parts.set_aside)} damaged part(s) set aside in {Path(out) / 'quarantine'}"
            if parts.set_aside
            else ""
        )
        raise CoopError(
            f"{out}: no results found (expected {runs}/part-*.parquet){damaged}; "
            f"run 'coop-agents batch' first"
        )
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


def _is_outcome(column: str) -> bool:
    return column in OUTCOMES or column in DERIVED_OUTCOMES or column in _LEGACY_OUTCOMES


def _outcomes(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if _is_outcome(c)]


def _factor_columns(df: pd.DataFrame) -> list[str]:
    """Columns of the varied factors (not ids, outcomes, derived outcomes or series)."""
    return [
        c for c in df.columns if c not in _ID_COLUMNS and not _is_outcome(c) and not c.startswith("series_")
    ]


# ----------------------------------------------------------------------------- the bootstrap


def _rng() -> np.random.Generator:
    return np.random.default_rng(BOOTSTRAP_SEED)


def _mean_of(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis)


def _ratio_of(arm: np.ndarray, base: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(arm, axis=axis) / np.mean(base, axis=axis) - 1


def _percentile_ci(
    samples: tuple[np.ndarray, ...], statistic, paired: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of ``statistic`` along the last axis of ``samples`` (one row each).

    A row's resampled indices depend only on its number of values, so a row gets the same
    interval alone or with others.
    """
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # scipy warns of a degenerate distribution (all resamples alike), which matters to BCa
        # intervals only: a percentile interval of it is that one value.
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        res = stats.bootstrap(
            samples,
            statistic,
            n_resamples=BOOTSTRAP_RESAMPLES,
            batch=_BOOTSTRAP_BATCH,
            vectorized=True,
            paired=paired,
            axis=-1,
            confidence_level=CI_LEVEL,
            method="percentile",
            rng=_rng(),
        )
    low = np.asarray(res.confidence_interval.low, float)
    high = np.asarray(res.confidence_interval.high, float)
    bad = ~(np.isfinite(low) & np.isfinite(high))  # e.g. a ratio whose resampled baseline was 0
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def _mean_cis(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``values`` (NaN: missing): mean, bootstrap CI low and high, and values counted.

    Rows with fewer than two values have no interval (NaN).
    """
    values = np.atleast_2d(np.asarray(values, float))
    valid = ~np.isnan(values)
    n = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(values, axis=1) / np.maximum(n, 1), np.nan)
    low, high = np.full(len(values), np.nan), np.full(len(values), np.nan)
    complete = (n == values.shape[1]) & (n > 1)
    if complete.any():
        low[complete], high[complete] = _percentile_ci((values[complete],), _mean_of)
    for i in np.flatnonzero(~complete & (n > 1)):
        lo, hi = _percentile_ci((values[i, valid[i]][None, :],), _mean_of)
        low[i], high[i] = lo[0], hi[0]
    return mean, low, high, n


def _ratio_cis(arm: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: mean(arm) / mean(base) - 1 over the pairs where both are defined, with a bootstrap CI.

    Only for outcomes on a ratio scale: NaN where a value is negative or the baseline's mean is
    not above 0; no interval with fewer than two pairs.
    """
    k = len(arm)
    rel, low, high = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
    both = ~np.isnan(arm) & ~np.isnan(base)
    groups: dict[int, list[int]] = {}
    for i in range(k):
        a, b = arm[i, both[i]], base[i, both[i]]
        if a.size == 0 or (a < 0).any() or (b < 0).any() or b.mean() <= 0:
            continue
        rel[i] = a.mean() / b.mean() - 1
        if a.size > 1:
            groups.setdefault(int(a.size), []).append(i)
    for _size, rows in groups.items():  # rows with as many pairs share one vectorised bootstrap
        a = np.stack([arm[i, both[i]] for i in rows])
        b = np.stack([base[i, both[i]] for i in rows])
        low[rows], high[rows] = _percentile_ci((a, b), _ratio_of, paired=True)
    return rel, low, high


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
        mean, low, high, n = _mean_cis(group[present].to_numpy(float).T) if present else ([],) * 4
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
    problem = {
        "num_vars": len(ranged),
        "names": [f["name"] for f in ranged],
        "bounds": [[f["low"], f["high"]] for f in ranged],
    }
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
                    rows.append(
                        {
                            "group": label,
                            "outcome": o,
                            "factor": name,
                            "S1": res["S1"][i],
                            "S1_conf": res["S1_conf"][i],
                            "ST": res["ST"][i],
                            "ST_conf": res["ST_conf"][i],
                        }
                    )
            else:
                from SALib.analyze import morris

                res = morris.analyze(problem, points.to_numpy(float), y, print_to_console=False)
                for i, name in enumerate(problem["names"]):
                    rows.append(
                        {
                            "group": label,
                            "outcome": o,
                            "factor": name,
                            "mu_star": res["mu_star"][i],
                            "mu_star_conf": res["mu_star_conf"][i],
                            "sigma": res["sigma"][i],
                        }
                    )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- arms in words


def _varied(df: pd.DataFrame) -> list[str]:
    """The factors whose values differ between the arms of ``df``."""
    columns = ["scenario", "pattern", *_factor_columns(df)]
    return [c for c in columns if c in df.columns and df[c].nunique() > 1]


def _words(value) -> str:
    """A factor's value as a table shows it: 0.1, not 0.1000000001; a file by its name."""
    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    if isinstance(value, (float, np.floating)):
        text = format_number(float(value))
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, str) and value.endswith(".toml"):
        return Path(value).stem
    return str(value)


def _named(values: dict) -> str:
    return ", ".join(f"{k} = {_words(v)}" for k, v in values.items()) or "all"


def arm_names(df: pd.DataFrame) -> dict[int, str]:
    """Each arm's name in words, from the factors that vary between arms.

    For example ``{1: "pattern = siloed, hazard = shock"}``; ``"all"`` when nothing varies.
    """
    first = df.groupby("arm_id", sort=True).first()
    varied = _varied(df)
    return {int(a): _named({c: row[c] for c in varied}) for a, row in first.iterrows()}


def _scenario_facts(df: pd.DataFrame) -> tuple[str | None, bool]:
    """The one hazard every run of ``df`` faces (None: several, or unknown), and whether any run
    has several events (True when unknown)."""
    from coop_agents.scenarios import load_scenario

    facts = []
    for scenario in df["scenario"].dropna().unique():
        try:
            sc = load_scenario(scenario)
        except CoopError:
            return None, True
        facts.append(
            (
                {sc.parameters.get("hazard", "contagion")} | {e.hazard for e in sc.events},
                sc.parameters.get("arrival", "single"),
            )
        )
    hazards = set().union(*(h for h, _ in facts)) if facts else set()
    if "hazard" in df.columns:
        hazards = {str(h) for h in df["hazard"].dropna().unique()}
    arrivals = {a for _, a in facts}
    if "arrival" in df.columns:
        arrivals = {str(a) for a in df["arrival"].dropna().unique()}
    return (hazards.pop() if len(hazards) == 1 else None), arrivals != {"single"}


# ----------------------------------------------------------------------------- analyse


def analyse(out: str | Path) -> dict[str, pd.DataFrame]:
    """Write ``summary.md``, CSV tables and figures (PNG and SVG) into ``out``; return the tables.

    ``summary.md`` has one table per outcome family (in the registry's order, the outcomes the
    experiment kept) with the arms as columns and "mean [95% CI]" in the cells; the same for the
    paired differences from the baseline; how many runs were cut short; and the interval method
    (:data:`CI_METHOD`).

    Returns:
        ``{"results", "summary", "paired", "sensitivity"}`` as DataFrames.
    """
    out = Path(out)
    df = load_results(out)
    definition = load_definition(out)
    kept = [o for o in definition["outcomes"] if o in df.columns]
    summary = summarise(df, kept)
    paired = paired_differences(df, definition.get("baseline") or {}, kept)
    indices = sensitivity(df, definition, kept)
    hazard, several = _scenario_facts(df)
    shown = _tabled(kept, hazard, several)
    figures = _figures(out, df, shown, indices, definition["design"], hazard)
    _markdown(out, definition, df, summary, paired, indices, figures, kept, shown, hazard)
    summary.to_csv(out / "summary.csv", index=False)
    if not paired.empty:
        paired.to_csv(out / "paired.csv", index=False)
    if not indices.empty:
        indices.to_csv(out / "sensitivity.csv", index=False)
    return {"results": df, "summary": summary, "paired": paired, "sensitivity": indices}


def _tabled(kept: list[str], hazard: str | None, several: bool) -> list[str]:
    """The kept outcomes that tables show, in the registry's order (families, then definitions):
    not the registry's details, nor outcomes of several events when every run has one."""
    shown = [o for o in OUTCOMES if o in kept and registry.applies(o, hazard, several)]
    return shown + [o for o in DERIVED_OUTCOMES if o in kept]


def _figures(
    out: Path, df: pd.DataFrame, outcomes: list[str], indices: pd.DataFrame, design: str, hazard: str | None
) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = df[df["error"].isna()]
    names = []
    shown = outcomes[:9]
    # Grid designs: one distribution per arm. Sampled designs have an arm per sample point, so
    # their distributions are shown per combination of the crossed factors instead.
    if design == "grid":
        words = arm_names(ok) if len(ok) else {}
        keys = ok["arm_id"].map(words)
    else:
        crossed = [c for c in _factor_columns(ok) if ok[c].nunique() <= 12 and ok[c].dtype == object] + [
            c for c in ("scenario", "pattern") if ok[c].nunique() > 1
        ]
        keys = (
            ok[crossed].apply(lambda row: _named(row.to_dict()), axis=1)
            if crossed
            else pd.Series("all", index=ok.index)
        )
    groups = list(dict.fromkeys(keys))
    if len(groups) <= 30 and shown:
        cols = min(3, len(shown))
        rows = math.ceil(len(shown) / cols)
        fig, axes = plt.subplots(
            rows, cols, figsize=(5.2 * cols, (1.2 + 0.3 * len(groups)) * rows + 0.6), squeeze=False
        )
        for ax, o in zip(axes.flat, shown):
            data = [ok.loc[keys == g, o].dropna().to_numpy() for g in groups]
            ax.boxplot(
                data, orientation="horizontal", tick_labels=[str(g)[:40] for g in groups], showmeans=True
            )
            ax.set_title(f"{outcome_label(o, 'en', hazard)} ({outcome_unit(o, 'en')})", fontsize=10)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(shown) :]:
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
        ax.set_xticks(
            range(len(pivot.columns)),
            [_label_or_name(o, hazard) for o in pivot.columns],
            rotation=45,
            ha="right",
            fontsize=8,
        )
        ax.set_yticks(range(len(pivot.index)), pivot.index, fontsize=8)
        ax.set_title(
            f"{'Total-order Sobol index' if design == 'sobol' else 'Morris mu*'} ({first['group'].iloc[0]})",
            fontsize=10,
        )
        fig.colorbar(im, ax=ax)
        fig.tight_layout()
        for ext in ("png", "svg"):
            fig.savefig(out / f"indices.{ext}", dpi=120)
        plt.close(fig)
        names.append("indices")
    return names


def _label_or_name(name: str, hazard: str | None) -> str:
    """An outcome's label; the column name of an outcome of an earlier version (not in the registry)."""
    try:
        return outcome_label(name, "en", hazard)
    except KeyError:
        return name


# ----------------------------------------------------------------------------- summary.md

MAX_COLUMNS = 8  # arms side by side in one table; more are split by a factor (or left to summary.csv)
_ARROWS = {"lower": " ↓", "higher": " ↑", "neither": ""}


def _layout(ok: pd.DataFrame, arm_ids: list[int], split: bool) -> list[tuple[str, dict, list]] | None:
    """How arms fill tables: sections ``(heading, its factors' values, [(column heading, arm id)])``.

    Unless ``split``, the arms share one table, headed by their names. Split: the columns are
    the values of one factor (the pattern if it varies; at most :data:`MAX_COLUMNS`), one
    section per combination of the others. None when no factor splits them so (a sampled
    design's points).
    """
    names = arm_names(ok)
    if not split:
        return [("", {}, [(names[a], a) for a in arm_ids])]
    first = ok.groupby("arm_id", sort=True).first().loc[arm_ids]
    varied = _varied(ok)
    fits = [c for c in varied if first[c].nunique() <= MAX_COLUMNS]
    if not fits:
        return None
    column = "pattern" if "pattern" in fits else max(fits, key=lambda c: first[c].nunique())
    others = [c for c in varied if c != column]
    sections: dict[tuple, list[int]] = {}
    for a in arm_ids:
        sections.setdefault(tuple(first.loc[a, c] for c in others), []).append(a)
    layout = []
    for key, arms in sections.items():
        if first.loc[arms, column].nunique() < len(arms):
            return None  # arms this factor does not tell apart (sample points)
        fixed = dict(zip(others, key))
        layout.append(
            (f"{_named(fixed)} (columns: {column})", fixed, [(_words(first.loc[a, column]), a) for a in arms])
        )
    return layout


def _cell(mean: float, low: float, high: float, decimals: int) -> str:
    if math.isnan(mean):
        return format_number(mean)
    if math.isnan(low) or math.isnan(high):
        return format_number(mean, decimals)
    return f"{format_number(mean, decimals)} {format_interval(low, high, decimals)}"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def _family_tables(
    outcomes: list[str], columns: list[tuple[str, int]], cells: dict, hazard: str | None, level: int
) -> list[str]:
    """One Markdown table per outcome family: a row per outcome, a column per arm, "mean [low, high]".

    ``cells`` maps (arm id, outcome) to (mean, low, high). A row's numbers share one number of
    decimals: the registry's for the outcome, none when they are all whole.
    """
    lines = []
    nan3 = (math.nan, math.nan, math.nan)
    for family, (title, _) in FAMILIES.items():
        rows = [o for o in outcomes if find_outcome(o).family == family]
        if not rows:
            continue
        heads = " | ".join(_md(h) for h, _ in columns)
        lines += [
            f"{'#' * level} {title}",
            "",
            f"| outcome | unit | {heads} |",
            "|---|---|" + "---:|" * len(columns),
        ]
        for o in rows:
            meta = find_outcome(o)
            values = [cells.get((a, o), nan3) for _, a in columns]
            d = decimals_for([x for v in values for x in v], meta.decimals)
            label = f"{_md(outcome_label(o, 'en', hazard))}{_ARROWS[meta.better]}"
            cells_ = " | ".join(_cell(*v, d) for v in values)
            lines.append(f"| {label} | {_md(outcome_unit(o))} | {cells_} |")
        lines.append("")
    return lines


def _sectioned(
    ok: pd.DataFrame, arm_ids: list[int], outcomes: list[str], cells: dict, hazard: str | None, what: str
) -> list[str]:
    """The tables of ``arm_ids``: side by side if every arm of the batch fits in one table, else
    split as :func:`_layout` says (the paired differences as the means)."""
    layout = _layout(ok, arm_ids, split=ok["arm_id"].nunique() > MAX_COLUMNS)
    if layout is None:
        return [
            f"{len(arm_ids)} arms (points of a sampled design) are too many to set side by side: "
            f"the {what} of every arm are in the CSV file; see the sensitivity indices below.",
            "",
        ]
    lines = []
    for heading, fixed, columns in layout:
        if heading:
            lines += [f"### {heading}", ""]
        # Labels in the words of the section's hazard where it has one ("Peak share exposed").
        lines += _family_tables(
            outcomes, columns, cells, str(fixed.get("hazard", hazard) or "") or None, 4 if heading else 3
        )
    return lines


def _truncation_line(ok: pd.DataFrame) -> str:
    if "truncated" not in ok.columns:
        return (
            "Whether runs were cut short at the scenario's cap of days is not recorded in these results "
            "(no `truncated` outcome)."
        )
    flags = ok["truncated"].dropna()
    k, n = int((flags > 0).sum()), len(flags)
    if k == 0:
        return f"No run was cut short at the scenario's cap of days ({n} runs)."
    return (
        f"Runs cut short at the scenario's cap of days, before the event was over: {k} of {n} "
        f"({format_number(100 * k / n, 0)}%); their times count until the last day "
        "(see `truncated` per arm)."
    )


def _markdown(out, definition, df, summary, paired, indices, figures, kept, shown, hazard) -> None:
    ok = df[df["error"].isna()]
    failed = df[df["error"].notna()]
    unknown = [o for o in kept if o not in OUTCOMES and o not in DERIVED_OUTCOMES]
    hidden = [o for o in kept if o not in shown and o not in unknown]
    lines = [f"# {definition['name']}", ""]
    if definition.get("description"):
        lines += [definition["description"], ""]
    lines += [
        f"Design: {definition['design']}; {df['arm_id'].nunique()} arms; "
        f"{df['replicate'].nunique()} paired replicates (seeds shared across arms); "
        f"{len(df)} runs, {len(failed)} failed.",
        "",
        f"Intervals: {CI_METHOD}. An interval of a count or a share never goes below 0.",
        "",
        _truncation_line(ok),
        "",
        "↓ lower is better, ↑ higher is better; no arrow: neither direction is better in itself.",
        "",
    ]
    if hidden:
        names = ", ".join(outcome_label(o) for o in hidden)
        lines += [f"Left out of these tables (in summary.csv): {names}.", ""]
    if unknown:
        lines += [
            "Outcomes of an earlier version, not in the outcome registry, are left out of these "
            f"tables (they are in summary.csv): {', '.join(unknown)}.",
            "",
        ]
    lines += ["## Outcomes per arm: mean [95% CI]", ""]
    cells = {(r.arm_id, r.outcome): (r.mean, r.ci_low, r.ci_high) for r in summary.itertuples()}
    arm_ids = sorted(int(a) for a in ok["arm_id"].unique())
    lines += _sectioned(ok, arm_ids, shown, cells, hazard, "means")
    missing = summary[summary["outcome"].isin(shown)].groupby("outcome", sort=False)[["n_missing", "n"]].sum()
    notes = []
    for o in shown:
        if o in missing.index and missing.loc[o, "n_missing"] > 0:
            m, n = int(missing.loc[o, "n_missing"]), int(missing.loc[o, "n_missing"] + missing.loc[o, "n"])
            why = find_outcome(o).na_en
            notes.append(f"- {outcome_label(o, 'en', hazard)}: n/a in {m} of {n} runs. {why}".rstrip())
    if notes:
        lines += ["Runs without a value (n/a, left out of the mean):", "", *notes, ""]
    if not paired.empty:
        baseline = _named(definition.get("baseline") or {})
        lines += [
            f"## Paired differences from the baseline ({baseline}): mean [95% CI]",
            "",
            "Each arm minus its baseline arm (the same values of the other factors), replicate by "
            "replicate on the same seeds; only pairs where both runs have a value count.",
            "",
        ]
        cells = {(r.arm_id, r.outcome): (r.mean_diff, r.ci_low, r.ci_high) for r in paired.itertuples()}
        lines += _sectioned(
            ok, sorted(int(a) for a in paired["arm_id"].unique()), shown, cells, hazard, "differences"
        )
    if not indices.empty:
        lines += ["## Sensitivity indices", ""]
        cols = list(indices.columns)
        lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for r in indices.itertuples(index=False):
            cells_ = [
                format_number(v, 3)
                if isinstance(v, float)
                else _label_or_name(v, hazard)
                if c == "outcome"
                else str(v)
                for c, v in zip(cols, r)
            ]
            lines.append("| " + " | ".join(_md(x) for x in cells_) + " |")
        lines.append("")
    if len(failed):
        lines += ["## Failed runs", "", "| run | arm | error |", "|---|---|---|"]
        lines += [f"| {r.run_id} | {_md(r.arm)} | {_md(r.error)} |" for r in failed.head(50).itertuples()]
        lines.append("")
    lines += [f"![{name}]({name}.png)" for name in figures]
    (out / "summary.md").write_text("\n".join(lines).rstrip("\n") + "\n")
