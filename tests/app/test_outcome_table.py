"""The app's live outcome table reads the outcome registry: rows that apply, hazard's labels, meanings."""

from __future__ import annotations

import math

import pytest

from coop_agents.numbers import format_row
from coop_agents.outcome_registry import OUTCOMES, outcome_meaning, table_outcomes
from coop_agents.viz.charts import charts_option, outcome_rows, outcome_table
from coop_agents.viz.session import CompareSettings, Ensemble, RunSettings

SMALL = (("residents", 300),)


def stepped(scenario: str, days: int = 3) -> Ensemble:
    ensemble = Ensemble.single(RunSettings(scenario=scenario, pattern="full_cycle", overrides=SMALL))
    for _ in range(days):
        ensemble.step()
    return ensemble


@pytest.fixture(scope="module")
def single():
    return stepped("default")


def test_a_single_event_run_hides_what_only_several_events_have(single):
    names = [r.name for r in outcome_rows(single.runs, "en")]
    assert "events" not in names and "learning_gain" not in names
    assert not any(n.startswith("detection_delay_") for n in names), "details stay out of tables"
    assert names == [
        n for n in table_outcomes("contagion", several_events=False) if n in single.runs[0].model.outcomes()
    ], "the registry's order"
    heads, rows = outcome_table(single.runs, "zh")
    assert heads == ["结果指标", "单位", "数值"] and len(rows) == len(names)
    assert rows[0][:2] == ["受影响居民", "人"]


def test_a_run_of_several_events_shows_them():
    names = [r.name for r in outcome_rows(stepped("recurring", days=1).runs, "en")]
    assert "events" in names and "learning_gain" in names


def test_labels_follow_the_hazard_and_each_label_carries_its_meaning():
    shock = {r.name: r for r in outcome_rows(stepped("heatwave").runs, "en")}
    assert shock["peak_prevalence"].label == "Peak share exposed"
    assert shock["harm"].help == outcome_meaning("harm", "en")
    zh = {r.name: r for r in outcome_rows(stepped("heatwave").runs, "zh")}
    assert zh["peak_prevalence"].label == "峰值暴露比例" and zh["harm"].help == outcome_meaning("harm", "zh")
    titles = [t["text"] for t in charts_option(stepped("heatwave").runs, "en")["title"]]
    assert "Residents harmed (residents)" in titles, (
        "a panel charting an outcome: the registry's label and unit"
    )


def test_one_number_format_per_row_and_not_yet_for_undefined_values():
    ensemble = Ensemble.comparison(CompareSettings(patterns=("siloed", "full_cycle"), residents=300))
    for _ in range(3):
        ensemble.step()
    values = [run.model.outcomes() for run in ensemble.runs]
    for row in outcome_rows(ensemble.runs, "zh"):
        raw = [v[row.name] for v in values]
        assert list(row.values) == format_row(raw, OUTCOMES[row.name].decimals, na="暂无")
        assert all((cell == "暂无") == math.isnan(x) for cell, x in zip(row.values, raw))
