"""A batch's report: ``summary.md``, CSV tables and figures written into its results folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coop_agents import outcome_registry as registry
from coop_agents.experiments.analysis.arms import _scenario_facts
from coop_agents.experiments.analysis.comparisons import paired_differences
from coop_agents.experiments.analysis.figures import _figures
from coop_agents.experiments.analysis.outcomes import DERIVED_OUTCOMES
from coop_agents.experiments.analysis.results import load_definition, load_results
from coop_agents.experiments.analysis.sensitivity_indices import sensitivity
from coop_agents.experiments.analysis.summaries import summarise
from coop_agents.experiments.analysis.summary_md import _markdown
from coop_agents.outcome_registry import OUTCOMES

__all__ = ["analyse"]


def analyse(out: str | Path) -> dict[str, pd.DataFrame]:
    """Write ``summary.md``, CSV tables and figures (PNG and SVG) into ``out``; return the tables.

    ``summary.md`` has one table per outcome family (in the registry's order, the outcomes the
    experiment kept) with the arms as columns and "mean [95% CI]" in the cells; the same for the
    paired differences from the baseline; how many runs were cut short; and the interval method
    (:data:`CI_METHOD`).

    Returns:
        ``{"results", "summary", "paired", "sensitivity"}`` as DataFrames.
    """
    out = Path(out)
    df = load_results(out)
    definition = load_definition(out)
    kept = [o for o in definition["outcomes"] if o in df.columns]
    summary = summarise(df, kept)
    paired = paired_differences(df, definition.get("baseline") or {}, kept)
    indices = sensitivity(df, definition, kept)
    hazard, several = _scenario_facts(df)
    shown = _tabled(kept, hazard, several)
    figures = _figures(out, df, shown, indices, definition["design"], hazard)
    _markdown(out, definition, df, summary, paired, indices, figures, kept, shown, hazard)
    summary.to_csv(out / "summary.csv", index=False)
    if not paired.empty:
        paired.to_csv(out / "paired.csv", index=False)
    if not indices.empty:
        indices.to_csv(out / "sensitivity.csv", index=False)
    return {"results": df, "summary": summary, "paired": paired, "sensitivity": indices}


def _tabled(kept: list[str], hazard: str | None, several: bool) -> list[str]:
    """The kept outcomes that tables show, in the registry's order (families, then definitions):
    not the registry's details, nor outcomes of several events when every run has one."""
    shown = [o for o in OUTCOMES if o in kept and registry.applies(o, hazard, several)]
    return shown + [o for o in DERIVED_OUTCOMES if o in kept]
