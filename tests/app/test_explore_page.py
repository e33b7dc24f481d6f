"""The Explore page: a results folder given on the app's command line, its discovery and ranking."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from coop_agents.experiments import load_experiment, run_batch
from coop_agents.exploration import discover, robustness
from coop_agents.viz.explore import WORSE_THAN

from .conftest import start_app

ANALYSIS_TIMEOUT_MS = 240_000  # PRIM, CART and the bootstrap run in the app, on a shared machine
# Three patterns over 8 sampled epidemics of a tiny district, 2 paired replicates (48 runs).
EXPERIMENT = """
name = "explore_page"
seed = 2
replicates = 2
outcomes = ["harm", "unmet_need_days"]
design = { kind = "lhs", samples = 8 }
levers = { pattern = ["siloed", "platform", "full_cycle"] }

[uncertainties]
transmission = { low = 0.04, high = 0.14 }
residents = 200
street_offices = 1
communities_per_street = 2
"""


@pytest.fixture(scope="module")
def explore_app(tmp_path_factory):
    """A small batch of an experiment file, as a user runs one, and the app started with
    ``--results`` on it: ``(address, folder)``."""
    where = tmp_path_factory.mktemp("explore-results")
    (where / "explore_page.toml").write_text(EXPERIMENT, encoding="utf-8")
    folder = where / "batch"
    run_batch(load_experiment(where / "explore_page.toml"), folder, executor="serial", progress=False)
    for address in start_app(tmp_path_factory.mktemp("explore-app"), "--results", str(folder)):
        yield address, folder


def test_the_page_shows_the_discovery_box_and_the_ranking_in_both_languages(new_session, explore_app):
    address, folder = explore_app
    page = new_session()
    page.goto(address)
    # Started with a results folder: the navigation bar offers the page.
    page.get_by_role("button", name="Explore", exact=True).click()
    expect(page).to_have_url(address + "explore")
    ranking = page.locator(".coop-explore-ranking")
    ranking.wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    found = discover(folder, "harm", worse_than=WORSE_THAN)
    expect(page.locator(".coop-explore-sentence")).to_have_text(found.sentence("en"))
    table = robustness(folder, "harm").table
    rows = ranking.locator("tbody tr")
    expect(rows).to_have_count(3)
    for i, policy in enumerate(table["policy"]):
        expect(rows.nth(i).locator("td").nth(1)).to_have_text(policy)
    expect(page.locator(".coop-explore-trajectory tbody tr")).to_have_count(len(found.trajectory))
    page.get_by_role("button", name="中文").click()
    expect(page.locator(".coop-explore-sentence")).to_have_text(found.sentence("zh"))
    expect(page.get_by_text("跨情景稳健性")).to_be_visible()
    # Another outcome of the results: its own analysis.
    page.locator(".coop-explore-outcome").click()
    page.get_by_role("option", name="unmet_need_days").click()
    other = discover(folder, "unmet_need_days", worse_than=WORSE_THAN)
    expect(page.locator(".coop-explore-sentence")).to_have_text(
        other.sentence("zh"), timeout=ANALYSIS_TIMEOUT_MS
    )


def test_the_app_refuses_a_folder_without_results(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "coop_agents", "app", "--port", "0", "--results", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert "--results" in err and "not a results folder" in err and "\n" not in err
