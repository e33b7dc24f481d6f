"""The app end to end: a real server, Debian's chromium, clicks and what the page then shows."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from coop_agents.config import PARAMETERS
from coop_agents.i18n import param_help, param_label
from coop_agents.outcome_registry import table_outcomes
from coop_agents.scenarios import load_scenario
from coop_agents.viz.session import CONTROL_GROUPS

from .conftest import chart_ready

CONTROLS = [name for names in CONTROL_GROUPS.values() for name in names]
# The live table shows the outcomes that apply to a single contagion event (the default scenario).
TABLE_ROWS = len(table_outcomes("contagion", several_events=False))
# The default scenario's cap of days, which the day counter names.
CAP = load_scenario("default").parameters["steps"]


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def image_src(page, selector: str) -> str:
    return page.locator(selector).get_attribute("src")


def chart_points(page, selector: str) -> int:
    """Data points of the first series the chart's ECharts instance (on its Vue component) holds."""
    chart_ready(page, selector)
    return page.locator(selector).evaluate("el => el.__vue__.chart.getOption().series[0].data.length")


def test_page_renders_with_every_view_and_control(open_app):
    page = open_app()
    expect(page.locator(".coop-day")).to_have_text(f"Day 0 of {CAP}")
    for selector in ("img.coop-network", "img.coop-legend"):
        image = page.locator(selector)
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth") > 150
    for selector in (".coop-states canvas", ".coop-charts canvas"):
        expect(page.locator(selector).first).to_be_visible()
    expect(page.locator(".coop-outcomes tbody tr")).to_have_count(TABLE_ROWS)
    expect(page.locator(".coop-outcomes th")).to_have_text(["Outcome", "Unit", "Value"])
    sidebar = page.locator(".v-navigation-drawer")
    for name in CONTROLS:
        expect(sidebar).to_contain_text(param_label(name, "en"))
        expect(sidebar).to_contain_text(param_help(name, "en"))
    for label in ("Scenario", "Coordination pattern", "Seed"):
        expect(sidebar).to_contain_text(label)


def test_step_play_pause_and_reset_change_the_views(open_app):
    page = open_app()
    day = page.locator(".coop-day")
    network = image_src(page, "img.coop-network")
    communities = chart_points(page, ".coop-states")  # day 0: one point per community
    assert chart_points(page, ".coop-charts") == 1
    click(page, "Step")
    expect(day).to_have_text(f"Day 1 of {CAP}")
    expect(page.locator("img.coop-network")).not_to_have_attribute("src", network)
    chart_ready(page, ".coop-states", f"o.series[0].data.length === {2 * communities}")
    # Each chart's new data is a message of its own: the outcome charts' may come a moment later.
    chart_ready(page, ".coop-charts", "o.series[0].data.length === 2")

    click(page, "Play")
    expect(day).to_have_text(re.compile(rf"Day ([6-9]|\d\d+) of {CAP}"), timeout=60_000)
    click(page, "Pause")
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_enabled()
    time.sleep(0.5)  # a day already being stepped when Pause was clicked still finishes
    paused = day.inner_text()
    time.sleep(1.0)
    assert day.inner_text() == paused
    days = int(paused.split()[1])
    assert chart_points(page, ".coop-charts") == days + 1

    click(page, "Reset")
    expect(day).to_have_text(f"Day 0 of {CAP}")


def test_language_switch_changes_labels_help_and_headings(open_app):
    page = open_app()
    click(page, "中文")
    expect(page.locator(".coop-day")).to_have_text(f"第 0 天 / 共 {CAP} 天")
    expect(page.locator(".coop-outcomes th")).to_have_text(["结果指标", "单位", "数值"])
    expect(page.get_by_text("行动者网络")).to_be_visible()
    expect(page.get_by_text("各社区的治理状态")).to_be_visible()
    expect(page.get_by_role("button", name="单步", exact=True)).to_be_visible()
    sidebar = page.locator(".v-navigation-drawer")
    for name in CONTROLS:
        expect(sidebar).to_contain_text(param_label(name, "zh"))
        expect(sidebar).to_contain_text(param_help(name, "zh"))
    expect(sidebar).not_to_contain_text(param_label("technology", "en"))
    expect(page.locator(".coop-outcomes")).not_to_contain_text("Residents harmed")

    click(page, "English")
    expect(page.locator(".coop-outcomes th").first).to_have_text("Outcome")
    expect(page.get_by_text(PARAMETERS["technology"].label_en, exact=False).first).to_be_visible()


def test_comparison_page_steps_two_then_three_patterns_together(open_app):
    page = open_app()
    click(page, "Compare patterns")
    heads = page.locator(".coop-outcomes th")
    expect(heads).to_have_text(
        ["Outcome", "Unit", "Siloed lines and blocks", "Full-cycle refined governance"]
    )
    expect(page.locator(".coop-charts canvas").first).to_be_visible()
    click(page, "Step")
    expect(page.locator(".coop-day")).to_have_text(f"Day 1 of {CAP}")
    click(page, "Step")
    expect(page.locator(".coop-day")).to_have_text(f"Day 2 of {CAP}")
    expect(page.locator(".coop-outcomes tbody tr").first.locator("td")).to_have_count(4)

    page.locator(".v-select").filter(has_text="Third pattern (optional)").click()
    page.locator(".menuable__content__active .v-list-item").filter(has_text="Response platform").click()
    click(page, "Reset")
    expect(page.locator(".coop-day")).to_have_text(f"Day 0 of {CAP}")
    expect(heads).to_have_count(5)
    expect(heads.nth(4)).to_contain_text("platform")


def test_two_sessions_are_independent(open_app):
    first, second = open_app(), open_app()
    for _ in range(3):
        click(first, "Step")
    expect(first.locator(".coop-day")).to_have_text(f"Day 3 of {CAP}")
    expect(second.locator(".coop-day")).to_have_text(f"Day 0 of {CAP}")
    click(second, "Step")
    click(second, "中文")
    expect(second.locator(".coop-day")).to_have_text(f"第 1 天 / 共 {CAP} 天")
    click(first, "Reset")
    expect(first.locator(".coop-day")).to_have_text(f"Day 0 of {CAP}")
    expect(second.locator(".coop-day")).to_have_text(f"第 1 天 / 共 {CAP} 天")


def test_the_navigation_bar_leads_to_the_tabletop_drill_in_both_languages(open_app):
    page = open_app()
    nav = page.locator(".coop-nav")
    # Started without --results: no Explore page to offer.
    expect(nav).to_have_text(["One pattern", "Compare patterns", "Workshop", "Tabletop drill"])
    click(page, "中文")
    expect(nav).to_have_text(["单一模式", "模式对比", "研讨会", "桌面推演"])
    click(page, "桌面推演")
    expect(page).to_have_url(re.compile(r"/tabletop$"))
    expect(page.locator(".coop-join-button")).to_be_visible()
    expect(nav.filter(has_text="桌面推演")).to_have_class(re.compile(r"v-btn--outlined"))
    click(page, "单一模式")
    expect(page.locator(".coop-day")).to_have_text(f"第 0 天 / 共 {CAP} 天")


def test_every_request_stays_on_this_machine(open_app, requests_seen):
    page = open_app()
    click(page, "Step")
    click(page, "中文")
    click(page, "模式对比")
    expect(page.locator(".coop-outcomes th").first).to_have_text("结果指标")
    # The comparison's own page, at its day 0: until it replaces the single run's page (at day 1,
    # also in Chinese by now), a click would step the page that is going away.
    expect(page.locator(".coop-day")).to_have_text(f"第 0 天 / 共 {CAP} 天")
    click(page, "单步")
    expect(page.locator(".coop-day")).to_have_text(f"第 1 天 / 共 {CAP} 天")
    # Solara's front end came from the offline cache, through the app's own server.
    assert any("/_solara/cdn/" in url for url in requests_seen.urls)
    requests_seen.check()
