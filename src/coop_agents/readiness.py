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

__all__ = ["upkeep"]

# Readiness builds in normal times in proportion to the peacetime budget and fades at
# readiness_decay a year; this build rate makes a budget of 0.3 hold readiness near 0.3 when it
# fades at 1 a year.
READINESS_BUILD = 1 / (365 * 0.7)
RESTOCK_DAYS = 90.0  # the district replaces used stock over about this many days (at resources = 0.3)
RESOURCES_FLOW_BASE = 0.7  # procurement speed is (0.7 + resources) times that of the default pillar level 0.3
PSYCH_TRUST = 1.0  # psychological support at full reach doubles the rate at which lost trust returns
DAYS_PER_YEAR = 365.0


def upkeep(
    cfg: Config,
    communities: CommunityArrays,
    states: np.ndarray,
    psychological: np.ndarray,
    government: Government,
    district_stock: float,
    procurement_unlocked: bool,
) -> None:
    """One day of readiness, trust and the district's stock (changed in place).

    ``states`` are the communities' governance states of the day, ``psychological`` the reach of
    psychological support per community, ``district_stock`` what the district held at the start
    and ``procurement_unlocked`` whether response level II or higher allows emergency procurement.
    """
    comm = communities
    build = READINESS_BUILD * cfg.peacetime_budget * (states == G.NORMAL) if cfg.preparation else 0.0
    comm.readiness += build * (1 - comm.readiness) - cfg.readiness_decay / DAYS_PER_YEAR * comm.readiness
    if psychological.any():
        # Psychological support speeds the return of trust where it reaches (specialty psychological).
        comm.trust_loss *= 1 - np.minimum(
            1.0, cfg.trust_recovery * (1 + PSYCH_TRUST * psychological) / DAYS_PER_YEAR
        )
    else:
        comm.trust_loss *= 1 - min(1.0, cfg.trust_recovery / DAYS_PER_YEAR)
    # The district restocks what it held at the start over about three months (procurement),
    # faster with a stronger resources pillar and from response level II (emergency procurement).
    restock_days = (
        RESTOCK_DAYS
        / (RESOURCES_FLOW_BASE + cfg.resources)
        / (LEVEL_PROCUREMENT if procurement_unlocked else 1.0)
    )
    government.stock += max(0.0, district_stock - government.stock) / restock_days
