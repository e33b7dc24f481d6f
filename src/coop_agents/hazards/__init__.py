"""Hazards: pluggable risk processes acting on residents (design §2.3).

Add your own by subclassing :class:`Hazard` and decorating it with :func:`register_hazard`; its
``name`` then becomes a value of the scenario key ``hazard``.
"""

from coop_agents.hazards.base import HAZARDS, Hazard, make_hazard, register_hazard
from coop_agents.hazards.contagion import Contagion
from coop_agents.hazards.shock import Shock

__all__ = ["HAZARDS", "Hazard", "make_hazard", "register_hazard", "Contagion", "Shock"]
