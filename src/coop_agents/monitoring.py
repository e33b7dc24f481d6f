"""The monitoring phase (监测, design §2.5): grid workers, sensors and residents' own reports
detect affected residents; new cases become tasks, which bounce where nobody owns boundary tasks
(推诿扯皮); committees form their perceived risk, with misjudgement and false signals.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from coop_agents.decisions import RULES, all_by_rules
from coop_agents.governance import VERIFY_CHANCE
from coop_agents.rng import Draws

if TYPE_CHECKING:
    from coop_agents.agents.organisations import CommunityCommittee
    from coop_agents.effects import Effects
    from coop_agents.hazards import Hazard
    from coop_agents.metrics import Tally
    from coop_agents.world import World

__all__ = ["Monitoring"]

MAX_BOUNCES = 6  # a boundary task is passed on at most this many days before someone owns it
MAX_DETECTION = 0.95  # no monitoring is certain
NOTICE_GAIN = 1.5  # monitoring notices a precursor more readily than it detects a case
VIGILANCE = 2.0  # detection while alerted, or after a peer's alert
LESSONS_DETECTION = 1.0  # full lessons double detection
FALSE_SIGNAL_DAYS = 3.0  # a false report looks like a case for about this many days
# Days of per-community draws read from the sequential streams at once: a stream that nothing else
# reads during a run gives the same numbers read day by day or many days together (a day's row of
# a block is the same numbers in the same order), and one read of a block costs about as much as
# one day's (~2.4 us for the uniforms, ~1.5 us for the normals in a run at 10,000).
READ_AHEAD = 64
_NOBODY = np.empty(0, np.intp)  # nobody to detect, shared by the days without anyone (read only)
_NOBODY.flags.writeable = False
# The day's constants as 0-d arrays rather than Python numbers: numpy then skips converting a scalar
# on every call (about 0.3 us each, measured); on the float64 arrays they meet, the same numbers.
_ZERO, _ONE = np.array(0.0), np.array(1.0)
_MAX_DETECTION, _NOTICE_GAIN, _VIGILANCE, _LESSONS = (
    np.array(x) for x in (MAX_DETECTION, NOTICE_GAIN, VIGILANCE, LESSONS_DETECTION)
)


class Monitoring:
    """Detection, task ownership and perceived risk for one run.

    Args:
        world: residents and communities.
        effects: detection rates and the chance a task finds an owner.
        hazard: what there is to detect.
        committees: in community order.
        tally: running counts (first detection, buck-passing).
        monitoring, decisions: the sequential streams of per-community draws (precursors noticed,
            false signals; misjudgement).
        detection, bounces: keyed per-resident draws (detection; boundary tasks' bounces).
    """

    def __init__(
        self,
        world: World,
        effects: Effects,
        hazard: Hazard,
        committees: list[CommunityCommittee],
        tally: Tally,
        monitoring: np.random.Generator,
        decisions: np.random.Generator,
        detection: Draws,
        bounces: Draws,
    ) -> None:
        self.world, self.config = world, world.config
        self.residents, self.communities = world.residents, world.communities
        self.effects, self.hazard, self.committees, self.tally = effects, hazard, committees, tally
        self.monitoring, self.decisions = monitoring, decisions
        self.detection, self.bounces = detection, bounces
        self.seen = np.zeros(self.communities.n, dtype=bool)  # monitoring saw anything today
        self._no_notice = np.zeros(self.communities.n)
        # The days read ahead (see READ_AHEAD) and the next day's row in them.
        self._uniforms = self._normals = np.empty((0, self.communities.n))
        self._next = 0

    def _day_draws(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Today's uniform per community (monitoring stream) and misjudgement normal (decisions).

        Both streams are read by nothing else during a run, except the monitoring stream by the
        false signals' counts after the day's uniforms: then the uniforms are read day by day."""
        k = self._next
        if k == len(self._normals):
            self._normals = self.decisions.standard_normal((READ_AHEAD, n))
            if self.config.false_signal_rate <= 0:
                self._uniforms = self.monitoring.random((READ_AHEAD, n))
            self._next = k = 0
        self._next = k + 1
        if self.config.false_signal_rate > 0:
            return self.monitoring.random(n), self._normals[k]
        return self._uniforms[k], self._normals[k]

    def observe(self, t: int, alerting: np.ndarray) -> None:
        """Detect, assign tasks and update each committee's perceived risk for day ``t``."""
        cfg, res, comm = self.config, self.residents, self.communities
        unseen = _NOBODY
        if cfg.monitoring and self.hazard.detectable.any():
            # (on booleans, a > b is a & ~b in one call)
            unseen = (self.hazard.detectable > res.detected).nonzero()[0]
        # Misjudgement per community (expert support narrows it where it reaches, specialty expert).
        # The streams are read every day, whatever is seen, so that later days draw the same numbers.
        u_comm, z = self._day_draws(comm.n)
        if not cfg.monitoring:
            self.seen = np.zeros(comm.n, dtype=bool)  # nobody perceives anything
            return
        new = unseen
        grid = None
        if unseen.size or self.hazard.reads_notice:
            grid = self._grid(t, alerting)
        if unseen.size:
            assert grid is not None
            community = res.community[unseen]
            own = (
                self.effects.self_report[community] * res.trust[unseen]
            )  # their own reports (it takes trust)
            p_detect = _ONE - (_ONE - grid[community]) * (_ONE - own)
            new = unseen[self.detection.at(t, unseen) < p_detect]
            res.detected[new] = True
        # (np.count_nonzero on per-community arrays: a C call, where .any() goes through numpy's
        # Python wrapper, about a microsecond on floats)
        if cfg.command and np.count_nonzero(comm.owner_assigned):
            # Boundary tasks still passed around where the command node has since named an owner
            # are taken up today.
            waiting = (res.detected & (res.isolate_at > t) & comm.owner_assigned[res.community]).nonzero()[0]
            res.isolate_at[waiting] = t
        if new.size:  # (no new case on more than half the days: nothing to assign or count)
            self.assign_tasks(new, t)
        # (A hazard that does not read the chance of noticing a precursor is given none.)
        notice = self._no_notice if grid is None else np.minimum(_MAX_DETECTION, grid * _NOTICE_GAIN)
        observed = self.hazard.observe(res.detected, notice, u_comm, t)
        self.seen = observed > _ZERO
        if np.count_nonzero(self.seen):  # (nothing seen on most quiet days: nothing to mark)
            self.tally.mark_first(self.tally.first_detection, self.seen, t)
        if cfg.alert_rule == "confirm":
            # A grid worker's targeted check can confirm only a real signal (false signals never
            # create cases); infrastructure (phones, apps, roads) makes it likelier.
            comm.verify = np.where(self.seen, VERIFY_CHANCE * (0.5 + 0.5 * self.effects.infrastructure), 0.0)
        if cfg.false_signal_rate > 0:
            # Symptoms or readings mistaken for the hazard look like cases for a few days.
            new_false = self.monitoring.poisson(cfg.false_signal_rate / 1000 * comm.size)
            comm.false_signals = comm.false_signals * (1 - 1 / FALSE_SIGNAL_DAYS) + new_false
            observed = observed + comm.false_signals / (cfg.critical_prevalence * comm.size)
        if np.count_nonzero(observed):  # (nan, a community of nobody, counts as seen, as with .any())
            np.multiply(observed, np.exp(self.effects.misjudgement * z), out=comm.perceived)
        else:
            comm.perceived.fill(0.0)  # nothing seen: nothing perceived, however misjudged

    def _grid(self, t: int, alerting: np.ndarray) -> np.ndarray:
        """Per community, today's chance that grid workers and sensors detect a case: doubled while
        alerted or after a peer's alert, and by full lessons."""
        comm = self.communities
        vigilance = np.where((t <= comm.vigilant_until) | alerting, _VIGILANCE, _ONE)
        return np.minimum(
            _MAX_DETECTION, self.effects.grid_detection * vigilance * (_ONE + _LESSONS * comm.lessons)
        )

    def assign_tasks(self, new: np.ndarray, t: int) -> None:
        """Newly detected cases (resident indices) become tasks; boundary ones bounce until owned.

        Reads the boundary-bounce uniforms of the residents whose task is at a boundary. A
        committee's choice (``own_task``): the rules pass a community's boundary tasks on as the
        draws say; a committee may take them all at once, or pass on what the rules would own.
        """
        if not new.size:  # no new case today (more than half the days): nothing to assign or count
            return
        res, p_own = self.residents, self.effects.p_own
        at_boundary = self.world.boundary[new]
        if not np.count_nonzero(at_boundary):
            # No task at a boundary (most days with new cases): each is owned today, nobody is asked
            # to own a boundary task, none bounces or asks the command node for an owner.
            res.isolate_at[new] = t
            return
        bounces = np.zeros(new.size, dtype=np.int64)
        if p_own < 1:  # (an owner accepting at once needs no draw)
            # Geometric number of failures before an owner accepts, by inversion of one uniform.
            u = self.bounces.at(t, new[at_boundary])
            draws = np.floor(np.log1p(-u) / math.log1p(-p_own)).astype(np.int64)
            bounces[at_boundary] = np.minimum(draws, MAX_BOUNCES)
        if self.config.command:
            # Unified command: where the command node has named an owner for this episode's boundary
            # tasks, they are owned at once; elsewhere a bounced task asks the node for one.
            bounces[self.communities.owner_assigned[res.community[new]]] = 0
        if not all_by_rules(self.committees):
            self._own_tasks(new, at_boundary, bounces)
        if self.config.command:
            self.communities.owner_wanted[res.community[new[bounces > 0]]] = True
        self.tally.buck_passing += int(bounces.sum())
        res.isolate_at[new] = t + bounces

    def _own_tasks(self, new: np.ndarray, at_boundary: np.ndarray, bounces: np.ndarray) -> None:
        community = self.residents.community[new]
        for k in np.unique(community[at_boundary]).tolist():
            committee = self.committees[k]
            if committee.decider is RULES:
                continue
            mine = at_boundary & (community == k)
            suggested = "pass_on" if bounces[mine].any() else "own_now"
            choice = committee.choose(
                "own_task",
                ("own_now", "pass_on"),
                suggested,
                k,
                boundary_tasks=int(mine.sum()),
                **committee.facts(),
            )
            if choice != suggested:
                bounces[mine] = 0 if choice == "own_now" else 1
