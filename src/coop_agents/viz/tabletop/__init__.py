"""The tabletop drill page (``/tabletop``, 应急演练 / 桌面推演): a facilitator's console and the players' pages.

Whoever opens the page sees a lobby: *join* a drill with a room code and a role's code, *start*
one as its facilitator (scenario, institutional setting, seed, turn length, days played, time per
turn, the default for undecided decisions, hints, the roles played by people), or *reopen* a
drill's console with its room code and facilitator's code (after a restart, from its log).

A player's page shows only what the role knows (:meth:`coop_agents.tabletop.exercise.Exercise.view`):
the inbox, the communities' states and levels of measures, the perceived or reported risk, the
stocks and volunteers, the requests waiting, the injects that reached it; and a form generated
from the decisions waiting, with the rules' suggestion as a hint when the facilitator shows hints.
The console shows the true state, who has submitted, the codes to hand out, the timer's controls,
the inject library and, after the last turn, the debrief and its export.

The drill lives in a :class:`~coop_agents.tabletop.room.Room` shared by the sessions; each session
waits on the room in a thread of its own and redraws when the room changes. Nothing true reaches a
player's session: only the console renders the true risk, and a session renders one of the three.
The parts: :mod:`.common` (the session's place, the room's watch and clock, tables and words the
panels share), :mod:`.lobby` (join, start, reopen), :mod:`.player` (a player's page),
:mod:`.console` (the facilitator's console) and :mod:`.page` (the page itself).
"""

from __future__ import annotations

from coop_agents.viz.tabletop.common import place, role_css, tabletop_dir, use_room
from coop_agents.viz.tabletop.console import ConsoleView
from coop_agents.viz.tabletop.lobby import Lobby
from coop_agents.viz.tabletop.page import TabletopPage, TabletopView
from coop_agents.viz.tabletop.player import PlayerView
from coop_agents.viz.workshop.rounds import WORKSHOP_DIR_ENV

__all__ = [
    "WORKSHOP_DIR_ENV",
    "ConsoleView",
    "Lobby",
    "PlayerView",
    "TabletopPage",
    "TabletopView",
    "place",
    "role_css",
    "tabletop_dir",
    "use_room",
]
