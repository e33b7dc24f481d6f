"""The two baselines the model is measured against, on the model's own contact graph.

* :func:`bare_seir`: the discrete-time network SEIR of :class:`coop_agents.hazards.Contagion` with
  every action off, written as plainly as numpy and scipy.sparse allow: one sparse mat-vec over all
  residents per day. Started from the model's index cases with the model's keyed hazard draws
  (:class:`coop_agents.rng.Draws`: a resident's number on a day), it must reproduce the
  ``no_response`` epidemic exactly, which proves both run the same dynamics.
* :class:`PerAgentSEIR`: the same SEIR as one Mesa agent per resident, written the way Mesa's own
  ``virus_on_network`` example is (a ``FixedAgent`` on a ``mesa.discrete_space.Network`` cell,
  infectious agents try each neighbour, ``shuffle_do("step")`` every day), with ``layout=None`` so
  the space does not compute a spring layout. Its draws come from Python's ``random``, so its
  epidemic matches the model's in distribution, not draw for draw.
"""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa.discrete_space import FixedAgent, Network

SUSCEPTIBLE, EXPOSED, INFECTIOUS, RECOVERED = 0, 1, 2, 3


def bare_seir(
    contacts: sp.csr_array,
    state: np.ndarray,
    draws,
    steps: int,
    transmission: float,
    latent_days: float,
    infectious_days: float,
) -> int:
    """Run the SEIR for ``steps`` days from ``state`` (changed in place); return residents ever infected.

    ``draws`` gives day ``t``'s uniform of resident ``i`` (``draws.at(t, rows)``); days run from 1,
    as the model's do.
    """
    log_escape = np.log1p(-transmission)
    ever = state != SUSCEPTIBLE
    for day in range(1, steps + 1):
        infectious = state == INFECTIOUS
        pressure = contacts @ infectious.astype(np.float64)
        # Only residents who can change state today read their number.
        rows = ((pressure > 0) & (state == SUSCEPTIBLE) | (state == EXPOSED) | infectious).nonzero()[0]
        u = np.ones(state.size)
        u[rows] = draws.at(day, rows)
        new_e = (state == SUSCEPTIBLE) & (u < -np.expm1(pressure * log_escape))
        new_i = (state == EXPOSED) & (u < 1.0 / latent_days)
        new_r = infectious & (u < 1.0 / infectious_days)
        state[new_e] = EXPOSED
        state[new_i] = INFECTIOUS
        state[new_r] = RECOVERED
        ever |= new_e
    return int(ever.sum())


class SEIRAgent(FixedAgent):
    """One resident on a network cell."""

    def __init__(self, model: PerAgentSEIR, cell, state: int) -> None:
        super().__init__(model)
        self.cell = cell
        self.state = state

    def step(self) -> None:
        model = self.model
        if self.state == INFECTIOUS:
            for other in self.cell.neighborhood.agents:
                if other.state == SUSCEPTIBLE and self.random.random() < model.transmission:
                    model.newly_exposed.append(other)
            if self.random.random() < model.p_recover:
                model.recovering.append(self)
        elif self.state == EXPOSED and self.random.random() < model.p_onset:
            model.onsets.append(self)


class PerAgentSEIR(mesa.Model):
    """The SEIR with one Mesa agent per resident; changes apply after every agent has stepped."""

    def __init__(
        self,
        contacts: sp.csr_array,
        state: np.ndarray,
        transmission: float,
        latent_days: float,
        infectious_days: float,
        seed: int,
    ) -> None:
        super().__init__(rng=seed)
        self.grid = Network(nx.from_scipy_sparse_array(contacts), capacity=1, random=self.random, layout=None)
        self.transmission = transmission
        self.p_onset = 1.0 / latent_days
        self.p_recover = 1.0 / infectious_days
        for cell in self.grid.all_cells:
            SEIRAgent(self, cell, int(state[cell.coordinate]))
        self.ever_infected = int(np.count_nonzero(state != SUSCEPTIBLE))

    def step(self) -> None:
        # Agents act on the state at the start of the day (as the vectorised SEIR does); what they
        # cause takes effect once all have acted.
        self.newly_exposed: list[SEIRAgent] = []
        self.onsets: list[SEIRAgent] = []
        self.recovering: list[SEIRAgent] = []
        self.agents.shuffle_do("step")
        for agent in self.newly_exposed:
            if agent.state == SUSCEPTIBLE:  # two infectious neighbours may pick the same agent
                agent.state = EXPOSED
                self.ever_infected += 1
        for agent in self.onsets:
            agent.state = INFECTIOUS
        for agent in self.recovering:
            agent.state = RECOVERED
