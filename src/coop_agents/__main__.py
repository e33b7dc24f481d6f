import sys

from coop_agents.cli import main

sys.exit(main())
