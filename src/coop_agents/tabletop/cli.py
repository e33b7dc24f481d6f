"""``coop-agents tabletop``: a drill's debrief from its log, and the inject library.

    coop-agents tabletop replay LOG --out debrief.html [--lang zh|en]
    coop-agents tabletop injects [--lang zh|en]

``replay`` rebuilds the exercise from its log (the same settings, answers and injects give the
same run, bit for bit), runs every preset pattern on the same seed and injects, finds the key
decisions and writes the debrief as one self-contained HTML page. Bad input (a damaged log, a log
this model does not reproduce, an unwritable output) ends with exit status 2 and one line.
"""

from __future__ import annotations

import argparse
import sys

from coop_agents.errors import CoopError

__all__ = ["add_parsers", "cmd_injects", "cmd_replay"]


def _check_out(path: str):
    from pathlib import Path

    out = Path(path)
    if out.is_dir() or not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise CoopError(f"--out {path}: expected a file name in an existing folder, e.g. debrief.html")
    return out


def cmd_replay(args: argparse.Namespace) -> int:
    from coop_agents.tabletop.debrief import debrief, write_debrief
    from coop_agents.tabletop.exercise import Exercise

    out = _check_out(args.out)
    exercise = Exercise.replay(args.log)
    report = debrief(
        exercise,
        progress=lambda note: (
            print(f"coop-agents: {note} ...", file=sys.stderr, flush=True) if args.verbose else None
        ),
    )
    write_debrief(report, out, args.lang, log_path=args.log)
    team, harm = report.table.loc["harm", "team"], report.table.loc["harm"]
    print(
        f"{out}: the debrief of {args.log} ({len(exercise.turns)} turns; residents harmed: team {team:,.0f}, "
        f"fewest under a preset {min(harm[c] for c in report.table.columns[5:]):,.0f})"
    )
    return 0


def cmd_injects(args: argparse.Namespace) -> int:
    from coop_agents.tabletop.injects import EFFECTS, library

    where = {"en": "the target", "zh": "目标"}[args.lang]
    for spec in library().values():
        params = ", ".join(f"{k}={v:g}" for k, v in spec.params.items() if k in EFFECTS[spec.effect])
        print(f"{spec.id:14s} {spec.title[args.lang]}  [{spec.effect}: {params}; target: {spec.target}]")
        print(f"{'':14s} {spec.expected[args.lang].format(target=where, **spec.params)}")
    return 0


def add_parsers(sub) -> None:
    """Add ``tabletop replay`` and ``tabletop injects`` to the command line's subcommands."""
    tabletop = sub.add_parser(
        "tabletop", help="tabletop drills: rebuild a debrief from a log, list the injects"
    )
    commands = tabletop.add_subparsers(dest="tabletop_command", required=True)
    replay = commands.add_parser("replay", help="rebuild a drill from its log and write its debrief (HTML)")
    replay.add_argument("log", help="the drill's log (.jsonl), as the app writes it")
    replay.add_argument("--out", required=True, help="the HTML file to write, e.g. debrief.html")
    replay.add_argument(
        "--lang", default="zh", choices=("zh", "en"), help="language of the debrief (default zh)"
    )
    replay.add_argument("--verbose", action="store_true", help="say which run is being done")
    replay.set_defaults(func=cmd_replay)
    injects = commands.add_parser("injects", help="list the inject library: effect, target, expected action")
    injects.add_argument("--lang", default="en", choices=("zh", "en"), help="language (default en)")
    injects.set_defaults(func=cmd_injects)
