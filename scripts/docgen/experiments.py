"""experiments/README.md: each ready experiment run, and its findings written from the results.

Every experiment runs as its file defines it (same seeds, replicates and design) through
:func:`coop_agents.experiments.run_batch`, keeping every outcome the model computes (the file's
``outcomes`` list only limits what ``coop-agents batch`` stores), into ``results/docs/``. Every
number of a finding, and every directional claim, is computed here from the results with
:func:`load_results`, :func:`summarise` and :func:`paired_differences`; a claim the results no
longer support is written the other way, from the sign of its confidence interval.
"""

from __future__ import annotations

import datetime
import math
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

from docgen.core import ROOT, Context, block, duration, md_table
from docgen.wording import fmt, fmt_ci, label, num, sign, times, words

EXPERIMENTS = (
    "patterns_hazards_profiles",
    "pillars_sobol",
    "vertical_latency",
    "deescalation",
    "recurring_patterns",
)


@dataclass
class Results:
    name: str
    df: pd.DataFrame
    definition: dict
    baseline: dict
    seconds: float  # compute time of every run, summed
    runs: int

    @property
    def ok(self) -> pd.DataFrame:
        return self.df[self.df["error"].isna()]

    def summary(self, outcomes: list[str] | None = None) -> pd.DataFrame:
        from coop_agents.experiments import summarise

        return summarise(self.df, [o for o in (outcomes or self.outcomes) if o in self.df.columns])

    def paired(self, outcomes: list[str] | None = None) -> pd.DataFrame:
        from coop_agents.experiments import paired_differences

        return paired_differences(
            self.df, self.baseline, [o for o in (outcomes or self.outcomes) if o in self.df.columns]
        )

    @property
    def outcomes(self) -> list[str]:
        from coop_agents.metrics import OUTCOMES

        return [o for o in OUTCOMES if o in self.df.columns]

    def has(self, *outcomes: str) -> bool:
        return all(o in self.df.columns for o in outcomes)


def _definition(name: str) -> dict:
    from coop_agents.config import read_toml

    data = dict(read_toml(ROOT / "experiments" / f"{name}.toml", "experiment"))
    data.pop("outcomes", None)  # keep every outcome: the findings may cite any of them
    return data


def results(ctx: Context, name: str) -> Results:
    """Run (or read the cached runs of) experiment ``name``; its results."""

    def compute():
        import json

        from coop_agents.experiments import experiment_from_dict, load_results, run_batch

        data = _definition(name)
        exp = experiment_from_dict(
            data,
            f"experiments/{name}.toml",
            ROOT / "experiments",
            name=name,
            source=str(ROOT / "experiments" / f"{name}.toml"),
        )
        folder = ctx.cache_dir(f"exp-{name}", json.dumps(data, sort_keys=True, default=str))
        total = len(exp.runs())
        state = {"last": 0.0, "t0": None}

        def progress(done: int, all_: int) -> None:
            import time

            now = time.perf_counter()
            if state["t0"] is None:
                state["t0"] = (now, done)
                if done < all_:
                    ctx.say(f"experiments: {name}: {all_ - done} of {all_} runs to go")
                return
            if now - state["last"] >= 15 or done == all_:
                state["last"] = now
                t0, d0 = state["t0"]
                rate = (done - d0) / max(now - t0, 1e-9)
                eta = (all_ - done) / rate if rate > 0 else float("nan")
                ctx.say(
                    f"experiments: {name}: {done}/{all_} runs"
                    + (f", about {eta:.0f} s left" if done < all_ and math.isfinite(eta) else "")
                )

        report = run_batch(
            exp, folder, executor="processes", workers=ctx.workers, progress=False, on_progress=progress
        )
        if report.ran == 0:
            ctx.say(f"experiments: {name}: {total} runs read from {folder}")
        df = load_results(folder)
        failed = df["error"].notna().sum()
        if failed:
            raise SystemExit(
                f"make_docs: {failed} run(s) of {name} failed, e.g.: {df['error'].dropna().iloc[0]}"
            )
        seconds = float(df["seconds"].sum()) if "seconds" in df.columns else float("nan")
        return Results(name, df, exp.to_dict(), dict(exp.baseline), seconds, len(df))

    return ctx.once(f"exp:{name}", compute)


def _intro_time(r: Results, workers: int) -> str:
    return duration(r.seconds / max(workers, 1))


# ----------------------------------------------------------------------------------- helpers


def _mean(summary: pd.DataFrame, outcome: str, **where) -> float:
    s = summary[summary["outcome"] == outcome]
    for k, v in where.items():
        s = s[s[k] == v]
    if len(s) != 1:
        raise KeyError(f"{outcome} {where}: {len(s)} rows")
    return float(s["mean"].iloc[0])


def _with_factors(frame: pd.DataFrame, r: Results) -> pd.DataFrame:
    """``frame`` (by arm_id) with the value of every varied factor of its arm."""
    factors = [f["name"] for f in r.definition["factors"] if len(f["values"]) > 1 or f["low"] is not None]
    arms = r.ok.groupby("arm_id")[factors].first().reset_index()
    return frame.merge(arms, on="arm_id", how="left")


def _warn(message: str) -> None:
    print(f"make docs: {message}", file=sys.stderr)


def _factor(r: Results, name: str) -> dict:
    return next(f for f in r.definition["factors"] if f["name"] == name)


def _fixed(r: Results, name: str, default=None):
    """The value an experiment fixes for ``name`` (its scenario's or the table's when it sets none)."""
    for f in r.definition["factors"]:
        if f["name"] == name and len(f["values"]) == 1:
            return f["values"][0]
    return default


def _communities(r: Results) -> int:
    from coop_agents.model import resolve

    scenario = _fixed(r, "scenario", "default")
    over = {k: _fixed(r, k) for k in ("street_offices", "communities_per_street") if _fixed(r, k) is not None}
    cfg, _, _ = resolve(scenario, "siloed", **over)
    return cfg.street_offices * cfg.communities_per_street


def _config(r: Results, pattern: str = "siloed", **extra):
    """The configuration the experiment's runs share (its fixed factors), with ``extra``."""
    from coop_agents.model import resolve

    fixed = {
        f["name"]: f["values"][0]
        for f in r.definition["factors"]
        if len(f["values"]) == 1 and f["low"] is None and f["name"] not in ("scenario", "pattern")
    }
    cfg, _, _ = resolve(_fixed(r, "scenario", "default"), _fixed(r, "pattern", pattern), **{**fixed, **extra})
    return cfg


def _listing(items: list[str], conj: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def _code(names) -> list[str]:
    return [f"`{n}`" for n in names]


PROFILE_WORDS = {"urban": "urban", "old_urban": "old urban", "rural": "rural"}


def _truncation(r: Results) -> list[str]:
    """A finding on the runs the cap of days cut short (none when the model does not say)."""
    if not r.has("truncated"):
        return []
    cfg = _config(r)
    k, n = int(r.ok["truncated"].sum()), len(r.ok)
    if cfg.arrival != "single":
        text = (
            f"- Every run lasts the full {cfg.steps:,} days; in {k} of the {n:,} runs an event was still running "
            f"on the last day."
            if k
            else f"- Every run lasts the full {cfg.steps:,} days; in none was an event still running on the last day."
        )
    elif k == 0:
        text = f"- No run reached the cap of {cfg.steps:,} days before its event was over."
    else:
        by_arm = r.ok.groupby("arm")["truncated"].sum()
        most = (
            f" (most in {by_arm.idxmax()}: {int(by_arm.max())})" if r.definition["design"] == "grid" else ""
        )
        text = (
            f"- {k} of the {n:,} runs reached the cap of {cfg.steps:,} days before the event was over{most}; "
            f"their times count to the cap, so those means are lower bounds."
        )
    return [wrap_bullet(text)]


def _header(r: Results, ctx: Context, text: str) -> str:
    return text + f" ({r.runs:,} runs, {_intro_time(r, ctx.workers)} on {words(ctx.workers)} workers)"


# ------------------------------------------------------------------------ the experiments' intro


@block("experiments", "exp-intro", cheap=False)
def intro(ctx: Context) -> str:
    times_ = {name: results(ctx, name).seconds / max(ctx.workers, 1) for name in EXPERIMENTS}
    longest = max(times_.values())
    limit = f"under {math.ceil(longest / 60)} minutes" if longest > 60 else "under a minute"
    today = datetime.date.today().isoformat()
    return "\n".join(
        [
            "Each file here is an experiment definition for `coop-agents batch` (format below). Each runs on a",
            f"2-core machine in {limit} ({words(ctx.workers)} worker processes):",
            "",
            "```sh",
            ".venv/bin/coop-agents batch experiments/patterns_hazards_profiles.toml --out results/php",
            ".venv/bin/coop-agents analyse results/php      # results/php/summary.md, CSVs, figures",
            "```",
            "",
            f"The tables and findings below are generated by `make docs` (last on {today}) from runs of the code",
            "they are committed with: every number, and the direction of every claim, is computed from the",
            "results (`scripts/docgen/experiments.py`), so a change of the model rewrites them. They are what",
            "the model says under its stated assumptions (see `docs/odd.md`); every rate in it is a free",
            "parameter, so read them as directions and orders of magnitude, not forecasts.",
        ]
    )


# ------------------------------------------------------------------- patterns_hazards_profiles


@block("experiments", "exp-patterns_hazards_profiles", cheap=False)
def patterns_hazards_profiles(ctx: Context) -> str:
    from coop_agents.patterns import load_pattern

    r = results(ctx, "patterns_hazards_profiles")
    patterns = list(_factor(r, "pattern")["values"])
    hazards = list(_factor(r, "hazard")["values"])
    profiles = list(_factor(r, "profile")["values"])
    base = r.baseline["pattern"]
    reps = r.ok["replicate"].nunique()
    s = _with_factors(r.summary(), r)
    p = _with_factors(r.paired(), r)

    def mean(outcome, pattern, hazard, profile):
        return _mean(s, outcome, pattern=pattern, hazard=hazard, profile=profile)

    def pair(outcome, pattern, hazard, profile):
        row = p[
            (p["outcome"] == outcome)
            & (p["pattern"] == pattern)
            & (p["hazard"] == hazard)
            & (p["profile"] == profile)
        ]
        return row.iloc[0]

    cfg = _config(r)
    out = [
        wrap_bullet(
            _header(
                r,
                ctx,
                f"{len(patterns)} patterns × {{{', '.join(hazards)}}} × "
                f"{{{', '.join(PROFILE_WORDS.get(x, x) for x in profiles)}}}, {reps} paired "
                f"replicates",
            )
            + f", baseline `{base}`. Mean residents harmed ({cfg.residents:,} residents in "
            f"{_communities(r)} communities):"
        ),
        "",
    ]
    cells = [(h, pr) for h in hazards for pr in profiles]
    header = [
        "pattern",
        *(
            f"{h} {PROFILE_WORDS.get(pr, pr)}" if i % len(profiles) == 0 else PROFILE_WORDS.get(pr, pr)
            for i, (h, pr) in enumerate(cells)
        ),
    ]
    rows = [[name, *(fmt(mean("harm", name, h, pr), 0) for h, pr in cells)] for name in patterns]
    out += [md_table(header, rows), ""]

    # 1. Every governing pattern against the baseline, cell by cell.
    governing = [x for x in patterns if x not in (base, "no_response")]
    misses = [
        (x, h, pr)
        for x in governing
        for h, pr in cells
        if sign(*pair("harm", x, h, pr)[["ci_low", "ci_high"]]) >= 0
    ]
    if not misses:
        first = (
            f"- Every governing pattern beats `{base}` on harm in every cell, with paired 95% CIs that "
            f"exclude zero"
        )
    else:
        where = "; ".join(f"`{x}` {h} {PROFILE_WORDS.get(pr, pr)}" for x, h, pr in misses)
        first = (
            f"- Governing patterns beat `{base}` on harm with paired 95% CIs that exclude zero in "
            f"{len(governing) * len(cells) - len(misses)} of the {len(governing) * len(cells)} pattern-cells; "
            f"not in {where}"
        )
    best = "full_cycle"
    if best in governing:
        shares = [float(pair("harm", best, h, pr)["share_lower"]) for h, pr in cells]
        if min(shares) == 1:
            first += f"; `{best}` is lower in every paired replicate of every cell."
        else:
            low_cell = cells[int(np.argmin(shares))]
            first += (
                f"; `{best}` is lower in {round(100 * min(shares))}% to {round(100 * max(shares))}% of the "
                f"paired replicates (fewest: {low_cell[0]}, {PROFILE_WORDS.get(low_cell[1], low_cell[1])})."
            )
    else:
        first += "."
    out.append(wrap_bullet(first))

    # 2. Where coordination matters most (the epidemic).
    if "contagion" in hazards and best in patterns:
        gain = {
            pr: mean("harm", base, "contagion", pr) - mean("harm", best, "contagion", pr) for pr in profiles
        }
        top = max(gain, key=gain.get)
        desc = {
            "old_urban": "Old urban communities (dense, many elderly, low infrastructure, a trust deficit)",
            "urban": "Urban communities",
            "rural": "Rural communities (sparse contacts, low infrastructure)",
        }
        text = (
            f"- {desc.get(top, top)} are where coordination matters most: an epidemic harms "
            f"{fmt(mean('harm', base, 'contagion', top), 0)} residents under silos and "
            f"{fmt(mean('harm', best, 'contagion', top), 0)} under full-cycle governance."
        )
        if top == "old_urban" and "urban" in profiles:
            gap_base = mean("harm", base, "contagion", "old_urban") - mean("harm", base, "contagion", "urban")
            gap_best = mean("harm", best, "contagion", "old_urban") - mean("harm", best, "contagion", "urban")
            if gap_base > 0 and gap_best < gap_base / 2:
                text += (
                    f" The theory's claim that the gap between old and new communities is a gap of capacity, "
                    f"not fate, shows up directly: old urban communities' excess harm over urban ones falls "
                    f"from {fmt(gap_base, 0)} residents under silos to {fmt(gap_best, 0)} under full-cycle "
                    f"governance."
                )
        out.append(wrap_bullet(text))

    # 3. A fast shock: who warns within the window.
    if "shock" in hazards:
        footprint = _config(r, hazard="shock").shock_sites
        lead = _config(r, hazard="shock").shock_lead
        missed = {
            x: float(np.mean([mean("missed_windows", x, "shock", pr) for pr in profiles])) for x in patterns
        }
        good = [x for x in patterns if missed[x] < 0.5 * footprint]
        bad = [x for x in patterns if missed[x] >= 0.9 * footprint and x != "no_response"]
        levers = {x: load_pattern(x).levers for x in patterns}
        at_once = {
            x
            for x in patterns
            if levers[x].get("authority") == "committee" or levers[x].get("delegated_emergency_powers")
        }
        if good:
            text = (
                f"- Against a fast shock ({lead} days from first signs to peak), only {_listing(_code(good))} "
                f"warn within the window (missed windows {_listing([fmt(missed[x], 2) for x in good])} of "
                f"{footprint} footprint communities, mean over community types)"
            )
            if bad:
                all_missed = all(
                    mean("missed_windows", x, "shock", pr) >= footprint - 1e-9 for x in bad for pr in profiles
                )
                text += (
                    f"; {_listing(_code(bad))} miss {'every' if all_missed else 'nearly every'} footprint "
                    f"community's window"
                )
                if set(good) <= at_once and not (set(bad) & at_once):
                    text += (
                        " because approvals take longer than the lead time (only the former let committees "
                        "act at once: their own authority or delegated emergency powers)"
                    )
            text += "."
        else:
            text = (
                f"- Against a fast shock ({lead} days from first signs to peak), no pattern warns within the window "
                f"reliably (missed windows {fmt(min(missed.values()), 2)} to {fmt(max(missed.values()), 2)} of "
                f"{footprint})."
            )
        if "contagion" in hazards:
            cuts = {
                x: float(np.mean([pair("harm", x, "contagion", pr)["rel_diff"] for pr in profiles]))
                for x in ("platform", "command")
                if x in governing
            }
            if cuts:
                helped = all(c <= -0.3 for c in cuts.values())
                text += (
                    f" Against an epidemic, {_listing(_code(cuts))} "
                    + ("already help a lot" if helped else "help less")
                    + f": {_listing([f'{round(-100 * c)}%' for c in cuts.values()])} less harm than "
                    f"`{base}` (mean of the paired relative differences over community types)."
                )
        out.append(wrap_bullet(text))

    # 4. Needs and equity in the epidemic.
    if "contagion" in hazards and "no_response" in patterns and "old_urban" in profiles:
        silo_v = mean("unmet_need_days_vulnerable", base, "contagion", "old_urban")
        none_v = mean("unmet_need_days_vulnerable", "no_response", "contagion", "old_urban")
        rows_ = r.ok[(r.ok["hazard"] == "contagion") & (r.ok["profile"] == "old_urban")]
        a = (
            rows_[rows_["pattern"] == "no_response"]
            .sort_values("replicate")["unmet_need_days_vulnerable"]
            .to_numpy()
        )
        b = rows_[rows_["pattern"] == base].sort_values("replicate")["unmet_need_days_vulnerable"].to_numpy()
        from coop_agents.validation import paired_ci

        _, lo, hi = paired_ci(a, b)
        direction = sign(lo, hi)
        if direction > 0:
            text = (
                f"- Siloed emergency measures in old urban communities leave more vulnerable need-days unmet "
                f"({fmt(silo_v, 0)}) than no response at all ({fmt(none_v, 0)}; paired 95% CI of the difference "
                f"{fmt_ci(lo, hi, 0)}): lockdowns create needs that nobody with a list of the vulnerable meets."
            )
        elif direction < 0:
            text = (
                f"- Even siloed measures in old urban communities leave fewer vulnerable need-days unmet "
                f"({fmt(silo_v, 0)}) than no response at all ({fmt(none_v, 0)}; paired 95% CI of the difference "
                f"{fmt_ci(lo, hi, 0)})."
            )
        else:
            text = (
                f"- Siloed measures in old urban communities leave about as many vulnerable need-days unmet "
                f"({fmt(silo_v, 0)}) as no response at all ({fmt(none_v, 0)}; the paired 95% CI of the "
                f"difference, {fmt_ci(lo, hi, 0)}, includes 0)."
            )
        registry = [x for x in patterns if load_pattern(x).levers.get("vulnerable_registry")]
        others = [x for x in patterns if x not in registry and x != "no_response"]
        gaps = {x: [mean("equity_gap", x, "contagion", pr) for pr in profiles] for x in patterns}
        reverse = [x for x in patterns if x != "no_response" and all(g < 0 for g in gaps[x])]
        d = 2

        def span(xs):
            vals = [g for x in xs for g in gaps[x]]
            return f"{fmt(min(vals), d)} to {fmt(max(vals), d)}"

        if reverse and set(reverse) == set(registry):
            one = len(registry) == 1
            text += (
                f" Only {_listing(_code(registry))}, the {'one pattern' if one else 'patterns'} with a "
                f"vulnerable registry, {'reverses' if one else 'reverse'} the equity gap in the epidemic "
                f"(vulnerable residents served first: {span(registry)}; the others {span(others)})."
            )
        elif reverse:
            text += (
                f" In the epidemic {_listing(_code(reverse))} {'reverses' if len(reverse) == 1 else 'reverse'} "
                f"the equity gap in every community type ({span(reverse)}); the vulnerable registry is set in "
                f"{_listing(_code(registry)) or 'no pattern'}."
            )
        else:
            text += (
                f" No pattern reverses the equity gap in the epidemic in every community type (means "
                f"{span([x for x in patterns if x != 'no_response'])})."
            )
        out.append(wrap_bullet(text))
    out += _truncation(r)
    return "\n".join(out)


def wrap_bullet(text: str) -> str:
    from docgen.core import wrap

    return wrap(text)


# ------------------------------------------------------------------------------- pillars_sobol

_PILLAR_GLOSS = {
    "technology": "seeing the risk early (technology)",
    "intellect": "judging it right and planning (intellectual support)",
    "information": "information integration",
    "resources": "resources",
    "coordination": "organisational coordination",
}


def _toml_outcomes(name: str) -> list[str]:
    """The outcomes the experiment file lists (those the model still computes)."""
    from coop_agents.config import read_toml
    from coop_agents.metrics import OUTCOMES

    listed = read_toml(ROOT / "experiments" / f"{name}.toml", "experiment").get("outcomes", [])
    gone = [o for o in listed if o not in OUTCOMES]
    if gone:
        _warn(f"experiments/{name}.toml lists outcomes the model no longer computes: {', '.join(gone)}")
    return [o for o in listed if o in OUTCOMES]


@block("experiments", "exp-pillars_sobol", cheap=False)
def pillars_sobol(ctx: Context) -> str:
    from coop_agents.config import PARAMETERS
    from coop_agents.experiments import sensitivity

    r = results(ctx, "pillars_sobol")
    # The file's outcomes, less the run flags (0/1), which have no variance to apportion.
    outcomes = [o for o in _toml_outcomes("pillars_sobol") if o not in ("truncated", "prevented")]
    idx = sensitivity(r.df, r.definition, outcomes)
    ranged = [f for f in r.definition["factors"] if f["low"] is not None]
    names = [f["name"] for f in ranged]
    bounds = {(f["low"], f["high"]) for f in ranged}
    reps = r.ok["replicate"].nunique()
    points = r.ok["arm_id"].nunique()
    n = r.definition["samples"]
    bound_text = (
        f"[{fmt(next(iter(bounds))[0])}, {fmt(next(iter(bounds))[1])}]"
        if len(bounds) == 1
        else "their ranges"
    )
    out = [
        wrap_bullet(
            _header(
                r,
                ctx,
                f"Sobol (Saltelli) indices of {words(len(names))} pillar levels in {bound_text} "
                f"under the `{_fixed(r, 'pattern', 'siloed')}` pattern's other levers; N = {n} "
                f"({points:,} points), {reps} replicates averaged per point",
            )
            + ". Total-order indices (ST):"
        ),
        "",
    ]
    st = idx.pivot(index="factor", columns="outcome", values="ST")
    conf = idx.pivot(index="factor", columns="outcome", values="ST_conf")
    cols = [o for o in outcomes if o in st.columns]
    order = st[cols].mean(axis=1).sort_values(ascending=False).index.tolist()
    rows = []
    for f in order:
        cells = []
        for o in cols:
            v = float(st.loc[f, o])
            cells.append(f"**{v:.2f}**" if v >= 0.9 * float(st[o].max()) else f"{v:.2f}")
        rows.append([f"{f} {PARAMETERS[f].label_zh}", *cells])
    out += [
        md_table(["pillar", *(label(o).lower() if o != "equity_gap" else "equity gap" for o in cols)], rows),
        "",
    ]
    above = bool((st[cols] > 1).to_numpy().any())
    note = (
        f"(Bold: within 10% of the largest index of the outcome. The confidence half-widths run up to "
        f"{float(conf[cols].max().max()):.1f}"
        + (f"; estimates above 1 are sampling error of N = {n} at {reps} replicates" if above else "")
        + ". The ranking, not the third digit, is the finding.)"
    )
    out += [wrap_bullet(note), ""]
    # What drives what: the outcomes grouped by the factors that share their top index.
    drivers: dict[tuple, list[str]] = {}
    for o in cols:
        top = float(st[o].max())
        lead = tuple(f for f in order if float(st.loc[f, o]) >= 0.9 * top)
        drivers.setdefault(lead, []).append(o)
    parts = []
    for lead, outs in drivers.items():
        what = _listing([label(o).lower() for o in outs])
        if len(lead) == 1:
            parts.append(f"{_PILLAR_GLOSS.get(lead[0], lead[0])} drives {what}")
        else:
            parts.append(f"{_listing([_PILLAR_GLOSS.get(x, x) for x in lead])} share {what}")
    pattern = _fixed(r, "pattern", "siloed")
    out.append(wrap_bullet(f"- Under `{pattern}`, " + "; ".join(parts) + "."))
    weak = [f for f in order if float(st.loc[f, cols].max()) < 0.15]
    if weak:
        top = float(st.loc[weak, cols].max().max())
        text = (
            f"- {_listing([f.capitalize() if i == 0 else f for i, f in enumerate(weak)])} barely "
            f"{'matters' if len(weak) == 1 else 'matter'} *here* (every total-order index below "
            f"{max(0.01, math.ceil(top * 100) / 100):.2f})"
        )
        if set(weak) >= {"resources", "coordination"}:
            text += (
                ", and the model says why: stocks never run out in this scenario, and without a vulnerable "
                "registry the needs committees know of stay fewer than the people available to meet them, so "
                "pooling more helpers changes nothing. Investing in coordination pays only once needs are "
                "known (see the registry in `full_cycle`)."
            )
        else:
            text += "."
        out.append(wrap_bullet(text))
    out += _truncation(r)
    return "\n".join(out)


# ---------------------------------------------------------------------------- vertical_latency


@block("experiments", "exp-vertical_latency", cheap=False)
def vertical_latency(ctx: Context) -> str:
    r = results(ctx, "vertical_latency")
    lat = sorted(_factor(r, "vertical_latency")["values"])
    who = list(_factor(r, "authority")["values"])
    base_lat, base_who = r.baseline["vertical_latency"], r.baseline["authority"]
    reps = r.ok["replicate"].nunique()
    s = _with_factors(r.summary(), r)
    p = _with_factors(r.paired(), r)

    def mean(o, v, a):
        return _mean(s, o, vertical_latency=v, authority=a)

    def pair(o, v, a):
        return p[(p["outcome"] == o) & (p["vertical_latency"] == v) & (p["authority"] == a)].iloc[0]

    out = [
        wrap_bullet(
            _header(
                r,
                ctx,
                f"Vertical latency {num(lat[0])}–{num(lat[-1])} days per hop × who approves a "
                f"state change ({', '.join(who)}), `{_fixed(r, 'pattern', 'siloed')}` "
                f"pattern, {reps} paired replicates",
            )
            + f". Baseline: {num(base_lat)} days, {base_who}."
        ),
        "",
    ]
    header = [
        "latency (days/hop)",
        *(f"response delay: {a}" if i == 0 else a for i, a in enumerate(who)),
        *(f"missed windows: {a}" if i == 0 else a for i, a in enumerate(who)),
    ]
    rows = [
        [
            num(v),
            *(fmt(mean("response_delay", v, a), 1) for a in who),
            *(fmt(mean("missed_windows", v, a), 2) for a in who),
        ]
        for v in lat
    ]
    out += [md_table(header, rows), ""]

    # Latency costs time only where decisions travel the vertical lines.
    local = [pair("response_delay", v, base_who) for v in lat if v != base_lat]
    none_moves = all(sign(x["ci_low"], x["ci_high"]) == 0 for x in local)
    widest = max(abs(float(x["mean_diff"])) for x in local)
    top_who = who[-1]
    far = pair("response_delay", lat[-1], top_who)
    far_sign = sign(far["ci_low"], far["ci_high"])
    slower = [x for x in local if sign(x["ci_low"], x["ci_high"]) > 0]
    if none_moves:
        text = (
            f"- Latency on the vertical lines costs time only where decisions travel them: with the {base_who} "
            f"deciding, latency changes nothing (paired differences within {math.ceil(widest * 10) / 10:g} "
            f"days, every CI includes 0)"
        )
    elif not slower:
        last = local[-1]
        text = (
            f"- Latency on the vertical lines costs time only where decisions travel them: with the {base_who} "
            f"deciding, more latency does not slow the response (at {num(lat[-1])} days per hop it is "
            f"{fmt(-float(last['mean_diff']), 1)} days shorter than at {num(base_lat)}, 95% CI of the "
            f"difference {fmt_ci(last['ci_low'], last['ci_high'], 1)})"
        )
    else:
        text = (
            f"- Latency on the vertical lines costs time even with the {base_who} deciding (up to "
            f"{fmt(max(float(x['mean_diff']) for x in slower), 1)} days against the baseline)"
        )
    if far_sign > 0:
        text += (
            f"; with the {top_who} deciding, {num(lat[-1])} days per hop adds {fmt(far['mean_diff'], 0)} days "
            f"to the response (95% CI {fmt_ci(far['ci_low'], far['ci_high'], 0)}) against the baseline"
        )
    else:
        text += (
            f"; even with the {top_who} deciding, {num(lat[-1])} days per hop changes the response by "
            f"{fmt(far['mean_diff'], 1)} days (95% CI {fmt_ci(far['ci_low'], far['ci_high'], 1)})"
        )
    # Missed windows: the top authority at the longest against the shortest latency, paired.
    from coop_agents.validation import paired_ci

    ok = r.ok
    a = ok[(ok["authority"] == top_who) & (ok["vertical_latency"] == lat[0])].sort_values("replicate")
    b = ok[(ok["authority"] == top_who) & (ok["vertical_latency"] == lat[-1])].sort_values("replicate")
    d, lo, hi = paired_ci(a["missed_windows"].to_numpy(float), b["missed_windows"].to_numpy(float))
    ma, mb = float(a["missed_windows"].mean()), float(b["missed_windows"].mean())
    if sign(lo, hi) > 0:
        text += (
            f", and {fmt(d, 2)} more communities pass their critical point than with {num(lat[0])} days per "
            f"hop ({fmt(mb, 2)} vs {fmt(ma, 2)}; 95% CI {fmt_ci(lo, hi, 2)})."
        )
    else:
        text += (
            f"; the communities passing their critical point change little against {num(lat[0])} days per hop "
            f"({fmt(mb, 2)} vs {fmt(ma, 2)}; the paired 95% CI, {fmt_ci(lo, hi, 2)}, "
            f"{'includes 0' if sign(lo, hi) == 0 else 'is below 0'})."
        )
    out.append(wrap_bullet(text))

    # The approval level itself, at the fastest lines.
    level = {a: pair("response_delay", lat[0], a) for a in who if a != base_who}
    costs = [float(x["mean_diff"]) for x in level.values()]
    spoken = {"street": "the street office", "district": "the district", "committee": "the committee"}
    if all(sign(x["ci_low"], x["ci_high"]) > 0 for x in level.values()):
        cost = (
            f"about {fmt(min(costs), 0)}"
            if fmt(min(costs), 0) == fmt(max(costs), 0)
            else f"{fmt(min(costs), 0)} to {fmt(max(costs), 0)}"
        )
        text = (
            f"- The approval level itself costs {cost} days of response even when the lines are fast "
            f"({_listing([f'{fmt(v, 1)} days with {spoken.get(k, k)} deciding' for k, v in zip(level, costs)])}, "
            f"against the {base_who} at {num(lat[0])} days per hop)"
        )
        bp = {a: mean("buck_passing_events", lat[0], a) for a in who} if r.has("buck_passing_events") else {}
        if bp and all(bp[a] > bp[base_who] for a in level):
            items = [
                f"{fmt(v, 1)} {'bounces a run with ' if i == 0 else 'with '}{spoken.get(k, k)}"
                for i, (k, v) in enumerate(bp.items())
            ]
            text += (
                f": requests are passed back unowned on the way (buck-passing: {_listing(items)} deciding) "
                f"and declined on misjudgement."
            )
        else:
            text += "."
    else:
        text = (
            f"- The approval level itself costs little when the lines are fast "
            f"({_listing([f'{k}: {fmt(v, 1)}' for k, v in zip(level, costs)])} days against the {base_who})."
        )
    out.append(wrap_bullet(text))
    out += _truncation(r)
    return "\n".join(out)


# -------------------------------------------------------------------------------- deescalation


@block("experiments", "exp-deescalation", cheap=False)
def deescalation(ctx: Context) -> str:
    from coop_agents.validation import paired_ci

    r = results(ctx, "deescalation")
    stages = sorted(_factor(r, "stage_days")["values"])
    base = r.baseline["deescalation"]
    other = next(v for v in _factor(r, "deescalation")["values"] if v != base)
    reps = r.ok["replicate"].nunique()
    cfg = _config(r, pattern=_fixed(r, "pattern", "co_governance"))
    s = _with_factors(r.summary(), r)
    p = _with_factors(r.paired(), r)
    pattern = _fixed(r, "pattern", "co_governance")

    def mean(o, kind, days):
        return _mean(s, o, deescalation=kind, stage_days=days)

    def pair(o, days):
        return p[(p["outcome"] == o) & (p["deescalation"] == other) & (p["stage_days"] == days)].iloc[0]

    burden = [o for o in ("wind_down_days", "unneeded_measures") if r.has(o)]
    out = [
        wrap_bullet(
            _header(
                r,
                ctx,
                f"{base.capitalize()} vs {other} withdrawal at "
                f"{_listing([num(x) for x in stages])} days per stage "
                f"({cfg.deescalation_stages} stages), `{pattern}`, a more transmissible "
                f"epidemic (transmission {num(cfg.transmission)}) and a quick exit from "
                f"emergency (`clear_days = {cfg.clear_days}`), {reps} paired replicates",
            )
            + f". Baseline: {base} (stage length does not apply to it, so its {words(len(stages))} arms "
            f"are identical)."
        ),
        "",
    ]
    cols = ["secondary_crises", *burden, "harm"]
    header = ["withdrawal", *(label(o).lower() for o in cols)]
    rows = [[base, *(fmt(mean(o, base, stages[0]), 2 if o == "secondary_crises" else 0) for o in cols)]]
    rows += [
        [
            f"{other}, {fmt(x)} days/stage",
            *(fmt(mean(o, other, x), 2 if o == "secondary_crises" else 0) for o in cols),
        ]
        for x in stages
    ]
    out += [md_table(header, rows), ""]

    # Secondary crises: how much graded withdrawal cuts them, and at what price.
    cuts = [
        1 - mean("secondary_crises", other, x) / mean("secondary_crises", base, x)
        for x in stages
        if mean("secondary_crises", base, x) > 0
    ]
    mid = stages[len(stages) // 2]
    c = pair("secondary_crises", mid)
    c_sign = sign(c["ci_low"], c["ci_high"])
    if c_sign < 0 and cuts:
        least = min(cuts)
        amount = (
            "by three quarters or more"
            if least >= 0.75
            else "by half or more"
            if least >= 0.5
            else f"by {round(100 * least)}% to {round(100 * max(cuts))}%"
        )
        text = (
            f"- {other.capitalize()} withdrawal cuts secondary crises (次生危机) {amount} (at {fmt(mid)} days "
            f"per stage: {fmt(c['mean_diff'], 2)}, 95% CI {fmt_ci(c['ci_low'], c['ci_high'], 2)})"
        )
    elif c_sign == 0:
        text = (
            f"- {other.capitalize()} withdrawal does not cut secondary crises (次生危机) clearly (at {fmt(mid)} days "
            f"per stage: {fmt(c['mean_diff'], 2)}, 95% CI {fmt_ci(c['ci_low'], c['ci_high'], 2)})"
        )
    else:
        text = (
            f"- {other.capitalize()} withdrawal brings more secondary crises (次生危机), not fewer (at {fmt(mid)} "
            f"days per stage: {fmt(c['mean_diff'], 2)}, 95% CI {fmt_ci(c['ci_low'], c['ci_high'], 2)})"
        )
    if "wind_down_days" in burden:
        w = [mean("wind_down_days", other, x) for x in stages]
        w0 = mean("wind_down_days", base, stages[0])
        price = (
            f"{fmt(min(w), 0)} to {fmt(max(w), 0)} resident-days under measures while winding down "
            f"(分级退出), where {base} withdrawal has {fmt(w0, 0)}"
            if w0 == 0
            else f"{times(min(w) / w0)} to {times(max(w) / w0)} the resident-days under measures while winding "
            f"down (分级退出; {fmt(w0, 0)} with {base} withdrawal)"
        )
        text += f" at the price of {price}."
    else:
        text += "."
    # Beyond the middle stage length: more relapses saved, or only more burden?
    if len(stages) >= 3 and "wind_down_days" in burden:
        ok = r.ok[r.ok["deescalation"] == other]
        a = ok[ok["stage_days"] == mid].sort_values("replicate")
        b = ok[ok["stage_days"] == stages[-1]].sort_values("replicate")
        dc, lc, hc = paired_ci(a["secondary_crises"].to_numpy(float), b["secondary_crises"].to_numpy(float))
        dw, lw, hw = paired_ci(a["wind_down_days"].to_numpy(float), b["wind_down_days"].to_numpy(float))
        if sign(lc, hc) >= 0 and sign(lw, hw) > 0:
            text += (
                f" Beyond {fmt(mid)} days per stage, slower withdrawal buys no further drop in relapses "
                f"({fmt(dc, 2)} at {fmt(stages[-1])} days, 95% CI {fmt_ci(lc, hc, 2)}) but "
                f"{fmt(dw, 0)} more resident-days of wind-down: the trade-off the paper names, with a sweet "
                f"spot."
            )
        elif sign(lc, hc) < 0:
            text += (
                f" Slower withdrawal still saves relapses beyond {fmt(mid)} days per stage ({fmt(dc, 2)} at "
                f"{fmt(stages[-1])} days, 95% CI {fmt_ci(lc, hc, 2)}), for {fmt(dw, 0)} more resident-days "
                f"of wind-down."
            )
    out.append(wrap_bullet(text))
    h = pair("harm", mid)
    if "unneeded_measures" in burden:
        u = [mean("unneeded_measures", k, x) for k in (base, other) for x in stages]
        flat = max(u) - min(u) <= 0.25 * max(max(u), 1)
        out.append(
            wrap_bullet(
                "- Measures where the true risk was 0 (unneeded measures, 应急过度) "
                + (
                    f"stay at {fmt(min(u), 0)}–{fmt(max(u), 0)} resident-days in every arm: the wind-down is the price "
                    f"of a careful exit, counted apart from measures nobody needed."
                    if flat
                    else f"range from {fmt(min(u), 0)} to {fmt(max(u), 0)} resident-days across the arms (the wind-down is "
                    f"counted apart from them)."
                )
                + " Harm is "
                + (
                    "lower"
                    if sign(h["ci_low"], h["ci_high"]) < 0
                    else "higher"
                    if sign(h["ci_low"], h["ci_high"]) > 0
                    else "about the same"
                )
                + f" with {other} withdrawal (at {fmt(mid)} days per stage: {fmt(h['mean_diff'], 0)} residents, 95% CI "
                f"{fmt_ci(h['ci_low'], h['ci_high'], 0)})."
            )
        )
    out += _truncation(r)
    return "\n".join(out)


# -------------------------------------------------------------------------- recurring_patterns


@block("experiments", "exp-recurring_patterns", cheap=False)
def recurring_patterns(ctx: Context) -> str:
    r = results(ctx, "recurring_patterns")
    patterns = list(_factor(r, "pattern")["values"])
    base = r.baseline["pattern"]
    reps = r.ok["replicate"].nunique()
    cfg = _config(r)
    s = _with_factors(r.summary(), r)
    p = _with_factors(r.paired(), r)
    years = cfg.steps / 365

    def mean(o, x):
        return _mean(s, o, pattern=x)

    def pair(o, x):
        return p[(p["outcome"] == o) & (p["pattern"] == x)].iloc[0]

    out = [
        wrap_bullet(
            _header(
                r,
                ctx,
                f"{words(len(patterns)).capitalize()} patterns on the `{_fixed(r, 'scenario')}` "
                f"scenario (about {words(round(cfg.arrival_rate))} epidemics a year at random "
                f"days, false signals at {num(cfg.false_signal_rate)} per 1,000 residents a "
                f"day), {cfg.steps} days, {reps} paired replicates",
            )
            + f"; every pattern faces the same arrivals and outbreaks. Baseline `{base}`."
        ),
        "",
    ]
    cols = [
        o
        for o in (
            "harm",
            "events",
            "response_delay",
            "missed_windows",
            "false_alarms",
            "mean_trust",
            "learning_gain",
        )
        if r.has(o)
    ]
    dec = {
        "harm": 0,
        "events": 2,
        "response_delay": 1,
        "missed_windows": 2,
        "false_alarms": 1,
        "mean_trust": 2,
        "learning_gain": 1,
    }
    names = {"mean_trust": "trust at the end", "learning_gain": "learning gain (days)"}
    rows = [[x, *(fmt(mean(o, x), dec[o]) for o in cols)] for x in patterns]
    out += [md_table(["pattern", *(names.get(o, label(o).lower()) for o in cols)], rows), ""]
    span = "two years" if abs(years - 2) < 0.05 else f"{fmt(years, 1)} years"

    # 1. Speed paid in trust: the pattern that reacts most to false signals.
    others = [x for x in patterns if x != base]
    noisy = max(others, key=lambda x: mean("false_alarms", x))
    t = pair("mean_trust", noisy)
    if sign(t["ci_low"], t["ci_high"]) < 0:
        text = (
            f"- Over a long horizon the fast, sensitive patterns pay for their speed in trust: `{noisy}` reacts "
            f"to false signals {fmt(mean('false_alarms', noisy), 0)} times in {span} and residents' trust ends "
            f"at {fmt(mean('mean_trust', noisy), 2)} (paired difference against `{base}` "
            f"{fmt(t['mean_diff'], 2)}, 95% CI {fmt_ci(t['ci_low'], t['ci_high'], 2)})"
        )
    else:
        text = (
            f"- Even `{noisy}`, which reacts to false signals most ({fmt(mean('false_alarms', noisy), 0)} times in "
            f"{span}), does not end with clearly less trust than `{base}` (paired difference "
            f"{fmt(t['mean_diff'], 2)}, 95% CI {fmt_ci(t['ci_low'], t['ci_high'], 2)})"
        )
    losers = [x for x in others if x != noisy and pair("mean_trust", x)["mean_diff"] < 0]
    if losers:
        diffs = [pair("mean_trust", x) for x in losers]
        clear = [sign(d["ci_low"], d["ci_high"]) < 0 for d in diffs]
        text += (
            f"; {_listing(_code(losers))} lose some trust too "
            f"({_listing([fmt(d['mean_diff'], 2) for d in diffs])}"
            + (
                ", intervals that exclude 0"
                if all(clear)
                else ", intervals that include 0"
                if not any(clear)
                else "; "
                + _listing(
                    [f"`{x}`'s interval {'excludes' if c else 'includes'} 0" for x, c in zip(losers, clear)]
                )
            )
            + ")"
        )
    text += (
        ". This is the cry-wolf side of the theory's 应急过度 (over-response)."
        if sign(t["ci_low"], t["ci_high"]) < 0
        else "."
    )
    out.append(wrap_bullet(text))

    # 2. Who harms fewest, alarms least and keeps most trust.
    fewest = min(patterns, key=lambda x: mean("harm", x))
    calm = min(patterns, key=lambda x: mean("false_alarms", x))
    trusted = max(patterns, key=lambda x: mean("mean_trust", x))
    if fewest == calm == trusted:
        tt = pair("mean_trust", fewest) if fewest != base else None
        text = (
            f"- `{fewest}` harms the fewest residents ({fmt(mean('harm', fewest), 0)}) with the fewest false "
            f"alarms ({fmt(mean('false_alarms', fewest), 0)}) and ends with more trust than any other pattern"
        )
        if tt is not None:
            text += (
                f" ({'+' if tt['mean_diff'] > 0 else ''}{fmt(tt['mean_diff'], 2)} against `{base}`, 95% CI "
                f"{fmt_ci(tt['ci_low'], tt['ci_high'], 2)})"
            )
        if fewest == "full_cycle":
            text += (
                ": expert support cuts misjudgement, and its reviews (闭环) learn only from real episodes."
            )
        else:
            text += "."
    else:
        text = (
            f"- `{fewest}` harms the fewest residents ({fmt(mean('harm', fewest), 0)}); `{calm}` raises the "
            f"fewest false alarms ({fmt(mean('false_alarms', calm), 1)}); `{trusted}` ends with the most trust "
            f"({fmt(mean('mean_trust', trusted), 2)})."
        )
    out.append(wrap_bullet(text))

    # 3. Learning: who gains most from it (against the same runs with learning off).
    if r.has("learning_gain"):
        gains = {x: mean("learning_gain", x) for x in patterns}
        top = max(gains, key=gains.get)
        rest = [g for x, g in gains.items() if x != top]
        slowest = max(patterns, key=lambda x: mean("response_delay", x))
        text = (
            f"- `{top}` gains the most from learning: without its after-action reviews (the same runs with "
            f"learning off) its response would come {fmt(gains[top], 1)} days later on average, against "
            f"{fmt(min(rest), 1)} to {fmt(max(rest), 1)} days for the others"
        )
        if top == slowest:
            text += (
                f"; it starts slowest, and learning narrows the gap but does not close it (its response delay "
                f"is still the longest, {fmt(mean('response_delay', top), 1)} days)."
            )
        else:
            text += "."
        out.append(wrap_bullet(text))
    out += _truncation(r)
    return "\n".join(out)


# ------------------------------------------------------------- any other experiment: its tables


def _generic(name: str):
    """A producer for an experiment without findings of its own: its setting, the means per arm
    and the paired differences against the baseline, with 95% CIs; no prose claims."""

    def produce(ctx: Context) -> str:
        from coop_agents.outcome_registry import OUTCOMES

        r = results(ctx, name)
        outcomes = [o for o in _toml_outcomes(name) if o not in ("truncated", "prevented")][:8] or r.outcomes[
            :8
        ]
        reps = r.ok["replicate"].nunique()
        arms = r.ok.groupby("arm_id")["arm"].first()
        design = r.definition["design"]
        out = [
            wrap_bullet(
                _header(
                    r,
                    ctx,
                    f"{len(arms):,} arm{'s' if len(arms) != 1 else ''} ({design} design), "
                    f"{reps} paired replicates",
                )
                + (
                    f", baseline {', '.join(f'{k} = {num(v)}' for k, v in r.baseline.items())}"
                    if r.baseline
                    else ""
                )
                + ". Means with 95% CIs:"
            ),
            "",
        ]
        s = r.summary(outcomes)
        if len(arms) <= 30:
            rows = []
            for arm_id, arm in arms.items():
                cells = []
                for o in outcomes:
                    x = s[(s["arm_id"] == arm_id) & (s["outcome"] == o)].iloc[0]
                    d = OUTCOMES[o].decimals if o in OUTCOMES else 2
                    cells.append(f"{fmt(x['mean'], d)} {fmt_ci(x['ci_low'], x['ci_high'], d)}")
                rows.append([arm, *cells])
            out += [md_table(["arm", *(label(o).lower() for o in outcomes)], rows), ""]
        p = r.paired(outcomes)
        if not p.empty and len(p) <= 120:
            out.append("Paired differences against the baseline (arm − baseline, same seeds):")
            out.append("")
            rows = []
            for _, x in p.iterrows():
                d = OUTCOMES[x["outcome"]].decimals if x["outcome"] in OUTCOMES else 2
                rows.append(
                    [
                        x["arm"],
                        label(x["outcome"]).lower(),
                        fmt(x["mean_diff"], d),
                        fmt_ci(x["ci_low"], x["ci_high"], d),
                    ]
                )
            out += [md_table(["arm", "outcome", "difference", "95% CI"], rows), ""]
        out += _truncation(r)
        return "\n".join(out)

    return produce


def _register_generic() -> None:
    """Blocks ``exp-NAME`` marked in experiments/README.md for an experiments/NAME.toml without
    a producer of its own get the generic tables."""
    from docgen.core import BLOCKS, FILES, read_blocks

    path = ROOT / FILES["experiments"]
    if not path.exists():
        return
    _, found = read_blocks(path)
    for marker, _, _ in found:
        name = marker.removeprefix("exp-")
        if (
            marker.startswith("exp-")
            and marker not in BLOCKS
            and (ROOT / "experiments" / f"{name}.toml").exists()
        ):
            block("experiments", marker, cheap=False)(_generic(name))


_register_generic()
