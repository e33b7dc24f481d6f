"""``coop-agents district template | check | export``: your own district as a workbook, CSV folder
or GraphML file (see docs/district.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coop_agents.errors import CoopError

__all__ = ["add_parsers"]


def _out(path: str, fmt: str | None, what: str) -> Path:
    from coop_agents.limits import check_output_dir, check_output_file

    if fmt == "csv":
        return check_output_dir(
            path, "--out", files=("communities.csv", "organisations.csv", "ties.csv", "README.txt")
        )
    out = check_output_file(path, "--out")
    if fmt is not None and out.suffix.lower() != f".{fmt}":
        raise CoopError(f"--out {path}: --format {fmt} writes a .{fmt} file; give a name ending in .{fmt}")
    allowed = (".xlsx",) if what == "template" else (".xlsx", ".graphml")
    if out.suffix.lower() not in allowed:
        raise CoopError(
            f"--out {path}: expected a file ending in {' or '.join(allowed)}, or --format csv and a folder"
        )
    return out


def _describe(structure) -> str:
    sizes = structure.sizes()
    ties = (
        ""
        if not hasattr(structure, "graph")
        else f", {structure.graph.number_of_edges():,} ties between organisations"
    )
    return (
        f"{sizes['residents']:,} residents in {sum(1 for _, k in structure.graph.nodes(data='kind') if k == 'committee'):,} "
        f"communities under {sizes['street_offices']:,} street offices, {sizes['social_organisations']:,} social "
        f"organisations{ties}; residents {structure.population}"
    )


def cmd_template(args: argparse.Namespace) -> int:
    from coop_agents.district.files import write_template

    out = _out(args.out, args.format, "template")
    write_template(out, args.format)
    print(
        f"wrote {out}: the default scenario's district (12 communities, 2 street offices) as the worked example; "
        f"replace its rows with yours, then 'coop-agents district check {out}'"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from coop_agents.district.files import structure_file_problems

    problems, structure = structure_file_problems(args.file)
    if problems:
        for line in problems:
            print(f"{args.file}: {line}")
        print(
            f"coop-agents: error: {len(problems):,} problem{'s' if len(problems) > 1 else ''} in {args.file}",
            file=sys.stderr,
        )
        return 2
    print(f"{args.file}: a valid district: {_describe(structure)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coop_agents.district.files import export_district

    if args.seed < 0:
        raise CoopError(f"--seed {args.seed}: expected a non-negative integer")
    out = _out(args.out, args.format, "export")
    path, district, notes = export_district(args.scenario, out, seed=args.seed, fmt=args.format)
    print(
        f"wrote {path}: the district of scenario {args.scenario} on seed {args.seed} ({district.n_residents:,} "
        f"residents, {district.n_communities:,} communities)"
    )
    for note in notes:
        print(f"note: {note}")
    return 0


def use_in_app(path: str) -> str:
    """For ``coop-agents app --district FILE``: check the file (one line if it is not a district) and
    have the app offer it as a scenario of its own; returns the scenario's name."""
    import os

    from coop_agents.district.files import read_structure
    from coop_agents.scenarios import DISTRICT_ENV, offer_district

    read_structure(Path(path).expanduser())  # NetworkError: the first problem, and how many more
    # The app's server reads it when it lists the scenarios (in this process, or one it starts).
    os.environ[DISTRICT_ENV] = str(Path(path).expanduser().resolve())
    return offer_district(os.environ[DISTRICT_ENV]).name


def add_parsers(sub) -> None:
    """Add ``coop-agents district ...`` to the command line's subparsers."""
    district = sub.add_parser(
        "district", help="your own district: a workbook template, checks, export of any scenario's district"
    )
    inner = district.add_subparsers(dest="district_command", required=True)
    template = inner.add_parser(
        "template",
        help="write a workbook (or CSV folder) to fill in, with the default "
        "scenario's district as the worked example",
    )
    template.add_argument(
        "--out", required=True, help="the workbook to write (.xlsx), or a folder with --format csv"
    )
    template.add_argument(
        "--format",
        choices=("xlsx", "csv"),
        default=None,
        help="xlsx (default: from --out) or csv (a folder of CSV files)",
    )
    template.set_defaults(func=cmd_template)
    check = inner.add_parser(
        "check",
        help="check a district workbook, CSV folder or GraphML file: every problem, "
        "one line each (exit status 2 if any)",
    )
    check.add_argument("file", help="an .xlsx workbook, a folder of CSV files or a .graphml file")
    check.set_defaults(func=cmd_check)
    export = inner.add_parser(
        "export",
        help="write a scenario's district (built, or read from its structure file) "
        "as GraphML, a workbook or CSV files",
    )
    export.add_argument(
        "--scenario", default="default", help="preset name or scenario .toml (default: default)"
    )
    export.add_argument(
        "--seed",
        type=int,
        default=0,
        help="the seed whose district is written (a built district differs by seed; default 0)",
    )
    export.add_argument(
        "--out", required=True, help="a .graphml or .xlsx file, or a folder with --format csv"
    )
    export.add_argument(
        "--format",
        choices=("xlsx", "graphml", "csv"),
        default=None,
        help="default: from the --out suffix; csv: a folder of CSV files",
    )
    export.set_defaults(func=cmd_export)
