"""coop-agents: how community governance actors coordinate when a major sudden risk hits.

>>> from coop_agents import CoordinationModel, run_once
"""

from coop_agents.model import CoordinationModel, run_once

__version__ = "0.1.0"
__all__ = ["CoordinationModel", "run_once", "__version__"]
