"""Tabletop drills (应急演练 / 桌面推演): officials play roles live, the model plays the rest.

:class:`Exercise` runs a drill (people are deciders on the decision seam, turn by turn, with
injects from a library kept as data); its log replays it exactly; its debrief compares the team
with every preset pattern on the same outbreak and finds the decisions that mattered most;
:class:`~coop_agents.tabletop.room.Room` holds a drill for the app (codes, submissions, the
timer). See docs/workshop.md, "Tabletop drill".

    >>> from coop_agents.tabletop import Exercise, Inject
"""

from __future__ import annotations

from typing import Any

__all__ = ["Exercise", "Inject", "Pending", "library"]

_WHERE = {"Exercise": "exercise", "Pending": "exercise", "Inject": "injects", "library": "injects"}


def __getattr__(name: str) -> Any:
    # The command line imports coop_agents.tabletop.cli at start; the model is imported only when
    # a drill is made.
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"coop_agents.tabletop.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'coop_agents.tabletop' has no attribute {name!r}")
