"""Reading a results folder: its finished runs and the definition it was made with."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coop_agents.errors import CoopError

__all__ = ["load_results", "load_definition"]


def load_results(out: str | Path) -> pd.DataFrame:
    """Every finished run of the results folder ``out``, one row each.

    A damaged part (unreadable, or without the id columns of a run) is set aside in
    ``out/quarantine/`` with a warning on stderr (resuming the batch runs its runs again);
    ``df.attrs["quarantined"]`` says how many were set aside.
    """
    from coop_agents.experiments.store import Parts

    runs = Path(out) / "runs"
    parts = Parts(out)
    tables = [table for _, table in parts]
    if not tables:
        damaged = (
            f"; {len(parts.set_aside)} damaged part(s) set aside in {Path(out) / 'quarantine'}"
            if parts.set_aside
            else ""
        )
        raise CoopError(
            f"{out}: no results found (expected {runs}/part-*.parquet){damaged}; "
            f"run 'coop-agents batch' first"
        )
    df = pd.concat([t.to_pandas() for t in tables], ignore_index=True)
    df = df.sort_values(["arm_id", "replicate"], kind="stable").reset_index(drop=True)
    df.attrs["quarantined"] = len(parts.set_aside)
    return df


def load_definition(out: str | Path) -> dict:
    """The experiment definition a results folder was made with (from its experiment.json)."""
    from coop_agents.experiments.store import read_experiment_json

    return read_experiment_json(out)["experiment"]
