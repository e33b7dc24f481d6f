"""The frozen run configuration, built and validated from the parameter table.

The table itself (:data:`PARAMETERS`, one :class:`Param` a setting) is data in
:mod:`coop_agents.parameters`; TOML files are read by :mod:`coop_agents.toml_files`. Both are
re-exported here, the import path the rest of the package and users know.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coop_agents.errors import ConfigError
from coop_agents.parameters import ACTIONS, PARAMETERS, PILLARS, Param
from coop_agents.toml_files import check_keys, read_toml

__all__ = [
    "PARAMETERS",
    "Param",
    "Config",
    "make_config",
    "validate_overrides",
    "parse_value",
    "read_toml",
    "check_keys",
    "ACTIONS",
    "PILLARS",
]

# Config is built from the table, so it can never disagree with it; config_class.py declares the
# same class field by field for readers and type checkers (generated, checked by tests/test_config.py).
if TYPE_CHECKING:
    from coop_agents.config_class import Config
else:
    Config = dataclasses.make_dataclass(
        "Config",
        [
            (p.name, {"float": float, "int": int, "bool": bool, "choice": str}[p.type])
            for p in PARAMETERS.values()
        ],
        frozen=True,
        slots=True,
        namespace={
            "__doc__": "A complete, validated setting of every parameter (frozen).",
            "as_dict": lambda self: dataclasses.asdict(self),
        },
    )


def parse_value(name: str, text: str) -> Any:
    """Parse a ``key=value`` override given as text (CLI) into the parameter's type."""
    return _param(name, "--set").coerce(text.strip(), "--set")


def _param(name: str, where: str) -> Param:
    try:
        return PARAMETERS[name]
    except KeyError:
        close = [k for k in PARAMETERS if k.startswith(name[:4])] if len(name) >= 4 else []
        hint = f" (did you mean {', '.join(close[:3])}?)" if close else ""
        raise ConfigError(
            f"unknown parameter {name!r} in {where}{hint}; run 'coop-agents params' for the list"
        ) from None


def validate_overrides(values: Mapping[str, Any], where: str, role: str | None = None) -> dict:
    """Check keys and values against the table; return them coerced to their types.

    Args:
        values: parameter settings, e.g. from a TOML file or keyword arguments.
        where: what the values came from, named in error messages.
        role: if given, only parameters of this role (``scenario`` or ``lever``) are allowed.
    """
    out = {}
    for key, value in values.items():
        param = _param(key, where)
        if role is not None and param.role != role:
            kind = "a scenario" if role == "scenario" else "a pattern"
            raise ConfigError(
                f"{key!r} in {where} is a {param.role} parameter and cannot be set by {kind}; "
                f"set it in a {'pattern' if param.role == 'lever' else 'scenario'} or with --set"
            )
        out[key] = param.coerce(value, where)
    return out


def make_config(*layers: Mapping[str, Any]) -> Config:
    """Build a :class:`Config` from the defaults overlaid by already validated layers, in order."""
    values = {name: p.default for name, p in PARAMETERS.items()}
    for layer in layers:
        values.update(layer)
    if values["emergency_threshold"] < values["alert_threshold"]:
        raise ConfigError(
            f"emergency_threshold={values['emergency_threshold']:g} is below "
            f"alert_threshold={values['alert_threshold']:g}; it must be at least as high"
        )
    return Config(**values)
