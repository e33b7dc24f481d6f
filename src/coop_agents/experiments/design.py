"""Experiment definitions (XLRM): levers, uncertainties, a design, paired replicates.

An experiment file is TOML::

    name = "pillars_sobol"
    description = "Which pillar matters most."
    seed = 2024                     # master seed: replicate k of EVERY arm uses the same seed
    replicates = 10
    outcomes = ["harm", "response_delay"]   # optional; default: every outcome
    baseline = { pattern = "siloed" }       # optional: the arm others are compared with
    series = ["prevalence", "harm"]         # optional: daily series kept per run (TimeSeries.SCALARS)

    [design]
    kind = "sobol"                  # grid | lhs | sobol | morris
    samples = 64                    # lhs: points; sobol: base N (Saltelli); morris: trajectories
    levels = 4                      # morris only

    [levers]                        # pattern and lever parameters
    pattern = "siloed"              # a scalar is fixed
    technology = { low = 0.0, high = 1.0 }   # a range is sampled by lhs/sobol/morris
    authority = ["street", "district"]       # a list is crossed (every value, every other arm)

    [uncertainties]                 # scenario and scenario parameters
    scenario = "default"
    residents = 1800

Arms are the crossed combinations of lists times the design's sample points; each arm runs
``replicates`` times on the seeds of :func:`replicate_seeds`, the same for every arm (common
random numbers), so differences between arms are paired by replicate.
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

from coop_agents.config import PARAMETERS, check_keys, read_toml
from coop_agents.errors import ConfigError, CoopError
from coop_agents.limits import MAX_DESIGN_POINTS, MAX_REPLICATES, MAX_SEED, check_plan, design_points
from coop_agents.metrics import OUTCOMES, TimeSeries
from coop_agents.patterns import Pattern, load_pattern
from coop_agents.scenarios import Scenario, load_scenario

__all__ = [
    "Experiment",
    "Factor",
    "RunSpec",
    "load_experiment",
    "experiment_from_dict",
    "replicate_seeds",
    "DESIGNS",
]

DESIGNS = ("grid", "lhs", "sobol", "morris")
MAX_LEVELS = 1000  # grid levels of a morris design
_TOP = {
    "name",
    "description",
    "seed",
    "replicates",
    "outcomes",
    "baseline",
    "design",
    "levers",
    "uncertainties",
    "steps",
    "series",
}


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
        problem = self.problem()
        rng_seed = int(np.random.SeedSequence([self.seed, 1]).generate_state(1)[0])
        if self.design == "lhs":
            from SALib.sample import latin

            return latin.sample(problem, self.samples, seed=rng_seed)
        if self.design == "sobol":
            from SALib.sample import sobol

            return sobol.sample(problem, self.samples, calc_second_order=False, seed=rng_seed)
        from SALib.sample import morris

        return morris.sample(problem, self.samples, num_levels=self.levels, seed=rng_seed)

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
            label = ", ".join(f"{k}={_short(arm[k])}" for k in varied) or "all"
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


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return Path(v).stem if isinstance(v, str) and v.endswith(".toml") else str(v)


def replicate_seeds(master: int, replicates: int) -> list[int]:
    """The seed of replicate k depends only on the master seed and k (not on the arm or count)."""
    return [int(np.random.SeedSequence([master, 0, k]).generate_state(1)[0]) for k in range(replicates)]


def load_experiment(
    path: str | Path, replicates: int | None = None, residents: int | None = None
) -> Experiment:
    """Read and validate an experiment file; ``replicates``/``residents`` override it (a quick trial).

    Raises:
        ConfigError: one line naming the key or value at fault and what is allowed.
    """
    path = Path(path)
    return experiment_from_dict(
        read_toml(path, "experiment"),
        str(path),
        path.parent,
        replicates=replicates,
        residents=residents,
        name=path.stem,
        source=str(path.resolve()),
    )


def experiment_from_dict(
    data: dict,
    where: str = "the experiment",
    folder: str | Path = ".",
    replicates: int | None = None,
    residents: int | None = None,
    name: str = "experiment",
    source: str = "",
) -> Experiment:
    """Validate an experiment given as the dict of an experiment file (e.g. built by a program).

    Args:
        data: the keys of an experiment file (see the module docstring).
        where: how error messages name the definition.
        folder: the folder relative ``.toml`` paths of patterns and scenarios are read from.
        replicates: overrides ``data["replicates"]``.
        residents: overrides the residents (a quick trial).
        name: the name when ``data`` has none.
        source: where the definition came from, recorded with the results.

    Raises:
        ConfigError: one line naming the key or value at fault and what is allowed.
    """
    folder = Path(folder)
    check_keys(data, _TOP, where)
    design = data.get("design", {})
    if not isinstance(design, dict):
        raise ConfigError(f"[design] in {where} must be a table with kind = one of {', '.join(DESIGNS)}")
    check_keys(design, ("kind", "samples", "levels"), f"[design] of {where}")
    kind = design.get("kind", "grid")
    if kind not in DESIGNS:
        raise ConfigError(
            f"design kind={kind!r} in {where}: not allowed; expected one of {', '.join(DESIGNS)}"
        )
    samples = _positive_int(
        design.get("samples", 0 if kind == "grid" else 16), "design.samples", where, allow_zero=kind == "grid"
    )
    if samples > MAX_DESIGN_POINTS:
        raise ConfigError(
            f"design.samples={samples:,} in {where}: above the limit of {MAX_DESIGN_POINTS:,}; "
            f"the largest that fits is {MAX_DESIGN_POINTS:,}"
        )
    if kind == "sobol" and samples & (samples - 1):
        raise ConfigError(
            f"design.samples={samples} in {where}: a sobol design needs a power of 2 "
            f"(e.g. {1 << (samples.bit_length() - 1)} or {1 << samples.bit_length()}) "
            f"to keep the Sobol' sequence balanced"
        )
    levels = _positive_int(design.get("levels", 4), "design.levels", where)
    if kind == "morris" and (levels < 2 or levels % 2 or levels > MAX_LEVELS):
        raise ConfigError(
            f"design.levels={levels} in {where}: a morris design needs an even number of grid "
            f"levels from 2 to {MAX_LEVELS} (e.g. 4)"
        )
    if replicates is not None:
        rep_name, rep_where = "--replicates", "on the command line"
        reps = _positive_int(replicates, "--replicates", "on the command line")
    else:
        rep_name, rep_where = "replicates", f"in {where}"
        reps = _positive_int(data.get("replicates", 1), "replicates", where)
    if reps > MAX_REPLICATES:
        raise ConfigError(
            f"{rep_name}={reps:,} {rep_where}: above the limit of {MAX_REPLICATES:,} replicates; "
            f"the largest that fits is {MAX_REPLICATES:,}"
        )
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"seed={seed!r} in {where}: expected an integer from 0 to {MAX_SEED}")
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f'{key}={data[key]!r} in {where}: expected a string, e.g. {key} = "..."')
    if "name" in data and not data["name"].strip():
        raise ConfigError(
            f'name in {where} is empty; give the experiment a name, e.g. name = "my_experiment"'
        )
    if not any(isinstance(data.get(s), dict) and data.get(s) for s in ("levers", "uncertainties")):
        raise ConfigError(
            f"{where} sets no levers and no uncertainties; an experiment needs at least a pattern "
            f"under [levers] or a scenario under [uncertainties], e.g. "
            f'[levers] pattern = ["siloed", "full_cycle"]'
        )
    factors: list[Factor] = []
    for section, role in (("levers", "lever"), ("uncertainties", "uncertainty")):
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(
                f"[{section}] in {where} must be a table of name = value, [values] or {{low, high}}"
            )
        for key, spec in table.items():
            factors.append(_factor(key, spec, role, kind, where, folder))
    if "steps" in data:
        factors.append(_factor("steps", data["steps"], "uncertainty", kind, where, folder))
    if residents is not None:
        factors = [f for f in factors if f.name != "residents"]
        factors.append(_factor("residents", residents, "uncertainty", kind, "--residents", folder))
    names = [f.name for f in factors]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise ConfigError(f"{dup!r} is set twice in {where}; set each factor once")
    if kind != "grid" and not any(f.ranged for f in factors):
        raise ConfigError(
            f"design kind={kind!r} in {where} needs at least one range, e.g. technology = {{ low = 0.0, high = 1.0 }}"
        )
    if kind in ("sobol", "morris") and len([f for f in factors if f.ranged]) < 2:
        raise ConfigError(
            f"design kind={kind!r} in {where} needs at least two ranged factors to apportion variance"
        )
    outcomes = data.get("outcomes", list(OUTCOMES))
    if not isinstance(outcomes, list) or not outcomes:
        raise ConfigError(f"outcomes in {where} must be a non-empty list of outcome names")
    for o in outcomes:
        if o not in OUTCOMES:
            raise ConfigError(f"unknown outcome {o!r} in {where}; allowed: {', '.join(OUTCOMES)}")
    series = data.get("series", [])
    if not isinstance(series, list) or not all(isinstance(x, str) for x in series):
        raise ConfigError(
            f"series in {where} must be a list of names; allowed: {', '.join(TimeSeries.SCALARS)}"
        )
    for x in series:
        if x not in TimeSeries.SCALARS:
            raise ConfigError(f"unknown series {x!r} in {where}; allowed: {', '.join(TimeSeries.SCALARS)}")
    exp = Experiment(
        name=str(data.get("name", name)),
        description=str(data.get("description", "")),
        seed=seed,
        replicates=reps,
        outcomes=list(outcomes),
        design=kind,
        samples=samples,
        levels=levels,
        factors=factors,
        source=source,
        base_dir=folder,
        series=list(dict.fromkeys(series)),
    )
    exp.baseline = _baseline(data.get("baseline"), exp, where)
    # Sizes first, before a sampler or the seeds are asked for anything.
    structures = _structures(exp, where)
    exp.largest_district = _largest_district(exp, structures)
    try:
        check_plan(
            f"in {where}",
            replicates=reps,
            arms=exp.n_arms,
            residents=exp.largest_district,
            workers=1,
            replicates_name=rep_name,
        )
    except ConfigError:
        raise
    except CoopError as exc:
        raise ConfigError(str(exc)) from None
    arms = exp.arms()
    if not arms:
        raise ConfigError(f"the design in {where} has no runs; give every list at least one value")
    _check_arms(exp, arms, structures, where)
    return exp


def _scenario_of(exp: Experiment, value: str) -> Scenario:
    target = str(exp.base_dir / value) if exp.base_dir is not None and value.endswith(".toml") else value
    return load_scenario(target)


def _pattern_of(exp: Experiment, value: str) -> Pattern:
    target = str(exp.base_dir / value) if exp.base_dir is not None and value.endswith(".toml") else value
    return load_pattern(target)


def _structures(exp: Experiment, where: str) -> dict[str, int]:
    """Residents of each scenario's own structure file, loaded (and so checked) once, by scenario."""
    factor = next((f for f in exp.factors if f.name == "scenario"), None)
    out = {}
    for value in factor.values if factor else ("default",):
        try:
            sc = _scenario_of(exp, value)  # a structure file is read and checked with its scenario
        except CoopError as exc:
            raise ConfigError(f"scenario {value} in {where}: {exc}") from None
        if sc.structure is not None:
            out[value] = int(sc.sizes["residents"])
    return out


def _largest_district(exp: Experiment, structures: dict[str, int]) -> int:
    """The most residents any arm can have (for the memory check), before the arms are made."""
    factor = next((f for f in exp.factors if f.name == "residents"), None)
    if factor is not None:
        largest = int(factor.high) if factor.ranged else max(int(v) for v in factor.values)
    else:
        scen = next((f for f in exp.factors if f.name == "scenario"), None)
        largest = max(
            int(_scenario_of(exp, v).parameters.get("residents", PARAMETERS["residents"].default))
            for v in (scen.values if scen else ("default",))
        )
    return max([largest, *structures.values()])


# The parameters make_config and the district builder check against each other.
_CROSS_CHECKED = frozenset(
    {
        "alert_threshold",
        "emergency_threshold",
        "residents",
        "street_offices",
        "communities_per_street",
        "arrival",
        "social_organisations",
        "communities_per_organisation",
        "profile",
        "party_member_share",
        "cross_community_ties",
    }
)


def _check_arms(exp: Experiment, arms: list[dict[str, Any]], structures: dict[str, int], where: str) -> None:
    """Every arm makes a valid configuration and district: refused here rather than failing in every run."""
    from coop_agents.config import make_config
    from coop_agents.network import DistrictSpec, check_spec
    from coop_agents.scenarios import check_structure_overrides

    scenarios: dict[str, Scenario] = {}
    patterns: dict[str, Pattern] = {}
    seen = set()
    for arm in arms:
        sc_name, pat_name = str(arm.get("scenario", "default")), str(arm.get("pattern", "siloed"))
        # Only what the checks below read: arms that differ elsewhere (a sampled lever) are alike here.
        overrides = {k: v for k, v in arm.items() if k in _CROSS_CHECKED}
        key = (sc_name, pat_name, tuple(sorted(overrides.items())))
        if key in seen:
            continue
        seen.add(key)
        sc = scenarios.get(sc_name) or scenarios.setdefault(sc_name, _scenario_of(exp, sc_name))
        pat = patterns.get(pat_name) or patterns.setdefault(pat_name, _pattern_of(exp, pat_name))
        label = ", ".join(f"{k}={_short(arm[k])}" for k in exp.varied_names) or "the only arm"
        try:
            check_structure_overrides(sc, overrides)  # a district from a file brings its own sizes
            config = make_config(sc.parameters, pat.levers, overrides)
            if sc_name not in structures:
                check_spec(DistrictSpec.from_config(config))
        except CoopError as exc:
            raise ConfigError(f"arm {label} of {where}: {exc}") from None
        if config.arrival == "schedule" and not sc.events:
            raise ConfigError(
                f"arm {label} of {where}: arrival=schedule needs a scenario with an [[events]] list; "
                f"scenario {sc_name} has none"
            )


def _positive_int(value, name, where, allow_zero=False) -> int:
    where = where if where.startswith("on ") else f"in {where}"
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        raise ConfigError(
            f"{name}={value!r} {where}: expected an integer of at least {0 if allow_zero else 1}"
        )
    return value


def _factor(name: str, spec: Any, role: str, design: str, where: str, folder: Path) -> Factor:
    special = {"lever": "pattern", "uncertainty": "scenario"}[role]
    if name == special:
        values = spec if isinstance(spec, list) else [spec]
        if not values:
            raise ConfigError(f"{name} = [] in {where}: an empty list leaves the design without runs")
        for v in values:
            if not isinstance(v, str):
                raise ConfigError(f"{name}={v!r} in {where}: expected a preset name or a .toml path")
            target = str(folder / v) if v.endswith(".toml") else v
            (load_pattern if role == "lever" else load_scenario)(target)
        return Factor(name, role, tuple(values))
    param = PARAMETERS.get(name)
    if param is None:
        allowed = "a lever" if role == "lever" else "a scenario parameter"
        raise ConfigError(
            f"unknown {role} {name!r} in {where}; expected pattern or {allowed} "
            f"(see 'coop-agents params --role {'lever' if role == 'lever' else 'scenario'}')"
        )
    expected = "lever" if role == "lever" else "scenario"
    if param.role != expected:
        other = "[levers]" if param.role == "lever" else "[uncertainties]"
        raise ConfigError(f"{name!r} in {where} is a {param.role} parameter; put it under {other}")
    if isinstance(spec, dict):
        if set(spec) != {"low", "high"}:
            raise ConfigError(
                f"{name} in {where}: a range is {{ low = ..., high = ... }}, got keys {sorted(spec)}"
            )
        if design == "grid":
            raise ConfigError(
                f"{name} in {where}: a range needs design kind lhs, sobol or morris; "
                f"with grid give a list of values"
            )
        if param.type not in ("float", "int"):
            raise ConfigError(
                f"{name} in {where}: only numeric parameters take a range; give a list of values"
            )
        low, high = param.coerce(spec["low"], where), param.coerce(spec["high"], where)
        if not low < high:
            raise ConfigError(f"{name} in {where}: range low={low} must be below high={high}")
        return Factor(name, role, (), float(low), float(high))
    values = spec if isinstance(spec, list) else [spec]
    if not values:
        raise ConfigError(f"{name} = [] in {where}: an empty list leaves the design without runs")
    return Factor(name, role, tuple(param.coerce(v, where) for v in values))


def _baseline(spec: Any, exp: Experiment, where: str) -> dict[str, Any]:
    if spec is None:
        return {}
    if not isinstance(spec, dict) or not spec:
        raise ConfigError(f'baseline in {where} must be a table like {{ pattern = "siloed" }}')
    crossed = {f.name: f for f in exp.crossed}
    for k, v in spec.items():
        if k not in crossed:
            raise ConfigError(
                f"baseline {k!r} in {where}: only a crossed factor (a list) can define the "
                f"baseline; crossed here: {', '.join(crossed) or 'none'}"
            )
        if v not in crossed[k].values:
            raise ConfigError(
                f"baseline {k}={v!r} in {where}: not one of its values {list(crossed[k].values)}"
            )
    return dict(spec)
