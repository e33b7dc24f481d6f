"""The drill page for one browser session: the lobby, a player's page or the console, by where
the session is (:data:`~coop_agents.viz.tabletop.common.place`)."""

from __future__ import annotations

import solara

from coop_agents.tabletop.strings import t
from coop_agents.viz.components import HELP_STYLE
from coop_agents.viz.server import APP_NAME
from coop_agents.viz.tabletop.common import place
from coop_agents.viz.tabletop.console import ConsoleView
from coop_agents.viz.tabletop.lobby import Lobby
from coop_agents.viz.tabletop.player import PlayerView

__all__ = ["TabletopPage", "TabletopView"]


@solara.component
def TabletopView(lang: str):
    """The whole page for one browser session."""
    from coop_agents.tabletop.room import ROOMS

    solara.Title(f"{t('page.title', lang)} · {APP_NAME}")
    where = place.value
    with solara.Column(gap="16px", classes=["coop-tabletop"], style={"max-width": "1300px"}):
        solara.Text(t("page.title", lang), style={"font-size": "1.5rem"})
        room = ROOMS.get(where[1]) if where else None
        if where is None or room is None:
            solara.Text(t("page.intro", lang), style=HELP_STYLE)
            Lobby(lang)
        elif where[0] == "player":
            PlayerView(room, where[2], lang)
        else:
            ConsoleView(room, lang)


@solara.component
def TabletopPage():
    from coop_agents.viz import app

    TabletopView(app.language.value)
