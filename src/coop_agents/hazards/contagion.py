"""Contagion (public-health emergency): discrete-time S→E→I→R over resident contacts."""

from __future__ import annotations

import numpy as np

from coop_agents.hazards.base import Hazard, register_hazard

__all__ = ["Contagion", "SUSCEPTIBLE", "EXPOSED", "INFECTIOUS", "RECOVERED"]

SUSCEPTIBLE, EXPOSED, INFECTIOUS, RECOVERED = 0, 1, 2, 3

# How much care (needs met while ill) cuts the chance of a severe outcome.
CARE_EFFECT = 0.75
ISOLATION_LEAK = 0.1  # an isolated case still transmits this much
# Below this share of all contacts, reading the infectious residents' rows of the contact matrix
# is faster than one mat-vec over all residents (measured: about 8x cheaper per contact read).
SPARSE_SHARE = 0.1
# Up to this many infectious residents, their rows of the contact matrix are read one by one
# (measured: cheaper up to about 20 of them; either way gives the same contacts in the same order).
FEW_SOURCES = 16

# The numbers the day's arithmetic uses, as 0-d arrays rather than Python numbers: numpy then skips
# converting a scalar on every call (about 0.3 us each, measured; a few dozen calls a day). On the
# float64 and int8 arrays they meet, every result is the same number.
_ONE, _LEAK, _CARE = np.array(1.0), np.array(ISOLATION_LEAK), np.array(CARE_EFFECT)
_S, _E, _I, _R = (np.array(k, np.int8) for k in (SUSCEPTIBLE, EXPOSED, INFECTIOUS, RECOVERED))
_TRUE, _FALSE = np.array(True), np.array(False)


@register_hazard
class Contagion(Hazard):
    """An epidemic with a latent phase ("long latency, short outbreak").

    Each day a susceptible resident with ``k`` infectious contacts is infected with chance
    ``1 - (1 - transmission)^k``, where each contact's weight is cut by isolation and measures and
    the resident's own exposure by measures (``world.residents.protection``). Latent residents
    become infectious with chance ``1/latent_days``, infectious ones recover with chance
    ``1/infectious_days`` (geometric periods). With every action off this is exactly a plain
    discrete-time network SEIR, the validation anchor of stylised fact 10.

    Severe harm is decided at recovery: chance ``severe_share`` (times ``vulnerable_severity`` for
    vulnerable residents), cut by up to 75 % by the share of ill days on which needs were met.
    """

    name = "contagion"
    reads_notice = False  # monitoring sees detected cases only, no precursors

    def __init__(self, world) -> None:
        super().__init__(world)
        n = world.residents.n
        self.state = np.zeros(n, dtype=np.int8)
        self.contacts = world.contacts
        # Each resident's number of contacts (row lengths of the fixed contact matrix), read for the
        # day's infectious residents: cheaper than taking two row starts and subtracting every day.
        self._degree = np.diff(self.contacts.indptr)
        # Above this many contacts of the infectious, one mat-vec over everyone is cheaper (kept:
        # scipy checks the matrix again on every read of its nnz).
        self._dense_above = self.contacts.nnz * SPARSE_SHARE
        cfg = world.config
        # The daily rates as 0-d arrays, as the day's arithmetic uses them (see _ONE above).
        self.log_escape = np.array(np.log1p(-min(cfg.transmission, 1 - 1e-12)))
        self.p_onset = np.array(1.0 / cfg.latent_days)
        self.p_recover = np.array(1.0 / cfg.infectious_days)
        vuln = world.residents.vulnerable
        self.p_severe = np.minimum(1.0, cfg.severe_share * np.where(vuln, cfg.vulnerable_severity, 1.0))
        self.severity_u = np.zeros(n)
        self.n_comm = world.n_communities
        self.critical = cfg.critical_prevalence * world.communities.size
        with np.errstate(invalid="ignore"):  # (a community of nobody has no risk to speak of: nan)
            self._no_risk = np.zeros(self.n_comm) / self.critical
        # How many residents are latent or infectious, kept from day to day (counted again only on
        # a day someone is infected or recovers): the day's four questions whether anyone is ill
        # then read a number instead of every resident's mask.
        self._n_active = 0

    def start(self, rng, prevention):
        cfg = self.world.config
        res = self.world.residents
        self.severity_u = rng.random(res.n)
        sites = rng.permutation(self.n_comm)[: min(cfg.outbreak_sites, self.n_comm)]
        pool = np.flatnonzero(np.isin(res.community, sites))
        order = rng.permutation(pool)[: min(cfg.initial_cases, pool.size)]
        # Screening in normal times finds some index cases before they spread (same draws for
        # every pattern, so prevention only removes cases, never picks different ones).
        screened = rng.random(order.size) < 0.5 * prevention
        index_cases = order[~screened]
        self.state[index_cases] = EXPOSED
        self._refresh()
        if index_cases.size:
            self.onset_step = self.begin_day

    def _refresh(self):
        """Derive the masks from the state, in full (at the start; each day updates them in place)."""
        self.active = (self.state == EXPOSED) | (self.state == INFECTIOUS)
        self.detectable = self.state == INFECTIOUS
        self.affected |= self.active
        self.resync()

    def resync(self):
        self._n_active = np.count_nonzero(self.active)

    def advance(self, step, u):
        if not self._n_active:
            # Nobody latent or infectious (before the first case, after the last recovery): nobody
            # can be infected, fall ill or recover today, and the keyed draws need no reading.
            return
        res = self.world.residents
        s = self.state
        sources = self.detectable.nonzero()[0]  # the infectious
        exposed = (s == _E).nonzero()[0]
        if not sources.size:
            # Only latent residents (the first days): nobody can be infected or recover today, and
            # the infection's arithmetic on nobody changes nothing.
            new_i = exposed[u[exposed] < self.p_onset]
            s[new_i] = _I
            self.detectable[new_i] = _TRUE
            return
        weight = (_ONE - res.protection[sources]) * np.where(res.isolated[sources], _LEAK, _ONE)
        pressure, touched = self._pressure(sources, weight)
        # Only susceptible residents with an infectious contact can be infected today.
        at_risk = touched[s[touched] == _S]
        # (p - 1) * expm1(x) is (1 - p) * -expm1(x) bit for bit (rounding is symmetric in sign),
        # without negating every number.
        p_infect = (res.protection[at_risk] - _ONE) * np.expm1(pressure[at_risk] * self.log_escape)
        # The three groups' uniforms in one read: a resident's number does not depend on who else
        # is read with it (keyed draws), and each read costs about a dozen numpy calls.
        n_risk, n_exposed = at_risk.size, exposed.size
        u_all = u[np.concatenate((at_risk, exposed, sources))]
        new_e = at_risk[u_all[:n_risk] < p_infect]
        new_i = exposed[u_all[n_risk : n_risk + n_exposed] < self.p_onset]
        new_r = sources[u_all[n_risk + n_exposed :] < self.p_recover]
        # Only today's movers change a state or mask (the three sets are disjoint, so the order of
        # the writes does not matter; new_e may repeat a resident): cheaper than deriving the masks
        # again from every resident's state. A group nobody moved in writes nothing (on most days
        # one of the three is empty: only a handful of residents are ill).
        if new_e.size:
            s[new_e] = _E
            self.active[new_e] = _TRUE
            self.affected[new_e] = _TRUE
        if new_i.size:
            s[new_i] = _I
            self.detectable[new_i] = _TRUE
        if new_r.size:
            care = res.care_share(new_r)
            self.severe[new_r] = self.severity_u[new_r] < self.p_severe[new_r] * (_ONE - _CARE * care)
            s[new_r] = _R
            self.active[new_r] = _FALSE
            self.detectable[new_r] = _FALSE
        if new_e.size or new_r.size:
            self._n_active = np.count_nonzero(self.active)

    def _pressure(self, sources: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``contacts @ w`` for ``w`` that is ``weight`` on ``sources`` and 0 elsewhere, and the
        residents with a contact among the sources (some may be listed more than once); ``sources``
        is not empty.

        While few residents are infectious, only their rows of the contact matrix are read; the
        sums are added in the same order as the mat-vec's (contacts in ascending order, see
        :func:`coop_agents.network.contact_matrix`), so the result is the mat-vec's bit for bit,
        and which way it is computed never changes a run.
        """
        counts = self._degree[sources]
        indptr, indices = self.contacts.indptr, self.contacts.indices
        # On most days of an outbreak only a handful of residents are infectious: their rows are
        # then taken one by one, the same contacts in the same order in a third of the numpy calls.
        few = sources.size <= FEW_SOURCES
        if few:
            rows = [indices[indptr[i] : indptr[i + 1]] for i in sources.tolist()]
            total = sum(map(len, rows))
        else:
            # (sources is never empty here: its last sum is the total; the ufunc's own method and
            # the arrays' own repeat below skip numpy's Python wrappers, a microsecond each)
            ends = np.add.accumulate(counts)
            total = int(ends[-1])
        if total > self._dense_above:
            w = np.zeros(self.state.size)
            w[sources] = weight
            pressure = self.contacts @ w
            return pressure, (pressure > 0).nonzero()[0]
        if few:
            touched = np.concatenate(rows)
        else:
            # Position of each source's k-th contact in ``indices``: its row start plus k.
            pos = np.arange(total) + (indptr[sources] - (ends - counts)).repeat(counts)
            touched = indices[pos]
        pressure = np.bincount(touched, weights=weight.repeat(counts), minlength=self.state.size)
        return pressure, touched

    def true_risk(self, step):
        if not self._n_active:
            return self._no_risk.copy()  # nobody affected: the same numbers, without the counting
        counts = np.bincount(self.world.residents.community[self.active], minlength=self.n_comm)
        return counts / self.critical

    def observe(self, detected, notice, u, step):
        if not self._n_active:
            return self._no_risk.copy()  # no case to see
        seen = detected & self.active
        counts = np.bincount(self.world.residents.community[seen], minlength=self.n_comm)
        return counts / self.critical

    def contained(self, step):
        return not self._n_active

    @property
    def n_active(self) -> int:
        return self._n_active  # kept from day to day (see __init__)

    def needs(self, step):
        return self.detectable  # the infectious (read only, as the interface says)
