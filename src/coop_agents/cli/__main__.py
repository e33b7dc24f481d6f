"""``python -m coop_agents.cli``, as the file cli.py could be run before it became a package."""

import sys

from coop_agents.cli import main

sys.exit(main())
