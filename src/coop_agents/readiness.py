"""Readiness, trust and stocks from day to day: what the learning phase keeps up (平急结合).

In normal times readiness builds in proportion to the peacetime budget, and it fades without upkeep;
trust lost to false alarms slowly returns (faster where psychological support reaches); the district
restocks what it held at the start. The after-action review and cadres' motivation, the other parts
of the learning phase, are rules of :mod:`coop_agents.governance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from coop_agents.governance import LEVEL_PROCUREMENT
from coop_agents.governance import GovernanceState as G

if TYPE_CHECKING:
    from coop_agents.agents.organisations import Government
    from coop_agents.config import Config
    from coop_agents.world import CommunityArrays

__all__ = ["Upkeep"]

# Readiness builds in normal times in proportion to the peacetime budget and fades at
# readiness_decay a year; this build rate makes a budget of 0.3 hold readiness near 0.3 when it
# fades at 1 a year.
READINESS_BUILD = 1 / (365 * 0.7)
RESTOCK_DAYS = 90.0  # the district replaces used stock over about this many days (at resources = 0.3)
RESOURCES_FLOW_BASE = 0.7  # procurement speed is (0.7 + resources) times that of the default pillar level 0.3
PSYCH_TRUST = 1.0  # psychological support at full reach doubles the rate at which lost trust returns
DAYS_PER_YEAR = 365.0
# The readiness at which drills add the compliance (+0.1) and volunteers (x1) of the single-event
# calibration (coop_agents.actions, coop_agents.help_capacity).
READINESS_REF = 0.3
_ONE = np.array(1.0)  # (a 0-d array: numpy skips converting a Python number on each call)


class Upkeep:
    """One day of readiness, trust and the district's stock (changed in place), for one run.

    The daily rates depend only on the configuration and on the reach of psychological support
    (``psychological``, per community, fixed when the levers' effects are derived), so they are
    worked out once, with the same operations in the same order as a day would (the same numbers
    bit for bit). ``district_stock`` is what the district held at the start.
    """

    def __init__(
        self,
        cfg: Config,
        communities: CommunityArrays,
        psychological: np.ndarray,
        government: Government,
        district_stock: float,
    ) -> None:
        self.communities, self.government, self.district_stock = communities, government, district_stock
        self.build = READINESS_BUILD * cfg.peacetime_budget if cfg.preparation else None
        # The daily rates are 0-d arrays (or per community), as the float64 arrays they meet: numpy
        # converts no Python number each day, and the numbers are the same.
        self.fade = np.array(cfg.readiness_decay / DAYS_PER_YEAR)
        # The day's build per community follows from the states alone, which change on few days:
        # kept with the states it was made from.
        self._build_for, self._build_today = b"", np.zeros(0)
        if psychological.any():
            # Psychological support speeds the return of trust where it reaches (specialty psychological).
            trust_kept: np.ndarray | float = 1 - np.minimum(
                1.0, cfg.trust_recovery * (1 + PSYCH_TRUST * psychological) / DAYS_PER_YEAR
            )
        else:
            trust_kept = 1 - min(1.0, cfg.trust_recovery / DAYS_PER_YEAR)
        self.trust_kept = np.asarray(trust_kept, dtype=float)
        # The district restocks what it held at the start over about three months (procurement),
        # faster with a stronger resources pillar and from response level II (emergency procurement).
        self.restock_days = {
            unlocked: RESTOCK_DAYS
            / (RESOURCES_FLOW_BASE + cfg.resources)
            / (LEVEL_PROCUREMENT if unlocked else 1.0)
            for unlocked in (False, True)
        }

    def day(self, states: np.ndarray, procurement_unlocked: bool) -> None:
        """``states`` are the communities' governance states of the day; ``procurement_unlocked``
        whether response level II or higher allows emergency procurement."""
        comm, government = self.communities, self.government
        # Readiness builds in normal times and fades without upkeep.
        build: np.ndarray | float = 0.0
        if self.build is not None:
            key = states.tobytes()
            if key != self._build_for:
                self._build_for, self._build_today = key, self.build * (states == G.NORMAL)
            build = self._build_today
        readiness = comm.readiness
        readiness += build * (_ONE - readiness) - self.fade * readiness
        comm.trust_loss *= self.trust_kept
        stock = government.stock
        government.stock += max(0.0, self.district_stock - stock) / self.restock_days[procurement_unlocked]
