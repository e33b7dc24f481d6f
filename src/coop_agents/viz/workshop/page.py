"""The workshop page: choose (a scenario and patterns), predict, reveal; the result and the export
are drawn by :mod:`.results`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from html import escape
from typing import Any, cast

import solara
from solara.alias import rv

from coop_agents.config import PARAMETERS
from coop_agents.i18n import text
from coop_agents.patterns import preset_names
from coop_agents.viz.components import HELP_STYLE, SEED_MAX, NumberField
from coop_agents.viz.server import max_residents, tab_title
from coop_agents.viz.workshop.results import ExportView, ResultView, pattern_name
from coop_agents.viz.workshop.rounds import (
    MAX_PATTERNS,
    MIN_PATTERNS,
    NAME_MAX,
    QUESTIONS,
    REPLICATES_MAX,
    REPLICATES_MIN,
    Prediction,
    WorkshopChoice,
    change_round,
    current_choice,
    new_round,
    predictions,
    progress,
    result,
    reveal,
    round_residents,
    saved,
    set_choice,
    start_reveal,
    with_prediction,
)
from coop_agents.workshop.cards import library, pattern_card, scenario_card

__all__ = [
    "ChoiceControls",
    "PatternCardsView",
    "PredictionBox",
    "RevealView",
    "SaveStatus",
    "ScenarioCardView",
    "WorkshopView",
]


@solara.component
def WorkshopView(lang: str):
    """The whole page; ``lang`` is the session's language."""
    current = current_choice()
    locked = reveal.pending or result.value is not None
    solara.Title(tab_title("nav.workshop", lang))
    with solara.Column(gap="16px", classes=["coop-workshop"], style={"max-width": "1200px"}):
        solara.Text(text("workshop.title", lang), style={"font-size": "1.5rem"})
        solara.Text(text("workshop.intro", lang), style=HELP_STYLE)
        with solara.Card(text("workshop.step.choose", lang), margin=0, classes=["coop-choose"]):
            with solara.Columns([1, 2]):
                ChoiceControls(current, locked, lang)
                with solara.Column(gap="12px"):
                    ScenarioCardView(current.scenario, lang)
                    PatternCardsView(current, lang)
        with solara.Card(text("workshop.step.predict", lang), margin=0, classes=["coop-predict"]):
            solara.Text(text("workshop.predict.help", lang), style=HELP_STYLE)
            with solara.Columns([1, 1]):
                for question in QUESTIONS:
                    PredictionBox(question, current, locked, lang)
            SaveStatus(lang)
        with solara.Card(text("workshop.step.reveal", lang), margin=0, classes=["coop-reveal"]):
            RevealView(current, lang)
        if result.value is not None:
            with solara.Card(text("workshop.step.export", lang), margin=0, classes=["coop-export"]):
                ExportView(result.value, lang)


def _pattern_toggled(name: str, on: Any) -> None:
    set_choice(lambda old: old.with_pattern(name, bool(on)))


@solara.component
def ChoiceControls(current: WorkshopChoice, locked: bool, lang: str):
    # Every change is made from the round's current choices, not from this render's ``current``.
    def scenario_changed(name: str) -> None:
        set_choice(lambda old: replace(old, scenario=name, residents=None))

    with solara.Column(gap="12px"):
        rv.Select(
            label=text("workshop.scenario", lang),
            v_model=current.scenario,
            on_v_model=scenario_changed,
            items=[{"text": scenario_card(n, lang).title, "value": n} for n in library()],
            hint=text("workshop.scenario.help", lang),
            persistent_hint=True,
            dense=True,
            disabled=locked,
            class_="coop-scenario",
        )
        solara.Text(text("workshop.patterns", lang), style={"font-size": "0.95rem", "margin-top": "8px"})
        with solara.Column(gap="0px", classes=["coop-patterns"]):
            for name in preset_names():
                chosen = name in current.patterns
                full = not chosen and len(current.patterns) >= MAX_PATTERNS
                rv.Checkbox(
                    label=pattern_name(name, lang),
                    v_model=chosen,
                    dense=True,
                    hide_details=True,
                    disabled=locked or full,
                    on_v_model=partial(_pattern_toggled, name),
                )
        if not MIN_PATTERNS <= len(current.patterns) <= MAX_PATTERNS:
            solara.Warning(text("workshop.patterns.count", lang), dense=True)
        rv.Select(
            label=text("workshop.baseline", lang),
            v_model=current.baseline,
            items=[{"text": pattern_name(n, lang), "value": n} for n in current.patterns],
            on_v_model=lambda v: set_choice(lambda old: replace(old, baseline=v)),
            dense=True,
            disabled=locked,
            hint=text("workshop.baseline.help", lang),
            persistent_hint=True,
            class_="coop-baseline",
        )
        NumberField(
            text("workshop.replicates", lang),
            text("workshop.replicates.help", lang),
            current.replicates,
            lambda n: set_choice(lambda old: replace(old, replicates=n)),
            REPLICATES_MIN,
            REPLICATES_MAX,
            lang,
            disabled=locked,
        )
        p = PARAMETERS["residents"]
        with solara.Details(text("workshop.advanced", lang)):
            NumberField(
                p.label_zh if lang == "zh" else p.label_en,
                text("workshop.residents.help", lang),
                round_residents(current),
                lambda n: set_choice(lambda old: replace(old, residents=n)),
                int(cast(float, p.low)),  # the parameter table bounds the residents
                min(int(cast(float, p.high)), max_residents()),
                lang,
                disabled=locked,
            )
            NumberField(
                text("seed", lang),
                text("seed.help", lang),
                current.seed,
                lambda n: set_choice(lambda old: replace(old, seed=n)),
                0,
                SEED_MAX,
                lang,
                disabled=locked,
            )


@solara.component
def ScenarioCardView(name: str, lang: str):
    card = solara.use_memo(lambda: scenario_card(name, lang), [name, lang])
    with solara.Card(card.title, margin=0, classes=["coop-scenario-card"]):
        solara.Text(card.story, style={"white-space": "pre-line", "line-height": "1.5"})
        if card.facts:
            rows = "".join(
                f"<tr><td>{escape(label)}</td><td>{escape(str(value))}</td></tr>"
                for label, value in card.facts
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"<table><tbody>{rows}</tbody></table>",
                classes=["v-data-table", "v-data-table--dense", "coop-facts"],
            )
        with solara.Details(text("workshop.notes", lang)):
            solara.Text(card.notes, style={"white-space": "pre-line"}, classes=["coop-notes"])


@solara.component
def PatternCardsView(current: WorkshopChoice, lang: str):
    if not current.patterns:
        return
    with solara.Columns([1] * len(current.patterns)):
        for name in current.patterns:
            card = pattern_card(name, lang)
            title = card.label + (text("workshop.baseline.tag", lang) if name == current.baseline else "")
            with solara.Card(title, margin=0, classes=["coop-pattern-card"]):
                solara.Text(card.summary, style={"line-height": "1.4"})
                if card.actors:
                    actors = "".join(f"<li>{escape(a)}</li>" for a in card.actors)
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML=(
                            f"<p><b>{escape(text('workshop.actors', lang))}</b></p><ul>{actors}</ul>"
                        ),
                        style={"font-size": "0.9rem"},
                        classes=["coop-actors"],
                    )
                levers = "".join(
                    f"<li>{escape(label)}: {escape(str(value))}</li>" for label, value in card.levers
                )
                with solara.Details(text("workshop.levers", lang)):
                    solara.HTML(
                        tag="ul",
                        unsafe_innerHTML=levers,
                        style={"font-size": "0.9rem"},
                        classes=["coop-levers"],
                    )


def _inline(locked: bool, css: str, flex: str) -> dict[str, Any]:
    """A prediction's field and pick side by side: compact, and locked once revealed."""
    return {"dense": True, "disabled": locked, "hide_details": True, "class_": css, "style_": f"flex: {flex}"}


@solara.component
def PredictionBox(question: str, current: WorkshopChoice, locked: bool, lang: str):
    """One question: a name, a pattern, Add; then every prediction entered for it."""
    name, set_name = solara.use_state("")
    pick, set_pick = solara.use_state(cast(str | None, None))
    participant = (name or "").strip()[:NAME_MAX]

    def add() -> None:
        if not participant or pick is None or pick not in current_choice().patterns:
            return
        new = Prediction(question, participant, pick)
        change_round(enter=lambda entered: with_prediction(entered, new))
        set_name("")

    def remove(p: Prediction) -> Callable[[], None]:
        def go() -> None:
            change_round(enter=lambda entered: tuple(q for q in entered if q != p))

        return go

    entered = [p for p in predictions.value if p.question == question]
    with solara.Card(margin=0, classes=[f"coop-question-{question}"]):
        solara.Text(
            text(f"workshop.question.{question}", lang), style={"font-size": "1.1rem", "font-weight": "500"}
        )
        with solara.Row(style={"align-items": "center"}):
            rv.TextField(
                label=text("workshop.participant", lang),
                v_model=name,
                on_v_model=set_name,
                **_inline(locked, "coop-participant", "1 1 40%"),
            )
            rv.Select(
                label=text("workshop.prediction", lang),
                v_model=pick if pick in current.patterns else None,
                on_v_model=set_pick,
                items=[{"text": pattern_name(n, lang), "value": n} for n in current.patterns],
                **_inline(locked, "coop-pick", "1 1 50%"),
            )
            solara.Button(
                text("workshop.add", lang),
                on_click=add,
                color="primary",
                disabled=locked or not participant or pick not in current.patterns,
            )
        if not entered:
            solara.Text(text("workshop.no_predictions", lang), style=HELP_STYLE)
        with solara.Column(gap="0px", classes=["coop-predictions"]):
            for p in entered:
                with solara.Row(style={"align-items": "center"}, classes=["coop-prediction"]):
                    solara.Text(f"{p.participant}: {pattern_name(p.pattern, lang)}")
                    if not locked:
                        solara.Button(
                            icon_name="mdi-close",
                            on_click=remove(p),
                            icon=True,
                            small=True,
                            attributes={
                                "title": text("workshop.remove", lang),
                                "aria-label": text("workshop.remove", lang),
                            },
                        )


@solara.component
def SaveStatus(lang: str):
    if saved.value is None:
        return
    kind, detail = saved.value
    if kind == "saved":
        solara.Text(text("workshop.saved", lang, path=detail), style=HELP_STYLE, classes=["coop-saved"])
    else:
        solara.Error(text("workshop.save_error", lang, error=detail), dense=True, classes=["coop-save-error"])


@solara.component
def RevealView(current: WorkshopChoice, lang: str):
    done, total = progress.value
    running = reveal.pending
    if result.value is None:
        with solara.Row(style={"align-items": "center"}):
            solara.Button(
                text("workshop.reveal", lang),
                on_click=start_reveal,
                color="primary",
                disabled=running or not current.ready,
                classes=["coop-reveal-button"],
            )
            solara.Text(text("workshop.reveal.help", lang, replicates=current.replicates), style=HELP_STYLE)
    if total:  # from Reveal on, until a new round
        solara.ProgressLinear(value=100 * done / total, classes=["coop-progress-bar"])
        solara.Text(text("workshop.progress", lang, done=done, total=total), classes=["coop-progress"])
    if reveal.error and result.value is None:
        solara.Error(text("workshop.failed", lang, error=str(reveal.exception)), classes=["coop-failed"])
    if result.value is not None:
        ResultView(result.value, lang)
        with solara.Row(style={"align-items": "center"}):
            solara.Button(
                text("workshop.new_round", lang), on_click=new_round, outlined=True, color="primary"
            )
            solara.Text(text("workshop.new_round.help", lang), style=HELP_STYLE)
