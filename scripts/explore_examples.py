"""The worked examples of the exploration commands, with their findings written from the runs.

Runs the ready experiments the examples use (``experiments/deep_uncertainty.toml``,
``experiments/siloed_conditions.toml``, ``experiments/patterns_hazards_profiles.toml``), an
optimisation and a calibration to the shipped synthetic data, and writes the block
``<!-- BEGIN generated: exploration -->`` ... ``<!-- END generated: exploration -->``: every
number in it comes from those runs. Runs are kept in ``results/explore/`` for the current model
code (a change of the model runs them again), so a second call after a change of wording is quick.
``make docs`` writes the block of experiments/README.md with the same code (the producer
``scripts/docgen/explore.py``), its runs kept in ``results/docs/`` like the other blocks' runs.

    .venv/bin/python scripts/explore_examples.py                 # docs/exploration.md
    .venv/bin/python scripts/explore_examples.py --readme        # also experiments/README.md (end)
    .venv/bin/python scripts/explore_examples.py --print > b.md  # the block on stdout only
    .venv/bin/python scripts/explore_examples.py --write-from b.md  # write a block printed before

``experiments/observed_cases.csv`` (the calibration's data) is written afresh from the model:
one run of the default scenario at 2,400 residents with known values (see TRUTH), so the check
of the fit against the truth holds for the model the docs describe.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from coop_agents.exploration.optimisation import DEFAULT_LEVERS, DEFAULT_OBJECTIVES

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "results" / "explore"
BEGIN, END = "<!-- BEGIN generated: exploration -->", "<!-- END generated: exploration -->"
OBSERVED = ROOT / "experiments" / "observed_cases.csv"
# The synthetic truth of the calibration example: what generated experiments/observed_cases.csv.
TRUTH = {"transmission": 0.1, "initial_cases": 6}
TRUTH_RUN = {"scenario": "default", "pattern": "siloed", "seed": 11, "days": 60, "residents": 2400}
# The optimisation example: the default levers and objectives of `coop-agents optimise`, whose
# names the command line in the block spells out (the keys are optimise()'s arguments).
OPTIMISE = {
    "scenario": "default",
    "budget": 250.0,
    "residents": 1200,
    "evaluations": 160,
    "replicates": 3,
    "levers": list(DEFAULT_LEVERS),
    "objectives": list(DEFAULT_OBJECTIVES),
}
CALIBRATE = {
    "parameters": "transmission,initial_cases",
    "population": 60,
    "generations": 5,
    "residents": 2400,
}


def say(text: str) -> None:
    print(f"[explore examples {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def model_fingerprint() -> str:
    """A hash of the code that computes outcomes (not the app, the briefs or this analysis)."""
    import coop_agents

    h = hashlib.sha256()
    src = Path(coop_agents.__file__).parent  # the code that runs (a copy on PYTHONPATH, if any)
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src).as_posix()
        if (
            path.is_file()
            and path.suffix in (".py", ".toml")
            and not rel.startswith(("viz/", "workshop/", "i18n/", "exploration/", "ema.py", "cli.py"))
        ):
            h.update(rel.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def folder(kind: str, fresh: bool) -> Path:
    """``results/explore/<kind>-<model code>``; older folders of the kind are removed."""
    key = model_fingerprint()
    out = CACHE / f"{kind}-{key}"
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{kind}-*"):
        if old != out and old.is_dir() and re.fullmatch(rf"{re.escape(kind)}-[0-9a-f]{{12}}", old.name):
            shutil.rmtree(old, ignore_errors=True)
    if fresh and out.exists():
        shutil.rmtree(out)
    return out


def batch(name: str, workers: int, out: Path, log: Callable[[str], None] = say) -> tuple[Path, float]:
    from coop_agents.experiments import load_experiment, load_results, run_batch

    exp = load_experiment(ROOT / "experiments" / f"{name}.toml")
    log(f"batch {name}: {len(exp.runs())} runs into {out}")
    run_batch(exp, out, executor="processes", workers=workers, progress=True)
    df = load_results(out)
    return out, float(df["seconds"].sum()) / workers


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def minutes(seconds: float) -> str:
    return (
        f"about {max(1, round(seconds / 60))} minute{'s' if round(seconds / 60) > 1 else ''}"
        if seconds >= 90
        else f"about {max(5, round(seconds / 5) * 5)} s"
    )


def table(header: list[str], align: str, rows: list[list]) -> list[str]:
    """A Markdown table's lines; ``align`` a letter a column, ``l`` (left) or ``r`` (right)."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|",
    ]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def code(lines: list[str]) -> list[str]:
    return ["```sh", *lines, "```"]


def block(
    workers: int,
    fresh: bool = False,
    folders: Callable[[str], Path] | None = None,
    log: Callable[[str], None] = say,
) -> str:
    """The block's text, from runs kept in ``folders(kind)`` (``kind`` ``batch-NAME``, ``optimise``
    or ``calibrate``; default :func:`folder`, which ``fresh`` empties first)."""
    where = folders or (lambda kind: folder(kind, fresh))

    # From their modules: once a module of the package is imported (DEFAULT_LEVERS above), the
    # package's attribute of the same name is the module, not the function.
    from coop_agents.exploration._common import outcome_words, value_words
    from coop_agents.exploration.calibration import calibrate, simulate_counts, simulate_observations
    from coop_agents.exploration.discovery import discover
    from coop_agents.exploration.optimisation import optimise
    from coop_agents.exploration.robust import robustness
    from coop_agents.numbers import format_number

    fmt = value_words
    lines = [
        "## Exploration: worked examples",
        "",
        "Generated by `scripts/explore_examples.py` (`make docs` runs it) from runs of the model (every "
        "number below is computed from those runs, and made again after a change of the model; see "
        "[docs/exploration.md](../docs/exploration.md) for what each analysis means). Times are for two "
        "worker processes.",
        "",
    ]

    # --------------------------------------------------------------- discovery: siloed_conditions
    sc, sc_time = batch("siloed_conditions", workers, where("batch-siloed_conditions"), log)
    d = discover(sc, "harm", worse_than=0.8)
    b = d.box()
    top = d.cart.iloc[0]
    lines += [
        "### Scenario discovery: when does the siloed pattern fail?",
        "",
        f"`siloed_conditions.toml`: 150 Latin-hypercube points × 2 seeds ({d.n_runs} runs, {minutes(sc_time)}) "
        "over the lines' latency, grid coverage, transmission, initial cases and cross-community contacts, "
        "all under the siloed pattern.",
        "",
    ]
    lines += code(
        [
            ".venv/bin/coop-agents batch experiments/siloed_conditions.toml --out results/siloed_conditions",
            ".venv/bin/coop-agents discover results/siloed_conditions --outcome harm --worse-than 0.8",
        ]
    )
    lines += [
        "",
        f"The worst 20% of runs harm more than {fmt(d.threshold)} residents. PRIM's chosen box "
        f"(box {d.chosen} of the trajectory: coverage {pct(b['coverage'])}, density {pct(b['density'])}, "
        f"{int(b['restricted'])} factor(s) restricted):",
        "",
        f"> {d.sentence('en')}",
        ">",
        f"> {d.sentence('zh')}",
        "",
        f"CART's densest leaf ({top['n']} runs): {pct(top['density'])} of them are among the worst when "
        f"{top['rule_en']}.",
        "",
    ]
    limits = set(d.limits["factor"])
    levers = [f for f in ("vertical_latency", "monitoring_coverage") if f in limits]
    lines.append(
        "- Finding: how fast the epidemic spreads decides most of it; "
        + (
            f"of what the district controls, {' and '.join(levers)} enter the box too."
            if levers
            else "the lines' latency and grid coverage do not enter PRIM's box: under silos they matter less than the "
            "epidemic itself"
            + (
                " (CART still splits on vertical_latency among the fast epidemics)."
                if "vertical_latency" in " ".join(d.cart["rule_en"])
                else "."
            )
        )
    )
    lines.append("")

    # --------------------------------------------------------------- deep uncertainty: robust + discover
    du, du_time = batch("deep_uncertainty", workers, where("batch-deep_uncertainty"), log)
    robust = {o: robustness(du, o) for o in ("harm", "unmet_need_days", "response_delay")}
    r = robust["harm"]
    lines += [
        "### Robustness: which pattern holds up across 40 deep-uncertainty scenarios?",
        "",
        f"`deep_uncertainty.toml`: 5 patterns × 40 Latin-hypercube scenarios × 3 paired seeds "
        f"({r.n_scenarios * r.n_replicates * len(r.table)} runs, {minutes(du_time)}).",
        "",
    ]
    lines += code(
        [
            ".venv/bin/coop-agents batch experiments/deep_uncertainty.toml --out results/deep_uncertainty",
            ".venv/bin/coop-agents robust results/deep_uncertainty --outcome harm",
            ".venv/bin/coop-agents robust results/deep_uncertainty --outcome unmet_need_days",
        ]
    )
    for o, rr in robust.items():
        label, unit = outcome_words(o)
        lines += [
            "",
            f"{label} ({unit}; satisficing: at most {fmt(rr.satisfice)}, the median):",
            "",
        ]
        lines += table(
            [
                "rank",
                "pattern",
                "mean",
                "mean regret [95% CI]",
                "p90 regret",
                "max regret",
                "satisficing",
                "rank [95% CI]",
                "P(best)",
            ],
            "rlrrrrrrr",
            [
                [
                    t.rank,
                    t.policy,
                    fmt(t.mean_outcome),
                    f"{fmt(t.mean_regret)} [{fmt(t.regret_ci_low)}, {fmt(t.regret_ci_high)}]",
                    fmt(t.p90_regret),
                    fmt(t.max_regret),
                    pct(t.satisficing),
                    f"[{t.rank_low}, {t.rank_high}]",
                    pct(t.p_best),
                ]
                for t in rr.table.itertuples()
            ],
        )
    best = r.table.iloc[0]
    wins = (r.per_scenario[r.per_scenario["policy"] == best["policy"]]["regret"] == 0).mean()
    second = r.table.iloc[1]
    ud = robust["unmet_need_days"].table
    lines += [
        "",
        f"- Finding: `{best['policy']}` has the least regret on harm (it is the best pattern in "
        f"{pct(wins)} of the scenarios; mean regret {fmt(best['mean_regret'])} residents); the runner-up "
        f"`{second['policy']}` is on average {fmt(second['mean_regret'])} residents worse than the best of "
        f"each scenario, and at worst {fmt(second['max_regret'])}. `siloed` is worst "
        f"(mean regret {fmt(r.table.set_index('policy').loc['siloed', 'mean_regret'])}, "
        f"at worst {fmt(r.table.set_index('policy').loc['siloed', 'max_regret'])}) and meets the median "
        f"in {pct(r.table.set_index('policy').loc['siloed', 'satisficing'])} of the scenarios.",
        f"- On unmet need-days the ranking is `{' > '.join(ud['policy'])}`: "
        f"`{ud.iloc[0]['policy']}` (the only pattern with a vulnerable registry) leads, "
        f"with P(best) {pct(ud.iloc[0]['p_best'])}.",
        "",
    ]
    dd = discover(du, "harm", worse_than=0.9)
    dc = discover(du, "harm", worse_than=0.8, arm="pattern=command")
    lines += [
        "Where do patterns fail? All runs of the batch, the pattern one of the conditions, and then the "
        "runs of `command` alone:",
        "",
    ]
    lines += code(
        [
            ".venv/bin/coop-agents discover results/deep_uncertainty --outcome harm --worse-than 0.9",
            ".venv/bin/coop-agents discover results/deep_uncertainty --outcome harm --arm pattern=command",
        ]
    )
    lines += [
        "",
        f"> {dd.sentence('en')}",
        ">",
        f"> {dd.sentence('zh')}",
        "",
        f"> {dc.sentence('en')}",
        ">",
        f"> {dc.sentence('zh')}",
        "",
    ]

    # --------------------------------------------------------------- a shipped grid experiment
    php, php_time = batch("patterns_hazards_profiles", workers, where("batch-patterns_hazards_profiles"), log)
    rp = robustness(php, "harm")
    dp = discover(php, "harm", worse_than=0.8, arm="hazard=contagion")
    lines += [
        "### The same analyses on a grid experiment",
        "",
        f"`patterns_hazards_profiles.toml` ({minutes(php_time)}): the 7 patterns are the policies and the "
        f"{rp.n_scenarios} combinations of hazard and community type the scenarios.",
        "",
    ]
    lines += code(
        [
            ".venv/bin/coop-agents batch experiments/patterns_hazards_profiles.toml --out results/php",
            ".venv/bin/coop-agents robust results/php --outcome harm",
            ".venv/bin/coop-agents discover results/php --outcome harm --arm hazard=contagion",
        ]
    )
    order = " > ".join(f"`{p}`" for p in rp.table["policy"])
    fc = rp.table.iloc[0]
    lines += [
        "",
        f"- Ranking by mean regret on harm: {order}; `{fc['policy']}` has mean regret "
        f"{fmt(fc['mean_regret'])} [{fmt(fc['regret_ci_low'])}, {fmt(fc['regret_ci_high'])}] residents "
        f"and P(best) {pct(fc['p_best'])}.",
        f"- Discovery among the epidemics: {dp.sentence('en')}",
        "",
    ]

    # --------------------------------------------------------------- optimise
    out = where("optimise")
    log(f"optimise into {out}")
    o = optimise(**OPTIMISE, out=out, workers=workers, progress=True)
    o.write()
    cheap = o.front.iloc[0]
    best = o.steps.iloc[-1]
    lines += ["### Optimisation: what to buy first under a budget", ""]
    lines += code(
        [
            f".venv/bin/coop-agents optimise --scenario default --residents {OPTIMISE['residents']} "
            f"--budget {format_number(OPTIMISE['budget'])} --levers {','.join(OPTIMISE['levers'])} "
            f"--evaluations {OPTIMISE['evaluations']} --replicates {OPTIMISE['replicates']} "
            f"--out results/optimise"
        ]
    )
    lines += [
        "",
        f"{len(o.evaluations)} plans on the same {o.replicates} seeds (costs from the shipped "
        f"`presets/costs.toml`, in {o.costs.unit}); the Pareto front of cost, harm and unmet need-days has "
        f"{len(o.front)} plans. The cheapest (what a siloed district already has, {fmt(cheap['cost'])}) harms "
        f"{fmt(cheap['harm'])} residents with {fmt(cheap['unmet_need_days'])} unmet need-days; the best plan "
        f"for harm within {format_number(o.budget)} costs {fmt(best['cost'])} and harms {fmt(best['harm'])} "
        f"({fmt(best['unmet_need_days'])} unmet need-days).",
        "",
    ]
    lines += table(
        ["first investments", "from a budget of", "set to"],
        "lrl",
        [
            [t.lever, "not within the budget" if t.budget != t.budget else fmt(t.budget), t.setting]
            for t in o.investments.itertuples()
        ],
    )
    lines += [
        "",
        "Differences between neighbouring plans are within the noise of three seeds; the order in which "
        "levers enter is the finding, not the third digit.",
        "",
    ]

    # --------------------------------------------------------------- calibrate
    # Written afresh from the current model, so the known values are the truth of this model's data.
    obs = simulate_observations(**TRUTH_RUN, **TRUTH)
    obs.to_csv(OBSERVED, index=False)
    log(f"wrote {OBSERVED}")
    out = where("calibrate")
    log(f"calibrate into {out}")
    c = calibrate(
        "default",
        OBSERVED,
        CALIBRATE["parameters"],
        out=out,
        residents=CALIBRATE["residents"],
        population=CALIBRATE["population"],
        generations=CALIBRATE["generations"],
        workers=workers,
        progress=True,
    )
    c.write()
    post = c.posterior.set_index("parameter")
    held = [k for k, v in TRUTH.items() if post.loc[k, "low"] <= v <= post.loc[k, "high"]]
    missed = [k for k in TRUTH if k not in held]
    inside = not missed
    edge = [k for k in held if TRUTH[k] in (post.loc[k, "low"], post.loc[k, "high"])]
    # How typical the observed run is of the truth: its total against 20 other seeds with the true values.
    observed_total = int(c.predictive["observed"].sum())
    totals = [int(simulate_counts(**{**TRUTH_RUN, "seed": 1000 + k}, **TRUTH).sum()) for k in range(20)]
    below = sum(t < observed_total for t in totals)
    lines += [
        "### Calibration: fitting the epidemic to observed daily counts",
        "",
        f"`experiments/observed_cases.csv` holds synthetic observations: new detected cases per community "
        f"and day of one run of the default scenario ({TRUTH_RUN['residents']:,} residents, "
        f"{TRUTH_RUN['pattern']}, seed {TRUTH_RUN['seed']}, {TRUTH_RUN['days']} days) with "
        + " and ".join(f"{k} = {v}" for k, v in TRUTH.items())
        + ", so the fit can be checked.",
        "",
    ]
    lines += code(
        [
            f".venv/bin/coop-agents calibrate --scenario default --residents {CALIBRATE['residents']} "
            f"--data experiments/observed_cases.csv --parameters {CALIBRATE['parameters']} "
            f"--population {CALIBRATE['population']} --generations {CALIBRATE['generations']} "
            f"--out results/calibrate"
        ]
    )
    lines += [
        "",
    ]
    lines += table(
        ["parameter", "truth", "posterior median", "90% interval", "prior"],
        "lrrrr",
        [
            [
                k,
                fmt(v),
                fmt(post.loc[k, "median"]),
                f"[{fmt(post.loc[k, 'low'])}, {fmt(post.loc[k, 'high'])}]",
                f"[{fmt(post.loc[k, 'prior_low'])}, {fmt(post.loc[k, 'prior_high'])}]",
            ]
            for k, v in TRUTH.items()
        ],
    )
    lines += [
        "",
        f"- Finding: {'both known values lie' if inside else 'a known value does not lie'} inside the "
        f"90% intervals after {len(c.generations)} generations ({c.simulations:,} simulations); the observed "
        f"district count lies in the 90% posterior-predictive band on {pct(c.coverage)} of the "
        f"{len(c.predictive)} days (observed {int(c.predictive['observed'].sum()):,} detected cases, predicted "
        f"{fmt(c.predictive['cum_median'].iloc[-1])} [{fmt(c.predictive['cum_low'].iloc[-1])}, "
        f"{fmt(c.predictive['cum_high'].iloc[-1])}]).",
        f"- The observed run is {'a large' if below >= 15 else 'a small' if below <= 5 else 'a typical'} one for "
        f"its true values: {below} of 20 other seeds with the same values detect fewer cases (median "
        f"{fmt(statistics.median(totals))}). A fit to one run reads its luck as parameters"
        + (
            "; here the intervals still hold the truth"
            + (f", {', '.join(edge)} at the edge of its interval." if edge else ".")
            if inside
            else f": here the interval of {', '.join(missed)} misses the truth"
            + (f" while that of {', '.join(held)} holds it" if held else "")
            + ". Initial cases and transmission both make more cases, and one run's counts cannot tell them "
            "apart well."
        ),
        "- The fitted scenario file (`fitted_scenario.toml`, posterior medians) runs as "
        "`--scenario results/calibrate/fitted_scenario.toml`.",
        "",
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def replace_block(path: Path, text: str, append: bool) -> None:
    content = path.read_text(encoding="utf-8") if path.exists() else ""
    new = f"{BEGIN}\n{text}{END}\n"
    if BEGIN in content and END in content:
        start, end = content.index(BEGIN), content.index(END) + len(END)
        content = content[:start] + new.rstrip("\n") + content[end:]
    elif append:
        content = content.rstrip("\n") + "\n\n" + new
    else:
        raise SystemExit(f"{path}: no {BEGIN} ... {END} markers")
    path.write_text(content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--fresh", action="store_true", help="run everything again")
    parser.add_argument(
        "--readme", action="store_true", help="also write the block at the end of experiments/README.md"
    )
    parser.add_argument("--print", action="store_true", help="print the block instead of writing files")
    parser.add_argument("--write-from", metavar="FILE", help="write a block printed before (no runs)")
    args = parser.parse_args(argv)
    text = (
        Path(args.write_from).read_text(encoding="utf-8")
        if args.write_from
        else block(args.workers, args.fresh)
    )
    if args.print:
        print(text)
        return 0
    replace_block(ROOT / "docs" / "exploration.md", text, append=False)
    say("wrote docs/exploration.md")
    if args.readme:
        replace_block(ROOT / "experiments" / "README.md", text, append=True)
        say("wrote experiments/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
