"""An inject's expected action: its check, read from the inject's file (``[expected]``), and
whether a run met it (:func:`expected_met`, which the debrief shows against each inject)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from coop_agents.config import check_keys
from coop_agents.errors import CoopError

if TYPE_CHECKING:
    from coop_agents.tabletop.injects import Inject

__all__ = ["CHECKS", "STATES", "check_spec", "expected_met"]

CHECKS = ("state", "measures", "decision")
STATES = ("normal", "pre_transition", "emergency", "post_transition")


def check_spec(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or raw.get("check") not in CHECKS:
        raise CoopError(f"{where}: [expected] needs check = one of {', '.join(CHECKS)}")
    allowed = {
        "state": {"check", "states", "within_days"},
        "measures": {"check", "at_least", "within_days"},
        "decision": {"check", "kinds", "choices", "within_days"},
    }[raw["check"]]
    check_keys(raw, allowed, f"[expected] of {where}")
    days = raw.get("within_days")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
        raise CoopError(f"{where}: [expected] within_days={days!r}; expected an integer from 0 to 365")
    if raw["check"] == "state" and not (raw.get("states") and set(raw["states"]) <= set(STATES)):
        raise CoopError(f"{where}: [expected] states must list some of {', '.join(STATES)}")
    if raw["check"] == "measures":
        level = raw.get("at_least")
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level <= 1:
            raise CoopError(f"{where}: [expected] at_least={level!r}; expected a level above 0, at most 1")
    if raw["check"] == "decision":
        from coop_agents.decisions import KINDS

        if not raw.get("kinds") or not set(raw["kinds"]) <= set(KINDS) or not raw.get("choices"):
            raise CoopError(f"{where}: [expected] needs kinds (some of {', '.join(KINDS)}) and choices")
    return dict(raw)


def expected_met(
    inject: Inject,
    communities: list[int],
    states: np.ndarray,
    levels: np.ndarray,
    decisions: list[dict[str, Any]],
    human_kinds: set[str],
) -> tuple[str, int | None]:
    """Whether the expected action of ``inject`` happened in a run, and on which day.

    Args:
        inject: the inject (its target resolved); ``communities`` those it concerns.
        states, levels: per day (row = day) and community, the governance state and the level of
            measures of the run.
        decisions: the team's decisions (log records with ``day``, ``kind``, ``community``,
            ``choice``, ``organisation``).
        human_kinds: organisation kinds some player played.

    Returns:
        ``("met", day)``, ``("missed", None)`` or, for a check of decisions no player could have
        made, ``("model", None)`` (the model played every role concerned).
    """
    check = inject.spec.check
    first, last = inject.day, inject.day + int(check["within_days"])
    ks = list(communities)
    rows = range(first, min(last, states.shape[0] - 1) + 1)
    if check["check"] == "state":
        wanted = [STATES.index(s) for s in check["states"]]
        for day in rows:
            if np.isin(states[day, ks], wanted).any():
                return "met", day
        return "missed", None
    if check["check"] == "measures":
        for day in rows:
            if (levels[day, ks] >= check["at_least"] - 1e-9).any():
                return "met", day
        return "missed", None
    kinds = {
        "request_resources": {"committee", "street_office"},
        "dispatch": {"government", "street_office"},
        "approve_state": {"government", "street_office"},
        "own_task": {"committee"},
    }
    could = set().union(*(kinds.get(k, {"committee"}) for k in check["kinds"]))
    if not could & human_kinds:
        return "model", None
    hits = [
        d["day"]
        for d in decisions
        if d["kind"] in check["kinds"]
        and d["choice"] in check["choices"]
        and (d["community"] in ks or d["community"] == -1)
        and first <= d["day"] <= last
    ]
    return ("met", min(hits)) if hits else ("missed", None)
