"""The workshop page (研讨会): choose, predict, reveal, export the brief.

A facilitator's round: choose a scenario from the workshop library and two to four patterns
(one the baseline); participants predict which pattern will harm the fewest residents and which
will respond fastest; Reveal runs the paired replicates in the background (a progress bar counts
the runs) and shows who was right against the result and its 95% confidence intervals; the brief
of that same batch downloads as one self-contained HTML page.

A round's choices, predictions and (after Reveal) result are kept in the browser session and
written, as they change, to one JSON file per round in the workshop folder
(``coop-agents app --workshop-dir DIR``, passed here in :data:`WORKSHOP_DIR_ENV`); a file is
replaced atomically, so a crash never leaves half a file. Every change goes through
:func:`change_round`, which writes the file before the page shows the change, one change at a
time: what the page shows of a round is on disk. After Reveal the round is fixed; New round
starts the next one, in a new file.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import solara
import solara.lab
from solara.alias import rv

from coop_agents import __version__
from coop_agents.config import PARAMETERS
from coop_agents.errors import CoopError
from coop_agents.i18n import outcome_label, pattern_label, text, unit_label
from coop_agents.metrics import OUTCOMES
from coop_agents.patterns import load_pattern, preset_names
from coop_agents.viz.components import HELP_STYLE, NUMBER, SEED_MAX, NumberField
from coop_agents.viz.server import max_residents, tab_title
from coop_agents.viz.session import RunSettings
from coop_agents.workshop.cards import library, pattern_card, scenario_card

__all__ = [
    "WORKSHOP_DIR_ENV",
    "QUESTIONS",
    "WorkshopChoice",
    "Prediction",
    "predictions_by_question",
    "verdicts",
    "round_record",
    "save_round",
    "change_round",
    "WorkshopView",
]

# Set by ``coop-agents app --workshop-dir`` (cli.py names it too: it must not import Solara
# before the server has set Solara's own environment).
WORKSHOP_DIR_ENV = "COOP_AGENTS_WORKSHOP_DIR"
DEFAULT_WORKSHOP_DIR = "workshop-sessions"
# The questions participants answer: each names the outcome whose best mean settles it.
QUESTIONS = ("harm", "response_delay")
MIN_PATTERNS, MAX_PATTERNS = 2, 4
REPLICATES_DEFAULT, REPLICATES_MIN, REPLICATES_MAX = 30, 2, 200
SEED = 1  # default master seed of the paired replicates; recorded in the file and the brief
EXECUTOR = "processes"
NAME_MAX = 60


@dataclass(frozen=True)
class WorkshopChoice:
    """A round's scenario, patterns (in preset order), baseline, replicates, residents and seed."""

    scenario: str
    patterns: tuple[str, ...] = ("siloed", "full_cycle")
    baseline: str | None = "siloed"
    replicates: int = REPLICATES_DEFAULT
    residents: int | None = None  # None: the scenario's own
    seed: int = SEED  # another seed: other districts and outbreaks, to see how much a result holds

    def with_pattern(self, name: str, chosen: bool) -> WorkshopChoice:
        """These choices with pattern ``name`` added or removed; the baseline stays a chosen
        pattern (``siloed`` when it is one, else the first)."""
        names = set(self.patterns) | {name} if chosen else set(self.patterns) - {name}
        patterns = tuple(n for n in preset_names() if n in names)
        baseline = (
            self.baseline
            if self.baseline in patterns
            else ("siloed" if "siloed" in patterns else (patterns[0] if patterns else None))
        )
        return replace(self, patterns=patterns, baseline=baseline)

    @property
    def ready(self) -> bool:
        return MIN_PATTERNS <= len(self.patterns) <= MAX_PATTERNS and self.baseline in self.patterns


@dataclass(frozen=True)
class Prediction:
    """One participant's (or group's) answer to one of :data:`QUESTIONS`."""

    question: str
    participant: str
    pattern: str


def with_prediction(predictions: Sequence[Prediction], new: Prediction) -> tuple[Prediction, ...]:
    """The predictions with ``new`` added; it replaces the same participant's earlier answer to
    the same question."""
    kept = [p for p in predictions if (p.question, p.participant) != (new.question, new.participant)]
    return (*kept, new)


def predictions_by_question(predictions: Iterable[Prediction]) -> dict[str, dict[str, str]]:
    """``{"harm": {participant: pattern}, "response_delay": {...}}``, as the brief takes them."""
    out: dict[str, dict[str, str]] = {q: {} for q in QUESTIONS}
    for p in predictions:
        out[p.question][p.participant] = p.pattern
    return out


def verdicts(
    best: Mapping[str, str], predictions: Iterable[Prediction]
) -> dict[str, list[tuple[str, str, bool]]]:
    """Per question, every ``(participant, pattern, right)``; right when the pattern is the best."""
    out: dict[str, list[tuple[str, str, bool]]] = {q: [] for q in QUESTIONS}
    for p in predictions:
        out[p.question].append((p.participant, p.pattern, p.pattern == best[p.question]))
    return out


def pattern_means(comparison: Any, outcome: str) -> dict[str, tuple[float, float, float]]:
    """Per pattern: the mean of ``outcome`` over the replicates and its 95% confidence interval."""
    return {
        p: tuple(comparison.value("summary", p, outcome, column) for column in ("mean", "ci_low", "ci_high"))
        for p in comparison.patterns
    }


def _finite(x: float) -> float | None:
    return None if math.isnan(x) else x


def round_record(
    round_id: str, choice: WorkshopChoice, predictions: Sequence[Prediction], comparison: Any = None
) -> dict:
    """What the round's file holds: its choices, the predictions and, after Reveal, the result."""
    record: dict[str, Any] = {
        "round": round_id,
        "saved": datetime.now().astimezone().isoformat(timespec="seconds"),
        "coop_agents": __version__,
        "scenario": choice.scenario,
        "patterns": list(choice.patterns),
        "baseline": choice.baseline,
        "replicates": choice.replicates,
        "seed": choice.seed,
        "residents": choice.residents,
        "predictions": predictions_by_question(predictions),
        "result": None,
    }
    if comparison is not None:
        best = {q: comparison.best(q) for q in QUESTIONS}
        judged = verdicts(best, predictions)
        record["result"] = {
            "best": best,
            "right": {q: [name for name, _, ok in judged[q] if ok] for q in QUESTIONS},
            "wrong": {q: [name for name, _, ok in judged[q] if not ok] for q in QUESTIONS},
            "means": {
                q: {
                    p: dict(zip(("mean", "ci_low", "ci_high"), map(_finite, m)))
                    for p, m in pattern_means(comparison, q).items()
                }
                for q in QUESTIONS
            },
            "headlines": {lang: comparison.headlines(lang) for lang in ("en", "zh")},
        }
    return record


def save_round(folder: str | Path, round_id: str, record: dict) -> Path:
    """Write ``record`` to ``folder/<round_id>.json`` atomically (a temporary file in the same
    folder, then renamed over the old one); a folder that cannot be written is a
    :class:`~coop_agents.errors.CoopError` of one line."""
    folder = Path(folder)
    path = folder / f"{round_id}.json"
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{round_id}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        reason = exc.strerror or type(exc).__name__
        raise CoopError(
            f"cannot write the workshop file {path} ({reason}); "
            "give a folder you can write to with coop-agents app --workshop-dir DIR"
        ) from None
    return path


def workshop_dir() -> Path:
    return Path(os.environ.get(WORKSHOP_DIR_ENV) or DEFAULT_WORKSHOP_DIR)


# A browser session's round (module-level reactive values are each session's own).
choice: solara.Reactive[WorkshopChoice | None] = solara.reactive(None)
predictions: solara.Reactive[tuple[Prediction, ...]] = solara.reactive(())
round_id: solara.Reactive[str | None] = solara.reactive(None)
result: solara.Reactive[Any] = solara.reactive(None)  # the Comparison, once revealed
progress: solara.Reactive[tuple[int, int]] = solara.reactive((0, 0))
saved: solara.Reactive[tuple[str, str] | None] = solara.reactive(
    None
)  # ("saved", path) or ("error", message)


def current_choice() -> WorkshopChoice:
    """The session's choices; until changed, the first library scenario and the default patterns."""
    return choice.value or WorkshopChoice(scenario=library()[0])


# Held while a round changes: its file is written, then the page's values set. The page's handlers
# and Reveal's thread both change rounds; one at a time, each from the state the last one left.
_changing = threading.Lock()


def change_round(
    choose: Callable[[WorkshopChoice], WorkshopChoice] | None = None,
    enter: Callable[[tuple[Prediction, ...]], tuple[Prediction, ...]] | None = None,
    revealed: Any = None,
) -> None:
    """Change the session's round: ``choose`` makes the new choices from the current ones,
    ``enter`` the new predictions from the current ones (predictions of a pattern no longer
    chosen are dropped), ``revealed`` is the result of Reveal.

    The round's file is written first (once there is something to keep: a prediction or a
    result), then the page shows the change, so the page never shows what the file lacks.
    """
    with _changing:
        old_choice, old_predictions = current_choice(), predictions.value
        new_choice = choose(old_choice) if choose else old_choice
        entered = enter(old_predictions) if enter else old_predictions
        entered = tuple(p for p in entered if p.pattern in new_choice.patterns)
        outcome = result.value if revealed is None else revealed
        rid = round_id.value
        if rid is None and (entered or outcome is not None):
            rid = datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
        status = saved.value
        if rid is not None:
            try:
                status = (
                    "saved",
                    str(save_round(workshop_dir(), rid, round_record(rid, new_choice, entered, outcome))),
                )
            except CoopError as exc:
                status = ("error", str(exc))
        if new_choice != old_choice:
            choice.set(new_choice)
        if entered != old_predictions:
            predictions.set(entered)
        round_id.set(rid)
        saved.set(status)
        if revealed is not None:
            result.set(revealed)


def set_choice(change: Callable[[WorkshopChoice], WorkshopChoice]) -> None:
    """New choices, made from the current ones by ``change``."""
    change_round(choose=change)


def new_round() -> None:
    with _changing:
        predictions.set(())
        result.set(None)
        round_id.set(None)
        progress.set((0, 0))
        saved.set(None)


@solara.lab.task(prefer_threaded=True)
def reveal(chosen: WorkshopChoice) -> None:
    """Run the round's replicates (in this task's thread; the runs in worker processes)."""
    # The brief's module (and Matplotlib with it) is imported when a round first needs it.
    from coop_agents.workshop.brief import run_comparison

    comparison = run_comparison(
        chosen.scenario,
        list(chosen.patterns),
        baseline=chosen.baseline,
        replicates=chosen.replicates,
        seed=chosen.seed,
        residents=chosen.residents,
        executor=EXECUTOR,
        progress=False,
        on_progress=lambda done, total: progress.set((done, total)),
    )
    if reveal.is_current():
        change_round(revealed=comparison)


def _pattern_label(name: str, lang: str) -> str:
    return pattern_label(load_pattern(name), lang)  # not a whole card: this runs on every redraw


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
                    label=_pattern_label(name, lang),
                    v_model=chosen,
                    dense=True,
                    hide_details=True,
                    disabled=locked or full,
                    on_v_model=lambda v, name=name: set_choice(lambda old: old.with_pattern(name, bool(v))),
                )
        if not MIN_PATTERNS <= len(current.patterns) <= MAX_PATTERNS:
            solara.Warning(text("workshop.patterns.count", lang), dense=True)
        rv.Select(
            label=text("workshop.baseline", lang),
            v_model=current.baseline,
            items=[{"text": _pattern_label(n, lang), "value": n} for n in current.patterns],
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
                int(p.low),
                min(int(p.high), max_residents()),
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


@solara.component
def PredictionBox(question: str, current: WorkshopChoice, locked: bool, lang: str):
    """One question: a name, a pattern, Add; then every prediction entered for it."""
    name, set_name = solara.use_state("")
    pick, set_pick = solara.use_state(None)
    participant = (name or "").strip()[:NAME_MAX]

    def add() -> None:
        if not participant or pick not in current_choice().patterns:
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
                dense=True,
                disabled=locked,
                hide_details=True,
                class_="coop-participant",
                style_="flex: 1 1 40%",
            )
            rv.Select(
                label=text("workshop.prediction", lang),
                v_model=pick if pick in current.patterns else None,
                on_v_model=set_pick,
                items=[{"text": _pattern_label(n, lang), "value": n} for n in current.patterns],
                dense=True,
                disabled=locked,
                hide_details=True,
                class_="coop-pick",
                style_="flex: 1 1 50%",
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
                    solara.Text(f"{p.participant}: {_pattern_label(p.pattern, lang)}")
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
                on_click=_start,
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


def round_residents(chosen: WorkshopChoice) -> int:
    """The residents of a round: those chosen, else the scenario's own, at most
    ``--max-residents``."""
    return chosen.residents or min(RunSettings(scenario=chosen.scenario).value("residents"), max_residents())


def _start() -> None:
    def bounded(old: WorkshopChoice) -> WorkshopChoice:
        # A scenario larger than --max-residents runs with that many (and says so in its file).
        residents = round_residents(old)
        if old.residents is None and residents != RunSettings(scenario=old.scenario).value("residents"):
            return replace(old, residents=residents)
        return old

    if reveal.pending or not current_choice().ready:
        return
    change_round(choose=bounded)
    chosen = current_choice()
    progress.set((0, len(chosen.patterns) * chosen.replicates))
    reveal(chosen)


@solara.component
def ResultView(comparison: Any, lang: str):
    """The best pattern of each question, who predicted it, and the means with their intervals."""
    from coop_agents.workshop.brief import fmt_value

    best = solara.use_memo(lambda: {q: comparison.best(q) for q in QUESTIONS}, [id(comparison)])
    means = solara.use_memo(lambda: {q: pattern_means(comparison, q) for q in QUESTIONS}, [id(comparison)])
    headlines = solara.use_memo(lambda: comparison.headlines(lang), [id(comparison), lang])
    judged = verdicts(best, predictions.value)
    right = sum(ok for q in QUESTIONS for _, _, ok in judged[q])
    with solara.Columns([1, 1]):
        for q in QUESTIONS:
            with solara.Column(gap="4px", classes=[f"coop-result-{q}"]):
                solara.Text(
                    text(f"workshop.best.{q}", lang, pattern=_pattern_label(best[q], lang)),
                    style={"font-size": "1.15rem", "font-weight": "bold"},
                    classes=["coop-best"],
                )
                for participant, pattern, ok in judged[q]:
                    mark = "✓ " + text("workshop.right", lang) if ok else "✗ " + text("workshop.wrong", lang)
                    solara.Text(
                        f"{participant}: {_pattern_label(pattern, lang)} — {mark}",
                        classes=["coop-verdict", "coop-right" if ok else "coop-wrong"],
                        style={"color": "#2e7d32" if ok else "#c62828"},
                    )
    total = sum(len(judged[q]) for q in QUESTIONS)
    if total:
        solara.Text(text("workshop.score", lang, right=right, total=total), classes=["coop-score"])
    heads = [text("workshop.table.pattern", lang)] + [
        f"{outcome_label(q, lang)} ({unit_label(OUTCOMES[q].unit, lang)})" for q in QUESTIONS
    ]
    body = ""
    for pattern in comparison.patterns:
        cells = [escape(_pattern_label(pattern, lang))]
        for q in QUESTIONS:
            mean, low, high = means[q][pattern]
            interval = "" if math.isnan(low) else f" [{fmt_value(low, lang)}, {fmt_value(high, lang)}]"
            cell = escape(fmt_value(mean, lang) + interval)
            cells.append(f"<b>{cell}</b>" if pattern == best[q] else cell)
        body += "<tr>" + "".join(f"<td{NUMBER if i else ''}>{c}</td>" for i, c in enumerate(cells)) + "</tr>"
    solara.Text(text("workshop.means", lang, replicates=comparison.replicates), style={"margin-top": "12px"})
    head = "".join(f"<th{NUMBER if i else ''}>{escape(h)}</th>" for i, h in enumerate(heads))
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        classes=["v-data-table", "v-data-table--dense", "coop-means"],
    )
    solara.Text(text("workshop.headlines", lang), style={"margin-top": "12px"})
    solara.HTML(
        tag="ul",
        unsafe_innerHTML="".join(f"<li>{escape(h)}</li>" for h in headlines),
        classes=["coop-headlines"],
    )


@solara.component
def ExportView(comparison: Any, lang: str):
    """The brief of this batch, in ``lang``, with the predictions, made when the button is pressed."""
    from coop_agents.workshop.brief import render_brief

    entered = predictions.value
    brief = solara.use_memo(
        lambda: lambda: render_brief(comparison, lang=lang, predictions=predictions_by_question(entered)),
        [id(comparison), lang, entered],
    )
    solara.FileDownload(
        brief,
        filename=f"workshop-brief-{round_id.value or 'round'}-{lang}.html",
        label=text("workshop.export", lang),
        mime_type="text/html",
    )
    solara.Text(text("workshop.export.help", lang), style=HELP_STYLE)
