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
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Callable, Hashable
from collections.abc import Set as AbstractSet
from datetime import datetime
from functools import partial
from html import escape
from pathlib import Path
from typing import Any, cast

import solara
from solara.alias import rv

from coop_agents.errors import CoopError
from coop_agents.numbers import format_number
from coop_agents.tabletop.exercise import DEFAULTS, Exercise, RoleView, org_name, role_name
from coop_agents.tabletop.injects import library, target_name
from coop_agents.tabletop.room import EXTEND_S, ConsoleState, PlayerState, Room, create_room, join, reopen
from coop_agents.tabletop.strings import choice_label, kind_label, message_label, state_label, t
from coop_agents.viz.components import HELP_STYLE, NUMBER, SEED_MAX, NumberField
from coop_agents.viz.server import APP_NAME, max_residents

__all__ = ["TabletopPage", "TabletopView", "role_css", "tabletop_dir"]

WORKSHOP_DIR_ENV = "COOP_AGENTS_WORKSHOP_DIR"  # set by coop-agents app --workshop-dir
DEFAULT_DAYS, DEFAULT_LIMIT_S = 30, 90
TURN_CHOICES = (0.5, 1, 2, 3, 7)
WAIT_S = 5.0  # a session's watcher wakes at least this often to see whether it is still wanted
CARD = {"margin": "0"}

# A browser session's place: None (the lobby), ("player", room code, role) or ("console", room code).
place: solara.Reactive[tuple | None] = solara.reactive(None)


def tabletop_dir() -> Path:
    """Where drills' logs are kept: ``tabletop/`` in the workshop folder (``--workshop-dir``)."""
    return Path(os.environ.get(WORKSHOP_DIR_ENV) or "workshop-sessions") / "tabletop"


def role_css(role: Hashable) -> str:
    """A role as a CSS class suffix (``coop-inbox-<role>``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(role))


def _table(
    heads: list[str], rows: list[list[str]], classes: str, numeric: AbstractSet[int] = frozenset()
) -> None:
    head = "".join(f"<th{NUMBER if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(heads))
    body = "".join(
        "<tr>" + "".join(f"<td{NUMBER if i in numeric else ''}>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        classes=["v-data-table", "v-data-table--dense", *classes.split()],
    )


def _toggled(toggle: Callable[[Hashable, bool], None], node: Hashable, on: Any) -> None:
    toggle(node, bool(on))


def _chosen(set_choices: Callable, key: tuple, value: Any) -> None:
    set_choices(lambda old: {**old, key: value})


def _place(kind: str, number: int | None, lang: str) -> str:
    """A community or street as a table cell names it (capitalised in English)."""
    name = target_name(kind, number, lang)
    return name[:1].upper() + name[1:]


def _risk(x: float | None) -> str:
    return "" if x is None else format_number(round(float(x), 2), 2)


def _when(span: tuple[int, int, int | None], lang: str) -> str:
    first, last, half = span
    if half is not None:
        return t("day.morning" if half == 0 else "day.afternoon", lang, day=first)
    return t("day", lang, day=first) if first == last else t("days", lang, first=first, last=last)


def _turn(turn: int, n_turns: int | None, lang: str) -> str:
    return t("turn.of", lang, turn=turn + 1, turns=n_turns) if n_turns else t("turn", lang, turn=turn + 1)


def use_room(room: Room) -> int:
    """The room's version; the calling component redraws whenever the room changes."""
    version, set_version = solara.use_state(room.version)

    def watch(cancel: threading.Event) -> None:
        seen = version
        while not cancel.is_set():
            now = room.wait(seen, WAIT_S)
            if now != seen and not cancel.is_set():
                set_version(now)
                return

    solara.use_thread(watch, dependencies=[id(room), version], intrusive_cancel=False)
    return version


@solara.component
def Clock(room: Room, version: int, lang: str):
    """The turn's time left, ticking each second while it runs."""
    tick, set_tick = solara.use_state(0)
    state, left = room.seconds_left()

    def run(cancel: threading.Event) -> None:
        if state != "running":
            return
        room.wait(room.version, 1.0)  # wakes within a second, or at once when the room changes
        if not cancel.is_set():
            set_tick(lambda n: n + 1)

    solara.use_thread(run, dependencies=[id(room), version, tick, state], intrusive_cancel=False)
    words = {
        "waiting": t("time.waiting", lang),
        "none": t("time.none", lang),
        "over": t("over", lang),
        "paused": t("time.paused", lang)
        + ("" if left is None else f" · {t('time.left', lang, seconds=int(left))}"),
        "running": t("time.left", lang, seconds=int(round(left or 0))),
    }[state]
    solara.Text(words, classes=["coop-clock", f"coop-clock-{state}"], style={"font-weight": "500"})


# ----------------------------------------------------------------------------- the lobby


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
        rv.TextField(
            label=t("join.room", lang),
            v_model=room_code,
            on_v_model=set_room_code,
            dense=True,
            class_="coop-join-room",
        )
        rv.TextField(
            label=t("join.code", lang),
            v_model=role_code,
            on_v_model=set_role_code,
            dense=True,
            class_="coop-join-code",
        )
        rv.TextField(
            label=t("join.name", lang), v_model=name, on_v_model=set_name, dense=True, class_="coop-join-name"
        )
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
        rv.TextField(
            label=t("join.room", lang),
            v_model=room_code,
            on_v_model=set_room_code,
            dense=True,
            class_="coop-reopen-room",
        )
        rv.TextField(
            label=t("reopen.code", lang),
            v_model=code,
            on_v_model=set_code,
            dense=True,
            class_="coop-reopen-code",
        )
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


# ----------------------------------------------------------------------------- a player's page


def _message_text(m, lang: str) -> str:
    sender = org_name(m.sender_kind, m.sender_name, lang)
    where = "" if m.community < 0 else f" · {target_name('community', m.community, lang)}"
    if m.kind in ("report", "request"):
        detail = t("msg.risk", lang, value=_risk(m.value))
        if m.kind == "request" and m.state >= 0:
            detail += " · " + state_label(
                ("normal", "pre_transition", "emergency", "post_transition")[m.state], lang
            )
    elif m.kind == "decision":
        states = ("normal", "pre_transition", "emergency", "post_transition")
        asked = state_label(states[int(m.value)], lang) if 0 <= int(m.value) < 4 else ""
        detail = t("msg.approved" if m.state >= 0 else "msg.not_approved", lang, state=asked)
    elif m.kind in ("resource_request", "delivery"):
        detail = t("msg.amount", lang, value=format_number(round(m.value, 1), 1))
    else:
        detail = ""
    return f"{message_label(m.kind, lang)} — {sender}{where}: {detail}".rstrip(": ")


@solara.component
def Inbox(view: RoleView, lang: str):
    with (
        solara.Card(
            t("inbox", lang), style=CARD, classes=["coop-inbox", f"coop-inbox-{role_css(view.role)}"]
        ),
        solara.Column(gap="6px"),
    ):
        for inject in view.injects:
            solara.Warning(
                f"{t('injects.received', lang)} · {inject.title(lang)}: {inject.message(lang)}",
                dense=True,
                classes=["coop-inject-card"],
            )
        today = [m for o in view.organisations for m in o.inbox]
        if not today:
            solara.Text(t("inbox.empty", lang), style=HELP_STYLE)
        with solara.Column(gap="2px", classes=["coop-messages"]):
            for m in today:
                solara.Text(_message_text(m, lang), classes=["coop-message"])
        if view.history:
            with solara.Details(t("inbox.earlier", lang)):
                for m in view.history[:40]:
                    solara.Text(f"{t('day', lang, day=m.day)} · {_message_text(m, lang)}", style=HELP_STYLE)


@solara.component
def Situation(view: RoleView, lang: str):
    with solara.Card(t("situation", lang), style=CARD, classes=["coop-situation"]), solara.Column(gap="6px"):
        for o in view.organisations:
            solara.Text(
                f"{org_name(o.kind, o.name, lang)} · {t('stock', lang, stock=format_number(round(o.stock, 1), 1))}",
                classes=["coop-stock"],
            )
            if o.owed:
                solara.Text(
                    t("owed", lang)
                    + ": "
                    + "; ".join(
                        t(
                            "owed.item",
                            lang,
                            asker=org_name("", a, lang) if lang == "en" else a,
                            amount=format_number(round(v, 1), 1),
                            community=target_name("community", c, lang),
                        )
                        for a, c, v in o.owed
                    ),
                    classes=["coop-owed"],
                )
        heads = [t("community", lang), t("col.state", lang), t("col.level", lang), t("col.residents", lang)]
        numeric = {2, 3}
        show_perceived = any(c.perceived is not None for c in view.communities)
        show_reported = any(c.reported is not None for c in view.communities)
        if show_perceived:
            heads += [
                t("col.perceived", lang),
                t("col.history", lang),
                t("col.capacity", lang),
                t("col.pending", lang),
            ]
            numeric |= {4, 6}
        if show_reported:
            heads.append(t("col.reported", lang))
            numeric.add(len(heads) - 1)
        rows = []
        for c in view.communities:
            row = [
                escape(_place("community", c.community, lang)),
                escape(state_label(c.state, lang)),
                escape(format_number(round(c.level, 2), 2)),
                escape(format_number(c.residents)),
            ]
            if show_perceived:
                row += [
                    escape(_risk(c.perceived)),
                    f'<span style="white-space: nowrap">{escape(" ".join(_risk(p) for p in c.perceived_history[-5:]))}</span>',
                    escape("" if c.capacity is None else format_number(round(c.capacity, 1), 1)),
                    escape("" if c.pending is None else state_label(c.pending, lang)),
                ]
            if show_reported:
                row.append(escape(_risk(c.reported)))
            rows.append(row)
        _table(heads, rows, "coop-communities", numeric)
        solara.Text(t("risk.help", lang), style=HELP_STYLE)


def _decision_title(p, lang: str, several_days: bool) -> str:
    where = "" if p.community < 0 else f" · {target_name('community', p.community, lang)}"
    when = f" · {t('day', lang, day=p.day)}" if several_days else ""
    facts = p.facts
    extra = ""
    if p.kind == "approve_state":
        extra = (
            f" — {state_label(facts.get('requested_state', 'normal'), lang)}, "
            f"{t('col.reported', lang)} {_risk(facts.get('reported_risk'))}"
        )
    elif p.kind == "dispatch":
        extra = f" — {t('msg.amount', lang, value=format_number(round(float(facts.get('asked', 0)), 1), 1))}"
    elif p.kind == "request_resources":
        extra = f" — {t('msg.amount', lang, value=format_number(round(float(facts.get('amount', 0)), 1), 1))}"
    elif p.kind == "own_task":
        extra = f" — {facts.get('boundary_tasks', 0)}"
    return f"{kind_label(p.kind, lang)}{where}{when}{extra}"


@solara.component
def DecisionForm(room: Room, state: PlayerState, lang: str):
    """One row per decision waiting: its options as buttons, the hint, then a note and Submit."""
    initial = {p.key: state.answers.get(p.key, p.nothing) for p in state.pending}
    choices, set_choices = solara.use_state(initial)
    note, set_note = solara.use_state("")
    error, set_error = solara.use_state("")
    several_days = len({p.day for p in state.pending}) > 1

    def submit() -> None:
        try:
            room.submit(state.role, {k: choices.get(k, initial[k]) for k in initial}, note)
        except CoopError as exc:
            set_error(str(exc))
            return
        set_error("")
        set_note("")

    with solara.Card(
        t("decisions", lang), style=CARD, classes=["coop-decisions", f"coop-decisions-turn-{state.turn + 1}"]
    ):
        if not state.pending:
            solara.Text(t("decisions.none", lang), classes=["coop-no-decisions"])
        for p in state.pending:
            with solara.Column(
                gap="2px",
                classes=["coop-decision", f"coop-decision-{p.kind}"],
                style={"margin-bottom": "8px"},
            ):
                solara.Text(_decision_title(p, lang, several_days), style={"font-weight": "500"})
                with solara.ToggleButtonsSingle(
                    value=choices.get(p.key, initial[p.key]),
                    on_value=partial(_chosen, set_choices, p.key),
                    dense=True,
                    classes=["coop-options"],
                ):
                    for option in p.options:
                        solara.Button(
                            choice_label(p.kind, option, lang),
                            value=option,
                            text=True,
                            classes=["coop-option"],
                        )
                if state.hints:
                    solara.Text(
                        t("hint", lang, choice=choice_label(p.kind, p.suggested, lang)),
                        style=HELP_STYLE,
                        classes=["coop-hint"],
                    )
        rv.Textarea(
            label=t("note", lang),
            v_model=note,
            on_v_model=set_note,
            rows=2,
            auto_grow=True,
            dense=True,
            class_="coop-note",
        )
        with solara.Row(style={"align-items": "center"}):
            solara.Button(
                t("submit", lang),
                on_click=submit,
                color="primary",
                classes=["coop-submit"],
                disabled=state.finished,
            )
            if state.submitted:
                solara.Text(t("submitted", lang), classes=["coop-submitted"], style={"color": "#2e7d32"})
            elif state.pending:
                solara.Text(t("change", lang), style=HELP_STYLE)
        if error:
            solara.Error(error, dense=True)


@solara.component
def PlayerView(room: Room, role: Hashable, lang: str):
    use_room(room)
    state = room.player_state(role)
    name = role_name(room.exercise, role, lang)
    with solara.Column(gap="12px", classes=["coop-player", f"coop-player-{role_css(role)}"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="20px"):
            solara.Text(
                f"{t('role', lang)}: {name}",
                style={"font-size": "1.2rem", "font-weight": "500"},
                classes=["coop-role-name"],
            )
            solara.Text(t("room", lang, code=room.code), style=HELP_STYLE)
            if not state.finished:
                solara.Text(
                    f"{_turn(state.turn, state.n_turns, lang)} · {_when(state.span, lang)}",
                    classes=["coop-turn"],
                )
            Clock(room, state.version, lang)
        if state.finished:
            solara.Info(t("over", lang), classes=["coop-over"])
            return
        view = state.view
        if view is None:
            return
        with solara.Columns([1, 1]):
            Inbox(view, lang)
            Situation(view, lang)
        DecisionForm(room, state, lang).key(f"turn-{state.turn}-{len(state.pending)}")


# ----------------------------------------------------------------------------- the console


@solara.component
def Codes(room: Room, console: ConsoleState, lang: str):
    ex = room.exercise
    with solara.Card(t("console.codes", lang), style=CARD, classes=["coop-codes"]), solara.Column(gap="6px"):
        solara.Text(
            t("console.room", lang, code=console.code),
            classes=["coop-room-code"],
            style={"font-size": "1.3rem", "font-weight": "600"},
        )
        solara.Text(
            t("console.facilitator", lang, code=console.facilitator_code),
            style=HELP_STYLE,
            classes=["coop-facilitator-code"],
        )
        rows = []
        for seat in console.seats:
            waiting = console.waiting.get(seat.role, 0)
            done = seat.submitted or not waiting
            rows.append(
                [
                    escape(role_name(ex, seat.role, lang)),
                    f'<span class="coop-code coop-code-{role_css(seat.role)}">{escape(seat.code)}</span>',
                    escape(seat.player or t("nobody", lang)),
                    str(waiting),
                    f'<span class="coop-submitted-{role_css(seat.role)}">{escape(t("yes" if done else "no", lang))}</span>',
                ]
            )
        _table(
            [
                t("col.role", lang),
                t("col.code", lang),
                t("col.player", lang),
                t("col.waiting", lang),
                t("col.submitted", lang),
            ],
            rows,
            "coop-seats",
            {3},
        )
        if console.log:
            solara.Text(t("console.log", lang, path=console.log), style=HELP_STYLE, classes=["coop-log"])


@solara.component
def TruthView(room: Room, console: ConsoleState, lang: str):
    truth = console.truth
    played = {
        o.community for o in room.exercise.model.committees if room.exercise.role_of(o.node) is not None
    }
    with solara.Card(t("truth", lang), style=CARD, classes=["coop-truth"]), solara.Column(gap="6px"):
        rows = []
        for k in range(len(truth.true_risk)):
            mark = " *" if k in played else ""
            rows.append(
                [
                    escape(_place("community", k, lang) + mark),
                    escape(state_label(truth.states[k], lang)),
                    f'<span class="coop-true-risk">{escape(_risk(truth.true_risk[k]))}</span>',
                    escape(_risk(truth.perceived[k])),
                    escape(format_number(round(truth.levels[k], 2), 2)),
                    escape(format_number(truth.harmed[k])),
                ]
            )
        _table(
            [
                t("community", lang),
                t("col.state", lang),
                t("col.true_risk", lang),
                t("col.perceived", lang),
                t("col.level", lang),
                t("col.harmed", lang),
            ],
            rows,
            "coop-truth-table",
            {2, 3, 4, 5},
        )
        solara.Text(("* " + ("played by people" if lang == "en" else "由人员扮演")), style=HELP_STYLE)
        solara.Text(
            t(
                "truth.total",
                lang,
                harm=format_number(truth.harm),
                prevalence=format_number(round(truth.prevalence, 4), 4),
            ),
            classes=["coop-truth-total"],
        )


@solara.component
def Controls(room: Room, console: ConsoleState, lang: str):
    limit, set_limit = solara.use_state(int(console.time_limit or 0))
    with solara.Card(style=CARD, classes=["coop-controls"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            if not console.finished:
                solara.Text(
                    f"{_turn(console.turn, console.n_turns, lang)} · {_when(console.span, lang)}",
                    classes=["coop-turn"],
                    style={"font-size": "1.1rem", "font-weight": "500"},
                )
            Clock(room, console.version, lang)
        if console.finished:
            return
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            state = console.clock[0]
            if state == "waiting":
                solara.Button(t("start", lang), on_click=room.start, color="primary", classes=["coop-start"])
            elif state == "paused":
                solara.Button(
                    t("resume", lang), on_click=room.resume, color="primary", classes=["coop-resume"]
                )
            else:
                solara.Button(
                    t("pause", lang),
                    on_click=room.pause,
                    color="primary",
                    outlined=True,
                    classes=["coop-pause"],
                )
            solara.Button(
                t("extend", lang),
                on_click=lambda: room.extend(EXTEND_S),
                outlined=True,
                disabled=console.time_limit is None,
                classes=["coop-extend"],
            )
            solara.Button(t("advance", lang), on_click=room.advance, outlined=True, classes=["coop-advance"])
            solara.Button(
                t("finish", lang), on_click=room.end, outlined=True, color="error", classes=["coop-end"]
            )
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            NumberField(t("create.limit", lang), "", limit, set_limit, 0, 3600, lang)
            solara.Button(
                t("limit.set", lang),
                on_click=lambda: room.set_limit(limit or None),
                outlined=True,
                classes=["coop-set-limit"],
            )
            rv.Checkbox(
                label=t("hints.on", lang),
                v_model=console.hints,
                on_v_model=room.set_hints,
                dense=True,
                hide_details=True,
                class_="coop-hints",
            )
            rv.RadioGroup(
                v_model=console.default,
                on_v_model=room.set_default,
                row=True,
                dense=True,
                label=t("default.label", lang),
                class_="coop-default",
                children=[rv.Radio(label=t(f"default.{d}", lang), value=d) for d in DEFAULTS],
            )


@solara.component
def InjectPanel(room: Room, console: ConsoleState, lang: str):
    specs = library()
    which, set_which = solara.use_state(next(iter(specs)))
    target, set_target = solara.use_state(0)
    error, set_error = solara.use_state("")
    model = room.exercise.model
    spec = specs[which]
    targets: list[int | None]
    if spec.target == "community":
        targets = list(range(model.n_communities))
    elif spec.target == "street":
        targets = list(sorted(model.roster.street_offices))
    else:
        targets = [None]

    def fire() -> None:
        try:
            room.fire(which, target if target in targets else targets[0])
        except CoopError as exc:
            set_error(str(exc))
            return
        set_error("")

    with solara.Card(t("inject.title", lang), style=CARD, classes=["coop-injects"]), solara.Column(gap="6px"):
        if not console.finished:
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                rv.Select(
                    label=t("inject.which", lang),
                    v_model=which,
                    dense=True,
                    class_="coop-inject-which",
                    items=[{"text": s.title[lang], "value": k} for k, s in specs.items()],
                    on_v_model=lambda v: (set_which(v), set_target(0)),
                    style_="max-width: 260px",
                )
                if targets != [None]:
                    rv.Select(
                        label=t("inject.target", lang),
                        v_model=target if target in targets else targets[0],
                        dense=True,
                        class_="coop-inject-target",
                        on_v_model=set_target,
                        items=[{"text": target_name(spec.target, k, lang), "value": k} for k in targets],
                        style_="max-width: 200px",
                    )
                solara.Button(t("inject.fire", lang), on_click=fire, color="primary", classes=["coop-fire"])
            solara.Text(
                spec.expected[lang].format(
                    target=target_name(spec.target, target if target in targets else targets[0], lang),
                    **{k: (f"{v:g}" if isinstance(v, float) else v) for k, v in spec.params.items()},
                ),
                style=HELP_STYLE,
            )
            if error:
                solara.Error(error, dense=True)
        solara.Text(t("inject.fired", lang), style={"margin-top": "8px"})
        if not console.fired:
            solara.Text(t("inject.none", lang), style=HELP_STYLE)
        for _, inject in console.fired:
            solara.Text(
                f"{t('day', lang, day=inject.day)} · {inject.title(lang)} · "
                f"{target_name(inject.spec.target, inject.target, lang)}",
                classes=["coop-fired"],
            )


@solara.component
def DebriefPanel(room: Room, console: ConsoleState, lang: str):
    from coop_agents.tabletop.debrief import Debrief, render_debrief

    result = console.debrief

    def start() -> None:
        threading.Thread(target=room.run_debrief, name=f"debrief-{room.code}", daemon=True).start()

    with solara.Card(t("debrief", lang), style=CARD, classes=["coop-debrief"]), solara.Column(gap="6px"):
        if result is None:
            solara.Button(
                t("debrief", lang), on_click=start, color="primary", classes=["coop-debrief-button"]
            )
        elif result == "running":
            solara.ProgressLinear(True)
            solara.Text(
                f"{t('debrief.running', lang)} {console.debrief_note}", classes=["coop-debrief-running"]
            )
        elif isinstance(result, Exception):
            solara.Error(t("debrief.failed", lang, error=str(result)), classes=["coop-debrief-failed"])
            solara.Button(t("debrief", lang), on_click=start, outlined=True)
        elif isinstance(result, Debrief):
            table = result.table
            presets = [
                c for c in table.columns if c not in ("label_en", "label_zh", "unit", "better", "team")
            ]
            from coop_agents.i18n import pattern_label
            from coop_agents.patterns import load_pattern

            heads = [""] + [t("d.team", lang)] + [pattern_label(load_pattern(p), lang) for p in presets]
            rows = []
            for outcome in ("harm", "severe_harm", "response_delay", "missed_windows"):
                if outcome in table.index:
                    row = table.loc[outcome]
                    rows.append(
                        [escape(row[f"label_{lang}"])]
                        + [escape(format_number(row[c], 1)) for c in ["team", *presets]]
                    )
            _table(heads, rows, "coop-debrief-table", set(range(1, len(heads))))
            for i, r in enumerate(result.key_decisions.itertuples()):
                solara.Text(
                    f"{i + 1}. {t('day', lang, day=r.first)}: Δ {format_number(r.harm_delta, 0)}",
                    classes=["coop-key-decision"],
                )
            with solara.Row():
                for code in ("en", "zh"):
                    solara.FileDownload(
                        lambda code=code: render_debrief(result, code, console.log),
                        filename=f"debrief-{room.code}-{code}.html",
                        mime_type="text/html",
                        label=t("debrief.export", lang, language=t(f"lang.{code}", lang)),
                    )


@solara.component
def ConsoleView(room: Room, lang: str):
    use_room(room)
    console = room.console_state()
    with solara.Column(gap="12px", classes=["coop-console"]):
        solara.Text(t("console", lang), style={"font-size": "1.3rem"})
        Controls(room, console, lang)
        with solara.Columns([1, 1]):
            Codes(room, console, lang)
            TruthView(room, console, lang)
        InjectPanel(room, console, lang)
        if console.finished:
            DebriefPanel(room, console, lang)


# ----------------------------------------------------------------------------- the page


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
