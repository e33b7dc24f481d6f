"""``coop-agents app``: the browser app, its folders and limits checked before the server starts."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from coop_agents.district import cli as district_cli
from coop_agents.errors import CoopError

__all__ = ["cmd_app"]


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
