"""Solara components of the app: controls from the parameter table, the player, the views.

Components take the language as an argument and read the model only through
:class:`coop_agents.viz.session.Ensemble` (under its lock); the pages in
:mod:`coop_agents.viz.app` wire them to a browser session's state. A view takes the ensemble's
day as an argument: Solara redraws a component when its arguments change, and the ensemble
object itself stays the same from day to day.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from html import escape
from typing import Any

import solara
import solara.lab
from solara.alias import rv

from coop_agents.config import PARAMETERS
from coop_agents.i18n import (
    LANGUAGES,
    choice_label,
    param_help,
    param_label,
    pattern_description,
    pattern_label,
    scenario_description,
    scenario_title,
    street_label,
    text,
)
from coop_agents.patterns import load_pattern, preset_names
from coop_agents.scenarios import preset_scenarios
from coop_agents.viz.charts import charts_option, states_height, states_option, states_title
from coop_agents.viz.figures import network_figure, network_legend, svg
from coop_agents.viz.layout import street_offices
from coop_agents.viz.outcome_table import outcome_heads, outcome_rows
from coop_agents.viz.server import max_residents
from coop_agents.viz.session import Ensemble

__all__ = [
    "LanguageSwitch",
    "ParamControl",
    "NumberField",
    "ScenarioSelect",
    "PatternSelect",
    "Player",
    "NetworkView",
    "StreetSelect",
    "shown_street",
    "StatesView",
    "ChartsView",
    "OutcomeTable",
    "radio_row",
]

PLAY_PAUSE_S = 0.05  # rest between days while playing, so clicks get their turn
SEED_MAX = 2**63 - 1
NUMBER = ' style="text-align: right"'
HELP_MARK = "text-decoration: underline dotted; cursor: help"  # a label whose title holds its meaning
HELP_STYLE = {"font-size": "0.8rem", "color": "#616161", "line-height": "1.25"}


@solara.component
def LanguageSwitch(lang: solara.Reactive[str]):
    """One button per language, the current one outlined."""
    with solara.Row(gap="4px", classes=["coop-language"]):
        for code, name in LANGUAGES.items():
            solara.Button(
                name,
                on_click=lambda code=code: lang.set(code),
                text=True,
                dark=True,
                outlined=code == lang.value,
            )


def radio_row(label: str, value: str, on_value: Callable[[str], None], options: dict[str, str], **extra: Any):
    """One radio button per option (value -> its words) in a row under ``label``; ``extra``: more
    of Vuetify's settings (e.g. ``class_``, ``hide_details``)."""
    return rv.RadioGroup(
        v_model=value,
        on_v_model=on_value,
        row=True,
        dense=True,
        label=label,
        children=[rv.Radio(label=words, value=v) for v, words in options.items()],
        **extra,
    )


def _step(low: float, high: float) -> float:
    """A slider step of about a hundredth of the range, rounded to a power of ten."""
    return 10.0 ** round(math.log10((high - low) / 100))


@solara.component
def ParamControl(name: str, value: Any, on_value: Callable[[Any], None], lang: str):
    """The control of one parameter-table row: its type decides the widget, the table its bounds,
    label and help (shown under it)."""
    p = PARAMETERS[name]
    label, hint = param_label(name, lang), param_help(name, lang)
    low, high = p.low, p.high
    with solara.Column(gap="0px", classes=["coop-control"]):
        if p.type == "bool":
            rv.Checkbox(
                label=label, v_model=value, on_v_model=on_value, hint=hint, persistent_hint=True, dense=True
            )
            return
        if p.type == "choice":
            rv.Select(
                label=label,
                items=[{"text": choice_label(name, c, lang), "value": c} for c in p.choices],
                v_model=value,
                on_v_model=on_value,
                hint=hint,
                persistent_hint=True,
                dense=True,
            )
            return
        assert low is not None and high is not None  # numeric rows have bounds (config._p)
        if p.type == "float" or high - low <= 100:
            solara.Text(f"{label}: {value:g}", style={"font-size": "0.9rem"})
            rv.Slider(
                min=low,
                max=high,
                step=_step(low, high) if p.type == "float" else 1,
                v_model=value,
                on_v_model=on_value,
                hint=hint,
                persistent_hint=True,
                dense=True,
                thumb_label=True,
            )
        else:
            top = min(int(high), max_residents()) if name == "residents" else int(high)  # --max-residents
            NumberField(label, hint, int(value), on_value, int(low), top, lang)


@solara.component
def NumberField(
    label: str,
    hint: str,
    value: int,
    on_value: Callable[[int], None],
    low: int,
    high: int,
    lang: str,
    disabled: bool = False,
):
    """An integer field that refuses values outside [low, high] with a message in ``lang``."""
    typed, set_typed = solara.use_state(str(value))
    error, set_error = solara.use_state(False)
    solara.use_effect(lambda: set_typed(str(value)), [value])

    def change(new: str | None) -> None:
        set_typed(new or "")
        try:
            number = int(str(new).strip())
        except ValueError:
            number = low - 1
        if low <= number <= high:
            set_error(False)
            on_value(number)
        else:
            set_error(True)

    allowed = text("allowed.int", lang, low=f"{low:,}", high=f"{high:,}")
    rv.TextField(
        label=label,
        v_model=typed,
        on_v_model=change,
        type="number",
        hint=hint,
        persistent_hint=True,
        dense=True,
        disabled=disabled,
        error_messages=[text("invalid", lang, allowed=allowed)] if error else [],
    )


@solara.component
def ScenarioSelect(value: str, on_value: Callable[[str], None], lang: str):
    scenarios = preset_scenarios()
    rv.Select(
        label=text("scenario", lang),
        v_model=value,
        on_v_model=on_value,
        dense=True,
        items=[{"text": scenario_title(sc, lang), "value": name} for name, sc in scenarios.items()],
        hint=f"{text('scenario.help', lang)} {scenario_description(scenarios[value], lang)}",
        persistent_hint=True,
    )


@solara.component
def PatternSelect(
    label: str,
    value: str | None,
    on_value: Callable[[str | None], None],
    lang: str,
    exclude: tuple[str, ...] = (),
    optional: bool = False,
):
    """A preset pattern; with ``optional`` the first item is "none" (value ``None``)."""
    items: list[dict[str, str | None]] = [
        {"text": pattern_label(load_pattern(n), lang), "value": n} for n in preset_names() if n not in exclude
    ]
    if optional:
        items.insert(0, {"text": text("compare.none", lang), "value": None})
    hint = pattern_description(load_pattern(value), lang) if value else ""
    rv.Select(
        label=label,
        v_model=value,
        on_v_model=on_value,
        items=items,
        hint=hint,
        persistent_hint=True,
        dense=True,
    )


@solara.component
def Player(
    ensemble: Ensemble, day: int, on_changed: Callable[[], None], on_reset: Callable[[], None], lang: str
):
    """Step, play or pause, reset; and the day. ``on_changed`` is called after every day stepped.

    Playing advances one day per render: each render (its ``day`` changed) starts a task that
    rests a moment, steps and calls ``on_changed``, which renders again. Stepping in a loop of
    its own instead would change state faster than the views redraw, and the thread that draws
    would then never get back to sending the updates to the browser.
    """
    playing = solara.use_reactive(False)

    def advance() -> None:
        if not playing.value:
            return
        time.sleep(PLAY_PAUSE_S)
        if not playing.value:
            return
        if not ensemble.running:
            playing.set(False)
            return
        ensemble.step()
        on_changed()

    solara.lab.use_task(advance, dependencies=[playing.value, day, id(ensemble)], prefer_threaded=True)

    def step() -> None:
        ensemble.step()
        on_changed()

    def reset() -> None:
        playing.set(False)
        on_reset()

    over = not ensemble.running
    with solara.Row(style={"align-items": "center"}, classes=["coop-player"]):
        solara.Button(text("step", lang), on_click=step, disabled=playing.value or over, color="primary")
        solara.Button(
            text("pause" if playing.value else "play", lang),
            on_click=lambda: playing.set(not playing.value),
            disabled=over,
            color="primary",
        )
        solara.Button(text("reset", lang), on_click=reset, color="primary", outlined=True)
        solara.Text(
            text("day", lang, day=day, days=ensemble.days),
            classes=["coop-day"],
            style={"font-size": "1.1rem", "margin-left": "12px"},
        )
        if over:
            solara.Text(text("finished", lang), style={"color": "#616161"})
    solara.Text(text("controls.apply", lang), style=HELP_STYLE)


def shown_street(ensemble: Ensemble, chosen: int | None) -> int | None:
    """The street office the views show on their own: ``chosen`` if the ensemble's district offers
    it (:func:`coop_agents.viz.layout.street_offices`), else ``None`` (the whole district), so a
    choice kept across a reset to a smaller district falls back to drawing it whole."""
    return chosen if chosen in street_offices(ensemble.runs[0].model.graph) else None


@solara.component
def StreetSelect(ensemble: Ensemble, street: solara.Reactive[int | None], lang: str):
    """The street office the network and the states chart show: all (the overview) or one; offered
    only for a district drawn as an overview with more than one street office. A view's choice:
    the run is not touched, and the choice stays while it steps."""
    offices = street_offices(ensemble.runs[0].model.graph)
    if not offices:
        return
    items: list[dict[str, Any]] = [{"text": text("street.all", lang), "value": None}]
    items += [{"text": street_label(s, name, lang), "value": s} for s, name in offices.items()]
    rv.Select(
        label=text("street.shown", lang),
        v_model=shown_street(ensemble, street.value),
        on_v_model=street.set,
        items=items,
        hint=text("street.help", lang),
        persistent_hint=True,
        dense=True,
        class_="coop-street",
    )


@solara.component
def NetworkView(
    ensemble: Ensemble,
    day: int,
    lang: str,
    colour_by: solara.Reactive[str],
    street: solara.Reactive[int | None] | None = None,
):
    """The actor network of the ensemble's first run, its legend, and what colours communities;
    with ``street`` (the run page), the control of which street office it shows at district scale."""
    run = ensemble.runs[0]
    shown = shown_street(ensemble, street.value if street is not None else None)

    def draw() -> bytes:
        with ensemble.lock:
            return svg(network_figure(run, colour_by.value, street=shown))

    image = solara.use_memo(draw, [id(ensemble), day, colour_by.value, shown])
    legend = solara.use_memo(
        lambda: svg(network_legend(run, lang, colour_by.value)), [id(ensemble), lang, colour_by.value]
    )
    with solara.Card(text("view.network", lang)):
        with solara.Row(style={"align-items": "flex-start", "gap": "24px"}):
            radio_row(
                text("colour_by", lang),
                colour_by.value,
                colour_by.set,
                {k: text(f"colour_by.{k}", lang) for k in ("harm", "state")},
                hide_details=True,
            )
            if street is not None:
                StreetSelect(ensemble, street, lang)
        with solara.Columns([3, 1]):
            solara.Image(image, format="svg+xml", width="100%", classes=["coop-network"])
            solara.Image(legend, format="svg+xml", width="100%", classes=["coop-legend"])


@solara.component
def StatesView(ensemble: Ensemble, day: int, lang: str, street: int | None = None):
    """Governance state of every community over time, one panel per run; by street office at
    district scale, or the communities of ``street``
    (:func:`coop_agents.viz.charts.states_option`)."""
    shown = shown_street(ensemble, street)

    def build() -> tuple[dict, tuple[str, str], int]:
        with ensemble.lock:
            runs = ensemble.runs
            return (
                states_option(runs, lang, shown),
                states_title(runs, lang, shown),
                states_height(runs, shown),
            )

    option, (title, note), height = solara.use_memo(build, [id(ensemble), day, lang, shown])
    with solara.Card(title, subtitle=note or None):
        solara.FigureEcharts(
            option=option,
            responsive=True,
            attributes={"style": f"height: {height}px; width: 100%", "class": "coop-states"},
        )


@solara.component
def ChartsView(ensemble: Ensemble, day: int, lang: str):
    """Outcomes over time, runs overlaid, drawn by the browser."""

    def build() -> dict:
        with ensemble.lock:
            return charts_option(ensemble.runs, lang)

    option = solara.use_memo(build, [id(ensemble), day, lang])
    with solara.Card(text("view.charts", lang)):
        solara.FigureEcharts(
            option=option,
            responsive=True,
            attributes={"style": "height: 480px; width: 100%", "class": "coop-charts"},
        )


@solara.component
def OutcomeTable(ensemble: Ensemble, day: int, lang: str):
    """Every outcome that applies to the runs so far, one value column per run; hovering a label
    shows what the outcome means (the registry's meaning, as its title).

    One HTML element, not a widget per cell: a day's update is then one message, not a hundred.
    """

    def build() -> str:
        with ensemble.lock:
            heads, rows = outcome_heads(ensemble.runs, lang), outcome_rows(ensemble.runs, lang)
        head = "".join(f"<th>{escape(h)}</th>" for h in heads)
        body = "".join(
            f'<tr data-outcome="{escape(r.name)}"><td><span title="{escape(r.help)}" style="{HELP_MARK}">'
            f"{escape(r.label)}</span></td><td>{escape(r.unit)}</td>"
            + "".join(f"<td{NUMBER}>{escape(v)}</td>" for v in r.values)
            + "</tr>"
            for r in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    html = solara.use_memo(build, [id(ensemble), day, lang])
    with solara.Card(text("view.table", lang)):
        solara.HTML(
            tag="div", unsafe_innerHTML=html, classes=["v-data-table", "v-data-table--dense", "coop-outcomes"]
        )
