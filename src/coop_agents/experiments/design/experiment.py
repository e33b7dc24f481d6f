"""An experiment as the runner sees it: its factors, its arms, its runs and their seeds.

:class:`Experiment` is what :mod:`~coop_agents.experiments.design.reading` makes of a definition;
its arms are the crossed lists times the sample points of :mod:`~coop_agents.experiments.design.samplers`,
and :func:`replicate_seeds` gives replicate k of every arm the same seed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from coop_agents.config import PARAMETERS
from coop_agents.experiments.design.samplers import sample_points
from coop_agents.limits import design_points

__all__ = ["Factor", "RunSpec", "Experiment", "replicate_seeds"]


@dataclass(frozen=True)
class Factor:
    """One experiment input: fixed (one value), crossed (a list) or ranged (low..high)."""

    name: str
    role: str  # lever | uncertainty
    values: tuple = ()  # fixed: one value; crossed: several
    low: float | None = None
    high: float | None = None

    @property
    def ranged(self) -> bool:
        return self.low is not None

    @property
    def crossed(self) -> bool:
        return not self.ranged and len(self.values) > 1


@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: where it sits in the design and what it sets."""

    run_id: str
    arm_id: int
    arm: str
    replicate: int
    seed: int
    scenario: str
    pattern: str
    overrides: dict[str, Any]
    varied: dict[str, Any]


@dataclass
class Experiment:
    """A validated experiment definition."""

    name: str
    description: str
    seed: int
    replicates: int
    outcomes: list[str]
    design: str
    samples: int
    levels: int
    factors: list[Factor]
    baseline: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    base_dir: Path | None = None
    series: list[str] = field(default_factory=list)  # daily series stored per run, besides outcomes
    largest_district: int = 0  # the most residents of any arm (for memory checks); 0: not known

    @property
    def n_arms(self) -> int:
        """How many arms :meth:`arms` gives, without sampling them."""
        return design_points(self.design, self.samples, len(self.ranged)) * math.prod(
            len(f.values) for f in self.crossed
        )

    @property
    def ranged(self) -> list[Factor]:
        return [f for f in self.factors if f.ranged]

    @property
    def crossed(self) -> list[Factor]:
        return [f for f in self.factors if f.crossed]

    @property
    def varied_names(self) -> list[str]:
        return [f.name for f in self.factors if f.crossed or f.ranged]

    def problem(self) -> dict:
        """The SALib problem of the ranged factors."""
        return {
            "num_vars": len(self.ranged),
            "names": [f.name for f in self.ranged],
            "bounds": [[f.low, f.high] for f in self.ranged],
        }

    def samples_matrix(self) -> np.ndarray:
        """Sample points of the ranged factors (one row each); one empty row without ranges."""
        ranged = self.ranged
        if not ranged:
            return np.zeros((1, 0))
        return sample_points(self.design, self.problem(), self.samples, self.levels, self.seed)

    def arms(self) -> list[dict[str, Any]]:
        """Every arm: a value for every factor (crossed lists × sample points)."""
        fixed = {f.name: f.values[0] for f in self.factors if not f.crossed and not f.ranged}
        crossed = self.crossed
        points = self.samples_matrix()
        out = []
        for combo in itertools.product(*(f.values for f in crossed)):
            for point in points:
                arm = dict(fixed)
                arm.update(zip((f.name for f in crossed), combo))
                for f, x in zip(self.ranged, point):
                    p = PARAMETERS[f.name]
                    arm[f.name] = int(round(x)) if p.type == "int" else float(x)
                out.append(arm)
        return out

    def runs(self) -> list[RunSpec]:
        """Every run, in a fixed order; ``run_id`` is stable as replicates are added."""
        seeds = replicate_seeds(self.seed, self.replicates)
        varied = self.varied_names
        specs = []
        for arm_id, arm in enumerate(self.arms()):
            label = ", ".join(f"{k}={short_value(arm[k])}" for k in varied) or "all"
            overrides = {k: v for k, v in arm.items() if k not in ("scenario", "pattern")}
            scenario = str(arm.get("scenario", "default"))
            if self.base_dir is not None and scenario.endswith(".toml"):
                scenario = str((self.base_dir / scenario).resolve())
            pattern = str(arm.get("pattern", "siloed"))
            if self.base_dir is not None and pattern.endswith(".toml"):
                pattern = str((self.base_dir / pattern).resolve())
            for k, seed in enumerate(seeds):
                specs.append(
                    RunSpec(
                        f"{arm_id}:{k}",
                        arm_id,
                        label,
                        k,
                        seed,
                        scenario,
                        pattern,
                        overrides,
                        {v: arm[v] for v in varied},
                    )
                )
        return specs

    def fingerprint(self) -> str:
        """Identifies what the runs compute (not how many replicates): a resume must match it."""
        payload = {
            "seed": self.seed,
            "design": self.design,
            "samples": self.samples,
            "levels": self.levels,
            "outcomes": self.outcomes,
            "factors": [(f.name, f.role, list(f.values), f.low, f.high) for f in self.factors],
        }
        if self.series:  # only when set, so results folders made before series existed still resume
            payload["series"] = self.series
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "seed": self.seed,
            "replicates": self.replicates,
            "outcomes": self.outcomes,
            "design": self.design,
            "samples": self.samples,
            "levels": self.levels,
            "baseline": self.baseline,
            "factors": [
                {"name": f.name, "role": f.role, "values": list(f.values), "low": f.low, "high": f.high}
                for f in self.factors
            ],
            "series": self.series,
            "source": self.source,
        }


def short_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return Path(v).stem if isinstance(v, str) and v.endswith(".toml") else str(v)


def replicate_seeds(master: int, replicates: int) -> list[int]:
    """The seed of replicate k depends only on the master seed and k (not on the arm or count)."""
    return [int(np.random.SeedSequence([master, 0, k]).generate_state(1)[0]) for k in range(replicates)]
