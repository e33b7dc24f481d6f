"""The drill page's lobby: join a drill with its codes, start one as its facilitator, or reopen
a drill's console after a restart."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from datetime import datetime
from functools import partial
from typing import Any, cast

import solara
from solara.alias import rv

from coop_agents.errors import CoopError
from coop_agents.tabletop.exercise import DEFAULTS, Exercise, org_name
from coop_agents.tabletop.room import create_room, join, reopen
from coop_agents.tabletop.strings import t
from coop_agents.viz.components import HELP_STYLE, SEED_MAX, NumberField
from coop_agents.viz.server import max_residents
from coop_agents.viz.tabletop.common import (
    CARD,
    DEFAULT_DAYS,
    DEFAULT_LIMIT_S,
    TURN_CHOICES,
    place,
    role_css,
    tabletop_dir,
)

__all__ = ["CreateCard", "JoinCard", "Lobby", "ReopenCard"]


def _toggled(toggle: Callable[[Hashable, bool], None], node: Hashable, on: Any) -> None:
    toggle(node, bool(on))


def _field(label: str, value: str, on_value: Callable[[str], None], css: str) -> None:
    """A one-line field of the lobby's cards (a code or a name)."""
    rv.TextField(label=label, v_model=value, on_v_model=on_value, dense=True, class_=css)


@solara.component
def JoinCard(lang: str):
    room_code, set_room_code = solara.use_state("")
    role_code, set_role_code = solara.use_state("")
    name, set_name = solara.use_state("")
    error, set_error = solara.use_state(False)

    def go() -> None:
        try:
            room, role = join(room_code, role_code, name)
        except CoopError:
            set_error(True)
            return
        set_error(False)
        place.set(("player", room.code, role))

    with solara.Card(t("join.title", lang), style=CARD, classes=["coop-join"]):
        solara.Text(t("join.help", lang), style=HELP_STYLE)
        _field(t("join.room", lang), room_code, set_room_code, "coop-join-room")
        _field(t("join.code", lang), role_code, set_role_code, "coop-join-code")
        _field(t("join.name", lang), name, set_name, "coop-join-name")
        solara.Button(
            t("join.button", lang),
            on_click=go,
            color="primary",
            classes=["coop-join-button"],
            disabled=not room_code.strip() or not role_code.strip(),
        )
        if error:
            solara.Error(t("join.wrong", lang), dense=True, classes=["coop-join-error"])


@solara.component
def ReopenCard(lang: str):
    room_code, set_room_code = solara.use_state("")
    code, set_code = solara.use_state("")
    error, set_error = solara.use_state("")

    def go() -> None:
        try:
            room = reopen(room_code, code, tabletop_dir())
        except CoopError as exc:
            set_error(t("reopen.wrong", lang) if str(exc) == "no drill with these codes" else str(exc))
            return
        set_error("")
        place.set(("console", room.code))

    with solara.Card(t("reopen.title", lang), style=CARD, classes=["coop-reopen"]):
        solara.Text(t("reopen.help", lang), style=HELP_STYLE)
        _field(t("join.room", lang), room_code, set_room_code, "coop-reopen-room")
        _field(t("reopen.code", lang), code, set_code, "coop-reopen-code")
        solara.Button(
            t("reopen.button", lang),
            on_click=go,
            color="primary",
            outlined=True,
            disabled=not room_code.strip() or not code.strip(),
        )
        if error:
            solara.Error(error, dense=True, classes=["coop-reopen-error"])


def _roles(
    scenario: str, pattern: str, seed: int, residents: int
) -> list[tuple[str, list[tuple[Hashable, str, str]]]]:
    """The organisations of the district a drill would have, grouped by kind:
    (kind, [(node, name, level)])."""
    from coop_agents.model import CoordinationModel

    model = CoordinationModel(scenario, pattern, seed, residents=residents)
    groups: dict[str, list] = {}
    for org in model.organisations:
        groups.setdefault(org.kind, []).append((org.node, org.name, getattr(org, "level", "")))
    order = ("government", "street_office", "committee", "party_committee", "social_organisation", "platform")
    return [(kind, groups[kind]) for kind in order if kind in groups]


_GROUP = {
    "government": ("District government", "基层政府"),
    "street_office": ("Street offices", "街道办事处"),
    "committee": ("Community committees", "社区居委会"),
    "party_committee": ("Party bodies", "党组织"),
    "social_organisation": ("Social organisations", "社会组织"),
    "platform": ("Response platform", "应急响应平台"),
}


@solara.component
def CreateCard(lang: str):
    from coop_agents.i18n import pattern_label, scenario_title
    from coop_agents.patterns import load_pattern, preset_names
    from coop_agents.scenarios import preset_scenarios
    from coop_agents.viz.session import RunSettings

    scenario, set_scenario = solara.use_state("default")
    pattern, set_pattern = solara.use_state("siloed")
    seed, set_seed = solara.use_state(1)
    residents, set_residents = solara.use_state(cast(int | None, None))
    turn_days, set_turn_days = solara.use_state(1)
    days, set_days = solara.use_state(DEFAULT_DAYS)
    limit, set_limit = solara.use_state(DEFAULT_LIMIT_S)
    default, set_default = solara.use_state("nothing")
    hints, set_hints = solara.use_state(True)
    chosen, set_chosen = solara.use_state(cast(tuple[Hashable, ...], ()))
    error, set_error = solara.use_state("")
    n_residents = residents or min(RunSettings(scenario=scenario).value("residents"), max_residents())
    groups = solara.use_memo(
        lambda: _roles(scenario, pattern, seed, n_residents), [scenario, pattern, seed, n_residents]
    )

    def toggle(node: Hashable, on: bool) -> None:
        def change(old: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
            return tuple(n for n in old if n != node) + ((node,) if on else ())

        set_chosen(change)

    def create() -> None:
        humans = [node for _, orgs in groups for node, _, _ in orgs if node in chosen]
        if not humans:
            set_error(t("create.none", lang))
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
        try:
            exercise = Exercise(
                scenario,
                pattern,
                seed,
                humans=humans,
                turn_days=turn_days,
                days=days,
                default=default,
                log=tabletop_dir() / f"drill-{stamp}.jsonl",
                residents=n_residents,
            )
            room = create_room(exercise, time_limit=limit or None, hints=hints)
        except CoopError as exc:
            set_error(str(exc))
            return
        set_error("")
        place.set(("console", room.code))

    scenarios = preset_scenarios()
    with solara.Card(t("create.title", lang), style=CARD, classes=["coop-create"]):
        with solara.Columns([1, 1]):
            with solara.Column(gap="10px"):
                rv.Select(
                    label=t("create.scenario", lang),
                    v_model=scenario,
                    dense=True,
                    class_="coop-create-scenario",
                    items=[{"text": scenario_title(sc, lang), "value": n} for n, sc in scenarios.items()],
                    on_v_model=lambda v: (set_scenario(v), set_residents(None), set_chosen(())),
                )
                rv.Select(
                    label=t("create.pattern", lang),
                    v_model=pattern,
                    dense=True,
                    class_="coop-create-pattern",
                    items=[
                        {"text": pattern_label(load_pattern(n), lang), "value": n} for n in preset_names()
                    ],
                    on_v_model=lambda v: (set_pattern(v), set_chosen(())),
                )
                NumberField(t("create.seed", lang), "", seed, set_seed, 0, SEED_MAX, lang)
                NumberField(
                    t("create.residents", lang), "", n_residents, set_residents, 20, max_residents(), lang
                )
                rv.Select(
                    label=t("create.turn", lang),
                    v_model=turn_days,
                    dense=True,
                    class_="coop-create-turn",
                    items=[
                        {
                            "text": t("create.turn.half", lang)
                            if d == 0.5
                            else t("create.turn.day", lang)
                            if d == 1
                            else t("create.turn.days", lang, n=d),
                            "value": d,
                        }
                        for d in TURN_CHOICES
                    ],
                    on_v_model=set_turn_days,
                )
                NumberField(
                    t("create.days", lang), t("create.days.help", lang), days, set_days, 1, 1000, lang
                )
                NumberField(t("create.limit", lang), "", limit, set_limit, 0, 3600, lang)
                rv.RadioGroup(
                    v_model=default,
                    on_v_model=set_default,
                    label=t("create.default", lang),
                    dense=True,
                    class_="coop-create-default",
                    children=[rv.Radio(label=t(f"default.{d}", lang), value=d) for d in DEFAULTS],
                )
                solara.Checkbox(label=t("create.hints", lang), value=hints, on_value=set_hints)
            with solara.Column(gap="4px", classes=["coop-create-roles"]):
                solara.Text(t("create.roles", lang), style={"font-weight": "500"})
                solara.Text(t("create.roles.help", lang), style=HELP_STYLE)
                for kind, orgs in groups:
                    solara.Text(_GROUP[kind][0 if lang == "en" else 1], style={"margin-top": "6px"})
                    with solara.Row(gap="0 12px", style={"flex-wrap": "wrap"}):
                        for node, name, level in orgs:
                            rv.Checkbox(
                                label=org_name(kind, name, lang, level),
                                v_model=node in chosen,
                                on_v_model=partial(_toggled, toggle, node),
                                dense=True,
                                hide_details=True,
                                class_=f"coop-role coop-role-{role_css(node)}",
                            )
        solara.Button(
            t("create.button", lang),
            on_click=create,
            color="primary",
            classes=["coop-create-button"],
            disabled=not chosen,
        )
        if error:
            solara.Error(error, dense=True, classes=["coop-create-error"])


@solara.component
def Lobby(lang: str):
    with solara.Columns([1, 1]):
        with solara.Column(gap="16px"):
            JoinCard(lang)
            ReopenCard(lang)
        CreateCard(lang)
