"""Scenarios: the uncertainties of a run (population, hazard, horizon) as named presets or files.

A scenario file sets rows of the parameter table with role ``scenario`` and may name a district
structure of its own (a GraphML file, an .xlsx workbook or a folder of CSV files, relative to the
file; see docs/district.md)::

    name = "my_district"
    title_en = "An epidemic in my district"
    title_zh = "我的辖区疫情"
    description = "One line."
    structure = "my_district.xlsx"      # optional; otherwise a district is built from the sizes

With a structure file the district's sizes (``residents``, ``street_offices``, ...) come from the
file: given in the scenario, or as overrides, they must match it (see :data:`SIZE_KEYS`).

    [parameters]
    residents = 12000
    hazard = "contagion"
    arrival = "schedule"                # optional: several events, listed below

    [[events]]
    day = 0
    hazard = "contagion"

    [[events]]
    day = 40
    hazard = "shock"
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mesa.experimental.scenarios import Scenario as MesaScenario

from coop_agents.config import validate_overrides
from coop_agents.errors import ConfigError
from coop_agents.events import parse_events
from coop_agents.toml_files import (
    check_keys,
    is_file_name,
    read_presets,
    read_toml,
    required_name,
    settings_table,
    text_field,
    unknown_preset,
)

__all__ = [
    "Scenario",
    "PresetScenario",
    "load_scenario",
    "preset_scenarios",
    "check_structure_overrides",
    "district_scenario",
    "offer_district",
    "SIZE_KEYS",
    "DISTRICT_ENV",
]

# Parameters a district from a file fixes: given with a structure file, they must match it.
SIZE_KEYS = (
    "residents",
    "street_offices",
    "communities_per_street",
    "social_organisations",
    "communities_per_organisation",
    "profile",
)
# Parameters of the builder's residents, which a file of listed residents leaves nothing to apply to.
LISTED_KEYS = ("party_member_share", "cross_community_ties")

_KEYS = {
    "name",
    "title_en",
    "title_zh",
    "description",
    "description_zh",
    "story_en",
    "story_zh",
    "notes_en",
    "notes_zh",
    "structure",
    "parameters",
    "events",
}


@dataclass(frozen=True)
class Scenario:
    """A named setting of uncertainties, with titles and an optional structure file."""

    name: str
    title_en: str
    title_zh: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    structure: Path | None = None
    texts: dict[str, str] = field(default_factory=dict)
    events: tuple = ()  # EventSpec schedule, used when arrival = "schedule"
    sizes: dict[str, Any] = field(default_factory=dict)  # the structure file's sizes (see SIZE_KEYS)
    population: str = ""  # the structure file's residents: "listed" or "synthetic"


def _from_dict(data: dict, where: str, folder: Path | None) -> Scenario:
    check_keys(data, _KEYS, where)
    params = settings_table(data, "parameters", where, "key = value")
    name = required_name(data, where, "scenario")
    structure = data.get("structure")
    sizes: dict[str, Any] = {}
    population = ""
    if structure is not None:
        if not isinstance(structure, str) or not structure or "\0" in structure or folder is None:
            raise ConfigError(
                f"structure={structure!r} in {where}: expected the path of a district file (GraphML, "
                f"an .xlsx workbook or a folder of CSV files), relative to the scenario file"
            )
        from coop_agents.district.files import read_structure  # read and checked once per file and change

        structure = folder / structure
        district = read_structure(structure)
        sizes, population = district.sizes(), district.population
    events = data.get("events")
    if events is not None and isinstance(events, list):
        for i, item in enumerate(events):
            hazard = item.get("hazard", "contagion") if isinstance(item, dict) else "contagion"
            if not isinstance(hazard, str):
                raise ConfigError(
                    f"event {i + 1} in {where}: hazard={hazard!r}; expected a hazard name (a string)"
                )
    parameters = validate_overrides(params, where, role="scenario")
    if structure is not None:
        probe = Scenario(
            name=str(name),
            title_en="",
            title_zh="",
            description="",
            structure=structure,
            sizes=sizes,
            population=population,
        )
        check_structure_overrides(probe, parameters, f"in {where}")
        parameters = {**parameters, **sizes}
    if parameters.get("arrival") == "schedule" and not events:
        raise ConfigError(
            f'arrival = "schedule" in {where} needs an [[events]] list (day and hazard of each event)'
        )
    return Scenario(
        name=name,
        title_en=text_field(data, "title_en", where, name),
        title_zh=text_field(data, "title_zh", where, name),
        description=text_field(data, "description", where),
        parameters=parameters,
        structure=structure,
        texts={
            k: text_field(data, k, where) for k in data if k.startswith(("story_", "notes_", "description_"))
        },
        events=parse_events(events, where) if events is not None else (),
        sizes=sizes,
        population=population,
    )


def _preset(data: dict, where: str) -> Scenario:
    return _from_dict(data, where, None)  # a preset names no structure file


class PresetScenario(MesaScenario):
    """Our scenario choice, in the form Mesa 3.5 keeps on ``model.scenario``.

    Mesa's ``SolaraViz`` rebuilds a model on reset with ``scenario=<model.scenario's class>(...)``
    filled from the app's parameters whose names are fields of that class. Carrying the choice in
    the field ``scenario_name`` lets an app choose a scenario that survives a reset.
    """

    scenario_name: str = "default"


_PRESETS: dict[str, Scenario] = {}
# Set by ``coop-agents app --district FILE``: the app offers that district as a scenario of its own
# (a file the operator names on the command line, never one a visitor uploads).
DISTRICT_ENV = "COOP_AGENTS_DISTRICT"


def preset_scenarios() -> dict[str, Scenario]:
    """The scenarios shipped with the package, by name ("default" first)."""
    if not _PRESETS:
        found = {sc.name: sc for sc in read_presets("scenarios", _preset)}
        _PRESETS.update(sorted(found.items(), key=lambda kv: (kv[0] != "default", kv[0])))
        if os.environ.get(DISTRICT_ENV):
            offer_district(os.environ[DISTRICT_ENV])
    return _PRESETS


def offer_district(path: str | Path) -> Scenario:
    """Offer the district of a structure file among the preset scenarios (``app --district``)."""
    path = Path(path).resolve()
    presets = preset_scenarios()
    found = next((sc for sc in presets.values() if sc.structure == path), None)
    if found is None:
        found = district_scenario(path, presets["default"], set(presets))
        presets[found.name] = found
    return found


def district_scenario(path: str | Path, base: Scenario, taken: Collection[str] = frozenset()) -> Scenario:
    """A scenario on the district of a structure file: ``base``'s hazard and horizon, the file's
    district (named after the file; what ``coop-agents app --district`` offers)."""
    from coop_agents.district.files import read_structure

    path = Path(path).resolve()
    district = read_structure(path)
    name = re.sub(r"\W", "_", path.stem, flags=re.ASCII).strip("_") or "district"
    if name in taken:
        name = f"{name}_district"
    parameters = {k: v for k, v in base.parameters.items() if k not in SIZE_KEYS}
    if district.population == "listed":
        parameters = {k: v for k, v in parameters.items() if k not in LISTED_KEYS}
    sizes = district.sizes()
    return Scenario(
        name=name,
        title_en=f"Your district ({path.name})",
        title_zh=f"本辖区（{path.name}）",
        description=f"{base.description} On the district of {path.name}: {sizes['residents']:,} residents.",
        parameters={**parameters, **sizes},
        structure=path,
        texts={k: v for k, v in base.texts.items()},
        sizes=sizes,
        population=district.population,
    )


def load_scenario(scenario: str | Path | Scenario) -> Scenario:
    """A preset by name, a scenario TOML file by path, or a :class:`Scenario` as it is."""
    if isinstance(scenario, Scenario):
        return scenario
    text = str(scenario)
    if is_file_name(text):
        path = Path(text)
        return _from_dict(read_toml(path, "scenario"), str(path), path.parent)
    presets = preset_scenarios()
    if text not in presets:
        raise unknown_preset("scenario", text, presets)
    return presets[text]


def check_structure_overrides(scenario: Scenario, overrides: dict[str, Any], where: str = "") -> None:
    """Refuse sizes given for a scenario whose district comes from a file, unless they match it.

    Raises:
        ConfigError: naming the value, what the file has, and what to do.
    """
    if scenario.structure is None:
        return
    sizes = scenario.sizes
    origin = f" {where}" if where else ""
    for key in SIZE_KEYS:
        if key in overrides and overrides[key] != sizes.get(key):
            raise ConfigError(
                f"{key}={overrides[key]!r}{origin}: scenario {scenario.name} takes its district from "
                f"{scenario.structure}, which has {key}={sizes.get(key)!r}; with a structure file the "
                f"district's sizes come from the file, so leave {key} out (or give {sizes.get(key)!r})"
            )
    if scenario.population == "listed":
        for key in LISTED_KEYS:
            if key in overrides:
                raise ConfigError(
                    f"{key}={overrides[key]!r}{origin}: scenario {scenario.name} takes its residents "
                    f"and their contacts one by one from {scenario.structure}, so {key} has nothing to "
                    f"act on; leave it out"
                )
