"""Residents (居民/村民): Mesa agents for inspection, with their hot state in numpy arrays.

The model owns one :class:`ResidentArrays`; each :class:`Resident` agent is a thin view onto row
``index`` of it. Every per-resident rule in the model works on the arrays, so no step loops over
residents in Python (design §6.2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import mesa
import numpy as np

__all__ = ["ResidentArrays", "Resident"]


@dataclass
class ResidentArrays:
    """Columns of resident state, one row per resident (row = graph node = agent ``index``)."""

    community: np.ndarray  # int, community number
    vulnerable: np.ndarray  # bool, 老弱病残
    party_member: np.ndarray  # bool
    trust: np.ndarray  # float 0..1, trust in the committee
    compliance: np.ndarray  # float 0..1, chance of following measures and warnings
    detected: np.ndarray = field(init=False)  # bool, known to the committee as affected
    isolated: np.ndarray = field(init=False)  # bool, isolated (contagion)
    isolate_at: np.ndarray = field(init=False)  # int, day the isolation task gets an owner
    safe: np.ndarray = field(init=False)  # bool, in safety (shock)
    protection: np.ndarray = field(init=False)  # float 0..1, cut in exposure from measures
    need_days: np.ndarray = field(init=False)  # int, days in need so far
    met_days: np.ndarray = field(init=False)  # int, days in need with the need met

    def __post_init__(self) -> None:
        n = self.community.size
        self.detected = np.zeros(n, dtype=bool)
        self.isolated = np.zeros(n, dtype=bool)
        self.isolate_at = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)
        self.safe = np.zeros(n, dtype=bool)
        self.protection = np.zeros(n)
        self.need_days = np.zeros(n, dtype=np.int32)
        self.met_days = np.zeros(n, dtype=np.int32)
        # Districts in canonical form list residents grouped by community (coop_agents.network);
        # then a community's value reaches its residents by repetition (see spread).
        grouped = bool(np.all(self.community[1:] >= self.community[:-1]))
        self._sizes = np.bincount(self.community) if grouped else None

    @property
    def n(self) -> int:
        return self.community.size

    def spread(self, per_community: np.ndarray) -> np.ndarray:
        """Each resident's entry of a per-community array: ``per_community[community]``.

        With residents grouped by community this repeats each community's entry instead of
        indexing, which gives the same array about ten times faster.
        """
        if self._sizes is None:
            return per_community[self.community]
        return np.repeat(per_community[: self._sizes.size], self._sizes)

    def care_share(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Share of each resident's days in need on which the need was met (0 if never in need).

        Args:
            rows: residents to compute it for (indices); all residents when None.
        """
        met, need = self.met_days, self.need_days
        if rows is not None:
            met, need = met[rows], need[rows]
        return np.divide(met, need, out=np.zeros(met.size), where=need > 0)


class Resident(mesa.Agent):
    """One resident. Read-only properties show its row of the resident arrays.

    Args:
        model: the model it belongs to (Mesa registers it there).
        index: its row.
        arrays: the resident arrays.
        affected: returns the hazard's mask of residents affected now.
    """

    def __init__(
        self, model: mesa.Model, index: int, arrays: ResidentArrays, affected: Callable[[], np.ndarray]
    ) -> None:
        super().__init__(model)
        self.index = index
        self.arrays = arrays
        self._affected = affected

    @property
    def community(self) -> int:
        return int(self.arrays.community[self.index])

    @property
    def vulnerable(self) -> bool:
        return bool(self.arrays.vulnerable[self.index])

    @property
    def party_member(self) -> bool:
        return bool(self.arrays.party_member[self.index])

    @property
    def trust(self) -> float:
        return float(self.arrays.trust[self.index])

    @property
    def affected(self) -> bool:
        """Currently affected by the hazard (infected, or exposed and not in safety)."""
        return bool(self._affected()[self.index])

    @property
    def detected(self) -> bool:
        return bool(self.arrays.detected[self.index])

    def __repr__(self) -> str:
        return f"Resident({self.index}, community={self.community}, vulnerable={self.vulnerable})"
