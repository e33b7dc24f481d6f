"""Reading an experiment definition (a TOML file or its dict) into a checked :class:`Experiment`.

Every key and value is checked with an error naming it; then the sizes of the plan, and every arm
(:mod:`~coop_agents.experiments.design.checks`), before any run starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coop_agents.config import PARAMETERS, check_keys, read_toml
from coop_agents.errors import ConfigError, CoopError
from coop_agents.experiments.design.checks import check_arms, largest_district, structures_of
from coop_agents.experiments.design.experiment import Experiment, Factor
from coop_agents.experiments.design.samplers import DESIGNS
from coop_agents.limits import MAX_DESIGN_POINTS, MAX_REPLICATES, MAX_SEED, check_plan
from coop_agents.metrics import OUTCOMES, TimeSeries
from coop_agents.patterns import load_pattern
from coop_agents.scenarios import load_scenario

__all__ = ["MAX_LEVELS", "load_experiment", "experiment_from_dict"]

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
    structures = structures_of(exp, where)
    exp.largest_district = largest_district(exp, structures)
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
    check_arms(exp, arms, structures, where)
    return exp


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
