"""Arms in words: the factors that vary between them, their values as tables show them, the hazard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from coop_agents.errors import CoopError
from coop_agents.experiments.analysis.outcomes import _factor_columns
from coop_agents.numbers import format_number

__all__ = ["arm_names"]


def _varied(df: pd.DataFrame) -> list[str]:
    """The factors whose values differ between the arms of ``df``."""
    columns = ["scenario", "pattern", *_factor_columns(df)]
    return [c for c in columns if c in df.columns and df[c].nunique() > 1]


def _words(value) -> str:
    """A factor's value as a table shows it: 0.1, not 0.1000000001; a file by its name."""
    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    if isinstance(value, (float, np.floating)):
        text = format_number(float(value))
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, str) and value.endswith(".toml"):
        return Path(value).stem
    return str(value)


def _named(values: dict) -> str:
    return ", ".join(f"{k} = {_words(v)}" for k, v in values.items()) or "all"


def arm_names(df: pd.DataFrame) -> dict[int, str]:
    """Each arm's name in words, from the factors that vary between arms.

    For example ``{1: "pattern = siloed, hazard = shock"}``; ``"all"`` when nothing varies.
    """
    first = df.groupby("arm_id", sort=True).first()
    varied = _varied(df)
    return {int(a): _named({c: row[c] for c in varied}) for a, row in first.iterrows()}


def _scenario_facts(df: pd.DataFrame) -> tuple[str | None, bool]:
    """The one hazard every run of ``df`` faces (None: several, or unknown), and whether any run
    has several events (True when unknown)."""
    from coop_agents.scenarios import load_scenario

    facts = []
    for scenario in df["scenario"].dropna().unique():
        try:
            sc = load_scenario(scenario)
        except CoopError:
            return None, True
        facts.append(
            (
                {sc.parameters.get("hazard", "contagion")} | {e.hazard for e in sc.events},
                sc.parameters.get("arrival", "single"),
            )
        )
    hazards = set().union(*(h for h, _ in facts)) if facts else set()
    if "hazard" in df.columns:
        hazards = {str(h) for h in df["hazard"].dropna().unique()}
    arrivals = {a for _, a in facts}
    if "arrival" in df.columns:
        arrivals = {str(a) for a in df["arrival"].dropna().unique()}
    return (hazards.pop() if len(hazards) == 1 else None), arrivals != {"single"}
