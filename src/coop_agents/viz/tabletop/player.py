"""A player's page: the role's inbox and situation (only what the role knows) and the form of the
decisions waiting, with the rules' suggestion as a hint when the facilitator shows hints."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from html import escape
from typing import Any

import solara
from solara.alias import rv

from coop_agents.errors import CoopError
from coop_agents.numbers import format_number
from coop_agents.tabletop.exercise import RoleView, org_name, role_name
from coop_agents.tabletop.injects import target_name
from coop_agents.tabletop.room import PlayerState, Room
from coop_agents.tabletop.strings import choice_label, kind_label, message_label, state_label, t
from coop_agents.viz.components import HELP_STYLE
from coop_agents.viz.tabletop.common import (
    CARD,
    Clock,
    html_table,
    place_name,
    risk_text,
    role_css,
    turn_text,
    use_room,
)

__all__ = ["DecisionForm", "Inbox", "PlayerView", "Situation"]


def _chosen(set_choices: Callable, latest: Any, key: tuple, value: Any) -> None:
    # Submit reads the ref, not the render's copy: a Submit that reaches the server before the
    # re-render that follows a choice still sends the choice.
    latest.current = {**latest.current, key: value}
    set_choices(latest.current)


def _amount(value: float, lang: str) -> str:
    """An amount of supplies: ``12.5 units``."""
    return t("msg.amount", lang, value=format_number(round(float(value), 1), 1))


def _message_text(m, lang: str) -> str:
    sender = org_name(m.sender_kind, m.sender_name, lang)
    where = "" if m.community < 0 else f" · {target_name('community', m.community, lang)}"
    if m.kind in ("report", "request"):
        detail = t("msg.risk", lang, value=risk_text(m.value))
        if m.kind == "request" and m.state >= 0:
            detail += " · " + state_label(
                ("normal", "pre_transition", "emergency", "post_transition")[m.state], lang
            )
    elif m.kind == "decision":
        states = ("normal", "pre_transition", "emergency", "post_transition")
        asked = state_label(states[int(m.value)], lang) if 0 <= int(m.value) < 4 else ""
        detail = t("msg.approved" if m.state >= 0 else "msg.not_approved", lang, state=asked)
    elif m.kind in ("resource_request", "delivery"):
        detail = _amount(m.value, lang)
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
                escape(place_name("community", c.community, lang)),
                escape(state_label(c.state, lang)),
                escape(format_number(round(c.level, 2), 2)),
                escape(format_number(c.residents)),
            ]
            if show_perceived:
                row += [
                    escape(risk_text(c.perceived)),
                    f'<span style="white-space: nowrap">{escape(" ".join(risk_text(p) for p in c.perceived_history[-5:]))}</span>',
                    escape("" if c.capacity is None else format_number(round(c.capacity, 1), 1)),
                    escape("" if c.pending is None else state_label(c.pending, lang)),
                ]
            if show_reported:
                row.append(escape(risk_text(c.reported)))
            rows.append(row)
        html_table(heads, rows, "coop-communities", numeric)
        solara.Text(t("risk.help", lang), style=HELP_STYLE)


def _decision_title(p, lang: str, several_days: bool) -> str:
    where = "" if p.community < 0 else f" · {target_name('community', p.community, lang)}"
    when = f" · {t('day', lang, day=p.day)}" if several_days else ""
    facts = p.facts
    extra = ""
    if p.kind == "approve_state":
        extra = (
            f" — {state_label(facts.get('requested_state', 'normal'), lang)}, "
            f"{t('col.reported', lang)} {risk_text(facts.get('reported_risk'))}"
        )
    elif p.kind == "dispatch":
        extra = f" — {_amount(facts.get('asked', 0), lang)}"
    elif p.kind == "request_resources":
        extra = f" — {_amount(facts.get('amount', 0), lang)}"
    elif p.kind == "own_task":
        extra = f" — {facts.get('boundary_tasks', 0)}"
    return f"{kind_label(p.kind, lang)}{where}{when}{extra}"


@solara.component
def DecisionForm(room: Room, state: PlayerState, lang: str):
    """One row per decision waiting: its options as buttons, the hint, then a note and Submit."""
    initial = {p.key: state.answers.get(p.key, p.nothing) for p in state.pending}
    choices, set_choices = solara.use_state(initial)
    latest = solara.use_ref(initial)  # the choices as last made (see _chosen)
    note, set_note = solara.use_state("")
    error, set_error = solara.use_state("")
    several_days = len({p.day for p in state.pending}) > 1

    def submit() -> None:
        try:
            room.submit(state.role, {k: latest.current.get(k, initial[k]) for k in initial}, note)
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
                    on_value=partial(_chosen, set_choices, latest, p.key),
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
                    turn_text(state, lang),
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
