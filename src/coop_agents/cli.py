"""The ``coop-agents`` command line: run, batch, analyse, brief, patterns, scenarios, outcomes, params, app.

Bad input (an unknown pattern, scenario or key, a value out of bounds, a malformed file) ends
with exit status 2 and one line on stderr naming the problem and what is allowed.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
from pathlib import Path

from coop_agents.district import cli as district_cli
from coop_agents.errors import CoopError
from coop_agents.limits import (
    MAX_REPLICATES,
    MAX_WORKERS,
    check_count,
    check_name,
    check_output_dir,
    check_output_file,
    check_plan,
    check_results_dir,
    check_run,
    check_scheduler,
)
from coop_agents.tabletop import cli as tabletop_cli

__all__ = ["main"]


def _parse_sets(items: list[str]) -> dict:
    from coop_agents.config import parse_value

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CoopError(f"--set {item!r}: expected key=value, e.g. --set residents=1200")
        out[key.strip()] = parse_value(key.strip(), value)
    return out


def _json_safe(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}


def cmd_run(args: argparse.Namespace) -> int:
    from coop_agents.experiments.design import replicate_seeds
    from coop_agents.metrics import event_outcomes
    from coop_agents.model import CoordinationModel, resolve
    from coop_agents.outcome_registry import OUTCOMES
    from coop_agents.tables import compare, comparison_json, comparison_table, run_table, runs_frame

    overrides = _parse_sets(args.set or [])
    if args.steps is not None:  # a fixed length, as asked
        overrides["steps"] = args.steps
        overrides.setdefault("run_until", "steps")
    if args.compare is not None and args.pattern is not None:
        raise CoopError("use either --pattern or --compare, not both")
    if args.compare is not None:
        patterns = [p.strip() for p in args.compare.split(",")]
        if any(not p for p in patterns):
            raise CoopError(
                f"--compare {args.compare!r}: empty pattern name; give P1,P2,... (see 'coop-agents patterns')"
            )
    else:
        if args.pattern is not None and not args.pattern.strip():
            raise CoopError(
                "--pattern '': empty pattern name; give a preset (see 'coop-agents patterns') or a .toml file"
            )
        patterns = [(args.pattern or "siloed").strip()]
    if len(set(patterns)) < len(patterns):
        raise CoopError(f"--compare {args.compare!r}: a pattern is listed twice; list each once")
    stems = [Path(p).stem for p in patterns]
    if len(set(stems)) < len(stems):
        raise CoopError(
            f"--compare {args.compare!r}: two patterns share the file name "
            f"{next(s for s in stems if stems.count(s) > 1)!r}; their outputs would collide"
        )
    if args.baseline is not None and args.baseline not in patterns:
        raise CoopError(
            f"--baseline {args.baseline!r}: not among the patterns compared; allowed: {', '.join(patterns)}"
        )
    check_count("--replicates", args.replicates, MAX_REPLICATES, "on the command line", unit=" replicates")
    if args.seed < 0:
        raise CoopError(f"--seed {args.seed}: expected a non-negative integer")
    configs = [resolve(args.scenario, p, **overrides) for p in patterns]  # every bad name before any run
    config, scenario = configs[0][0], configs[0][1]
    check_run([c[0] for c in configs], args.replicates, keep_series=args.out is not None)
    out_dir = (
        None
        if args.out is None
        else check_output_dir(
            args.out,
            "--out",
            files=tuple(
                f"{kind}_{Path(p).stem}.{ext}"
                for p in patterns
                for kind, ext in (("timeseries", "parquet"), ("outcomes", "json"))
            ),
        )
    )
    # Replicate k runs on the seed batch and brief give replicate k of the same master seed, so the
    # same comparison gives the same numbers in every command.
    seeds = replicate_seeds(args.seed, args.replicates)
    total = len(patterns) * len(seeds)
    progress = _Progress(total) if total > 1 else None
    per_pattern: dict[str, list[dict[str, float]]] = {}
    for pattern in patterns:
        per_seed, frames, events = [], [], []
        for seed in seeds:
            model = CoordinationModel(args.scenario, pattern, seed, **overrides)
            per_seed.append(model.run())
            events.append([_json_safe(e) for e in event_outcomes(model)])
            if out_dir is not None:
                frame = model.series.frame()
                frame.insert(0, "seed", seed)
                frames.append(frame)
            if progress is not None:
                progress.advance()
        per_pattern[pattern] = per_seed
        if out_dir is not None:
            # Written as each pattern finishes, so an interruption loses no finished pattern.
            import pandas as pd

            pd.concat(frames).to_parquet(out_dir / f"timeseries_{Path(pattern).stem}.parquet", index=False)
            (out_dir / f"outcomes_{Path(pattern).stem}.json").write_text(
                json.dumps(
                    {
                        "scenario": scenario.name,
                        "pattern": pattern,
                        "seeds": seeds,
                        "overrides": overrides,
                        "per_seed": [_json_safe(r) for r in per_seed],
                        "events_per_seed": events,
                    },
                    indent=2,
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
    if progress is not None:
        progress.close()
    hazard, several = config.hazard, config.arrival != "single"
    if total == 1:
        result = per_pattern[patterns[0]][0]
        if args.json:
            print(json.dumps(_json_safe(result), indent=2, ensure_ascii=False))
            return 0
        print(_header(scenario.name, overrides, seeds, args.seed, patterns))
        print(run_table({patterns[0]: result}, hazard, several))
        print(_footnotes([result], config.steps))
        return 0
    baseline = args.baseline or patterns[0]
    runs = runs_frame(per_pattern, seeds, scenario.name)
    summary, paired = compare(runs, baseline, list(OUTCOMES))
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "overrides": overrides,
                    "master_seed": args.seed,
                    "seeds": seeds,
                    "baseline": baseline,
                    "patterns": comparison_json(summary, paired, patterns, list(OUTCOMES)),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(_header(scenario.name, overrides, seeds, args.seed, patterns))
    print(comparison_table(summary, paired, patterns, baseline, hazard, several))
    print(_footnotes([r for runs_ in per_pattern.values() for r in runs_], config.steps, len(seeds)))
    return 0


def _header(scenario: str, overrides: dict, seeds: list[int], master: int, patterns: list[str]) -> str:
    """What a table is of: the scenario by name, every override, the seeds."""
    runs = (
        f"seed {seeds[0]} (replicate 0 of master seed {master})"
        if len(seeds) == 1
        else f"{len(seeds)} paired seeds (replicates 0-{len(seeds) - 1} of master seed {master})"
    )
    sets = "   " + " ".join(f"{k}={v}" for k, v in overrides.items()) if overrides else ""
    return f"scenario: {scenario}{sets}\n{runs}"


def _footnotes(results: list[dict[str, float]], cap: int, replicates: int = 1) -> str:
    cut = sum(int(r["truncated"]) for r in results)
    prevented = sum(int(r["prevented"]) for r in results)
    notes = []
    if replicates > 1:
        notes.append(
            "95% CIs: bootstrap percentile intervals over the paired seeds; n/a: the outcome was "
            "undefined (see 'coop-agents outcomes')."
        )
    notes.append(
        f"{cut} of {len(results)} runs cut short at the cap of {cap:,} days (truncated)."
        if cut
        else f"Every run lasted until the event was over (cap {cap:,} days)."
    )
    if prevented:
        notes.append(
            f"{prevented} of {len(results)} runs had every index case removed by prevention (prevented)."
        )
    return "\n".join(notes)


class _Progress:
    """Runs done so far, on stderr: a bar on a terminal, else a line every few seconds."""

    def __init__(self, total: int, every: float = 5.0) -> None:
        import time

        self.total, self.done, self.every = total, 0, every
        self.tty = sys.stderr.isatty()
        self.clock = time.monotonic
        self.start = self.last = self.clock()

    def advance(self) -> None:
        self.done += 1
        now = self.clock()
        if self.tty:
            print(f"\r{self.done}/{self.total} runs", end="", file=sys.stderr, flush=True)
        elif now - self.last >= self.every or self.done == self.total:
            print(f"{self.done}/{self.total} runs, {now - self.start:.0f} s", file=sys.stderr, flush=True)
            self.last = now

    def close(self) -> None:
        if self.tty:
            print(file=sys.stderr)


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


def cmd_patterns(args: argparse.Namespace) -> int:
    from coop_agents.patterns import load_pattern, preset_names

    for name in preset_names():
        p = load_pattern(name)
        print(f"{name:15s} {p.label_zh}  {p.description}")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    from coop_agents.scenarios import preset_scenarios

    for name, sc in preset_scenarios().items():
        print(f"{name:20s} {sc.title_zh}  {sc.title_en}: {sc.description}")
    return 0


def cmd_outcomes(args: argparse.Namespace) -> int:
    from coop_agents.tables import outcomes_listing

    print(outcomes_listing(args.lang))
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from coop_agents.config import PARAMETERS

    for p in PARAMETERS.values():
        if args.role and p.role != args.role:
            continue
        print(
            f"{p.name:28s} {p.role:8s} {p.type:6s} default={p.default!s:10s} {p.allowed()}"
            f"{' [' + p.unit + ']' if p.unit else ''}  {p.label_zh}: {p.help}"
        )
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from coop_agents.viz.server import MAX_RESIDENTS_ENV, check_max_residents, check_port, serve

    check_port(args.port)
    check_max_residents(args.max_residents)
    folder = Path(args.workshop_dir).expanduser().resolve()
    existing = next(d for d in (folder, *folder.parents) if d.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise CoopError(
            f"--workshop-dir {args.workshop_dir}: {existing} is not a folder this user can write to; "
            "give another folder for the workshop's session files"
        )
    # Read by coop_agents.viz.workshop (WORKSHOP_DIR_ENV), which is not imported here: it imports
    # Solara, whose settings serve() has yet to set.
    os.environ["COOP_AGENTS_WORKSHOP_DIR"] = str(folder)
    os.environ[MAX_RESIDENTS_ENV] = str(args.max_residents)
    if args.results is not None:
        # The Explore page's results folder, read by coop_agents.viz.explore (RESULTS_ENV).
        results = Path(args.results).expanduser().resolve()
        if not (results / "runs").is_dir():
            raise CoopError(
                f"--results {args.results}: not a results folder of 'coop-agents batch' (no runs/ in it)"
            )
        os.environ["COOP_AGENTS_EXPLORE_RESULTS"] = str(results)
    if args.district is not None:
        # Offered as a scenario of its own; a district comes only from here, never from a visitor.
        name = district_cli.use_in_app(args.district)
        print(f"the app offers the district of {args.district} as scenario {name}", flush=True)
    return serve(args.host, args.port, allow_hosts=args.allow_host)


class _Parser(argparse.ArgumentParser):
    """argparse, with its own errors (a bad int, an unknown choice or option) as one line, no usage."""

    def error(self, message: str):
        message = message.removeprefix("argument ")
        if "invalid int value" in message:
            message += "; expected a whole number, e.g. 3"
        elif "invalid float value" in message:
            message += "; expected a number, e.g. 0.5"
        elif (
            message.startswith(("unrecognized arguments", "the following arguments are required"))
            or "expected one argument" in message
            or "not allowed with" in message
        ):
            message += f"; see '{self.prog} --help'"
        self.exit(2, f"{self.prog}: error: {_one_line(message)}\n")


def _one_line(message: str, limit: int = 2000) -> str:
    """A message as one printable line: newlines escaped, text that is not UTF-8 escaped, very long middles cut."""
    text = message.replace("\r", "\\r").replace("\n", "\\n")
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > limit:
        text = f"{text[: limit // 2]} ... {text[-limit // 2 :]}"
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coop-agents",
        description="Agent-based models of coordination among community governance actors "
        "facing a major sudden risk.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one pattern, or compare several on the same seeds")
    run.add_argument("--scenario", default="default", help="preset name or scenario .toml (default: default)")
    run.add_argument("--pattern", help="preset name or pattern .toml (default: siloed)")
    run.add_argument("--compare", help="comma-separated patterns to run side by side on the same seeds")
    run.add_argument("--baseline", help="the pattern the others are compared with (default: the first)")
    run.add_argument(
        "--seed",
        type=int,
        default=0,
        help="master seed: replicate k runs on the seed batch and brief use for it (default 0)",
    )
    run.add_argument(
        "--replicates", type=int, default=1, help="paired seeds per pattern; means get 95%% CIs (default 1)"
    )
    run.add_argument(
        "--steps",
        type=int,
        help="run exactly this many days (default: until the event is over, at most the scenario's cap)",
    )
    run.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a parameter (repeatable); see 'coop-agents params'",
    )
    run.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    run.add_argument("--out", help="folder for time series (Parquet) and outcomes (JSON)")
    run.set_defaults(func=cmd_run)
    batch = sub.add_parser("batch", help="run an experiment file's paired replicates, resumably")
    batch.add_argument("experiment", help="experiment .toml file (see experiments/)")
    batch.add_argument("--out", required=True, help="results folder; the same command again resumes")
    batch.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    batch.add_argument(
        "--executor",
        default="processes",
        choices=("serial", "processes", "dask"),
        help="where runs execute (default: processes)",
    )
    batch.add_argument(
        "--scheduler", help="Dask scheduler address (with --executor dask); default: a local cluster"
    )
    batch.add_argument("--replicates", type=int, help="override the file's replicates (a quick trial)")
    batch.add_argument("--residents", type=int, help="override the residents (a quick trial)")
    batch.add_argument(
        "--wait",
        action="store_true",
        help="if another batch is writing to --out, wait for it to end (default: refuse)",
    )
    batch.set_defaults(func=cmd_batch)
    analyse = sub.add_parser(
        "analyse", help="summarise a results folder: CIs, paired differences, indices, figures"
    )
    analyse.add_argument("out", help="results folder written by 'coop-agents batch'")
    analyse.set_defaults(func=cmd_analyse)
    brief = sub.add_parser(
        "brief", help="compare patterns on paired replicates and write a self-contained HTML brief"
    )
    brief.add_argument(
        "--scenario", default="default", help="preset name or scenario .toml (default: default)"
    )
    brief.add_argument("--patterns", help="comma-separated patterns to compare, e.g. siloed,full_cycle")
    brief.add_argument(
        "--baseline",
        help="the pattern the others are compared with (default: siloed if listed, else the first)",
    )
    brief.add_argument(
        "--replicates", type=int, default=30, help="paired replicates per pattern (default 30)"
    )
    brief.add_argument("--seed", type=int, default=1, help="master seed of the replicate seeds (default 1)")
    brief.add_argument("--residents", type=int, help="residents (default: the scenario's)")
    brief.add_argument("--steps", type=int, help="days to simulate (default: the scenario's)")
    brief.add_argument("--lang", default="zh", help="language of the brief: zh or en (default zh)")
    brief.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    brief.add_argument(
        "--executor",
        default="processes",
        choices=("serial", "processes", "dask"),
        help="where runs execute (default: processes); the numbers do not depend on it",
    )
    brief.add_argument(
        "--results", help="keep the batch's results folder here (the same command again resumes)"
    )
    brief.add_argument("-o", "--output", help="the HTML file to write (required)")
    brief.set_defaults(func=cmd_brief)
    from coop_agents.exploration.cli import add_parsers  # discover, robust, optimise, calibrate

    add_parsers(sub)
    sub.add_parser("patterns", help="list preset coordination patterns").set_defaults(func=cmd_patterns)
    sub.add_parser("scenarios", help="list preset scenarios").set_defaults(func=cmd_scenarios)
    outcomes = sub.add_parser(
        "outcomes", help="list every outcome: unit, meaning, better direction, n/a and censoring"
    )
    outcomes.add_argument("--lang", default="en", choices=("en", "zh"), help="language (default en)")
    outcomes.set_defaults(func=cmd_outcomes)
    params = sub.add_parser("params", help="list every parameter with its default and range")
    params.add_argument("--role", choices=("scenario", "lever"), help="only scenario or lever parameters")
    params.set_defaults(func=cmd_params)
    app = sub.add_parser(
        "app", help="open the browser app: patterns step by step, compared, in English or Chinese"
    )
    app.add_argument(
        "--port", type=int, default=8765, help="port to listen on (default 8765; 0: any free port)"
    )
    app.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    app.add_argument(
        "--workshop-dir",
        default="workshop-sessions",
        help="folder for the workshop page's session files, one JSON file per round "
        "(default ./workshop-sessions, created when first needed)",
    )
    app.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name the app answers to, e.g. a name for this machine on the network "
        "(repeatable); it always answers to --host, localhost, 127.0.0.1 and [::1]",
    )
    app.add_argument(
        "--max-residents",
        type=int,
        default=25_000,
        metavar="N",
        help="the most residents a visitor may set in the app (default 25,000)",
    )
    app.add_argument(
        "--results",
        metavar="DIR",
        help="a results folder of 'coop-agents batch' for the Explore page (/explore): its discovery "
        "boxes and robustness ranking, read-only",
    )
    app.add_argument(
        "--district",
        metavar="FILE",
        help="a district file (.xlsx, CSV folder or .graphml; see 'coop-agents district') the app offers "
        "as a scenario of its own",
    )
    app.set_defaults(func=cmd_app)
    tabletop_cli.add_parsers(sub)  # coop-agents tabletop replay | injects
    district_cli.add_parsers(sub)  # coop-agents district template | check | export
    return parser


@functools.cache
def _parser() -> argparse.ArgumentParser:
    # Built once per process: building it takes longer than refusing most bad input.
    return build_parser()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except CoopError as exc:
        print(f"coop-agents: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coop-agents: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
