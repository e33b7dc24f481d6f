"""The browser app served by ``coop-agents app``: one pattern day by day, patterns compared, a workshop.

Five pages: ``/`` runs one pattern with its controls; ``/compare`` steps two or three patterns on
the same scenario and seed together; ``/workshop`` is a facilitator's round of predict, then
reveal (:mod:`coop_agents.viz.workshop`); ``/tabletop`` a drill with a player per role
(:mod:`coop_agents.viz.tabletop`); ``/explore`` the analyses of the results folder the app was
started with (:mod:`coop_agents.viz.explore`; in the navigation bar only then). Solara keeps module-level reactive values per browser
session (each page load is one), so the language and settings below are each session's own; the
models live in a :class:`~coop_agents.viz.session.Session` that :func:`Layout` makes once per
session and hands to the pages. One session's step or reset never touches another's models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import solara
from reacton.core import UserContext

from coop_agents.i18n import text
from coop_agents.viz.components import (
    HELP_STYLE,
    SEED_MAX,
    ChartsView,
    LanguageSwitch,
    NetworkView,
    NumberField,
    OutcomeTable,
    ParamControl,
    PatternSelect,
    Player,
    ScenarioSelect,
    StatesView,
)
from coop_agents.viz.explore import ExplorePage, results_folder
from coop_agents.viz.server import APP_NAME, tab_title
from coop_agents.viz.session import CONTROL_GROUPS, CompareSettings, Ensemble, RunSettings, Session
from coop_agents.viz.tabletop import TabletopPage
from coop_agents.viz.workshop import WorkshopView

__all__ = ["Layout", "RunPage", "ComparePage", "WorkshopPage", "routes"]

language = solara.reactive("en")
run_settings = solara.reactive(RunSettings())
compare_settings = solara.reactive(CompareSettings())
colour_by = solara.reactive("harm")
# The street office the run page shows on its own at district scale (None: the whole district).
street_shown: solara.Reactive[int | None] = solara.reactive(None)
# Layout provides each browser session's Session to the pages below it.
session_context: UserContext[Session | None] = solara.create_context(None)

PAGES = (
    ("/", "nav.run"),
    ("/compare", "nav.compare"),
    ("/workshop", "nav.workshop"),
    ("/tabletop", "nav.tabletop"),
    ("/explore", "nav.explore"),
)


def pages() -> tuple[tuple[str, str], ...]:
    """The navigation bar's pages (path, i18n key): Explore only when the app was started with a
    results folder (``--results``), which is all that page shows."""
    return tuple(p for p in PAGES if p[0] != "/explore" or results_folder() is not None)


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's layout signature
    session = solara.use_memo(Session, [])
    session_context.provide(session)
    lang = language.value
    router = solara.use_router()
    solara.Title(text("app.title", lang))
    with solara.AppLayout(children=children, navigation=False):
        with solara.AppBar():
            solara.AppBarTitle(text("app.title", lang))
            for path, key in pages():
                solara.Button(
                    text(key, lang),
                    on_click=lambda path=path: router.push(path),
                    text=True,
                    dark=True,
                    outlined=router.path == path,
                    classes=["coop-nav"],
                )
            solara.Text(text("language", lang) + ":", style={"margin": "0 6px 0 18px"})
            LanguageSwitch(language)


def _bump(set_version):
    return lambda: set_version(lambda v: v + 1)


@solara.component
def RunControls(lang: str):
    s = run_settings.value

    def update(change):
        return lambda value: run_settings.set(change(run_settings.value, value))

    with solara.Column(gap="12px"):
        solara.Text(text("controls", lang), style={"font-size": "1.2rem"})
        ScenarioSelect(s.scenario, update(RunSettings.with_scenario), lang)
        PatternSelect(text("pattern", lang), s.pattern, update(RunSettings.with_pattern), lang)
        solara.Text(text("pattern.help", lang), style=HELP_STYLE)
        NumberField(
            text("seed", lang),
            text("seed.help", lang),
            s.seed,
            update(lambda old, seed: replace(old, seed=seed)),
            0,
            SEED_MAX,
            lang,
        )
        config = s.config()
        for group, names in CONTROL_GROUPS.items():
            with solara.Card(text(f"group.{group}", lang), margin=0):
                for name in names:
                    ParamControl(
                        name,
                        getattr(config, name),
                        update(lambda old, value, name=name: old.with_value(name, value)),
                        lang,
                    )


@solara.component
def RunPage():
    """One pattern: controls, the player, the network, the outcome table, states and charts."""
    lang = language.value
    solara.Title(tab_title("nav.run", lang))
    with solara.Sidebar():
        RunControls(lang)
    RunViews(lang)


def _use_ensemble(
    slot: str, make: Callable, settings: solara.Reactive
) -> tuple[Ensemble, Callable, Callable]:
    """The session's ensemble in ``slot`` (made from ``settings`` on first use), and the
    player's two callbacks: redraw after a step, and reset (a new ensemble from the settings)."""
    session = solara.use_context(session_context)
    assert session is not None  # every page is under Layout
    _version, set_version = solara.use_state(0)
    if getattr(session, slot) is None:
        setattr(session, slot, make(settings.peek()))

    def reset() -> None:
        setattr(session, slot, make(settings.value))
        set_version(lambda v: v + 1)

    return getattr(session, slot), _bump(set_version), reset


@solara.component
def RunViews(lang: str):
    """The player and the views; a day stepped redraws these, not the controls."""
    ensemble, stepped, reset = _use_ensemble("single", Ensemble.single, run_settings)
    day = ensemble.day
    Player(ensemble, day, stepped, reset, lang)
    NetworkView(ensemble, day, lang, colour_by, street_shown)
    with solara.Columns([3, 2]):
        StatesView(ensemble, day, lang, street_shown.value)
        OutcomeTable(ensemble, day, lang)
    ChartsView(ensemble, day, lang)


@solara.component
def CompareControls(lang: str):
    s = compare_settings.value
    patterns = list(s.patterns) + [None] * (3 - len(s.patterns))

    def set_pattern(i: int):
        def change(name):
            chosen = list(patterns)
            chosen[i] = name
            compare_settings.set(replace(compare_settings.value, patterns=tuple(p for p in chosen if p)))

        return change

    with solara.Column(gap="12px"):
        solara.Text(text("controls", lang), style={"font-size": "1.2rem"})
        ScenarioSelect(
            s.scenario, lambda v: compare_settings.set(replace(s, scenario=v, residents=None)), lang
        )
        NumberField(
            text("seed", lang),
            text("seed.help", lang),
            s.seed,
            lambda seed: compare_settings.set(replace(compare_settings.value, seed=seed)),
            0,
            SEED_MAX,
            lang,
        )
        residents = (
            s.residents if s.residents is not None else RunSettings(scenario=s.scenario).value("residents")
        )
        ParamControl(
            "residents",
            residents,
            lambda n: compare_settings.set(replace(compare_settings.value, residents=n)),
            lang,
        )
        with solara.Card(text("compare.patterns", lang), margin=0), solara.Column(gap="18px"):
            solara.Text(text("compare.help", lang), style=HELP_STYLE)
            for i, key in enumerate(("compare.first", "compare.second", "compare.third")):
                others = tuple(p for j, p in enumerate(patterns) if j != i and p)
                PatternSelect(
                    text(key, lang), patterns[i], set_pattern(i), lang, exclude=others, optional=i == 2
                )


@solara.component
def ComparePage():
    """Two or three patterns stepping together: charts overlaid, outcome tables side by side."""
    lang = language.value
    solara.Title(tab_title("nav.compare", lang))
    with solara.Sidebar():
        CompareControls(lang)
    CompareViews(lang)


@solara.component
def CompareViews(lang: str):
    ensemble, stepped, reset = _use_ensemble("compare", Ensemble.comparison, compare_settings)
    day = ensemble.day
    Player(ensemble, day, stepped, reset, lang)
    ChartsView(ensemble, day, lang)
    with solara.Columns([3, 2]):
        StatesView(ensemble, day, lang)
        OutcomeTable(ensemble, day, lang)


@solara.component
def WorkshopPage():
    """Choose, predict, reveal, export the brief: a workshop round."""
    WorkshopView(language.value)


# A route's label titles the browser tab until its page sets its own title.
routes = [
    solara.Route(path="/", component=RunPage, layout=Layout, label=APP_NAME),
    solara.Route(path="compare", component=ComparePage, label=APP_NAME),
    solara.Route(path="workshop", component=WorkshopPage, label=APP_NAME),
    solara.Route(path="tabletop", component=TabletopPage, label=APP_NAME),  # coop_agents.viz.tabletop
    solara.Route(path="explore", component=ExplorePage, label=APP_NAME),  # coop_agents.viz.explore
]
