"""Shock (flood, fire, chemical leak): a footprint over communities with an intensity curve."""

from __future__ import annotations

import numpy as np

from coop_agents.hazards.base import Hazard, register_hazard

__all__ = ["Shock"]

# Non-vulnerable residents who are not in safety see the danger themselves and leave with this
# daily chance per unit of intensity; vulnerable residents need someone to help them out.
SELF_RESCUE = 0.3
RECEDE_DAYS = 3


@register_hazard
class Shock(Hazard):
    """A localised shock with a long, quiet build-up and a short, violent peak.

    Intensity in the footprint rises as ``((t - onset + 1) / (lead + 1))^3`` from day ``onset``
    (precursors that are easy to miss, then a fast rise), is at its peak (1, less up to 30 % with
    prevention) from day ``onset + lead`` for
    ``shock_duration`` days and recedes over three days.
    Each day an exposed resident not in safety is harmed with chance ``shock_intensity`` ×
    intensity (×1.5 if vulnerable). Residents reach safety by being warned and complying, by being
    helped (vulnerable residents: the needs served by committees, organisations and volunteers), or
    by seeing the danger themselves. Prevention (screening) lowers the peak intensity by up to 30 %.
    """

    name = "shock"

    def __init__(self, world) -> None:
        super().__init__(world)
        cfg = world.config
        self.footprint = np.zeros(world.n_communities, dtype=bool)
        self.in_footprint = np.zeros(world.residents.n, dtype=bool)
        self.peak = 1.0
        self.onset = cfg.shock_onset
        self.full = cfg.shock_onset + cfg.shock_lead
        self.end = self.full + cfg.shock_duration + RECEDE_DAYS
        self.noticed = np.zeros(world.n_communities, dtype=bool)
        self.severity_u = np.zeros(world.residents.n)
        self.cared = np.zeros(world.residents.n, dtype=bool)  # harmed residents who got care

    def start(self, rng, prevention):
        cfg = self.world.config
        res = self.world.residents
        n_comm = self.world.n_communities
        first = int(rng.integers(n_comm))
        self.footprint[[(first + j) % n_comm for j in range(min(cfg.shock_sites, n_comm))]] = True
        self.in_footprint = self.footprint[res.community]
        self.severity_u = rng.random(res.n)
        self.peak = 1.0 - 0.3 * prevention
        self.onset_step = self.onset

    def begin_on(self, day: int) -> None:
        """As an event of a longer run, the precursors begin on ``day`` itself."""
        super().begin_on(day)
        shift = day - self.onset
        self.onset, self.full, self.end = day, self.full + shift, self.end + shift

    def intensity(self, step: int) -> float:
        if step < self.onset or step >= self.end:
            return 0.0
        if step < self.full:
            return self.peak * ((step - self.onset + 1) / (self.full - self.onset + 1)) ** 3
        if step < self.full + self.world.config.shock_duration:
            return self.peak
        left = self.end - step
        return self.peak * left / (RECEDE_DAYS + 1)

    def advance(self, step, u):
        res = self.world.residents
        level = self.intensity(step)
        exposed = self.in_footprint & (level > 0)
        # The low end of each resident's uniform decides harm, the high end self-rescue, so one
        # number per resident per step suffices; only residents at risk read theirs.
        rows = (exposed & ~res.safe).nonzero()[0]
        if rows.size:
            ur = u[rows]
            vulnerable = res.vulnerable[rows]
            p_harm = self.world.config.shock_intensity * level * np.where(vulnerable, 1.5, 1.0)
            harmed = rows[ur < p_harm]
            new = harmed[~self.affected[harmed]]
            self.severe[new] = self.severity_u[new] < np.where(res.vulnerable[new], 0.5, 0.15)
            self.affected[harmed] = True
            rescued = (ur >= p_harm) & ~vulnerable & (ur > 1.0 - SELF_RESCUE * level)
            res.safe[rows[rescued]] = True
        self.active = exposed & ~res.safe
        self.detectable = self.active

    def true_risk(self, step):
        return self.footprint * (self.intensity(step) / self.world.config.critical_intensity)

    def observe(self, detected, notice, u, step):
        level = self.intensity(step)
        if level > 0:
            self.noticed |= self.footprint & (u < notice)
        else:
            self.noticed[:] = False
        return self.noticed * (level / self.world.config.critical_intensity)

    def contained(self, step):
        return step >= self.end

    def needs(self, step):
        res = self.world.residents
        stranded = self.active & res.vulnerable
        return stranded | (self.affected & ~self.cared & (self.intensity(step) > 0))

    def warn(self, effect, u, information):
        res = self.world.residents
        rows = (self.active & ~res.vulnerable).nonzero()[0]
        if rows.size:
            reach = (0.4 + 0.5 * information) * np.minimum(1.0, 2 * effect)[res.community[rows]]
            res.safe[rows[u[rows] < reach * res.compliance[rows]]] = True

    def serve(self, served):
        self.world.residents.safe |= served & self.active
        self.cared |= served & self.affected
