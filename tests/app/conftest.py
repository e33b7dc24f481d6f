"""Fixtures for the app's tests: a real ``coop-agents app`` server and Debian's chromium.

The server runs as its own process, exactly as a user starts it; pages open in fresh browser
contexts (a fresh context is a new browser session, as a second user would be). Every request a
page makes is recorded, and a test fails if one leaves 127.0.0.1 or if the server fails to serve
one (a front-end asset missing from the offline cache would).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from coop_agents.viz.headless import CHROMIUM, CHROMIUM_ARGS

TIMEOUT_MS = 30_000  # generous: the other tests share the machine's two cores
# Assertions on the page wait within the same bound (Playwright's own default is 5 s, which a step
# of the comparison page can take when the suite runs beside other work).
expect.set_options(timeout=TIMEOUT_MS)
FILE_TIMEOUT_S = 30  # for a file the app writes to show up as the page says it is


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments, pointed at Debian's chromium."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing; run 'make setup' (or apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """``coop-agents app --port 0`` in its own process; its address, read from its first line."""
    yield from start_app(tmp_path_factory.mktemp("app"))


def start_app(logs, *options: str):
    """Start ``coop-agents app --port 0 [options]``, logging to ``logs``; yield its address, then stop it."""
    out, err = open(logs / "stdout", "w+"), open(logs / "stderr", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "coop_agents", "app", "--port", "0", *options], stdout=out, stderr=err
    )
    address = None
    deadline = time.monotonic() + 60
    while address is None and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
        found = re.search(r"http://127\.0\.0\.1:\d+/", (logs / "stdout").read_text())
        address = found.group(0) if found else None
    if address is None:
        proc.kill()
        pytest.fail(f"coop-agents app did not start: {(logs / 'stderr').read_text()[-2000:]}")
    yield address
    proc.terminate()
    proc.wait(timeout=20)
    out.close()
    err.close()


def is_local(url: str) -> bool:
    """Whether a URL stays on this machine (blob: URLs carry their page's origin)."""
    if url.startswith("data:"):
        return True
    if url.startswith("blob:"):
        url = url[len("blob:") :]
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


class Recorder:
    """Every request, websocket and failed response of the pages a test opens."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.failed: list[tuple[int, str]] = []

    def watch(self, page) -> None:
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))
        page.on("response", lambda r: self.failed.append((r.status, r.url)) if r.status >= 400 else None)

    def check(self) -> None:
        outside = [u for u in self.urls if not is_local(u)]
        assert not outside, f"requests left 127.0.0.1: {outside[:5]}"
        assert not self.failed, f"the server failed to serve: {self.failed[:5]}"


@pytest.fixture
def requests_seen():
    return Recorder()


@pytest.fixture
def new_session(browser, requests_seen):
    """A blank page in a new browser session (a fresh context), its requests recorded. When the
    test ends its sessions close, and it fails if a request left 127.0.0.1 or was not served."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        requests_seen.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    requests_seen.check()


@pytest.fixture
def open_app(new_session, app_url):
    """Open a page of the app in a new browser session; wait until it has drawn."""

    def open_page(path: str = ""):
        page = new_session()
        page.goto(app_url + path)
        page.locator(".coop-day").wait_for()
        page.locator(".coop-outcomes td").first.wait_for()
        return page

    return open_page


# Vuetify's controls, and the workshop's round files.


def choose_in(page, select, item: str) -> None:
    select.locator(".v-input__slot").click()
    page.locator(".menuable__content__active .v-list-item").get_by_text(item, exact=True).click()


def number_field(scope, label: str):
    """The input of the number field whose label is exactly ``label`` (help texts mention others)."""
    return (
        scope.locator(".v-text-field")
        .filter(has=scope.page.locator("label").get_by_text(label, exact=True))
        .locator("input")
    )


def round_file(path: Path, holds, timeout: float = FILE_TIMEOUT_S) -> dict:
    """The round's file once ``holds(record)`` is true of it; fails with the last record read if
    that takes longer than ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    record = None
    while True:
        if path.exists():
            record = json.loads(path.read_text(encoding="utf-8"))  # replaced atomically: always whole
            if holds(record):
                return record
        if time.monotonic() > deadline:
            pytest.fail(f"{path} never held what the page shows; last read: {record}")
        time.sleep(0.05)


def new_files(folder: Path, before: set[Path], count: int = 1, timeout: float = FILE_TIMEOUT_S) -> list[Path]:
    """The round files made since ``before``, once there are ``count`` of them."""
    deadline = time.monotonic() + timeout
    while len(files := sorted(set(folder.glob("*.json")) - before)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return files


def chart_ready(page, selector: str, test: str = "true") -> None:
    """Wait, within the page's timeout, until the ECharts chart at ``selector`` is drawn and
    ``test`` (a JavaScript expression over its option ``o``) holds.

    A chart the server re-renders has no ECharts instance for a moment, so every read of a chart
    goes through here rather than reading ``__vue__.chart`` at once.
    """
    page.wait_for_function(
        "s => { const el = document.querySelector(s); const c = el && el.__vue__ && el.__vue__.chart;"
        f" if (!c) return false; const o = c.getOption(); return Boolean({test}); }}",
        arg=selector,
    )
