"""Choosing a street office at district scale: the control, the network drawn for one street office,
and the states chart by street office. In process (Solara renders the views as for a browser
session); the last test goes through a real page of ``coop-agents app --district FILE``."""

from __future__ import annotations

import ipyvuetify as v
import numpy as np
import pytest
import solara
from playwright.sync_api import expect
from solara.components.echarts import EchartsWidget

from coop_agents.cli import main
from coop_agents.governance import GovernanceState
from coop_agents.i18n import street_label
from coop_agents.viz import components
from coop_agents.viz.charts import state_rows, states_height, states_option
from coop_agents.viz.components import NetworkView, StatesView
from coop_agents.viz.figures import network_figure
from coop_agents.viz.layout import OVERVIEW_MIN, street_offices
from coop_agents.viz.session import Ensemble, Run

from .conftest import chart_ready, choose_in, start_app

# 40 communities under four street offices: just past OVERVIEW_MIN, small enough to step fast.
STREETS, PER_STREET = 4, 10
DISTRICT = dict(residents=4000, street_offices=STREETS, communities_per_street=PER_STREET, initial_cases=12)
DAYS = 10


def district_run() -> Run:
    return Run("default", "full_cycle", 0, **DISTRICT)


@pytest.fixture(scope="module")
def stepped() -> Run:
    run = district_run()
    for _ in range(DAYS):
        run.step()
    return run


def street_select(rc):
    return rc.find(v.Select, class_="coop-street")


def render_network(run: Run, street: solara.Reactive):
    ensemble = Ensemble([run])
    return solara.render(NetworkView(ensemble, ensemble.day, "en", solara.Reactive("harm"), street))


def test_the_control_is_offered_only_for_a_district_drawn_by_street_office(stepped):
    assert stepped.model.n_communities == STREETS * PER_STREET >= OVERVIEW_MIN
    _box, rc = render_network(stepped, solara.Reactive(None))
    street_select(rc).assert_single()
    items = street_select(rc).widget.items
    assert [i["text"] for i in items] == ["All street offices (overview)"] + [
        f"Street office {s + 1}" for s in range(STREETS)
    ]
    assert street_select(rc).widget.v_model is None  # the overview first
    rc.close()
    small = Run("default", "full_cycle", 0)  # 12 communities: drawn whole, no control
    one_street = Run("default", "full_cycle", 0, residents=4000, street_offices=1, communities_per_street=40)
    for run in (small, one_street):
        assert street_offices(run.model.graph) == {}
        _box, rc = render_network(run, solara.Reactive(None))
        street_select(rc).assert_empty()
        rc.close()
    assert street_label(2, "street office 3", "zh") == "街道 3"


def test_choosing_a_street_office_draws_only_its_communities(stepped, monkeypatch):
    m = stepped.model
    for street in (0, 2):
        mine = sorted(c.community for c in m.committees if c.street == street)
        assert len(mine) == PER_STREET
        ax = network_figure(stepped, street=street).axes[0]
        drawn = [c.get_offsets().shape[0] for c in ax.collections if hasattr(c, "get_offsets")]
        assert m.n_communities not in drawn, "a street office's drawing holds every community"
        discs = [
            c for c in ax.collections if c.get_offsets().shape[0] == PER_STREET and c.get_sizes().size > 1
        ]
        assert discs, f"no disc per community of street office {street} (collections of sizes {drawn})"
        sizes = discs[0].get_sizes()
        size = stepped.layout.community_size[mine]
        assert np.allclose(sizes / sizes.max(), size / size.max())
    # Through the control: choosing street office 3 redraws the network from that street alone.
    asked = []
    monkeypatch.setattr(
        components,
        "network_figure",
        lambda run, colour_by, street: asked.append(street) or network_figure(run),
    )
    street = solara.Reactive(None)
    _box, rc = render_network(stepped, street)
    street_select(rc).widget.v_model = 2
    assert street.value == 2 and asked == [None, 2]
    street_select(rc).widget.v_model = None  # back to the overview
    assert asked == [None, 2, None]
    rc.close()


def test_the_states_chart_has_a_row_per_street_office_at_district_scale(stepped):
    option = states_option([stepped], "en")
    labels = [f"Street office {s + 1}" for s in range(STREETS)]
    assert option["yAxis"][0]["data"][:STREETS] == labels and option["yAxis"][0]["name"] == "Street office"
    cells = option["series"][0]["data"]
    assert len(cells) == (DAYS + 1) * STREETS  # instead of one cell per community and day
    states = stepped.model.series.states[: DAYS + 1]
    street_of = np.array([c.street for c in sorted(stepped.model.committees, key=lambda c: c.community)])
    for day, row, shown, *counts in cells:
        expected = np.bincount(states[day, street_of == row], minlength=len(GovernanceState))
        assert counts == expected.tolist() and sum(counts) == PER_STREET
        # The most escalated state any of its communities is in: emergency, pre-, post-transition, normal.
        present = [k for k in (2, 1, 3, 0) if counts[k] > 0]
        assert shown == present[0]
    assert option["series"][0]["encode"]["tooltip"] == [3, 4, 5, 6]  # the counts, named by state
    # One street office chosen: its communities, one row each.
    mine = sorted(c.community for c in stepped.model.committees if c.street == 1)
    chosen = states_option([stepped], "zh", street=1)
    assert chosen["yAxis"][0]["data"][:PER_STREET] == [str(c + 1) for c in mine]
    assert sorted(chosen["series"][0]["data"]) == sorted(
        [d, r, int(states[d, c])] for d in range(DAYS + 1) for r, c in enumerate(mine)
    )
    assert states_height([stepped], street=1) > states_height([stepped])
    # Below the threshold: a row per community, as before.
    small = Run("default", "full_cycle", 0)
    rows = state_rows(small, "en")
    assert not rows.by_street and rows.keys == list(range(small.model.n_communities))


def test_the_choice_is_a_view_that_stays_while_the_run_steps(monkeypatch):
    asked = []
    monkeypatch.setattr(
        components,
        "network_figure",
        lambda run, colour_by, street: asked.append(street) or network_figure(run, colour_by, street),
    )
    drawn, plain = Ensemble([district_run()]), Ensemble([district_run()])
    street = solara.Reactive(None)
    colour = solara.Reactive("state")

    @solara.component
    def Views(ensemble: Ensemble, day: int):
        with solara.Column():
            NetworkView(ensemble, day, "en", colour, street)
            StatesView(ensemble, day, "en", street.value)

    _box, rc = solara.render(Views(drawn, drawn.day), handle_error=False)
    street_select(rc).widget.v_model = 3
    for _ in range(DAYS):
        drawn.step()
        plain.step()
        rc.render(Views(drawn, drawn.day))
        assert street_select(rc).widget.v_model == 3 and street.value == 3
    committees = sorted(drawn.runs[0].model.committees, key=lambda c: c.community)
    option = rc.find(EchartsWidget).widget.option
    assert option["yAxis"][0]["data"][:PER_STREET] == [
        str(c.community + 1) for c in committees if c.street == 3
    ]
    assert len(option["series"][0]["data"]) == (DAYS + 1) * PER_STREET
    assert asked[-1] == 3 and len(asked) == DAYS + 2  # drawn for street office 4 every day
    a, b = drawn.runs[0].model, plain.runs[0].model
    assert np.array_equal(a.series.states[: a.series.n], b.series.states[: b.series.n])
    assert drawn.runs[0].series("prevalence").tolist() == plain.runs[0].series("prevalence").tolist()
    assert a.outcomes() == pytest.approx(b.outcomes(), nan_ok=True)
    rc.close()


# ---------------------------------------------------------------------------------- in the browser

SCENARIO = """name = "forty"
title_en = "Forty communities"
title_zh = "四十个社区"
description = "A test district."
description_zh = "测试辖区。"

[parameters]
residents = {residents}
street_offices = {street_offices}
communities_per_street = {communities_per_street}
"""


@pytest.fixture(scope="module")
def district_app(tmp_path_factory):
    """``coop-agents app --district FILE`` on a district of 40 communities under four street offices."""
    folder = tmp_path_factory.mktemp("street-app")
    (folder / "forty.toml").write_text(SCENARIO.format(**DISTRICT), encoding="utf-8")
    out = folder / "forty.graphml"
    assert main(["district", "export", "--scenario", str(folder / "forty.toml"), "--out", str(out)]) == 0
    yield from start_app(folder, "--district", str(out))


def y_rows(page) -> list[str]:
    chart_ready(page, ".coop-states")
    return page.locator(".coop-states").evaluate("el => el.__vue__.chart.getOption().yAxis[0].data")


def test_choosing_a_street_office_in_the_page(new_session, district_app):
    page = new_session()
    page.goto(district_app)
    page.locator(".coop-day").wait_for()
    choose_in(
        page, page.locator(".v-select").filter(has_text="Scenario").first, "Your district (forty.graphml)"
    )
    page.get_by_role("button", name="Reset", exact=True).click()
    control = page.locator(".coop-street")
    expect(control).to_be_visible()  # the district's 40 communities: drawn by street office
    chart_ready(page, ".coop-states", "o.yAxis[0].data[0] === 'Street office 1'")
    assert y_rows(page)[:STREETS] == [f"Street office {s + 1}" for s in range(STREETS)]
    overview = page.locator("img.coop-network").get_attribute("src")
    choose_in(page, control, "Street office 2")
    expect(page.locator("img.coop-network")).not_to_have_attribute("src", overview)
    chart_ready(page, ".coop-states", "o.yAxis[0].data[0] !== 'Street office 1'")
    rows = y_rows(page)
    assert len([r for r in rows if r.isdigit()]) == PER_STREET
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".coop-day")).to_contain_text("Day 1 ")
    expect(control).to_contain_text("Street office 2")  # the choice stays while the run steps
    assert y_rows(page) == rows
