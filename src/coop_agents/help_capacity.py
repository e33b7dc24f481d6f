"""How many residents in need each community can help today (design §2.5, needs and help 需求保障).

Staff, volunteers (turned out by readiness), mobilised party members and social organisations
help in a community; the district's response level mobilises every community and opens contracted
services. :class:`HelpCapacity` keeps the parts that are fixed for the run and those that change
only with the communities' states and the response level, so that a day recomputes only what
changed (the same expressions in the same order: the same numbers bit for bit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from coop_agents.readiness import READINESS_REF
from coop_agents.states import GovernanceState as G

if TYPE_CHECKING:
    from coop_agents.config import Config
    from coop_agents.effects import Effects
    from coop_agents.governance import Governance
    from coop_agents.world import CommunityArrays

__all__ = ["HelpCapacity"]

STAFF_HELP = 0.01  # residents a committee helps per day, per resident of the community
VOLUNTEER_HELP = 0.03  # residents helped per day, per resident, at full participation
PARTY_HELP = 0.3  # residents one mobilised party member helps per day, at full training
# The day's constants as 0-d arrays: an array operand skips the conversion of a Python float on
# every call (the same float64 operations, the same numbers).
_HALF, _TWO, _REF = np.array(0.5), np.array(2.0), np.array(READINESS_REF)


class HelpCapacity:
    """The day's capacity to help, per community, for one run.

    Args:
        config: the run's configuration (mitigation, response, training, participation, coordination).
        communities: the communities' arrays (sizes, readiness).
        effects: the levers' effects (party members, organisations' and care services).
        rules: the governance (the district's response level), if any.
    """

    def __init__(
        self, config: Config, communities: CommunityArrays, effects: Effects, rules: Governance | None
    ) -> None:
        self.config, self.communities, self.effects, self.rules = config, communities, effects, rules
        self.helps = bool(config.mitigation or config.response)  # without either nobody helps
        self._fixed: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # see fixed()
        self._state_key: tuple[bytes, int] | None = None  # see by_state()
        self._state_parts: tuple[np.ndarray, np.ndarray, np.ndarray | None] = (np.zeros(0), np.zeros(0), None)

    def today(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Residents each community can help today, and the care organisations' share of it (None
        where there are no care organisations, or nobody helps)."""
        comm = self.communities
        if not self.helps:
            return np.zeros(comm.n), None
        staff, volunteers_at_turnout_1, party = self.fixed()
        crisis, social, care = self.by_state(states)
        # Peacetime activities build the ties that turn residents out as volunteers (readiness).
        turnout = _HALF + _HALF * np.minimum(_TWO, comm.readiness / _REF)
        volunteers = volunteers_at_turnout_1 * turnout
        return staff + crisis * (volunteers + party + social), care

    def care(self, states: np.ndarray) -> np.ndarray | None:
        """The care organisations' help today alone (see :meth:`today`)."""
        return self.by_state(states)[2] if self.helps else None

    def fixed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The parts fixed for the run (they read only the configuration, the communities' sizes
        and the levers' effects): staff, volunteers before turnout, and party members. Made on the
        first call and kept."""
        if self._fixed is None:
            cfg, fx, n = self.config, self.effects, self.communities.size
            staff = STAFF_HELP * n * (1 + cfg.training)
            # Organisational coordination pools people across the administrative, social and party
            # systems: without it volunteers and party members help half as much.
            pooling = 0.5 + 0.5 * cfg.coordination
            volunteers = VOLUNTEER_HELP * cfg.participation * n * pooling
            reached = np.where(fx.branch_mobilised, 1.0, 0.2)
            party = fx.party_members * PARTY_HELP * (0.3 + 0.7 * cfg.training) * pooling * reached
            self._fixed = (staff, volunteers, party)
        return self._fixed

    def by_state(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The parts that change only with the states and the district's response level (kept
        until either changes): where volunteers, party members and organisations help (a crisis),
        organisations' help, care organisations' help (or None)."""
        fx, rules = self.effects, self.rules
        key = (states.tobytes(), rules.level if rules is not None else 0)
        if key != self._state_key:
            crisis = states != G.NORMAL
            contracted = states == G.EMERGENCY
            if rules is not None and rules.level:
                # The district's response level mobilises every community (from III) and opens the
                # government's contracted services to every community (from II).
                crisis = crisis | rules.mobilised
                contracted = contracted | rules.unlocked
            social = fx.service_direct + fx.service_contract * contracted
            care = crisis * (fx.care_direct + fx.care_contract * contracted) if fx.care_direct.size else None
            self._state_key, self._state_parts = key, (crisis, social, care)
        return self._state_parts
