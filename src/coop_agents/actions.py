"""The actions phase (design §2.5): measures, isolation, warnings, needs met and resources used,
vectorised over residents; and residents' behaviour (trust, compliance) between events.

:class:`Actions` works on the world's arrays with the effects of the levers; the choices in it
(each committee's measures, warnings and de-escalation stage) go through the committees' deciders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from coop_agents.decisions import RULES
from coop_agents.governance import GovernanceState as G
from coop_agents.hazards import Hazard
from coop_agents.help_capacity import HelpCapacity
from coop_agents.marks import DayMarks
from coop_agents.readiness import READINESS_REF
from coop_agents.rng import FEW_ROWS, Draws
from coop_agents.service_order import care_first, take

if TYPE_CHECKING:
    from coop_agents.agents.organisations import CommunityCommittee
    from coop_agents.effects import Effects
    from coop_agents.governance import Governance
    from coop_agents.metrics import Tally
    from coop_agents.world import World

__all__ = ["Actions"]

MEASURE_EFFICACY = 0.85  # cut in contacts under full emergency measures, at full compliance
MAX_PROTECTION = 0.95  # measures never cut every contact
NEED_REPORT = 0.3  # daily chance a resident in need makes it known
MEASURE_COST = 0.002  # units per resident-day of full measures
SERVICE_COST = 0.01  # units per need met
SHORTAGE_EFFECT = 0.4  # effect of measures and help when the committee has run out
LOCKDOWN_NEED = 0.3  # daily chance a vulnerable resident under strong measures needs help
STRONG_MEASURES = 0.5  # a level from which vulnerable residents are confined
# A committee asks for more supplies when its stock falls below this many days of today's use,
# and asks for this many days' worth.
RESTOCK_BELOW_DAYS, RESTOCK_ASK_DAYS = 5, 10
# Drills add this much compliance at the reference readiness (READINESS_REF).
DRILL_COMPLIANCE = 0.1
# Compliance from trust and participation.
COMPLIANCE_TRUST_BASE, COMPLIANCE_PARTICIPATION, COMPLIANCE_BASE = 0.6, 0.4, 0.2
# Without privacy protection the vulnerable report their needs half as readily; with it, everyone
# half as readily again.
VULNERABLE_REPORT_WITHOUT_PRIVACY, PRIVACY_REPORT_GAIN = 0.5, 1.5
# Psychological support (specialty psychological): while measures are withdrawn, residents it reaches
# keep precautions worth this share of full measures (protection, not measures: nothing is ordered).
PSYCH_PRECAUTION = 0.3
# The constants the busiest days use on small arrays, as 0-d arrays: an array operand skips the
# conversion of a Python float on every call (the same float64 operations, the same numbers).
_HALF, _STRONG, _LOCKDOWN = np.array(0.5), np.array(STRONG_MEASURES), np.array(LOCKDOWN_NEED)
_NEED_REPORT, _MEASURE_COST = np.array(NEED_REPORT), np.array(MEASURE_COST)
_SERVICE_COST = np.array(SERVICE_COST)
_max = np.maximum.reduce


class Actions:
    """Measures, isolation, warnings, needs and resources for one run.

    Args:
        world: residents and communities (arrays).
        effects: the rates derived from the levers.
        hazard: the hazard (for warnings, needs and who is affected).
        committees: in community order.
        tally: running counts for the outcomes.
        draws: keyed per-resident draws by name: warning, need_report, lockdown, priority.
    """

    def __init__(
        self,
        world: World,
        effects: Effects,
        hazard: Hazard,
        committees: list[CommunityCommittee],
        tally: Tally,
        draws: dict[str, Draws],
        rules: Governance | None = None,
    ) -> None:
        self.world, self.config = world, world.config
        self.residents, self.communities = world.residents, world.communities
        self.effects, self.hazard, self.committees, self.tally = effects, hazard, committees, tally
        self.draws = draws
        self.rules = rules  # the district's response level (floors on measures, mobilisation)
        self.effect: np.ndarray | None = None  # the measures' effect ``residents.protection`` holds
        # The base hazard ignores warnings and help: only a hazard that overrides ``warn`` needs its
        # draws, and only one that overrides ``serve`` needs to be told who was helped.
        self.hazard_warns = type(hazard).warn is not Hazard.warn
        self.hazard_serves = type(hazard).serve is not Hazard.serve
        self.unmet_today = 0
        self.care_today = np.zeros(self.communities.n)  # care organisations' help today (specialty care)
        # Community-days on which a committee lacked supplies for its measures and help.
        self.shortage_days = 0
        self.mean_trust = 0.0
        self.basis: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))
        # Vulnerable residents whose need is known without a report (fixed for the run): all of
        # them with a registry, and those a care organisation keeps on its own list.
        listed, care_known = self.config.vulnerable_registry, effects.care_known
        if care_known.size and care_known.any():
            listed = listed | care_known[self.residents.community]
        self._listed = self.residents.vulnerable & listed
        # Each resident's factor on the chance of reporting a need (fixed for the run: who is
        # vulnerable does not change), read for those in need; and vulnerability as 0.0/1.0, the
        # number the service order subtracts (the same as subtracting the bool).
        vulnerable = self.residents.vulnerable
        self._report_factor = np.where(vulnerable, VULNERABLE_REPORT_WITHOUT_PRIVACY, 1.0)
        self._vulnerable_one = vulnerable.astype(float)
        # Whether psychological support keeps precautions anywhere once measures end, and how much.
        psych = effects.psychological
        self._precautions, self._precaution = bool(psych.size and psych.any()), PSYCH_PRECAUTION * psych
        # What is kept from one day to the next, with what it was made from (see the method named).
        self.help = HelpCapacity(self.config, self.communities, effects, rules)
        self._strong, self._confined = b"", np.empty(0, np.intp)  # _in_need
        self._protected_for: tuple[bytes, bytes, bytes, bytes | None] | None = None  # _protect
        self._protected_effect = np.zeros(0)
        self._unprotected = False  # ``effect`` is known and 0 everywhere (act)
        # Where each community's residents begin and end, when residents are grouped by community
        # (else None), and the protection array this run made (_set_protection).
        where = self.residents.community
        ends = np.cumsum(np.bincount(where, minlength=self.communities.n)).tolist()
        self._bounds = [0, *ends] if bool(np.all(where[1:] >= where[:-1])) else None
        self._own_protection: np.ndarray | None = None
        # What measures use per community (_use_resources), with the level it was made from.
        self._measure_use_for, self._measure_use = b"", np.zeros(0)
        # What follows from the states alone (act), with the states it was made from; the tally's marks.
        self._states_for, self._by_state = b"", (np.zeros(4, np.intp), 0, 0, list[int](), list[int]())
        self.marks = DayMarks(self.config, self.communities, tally)
        self.refresh_behaviour()

    # ------------------------------------------------------------------ residents' behaviour

    def refresh_behaviour(self) -> None:
        """Residents' trust and compliance from today's trust losses and readiness (drills)."""
        cfg, res, comm = self.config, self.residents, self.communities
        self.basis = (comm.trust_loss.copy(), comm.readiness.copy())
        res.trust = (self.world.base_trust - res.spread(comm.trust_loss)).clip(0.0, 1.0)
        self.mean_trust = float(res.trust.mean())  # recorded every day; changes only here
        drills = DRILL_COMPLIANCE * np.minimum(2.0, comm.readiness / READINESS_REF)
        res.compliance = (
            res.trust * (COMPLIANCE_TRUST_BASE + COMPLIANCE_PARTICIPATION * cfg.participation)
            + COMPLIANCE_BASE
            + res.spread(drills)
        ).clip(0.0, 1.0)
        # Protection depends on compliance wherever measures are on: recompute it tomorrow.
        if self.effect is not None and np.count_nonzero(self.effect):
            self.effect = None

    def follow_behaviour(self) -> None:
        """Residents' behaviour follows trust and readiness once the change is worth an update of
        every resident."""
        loss, ready = self.basis
        comm = self.communities
        # (the ufunc's reduce is what ``.max()`` calls, without the method's Python wrapper)
        if _max(np.abs(comm.trust_loss - loss)) > 0.005 or _max(np.abs(comm.readiness - ready)) > 0.005:
            self.refresh_behaviour()

    # ------------------------------------------------------------------ the day's actions

    def act(self, t: int, true_risk: np.ndarray, states: np.ndarray) -> None:
        """Measures by state and de-escalation schedule, isolation of owned cases, warnings, needs
        met (vulnerable first with a registry), resources consumed and requested.

        Most days are quiet (every community in the normal state, nobody in need): each block first
        asks whether it would change anything today, and leaves the arrays as they are if not.
        """
        cfg, res, comm = self.config, self.residents, self.communities
        key = states.tobytes()
        if key != self._states_for:
            counts = np.bincount(states, minlength=4)
            n_normal, _, _, n_post = counts.tolist()
            alerted = (states != G.NORMAL).nonzero()[0].tolist()
            self._states_for, self._by_state = key, (counts, n_normal, n_post, alerted, states.tolist())
        counts, n_normal, n_post, alerted, state_of = self._by_state
        normal = n_normal == comm.n  # every community in the normal state
        level = np.zeros(comm.n)  # no measures in the normal state
        if not normal:
            # Only a committee in post-transition has a stage to step down (states are its own).
            for k in alerted:
                committee = self.committees[k]
                if state_of[k] == G.POST_TRANSITION:
                    committee.step_down(t)
                level[k] = committee.measures()
        floor = self.rules.measures_floor if self.rules is not None else 0.0
        if floor > 0:
            level = np.maximum(level, floor)  # the district's response level sets a floor everywhere
        comm.measures = level
        self.tally.state_days += counts
        # Where measures are on (None: nowhere). On a normal day without the district's floor
        # ``level`` is 0 everywhere.
        acting = level > 0 if floor > 0 or not normal else None
        if acting is not None and not np.count_nonzero(acting):
            acting = None
        measured = acting is not None
        self.marks.day(t, true_risk, states, acting, n_post > 0)  # the tally's marks of the day
        effect = None
        # Protection stays as it is while no measures are on today and none were (nor precautions).
        if measured or not self._unprotected or (n_post and self._precautions):
            effect = self._protect(level, states)
        if cfg.mitigation or cfg.response:
            # Detected cases still affected are isolated once their task has an owner and measures are on.
            isolated = np.zeros(res.n, dtype=bool)
            if acting is not None:
                cases = (res.detected & self.hazard.active).nonzero()[0]
                isolated[cases] = (res.isolate_at[cases] <= t) & acting[res.community[cases]]
            res.isolated = isolated
        if self.hazard_warns:
            factor = self.rules.fidelity_factor() if self.rules is not None else None
            effect = self._effect(level, factor) if effect is None else effect
            self.hazard.warn(self._warnings(effect), self.draws["warning"].day(t, res.n), cfg.information)
        served = self.meet_needs(t, level, states, measured)
        self._use_resources(served, level, measured)

    def _effect(self, level: np.ndarray, factor: np.ndarray | None) -> np.ndarray:
        """The measures' effect per community: the level cut by supplies and fidelity (``factor``:
        the share cadres' motivation leaves of it, None for all)."""
        effect = level * self.communities.available * self.effects.fidelity
        if factor is not None:
            effect = effect * factor  # 打折扣: measures reported, not all carried out
        return effect

    def _protect(self, level: np.ndarray, states: np.ndarray) -> np.ndarray:
        """Residents' protection from today's measures: contacts cut in proportion to the level,
        fidelity, supplies and compliance. The effect changes on few days, so each resident's
        protection is recomputed only then. Returns the effect (per community)."""
        comm = self.communities
        factor = self.rules.fidelity_factor() if self.rules is not None else None
        # The same inputs as last time give the same effect, and the protection it gave stands
        # unless behaviour was refreshed since (``effect`` is None then).
        post_key = states.tobytes() if self._precautions else b""
        factor_key = None if factor is None else factor.tobytes()
        inputs = (level.tobytes(), comm.available.tobytes(), post_key, factor_key)
        if inputs == self._protected_for and self.effect is not None:
            return self._protected_effect
        effect = protect = self._effect(level, factor)
        if self._precautions:
            # Residents reached by psychological support keep precautions while measures end.
            post = states == G.POST_TRANSITION
            protect = np.where(post, np.maximum(effect, self._precaution), effect)
        self._protected_for, self._protected_effect = inputs, effect
        if self.effect is None or np.count_nonzero(protect != self.effect):
            self._set_protection(protect)
            self.effect = protect
            self._unprotected = not np.count_nonzero(protect)
        return effect

    def _set_protection(self, protect: np.ndarray) -> None:
        """Residents' protection from ``protect`` (per community): contacts cut by efficacy and
        compliance. While compliance is as it was when protection was last set (``effect`` is
        not None), only residents of the few communities whose number changed get new ones, with
        the same arithmetic (the community's number times efficacy, times the resident's
        compliance); in place, and only into the array this run made."""
        res, bounds, before = self.residents, self._bounds, self.effect
        if before is not None and bounds is not None and res.protection is self._own_protection:
            changed = (protect != before).nonzero()[0]
            if 3 * changed.size <= len(bounds):  # (for more, one pass over everyone costs as much)
                out, compliance = res.protection, res.compliance
                for k, p in zip(changed.tolist(), protect[changed].tolist()):
                    lo, hi = bounds[k], bounds[k + 1]
                    np.minimum(MAX_PROTECTION, MEASURE_EFFICACY * p * compliance[lo:hi], out=out[lo:hi])
                return
        res.protection = self._own_protection = np.minimum(
            MAX_PROTECTION, MEASURE_EFFICACY * res.spread(protect) * res.compliance
        )

    def _warnings(self, effect: np.ndarray) -> np.ndarray:
        """Where committees warn their residents today (``warn``): the rules warn wherever
        measures are on."""
        warned = effect
        for k in effect.nonzero()[0].tolist():
            committee = self.committees[k]
            if (
                committee.decider is not RULES
                and committee.choose("warn", ("warn", "silent"), "warn", k, **committee.facts()) == "silent"
            ):
                warned = warned.copy() if warned is effect else warned
                warned[k] = 0.0
        return warned

    def _use_resources(self, served: np.ndarray, level: np.ndarray, measured: bool) -> None:
        """Consumption by measures and help; refills requested down the pooling rule."""
        res, comm, tally = self.residents, self.communities, self.tally
        if served.size == 0 and not measured:
            comm.available.fill(1.0)  # nothing used today, so nothing lacks
            return
        served_by_comm = np.bincount(res.community[served], minlength=comm.n)
        # What measures use follows the level alone (the same on most days): kept with it.
        level_key = level.tobytes()
        if level_key != self._measure_use_for:
            self._measure_use_for, self._measure_use = level_key, comm.size * level * _MEASURE_COST
        use = self._measure_use + served_by_comm * _SERVICE_COST
        # A community that uses nothing today lacks nothing, nor one that has what it uses (below,
        # those short of it are marked).
        comm.available[use >= 0] = 1.0
        rules = self.rules
        pooled = self.config.resource_pooling == "pooled" and rules is not None
        for k in (use > 0).nonzero()[0].tolist():
            c = self.committees[k]
            need = use[k]
            spent = min(need, c.stock)
            c.stock -= spent
            if pooled and rules is not None and spent < need:
                # A shared pool: a member draws what it lacks today straight from its street
                # office's stock (a shared registry), without a request and a delivery.
                pool = rules.roster.street_offices.get(c.street)
                if pool is not None and pool.stock > 0:
                    drawn = min(need - spent, pool.stock)
                    pool.stock -= drawn
                    spent += drawn
            tally.resources_spent += spent
            short = spent < need  # (neither is NaN: ``need`` > 0, and ``min`` keeps it over a NaN stock)
            if short:
                comm.available[k] = SHORTAGE_EFFECT
            self.shortage_days += short  # a community-day short of supplies (not an outcome)
            if c.stock < RESTOCK_BELOW_DAYS * need:
                c.ask_for_resources(RESTOCK_ASK_DAYS * need)
                if self.config.lateral_sharing:
                    c.ask_peers(RESTOCK_ASK_DAYS * need)  # and its neighbours, on active peer ties

    # ------------------------------------------------------------------ needs

    def meet_needs(self, t: int, level: np.ndarray, states: np.ndarray, measured: bool = True) -> np.ndarray:
        """Who in need gets help today (resident indices); vectorised, at most ``capacity`` per community.

        Reads the need-report, lockdown-need and service-priority uniforms of the residents
        concerned (keyed draws). ``measured``: whether measures are on anywhere (else ``level`` is
        0 and nobody is confined).
        """
        res, comm = self.residents, self.communities
        in_need = self._in_need(t, level if measured else None)
        if not in_need.size:
            # Nobody to serve: of the day's capacity only the care organisations' share is kept.
            care = self.help.care(states)
            self.care_today = (self.care_today if care is None else care) * comm.available
            self.unmet_today = 0
            return in_need
        capacity = self.needs_capacity(states) * comm.available
        self.care_today = self.care_today * comm.available
        served = self._who_is_served(t, in_need, capacity) if np.count_nonzero(capacity) else in_need[:0]
        if self.hazard_serves:
            helped = np.zeros(res.n, dtype=bool)
            helped[served] = True
            self.hazard.serve(helped)
        res.need_days[in_need] += 1
        res.met_days[served] += 1
        # Those served are some of those in need, each once: the rest are unmet.
        n_vulnerable = np.count_nonzero(res.vulnerable[in_need])
        unmet_vulnerable = n_vulnerable - np.count_nonzero(res.vulnerable[served])
        self.unmet_today = in_need.size - served.size
        tally = self.tally
        tally.need_days[0] += in_need.size - n_vulnerable
        tally.need_days[1] += n_vulnerable
        tally.unmet_days[0] += self.unmet_today - unmet_vulnerable
        tally.unmet_days[1] += unmet_vulnerable
        return served

    def _in_need(self, t: int, level: np.ndarray | None) -> np.ndarray:
        """Residents in need today (indices): those the hazard leaves in need, and vulnerable
        residents under strong measures (``level``; None: no measures), who need supplies or care
        every few days."""
        res = self.residents
        need = self.hazard.needs(t)
        strong = None if level is None else level >= _STRONG
        if strong is not None and np.count_nonzero(strong):
            # Who is confined changes only with the communities under strong measures.
            key = strong.tobytes()
            if key != self._strong:
                self._strong, self._confined = key, (res.vulnerable & res.spread(strong)).nonzero()[0]
            confined = self._confined
            if confined.size:  # (about one day in three) the hazard's array is read only: change a copy
                need = need.copy()
                need[confined[self.draws["lockdown"].at(t, confined) < _LOCKDOWN]] = True
        return need.nonzero()[0]

    def _who_is_served(self, t: int, in_need: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        """Those of the residents in need who are served today (resident indices)."""
        cfg, res, n_comm, draws = self.config, self.residents, self.communities.n, self.draws
        # Need reports and the service order's numbers are keyed draws: a resident's number does
        # not depend on who else is read, so only those it decides for are read (the same numbers
        # as reading everyone who may be). A report decides only for those neither detected nor
        # listed (on most days of an epidemic none or a few), the order only where help runs
        # short; where many must report, both are read in one pass over everyone in need.
        is_known = res.detected[in_need] | self._listed[in_need]
        n_unknown = in_need.size - np.count_nonzero(is_known)
        order_u = None
        if n_unknown > FEW_ROWS:
            report_u, order_u = draws["need_report"].at_two(draws["priority"], t, in_need)
            is_known |= report_u < self.need_report(in_need)
        elif n_unknown:
            unknown = (~is_known).nonzero()[0]
            rows = in_need[unknown]
            is_known[unknown] = draws["need_report"].at(t, rows) < self.need_report(rows)
        known = in_need[is_known]
        if not known.size:
            return known
        quota = np.floor(capacity + _HALF)
        where = res.community[known]
        # Who is served first matters only where more residents are known to need help than can get it.
        if not np.count_nonzero(np.bincount(where, minlength=n_comm) > quota):
            return known
        # Order within each community: vulnerable first with a registry, else at random.
        priority = draws["priority"].at(t, known) if order_u is None else order_u[is_known]
        key = priority
        if cfg.vulnerable_registry:
            # The vulnerable's keys (priority - 1, exact: in [-1, 0)) lie below everyone else's
            # (in [0, 1)) and keep their priorities' order, so the first of a community by key
            # are its first vulnerable by priority, then the others: care organisations' help,
            # part of the quota and given to the vulnerable first, goes to the same residents.
            key = key - self._vulnerable_one[known]
        elif np.count_nonzero(self.care_today):
            # Care organisations' help goes to vulnerable residents first (specialty care);
            # what it leaves, and everyone else's help, is shared as usual.
            care_quota = np.minimum(np.floor(self.care_today + _HALF), quota)
            chosen = care_first(where, res.vulnerable[known].nonzero()[0], priority, key, quota, care_quota)
            return known[chosen]
        return known[take(where, None, key, quota)]

    def need_report(self, rows: np.ndarray) -> np.ndarray:
        """Daily chance that residents ``rows``, in need, make it known (it takes trust); the
        vulnerable report less readily without privacy protection."""
        cfg, res = self.config, self.residents
        report = _NEED_REPORT * res.trust[rows]  # (a factor 1.0 would change no number: left out)
        if cfg.privacy:
            return report * PRIVACY_REPORT_GAIN
        return report * self._report_factor[rows]

    def needs_capacity(self, states: np.ndarray) -> np.ndarray:
        """Residents each community can help today: staff, volunteers, organisations (design §2.5);
        sets the care organisations' share of it (``care_today``)."""
        capacity, care = self.help.today(states)
        if care is not None:
            self.care_today = care
        return capacity
