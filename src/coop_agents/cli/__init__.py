"""The ``coop-agents`` command line: run, batch, analyse, brief, patterns, scenarios, outcomes, params, app.

Bad input (an unknown pattern, scenario or key, a value out of bounds, a malformed file) ends
with exit status 2 and one line on stderr naming the problem and what is allowed.

The package holds one module per group of commands: ``run`` (run and compare patterns), ``batch``
(batch, analyse, brief), ``listings`` (patterns, scenarios, outcomes, params), ``app``; ``parser``
declares every command and option. The exploration, tabletop and district commands declare theirs
in their own packages.
"""

from __future__ import annotations

import os
import sys

from coop_agents.cli.parser import build_parser, cached_parser, one_line
from coop_agents.errors import CoopError

__all__ = ["main", "build_parser"]


def main(argv: list[str] | None = None) -> int:
    args = cached_parser().parse_args(argv)
    try:
        return args.func(args)
    except CoopError as exc:
        print(f"coop-agents: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coop-agents: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
