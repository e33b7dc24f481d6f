"""A drill's settings: checked before anything is built (one line of error for each), and kept
as the first record of its log."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_agents import __version__
from coop_agents.decisions import DECIDER_KINDS
from coop_agents.errors import CoopError
from coop_agents.tabletop.deciders import DEFAULTS
from coop_agents.tabletop.log import FORMAT

if TYPE_CHECKING:
    from coop_agents.model import CoordinationModel

__all__ = ["HALF_DAY", "MAX_TURN_DAYS", "assign_roles", "check_settings", "settings_record"]

HALF_DAY = 0.5
MAX_TURN_DAYS = 14


def check_settings(
    seed: int, turn_days: float, default: str, days: int | None, humans: Sequence[Hashable]
) -> list[Hashable]:
    """The roles people play, each once, in order, if the settings are allowed.

    Raises:
        CoopError: a bad seed, turn length, default or number of days, or no role.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise CoopError(f"seed={seed!r}: expected a non-negative integer")
    if turn_days != HALF_DAY and (
        isinstance(turn_days, bool)
        or not float(turn_days).is_integer()
        or not 1 <= turn_days <= MAX_TURN_DAYS
    ):
        raise CoopError(f"turn_days={turn_days!r}: a turn is half a day (0.5) or 1 to {MAX_TURN_DAYS} days")
    if default not in DEFAULTS:
        raise CoopError(f"default={default!r}: an undecided decision takes one of {', '.join(DEFAULTS)}")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
        raise CoopError(f"days={days!r}: the days people play, a whole number of at least 1")
    roles = list(dict.fromkeys(humans))
    if not roles:
        raise CoopError("humans: name at least one role people play (an organisation kind or node id)")
    return roles


def settings_record(
    scenario: str | Path,
    pattern: str | Path,
    seed: int,
    humans: list[Hashable],
    turn_days: float,
    days: int | None,
    default: str,
    overrides: Mapping[str, Any],
    injects: list[dict],
) -> dict[str, Any]:
    """The log's first record: what a replay builds the drill from, and when it was made."""
    return {
        "type": "settings",
        "format": FORMAT,
        "coop_agents": __version__,
        "scenario": str(scenario),
        "pattern": str(pattern),
        "seed": seed,
        "humans": humans,
        "turn_days": turn_days,
        "days": days,
        "default": default,
        "overrides": overrides,
        "injects": injects,
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def assign_roles(model: CoordinationModel, humans: list[Hashable]) -> dict[Hashable, Hashable]:
    """The role that decides for each organisation people play (by node): the organisation
    itself if named, else its kind.

    Raises:
        CoopError: a kind of organisation the district does not have.
    """
    roles = {}
    for org in model.organisations:
        role = org.node if org.node in humans else org.kind if org.kind in humans else None
        if role is not None:
            roles[org.node] = role
    for h in humans:
        if h in DECIDER_KINDS and not any(o.kind == h for o in model.organisations):
            raise CoopError(
                f"humans: this district has no {h}; its organisations are of the kinds "
                f"{', '.join(sorted({o.kind for o in model.organisations}))}"
            )
    return roles
