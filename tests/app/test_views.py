"""What the views draw: the network, its legend, the charts' data and the outcome table."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import LineCollection

from coop_agents.metrics import OUTCOMES
from coop_agents.viz.charts import PANELS, charts_option, format_value, outcome_table, states_option
from coop_agents.viz.figures import LINK_STYLE, network_figure, network_legend, svg
from coop_agents.viz.session import CompareSettings, Ensemble, RunSettings

MESSAGE_DAYS = 30  # days a run may take to have messages in flight (the default district: under a week)


@pytest.fixture(scope="module")
def stepped():
    """The default district under full-cycle governance, ten days in."""
    ensemble = Ensemble.single(RunSettings(pattern="full_cycle"))
    for _ in range(10):
        ensemble.step()
    return ensemble


def ties_drawn(fig, key):
    colour = LINK_STYLE[key][0]
    found = [
        c
        for c in fig.axes[0].collections
        if isinstance(c, LineCollection)
        and c.get_colors().size
        and np.allclose(
            c.get_colors()[0][:3], np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        )
    ]
    return sum(len(c.get_segments()) for c in found)


def test_network_styles_ties_by_link_and_greys_those_the_pattern_does_not_use():
    siloed = Ensemble.single(RunSettings(pattern="siloed")).runs[0]
    full = Ensemble.single(RunSettings(pattern="full_cycle")).runs[0]
    for run in (siloed, full):
        active = run.model.active
        for key in ("vertical", "horizontal", "platform"):
            expected = sum(1 for u, v, link, _ in run.layout.ties if link == key and active.has_edge(u, v))
            assert ties_drawn(network_figure(run), key) == expected
    assert (
        ties_drawn(network_figure(siloed), "horizontal") == 0 < ties_drawn(network_figure(full), "horizontal")
    )
    assert ties_drawn(network_figure(siloed), "inactive") > ties_drawn(network_figure(full), "inactive")


def crossing(run) -> set:
    """The pairs of organisations some message in flight is travelling between."""
    return {(a, b) for a, b, _ in run.model.bus.in_flight_edges() if a != b}


@pytest.fixture(scope="module")
def with_messages():
    """The default district under full-cycle governance, stepped (its own, so that ``stepped``
    stays at day ten) until messages travel between organisations, within a budget of days."""
    ensemble = Ensemble.single(RunSettings(pattern="full_cycle"))
    run = ensemble.runs[0]
    while not crossing(run) and ensemble.running and ensemble.day < MESSAGE_DAYS:
        ensemble.step()
    if not crossing(run):
        pytest.fail(
            f"no message in flight between two organisations by day {ensemble.day} (budget "
            f"{MESSAGE_DAYS} days): full-cycle governance in the default district sends some within "
            "its first week, so the messaging or the bus's in_flight_edges() changed"
        )
    return ensemble


def test_network_shows_messages_in_flight_and_aggregates_residents(with_messages):
    run = with_messages.runs[0]
    ax = network_figure(run).axes[0]
    arrows = [c for c in ax.collections if type(c).__name__ == "Quiver"]
    assert sum(len(q.U) for q in arrows) == len(crossing(run))
    discs = [
        c
        for c in ax.collections
        if c.get_offsets().shape[0] == run.model.n_communities
        and c.get_sizes().size == run.model.n_communities
    ]
    assert len(discs) == 1  # 4,800 residents: one disc per community, sized by its residents
    sizes = discs[0].get_sizes()
    assert np.allclose(sizes / sizes.max(), run.layout.community_size / run.layout.community_size.max())


def test_legend_speaks_the_language_and_the_network_has_no_words(stepped):
    run = stepped.runs[0]
    assert b"<text" not in svg(network_figure(run))
    zh = svg(network_legend(run, "zh", "state")).decode()
    assert "区政府" in zh and "应急态" in zh and "纵向条线" in zh and "District government" not in zh
    en = svg(network_legend(run, "en", "harm")).decode()
    assert "District government" in en and "Share of residents ever affected" in en


def test_charts_hold_every_day_so_far_of_every_panel(stepped):
    option = charts_option(stepped.runs, "en")
    assert len(option["grid"]) == len(PANELS)
    assert len(option["series"]) == sum(len(lines) for _, lines in PANELS)
    assert all(len(s["data"]) == stepped.day + 1 for s in option["series"])
    harm = next(s for s in option["series"] if s["name"] == "ever affected")
    assert [y for _, y in harm["data"]] == stepped.runs[0].series("harm").tolist()
    vulnerable = next(s for s in option["series"] if s["name"] == "vulnerable residents")
    assert sum(y for _, y in vulnerable["data"]) == stepped.runs[0].model.tally.unmet_days[1]
    zh = charts_option(stepped.runs, "zh")
    assert zh["title"][0]["text"] == "感染率（感染者占比）" and zh["xAxis"][3]["name"] == "天"


def test_comparison_charts_overlay_the_patterns_in_one_colour_each():
    ensemble = Ensemble.comparison(
        CompareSettings(patterns=("siloed", "platform", "full_cycle"), residents=600)
    )
    ensemble.step()
    option = charts_option(ensemble.runs, "en")
    assert option["legend"][-1]["data"] == [
        "Siloed lines and blocks",
        "Community response platform",
        "Full-cycle refined governance",
    ]
    harm = [s for s in option["series"] if s["xAxisIndex"] == 1]
    assert len({s["color"] for s in harm}) == 3 and len({s["lineStyle"]["type"] for s in harm}) == 2
    assert "solid: ever affected" in option["title"][1]["subtext"]


def test_states_chart_has_a_cell_per_community_and_day(stepped):
    option = states_option(stepped.runs, "zh")
    cells = option["series"][0]["data"]
    n_comm = stepped.runs[0].model.n_communities
    assert len(cells) == (stepped.day + 1) * n_comm
    states = stepped.runs[0].model.series.states
    assert all(states[d, c] == s for d, c, s in cells)
    assert [p["label"] for p in option["visualMap"]["pieces"]] == ["常态", "前转换态", "应急态", "后转换态"]


def test_outcome_table_lists_every_outcome_with_units_in_the_language(stepped):
    """The rows are the registry's outcomes that apply to the run (a single contagion event), in
    order, each value written with the row's one number format."""
    from coop_agents.numbers import format_row
    from coop_agents.outcome_registry import table_outcomes

    heads, rows = outcome_table(stepped.runs, "zh")
    assert heads == ["结果指标", "单位", "数值"]
    shown = table_outcomes("contagion", several_events=False)
    assert len(rows) == len(shown) and "events" not in shown and "learning_gain" not in shown
    outcomes = stepped.runs[0].model.outcomes()
    expected = [
        format_row([outcomes[k]], OUTCOMES[k].decimals, na=format_value(float("nan"), "zh"))[0] for k in shown
    ]
    assert [r[2] for r in rows] == expected
    assert rows[0][:2] == ["受影响居民", "人"]
    assert format_value(float("nan"), "en") == "n/a" and format_value(1234.5, "en") == "1,234"
    assert format_value(0.0123, "en") == "0.0123"  # three significant figures, never 1.23e-02
