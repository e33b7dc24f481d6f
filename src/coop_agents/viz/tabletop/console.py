"""The facilitator's console: the codes to hand out and who has submitted, the true state (never
a player's), the timer's controls, the inject library and, after the last turn, the debrief."""

from __future__ import annotations

import threading
from html import escape

import solara
from solara.alias import rv

from coop_agents.errors import CoopError
from coop_agents.numbers import format_number
from coop_agents.tabletop.exercise import DEFAULTS, role_name
from coop_agents.tabletop.injects import library, target_name
from coop_agents.tabletop.room import EXTEND_S, ConsoleState, Room
from coop_agents.tabletop.strings import state_label, t
from coop_agents.viz.components import HELP_STYLE, NumberField
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

__all__ = ["Codes", "ConsoleView", "Controls", "DebriefPanel", "InjectPanel", "TruthView"]


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
        heads = ("col.role", "col.code", "col.player", "col.waiting", "col.submitted")
        html_table([t(h, lang) for h in heads], rows, "coop-seats", {3})
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
                    escape(place_name("community", k, lang) + mark),
                    escape(state_label(truth.states[k], lang)),
                    f'<span class="coop-true-risk">{escape(risk_text(truth.true_risk[k]))}</span>',
                    escape(risk_text(truth.perceived[k])),
                    escape(format_number(round(truth.levels[k], 2), 2)),
                    escape(format_number(truth.harmed[k])),
                ]
            )
        heads = ("community", "col.state", "col.true_risk", "col.perceived", "col.level", "col.harmed")
        html_table([t(h, lang) for h in heads], rows, "coop-truth-table", {2, 3, 4, 5})
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
                    turn_text(console, lang),
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
            html_table(heads, rows, "coop-debrief-table", set(range(1, len(heads))))
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
