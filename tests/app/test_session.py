"""Settings, runs and ensembles: what the controls set and how runs step together."""

from __future__ import annotations

import numpy as np
import pytest

from coop_agents.errors import ConfigError
from coop_agents.patterns import load_pattern
from coop_agents.viz.session import CONTROL_GROUPS, CompareSettings, Ensemble, RunSettings


def test_controls_show_the_patterns_values_until_changed():
    s = RunSettings(pattern="full_cycle")
    full = load_pattern("full_cycle").levers
    for name in CONTROL_GROUPS["pillars"] + CONTROL_GROUPS["guarantees"]:
        if name in full:
            assert s.value(name) == full[name]
    changed = s.with_value("technology", 0.9).with_value("residents", 1200)
    assert changed.value("technology") == 0.9
    assert changed.with_pattern("siloed").value("technology") == RunSettings(pattern="siloed").value(
        "technology"
    )
    assert changed.with_pattern("siloed").value("residents") == 1200  # a scenario parameter stays
    assert changed.with_scenario("urban_district").value("residents") == 24000
    assert changed.with_scenario("urban_district").value("technology") == 0.9  # a lever stays


def test_a_value_outside_the_table_is_refused():
    with pytest.raises(ConfigError, match="technology"):
        RunSettings().with_value("technology", 1.5)


def test_the_run_follows_the_settings():
    s = RunSettings(pattern="platform", seed=4).with_value("residents", 600).with_value("training", 0.7)
    run = Ensemble.single(s).runs[0]
    assert run.model.config.residents == 600 and run.model.config.training == 0.7
    assert run.model.config.platform and run.model.seed_value == 4


def test_compared_runs_share_the_district_and_step_together():
    ensemble = Ensemble.comparison(CompareSettings(patterns=("siloed", "full_cycle"), seed=2, residents=600))
    a, b = (r.model for r in ensemble.runs)
    assert sorted(a.graph.edges) == sorted(b.graph.edges)
    for _ in range(5):
        ensemble.step()
    assert [r.day for r in ensemble.runs] == [5, 5]
    for run in ensemble.runs:
        assert run.series("unmet_vulnerable").size == run.series("harm").size == 6
        assert run.series("unmet_vulnerable").sum() == run.model.tally.unmet_days[1]
        assert np.all(np.diff(run.series("spent")) >= 0)


def test_a_finished_run_stops_stepping():
    ensemble = Ensemble.single(RunSettings().with_value("residents", 600))
    ensemble.runs[0].model.running = False
    ensemble.step()
    assert ensemble.day == 0 and not ensemble.running
