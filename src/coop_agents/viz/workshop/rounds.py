"""A workshop round: its choices (:class:`WorkshopChoice`), the participants' predictions, its
file (one JSON file per round, replaced atomically) and Reveal, which runs the paired replicates.

Every change to a session's round goes through :func:`change_round`, which writes the file before
the page shows the change, one change at a time.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import solara
import solara.lab

from coop_agents import __version__
from coop_agents.errors import CoopError
from coop_agents.patterns import preset_names
from coop_agents.tabletop.log import replace_atomically
from coop_agents.viz.server import max_residents
from coop_agents.viz.session import RunSettings
from coop_agents.workshop.cards import library

__all__ = [
    "QUESTIONS",
    "WORKSHOP_DIR_ENV",
    "Prediction",
    "WorkshopChoice",
    "change_round",
    "current_choice",
    "new_round",
    "pattern_means",
    "predictions_by_question",
    "reveal",
    "round_record",
    "round_residents",
    "save_round",
    "set_choice",
    "start_reveal",
    "verdicts",
    "with_prediction",
    "workshop_dir",
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
    try:
        folder.mkdir(parents=True, exist_ok=True)
        replace_atomically(
            path, json.dumps(record, ensure_ascii=False, indent=2), folder, prefix=f".{round_id}."
        )
    except OSError as exc:
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


def round_residents(chosen: WorkshopChoice) -> int:
    """The residents of a round: those chosen, else the scenario's own, at most
    ``--max-residents``."""
    return chosen.residents or min(RunSettings(scenario=chosen.scenario).value("residents"), max_residents())


def start_reveal() -> None:
    """Reveal the round: its choices fixed (and saved), then its replicates run."""

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
