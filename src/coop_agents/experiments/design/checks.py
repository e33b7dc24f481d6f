"""What every arm of an experiment must satisfy, checked once before any run.

The sizes of the districts (for the memory check of the plan) and a valid configuration and
district for every distinct arm: a definition is refused here rather than failing in every run.
"""

from __future__ import annotations

from typing import Any

from coop_agents.config import PARAMETERS
from coop_agents.errors import ConfigError, CoopError
from coop_agents.experiments.design.experiment import Experiment, short_value
from coop_agents.patterns import Pattern, load_pattern
from coop_agents.scenarios import Scenario, load_scenario

__all__ = ["structures_of", "largest_district", "check_arms"]


def _scenario_of(exp: Experiment, value: str) -> Scenario:
    target = str(exp.base_dir / value) if exp.base_dir is not None and value.endswith(".toml") else value
    return load_scenario(target)


def _pattern_of(exp: Experiment, value: str) -> Pattern:
    target = str(exp.base_dir / value) if exp.base_dir is not None and value.endswith(".toml") else value
    return load_pattern(target)


def structures_of(exp: Experiment, where: str) -> dict[str, int]:
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


def largest_district(exp: Experiment, structures: dict[str, int]) -> int:
    """The most residents any arm can have (for the memory check), before the arms are made."""
    factor = next((f for f in exp.factors if f.name == "residents"), None)
    if factor is not None:
        # A ranged factor has both ends set.
        largest = int(factor.high) if factor.high is not None else max(int(v) for v in factor.values)
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


def check_arms(exp: Experiment, arms: list[dict[str, Any]], structures: dict[str, int], where: str) -> None:
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
        label = ", ".join(f"{k}={short_value(arm[k])}" for k in exp.varied_names) or "the only arm"
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
