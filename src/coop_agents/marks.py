"""The tally's marks of each day's actions (design §2.5; the outcomes of §7): first measures,
critical points passed with nothing done (trust falls too), and the burden of measures.

What the marks of a day follow from changes on few days (where measures are on, where nothing is,
the states), so :class:`DayMarks` keeps what it worked out with what it was made from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from coop_agents.states import GovernanceState as G

if TYPE_CHECKING:
    from coop_agents.config import Config
    from coop_agents.metrics import Tally
    from coop_agents.world import CommunityArrays

__all__ = ["DayMarks"]

# Constants as 0-d arrays: an array operand skips the conversion of a Python float on each call.
_ZERO, _ONE = np.array(0.0), np.array(1.0)


class DayMarks:
    """The tally's marks of the actions, day by day, for one run.

    Args:
        config: the run's configuration (the trust lost to a missed critical point).
        communities: the communities' arrays (sizes, event marks, trust losses).
        tally: the running counts for the outcomes.
    """

    def __init__(self, config: Config, communities: CommunityArrays, tally: Tally) -> None:
        self.config, self.communities, self.tally = config, communities, tally
        # Where measures were on when each such community's first measure had been marked: a
        # first measure is marked once and never unmarked, so nothing is left to mark there.
        self._all_marked = b""
        # The day's burden of measures, with where measures were on, where nothing was and the states.
        self._burden_for = (b"", b"", b"")
        self._burden: tuple[float, float | None] = (0.0, None)

    def day(
        self, t: int, true_risk: np.ndarray, states: np.ndarray, acting: np.ndarray | None, winding: bool
    ) -> None:
        """Mark day ``t``. ``acting``: where measures are on (None: nowhere); ``winding``: whether
        any community is in post-transition."""
        comm, tally = self.communities, self.tally
        on = b""
        if acting is not None:
            on = acting.tobytes()
            if on != self._all_marked:
                tally.mark_first(tally.first_measure, acting & (tally.onset >= 0), t)
                if not np.count_nonzero(tally.first_measure[acting] < 0):
                    self._all_marked = on
            comm.event_measured |= acting
        critical = true_risk >= _ONE
        if np.count_nonzero(critical):
            tally.missed |= critical & (tally.first_measure < 0)
            missed_now = critical & ~comm.event_measured & ~comm.event_missed
            if np.count_nonzero(missed_now):
                comm.event_missed |= missed_now
                comm.trust_loss[missed_now] += self.config.missed_penalty
        # The burden of measures, kept in two parts neither of which hides in the other: measures
        # where nothing was there (in an alert or emergency, or under the district's floor in
        # normal times), and the graded wind-down (each would add 0.0 where there is none).
        if acting is not None:
            nothing = true_risk == _ZERO
            key = (on, nothing.tobytes(), states.tobytes() if winding else b"")
            if key != self._burden_for:
                idle = acting & nothing
                if winding:
                    post = states == G.POST_TRANSITION
                    self._burden = float(comm.size[idle & ~post].sum()), float(comm.size[acting & post].sum())
                else:
                    self._burden = float(comm.size[idle].sum()), None
                self._burden_for = key
            unneeded, wind_down = self._burden
            tally.unneeded_measures += unneeded
            if wind_down is not None:
                tally.wind_down_days += wind_down
