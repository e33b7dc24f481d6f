"""A venue's app: ``--max-residents`` bounds every Residents field, and each tab says what it is.

A real ``coop-agents app --max-residents 3000`` in Debian's chromium: the Residents fields of the
three pages refuse more with a visible message, and the workshop's round file shows that a
refused number never reached the round.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coop_agents.i18n import param_label

from .conftest import choose_in, new_files, number_field, round_file, start_app

LIMIT = 3000
REFUSED = "Not allowed: an integer from 20 to 3,000"


@pytest.fixture(scope="module")
def limited_app(tmp_path_factory):
    """The app bounded to 3,000 residents, with its own workshop folder: ``(address, folder)``."""
    folder = tmp_path_factory.mktemp("limits-sessions")
    for address in start_app(
        tmp_path_factory.mktemp("limits-app"), "--max-residents", str(LIMIT), "--workshop-dir", str(folder)
    ):
        yield address, folder


@pytest.fixture(scope="module")
def app_url(limited_app):
    """This module's app is the one ``open_app`` opens pages of."""
    return limited_app[0]


@pytest.fixture(scope="module")
def sessions(limited_app):
    return limited_app[1]


def residents_field(scope):
    return number_field(scope, param_label("residents", "en"))


def refuses_more_than_the_limit(scope) -> None:
    field = residents_field(scope)
    field.fill(str(LIMIT + 1))
    expect(scope.get_by_text(REFUSED)).to_be_visible()
    field.fill("20000")
    expect(scope.get_by_text(REFUSED)).to_be_visible()
    field.fill(str(LIMIT))
    expect(scope.get_by_text(REFUSED)).to_have_count(0)


def test_the_run_page_refuses_more_residents_than_allowed(open_app):
    page = open_app()
    expect(page).to_have_title("One pattern · coop-agents")
    refuses_more_than_the_limit(page.locator(".v-navigation-drawer"))
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page).to_have_title("单一模式 · coop-agents")


def test_the_compare_page_refuses_more_residents_than_allowed(open_app):
    page = open_app("compare")
    expect(page).to_have_title("Compare patterns · coop-agents")
    refuses_more_than_the_limit(page.locator(".v-navigation-drawer"))


def test_the_workshop_refuses_more_residents_than_allowed(new_session, app_url, sessions):
    from coop_agents.workshop.cards import pattern_card

    page = new_session()
    page.goto(app_url + "workshop")
    page.locator(".coop-reveal-button").wait_for()
    expect(page).to_have_title("Workshop · coop-agents")
    choose = page.locator(".coop-choose")
    choose.get_by_text("Advanced settings").click()
    # The first scenario has 4,800 residents: a round of it runs with the most allowed.
    expect(residents_field(choose)).to_have_value(str(LIMIT))
    before = set(sessions.glob("*.json"))
    residents_field(choose).fill(str(LIMIT + 1))
    expect(choose.get_by_text(REFUSED)).to_be_visible()
    box = page.locator(".coop-question-harm")
    box.locator(".coop-participant input").fill("Alice")
    choose_in(page, box.locator(".coop-pick"), pattern_card("full_cycle", "en").label)
    box.get_by_role("button", name="Add").click()
    files = new_files(sessions, before)
    assert len(files) == 1
    assert (
        round_file(files[0], lambda record: record["predictions"]["harm"] == {"Alice": "full_cycle"})[
            "residents"
        ]
        is None
    )  # the refused number never reached the round
    residents_field(choose).fill("1200")
    expect(choose.get_by_text(REFUSED)).to_have_count(0)
    assert round_file(files[0], lambda record: record["residents"] == 1200)
