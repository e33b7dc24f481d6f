"""``coop-agents batch``, ``analyse`` and ``brief``: experiments of many paired runs, their summaries,
and the HTML brief."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from coop_agents.errors import CoopError
from coop_agents.limits import (
    MAX_WORKERS,
    check_count,
    check_name,
    check_output_file,
    check_plan,
    check_results_dir,
    check_scheduler,
)

__all__ = ["cmd_batch", "cmd_analyse", "cmd_brief"]


def cmd_batch(args: argparse.Namespace) -> int:
    from coop_agents.experiments import BatchInterrupted, load_experiment, run_batch

    if args.scheduler is not None:
        if args.executor != "dask":
            raise CoopError("--scheduler needs --executor dask")
        check_scheduler(args.scheduler)
    if args.workers is not None:
        check_count("--workers", args.workers, MAX_WORKERS, "on the command line")
    check_name(args.out, "--out")
    exp = load_experiment(args.experiment, replicates=args.replicates, residents=args.residents)
    workers = 1 if args.executor == "serial" else args.workers or os.cpu_count() or 1
    check_plan(
        f"in {args.experiment}",
        replicates=exp.replicates,
        arms=exp.n_arms,
        residents=exp.largest_district,
        workers=workers,
        remote=args.scheduler is not None,
        replicates_name="--replicates" if args.replicates is not None else "replicates",
    )
    check_results_dir(args.out, "--out")
    try:
        report = run_batch(
            exp,
            args.out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=True,
            wait=args.wait,
        )
    except BatchInterrupted as exc:
        print(f"coop-agents: {exc}", file=sys.stderr)
        return 130
    print(
        f"{exp.name}: {report.total} runs in {args.out} ({report.already_done} already done, "
        f"{report.ran} run now in {report.seconds:.1f} s, {report.failed} failed)"
    )
    if report.failed:
        print(f"failed runs are recorded with their error; see 'coop-agents analyse {args.out}'")
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from coop_agents.experiments import analyse

    tables = analyse(args.out)
    print(
        f"wrote {Path(args.out) / 'summary.md'}, summary.csv"
        + (", paired.csv" if not tables["paired"].empty else "")
        + (", sensitivity.csv" if not tables["sensitivity"].empty else "")
        + " and figures (PNG, SVG)"
    )
    if damaged := tables["results"].attrs.get("quarantined", 0):
        print(
            f"set aside {damaged} damaged part(s) in {Path(args.out) / 'quarantine'}; "
            f"'coop-agents batch' on this folder runs their runs again"
        )
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    from coop_agents.workshop.brief import LANGS, run_comparison, write_brief

    # -o and --patterns are checked here, not by argparse, so that a missing one is one line too.
    if not args.output:
        raise CoopError("-o FILE.html is missing: name the HTML file to write, e.g. -o brief.html")
    if not args.patterns:
        raise CoopError("--patterns is missing: give two or more patterns to compare, e.g. siloed,full_cycle")
    if args.lang not in LANGS:
        raise CoopError(f"--lang {args.lang!r}: not allowed; expected one of {', '.join(LANGS)}")
    patterns = [p.strip() for p in args.patterns.split(",")]
    if any(not p for p in patterns):
        raise CoopError(f"--patterns {args.patterns!r}: empty pattern name; give P1,P2,...")
    if len(patterns) < 2:
        raise CoopError(
            f"--patterns {args.patterns!r}: give at least two patterns to compare, e.g. siloed,full_cycle"
        )
    for name in ("replicates", "residents", "steps", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise CoopError(f"--{name} {value}: expected an integer of at least 1")
    if args.seed < 0:
        raise CoopError(f"--seed {args.seed}: expected a non-negative integer")
    if args.workers is not None:
        check_count("--workers", args.workers, MAX_WORKERS, "on the command line")
    from coop_agents.config import PARAMETERS
    from coop_agents.scenarios import load_scenario

    residents = args.residents or load_scenario(args.scenario).parameters.get(
        "residents", PARAMETERS["residents"].default
    )
    check_plan(
        "on the command line",
        replicates=args.replicates,
        arms=len(patterns),
        residents=residents,
        workers=1 if args.executor == "serial" else args.workers or os.cpu_count() or 1,
        replicates_name="--replicates",
    )
    out = check_output_file(args.output, "-o")  # writable before any run: a brief's runs take long
    if args.results is not None:
        check_results_dir(args.results, "--results")
    comparison = run_comparison(
        args.scenario,
        patterns,
        baseline=args.baseline,
        replicates=args.replicates,
        seed=args.seed,
        residents=args.residents,
        steps=args.steps,
        out=Path(args.results) if args.results else None,
        executor=args.executor,
        workers=args.workers,
        progress=sys.stderr.isatty(),
    )
    path = write_brief(comparison, out, lang=args.lang)
    print(
        f"wrote {path} ({len(comparison.runs)} runs: {len(patterns)} patterns x {args.replicates} paired "
        f"replicates, baseline {comparison.baseline})"
    )
    return 0
