"""The command line of the exploration: ``discover``, ``robust``, ``optimise``, ``calibrate``.

:func:`add_parsers` adds the four subcommands to ``coop-agents``'s parser; each prints its
tables, writes its CSV files and figures (PNG and SVG) to an output folder and names them. Bad
input ends with exit status 2 and one line (``coop-agents``'s ``main`` prints every CoopError
so); Ctrl-C during a long search saves what is finished and ends with status 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_parsers"]


def _written(paths: list[Path]) -> str:
    folder = paths[0].parent
    return f"wrote {folder}: " + ", ".join(p.name for p in paths)


def _csv(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [s.strip() for s in text.split(",") if s.strip()]


def cmd_discover(args: argparse.Namespace) -> int:
    from coop_agents.exploration._common import output_folder
    from coop_agents.exploration.discovery import discover

    d = discover(
        args.results,
        args.outcome,
        worse_than=args.worse_than,
        threshold=args.threshold,
        arm=args.arm,
        side=args.side,
        box=args.box,
    )
    tag = "" if args.arm is None else "_" + "".join(ch if ch.isalnum() else "_" for ch in args.arm)
    out = output_folder(args.out or Path(args.results) / f"discover_{args.outcome}{tag}")
    print(d.report())
    print(_written(d.write(out)))
    return 0


def cmd_robust(args: argparse.Namespace) -> int:
    from coop_agents.exploration._common import output_folder
    from coop_agents.exploration.robust import robustness

    r = robustness(args.results, args.outcome, args.satisfice)
    out = output_folder(args.out or Path(args.results) / f"robust_{r.outcome}")
    print(r.report())
    print(_written(r.write(out)))
    return 0


def _options(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    """The options ``names`` as keyword arguments of the same names."""
    return {name: getattr(args, name) for name in names}


def _finish(
    run: Callable[[], Any], interrupted: type[Exception], note: Callable[[Any], str] | None = None
) -> int:
    """Run a long search; print its report (and ``note`` of it) and the files it wrote. Ctrl-C
    (``interrupted``, raised once what is finished is saved) ends with status 130."""
    try:
        result = run()
    except interrupted as exc:
        print(f"coop-agents: {exc}", file=sys.stderr)
        return 130
    print(result.report())
    if note is not None:
        print(note(result))
    print(_written(result.write()))
    return 0


def cmd_optimise(args: argparse.Namespace) -> int:
    from coop_agents.exploration.optimisation import OptimiseInterrupted, optimise

    options = _options(
        args,
        "evaluations",
        "replicates",
        "residents",
        "out",
        "pattern",
        "costs",
        "seed",
        "population",
        "executor",
        "workers",
        "scheduler",
    )
    return _finish(
        lambda: optimise(
            args.scenario,
            args.budget,
            objectives=_csv(args.objectives) or [],
            levers=_csv(args.levers),
            progress=True,
            **options,
        ),
        OptimiseInterrupted,
        lambda o: (
            f"{o.ran} model runs now ({len(o.evaluations) * o.replicates - o.ran} taken from "
            f"{o.out}/evaluations.jsonl)"
        ),
    )


def cmd_calibrate(args: argparse.Namespace) -> int:
    from coop_agents.errors import CoopError
    from coop_agents.exploration.calibration import CalibrationInterrupted, calibrate

    if not args.data:
        raise CoopError(
            "--data is missing: give the CSV file of observed daily counts (columns day, community, "
            "new_detected)"
        )
    options = _options(args, "out", "pattern", "residents", "population", "generations", "seed", "workers")
    return _finish(
        lambda: calibrate(args.scenario, args.data, args.parameters, progress=True, **options),
        CalibrationInterrupted,
    )


def add_parsers(sub) -> None:
    """Add ``discover``, ``robust``, ``optimise`` and ``calibrate`` to ``coop-agents``'s subparsers."""
    d = sub.add_parser(
        "discover", help="scenario discovery: PRIM boxes and a CART tree of the runs where an outcome is bad"
    )
    d.add_argument("results", help="results folder written by 'coop-agents batch'")
    d.add_argument("--outcome", required=True, help="the outcome (one the experiment kept), e.g. harm")
    which = d.add_mutually_exclusive_group()
    which.add_argument(
        "--worse-than",
        type=float,
        metavar="Q",
        help="cases: runs worse than a share Q of all runs (default 0.8: the worst 20%%)",
    )
    which.add_argument(
        "--threshold", type=float, metavar="X", help="cases: runs worse than X (in the outcome's unit)"
    )
    d.add_argument("--arm", help="only the runs of factor=value of a crossed factor, e.g. pattern=siloed")
    d.add_argument(
        "--side",
        choices=("above", "below"),
        help="which side of the threshold is a case (default: the registry's worse side)",
    )
    d.add_argument(
        "--box", type=int, help="describe this box of the peeling trajectory instead of the chosen one"
    )
    d.add_argument("--out", help="folder for tables and figures (default RESULTS/discover_OUTCOME)")
    d.set_defaults(func=cmd_discover)

    r = sub.add_parser(
        "robust", help="robustness: regret and satisficing of each pattern across sampled scenarios"
    )
    r.add_argument(
        "results", help="results folder written by 'coop-agents batch' (with a crossed lever, e.g. patterns)"
    )
    r.add_argument("--outcome", help="the outcome (default harm, if kept)")
    r.add_argument(
        "--satisfice",
        type=float,
        metavar="X",
        help="threshold a policy should meet (default: the median of every policy's scenario means)",
    )
    r.add_argument("--out", help="folder for tables and the figure (default RESULTS/robust_OUTCOME)")
    r.set_defaults(func=cmd_robust)

    o = sub.add_parser(
        "optimise", help="search lever settings within a budget: a Pareto front and first investments"
    )
    o.add_argument("--scenario", default="default", help="preset name or scenario .toml (default: default)")
    o.add_argument(
        "--budget",
        type=float,
        required=True,
        help="the most a plan may cost, in the cost model's unit (see --costs)",
    )
    o.add_argument(
        "--objectives",
        default="harm,unmet_need_days",
        help="comma-separated outcomes to improve (default harm,unmet_need_days); cost is always one",
    )
    o.add_argument(
        "--levers",
        help="comma-separated levers to search (default: technology, monitoring_coverage, "
        "information, responsibility_lists, vulnerable_registry, platform)",
    )
    o.add_argument("--evaluations", type=int, default=200, help="candidate plans to evaluate (default 200)")
    o.add_argument(
        "--replicates", type=int, default=3, help="paired seeds per plan, the same for every plan (default 3)"
    )
    o.add_argument("--residents", type=int, help="residents (default: the scenario's)")
    o.add_argument(
        "--pattern", default="siloed", help="the pattern the other levers come from (default siloed)"
    )
    o.add_argument("--costs", help="cost model .toml (default: the shipped one; copy and edit it)")
    o.add_argument(
        "--seed", type=int, default=0, help="master seed of the paired seeds and of the search (default 0)"
    )
    o.add_argument("--population", type=int, help="NSGA-II population (default: evaluations/8, 8 to 40)")
    o.add_argument(
        "--executor",
        default="processes",
        choices=("serial", "processes", "dask"),
        help="where runs execute (default: processes)",
    )
    o.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    o.add_argument("--scheduler", help="Dask scheduler address (with --executor dask)")
    o.add_argument(
        "--out",
        help="folder of the saved evaluations and results; the same command again resumes "
        "(default results/optimise_SCENARIO)",
    )
    o.set_defaults(func=cmd_optimise)

    c = sub.add_parser("calibrate", help="fit uncertain parameters to observed daily counts (ABC-SMC)")
    c.add_argument("--scenario", default="default", help="preset name or scenario .toml (default: default)")
    c.add_argument("--data", help="CSV of observed counts: columns day, community, new_detected")
    c.add_argument(
        "--parameters",
        default="transmission,initial_cases",
        help="uncertainties to fit, NAME or NAME=LOW:HIGH, comma-separated "
        "(default transmission,initial_cases)",
    )
    c.add_argument(
        "--pattern", default="siloed", help="the pattern the district had when observed (default siloed)"
    )
    c.add_argument("--residents", type=int, help="residents (default: the scenario's)")
    c.add_argument("--population", type=int, default=100, help="particles per generation (default 100)")
    c.add_argument("--generations", type=int, default=6, help="ABC-SMC generations (default 6)")
    c.add_argument("--seed", type=int, default=0, help="seed of the draws (default 0)")
    c.add_argument("--workers", type=int, default=1, help="processes that simulate (default 1)")
    c.add_argument(
        "--out", help="output folder; the same command again resumes (default results/calibrate_SCENARIO)"
    )
    c.set_defaults(func=cmd_calibrate)
