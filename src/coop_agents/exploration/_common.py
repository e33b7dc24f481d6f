"""What the four analyses share: results and their factors, outcome directions, figures, progress."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError

__all__ = [
    "Progress",
    "Results",
    "better",
    "check_int",
    "check_outcome",
    "load",
    "outcome_words",
    "output_folder",
    "param_words",
    "quiet_libraries",
    "save_figure",
    "value_words",
    "write_outputs",
]

# Columns of a results table that are not factors.
_ID_COLUMNS = {"run_id", "arm_id", "arm", "replicate", "seed", "error", "seconds"}


@dataclass
class Results:
    """A batch's finished runs and what its experiment file said about each factor."""

    runs: pd.DataFrame  # one row per run without an error
    definition: dict  # the experiment definition (experiment.json), or a minimal one
    failed: int  # runs left out because they raised
    where: str  # how messages name the results

    @property
    def outcomes(self) -> list[str]:
        from coop_agents.experiments.analysis import _is_outcome

        kept = self.definition.get("outcomes") or []
        present = [o for o in kept if o in self.runs.columns]
        return present or [c for c in self.runs.columns if _is_outcome(c)]

    def role(self, name: str) -> str:
        """``lever`` or ``uncertainty`` (``scenario`` counts as an uncertainty, ``pattern`` as a lever)."""
        for f in self.definition.get("factors", []):
            if f["name"] == name:
                return f["role"]
        if name == "pattern":
            return "lever"
        from coop_agents.config import PARAMETERS

        p = PARAMETERS.get(name)
        return "lever" if p is not None and p.role == "lever" else "uncertainty"

    def crossed(self, name: str) -> bool:
        for f in self.definition.get("factors", []):
            if f["name"] == name:
                return f["low"] is None and len(f["values"]) > 1
        return not pd.api.types.is_float_dtype(self.runs[name])

    def varied(self, runs: pd.DataFrame | None = None) -> list[str]:
        """Factor columns whose values differ between the runs (``scenario``, ``pattern`` included)."""
        from coop_agents.experiments.analysis import _factor_columns

        runs = self.runs if runs is None else runs
        columns = [c for c in ("scenario", "pattern") if c in runs.columns] + [
            c for c in _factor_columns(runs) if c not in ("scenario", "pattern")
        ]
        return [c for c in columns if runs[c].nunique(dropna=False) > 1]


def load(results: str | Path | pd.DataFrame, definition: dict | None = None) -> Results:
    """The finished runs of a results folder (or of a results DataFrame) and their definition.

    Raises:
        CoopError: no such folder, no results in it, or no run without an error.
    """
    if isinstance(results, pd.DataFrame):
        df, where = results, "these results"
    else:
        from coop_agents.experiments.analysis import load_definition, load_results

        path = Path(results)
        if not path.is_dir():
            raise CoopError(
                f"{results}: no such results folder; run 'coop-agents batch EXPERIMENT --out {results}' first"
            )
        df, where = load_results(path), str(results)
        if definition is None:
            try:
                definition = load_definition(path)
            except (CoopError, OSError, KeyError, ValueError):
                definition = None
    if "error" not in df.columns:
        df = df.assign(error=None)
    ok = df[df["error"].isna()].reset_index(drop=True)
    if ok.empty:
        raise CoopError(f"{where}: every one of its {len(df)} runs failed; nothing to analyse")
    for c in ("scenario", "pattern"):
        if c in ok.columns:
            ok[c] = ok[c].map(lambda v: Path(v).stem if isinstance(v, str) and v.endswith(".toml") else v)
    return Results(ok, definition or {"factors": [], "outcomes": []}, int(len(df) - len(ok)), where)


def check_int(name: str, value: Any, low: int = 1, high: int = 1_000_000) -> int:
    """``value`` if it is a whole number from ``low`` to ``high``; else a one-line CoopError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise CoopError(f"{name} {value!r}: expected a whole number from {low:,} to {high:,}")
    return int(value)


def output_folder(path: str | Path, what: str = "--out") -> Path:
    """``path`` as a folder this user can write to (created if needed); else a one-line CoopError.

    The checks of every output folder (:func:`coop_agents.limits.check_output_dir`), and a name
    of blanks only is refused too.
    """
    from coop_agents.limits import check_output_dir

    text = str(path)
    if not text.strip():
        raise CoopError(f"{what} {text!r}: expected a folder name")
    return check_output_dir(text, what)


def better(outcome: str) -> str:
    """``lower``, ``higher`` or ``neither``: the outcome registry's better direction."""
    from coop_agents.experiments.analysis import find_outcome

    return find_outcome(outcome).better


def check_outcome(res: Results, outcome: str, option: str = "--outcome") -> str:
    """``outcome`` if the results hold it and the registry knows it; else a one-line CoopError."""
    from coop_agents.experiments.analysis import find_outcome

    kept = res.outcomes
    if outcome not in res.runs.columns:
        raise CoopError(f"{option} {outcome}: not in {res.where}; outcomes kept there: {', '.join(kept)}")
    try:
        find_outcome(outcome)
    except KeyError:
        raise CoopError(
            f"{option} {outcome}: not in the outcome registry (an outcome of an earlier version); "
            f"allowed: {', '.join(o for o in kept if _known(o))}"
        ) from None
    if res.runs[outcome].notna().sum() == 0:
        raise CoopError(
            f"{option} {outcome}: n/a in every run of {res.where}; choose another of: {', '.join(kept)}"
        )
    return outcome


def _known(outcome: str) -> bool:
    from coop_agents.experiments.analysis import find_outcome

    try:
        find_outcome(outcome)
    except KeyError:
        return False
    return True


def outcome_words(outcome: str, lang: str = "en") -> tuple[str, str]:
    """An outcome's label and unit in ``lang``, from the outcome registry."""
    from coop_agents.experiments.analysis import outcome_label, outcome_unit

    return outcome_label(outcome, lang), outcome_unit(outcome, lang)


def param_words(name: str, lang: str = "en") -> tuple[str, str]:
    """How a factor is named in a sentence and its unit: the parameter's name (English) or its
    Chinese label from the parameter table."""
    from coop_agents.config import PARAMETERS

    p = PARAMETERS.get(name)
    if p is None:
        return (
            {"pattern": "pattern", "scenario": "scenario"}.get(name, name)
            if lang == "en"
            else {"pattern": "协同模式", "scenario": "情景"}.get(name, name)
        ), ""
    unit = p.unit if p.unit not in ("level", "share", "clarity") else ""
    return (name if lang == "en" else p.label_zh), unit


def value_words(value: Any, integer: bool = False) -> str:
    """A factor's value in a sentence: three significant figures, grouped thousands."""
    from coop_agents.numbers import format_number

    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    if isinstance(value, (int, np.integer)) or integer:
        return format_number(float(round(float(value))), 0)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if x == 0 or not math.isfinite(x):
            return format_number(x)
        digits = max(0, 2 - math.floor(math.log10(abs(x))))
        text = format_number(round(x, digits), digits)
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def write_outputs(
    out: str | Path | None, default: Path | None, tables: dict[str, pd.DataFrame], report: str, text: str
) -> tuple[Path, list[Path]]:
    """An analysis's files: each table as CSV (no index) and its Markdown ``report``, in ``out``
    (else ``default``, where the analysis ran); the folder and the paths written.

    Raises:
        CoopError: neither folder given.
    """
    chosen = out if out is not None else default
    if chosen is None:
        raise CoopError("no folder to write to: give out")
    folder = Path(chosen)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        paths.append(folder / name)
        table.to_csv(paths[-1], index=False)
    paths.append(folder / report)
    paths[-1].write_text(text, encoding="utf-8")
    return folder, paths


def save_figure(fig, out: Path, name: str) -> list[Path]:
    """Write ``fig`` as ``out/name.png`` and ``out/name.svg``; close it."""
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        path = out / f"{name}.{ext}"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def pyplot():
    """matplotlib's pyplot on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def quiet_libraries() -> None:
    """Silence the EMA Workbench's import warnings (optional parts not installed) and pyabc's logs."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", message=".*not installed.*", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*altair.*")
    for name in (
        "ABC",
        "pyabc",
        "Sampler",
        "Epsilon",
        "History",
        "Distance",
        "Acceptor",
        "Adaptation",
        "Redis",
        "ABC.Sampler",
        "ABC.History",
        "ABC.Epsilon",
        "ABC.Distance",
        "ABC.Adaptation",
        "ABC.Transition",
        "ABC.Population",
        "ABC.Acceptor",
        "ABC.Predictor",
        "EMA",
        "ema_workbench",
    ):
        logging.getLogger(name).setLevel(logging.WARNING)


class Progress:
    """Work done so far on stderr: a bar on a terminal, else a plain line every ``interval`` seconds.

    ``clock`` (monotonic seconds) may be replaced, e.g. by a test.
    """

    def __init__(
        self,
        total: int,
        what: str,
        stream=None,
        interval: float = 5.0,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.what, self.done = total, what, 0
        self.stream = stream if stream is not None else sys.stderr
        self.interval, self.enabled, self.clock = interval, enabled, clock
        self.start = self.last = clock()
        try:
            self.tty = bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self.tty = False
        self.bar = None
        if enabled and self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=what, file=self.stream, dynamic_ncols=True)
        elif enabled:
            self._line(self.start)

    def update(self, n: int = 1, note: str = "") -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            if note:
                self.bar.set_postfix_str(note, refresh=False)
            return
        now = self.clock()
        if self.enabled and now - self.last >= self.interval:
            self._line(now, note)

    def note(self, text: str) -> None:
        """A line of its own (e.g. a generation finished), on a terminal too."""
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)
            self.last = self.clock()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.enabled and self.done:
            self._line(self.clock())
            self.enabled = False

    def _line(self, now: float, note: str = "") -> None:
        from coop_agents.experiments.runner import _clock_time

        elapsed = now - self.start
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        extra = f", {note}" if note else ""
        print(
            f"{self.what}: {self.done}/{self.total}{share}, {_clock_time(elapsed)} elapsed{extra}",
            file=self.stream,
            flush=True,
        )
        self.last = now
