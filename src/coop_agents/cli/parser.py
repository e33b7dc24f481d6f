"""The command line's parser: every command, its options and help, and argparse's errors as one line."""

from __future__ import annotations

import argparse
import functools

from coop_agents.cli.app import cmd_app
from coop_agents.cli.batch import cmd_analyse, cmd_batch, cmd_brief
from coop_agents.cli.listings import cmd_outcomes, cmd_params, cmd_patterns, cmd_scenarios
from coop_agents.cli.run import cmd_run
from coop_agents.district import cli as district_cli
from coop_agents.tabletop import cli as tabletop_cli

__all__ = ["build_parser", "cached_parser", "one_line", "add_workers_and_executor"]


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
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")


def one_line(message: str, limit: int = 2000) -> str:
    """A message as one printable line: newlines escaped, text that is not UTF-8 escaped, very long middles cut."""
    text = message.replace("\r", "\\r").replace("\n", "\\n")
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > limit:
        text = f"{text[: limit // 2]} ... {text[-limit // 2 :]}"
    return text


def add_workers_and_executor(parser: argparse.ArgumentParser, note: str = "") -> None:
    """``--workers`` and ``--executor``, as every command that runs a batch of runs takes them.

    ``note`` ends the help of ``--executor`` (e.g. that the numbers do not depend on it).
    """
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    parser.add_argument(
        "--executor",
        default="processes",
        choices=("serial", "processes", "dask"),
        help=f"where runs execute (default: processes){note}",
    )


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
    add_workers_and_executor(batch)
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
    add_workers_and_executor(brief, "; the numbers do not depend on it")
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
def cached_parser() -> argparse.ArgumentParser:
    # Built once per process: building it takes longer than refusing most bad input.
    return build_parser()
